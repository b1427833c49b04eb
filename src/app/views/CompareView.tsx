// Two images, one split: the left image shows left of the handle, the right image right of it. Both share one
// zoom/pan transform, so they stay in sync by construction. Wheel, pinch, drag, buttons and keys zoom and pan;
// above 100 % the pixels are drawn as squares.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { findCodec } from '../../codecs/registry';
import { settingLabel } from '../../codecs/options';
import type { RgbaImage } from '../../codecs/types';
import { useLab, type Side, type SideState } from '../state/lab';

interface View {
  scale: number;
  x: number;
  y: number;
}

const MIN_SCALE = 0.05;
const MAX_SCALE = 32;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function ImageCanvas({ image, view }: { image: RgbaImage | null; view: View }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    if (!c || !image) return;
    if (c.width !== image.width) c.width = image.width;
    if (c.height !== image.height) c.height = image.height;
    c.getContext('2d')?.putImageData(new ImageData(image.data as Uint8ClampedArray<ArrayBuffer>, image.width, image.height), 0, 0);
  }, [image]);
  return (
    <canvas
      ref={ref}
      className="compare-canvas"
      style={{
        transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})`,
        imageRendering: view.scale > 1 ? 'pixelated' : 'auto',
        visibility: image ? 'visible' : 'hidden',
      }}
    />
  );
}

export function sideLabel(s: SideState, sourceName: string): string {
  if (s.setting.kind === 'original') return `Original (${sourceName})`;
  const codec = findCodec(s.setting.codecId);
  return codec ? `${codec.name} ${settingLabel(codec, s.setting.options)}` : s.setting.codecId;
}

function sideImage(s: SideState, original: RgbaImage): RgbaImage | null {
  if (s.setting.kind === 'original') return original;
  return s.result?.decoded ?? null;
}

function SideTag({ side, state, name }: { side: Side; state: SideState; name: string }) {
  const working = state.status === 'working';
  const pct = state.progress ? Math.round(state.progress.done * 100) : 0;
  return (
    <div className={`side-tag side-tag-${side}`}>
      <span>{sideLabel(state, name)}</span>
      {working && (
        <span className="spinner-line" role="status">
          {state.progress?.stage ?? 'working'} {pct > 0 ? `${pct}%` : ''}
        </span>
      )}
      {state.status === 'error' && <span className="tag-error">failed</span>}
    </div>
  );
}

export function CompareView() {
  const source = useLab((s) => s.source);
  const left = useLab((s) => s.sides.left);
  const right = useLab((s) => s.sides.right);
  const vp = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<View>({ scale: 1, x: 0, y: 0 });
  const [split, setSplit] = useState(0.5);
  const viewRef = useRef(view);
  viewRef.current = view;

  const fitScale = useCallback(() => {
    const el = vp.current;
    if (!el || !source) return 1;
    return Math.min(el.clientWidth / source.image.width, el.clientHeight / source.image.height);
  }, [source]);

  const setScaleCentered = useCallback(
    (scale: number) => {
      const el = vp.current;
      if (!el || !source) return;
      const s = clamp(scale, MIN_SCALE, MAX_SCALE);
      setView({ scale: s, x: (el.clientWidth - source.image.width * s) / 2, y: (el.clientHeight - source.image.height * s) / 2 });
    },
    [source],
  );

  const fit = useCallback(() => setScaleCentered(Math.min(1, fitScale())), [fitScale, setScaleCentered]);

  // A new image: fit it (never enlarge beyond 100 %).
  useLayoutEffect(() => {
    fit();
  }, [source?.key]); // eslint-disable-line react-hooks/exhaustive-deps

  const zoomAt = useCallback((factor: number, cx?: number, cy?: number) => {
    const el = vp.current;
    if (!el) return;
    const v = viewRef.current;
    const px = cx ?? el.clientWidth / 2;
    const py = cy ?? el.clientHeight / 2;
    const s = clamp(v.scale * factor, MIN_SCALE, MAX_SCALE);
    const k = s / v.scale;
    setView({ scale: s, x: px - (px - v.x) * k, y: py - (py - v.y) * k });
  }, []);

  // Wheel zoom needs a non-passive listener to keep the page from scrolling.
  useEffect(() => {
    const el = vp.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? 400 : 1;
      const speed = e.ctrlKey ? 0.01 : 0.0015; // ctrl+wheel = trackpad pinch
      zoomAt(Math.exp(-e.deltaY * unit * speed), e.clientX - r.left, e.clientY - r.top);
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [zoomAt, source]);

  // Pointers: one drags (pan), two pinch (zoom about their midpoint, pan with it).
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const draggingSplit = useRef<number | null>(null);

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if ((e.target as HTMLElement).closest('button, .split-handle, input, select')) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const el = vp.current;
    if (!el) return;
    if (draggingSplit.current === e.pointerId) {
      const r = el.getBoundingClientRect();
      setSplit(clamp((e.clientX - r.left) / r.width, 0, 1));
      return;
    }
    const map = pointers.current;
    const prev = map.get(e.pointerId);
    if (!prev) return;
    const r = el.getBoundingClientRect();
    if (map.size === 1) {
      const dx = e.clientX - prev.x;
      const dy = e.clientY - prev.y;
      setView((v) => ({ ...v, x: v.x + dx, y: v.y + dy }));
    } else if (map.size === 2) {
      const [a, b] = [...map.entries()].map(([id, p]) => (id === e.pointerId ? { x: e.clientX, y: e.clientY } : p));
      const [pa, pb] = [...map.values()];
      const d0 = Math.hypot(pa.x - pb.x, pa.y - pb.y) || 1;
      const d1 = Math.hypot(a.x - b.x, a.y - b.y) || 1;
      const m0 = { x: (pa.x + pb.x) / 2 - r.left, y: (pa.y + pb.y) / 2 - r.top };
      const m1 = { x: (a.x + b.x) / 2 - r.left, y: (a.y + b.y) / 2 - r.top };
      setView((v) => {
        const s = clamp(v.scale * (d1 / d0), MIN_SCALE, MAX_SCALE);
        const k = s / v.scale;
        return { scale: s, x: m1.x - (m0.x - v.x) * k, y: m1.y - (m0.y - v.y) * k };
      });
    }
    map.set(e.pointerId, { x: e.clientX, y: e.clientY });
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    pointers.current.delete(e.pointerId);
    if (draggingSplit.current === e.pointerId) draggingSplit.current = null;
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if ((e.target as HTMLElement).closest('input, select, button:not(.split-handle)')) return;
    const step = e.shiftKey ? 100 : 25;
    const keys: Record<string, () => void> = {
      '+': () => zoomAt(1.25),
      '=': () => zoomAt(1.25),
      '-': () => zoomAt(0.8),
      '0': fit,
      '1': () => setSplit(0),
      '2': () => setSplit(0.5),
      '3': () => setSplit(1),
      ArrowLeft: () => setView((v) => ({ ...v, x: v.x + step })),
      ArrowRight: () => setView((v) => ({ ...v, x: v.x - step })),
      ArrowUp: () => setView((v) => ({ ...v, y: v.y + step })),
      ArrowDown: () => setView((v) => ({ ...v, y: v.y - step })),
    };
    if ((e.target as HTMLElement).classList.contains('split-handle')) {
      if (e.key === 'ArrowLeft') return (e.preventDefault(), setSplit((s) => clamp(s - 0.02, 0, 1)));
      if (e.key === 'ArrowRight') return (e.preventDefault(), setSplit((s) => clamp(s + 0.02, 0, 1)));
      if (e.key === 'Home') return (e.preventDefault(), setSplit(0));
      if (e.key === 'End') return (e.preventDefault(), setSplit(1));
    }
    const f = keys[e.key];
    if (f && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      f();
    }
  };

  if (!source) return null;
  const leftImg = sideImage(left, source.image);
  const rightImg = sideImage(right, source.image);
  const pct = Math.round(view.scale * 100);

  return (
    <div
      ref={vp}
      className="compare"
      data-testid="compare-view"
      tabIndex={0}
      role="group"
      aria-label="Compare view: drag to pan, wheel or +/− to zoom, 0 to fit, 1/2/3 to move the split"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onKeyDown={onKeyDown}
      onDoubleClick={(e) => {
        if (!(e.target as HTMLElement).closest('button')) fit();
      }}
    >
      <div className="compare-layer">
        <ImageCanvas image={leftImg} view={view} />
      </div>
      <div className="compare-layer" style={{ clipPath: `inset(0 0 0 ${split * 100}%)` }}>
        <ImageCanvas image={rightImg} view={view} />
      </div>
      <button
        type="button"
        className="split-handle"
        style={{ left: `${split * 100}%` }}
        role="slider"
        aria-label="Split position"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(split * 100)}
        onPointerDown={(e) => {
          e.stopPropagation();
          e.currentTarget.parentElement?.setPointerCapture(e.pointerId);
          draggingSplit.current = e.pointerId;
        }}
      >
        <span className="split-grip" aria-hidden="true">
          ‹ ›
        </span>
      </button>
      <SideTag side="left" state={left} name={source.name} />
      <SideTag side="right" state={right} name={source.name} />
      <div className="zoom-controls" aria-label="Zoom">
        <button type="button" className="icon-button" aria-label="Zoom out" onClick={() => zoomAt(0.8)}>
          −
        </button>
        <button type="button" className="zoom-pct" aria-label="Zoom to 100 %" title="100 %" onClick={() => setScaleCentered(1)}>
          {pct}%
        </button>
        <button type="button" className="icon-button" aria-label="Zoom in" onClick={() => zoomAt(1.25)}>
          +
        </button>
        <button type="button" className="button ghost small" onClick={fit}>
          Fit
        </button>
      </div>
    </div>
  );
}
