// The rate–distortion side of the playground: pick codecs, sweep them, read the chart and the BD-rate table,
// search for equal-bpp settings, export and import curves.
import { useRef, useState } from 'react';
import { useTick } from './useTick';
import { CODECS, findCodec } from '../../codecs/registry';
import { settingLabel } from '../../codecs/options';
import { cancelEqualBpp, cancelSweep, importCurves, runEqualBpp, setSide, startSweep, toggleCodec, toast } from '../state/actions';
import { SWEEP_WORKERS } from '../limits';
import { useLab } from '../state/lab';
import { shownCurves } from '../state/curves';
import { toCsv } from '../state/rdData';
import { BdTable } from './BdTable';
import { saveText, sourceBaseName } from './download';
import { codecColor, fmtBpp, fmtDb, fmtMsssim, sweepStatusText } from './format';
import { RdChart } from './RdChart';
import { useColorScheme } from './useColorScheme';

function CodecToggles() {
  const selected = useLab((s) => s.selected);
  const unavailable = useLab((s) => s.unavailable);
  const scheme = useColorScheme();
  return (
    <div className="toggles" role="group" aria-label="Codecs on the chart">
      {CODECS.map((c) => {
        const on = selected.includes(c.id);
        return (
          <button
            key={c.id}
            type="button"
            className={`chip${on ? ' on' : ''}`}
            aria-pressed={on}
            data-testid={`codec-toggle-${c.id}`}
            title={unavailable[c.id] ? `${c.name} cannot run here: ${unavailable[c.id]}` : c.description}
            disabled={!!unavailable[c.id] && !on}
            onClick={() => toggleCodec(c.id)}
            style={{ ['--chip' as string]: codecColor(c.id, scheme) }}
          >
            <span className="chip-dot" aria-hidden="true" />
            {c.name}
          </button>
        );
      })}
    </div>
  );
}

function SweepBar() {
  const sweep = useLab((s) => s.sweep);
  const source = useLab((s) => s.source);
  const selected = useLab((s) => s.selected);
  useTick(sweep.running);
  return (
    <div className="sweep-bar">
      {sweep.running ? (
        <button type="button" className="button danger" onClick={cancelSweep}>
          Cancel
        </button>
      ) : (
        <button type="button" className="button primary" disabled={!source || selected.length === 0} onClick={() => startSweep()}>
          Sweep
        </button>
      )}
      <div className="sweep-status" role="status" aria-live="polite" data-testid="sweep-status" data-running={sweep.running} data-elapsed-ms={sweep.elapsedMs ?? ''} data-done={sweep.done} data-total={sweep.total}>
        {sweep.running && <progress max={sweep.total} value={sweep.done} aria-label="Sweep progress" />}
        <span className={sweep.running ? undefined : 'muted'}>{sweepStatusText(sweep, SWEEP_WORKERS)}</span>
      </div>
    </div>
  );
}

