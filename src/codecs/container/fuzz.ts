// Container + entropy decoder fuzzer, shared by the CI test (fuzz.test.ts, ≥ 100,000 cases) and the nightly
// script (`npm run fuzz -- --cases N --seed S`). Seeded and reproducible: case i of seed s is always the same.
//
// Each case takes one of a few dozen valid files (one or two latent tensors, Gaussian per-element tables for the
// first, factorized per-channel tables for the second) and damages it — random bytes, truncation, bit flips
// with and without a repaired CRC, header fields set to boundary values, inserted/deleted bytes — then reads
// and decodes it exactly as a codec would. The only acceptable outcomes are a valid decode or a typed error
// (ContainerError / EntropyError); anything else (RangeError, TypeError, a decode past the element limit, a
// valid file that does not decode to its symbols) is recorded as a failure.

import {
  EntropyError,
  buildGaussianTables,
  decodeTensor,
  defaultScaleTable,
  encodeTensor,
  perChannel,
  pmfToQuantizedCdf,
  type CdfTables,
  type GaussianTables,
  type TableIndex,
} from '../entropy';
import { gaussian, mulberry32, randInt, tablesFromRows } from '../entropy/testing';
import { crc32 } from './crc32';
import { ContainerError } from './errors';
import { readContainer, writeContainer, type ContainerTensor } from './format';

export interface FuzzOptions {
  cases: number;
  seed: number;
  /** Number of the first case (default 0): `{ seed, firstCase: n, cases: 1 }` replays case n alone. */
  firstCase?: number;
  /** Element limit handed to readContainer (small, so decodes stay cheap). Default 8192. */
  maxElements?: number;
  /** Called every `progressEvery` cases. */
  onProgress?: (done: number) => void;
  progressEvery?: number;
  /** The reader under test (default readContainer); replaced only to test the fuzzer itself. */
  read?: typeof readContainer;
}

export interface FuzzFailure {
  case: number;
  mutation: string;
  error: string;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  /** How each case ended: "ok", "container:<kind>" or "entropy:<kind>". */
  outcomes: Record<string, number>;
  mutations: Record<string, number>;
  /** Untyped errors, limit violations or wrong decodes of undamaged files: must be empty. */
  failures: FuzzFailure[];
  elementLimit: number;
  /** Largest total of latent elements any accepted file made the decoder allocate. */
  maxElementsDecoded: number;
  maxCaseMs: number;
  /** Number of the slowest case (replay it with firstCase). */
  slowestCase: number;
  totalMs: number;
}

interface FieldRef {
  name: string;
  offset: number;
  size: number;
}

interface BaseFile {
  bytes: Uint8Array;
  fields: FieldRef[];
  headerEnd: number;
  symbols: Int32Array[];
}

const HASH_SEED = 0x5eed;

let gaussianTables: GaussianTables | undefined;
let factorizedTables: CdfTables | undefined;

function tablesForFuzz(): { gauss: GaussianTables; fact: CdfTables } {
  if (!gaussianTables) gaussianTables = buildGaussianTables({ scales: defaultScaleTable(), tailMass: 1e-9, precision: 16 });
  if (!factorizedTables) {
    const rnd = mulberry32(0xfac7);
    const rows: Int32Array[] = [];
    const offsets: number[] = [];
    for (let c = 0; c < 8; c++) {
      const half = randInt(rnd, 1, 30);
      const b = 0.3 + 4 * rnd();
      const pmf = new Float64Array(2 * half + 2);
      for (let k = -half; k <= half; k++) pmf[k + half] = Math.exp(-Math.abs(k) / b);
      pmf[2 * half + 1] = 1e-6;
      rows.push(pmfToQuantizedCdf(pmf, 16));
      offsets.push(-half);
    }
    factorizedTables = tablesFromRows(rows, offsets);
  }
  return { gauss: gaussianTables, fact: factorizedTables };
}

