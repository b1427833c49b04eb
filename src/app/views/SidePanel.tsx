// One compare side's controls: what it shows (original or a codec + setting), the numbers, the downloads.
import { messageOf } from '../../errors';
import { useId } from 'react';
import { CODECS, findCodec } from '../../codecs/registry';
import { resolveOptions, settingLabel } from '../../codecs/options';
import type { LatentStatistics } from '../../codecs/types';
import { msssimDb } from '../../metrics/msssim';
import { cancelSide, setSide, toast } from '../state/actions';
import { useLab, type Side } from '../state/lab';
import { rgbaToPng, saveBlob, saveBytes, sourceBaseName } from './download';
import { fmtBpp, fmtDb, fmtMs, fmtMsssim, fmtSigned, formatBytes, progressText } from './format';
import { useTick } from './useTick';
import { ModelNote } from './ModelNote';
import { latentShares, stageRows } from './latents';
import { OptionsForm } from './OptionsForm';

function Stat({ label, value, sub, title }: { label: string; value: string; sub?: string; title?: string }) {
  return (
    <div className="stat" title={title}>
      <dt>{label}</dt>
      <dd>
        {value}
        {sub && <small> {sub}</small>}
      </dd>
    </div>
  );
}

/** A learned codec's latents (extras.latents): shape, cost, share of the bits (a checkerboard's two passes of y on
 * rows of their own), escapes and any other statistic the codec reports. */