function EqualBpp() {
  const equal = useLab((s) => s.equal);
  const target = useLab((s) => s.targetBpp);
  const source = useLab((s) => s.source);
  const selected = useLab((s) => s.selected);
  const [text, setText] = useState(String(target));
  return (
    <div className="equal">
      <h3>Equal bpp</h3>
      <form
        className="equal-form"
        onSubmit={(e) => {
          e.preventDefault();
          const v = Number(text);
          if (!Number.isFinite(v) || v <= 0 || v > 32) {
            toast('error', 'Invalid target', 'Enter a target between 0 and 32 bits per pixel.');
            return;
          }
          useLab.setState({ targetBpp: v });
          void runEqualBpp();
        }}
      >
        <label>
          target
          <input type="number" min={0.01} max={32} step="any" value={text} onChange={(e) => setText(e.currentTarget.value)} aria-label="Target bits per pixel" />
          bpp
        </label>
        {equal.running ? (
          <button type="button" className="button danger" onClick={cancelEqualBpp}>
            Cancel
          </button>
        ) : (
          <button type="submit" className="button" disabled={!source || selected.length === 0}>
            Find settings
          </button>
        )}
        {equal.running && (
          <span className="muted small" role="status">
            bisecting… {equal.done}/{equal.total}
          </span>
        )}
      </form>
      {equal.results.length > 0 && (
        <table className="equal-table" data-testid="equal-bpp-table">
          <thead>
            <tr>
              <th scope="col">Codec</th>
              <th scope="col">Setting</th>
              <th scope="col">bpp</th>
              <th scope="col">PSNR</th>
              <th scope="col">MS-SSIM</th>
              <th scope="col">Show</th>
            </tr>
          </thead>
          <tbody>
            {equal.results.map((r) => {
              const c = findCodec(r.codecId)!;
              const setting = { kind: 'codec' as const, codecId: r.codecId, options: r.options };
              return (
                <tr key={r.codecId}>
                  <th scope="row">{c.name}</th>
                  <td>{settingLabel(c, r.options)}</td>
                  <td className="num" title={r.reached ? `≤ ${equal.target} bpp, ${r.probes} encodes` : `cannot go as low as ${equal.target} bpp`}>
                    {fmtBpp(r.bpp)}
                    {!r.reached && ' ⚠'}
                  </td>
                  <td className="num">{fmtDb(r.psnr)}</td>
                  <td className="num">{fmtMsssim(r.msssim)}</td>
                  <td className="row-actions">
                    <button type="button" className="linklike small" onClick={() => setSide('left', setting, true)} aria-label={`Show ${c.name} on the left`}>
                      L
                    </button>
                    <button type="button" className="linklike small" onClick={() => setSide('right', setting, true)} aria-label={`Show ${c.name} on the right`}>
                      R
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

function DataIO() {
  const curves = useLab((s) => s.curves);
  const selected = useLab((s) => s.selected);
  const source = useLab((s) => s.source);
  const input = useRef<HTMLInputElement>(null);
  // every curve shown (an Effort 200 curve's points too: their setting column says "… · 200 steps")
  const points = shownCurves(curves, selected).flatMap((s) => s.curve.points);
  return (
    <div className="dataio">
      <button
        type="button"
        className="button ghost small"
        disabled={!source || points.length === 0}
        data-testid="export-csv"
        onClick={() => source && saveText(toCsv(points, { name: source.name, ...source.image }), 'text/csv', `${sourceBaseName(source)}-rd.csv`)}
      >
        Export CSV
      </button>
      <button type="button" className="button ghost small" onClick={() => input.current?.click()}>
        Import CompressAI JSON…
      </button>
      <input
        ref={input}
        type="file"
        accept="application/json,.json"
        className="visually-hidden"
        tabIndex={-1}
        aria-label="Import CompressAI results JSON"
        data-testid="import-json"
        onChange={(e) => {
          const f = e.currentTarget.files?.[0];
          if (f) void importCurves(f);
          e.currentTarget.value = '';
        }}
      />
    </div>
  );
}

export function RdPanel() {
  const metric = useLab((s) => s.metric);
  const clickTarget = useLab((s) => s.clickTarget);
  const [logX, setLogX] = useState(false);
  return (
    <section className="rd-panel" aria-label="Rate–distortion">
      <div className="rd-top">
        <CodecToggles />
        <SweepBar />
      </div>
      <div className="rd-controls">
        <div className="segmented" role="radiogroup" aria-label="Quality metric">
          {(['psnr', 'msssim'] as const).map((m) => (
            <button key={m} type="button" role="radio" aria-checked={metric === m} className={metric === m ? 'on' : ''} onClick={() => useLab.setState({ metric: m })}>
              {m === 'psnr' ? 'PSNR' : 'MS-SSIM (dB)'}
            </button>
          ))}
        </div>
        <label className="check small">
          <input type="checkbox" checked={logX} onChange={(e) => setLogX(e.currentTarget.checked)} /> log bpp
        </label>
        <div className="segmented" role="radiogroup" aria-label="A click on a point shows it on" title="A click on a point of the chart (or Enter on the chart) shows that encode on this compare side">
          <span className="segmented-label">Click shows on</span>
          {(['left', 'right'] as const).map((s) => (
            <button key={s} type="button" role="radio" aria-checked={clickTarget === s} className={clickTarget === s ? 'on' : ''} onClick={() => useLab.setState({ clickTarget: s })}>
              {s === 'left' ? 'Left' : 'Right'}
            </button>
          ))}
        </div>
      </div>
      <RdChart logX={logX} />
      <BdTable />
      <EqualBpp />
      <DataIO />
    </section>
  );
}