/** The table index a codec would derive for tensor `i` of a file: Gaussian scale indices for y, channels for z. */
function indexFor(i: number, C: number, H: number, W: number): TableIndex {
  if (i > 0) return perChannel(C, H * W);
  const n = C * H * W;
  const idx = new Uint8Array(n);
  for (let j = 0; j < n; j++) idx[j] = (Math.imul(j + 1, 0x9e3779b1) >>> 26) & 63; // pseudo-random scale index 0…63
  return idx;
}

function tablesFor(i: number): CdfTables {
  const { gauss, fact } = tablesForFuzz();
  return i === 0 ? gauss : fact;
}

function modelHash(): Uint8Array {
  const rnd = mulberry32(HASH_SEED);
  return Uint8Array.from({ length: 32 }, () => randInt(rnd, 0, 255));
}

function makeBase(rnd: () => number, hash: Uint8Array): BaseFile {
  const { gauss } = tablesForFuzz();
  const tensorCount = rnd() < 0.5 ? 1 : 2;
  const tensors: ContainerTensor[] = [];
  const symbols: Int32Array[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const C = randInt(rnd, 1, 8);
    const H = randInt(rnd, 1, i === 0 ? 8 : 4);
    const W = randInt(rnd, 1, i === 0 ? 8 : 4);
    const n = C * H * W;
    const index = indexFor(i, C, H, W);
    const sym = new Int32Array(n);
    for (let j = 0; j < n; j++) {
      const s = i === 0 ? gauss.scales[(index as Uint8Array)[j]] : 2;
      sym[j] = rnd() < 0.02 ? randInt(rnd, -100000, 100000) : Math.round(s * gaussian(rnd));
    }
    const streams = randInt(rnd, 1, Math.min(4, n));
    const enc = encodeTensor(sym, index, tablesFor(i), { streams });
    tensors.push({ shape: [C, H, W], bytes: enc.bytes, streamLengths: enc.streamLengths });
    symbols.push(sym);
  }
  const id = ['bmshj2018-hyperprior-mse-q3', 'mbt2018-mean', 'x'][randInt(rnd, 0, 2)];
  const bytes = writeContainer({
    modelId: id,
    modelHash: hash,
    rate: [3, 0.0067, -1][randInt(rnd, 0, 2)],
    width: randInt(rnd, 1, 2000),
    height: randInt(rnd, 1, 2000),
    tensors,
  });
  const fields: FieldRef[] = [
    { name: 'magic', offset: 0, size: 4 },
    { name: 'version', offset: 4, size: 2 },
    { name: 'flags', offset: 6, size: 2 },
    { name: 'fileLength', offset: 8, size: 4 },
    { name: 'modelIdLength', offset: 12, size: 1 },
    { name: 'modelId', offset: 13, size: id.length },
  ];
  let p = 13 + id.length;
  fields.push({ name: 'modelHash', offset: p, size: 32 });
  p += 32;
  fields.push({ name: 'rate', offset: p, size: 4 }, { name: 'width', offset: p + 4, size: 2 }, { name: 'height', offset: p + 6, size: 2 });
  fields.push({ name: 'tensorCount', offset: p + 8, size: 1 });
  p += 9;
  for (const t of tensors) {
    fields.push(
      { name: 'channels', offset: p, size: 2 },
      { name: 'latentHeight', offset: p + 2, size: 2 },
      { name: 'latentWidth', offset: p + 4, size: 2 },
      { name: 'streamCount', offset: p + 6, size: 2 },
    );
    p += 8;
    for (let k = 0; k < t.streamLengths.length; k++) fields.push({ name: 'streamLength', offset: p + 4 * k, size: 4 });
    p += 4 * t.streamLengths.length;
  }
  return { bytes, fields, headerEnd: p, symbols };
}

function fixCrc(b: Uint8Array): void {
  if (b.length < 4) return;
  const v = crc32(b, 0, b.length - 4);
  b[b.length - 4] = v & 255;
  b[b.length - 3] = (v >>> 8) & 255;
  b[b.length - 2] = (v >>> 16) & 255;
  b[b.length - 1] = v >>> 24;
}

function fixLength(b: Uint8Array): void {
  if (b.length < 12) return;
  const n = b.length;
  b[8] = n & 255;
  b[9] = (n >>> 8) & 255;
  b[10] = (n >>> 16) & 255;
  b[11] = n >>> 24;
}

