// The rate–distortion chart: x = bits per pixel, y = PSNR or MS-SSIM in dB. One curve per codec (points appear as
// the sweep computes them), dashed curves for imported results, rings marking what each compare side shows.
// Hover a point for its numbers; click it to load that encode into a compare side. Keyboard: the chart is one tab
// stop; arrow keys move between points (left/right along a curve, up/down between curves), Enter shows one.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, type TooltipContentProps } from 'recharts';
import { msssimDb } from '../../metrics/msssim';
import { showPoint } from '../state/actions';
import { shownCurves } from '../state/curves';
import { useLab } from '../state/lab';
import type { RdMetric } from '../state/url';
import { formatBppTick, linearTicks, logTicks, sideLabelAt } from './axis';
import { codecColor, fmtBpp, fmtDb, fmtMs, fmtMsssim, formatBytes, importedColor } from './format';
import { useTheme } from './useColorScheme';
import type { Palette } from '../palette';

interface Datum {
  x: number;
  y: number;
  kind: 'point' | 'hit' | 'imported' | 'side' | 'focus';
  series: string;
  codecId?: string;
  /** The curve a swept point is on (state Curve.id: the codec's id, or "<id>~effort_200"). */
  curve?: string;
  quality?: number;
  setting?: string;
  bytes?: number;
  psnr?: number | null;
  msssim?: number | null;
  encodeMs?: number;
  decodeMs?: number;
  side?: 'L' | 'R';
}

const yOf = (metric: RdMetric, psnr: number | null | undefined, msssim: number | null | undefined) =>
  metric === 'psnr' ? (psnr ?? NaN) : msssim == null ? NaN : msssimDb(msssim);

function PointTooltip({ active, payload }: Partial<TooltipContentProps<number, string>>) {
  const d = active && payload?.[0] ? (payload[0].payload as Datum) : null;
  if (!d) return null;
  return (
    <div className="chart-tooltip">
      <strong>
        {d.series}
        {d.setting ? ` ${d.setting}` : ''}
      </strong>
      <span>{fmtBpp(d.x)} bpp{d.bytes ? ` · ${formatBytes(d.bytes)}` : ''}</span>
      {d.psnr != null && <span>PSNR {fmtDb(d.psnr)} dB</span>}
      {d.msssim != null && (
        <span>
          MS-SSIM {fmtMsssim(d.msssim)} ({fmtDb(msssimDb(d.msssim))} dB)
        </span>
      )}
      {d.encodeMs !== undefined && (
        <span>
          encode {fmtMs(d.encodeMs)} · decode {fmtMs(d.decodeMs ?? 0)}
        </span>
      )}
      {(d.kind === 'point' || d.kind === 'hit') && <em>click to show it in the compare view</em>}
    </div>
  );
}

interface ShapeProps {
  cx?: number;
  cy?: number;
  payload?: Datum;
  fill?: unknown;
  /** the page's palette (dot outlines, rings, the keyboard cursor) */
  palette: Palette;
}

function PointShape({ cx, cy, payload, fill: f, palette }: ShapeProps) {
  const fill = typeof f === 'string' ? f : palette.muted;
  if (cx == null || cy == null || !payload || !Number.isFinite(cx) || !Number.isFinite(cy)) return <g />;
  const d = payload;
  const label = `${d.series} ${d.setting ?? ''}: ${fmtBpp(d.x)} bpp, ${fmtDb(d.y)} dB`;
  if (d.kind === 'side') {
    return (
      <g className="side-marker" data-testid="rd-side-marker" pointerEvents="none">
        <circle cx={cx} cy={cy} r={9} fill="none" stroke={palette.mark} strokeWidth={1.5} />
        <text {...sideLabelAt(d.side ?? 'L', cx, cy)} fontSize={10} fontWeight={600} fill={palette.mark} stroke={palette.panel} strokeWidth={3} paintOrder="stroke">
          {d.side}
        </text>
      </g>
    );
  }
  if (d.kind === 'focus') {
    return <rect data-testid="rd-focus-marker" x={cx - 8} y={cy - 8} width={16} height={16} rx={3} fill="none" stroke={palette.accent} strokeWidth={2} pointerEvents="none" />;
  }
  if (d.kind === 'imported') {
    return <rect data-testid="rd-overlay-point" x={cx - 3} y={cy - 3} width={6} height={6} fill={fill} transform={`rotate(45 ${cx} ${cy})`} aria-label={label} />;
  }
  const open = () => d.curve !== undefined && d.quality !== undefined && showPoint(d.curve, d.quality);
  // A 24-px tap target around each 9-px dot, drawn in a layer under every curve's dots (so a dot is never covered
  // by a neighbour's target: a click on a dot is that dot); the keyboard reaches points through the chart.
  if (d.kind === 'hit') return <circle data-testid="rd-point-hit" className="rd-point" cx={cx} cy={cy} r={12} fill="transparent" onClick={open} />;
  return <circle data-testid="rd-point" data-codec={d.codecId} data-curve={d.curve} className="rd-point rd-dot" cx={cx} cy={cy} r={4.5} fill={fill} stroke={palette.panel} strokeWidth={1} onClick={open} aria-label={label} />;
}

