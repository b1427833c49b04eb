// `npm run bench:rans`: rANS encode/decode throughput (M symbols/s) and overhead over the ideal code length,
// on Gaussian latents with hyperprior-like scales (one ~300k-symbol image and a 5M-symbol tensor), plus the
// factorized (per-channel) path and the decoder's lookup resolution, all measured side by side in one run.
// Prints one JSON object. Options: --reps N (timed batches, median reported), --quick (skip the 5M case).
// Throughput is given per CPU-second and per wall-clock second: on a shared machine the first is the stable one.
import os from 'node:os';
import {
  buildGaussianTables,
  createTables,
  decodeTensor,
  defaultScaleTable,
  defaultStreamCount,
  encodeTensor,
  idealBits,
  perChannel,
  pmfToQuantizedCdf,
  prepareDecoder,
  scaleIndex,
  type CdfTables,
  type TableIndex,
} from '../src/codecs/entropy';
import { DEFAULT_LOOKUP_BITS } from '../src/codecs/entropy/rans';
import { mulberry32, gaussian, tablesFromRows } from '../src/codecs/entropy/testing';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const repsArg = args.indexOf('--reps');
const REPS = repsArg >= 0 ? Number(args[repsArg + 1]) : quick ? 3 : 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Throughput of `fn` (which handles `symbols` symbols per call) in M symbols/s, median over REPS batches, each
 * batch long enough (≥ 150 ms) to average out timer and scheduler granularity. Reported twice: per second of
 * this process's CPU time (stable on a shared machine) and per second of wall-clock time.
 */
function throughput(symbols: number, fn: () => void): { cpu: number; wall: number } {
  fn(); // warm-up (JIT)
  const t0 = process.hrtime.bigint();
  fn();
  const once = Math.max(1e-6, Number(process.hrtime.bigint() - t0) / 1e9);
  const inner = Math.max(1, Math.ceil(0.15 / once));
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const c0 = process.cpuUsage();
    const w0 = process.hrtime.bigint();
    for (let i = 0; i < inner; i++) fn();
    const w = Number(process.hrtime.bigint() - w0) / 1e9;
    const c = process.cpuUsage(c0);
    wall.push((symbols * inner) / w / 1e6);
    cpu.push((symbols * inner) / ((c.user + c.system) / 1e6) / 1e6);
  }
  return { cpu: +median(cpu).toFixed(2), wall: +median(wall).toFixed(2) };
}

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Latents like a mean-scale hyperprior's: per-channel typical scale log-uniform in [0.11, 24], per-element
 *  jitter ×e^{N(0, 0.5²)}; symbol = round(scale · N(0, 1)); table = smallest table scale ≥ scale. */
function hyperpriorLatents(C: number, H: number, W: number, scales: Float64Array, seed: number) {
  const rnd = mulberry32(seed);
  const n = C * H * W;
  const symbols = new Int32Array(n);
  const index = new Uint8Array(n);
  const lo = Math.log(0.11);
  const hi = Math.log(24);
  for (let c = 0; c < C; c++) {
    const mu = lo + (hi - lo) * rnd();
    for (let i = c * H * W; i < (c + 1) * H * W; i++) {
      const s = Math.min(256, Math.max(0.11, Math.exp(mu + 0.5 * gaussian(rnd))));
      index[i] = scaleIndex(s, scales);
      symbols[i] = Math.round(s * gaussian(rnd));
    }
  }
  return { symbols, index, n };
}

/** Factorized-prior-like per-channel tables (discretized Laplacians of random widths) and symbols from them. */
function factorizedCase(C: number, H: number, W: number, seed: number) {
  const rnd = mulberry32(seed);
  const rows: Int32Array[] = [];
  const widths: number[] = [];
  const offsets: number[] = [];
  for (let c = 0; c < C; c++) {
    const b = 0.2 + 6 * rnd() * rnd();
    const half = Math.ceil(b * 21);
    const pmf = new Float64Array(2 * half + 2);
    for (let k = -half; k <= half; k++) pmf[k + half] = Math.exp(-Math.abs(k) / b);
    pmf[2 * half + 1] = 2 * Math.exp(-(half + 1) / b);
    rows.push(pmfToQuantizedCdf(pmf, 16));
    widths.push(b);
    offsets.push(-half);
  }
  const tables = tablesFromRows(rows, offsets);
  const n = C * H * W;
  const symbols = new Int32Array(n);
  for (let c = 0; c < C; c++) {
    const b = widths[c];
    for (let i = c * H * W; i < (c + 1) * H * W; i++) {
      const u = rnd() - 0.5;
      symbols[i] = Math.round(-b * Math.sign(u) * Math.log(1 - 2 * Math.abs(u)));
    }
  }
  return { tables, symbols, index: perChannel(C, H * W) as TableIndex, n };
}

