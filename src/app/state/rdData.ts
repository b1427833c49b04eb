// RD data in and out: CSV export, CompressAI-format JSON export, and import of CompressAI-format JSON
// ({"name", "description", "results": {"bpp": [], "psnr-rgb": [], "ms-ssim-rgb": []}}) to overlay published curves.
import { MAX_IMPORT_BYTES, MAX_IMPORT_POINTS } from '../limits';
import { RdLabError, messageOf } from '../../errors';

export interface RdPoint {
  codecId: string;
  /** Value of the codec's quality axis. */
  quality: number;
  /** Short label of the full setting, e.g. "q75 · 4:4:4". */
  setting: string;
  bytes: number;
  bpp: number;
  psnr: number;
  msssim: number;
  encodeMs: number;
  decodeMs: number;
}

export interface ImportedCurve {
  id: string;
  name: string;
  description: string;
  bpp: number[];
  psnr: (number | null)[];
  msssim: (number | null)[];
}

export type RdImportErrorKind = 'too-large' | 'invalid-json' | 'bad-shape' | 'length-mismatch' | 'bad-value' | 'empty';

export class RdImportError extends RdLabError<RdImportErrorKind> {
  constructor(kind: RdImportErrorKind, message: string) {
    super(kind, message);
    this.name = 'RdImportError';
  }
}


function csvCell(v: string | number): string {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : 'nan') : v;
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(points: readonly RdPoint[], image: { name: string; width: number; height: number }): string {
  const head = ['image', 'width', 'height', 'codec', 'quality', 'setting', 'bytes', 'bpp', 'psnr_rgb_db', 'ms_ssim_rgb', 'ms_ssim_rgb_db', 'encode_ms', 'decode_ms'];
  const rows = points.map((p) =>
    [
      image.name,
      image.width,
      image.height,
      p.codecId,
      p.quality,
      p.setting,
      p.bytes,
      Number(p.bpp.toFixed(6)),
      Number(p.psnr.toFixed(4)),
      Number(p.msssim.toFixed(6)),
      Number((-10 * Math.log10(1 - p.msssim)).toFixed(4)),
      Number(p.encodeMs.toFixed(1)),
      Number(p.decodeMs.toFixed(1)),
    ]
      .map(csvCell)
      .join(','),
  );
  return [head.join(','), ...rows].join('\n') + '\n';
}

/** One codec's curve in CompressAI's results format (times in seconds, like CompressAI). Points sorted by bpp. */
export function toCompressAiJson(name: string, description: string, points: readonly RdPoint[]): string {
  const p = [...points].sort((a, b) => a.bpp - b.bpp);
  return (
    JSON.stringify(
      {
        name,
        description,
        results: {
          bpp: p.map((x) => x.bpp),
          'psnr-rgb': p.map((x) => x.psnr),
          'ms-ssim-rgb': p.map((x) => x.msssim),
          encoding_time: p.map((x) => x.encodeMs / 1000),
          decoding_time: p.map((x) => x.decodeMs / 1000),
          quality: p.map((x) => x.quality),
        },
      },
      null,
      2,
    ) + '\n'
  );
}

function numArray(v: unknown, field: string, where: string, allowNull: boolean): (number | null)[] {
  if (!Array.isArray(v)) throw new RdImportError('bad-shape', `${where}: "results.${field}" must be an array of numbers.`);
  if (v.length > MAX_IMPORT_POINTS) throw new RdImportError('too-large', `${where}: "results.${field}" has more than ${MAX_IMPORT_POINTS} values.`);
  return v.map((x, i) => {
    if (x === null && allowNull) return null;
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new RdImportError('bad-value', `${where}: "results.${field}"[${i}] is ${JSON.stringify(x)}, not a finite number.`);
    }
    return x;
  });
}

function parseOne(o: unknown, index: number, fileName: string): ImportedCurve {
  const where = `${fileName}${index >= 0 ? ` entry ${index + 1}` : ''}`;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new RdImportError('bad-shape', `${where}: expected an object with "name" and "results".`);
  const obj = o as Record<string, unknown>;
  const results = obj.results;
  if (typeof results !== 'object' || results === null || Array.isArray(results)) {
    throw new RdImportError('bad-shape', `${where}: missing "results" object (CompressAI format: {"name", "description", "results": {"bpp": [...], "psnr-rgb": [...]}}).`);
  }
  const r = results as Record<string, unknown>;
  const bpp = numArray(r.bpp, 'bpp', where, false) as number[];
  if (bpp.length === 0) throw new RdImportError('empty', `${where}: "results.bpp" is empty.`);
  if (bpp.some((b) => b <= 0)) throw new RdImportError('bad-value', `${where}: bpp values must be positive.`);
  const psnrKey = 'psnr-rgb' in r ? 'psnr-rgb' : 'psnr' in r ? 'psnr' : null;
  const msKey = 'ms-ssim-rgb' in r ? 'ms-ssim-rgb' : 'ms-ssim' in r ? 'ms-ssim' : null;
  if (!psnrKey && !msKey) throw new RdImportError('bad-shape', `${where}: "results" needs "psnr-rgb" or "ms-ssim-rgb" next to "bpp".`);
  const psnr = psnrKey ? numArray(r[psnrKey], psnrKey, where, true) : bpp.map(() => null);
  const msssim = msKey ? numArray(r[msKey], msKey, where, true) : bpp.map(() => null);
  for (const [k, arr] of [
    [psnrKey, psnr],
    [msKey, msssim],
  ] as const) {
    if (k && arr.length !== bpp.length) {
      throw new RdImportError('length-mismatch', `${where}: "results.${k}" has ${arr.length} values but "results.bpp" has ${bpp.length}.`);
    }
  }
  if (msssim.some((m) => m !== null && (m < 0 || m > 1))) {
    throw new RdImportError('bad-value', `${where}: MS-SSIM values must be in [0, 1] (linear, not dB).`);
  }
  const name = typeof obj.name === 'string' && obj.name.trim() ? obj.name.trim().slice(0, 80) : `${fileName} ${index + 1}`;
  const description = typeof obj.description === 'string' ? obj.description.slice(0, 200) : '';
  return { id: `import:${name}`, name, description, bpp, psnr, msssim };
}

/** Parses a CompressAI results file: one object, or an array of them. Throws RdImportError. */
export function parseCompressAiJson(text: string, fileName = 'file'): ImportedCurve[] {
  if (text.length > MAX_IMPORT_BYTES) throw new RdImportError('too-large', `${fileName} is larger than ${MAX_IMPORT_BYTES / 2 ** 20} MiB.`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new RdImportError('invalid-json', `${fileName} is not valid JSON (${messageOf(e)}).`);
  }
  const list = Array.isArray(data) ? data.map((o, i) => parseOne(o, i, fileName)) : [parseOne(data, -1, fileName)];
  if (list.length === 0) throw new RdImportError('empty', `${fileName} holds no curves.`);
  return list;
}
