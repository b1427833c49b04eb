// What lives in the URL: each side's codec and settings, the codecs on the RD chart, the anchor, the metric,
// the equal-bpp target and the bundled sample. Only non-default options are written.
//   ?left=original&right=avif~quality_40~tune_psnr&codecs=jpeg,webp,avif&anchor=jpeg&metric=psnr&bpp=0.5&sample=coffee&resize=50%25
import { CODECS, findCodec } from '../../codecs/registry';
import { nonDefaultOptions, resolveOptions } from '../../codecs/options';
import type { Codec, CodecOptions, OptionValue } from '../../codecs/types';
import { decodeResize, encodeResize, type ResizeSetting } from './resize';

export type SideSetting = { kind: 'original' } | { kind: 'codec'; codecId: string; options: CodecOptions };
export type RdMetric = 'psnr' | 'msssim';

export interface UrlState {
  left: SideSetting;
  right: SideSetting;
  codecs: string[];
  anchor: string;
  metric: RdMetric;
  targetBpp: number;
  sample: string | null;
  /** The Resize step applied to the opened image (./resize.ts), or null. */
  resize: ResizeSetting | null;
}

export const DEFAULT_URL_STATE: UrlState = {
  left: { kind: 'original' },
  right: { kind: 'codec', codecId: 'jpeg', options: resolveOptions(findCodec('jpeg')!) },
  codecs: ['jpeg', 'webp'],
  anchor: 'jpeg',
  metric: 'psnr',
  targetBpp: 0.5,
  sample: null,
  resize: null,
};

function encodeValue(v: OptionValue): string {
  return typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
}

export function encodeSide(s: SideSetting): string {
  if (s.kind === 'original') return 'original';
  const codec = findCodec(s.codecId);
  if (!codec) return 'original';
  const parts = [codec.id];
  for (const [k, v] of Object.entries(nonDefaultOptions(codec, s.options))) parts.push(`${k}_${encodeValue(v)}`);
  return parts.join('~');
}

function parseValue(codec: Codec, key: string, raw: string): OptionValue | undefined {
  const spec = codec.options.find((o) => o.key === key);
  if (!spec) return undefined;
  if (spec.kind === 'boolean') return raw === '1' ? true : raw === '0' ? false : undefined;
  if (spec.kind === 'number') {
    const n = Number(raw);
    return raw !== '' && Number.isFinite(n) && n >= spec.min && n <= spec.max ? n : undefined;
  }
  return spec.choices.some((c) => c.value === raw) ? raw : undefined;
}

/** Lenient: unknown codecs fall back to the original, unknown or invalid options to their defaults. */
export function decodeSide(text: string | null, fallback: SideSetting): SideSetting {
  if (text === null) return fallback;
  if (text === 'original') return { kind: 'original' };
  const [id, ...pairs] = text.split('~');
  const codec = findCodec(id);
  if (!codec) return fallback;
  const partial: Record<string, OptionValue> = {};
  for (const p of pairs) {
    const i = p.indexOf('_');
    if (i <= 0) continue;
    const v = parseValue(codec, p.slice(0, i), p.slice(i + 1));
    if (v !== undefined) partial[p.slice(0, i)] = v;
  }
  return { kind: 'codec', codecId: codec.id, options: resolveOptions(codec, partial) };
}

export function encodeUrlState(s: UrlState): string {
  const pairs: [string, string][] = [
    ['left', encodeSide(s.left)],
    ['right', encodeSide(s.right)],
    ['codecs', s.codecs.join(',')],
    ['anchor', s.anchor],
    ['metric', s.metric],
    ['bpp', String(s.targetBpp)],
  ];
  if (s.sample) pairs.push(['sample', s.sample]);
  const resize = encodeResize(s.resize);
  if (resize) pairs.push(['resize', resize]);
  // encodeURIComponent keeps "~" (unlike URLSearchParams); commas are kept readable.
  return '?' + pairs.map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%2C/g, ',')}`).join('&');
}

export function decodeUrlState(search: string): UrlState {
  const q = new URLSearchParams(search);
  const d = DEFAULT_URL_STATE;
  const codecsRaw = q.get('codecs');
  const codecs = codecsRaw === null ? d.codecs : codecsRaw.split(',').filter((id, i, a) => !!findCodec(id) && a.indexOf(id) === i);
  const anchorRaw = q.get('anchor');
  const bpp = Number(q.get('bpp'));
  const metric = q.get('metric');
  return {
    left: decodeSide(q.get('left'), d.left),
    right: decodeSide(q.get('right'), d.right),
    codecs,
    anchor: anchorRaw && (findCodec(anchorRaw) || anchorRaw.startsWith('import:')) ? anchorRaw : d.anchor,
    metric: metric === 'msssim' || metric === 'psnr' ? metric : d.metric,
    targetBpp: q.has('bpp') && Number.isFinite(bpp) && bpp > 0 && bpp <= 32 ? bpp : d.targetBpp,
    sample: q.get('sample'),
    resize: decodeResize(q.get('resize')),
  };
}

export const ALL_CODEC_IDS = CODECS.map((c) => c.id);