function measure(
  name: string,
  symbols: Int32Array,
  index: TableIndex,
  tables: CdfTables,
  streams: number,
  lookupBits: number[],
): Record<string, unknown> {
  const n = symbols.length;
  let enc = encodeTensor(symbols, index, tables, { streams });
  const encode = throughput(n, () => {
    enc = encodeTensor(symbols, index, tables, { streams });
  });
  const decode: Record<string, { cpu: number; wall: number }> = {};
  for (const bits of lookupBits) {
    const dec = prepareDecoder(tables, bits);
    const out = decodeTensor(enc, index, dec, n);
    for (let i = 0; i < n; i++) {
      if (out[i] !== symbols[i]) throw new Error(`${name}: round trip failed at ${i}`);
    }
    decode[`lookup_${bits}bit`] = throughput(n, () => decodeTensor(enc, index, dec, n));
  }
  const ideal = idealBits(symbols, index, tables);
  const idealBytes = ideal.bits / 8;
  return {
    case: name,
    symbols: n,
    streams,
    encode_msym_s: encode,
    decode_msym_s: decode,
    bytes: enc.bytes.length,
    ideal_bytes: +idealBytes.toFixed(1),
    overhead_pct: +((100 * (enc.bytes.length - idealBytes)) / idealBytes).toFixed(4),
    bits_per_symbol: +((8 * enc.bytes.length) / n).toFixed(4),
    escapes: ideal.escapes,
  };
}

const scales = defaultScaleTable();
let gauss: ReturnType<typeof buildGaussianTables> | undefined;
const buildTimes: number[] = [];
for (let r = 0; r < 3; r++) buildTimes.push(time(() => (gauss = buildGaussianTables({ scales, tailMass: 1e-9, precision: 16 }))));
const tables = gauss!;
const lutBuild: Record<string, number> = {};
for (const bits of [8, 10, 12, 14, 16]) {
  // a fresh copy of the set so the decoder cache does not hide the build time
  const copy = createTables(tables);
  lutBuild[`lookup_${bits}bit_ms`] = +(time(() => prepareDecoder(copy, bits)) * 1e3).toFixed(2);
}

const results: Record<string, unknown>[] = [];
const image = hyperprior(192, 32, 48, 1); // Kodak 768×512 → y is 192×32×48 = 294,912 symbols
const imageStreams = defaultStreamCount(image.n);
results.push(measure('gaussian-image-300k', image.symbols, image.index, tables, imageStreams, [8, 10, 12, 16]));
results.push(measure('gaussian-image-300k', image.symbols, image.index, tables, 1, [DEFAULT_LOOKUP_BITS]));
if (!quick) {
  const big = hyperprior(320, 125, 125, 2); // 5,000,000 symbols
  results.push(measure('gaussian-5M', big.symbols, big.index, tables, defaultStreamCount(big.n), [10, 12]));
  results.push(measure('gaussian-5M', big.symbols, big.index, tables, 1, [DEFAULT_LOOKUP_BITS]));
}
const fact = factorizedCase(192, 32, 48, 3);
results.push(measure('factorized-per-channel-300k', fact.symbols, fact.index, fact.tables, imageStreams, [10, 12]));

function hyperprior(C: number, H: number, W: number, seed: number) {
  return hyperpriorLatents(C, H, W, scales, seed);
}

// The targets, checked on the default configuration (default stream count and lookup), CPU-time based.
type Row = { symbols: number; streams: number; encode_msym_s: { cpu: number }; decode_msym_s: Record<string, { cpu: number }> };
const defaults = (results as unknown as Row[]).filter((r) => r.streams === defaultStreamCount(r.symbols));
const minDecode = Math.min(...defaults.map((r) => r.decode_msym_s[`lookup_${DEFAULT_LOOKUP_BITS}bit`].cpu));
const minEncode = Math.min(...defaults.map((r) => r.encode_msym_s.cpu));
const targets = {
  decode_msym_s: { target: 60, worst_default_case: minDecode, met: minDecode >= 60 },
  encode_msym_s: { target: 30, worst_default_case: minEncode, met: minEncode >= 30 },
};

const cpus = os.cpus();
console.log(
  JSON.stringify(
    {
      bench: 'rans',
      implementation: 'TypeScript (JS), 31-bit state, byte renormalisation, 16-bit CDFs',
      machine: {
        cpu: cpus[0]?.model ?? 'unknown',
        cores: cpus.length,
        loadavg: os.loadavg().map((x) => +x.toFixed(2)),
        node: process.version,
        v8: process.versions.v8,
      },
      repetitions: REPS,
      units: 'M symbols/s, median of the repetitions; cpu = per second of process CPU time, wall = per wall-clock second',
      gaussian_tables: {
        scales: scales.length,
        cdf_entries: tables.cdf.length,
        build_ms: +(median(buildTimes) * 1e3).toFixed(2),
        ...lutBuild,
      },
      defaults: { lookup_bits: DEFAULT_LOOKUP_BITS, streams: 'defaultStreamCount(n)' },
      targets,
      results,
    },
    null,
    2,
  ),
);