function LatentTable({ latents, pixels }: { latents: readonly LatentStatistics[]; pixels: number }) {
  const extra = [...new Set(latents.flatMap((l) => Object.keys(l.values ?? {}).filter((k) => k !== 'escapes')))];
  const shares = latentShares(latents);
  return (
    <div className="latent-wrap">
      <table className="latent-table" data-testid="latent-stats">
        <caption className="visually-hidden">Latent statistics</caption>
        <thead>
          <tr>
            <th scope="col">latent</th>
            <th scope="col">C×H×W</th>
            <th scope="col">size</th>
            <th scope="col" title="bits of this latent per image pixel">bpp</th>
            <th scope="col" title="this latent's share of all the latents' bits">share</th>
            <th scope="col" title="symbols outside their table, coded with the escape code">escapes</th>
            {extra.map((k) => (
              <th key={k} scope="col">
                {k}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {latents.map((l, i) => (
            <tr key={l.name} data-latent={l.name}>
              <th scope="row">{l.name}</th>
              <td>{`${l.channels}×${l.height}×${l.width}`}</td>
              <td>{formatBytes(Math.ceil(l.bits / 8))}</td>
              <td>{fmtBpp(l.bits / pixels)}</td>
              <td data-share>{`${shares[i].toFixed(1)} %`}</td>
              <td>{l.values?.escapes ?? '–'}</td>
              {extra.map((k) => (
                <td key={k}>{l.values?.[k] === undefined ? '–' : Number(l.values[k].toFixed(2))}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The codec's own stage timings (EncodeTimings.stages), encode and decode; a checkerboard's passes each a row. */
function StageTimings({ stages }: { stages: Readonly<Record<string, number>> }) {
  const rows = stageRows(stages);
  if (rows.length === 0) return null;
  return (
    <details className="stage-times" data-testid="stage-timings">
      <summary>Stage timings</summary>
      <table className="latent-table">
        <caption className="visually-hidden">Time per stage</caption>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.phase}/${r.stage}`} data-stage={`${r.phase}: ${r.stage}`}>
              <th scope="row">{`${r.phase}: ${r.stage}`}</th>
              <td>{fmtMs(r.ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

export function SidePanel({ side }: { side: Side }) {
  const id = useId();
  const state = useLab((s) => s.sides[side]);
  const other = useLab((s) => s.sides[side === 'left' ? 'right' : 'left']);
  const source = useLab((s) => s.source);
  const unavailable = useLab((s) => s.unavailable);
  useTick(state.status === 'working');
  if (!source) return null;
  const { setting, result } = state;
  const codec = setting.kind === 'codec' ? findCodec(setting.codecId) : undefined;
  const px = source.image.width * source.image.height;
  const shown = result && setting.kind === 'codec' && result.codecId === setting.codecId ? result : null;
  const stale = !!shown && state.status === 'working';
  const progress = state.status === 'working' ? progressText(state.progress, state.startedAt === null ? null : performance.now() - state.startedAt) : '';
  const otherBytes = other.setting.kind === 'original' ? null : (other.result?.bytes.length ?? null);

  const onCodec = (value: string) => {
    if (value === 'original') setSide(side, { kind: 'original' }, true);
    else setSide(side, { kind: 'codec', codecId: value, options: resolveOptions(findCodec(value)!) }, true);
  };

  const download = () => {
    if (!shown || !codec) return;
    saveBytes(shown.bytes, codec.mimeType, `${sourceBaseName(source)}-${codec.id}-${settingLabel(codec, shown.options).replace(/[^\w]+/g, '_')}.${codec.extension}`);
  };
  const downloadPng = async () => {
    const image = shown ? shown.decoded : source.image;
    try {
      const name = shown && codec ? `${sourceBaseName(source)}-${codec.id}-${settingLabel(codec, shown.options).replace(/[^\w]+/g, '_')}.decoded.png` : `${sourceBaseName(source)}.png`;
      saveBlob(await rgbaToPng(image), name);
    } catch (e) {
      toast('error', 'PNG export failed', messageOf(e));
    }
  };

  return (
    <section className={`side-panel side-panel-${side}`} aria-labelledby={`${id}-h`}>
      <header className="side-head">
        <h2 id={`${id}-h`} className="side-title">
          {side === 'left' ? 'Left' : 'Right'}
        </h2>
        <label className="visually-hidden" htmlFor={`${id}-codec`}>
          {side} side shows
        </label>
        <select id={`${id}-codec`} className="codec-select" value={setting.kind === 'original' ? 'original' : setting.codecId} onChange={(e) => onCodec(e.currentTarget.value)} data-testid={`side-codec-${side}`}>
          <option value="original">Original</option>
          {CODECS.map((c) => (
            <option key={c.id} value={c.id} disabled={!!unavailable[c.id]}>
              {c.name}
              {unavailable[c.id] ? ` (${unavailable[c.id]})` : ''}
            </option>
          ))}
        </select>
        {state.status === 'working' && (
          <>
            <button type="button" className="button ghost" onClick={() => cancelSide(side)} data-testid={`cancel-${side}`} title="Cancel this encode and go back to the result shown">
              Stop
            </button>
            <span className="progress-pill" role="status" title={progress}>
              {progress}
            </span>
          </>
        )}
      </header>

      {codec && setting.kind === 'codec' && (
        <OptionsForm codec={codec} options={setting.options} onChange={(o) => setSide(side, { kind: 'codec', codecId: codec.id, options: o })} />
      )}
      {codec?.modelInfo && <ModelNote codec={codec} />}

      {state.status === 'error' && state.error && (
        <p className="side-error" role="alert">
          {state.error}
        </p>
      )}

      <dl className={`stats${stale ? ' stale' : ''}`} aria-live="polite">
        {setting.kind === 'original' ? (
          <>
            {source.resizedFrom ? (
              <Stat label="Resized" value={`from ${source.resizedFrom.width}×${source.resizedFrom.height}`} sub="Lanczos-3" title="The Resize step: every codec compresses this resized image" />
            ) : (
              <>
                <Stat label="File" value={formatBytes(source.fileBytes)} sub={source.decodedFrom ? `${source.decodedFrom}, decoded` : source.format.toUpperCase()} />
                <Stat label="bpp" value={fmtBpp((source.fileBytes * 8) / px)} />
              </>
            )}
            <Stat label="Size" value={`${source.image.width}×${source.image.height}`} />
            <Stat label="PSNR" value="∞" sub={source.decodedFrom ? 'reference: the decoded file' : 'reference'} />
          </>
        ) : shown ? (
          <>
            <Stat
              label="File"
              value={formatBytes(shown.bytes.length)}
              sub={otherBytes ? `${fmtSigned(((shown.bytes.length - otherBytes) / otherBytes) * 100, 0)} % vs ${side === 'left' ? 'right' : 'left'}` : undefined}
              title={otherBytes ? `This file's size relative to the ${side === 'left' ? 'right' : 'left'} side's file` : undefined}
            />
            <Stat label="bpp" value={fmtBpp(shown.bpp)} />
            <Stat label="PSNR" value={`${fmtDb(shown.metrics.psnr)} dB`} />
            <Stat
              label="MS-SSIM"
              value={fmtMsssim(shown.metrics.msssim)}
              sub={`${fmtDb(msssimDb(shown.metrics.msssim))} dB${shown.metrics.msssimScales < 5 ? ` · ${shown.metrics.msssimScales} scales` : ''}`}
            />
            <Stat label="Encode" value={fmtMs(shown.timings.encodeMs)} />
            <Stat label="Decode" value={fmtMs(shown.timings.decodeMs)} />
          </>
        ) : (
          <p className="muted small">{state.status === 'error' ? 'No result.' : state.status === 'cancelled' ? 'Cancelled.' : 'Encoding…'}</p>
        )}
      </dl>
      {shown?.extras?.latents && shown.extras.latents.length > 0 && <LatentTable latents={shown.extras.latents} pixels={px} />}
      {shown?.timings.stages && <StageTimings stages={shown.timings.stages} />}
      {shown?.extras?.notes?.map((n) => (
        <p key={n} className="muted small">
          {n}
        </p>
      ))}

      <div className="side-actions">
        {codec && (
          <button type="button" className="button" disabled={!shown || stale} onClick={download} data-testid="download-compressed">
            Download .{codec.extension}
          </button>
        )}
        <button type="button" className="button ghost" disabled={setting.kind === 'codec' && !shown} onClick={() => void downloadPng()} data-testid={`download-decoded-${side}`}>
          {setting.kind === 'original' ? 'Original as PNG' : 'Decoded PNG'}
        </button>
      </div>
    </section>
  );
}
