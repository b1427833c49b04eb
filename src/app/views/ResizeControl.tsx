// The Resize step (top bar): width × height or a percentage of the opened image, the aspect ratio kept or not,
// Lanczos-3. Applies to both sides before compression (state/actions/open.ts setResize, state/resize.ts).
import { useEffect, useRef, useState } from 'react';
import { setResize } from '../state/actions';
import { useLab } from '../state/lab';
import { describeResize, keepAspect, RESIZE_PRESETS, targetSize, type ResizeSetting } from '../state/resize';

const presetLabel = (p: number) => (p === 100 ? '100 % (as opened)' : `${Number(p.toFixed(1))} %`);

export function ResizeControl() {
  const original = useLab((s) => s.original);
  const source = useLab((s) => s.source);
  const resize = useLab((s) => s.resize);
  const resizing = useLab((s) => s.resizing);
  const [open, setOpen] = useState(false);
  const [lock, setLock] = useState(true);
  const [preset, setPreset] = useState<string>('100');
  const [w, setW] = useState('');
  const [h, setH] = useState('');
  const panel = useRef<HTMLFormElement>(null);

  // The form starts from what is applied now.
  useEffect(() => {
    if (!open || !original || !source) return;
    setW(String(source.image.width));
    setH(String(source.image.height));
    setPreset(resize && 'percent' in resize ? String(resize.percent) : resize ? 'custom' : '100');
  }, [open]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (!open) return;
    const close = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('keydown', close);
    return () => window.removeEventListener('keydown', close);
  }, [open]);

  if (!original || !source) return null;
  const ow = original.image.width;
  const oh = original.image.height;

  const choosePreset = (v: string) => {
    setPreset(v);
    if (v === 'custom') return;
    const t = targetSize({ percent: Number(v) }, ow, oh);
    setW(String(t.width));
    setH(String(t.height));
  };
  const setSide = (axis: 'width' | 'height', text: string) => {
    setPreset('custom');
    (axis === 'width' ? setW : setH)(text);
    const v = Number(text);
    if (lock && Number.isInteger(v) && v > 0) (axis === 'width' ? setH : setW)(String(keepAspect(axis, v, ow, oh)));
  };
  const setting = (): ResizeSetting => (preset !== 'custom' ? { percent: Number(preset) } : { width: Number(w), height: Number(h) });

  return (
    <div className="resize">
      <button
        type="button"
        className={`button small${resize ? ' on' : ''}`}
        aria-expanded={open}
        aria-controls="resize-panel"
        data-testid="resize-toggle"
        title="Resize the image before compression (both sides)"
        onClick={() => setOpen((o) => !o)}
      >
        {resizing ? 'Resizing…' : resize ? `Resized ${describeResize(resize)}` : 'Resize'}
      </button>
      {open && (
        <form
          ref={panel}
          id="resize-panel"
          className="resize-panel"
          aria-label="Resize"
          onSubmit={(e) => {
            e.preventDefault();
            void setResize(setting());
            setOpen(false);
          }}
        >
          <p className="small muted">
            Resizes the opened {ow}×{oh} image before any codec sees it: both sides, the curves, the metrics and the downloads use the result.
          </p>
          <label className="field">
            <span>Preset</span>
            <select value={preset} onChange={(e) => choosePreset(e.currentTarget.value)} data-testid="resize-preset">
              {RESIZE_PRESETS.map((p) => (
                <option key={p} value={String(p)}>
                  {presetLabel(p)}
                </option>
              ))}
              <option value="custom">Width × height</option>
            </select>
          </label>
          <label className="field">
            <span>Width</span>
            <input type="number" min={1} step={1} value={w} onChange={(e) => setSide('width', e.currentTarget.value)} data-testid="resize-width" />
            <span className="muted small">px</span>
          </label>
          <label className="field">
            <span>Height</span>
            <input type="number" min={1} step={1} value={h} onChange={(e) => setSide('height', e.currentTarget.value)} data-testid="resize-height" />
            <span className="muted small">px</span>
          </label>
          <label className="check small">
            <input type="checkbox" checked={lock} onChange={(e) => setLock(e.currentTarget.checked)} data-testid="resize-lock" /> Keep aspect ratio
          </label>
          <p className="small muted">
            Filter: Lanczos-3 (sharp, few artefacts; Squoosh’s and Pillow’s choice for photos), in sRGB values.
          </p>
          <div className="resize-actions">
            <button type="submit" className="button primary small" data-testid="resize-apply">
              Apply
            </button>
            <button
              type="button"
              className="button ghost small"
              disabled={!resize}
              data-testid="resize-reset"
              onClick={() => {
                void setResize(null);
                setOpen(false);
              }}
            >
              Original size
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
