// "?" (or the ? button in the top bar): every keyboard shortcut on one sheet, instead of only in aria-labels.
import { useEffect, useRef, useState } from 'react';

const GROUPS: { title: string; keys: [string, string][] }[] = [
  {
    title: 'Anywhere',
    keys: [
      ['Ctrl+V / ⌘V', 'Paste an image from the clipboard'],
      ['?', 'This list'],
      ['Esc', 'Close a dialog'],
    ],
  },
  {
    title: 'Compare view (click it or Tab to it first)',
    keys: [
      ['+ / −', 'Zoom in / out'],
      ['0', 'Fit the image (never above 100 %)'],
      ['← → ↑ ↓', 'Pan (Shift: faster)'],
      ['1 / 2 / 3', 'Split at the left edge / middle / right edge'],
      ['← → Home End', 'On the split handle: move it'],
    ],
  },
  {
    title: 'RD chart (Tab to it)',
    keys: [
      ['← →', 'Previous / next point along a curve'],
      ['↑ ↓', 'The nearest point on the curve above / below'],
      ['Home / End', 'First / last point of the curve'],
      ['Enter', 'Show the point on the side chosen by “Click shows on”'],
    ],
  },
];

/** Whether a key press belongs to a text field (so "?" types a question mark there). */
function typing(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  return !!el && (el.isContentEditable || !!el.closest('input, textarea, select'));
}

export function Shortcuts() {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey && !typing(e.target)) {
        e.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    const d = ref.current;
    if (open && d && !d.open) d.showModal();
  }, [open]);
  return (
    <>
      <button type="button" className="icon-button help-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={() => setOpen(true)}>
        ?
      </button>
      {open && (
        <dialog ref={ref} className="shortcuts" aria-labelledby="shortcuts-title" onClose={() => setOpen(false)} onClick={(e) => e.target === ref.current && ref.current?.close()}>
          <div className="shortcuts-bar">
            <h2 id="shortcuts-title">Keyboard shortcuts</h2>
            <button type="button" className="icon-button" aria-label="Close" onClick={() => ref.current?.close()}>
              ✕
            </button>
          </div>
          {GROUPS.map((g) => (
            <section key={g.title}>
              <h3>{g.title}</h3>
              <dl>
                {g.keys.map(([k, what]) => (
                  <div key={k + what}>
                    <dt>
                      <kbd>{k}</kbd>
                    </dt>
                    <dd>{what}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </dialog>
      )}
    </>
  );
}
