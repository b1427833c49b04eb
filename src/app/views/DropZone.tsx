import { useEffect, useRef, useState } from 'react';
import { SAMPLES, sampleUrl } from '../input/samples';
import { MAX_PIXELS, megapixels } from '../limits';
import { openFile, openSample, toast } from '../state/actions';
import { useLab } from '../state/lab';

const ACCEPT = 'image/png,image/jpeg,image/webp,image/avif,image/jxl,image/gif,image/bmp,.jxl,.avif,.rdlb';

function openFirst(files: FileList | null | undefined) {
  const f = files?.[0];
  if (f) void openFile(f, f.name);
}

/** The file input every way of opening goes through (data-testid drop-zone wraps it). */
function FileButton({ label, className }: { label: string; className: string }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className={className} onClick={() => input.current?.click()}>
        {label}
      </button>
      <input
        ref={input}
        type="file"
        accept={ACCEPT}
        className="visually-hidden"
        tabIndex={-1}
        aria-label="Choose an image file"
        onChange={(e) => {
          openFirst(e.currentTarget.files);
          e.currentTarget.value = '';
        }}
      />
    </>
  );
}

async function pasteFromClipboard() {
  try {
    const items = await navigator.clipboard.read();
    for (const item of items) {
      const type = item.types.find((t) => t.startsWith('image/'));
      if (type) {
        const blob = await item.getType(type);
        await openFile(blob, `pasted.${type.split('/')[1]}`);
        return;
      }
    }
    toast('error', 'Nothing to paste', 'No image found in the clipboard.');
  } catch {
    toast('error', 'Clipboard not available', 'The browser refused access to the clipboard; press Ctrl+V (⌘V) instead.');
  }
}

/** Landing: big drop target with the samples. Once an image is open: a compact "Open" control in the top bar. */
export function DropZone({ compact }: { compact: boolean }) {
  const loading = useLab((s) => s.loading);
  const canPaste = typeof navigator !== 'undefined' && !!navigator.clipboard && 'read' in navigator.clipboard;
  if (compact) {
    return (
      <div className="dropzone-compact" data-testid="drop-zone">
        <FileButton label="Open image…" className="button" />
        {canPaste && (
          <button type="button" className="button ghost" onClick={() => void pasteFromClipboard()}>
            Paste
          </button>
        )}
        <SampleMenu />
        {loading && <span className="muted small">Opening {loading}…</span>}
      </div>
    );
  }
  return (
    <section className="hero" data-testid="drop-zone" aria-label="Open an image">
      <div className="hero-inner">
        <h2>Drop an image anywhere</h2>
        <p className="muted">
          or paste it (Ctrl+V / ⌘V), or <FileButton label="choose a file" className="linklike" />. PNG, JPEG, WebP, AVIF, JPEG XL and RD Lab’s own .rdlb files; up to{' '}
          {megapixels(MAX_PIXELS)} (a 12 MP phone photo is fine) for every codec, learned ones included. Nothing leaves your machine.
        </p>
        {loading && (
          <p className="loading-line" role="status">
            Opening {loading}…
          </p>
        )}
        <h3>Or start with a sample</h3>
        <ul className="samples">
          {SAMPLES.map((s) => (
            <li key={s.id}>
              <button type="button" className="sample" onClick={() => void openSample(s)} data-testid={`sample-${s.id}`}>
                <img src={sampleUrl(s)} alt="" width={s.width} height={s.height} loading="lazy" />
                <span className="sample-title">{s.title}</span>
                <span className="sample-meta">
                  {s.width}×{s.height} · {s.credit}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

function SampleMenu() {
  return (
    <label className="select-inline">
      <span className="visually-hidden">Open a sample photo</span>
      <select
        value=""
        onChange={(e) => {
          const s = SAMPLES.find((x) => x.id === e.currentTarget.value);
          if (s) void openSample(s);
        }}
      >
        <option value="" disabled>
          Samples…
        </option>
        {SAMPLES.map((s) => (
          <option key={s.id} value={s.id}>
            {s.title} ({s.width}×{s.height})
          </option>
        ))}
      </select>
    </label>
  );
}

/** Drop anywhere on the page and Ctrl/⌘+V paste. Shows an overlay while a file is dragged over the window. */
export function useGlobalOpen(): boolean {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      openFirst(e.dataTransfer?.files);
    };
    const paste = (e: ClipboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA')) return;
      const file = Array.from(e.clipboardData?.files ?? []).find((f) => f.type.startsWith('image/')) ?? e.clipboardData?.files?.[0];
      if (file) {
        e.preventDefault();
        void openFile(file, file.name || 'pasted image');
      }
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    window.addEventListener('paste', paste);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
      window.removeEventListener('paste', paste);
    };
  }, []);
  return dragging;
}
