// Messages in the corner: notes fade after 6 s, errors after 20 s (or when dismissed, or when another image opens).
import { useLab } from '../lab';

let toastId = 1;

export function toast(tone: 'error' | 'info', title: string, message: string): void {
  const t = { id: toastId++, tone, title, message };
  useLab.setState((s) => ({ toasts: [...s.toasts.filter((x) => x.message !== message).slice(-3), t] }));
  setTimeout(() => dismissToast(t.id), tone === 'info' ? 6000 : 20_000);
}

export function dismissToast(id: number): void {
  useLab.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}