function writeField(b: Uint8Array, f: FieldRef, value: number): void {
  for (let i = 0; i < f.size; i++) b[f.offset + i] = Math.floor(value / 2 ** (8 * i)) & 255;
}

const INTERESTING = [0, 1, 2, 3, 7, 8, 9, 63, 64, 65, 127, 128, 255, 256, 4095, 4096, 4097, 8192, 16383, 16384, 16385, 32767, 32768, 65535];
const INTERESTING32 = [0xffffffff, 0x7fffffff, 0x80000000, 0x10000, 0xfffffff0];

const MUTATIONS = [
  ['valid', 3],
  ['random', 7],
  ['truncate', 12],
  ['flip', 20],
  ['flip-header-fixcrc', 15],
  ['flip-payload-fixcrc', 15],
  ['field-fixcrc', 18],
  ['resize-fixcrc', 10],
] as const;
type Mutation = (typeof MUTATIONS)[number][0];
const MUTATION_TOTAL = MUTATIONS.reduce((a, m) => a + m[1], 0);

function pickMutation(rnd: () => number): Mutation {
  let r = rnd() * MUTATION_TOTAL;
  for (const [name, w] of MUTATIONS) {
    if (r < w) return name;
    r -= w;
  }
  return 'flip';
}

function mutate(rnd: () => number, base: BaseFile, m: Mutation): Uint8Array {
  const src = base.bytes;
  switch (m) {
    case 'valid':
      return src.slice();
    case 'random': {
      const b = Uint8Array.from({ length: randInt(rnd, 0, 300) }, () => randInt(rnd, 0, 255));
      if (rnd() < 0.6 && b.length >= 12) {
        b.set(src.subarray(0, 8)); // magic, version, flags
        fixLength(b);
        if (rnd() < 0.7) fixCrc(b);
      }
      return b;
    }
    case 'truncate': {
      if (rnd() < 0.7) return src.slice(0, randInt(rnd, 0, src.length - 1));
      const a = randInt(rnd, 0, src.length - 1);
      const c = randInt(rnd, a, Math.min(src.length, a + 40));
      const b = new Uint8Array(src.length - (c - a));
      b.set(src.subarray(0, a));
      b.set(src.subarray(c), a);
      return b;
    }
    case 'flip': {
      const b = src.slice();
      const flips = randInt(rnd, 1, 8);
      for (let i = 0; i < flips; i++) b[randInt(rnd, 0, b.length - 1)] ^= 1 << randInt(rnd, 0, 7);
      return b;
    }
    case 'flip-header-fixcrc': {
      const b = src.slice();
      const flips = randInt(rnd, 1, 4);
      for (let i = 0; i < flips; i++) b[randInt(rnd, 0, base.headerEnd - 1)] ^= 1 << randInt(rnd, 0, 7);
      if (rnd() < 0.5) fixLength(b);
      fixCrc(b);
      return b;
    }
    case 'flip-payload-fixcrc': {
      const b = src.slice();
      const lo = base.headerEnd;
      const hi = b.length - 5;
      if (hi >= lo) {
        const flips = randInt(rnd, 1, 6);
        for (let i = 0; i < flips; i++) b[randInt(rnd, lo, hi)] ^= 1 << randInt(rnd, 0, 7);
      }
      fixCrc(b);
      return b;
    }
    case 'field-fixcrc': {
      const b = src.slice();
      const f = base.fields[randInt(rnd, 0, base.fields.length - 1)];
      const r = rnd();
      let v: number;
      if (f.size === 4) v = r < 0.5 ? INTERESTING32[randInt(rnd, 0, INTERESTING32.length - 1)] : randInt(rnd, 0, 2 ** 32 - 1);
      else if (r < 0.7) v = INTERESTING[randInt(rnd, 0, INTERESTING.length - 1)];
      else v = randInt(rnd, 0, 2 ** (8 * Math.min(f.size, 4)) - 1);
      if (f.name === 'rate') v = [0x7f800000, 0xff800000, 0x7fc00000, 0x00000001][randInt(rnd, 0, 3)]; // ±Inf, NaN, subnormal
      writeField(b, f, v);
      if (f.name !== 'fileLength' || rnd() < 0.3) fixLength(b);
      fixCrc(b);
      return b;
    }
    case 'resize-fixcrc': {
      const at = randInt(rnd, 12, src.length - 4);
      const del = rnd() < 0.5;
      const k = randInt(rnd, 1, 12);
      let b: Uint8Array;
      if (del) {
        const c = Math.min(src.length - 4, at + k);
        b = new Uint8Array(src.length - (c - at));
        b.set(src.subarray(0, at));
        b.set(src.subarray(c), at);
      } else {
        b = new Uint8Array(src.length + k);
        b.set(src.subarray(0, at));
        for (let i = 0; i < k; i++) b[at + i] = randInt(rnd, 0, 255);
        b.set(src.subarray(at), at + k);
      }
      fixLength(b);
      fixCrc(b);
      return b;
    }
  }
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Runs the fuzzer; never throws for a bad case (failures are reported), only for bad options. */
export function runContainerFuzz(options: FuzzOptions): FuzzReport {
  const { cases, seed } = options;
  const limit = options.maxElements ?? 8192;
  const read = options.read ?? readContainer;
  const hash = modelHash();
  const setup = mulberry32(seed ^ 0x1234567);
  const bases: BaseFile[] = [];
  for (let i = 0; i < 48; i++) bases.push(makeBase(setup, hash));

  const report: FuzzReport = {
    seed,
    cases,
    outcomes: {},
    mutations: {},
    failures: [],
    elementLimit: limit,
    maxElementsDecoded: 0,
    maxCaseMs: 0,
    slowestCase: -1,
    totalMs: 0,
  };
  const first = options.firstCase ?? 0;
  const t0 = now();
  for (let c = first; c < first + cases; c++) {
    const rnd = mulberry32((seed * 1000003 + c) >>> 0);
    const base = bases[randInt(rnd, 0, bases.length - 1)];
    const m = pickMutation(rnd);
    report.mutations[m] = (report.mutations[m] ?? 0) + 1;
    const file = mutate(rnd, base, m);
    const ts = now();
    let outcome: string;
    try {
      const got = read(file, { modelHash: hash, maxElements: limit });
      let elements = 0;
      for (const t of got.tensors) elements += t.shape[0] * t.shape[1] * t.shape[2];
      if (elements > limit) throw new Error(`accepted ${elements} elements, over the limit ${limit}`);
      report.maxElementsDecoded = Math.max(report.maxElementsDecoded, elements);
      got.tensors.forEach((t, i) => {
        const [C, H, W] = t.shape;
        const out = decodeTensor(t, indexFor(i, C, H, W), tablesFor(i), C * H * W);
        if (m === 'valid') {
          const want = base.symbols[i];
          if (out.length !== want.length || out.some((v, j) => v !== want[j])) throw new Error('an undamaged file decoded to other symbols');
        }
      });
      outcome = 'ok';
    } catch (e) {
      if (e instanceof ContainerError) outcome = `container:${e.kind}`;
      else if (e instanceof EntropyError) outcome = `entropy:${e.kind}`;
      else {
        outcome = 'FAILURE';
        report.failures.push({ case: c, mutation: m, error: String((e as Error)?.stack ?? e) });
      }
    }
    if (m === 'valid' && outcome !== 'ok' && outcome !== 'FAILURE') {
      report.failures.push({ case: c, mutation: m, error: `an undamaged file was rejected: ${outcome}` });
    }
    const dt = now() - ts;
    if (dt > report.maxCaseMs) {
      report.maxCaseMs = dt;
      report.slowestCase = c;
    }
    report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
    if (options.onProgress && options.progressEvery && (c + 1 - first) % options.progressEvery === 0) options.onProgress(c + 1 - first);
  }
  report.totalMs = now() - t0;
  report.maxCaseMs = +report.maxCaseMs.toFixed(3);
  report.totalMs = +report.totalMs.toFixed(1);
  return report;
}
