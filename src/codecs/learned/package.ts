// Model packages (docs/model-package.md): parse and validate manifest.json, verify weights.bin's SHA-256,
// and hand out typed tensor views, gain vectors and entropy tables. No WebGPU here: Node tests, workers and
// the CLI use it too.
import { createTables, buildGaussianTables, mixLevelTables, type CdfTables, type GaussianTables } from '../entropy';

export const PACKAGE_FORMAT = 'rdlab-model';
export const PACKAGE_VERSION = 1;
/** Refuse absurd packages before allocating (the largest shipped model is ~6 MB). */
export const MAX_WEIGHTS_BYTES = 64 * 1024 * 1024;

export type PackageErrorKind = 'manifest' | 'weights' | 'hash' | 'tensor';

export class PackageError extends Error {
  constructor(
    readonly kind: PackageErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'PackageError';
  }
}

export type TensorDType = 'f32' | 'f16' | 'i8' | 'i32';
const DTYPE_BYTES: Record<TensorDType, number> = { f32: 4, f16: 2, i8: 1, i32: 4 };

export interface TensorEntry {
  name: string;
  dtype: TensorDType;
  shape: number[];
  offset: number;
  bytes: number;
}

export type Op =
  | { op: 'conv2d'; weight: string; bias: string; kernel: number; stride: number; padding: number; cin: number; cout: number }
  | { op: 'depth_to_space'; block: number }
  | { op: 'gdn' | 'igdn'; beta: string; gamma: string; channels: number }
  | { op: 'leaky_relu'; slope: number }
  | { op: 'abs' }
  | {
      op: 'iconv2d';
      weight: string;
      bias: string;
      divisor: string;
      lo: number;
      hi: number;
      kernel: number;
      stride: number;
      padding: number;
      cin: number;
      cout: number;
    }
  | { op: 'int_to_float'; scale: number };

export interface TableSetSpec {
  family: 'factorized' | 'gaussian';
  tables: number;
  cdf: string;
  starts: string;
  lengths: string;
  offsets: string;
  scales?: number[];
  tail_mass?: number;
  /** Factorized sets with one table per channel and gain level (level-major); mixed per rate t. */
  levels?: number;
  /** Known answer for per-level sets: the mixed tables' cdf at rate `t` (an i32 tensor). */
  selftest?: { t: number; cdf: string };
}

export type Architecture = 'factorized' | 'hyperprior' | 'mean-scale';

export interface ModelManifest {
  format: string;
  version: number;
  name: string;
  architecture: Architecture;
  paper: string;
  credits: string[];
  channels: { N: number; M: number; Nz?: number };
  downsampling: number;
  rate: { parameter: 't'; range: [number, number]; default: number; anchors: number; gain: string; inv_gain: string; lambda: { min: number; max: number } };
  transforms: {
    analysis: Op[];
    synthesis: Op[];
    hyper_analysis?: Op[];
    hyper_synthesis_int?: Op[];
    scale_index_int?: Op[];
    means?: Op[];
  };
  weight_dtype: 'f16' | 'f32';
  integer_hyper_synthesis?: { feature_scale: number; selftest?: { z_hat: string; features: string; index: string } };
  entropy: { precision: number; y: TableSetSpec; z?: TableSetSpec };
  weights: { file: string; bytes: number; sha256: string; tensors: TensorEntry[] };
  validation?: { results: { t: number[]; bpp: number[]; 'psnr-rgb': number[]; 'ms-ssim-rgb': number[] } };
}