export function RdChart({ logX }: { logX: boolean }) {
  const [cursor, setCursor] = useState<{ codec: string; i: number } | null>(null);
  const box = useRef<HTMLDivElement>(null);
  // recharts draws its layers into <g> portal targets; React listens for focus events on every portal
  // container, and Chromium makes an SVG element with focus listeners a tab stop: one unnamed stop per layer.
  // The chart is one tab stop (this div), so they are taken out of the tab order.
  useEffect(() => {
    box.current?.querySelectorAll('svg g:not([tabindex])').forEach((g) => g.setAttribute('tabindex', '-1'));
  });
  const clickTarget = useLab((s) => s.clickTarget);
  const curves = useLab((s) => s.curves);
  const selected = useLab((s) => s.selected);
  const imported = useLab((s) => s.imported);
  const metric = useLab((s) => s.metric);
  const sides = useLab((s) => s.sides);
  const { scheme, palette } = useTheme();
  const shape = (props: Omit<ShapeProps, 'palette'>) => <PointShape {...props} palette={palette} />;

  // Each selected codec's curve, then its curves at other values of its curve option (Effort 200: dotted, same colour).
  const series = shownCurves(curves, selected).map(({ curve: c, name, variant }) => {
    const data: Datum[] = c.points
      .map((p) => ({ ...p, curve: c.id, x: p.bpp, y: yOf(metric, p.psnr, p.msssim), kind: 'point' as const, series: name }))
      .filter((d) => Number.isFinite(d.y) && d.x > 0)
      .sort((a, b) => a.x - b.x);
    return { id: c.id, name, color: codecColor(c.codecId, scheme), variant, data };
  });
  const overlays = imported.map((c, i) => ({
    id: c.id,
    name: c.name,
    color: importedColor(i, scheme),
    data: c.bpp
      .map((b, k): Datum => ({ x: b, y: yOf(metric, c.psnr[k], c.msssim[k]), kind: 'imported', series: c.name, psnr: c.psnr[k], msssim: c.msssim[k] }))
      .filter((d) => Number.isFinite(d.y))
      .sort((a, b) => a.x - b.x),
  }));
  const markers: Datum[] = (['left', 'right'] as const).flatMap((side) => {
    const s = sides[side];
    const r = s.result;
    if (s.setting.kind !== 'codec' || !r || r.codecId !== s.setting.codecId) return [];
    const y = yOf(metric, r.metrics.psnr, r.metrics.msssim);
    return Number.isFinite(y) ? [{ x: r.bpp, y, kind: 'side' as const, series: side, side: side === 'left' ? 'L' : 'R' }] : [];
  });

  // The keyboard cursor: a point of a swept curve (kept by codec and index while points arrive).
  const live = series.filter((x) => x.data.length > 0);
  const cs = cursor ? live.findIndex((x) => x.id === cursor.codec) : -1;
  const focused = cs >= 0 ? live[cs].data[Math.min(cursor!.i, live[cs].data.length - 1)] : null;
  const focusLabel = focused ? `${focused.series} ${focused.setting ?? ''}: ${fmtBpp(focused.x)} bpp, ${fmtDb(focused.y)} dB` : '';
  const show = () => focused?.curve !== undefined && focused.quality !== undefined && showPoint(focused.curve, focused.quality);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (live.length === 0) return;
    const here = cs >= 0 ? { s: cs, i: Math.min(cursor!.i, live[cs].data.length - 1) } : null;
    const go = (s: number, i: number) => setCursor({ codec: live[s].id, i });
    const nearest = (s: number, x: number) => live[s].data.reduce((best, d, k) => (Math.abs(Math.log(d.x / x)) < Math.abs(Math.log(live[s].data[best].x / x)) ? k : best), 0);
    const k = e.key;
    if (!here) {
      if (['ArrowRight', 'ArrowLeft', 'ArrowUp', 'ArrowDown', 'Home', 'End'].includes(k)) {
        e.preventDefault();
        go(0, k === 'End' ? live[0].data.length - 1 : 0);
      }
      return;
    }
    const n = live[here.s].data.length;
    const up = (here.s + live.length - 1) % live.length;
    const down = (here.s + 1) % live.length;
    const x = live[here.s].data[here.i].x;
    const moves: Record<string, () => void> = {
      ArrowRight: () => go(here.s, Math.min(n - 1, here.i + 1)),
      ArrowLeft: () => go(here.s, Math.max(0, here.i - 1)),
      ArrowUp: () => go(up, nearest(up, x)),
      ArrowDown: () => go(down, nearest(down, x)),
      Home: () => go(here.s, 0),
      End: () => go(here.s, n - 1),
      Enter: show,
      ' ': show,
      Escape: () => setCursor(null),
    };
    if (moves[k]) {
      e.preventDefault();
      moves[k]();
    }
  };

  // Round axis ticks (0, 0.5, 1, … or powers of two on the log axis) spanning every point (./axis.ts).
  const xs = [...series.flatMap((s) => s.data.map((d) => d.x)), ...overlays.flatMap((o) => o.data.map((d) => d.x)), ...markers.map((d) => d.x)].filter((x) => x > 0);
  const maxX = Math.max(0, ...xs);
  const xTicks = logX ? logTicks(Math.min(...xs), maxX) : linearTicks(maxX);
  const xDomain: [number | string, number | string] = xTicks ? [logX ? xTicks[0] : 0, xTicks[xTicks.length - 1]] : ['auto', 'auto'];
  const yLabel = metric === 'psnr' ? 'PSNR-RGB (dB)' : 'MS-SSIM-RGB (dB)';
  const empty = series.every((s) => s.data.length === 0) && overlays.every((o) => o.data.length === 0);

  return (
    <div
      ref={box}
      className="rd-chart"
      data-testid="rd-chart"
      tabIndex={0}
      role="application"
      aria-roledescription="chart"
      aria-label={`Rate–distortion chart, ${yLabel} against bits per pixel. Arrow keys move between points (left and right along a curve, up and down between curves); Enter shows the point on the ${clickTarget} side.`}
      onKeyDown={onKeyDown}
      onBlur={(e) => !e.currentTarget.contains(e.relatedTarget as Node | null) && setCursor(null)}
    >
      <p className="visually-hidden" aria-live="polite" data-testid="rd-chart-focus">
        {focusLabel}
      </p>
      <div className="rd-chart-plot">
        {empty && <p className="chart-empty muted">Points appear here as each codec’s quality sweep runs.</p>}
        <ResponsiveContainer width="100%" height="100%">
          <ScatterChart margin={{ top: 12, right: 16, bottom: 28, left: 4 }} accessibilityLayer={false}>
            <CartesianGrid stroke={palette.line} strokeDasharray="2 4" />
            <XAxis
              type="number"
              dataKey="x"
              name="bpp"
              scale={logX ? 'log' : 'linear'}
              domain={xDomain}
              ticks={xTicks}
              allowDataOverflow={false}
              tickFormatter={formatBppTick}
              stroke={palette.muted}
              fontSize={11}
              label={{ value: 'bits per pixel', position: 'insideBottom', offset: -16, fill: palette.muted, fontSize: 11 }}
            />
            <YAxis
              type="number"
              dataKey="y"
              name={yLabel}
              domain={['auto', 'auto']}
              tickFormatter={(v: number) => v.toFixed(0)}
              stroke={palette.muted}
              fontSize={11}
              width={44}
              label={{ value: yLabel, angle: -90, position: 'insideLeft', offset: 12, fill: palette.muted, fontSize: 11, style: { textAnchor: 'middle' } }}
            />
            <Tooltip content={<PointTooltip />} cursor={{ stroke: palette.accent, strokeDasharray: '3 3' }} isAnimationActive={false} />
            {overlays.map((o) => (
              <Scatter key={o.id} name={o.name} data={o.data} fill={o.color} line={{ stroke: o.color, strokeDasharray: '5 4', strokeWidth: 1.5 }} shape={shape} isAnimationActive={false} />
            ))}
            {series.map((s) => (
              <Scatter key={`${s.id}-hit`} name={s.name} data={s.data.map((d) => ({ ...d, kind: 'hit' as const }))} fill="none" shape={shape} isAnimationActive={false} zIndex={590} />
            ))}
            {series.map((s) => (
              <Scatter key={s.id} name={s.name} data={s.data} fill={s.color} line={{ stroke: s.color, strokeWidth: 2, ...(s.variant ? { strokeDasharray: '2 3' } : {}) }} shape={shape} isAnimationActive={false} />
            ))}
            {markers.length > 0 && <Scatter name="sides" data={markers} fill={palette.mark} shape={shape} isAnimationActive={false} tooltipType="none" />}
            {focused && <Scatter name="keyboard" data={[{ ...focused, kind: 'focus' as const }]} fill="none" shape={shape} isAnimationActive={false} tooltipType="none" />}
          </ScatterChart>
        </ResponsiveContainer>
      </div>
      <ul className="legend" aria-label="Curves">
        {series.map((s) => (
          <li key={s.id} data-curve={s.id} title={`${s.name}: ${s.data.length} settings swept on this image (${s.variant ? 'dotted' : 'solid'} line; click a dot to show it)`}>
            <span className="swatch" style={{ background: s.color }} />
            {s.name} <span className="muted">({s.data.length})</span>
          </li>
        ))}
        {overlays.map((o) => (
          <li key={o.id} title={`${o.name}: imported curve (dashed line, diamonds), measured elsewhere on other images`}>
            <span className="swatch dashed" style={{ borderColor: o.color }} />
            {o.name} <span className="muted">(imported)</span>
          </li>
        ))}
        {markers.length > 0 && (
          <li title="Rings: the settings the compare sides show now">
            <span className="ring-swatch" aria-hidden="true" />
            <span className="muted">L / R: what each side shows</span>
          </li>
        )}
      </ul>
    </div>
  );
}
