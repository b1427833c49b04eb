// Under the options of a codec with a trained model (Codec.modelInfo: the learned codecs, which read it from their
// package's manifest): whose weights these are and how they fared on RD Lab's benchmark photos, with a button that
// opens the model card (ModelCard.tsx).
import { useEffect, useState } from 'react';
import type { Codec, ModelInfo } from '../../codecs/types';
import { fmtSigned } from './format';
import { ModelCard } from './ModelCard';

/** What the note's text is made of (the card's address is not). */
export type ModelFacts = Omit<ModelInfo, 'card' | 'cardBase'>;

const ANCHOR_NAMES: Record<string, string> = { jpeg: 'MozJPEG', webp: 'WebP', avif: 'AVIF', jxl: 'JPEG XL' };

/** One line of text (tested on its own): "RD Lab's own weights: 30,736 steps, 9.4 CPU-h (2026-12-02). BD-rate (PSNR)
 * on 24 benchmark photos, whole scenes at 768×512: …"; a run that began from another model's transforms says how
 * long those trained. */
export function modelNoteText(info: ModelFacts): string {
  const parts: string[] = [];
  const trained = [info.steps !== undefined ? `${info.steps.toLocaleString('en-US')} steps` : '', info.cpuHours !== undefined ? `${info.cpuHours.toFixed(1)} CPU-h` : '']
    .filter(Boolean)
    .join(', ');
  const init =
    info.initSteps !== undefined
      ? `, on transforms taken from another of our models after ${info.initSteps.toLocaleString('en-US')} steps${info.initCpuHours !== undefined ? ` (${info.initCpuHours.toFixed(1)} CPU-h)` : ''}`
      : '';
  if (trained) parts.push(`RD Lab's own weights: ${trained}${init}${info.exported ? ` (${info.exported})` : ''}.`);
  if (info.bdRate.length) {
    const rates = info.bdRate.map((b) => `${fmtSigned(b.psnr)} % vs ${ANCHOR_NAMES[b.anchor] ?? b.anchor}`).join(', ');
    parts.push(`BD-rate (PSNR) on ${info.set ?? `${info.photos ?? 'the'} held-out photos`}: ${rates}.`);
  }
  return parts.join(' ');
}

/** What "Rate" means, from the manifest: "Rate t from 0 to 1 moves the training trade-off λ from 0.0018 to 0.0932
 * (log-spaced; loss λ·255²·MSE + bpp). On 24 benchmark photos …: t = 0 → 0.14 bpp, t = 0.57 → 0.39 bpp, t = 1 → 0.73 bpp." */
export function rateNoteText(info: ModelFacts): string {
  const r = info.rate;
  if (!r) return '';
  const loss = r.loss ? r.loss.replace(/\*/g, '·').replace('255^2', '255²') : null;
  let text = `Rate t from 0 to 1 moves the training trade-off λ from ${r.lambdaMin} to ${r.lambdaMax}${r.spacing || loss ? ` (${[r.spacing ? `${r.spacing}-spaced` : '', loss ? `loss ${loss}` : ''].filter(Boolean).join('; ')})` : ''}; higher t, more bits.`;
  if (r.bpp.length >= 2) {
    const first = r.bpp[0];
    const last = r.bpp[r.bpp.length - 1];
    const mid = r.bpp.reduce((a, b) => (Math.abs(b.t - 0.5) < Math.abs(a.t - 0.5) ? b : a));
    const pts = [first, mid, last].filter((p, i, a) => a.indexOf(p) === i);
    text += ` Typical on ${info.set ?? 'the validation photos'}: ${pts.map((p) => `t = ${p.t} → ${p.bpp.toFixed(2)} bpp`).join(', ')}.`;
  }
  return text;
}

export function ModelNote({ codec }: { codec: Codec }) {
  const [info, setInfo] = useState<ModelInfo | null>(null);
  const [cardOpen, setCardOpen] = useState(false);
  useEffect(() => {
    let live = true;
    setInfo(null);
    setCardOpen(false);
    codec.modelInfo?.().then((i) => live && setInfo(i));
    return () => {
      live = false;
    };
  }, [codec]);
  if (!info) return null;
  const text = modelNoteText(info);
  const rate = rateNoteText(info);
  return (
    <>
      {rate && (
        <p className="model-note" data-testid="rate-note">
          {rate}
        </p>
      )}
      <p
        className="model-note"
        data-testid="model-note"
        title="BD-rate: the average bitrate difference at equal PSNR against each anchor codec (negative = fewer bits), measured by npm run benchmark on whole-scene photos (bench/benchmark.md); your own photo may differ: its curve is the one that counts."
      >
        {text}{' '}
        <button type="button" className="link-button" onClick={() => setCardOpen(true)} aria-haspopup="dialog">
          Model card
        </button>
      </p>
      {cardOpen && <ModelCard name={info.name} cardUrl={info.card} cardBase={info.cardBase} onClose={() => setCardOpen(false)} />}
    </>
  );
}
