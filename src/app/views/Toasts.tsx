import { useLab } from '../state/lab';
import { dismissToast } from '../state/actions';

/** Errors and notes, bottom right. Errors stay until dismissed; notes fade after a few seconds. */
export function Toasts() {
  const toasts = useLab((s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div
          key={t.id}
          className={`toast toast-${t.tone}`}
          role={t.tone === 'error' ? 'alert' : 'status'}
          data-testid={t.tone === 'error' ? 'toast-error' : 'toast-info'}
        >
          <div className="toast-body">
            <strong>{t.title}</strong>
            <span>{t.message}</span>
          </div>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
