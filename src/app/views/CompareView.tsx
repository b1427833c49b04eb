// Two images, one split: the left image shows left of the handle, the right image right of it. Both share one
// zoom/pan transform, so they stay in sync by construction. Wheel, pinch, drag, buttons and keys zoom and pan;
// above 100 % the pixels are drawn as squares. A side showing a learned codec can overlay its bit-allocation map
// ("Bits"), drawn as a second canvas with the same transform, with a legend in bits/pixel (./bitmap.ts).
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { findCodec } from '../../codecs/registry';
import { settingLabel } from '../../codecs/options';
import type { BitAllocationMap, RgbaImage } from '../../codecs/types';
import { toggleBitsOverlay } from '../state/actions';
import { useLab, type Side, type SideState } from '../state/lab';
import { bitMapScale, bitMapToRgba, fmtBits, viridisGradient, type BitMapScale } from './bitmap';
import { progressText } from './format';
import { useTick } from './useTick';

interface View {
  scale: number;
  x: number;
  y: number;
}

const MIN_SCALE = 0.05;
const MAX_SCALE = 32;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function ImageCanvas({ image, view, className = 'compare-canvas', testId, side }: { image: RgbaImage | null; view: View; className?: string; testId?: string; side?: Side }) {
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
      className={className}
      data-testid={testId}
      data-side={side}
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

/** Whether a side shows a codec whose encodes carry a bit-allocation map (Codec.extras: the learned codecs). */
function showsBitMaps(s: SideState): boolean {
  return s.setting.kind === 'codec' && !!findCodec(s.setting.codecId)?.extras?.includes('bitMap');
}

/** The bit map of the result a side shows, if it has one of the image's size. */
function sideBitMap(s: SideState, original: RgbaImage): BitAllocationMap | null {
  if (!showsBitMaps(s) || !s.result) return null;
  const m = s.result.extras?.bitMap;
  return m && m.width === original.width && m.height === original.height ? m : null;
}

/** A side's bit map, coloured, with its scale (computed once per result). */
function useBitOverlay(map: BitAllocationMap | null): { image: RgbaImage; scale: BitMapScale } | null {
  return useMemo(() => {
    if (!map) return null;
    const scale = bitMapScale(map);
    return { image: bitMapToRgba(map, scale.top), scale };
  }, [map]);
}

function BitsLegend({ side, scale }: { side: Side; scale: BitMapScale }) {
  const last = scale.ticks.length - 1;
  return (
    <span className="bits-legend" data-testid={`bitmap-legend-${side}`} aria-label={`Colour scale: 0 to ${fmtBits(scale.top)} bits per pixel; mean ${fmtBits(scale.mean)}`}>
      <span className="bits-legend-bar" style={{ backgroundImage: viridisGradient() }} aria-hidden="true" />
      <span className="bits-legend-ticks" aria-hidden="true">
        {scale.ticks.map((t, i) => (
          <span key={i}>{`${i === last && scale.clipped ? '≥ ' : ''}${fmtBits(t)}`}</span>
        ))}
      </span>
      <span className="bits-legend-caption">
        bits/pixel · mean {fmtBits(Number(scale.mean.toPrecision(3)))}
      </span>
    </span>
  );
}

function SideTag({ side, state, name, bits }: { side: Side; state: SideState; name: string; bits: { on: boolean; scale: BitMapScale | null } }) {
  const working = state.status === 'working';
  useTick(working);
  return (
    <div className={`side-tag side-tag-${side}`}>
      <span>{sideLabel(state, name)}</span>
      {working && (
        <span className="spinner-line" role="status">
          {progressText(state.progress, state.startedAt === null ? null : performance.now() - state.startedAt)}
        </span>
      )}
      {state.status === 'error' && <span className="tag-error">failed</span>}
      {showsBitMaps(state) && (
        <button
          type="button"
          className="bits-toggle"
          aria-pressed={bits.on}
          disabled={!bits.scale}
          title={bits.scale ? 'Overlay where this codec spends its bits (bits per pixel)' : 'No bit-allocation map yet'}
          onClick={() => toggleBitsOverlay(side)}
          data-testid={`bits-toggle-${side}`}
        >
          Bits
        </button>
      )}
      {bits.on && bits.scale && <BitsLegend side={side} scale={bits.scale} />}
    </div>
  );
}

export function CompareView() {
  const source = useLab((s) => s.source);
  const left = useLab((s) => s.sides.left);
  const right = useLab((s) => s.sides.right);
  const bitsOn = useLab((s) => s.bitsOverlay);
  const leftBits = useBitOverlay(source ? sideBitMap(left, source.image) : null);
  const rightBits = useBitOverlay(source ? sideBitMap(right, source.image) : null);
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

  // Whether the view is as "Fit" left it (no zoom or pan since): then a resize of the view fits again.
  const fitted = useRef(true);
  const fit = useCallback(() => {
    setScaleCentered(Math.min(1, fitScale()));
    fitted.current = true;
  }, [fitScale, setScaleCentered]);

  // A new image: fit it (never enlarge beyond 100 %).
  useLayoutEffect(() => {
    fit();
  }, [source?.key]); // eslint-disable-line react-hooks/exhaustive-deps

  // The view changes size (the side panels below grow when a learned codec shows its notes, the window is
  // resized): fit again if the visitor had not zoomed or panned; otherwise keep the same point in the centre.
  const size = useRef({ w: 0, h: 0 });
  useEffect(() => {
    const el = vp.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    size.current = { w: el.clientWidth, h: el.clientHeight };
    const ro = new ResizeObserver(() => {
      const { w, h } = size.current;
      const nw = el.clientWidth;
      const nh = el.clientHeight;
      if (nw === w && nh === h) return;
      size.current = { w: nw, h: nh };
      if (fitted.current) fit();
      else setView((v) => ({ ...v, x: v.x + (nw - w) / 2, y: v.y + (nh - h) / 2 }));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [fit, source]);

  const zoomAt = useCallback((factor: number, cx?: number, cy?: number) => {
    const el = vp.current;
    if (!el) return;
    const v = viewRef.current;
    const px = cx ?? el.clientWidth / 2;
    const py = cy ?? el.clientHeight / 2;
    const s = clamp(v.scale * factor, MIN_SCALE, MAX_SCALE);
    const k = s / v.scale;
    fitted.current = false;
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
    fitted.current = false;
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
      if (e.key.startsWith('Arrow')) fitted.current = false;
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
        {bitsOn.left && leftBits && <ImageCanvas image={leftBits.image} view={view} className="compare-canvas bits-overlay" testId="bitmap-overlay" side="left" />}
      </div>
      <div className="compare-layer" style={{ clipPath: `inset(0 0 0 ${split * 100}%)` }}>
        <ImageCanvas image={rightImg} view={view} />
        {bitsOn.right && rightBits && <ImageCanvas image={rightBits.image} view={view} className="compare-canvas bits-overlay" testId="bitmap-overlay" side="right" />}
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
      <SideTag side="left" state={left} name={source.name} bits={{ on: bitsOn.left, scale: leftBits?.scale ?? null }} />
      <SideTag side="right" state={right} name={source.name} bits={{ on: bitsOn.right, scale: rightBits?.scale ?? null }} />
      <div className="zoom-controls" aria-label="Zoom">
        <button type="button" className="icon-button" aria-label="Zoom out" onClick={() => zoomAt(0.8)}>
          −
        </button>
        <button
          type="button"
          className="zoom-pct"
          aria-label="Zoom to 100 %"
          title="100 %"
          onClick={() => {
            fitted.current = false;
            setScaleCentered(1);
          }}
        >
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
