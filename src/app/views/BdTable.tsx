// BD-rate table: every curve against the anchor the visitor picks (Bjøntegaard delta with PCHIP, src/metrics/bdrate):
// each selected codec's curves (an Effort 200 curve too, so "effort 200 vs effort 0" is one anchor choice away) and
// the imported ones.
import { bdQuality, bdRate, tryBd, type RatePoint } from '../../metrics/bdrate';
import { msssimDb } from '../../metrics/msssim';
import { shownCurves } from '../state/curves';
import { useLab } from '../state/lab';
import { toCompressAiJson } from '../state/rdData';
import { removeImported } from '../state/actions';
import { baseName, saveText } from './download';
import { fmtSigned } from './format';

interface Row {
  id: string;
  name: string;
  imported: boolean;
  psnr: RatePoint[];
  ms: RatePoint[];
}

function Cell({ r, unit, digits = 1 }: { r: ReturnType<typeof tryBd>; unit: string; digits?: number }) {
  if (!r.ok) {
    return (
      <td className="num muted" title={r.message}>
        —
      </td>
    );
  }
  const v = r.result.value;
  // For BD-rate negative is better; for BD-PSNR positive is better. The caller passes unit '%' or 'dB'.
  const good = unit === '%' ? v < -0.05 : v > 0.005;
  const bad = unit === '%' ? v > 0.05 : v < -0.005;
  return (
    <td className={`num ${good ? 'good' : bad ? 'bad' : ''}`} data-testid="bd-value">
      {fmtSigned(v, digits)} {unit}
    </td>
  );
}

export function BdTable() {
  const curves = useLab((s) => s.curves);
  const selected = useLab((s) => s.selected);
  const imported = useLab((s) => s.imported);
  const anchor = useLab((s) => s.anchor);
  const source = useLab((s) => s.source);

  const shown = shownCurves(curves, selected);
  const rows: Row[] = [
    ...shown.map(({ curve, name }) => ({
      id: curve.id,
      name,
      imported: false,
      psnr: curve.points.map((p) => ({ rate: p.bpp, quality: p.psnr })),
      ms: curve.points.map((p) => ({ rate: p.bpp, quality: msssimDb(p.msssim) })),
    })),
    ...imported.map((c) => ({
      id: c.id,
      name: c.name,
      imported: true,
      psnr: c.bpp.flatMap((b, i) => (c.psnr[i] == null ? [] : [{ rate: b, quality: c.psnr[i]! }])),
      ms: c.bpp.flatMap((b, i) => (c.msssim[i] == null ? [] : [{ rate: b, quality: msssimDb(c.msssim[i]!) }])),
    })),
  ];
  const anchorRow = rows.find((r) => r.id === anchor) ?? rows[0];

  const exportJson = (id: string) => {
    const s = shown.find((x) => x.curve.id === id);
    if (!s || !source) return;
    const desc = `RD Lab: ${s.name} on ${source.name} (${source.image.width}×${source.image.height}), sweeping ${s.codec.quality.key}; metrics on 8-bit decoded RGB`;
    // "mean-scale~effort_200" → "mean-scale-effort_200" in the file name
    saveText(toCompressAiJson(s.name, desc, s.curve.points), 'application/json', `${baseName(source.name)}-${id.replace(/~/g, '-')}.json`);
  };

  return (
    <div className="bd">
      <div className="bd-head">
        <h3>BD-rate</h3>
        <label className="select-inline" hidden={rows.length === 0}>
          <span>anchor</span>
          <select value={anchorRow?.id ?? ''} onChange={(e) => useLab.setState({ anchor: e.currentTarget.value })} data-testid="bd-anchor">
            {rows.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <table className="bd-table" data-testid="bd-rate-table">
        <thead>
          <tr>
            <th scope="col" rowSpan={2}>
              Curve
            </th>
            <th scope="colgroup" colSpan={2} className="group" title="Average bitrate difference at equal quality (negative = fewer bits)">
              BD-rate at equal
            </th>
            <th scope="col" rowSpan={2} title="Average PSNR difference at equal bitrate (positive = better)">
              BD-PSNR
            </th>
            <th scope="col" rowSpan={2}>
              <span className="visually-hidden">Export</span>
            </th>
          </tr>
          <tr>
            <th scope="col">PSNR</th>
            <th scope="col">MS-SSIM</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td colSpan={5} className="muted">
                No curves yet.
              </td>
            </tr>
          )}
          {rows.map((r) => (
            <tr key={r.id} className={r.id === anchorRow?.id ? 'anchor-row' : ''}>
              <th scope="row">
                {r.name}
                {r.imported && <span className="muted"> · imported</span>}
              </th>
              {r.id === anchorRow?.id ? (
                <td colSpan={3} className="muted">
                  anchor · {r.psnr.length} points
                </td>
              ) : (
                <>
                  <Cell r={tryBd(bdRate, anchorRow.psnr, r.psnr)} unit="%" />
                  <Cell r={tryBd(bdRate, anchorRow.ms, r.ms)} unit="%" />
                  <Cell r={tryBd(bdQuality, anchorRow.psnr, r.psnr)} unit="dB" digits={2} />
                </>
              )}
              <td className="row-actions">
                {r.imported ? (
                  <button type="button" className="linklike small" onClick={() => removeImported(r.id)} aria-label={`Remove ${r.name}`}>
                    remove
                  </button>
                ) : (
                  <button type="button" className="linklike small" onClick={() => exportJson(r.id)} aria-label={`Export ${r.name} as CompressAI JSON`}>
                    JSON
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="fineprint muted">
        Bjøntegaard delta (VCEG-M33) with PCHIP interpolation on log-rate, over the overlapping range. Negative BD-rate = fewer bits for the same quality.
      </p>
    </div>
  );
}