function fail(kind: PackageErrorKind, msg: string): never {
  throw new PackageError(kind, msg);
}

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNat = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Checks the manifest's structure (not the weights): every field a decoder relies on, with a clear message. */
export function parseManifest(json: unknown): ModelManifest {
  if (!isObj(json)) fail('manifest', 'manifest.json is not a JSON object.');
  const m = json as unknown as ModelManifest;
  if (m.format !== PACKAGE_FORMAT) fail('manifest', `format is ${JSON.stringify(m.format)}, expected "${PACKAGE_FORMAT}".`);
  if (m.version !== PACKAGE_VERSION) fail('manifest', `version ${m.version} is not supported (expected ${PACKAGE_VERSION}).`);
  if (!['factorized', 'hyperprior', 'mean-scale'].includes(m.architecture)) fail('manifest', `unknown architecture ${JSON.stringify(m.architecture)}.`);
  if (!isObj(m.channels) || !isNat(m.channels.N) || !isNat(m.channels.M)) fail('manifest', 'channels.N and channels.M must be integers.');
  if (m.downsampling !== 16 && m.downsampling !== 64) fail('manifest', `downsampling ${m.downsampling} (expected 16 or 64).`);
  if (!isObj(m.weights) || !isNat(m.weights.bytes) || typeof m.weights.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.weights.sha256)) {
    fail('manifest', 'weights must give bytes and a 64-hex-digit sha256.');
  }
  if (m.weights.bytes > MAX_WEIGHTS_BYTES) fail('manifest', `weights.bytes ${m.weights.bytes} exceeds the ${MAX_WEIGHTS_BYTES}-byte limit.`);
  if (!Array.isArray(m.weights.tensors)) fail('manifest', 'weights.tensors must be a list.');
  const names = new Set<string>();
  for (const t of m.weights.tensors) {
    if (!isObj(t) || typeof t.name !== 'string') fail('manifest', 'a tensor entry has no name.');
    if (!(t.dtype in DTYPE_BYTES)) fail('manifest', `tensor ${t.name}: unknown dtype ${JSON.stringify(t.dtype)}.`);
    if (!Array.isArray(t.shape) || !t.shape.every(isNat)) fail('manifest', `tensor ${t.name}: bad shape.`);
    if (!isNat(t.offset) || !isNat(t.bytes)) fail('manifest', `tensor ${t.name}: bad offset/bytes.`);
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n * DTYPE_BYTES[t.dtype] !== t.bytes) fail('manifest', `tensor ${t.name}: ${t.bytes} bytes but shape ${t.shape.join('×')} of ${t.dtype} needs ${n * DTYPE_BYTES[t.dtype]}.`);
    if (t.offset + t.bytes > m.weights.bytes) fail('manifest', `tensor ${t.name}: [${t.offset}, ${t.offset + t.bytes}) lies outside weights.bin (${m.weights.bytes} bytes).`);
    if (t.offset % DTYPE_BYTES[t.dtype] !== 0) fail('manifest', `tensor ${t.name}: offset ${t.offset} is not aligned to its dtype.`);
    names.add(t.name);
  }
  const need = (name: unknown, where: string) => {
    if (typeof name !== 'string' || !names.has(name)) fail('manifest', `${where} names tensor ${JSON.stringify(name)}, which weights.tensors lacks.`);
  };
  if (!isObj(m.rate) || !isNat(m.rate.anchors) || m.rate.anchors < 2) fail('manifest', 'rate.anchors must be ≥ 2.');
  need(m.rate.gain, 'rate.gain');
  need(m.rate.inv_gain, 'rate.inv_gain');
  if (!isObj(m.transforms) || !Array.isArray(m.transforms.analysis) || !Array.isArray(m.transforms.synthesis)) {
    fail('manifest', 'transforms.analysis and transforms.synthesis are required.');
  }
  for (const [tname, ops] of Object.entries(m.transforms)) {
    if (!Array.isArray(ops)) fail('manifest', `transforms.${tname} must be a list of ops.`);
    ops.forEach((op: Record<string, unknown>, i: number) => {
      for (const key of ['weight', 'bias', 'beta', 'gamma', 'divisor']) if (key in op) need(op[key], `transforms.${tname}[${i}].${key}`);
    });
  }
  const hyper = m.architecture !== 'factorized';
  if (hyper && (!m.transforms.hyper_analysis || !m.transforms.hyper_synthesis_int || !m.transforms.scale_index_int)) {
    fail('manifest', `${m.architecture} needs transforms.hyper_analysis, hyper_synthesis_int and scale_index_int.`);
  }
  if (m.architecture === 'mean-scale' && !m.transforms.means) fail('manifest', 'mean-scale needs transforms.means.');
  if (!isObj(m.entropy) || m.entropy.precision !== 16) fail('manifest', 'entropy.precision must be 16.');
  for (const key of hyper ? (['y', 'z'] as const) : (['y'] as const)) {
    const s = m.entropy[key];
    if (!isObj(s)) fail('manifest', `entropy.${key} is missing.`);
    for (const f of ['cdf', 'starts', 'lengths', 'offsets'] as const) need(s[f], `entropy.${key}.${f}`);
    if (s.family === 'gaussian') {
      if (!Array.isArray(s.scales) || !s.scales.every((v) => typeof v === 'number') || typeof s.tail_mass !== 'number') {
        fail('manifest', `entropy.${key}: a gaussian table set needs scales and tail_mass.`);
      }
    } else if (s.family !== 'factorized') fail('manifest', `entropy.${key}: unknown family ${JSON.stringify(s.family)}.`);
    if (s.levels !== undefined) {
      const per = key === 'y' ? m.channels.M : m.channels.Nz;
      if (s.family !== 'factorized' || s.levels !== m.rate.anchors || s.tables !== s.levels * (per ?? NaN)) {
        fail('manifest', `entropy.${key}: levels must equal rate.anchors on a factorized set of levels × channels tables.`);
      }
    }
  }
  return m;
}

/** IEEE binary16 → number. */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class ModelPackage {
  private readonly entries = new Map<string, TensorEntry>();
  private readonly cache = new Map<string, Float32Array | Int32Array | Int8Array>();
  private tableCache = new Map<string, CdfTables>();

  private constructor(
    readonly manifest: ModelManifest,
    readonly weights: Uint8Array,
    /** Raw SHA-256 of weights.bin (the container's model hash). */
    readonly hash: Uint8Array,
  ) {
    for (const t of manifest.weights.tensors) this.entries.set(t.name, t);
  }

  /** Validates the manifest, the weights' length and SHA-256. */
  static async create(manifestJson: unknown, weights: Uint8Array): Promise<ModelPackage> {
    const m = parseManifest(manifestJson);
    if (weights.byteLength !== m.weights.bytes) {
      fail('weights', `weights.bin has ${weights.byteLength} bytes, the manifest says ${m.weights.bytes}.`);
    }
    const hex = await sha256Hex(weights);
    if (hex !== m.weights.sha256) fail('hash', `weights.bin's SHA-256 is ${hex}, the manifest says ${m.weights.sha256}.`);
    const hash = new Uint8Array(32);
    for (let i = 0; i < 32; i++) hash[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    return new ModelPackage(m, weights, hash);
  }

  /** Loads `<baseUrl>/manifest.json` and its weights (browser or any fetch). */
  static async fetch(baseUrl: string, init?: RequestInit): Promise<ModelPackage> {
    const base = baseUrl.endsWith('/') ? baseUrl : baseUrl + '/';
    const r = await fetch(base + 'manifest.json', init);
    if (!r.ok) fail('manifest', `could not load ${base}manifest.json (HTTP ${r.status}).`);
    const manifest = parseManifest(await r.json());
    const w = await fetch(base + manifest.weights.file, init);
    if (!w.ok) fail('weights', `could not load ${base}${manifest.weights.file} (HTTP ${w.status}).`);
    return ModelPackage.create(manifest, new Uint8Array(await w.arrayBuffer()));
  }

  get name(): string {
    return this.manifest.name;
  }

  entry(name: string): TensorEntry {
    const e = this.entries.get(name);
    if (!e) fail('tensor', `no tensor ${JSON.stringify(name)} in ${this.manifest.name}.`);
    return e;
  }

  /** A tensor's stored bytes (little-endian, its manifest dtype), as a view into the weights: not a copy. */
  raw(name: string): { entry: TensorEntry; bytes: Uint8Array } {
    const e = this.entry(name);
    return { entry: e, bytes: this.weights.subarray(e.offset, e.offset + e.bytes) };
  }

  /** Float tensor (f32 or f16 widened to f32). */
  f32(name: string): Float32Array {
    const e = this.entry(name);
    const hit = this.cache.get(name);
    if (hit) return hit as Float32Array;
    const n = e.bytes / DTYPE_BYTES[e.dtype];
    const dv = new DataView(this.weights.buffer, this.weights.byteOffset + e.offset, e.bytes);
    const out = new Float32Array(n);
    if (e.dtype === 'f32') for (let i = 0; i < n; i++) out[i] = dv.getFloat32(4 * i, true);
    else if (e.dtype === 'f16') for (let i = 0; i < n; i++) out[i] = halfToFloat(dv.getUint16(2 * i, true));
    else fail('tensor', `tensor ${name} is ${e.dtype}, not a float tensor.`);
    this.cache.set(name, out);
    return out;
  }

  /** Integer tensor (i8 or i32) as Int32Array. */
  i32(name: string): Int32Array {
    const e = this.entry(name);
    const hit = this.cache.get(name);
    if (hit) return hit as Int32Array;
    const n = e.bytes / DTYPE_BYTES[e.dtype];
    const dv = new DataView(this.weights.buffer, this.weights.byteOffset + e.offset, e.bytes);
    const out = new Int32Array(n);
    if (e.dtype === 'i32') for (let i = 0; i < n; i++) out[i] = dv.getInt32(4 * i, true);
    else if (e.dtype === 'i8') for (let i = 0; i < n; i++) out[i] = dv.getInt8(i);
    else fail('tensor', `tensor ${name} is ${e.dtype}, not an integer tensor.`);
    this.cache.set(name, out);
    return out;
  }

  /** Per-channel gain (or inverse gain) at rate t ∈ [0, 1] (docs/model-package.md, gain interpolation). */
  gain(t: number, inverse = false): Float32Array {
    if (!(t >= 0 && t <= 1)) fail('tensor', `rate t = ${t} is outside [0, 1].`);
    const L = this.manifest.rate.anchors;
    const M = this.manifest.channels.M;
    const G = this.f32(inverse ? this.manifest.rate.inv_gain : this.manifest.rate.gain);
    const pos = t * (L - 1);
    const i = Math.min(Math.floor(pos), L - 2);
    const f = pos - i;
    const out = new Float32Array(M);
    for (let c = 0; c < M; c++) out[c] = Math.exp(Math.log(G[i * M + c]) * (1 - f) + Math.log(G[(i + 1) * M + c]) * f);
    return out;
  }

  /** The stored table set for `y` or `z`, validated (monotone, every bin ≥ 1, ends at 2^16). */
  storedTables(which: 'y' | 'z'): CdfTables {
    const hit = this.tableCache.get(which);
    if (hit) return hit;
    const s = this.manifest.entropy[which];
    if (!s) fail('tensor', `${this.manifest.name} has no ${which} tables.`);
    const t = createTables({ cdf: this.i32(s.cdf), starts: this.i32(s.starts), lengths: this.i32(s.lengths), offsets: this.i32(s.offsets) });
    if (t.lengths.length !== s.tables) fail('tensor', `entropy.${which}: ${t.lengths.length} tables, manifest says ${s.tables}.`);
    this.tableCache.set(which, t);
    return t;
  }

  /**
   * The tables that code `y` or `z` at rate t: the stored set, or for a set with per-level tables the integer
   * mix of the two levels around t (one table per channel; docs/model-package.md). t is read as float32.
   */
  tables(which: 'y' | 'z', t?: number): CdfTables {
    const levels = this.manifest.entropy[which]?.levels ?? 1;
    if (levels < 2) return this.storedTables(which);
    if (t === undefined) fail('tensor', `entropy.${which} has ${levels} rate levels: its tables depend on the rate t.`);
    const key = `${which}@${Math.fround(t)}`;
    const hit = this.tableCache.get(key);
    if (hit) return hit;
    const mixed = mixLevelTables(this.storedTables(which), levels, t);
    for (const k of this.tableCache.keys()) if (k.startsWith(`${which}@`)) this.tableCache.delete(k);
    this.tableCache.set(key, mixed);
    return mixed;
  }

  /** Rebuild a Gaussian table set from its parameters alone (must equal the stored one bit for bit). */
  rebuildGaussian(which: 'y' | 'z' = 'y'): GaussianTables {
    const s = this.manifest.entropy[which];
    if (!s || s.family !== 'gaussian') fail('tensor', `entropy.${which} is not a gaussian table set.`);
    return buildGaussianTables({ scales: Float64Array.from(s.scales!), tailMass: s.tail_mass!, precision: 16 });
  }
}
