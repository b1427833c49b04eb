// Model packages (docs/model-package.md): parse and validate manifest.json, verify weights.bin's SHA-256 and
// those of the shared packages it uses (the transforms several codecs share, stored once), and hand out typed
// tensor views, gain vectors and entropy tables. No WebGPU here: Node tests, workers and the CLI use it too.
import { RdLabError } from '../../errors';
import { GpuEngineError } from '../../gpu/errors';
import { checkOps, opTensors, type Op as GpuOp } from '../../gpu/oplist';
import { createTables, buildGaussianTables, mixLevelTables, type CdfTables, type GaussianTables } from '../entropy';

export const PACKAGE_FORMAT = 'rdlab-model';
export const PACKAGE_VERSION = 2;
/**
 * The size budget of one package folder under public/models (checked by models-dir.test.ts), and so the
 * reader's limit on a weights file, checked before anything is allocated: 12 MB (decimal). Larger weights
 * belong in more shared packages (a codec may use several).
 */
export const MAX_PACKAGE_BYTES = 12_000_000;

/** manifest: structure; weights: a file's length; hash: a file's SHA-256; tensor: a lookup; reference: a shared
 * package that is missing, malformed, or not the one the codec's manifest names by SHA-256. */
export type PackageErrorKind = 'manifest' | 'weights' | 'hash' | 'tensor' | 'reference';

export class PackageError extends RdLabError<PackageErrorKind> {
  constructor(kind: PackageErrorKind, message: string) {
    super(kind, message);
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

/** An op of a transform's op list: the vocabulary in src/gpu/op-vocabulary.json (src/gpu/oplist.ts). */
export type Op = GpuOp;

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

export type Architecture = 'factorized' | 'hyperprior' | 'mean-scale' | 'checkerboard';
export const ARCHITECTURES: readonly Architecture[] = ['factorized', 'hyperprior', 'mean-scale', 'checkerboard'];

/** `weights` of a manifest: one little-endian file and its tensor table. */
export interface WeightsSpec {
  file: string;
  bytes: number;
  sha256: string;
  tensors: TensorEntry[];
}

/** A codec manifest's reference to a shared package: the folder `../<name>/`, the SHA-256 and length of its weights. */
export interface PackageReference {
  name: string;
  sha256: string;
  bytes: number;
}

/** manifest.json of a shared package (kind "shared"): tensors only, used by the codecs that name it. */
export interface SharedManifest {
  format: string;
  version: number;
  kind: 'shared';
  name: string;
  weights: WeightsSpec;
}

/** A shared package as read from its folder: its manifest.json (any JSON value) and weights. */
export interface SharedPackageData {
  manifest: unknown;
  weights: Uint8Array;
}

export interface ModelManifest {
  format: string;
  version: number;
  kind: 'codec';
  name: string;
  architecture: Architecture;
  paper: string;
  credits: string[];
  /** N: the entropy model's width (hyper-analysis, hyper-synthesis features); Nt: the transforms' inner width
   * where it differs (a widened model's transforms; absent: N); M: y's channels; Nz: z's. */
  channels: { N: number; Nt?: number; M: number; Nz?: number };
  downsampling: number;
  rate: { parameter: 't'; range: [number, number]; default: number; anchors: number; gain: string; inv_gain: string; lambda: { min: number; max: number } };
  transforms: {
    analysis: Op[];
    synthesis: Op[];
    hyper_analysis?: Op[];
    hyper_synthesis_int?: Op[];
    scale_index_int?: Op[];
    means?: Op[];
    /** Checkerboard context (docs/learned-codecs.md): [checkerboard_iconv2d] over y's symbols (anchors read). */
    context_int?: Op[];
    /** [iconv2d] over concat(features, ctx): the non-anchors' table index. */
    context_index_int?: Op[];
    /** int_to_float, then a float head over concat(features, ctx): the non-anchors' means. */
    context_means?: Op[];
  };
  weight_dtype: 'f16' | 'f32';
  integer_hyper_synthesis?: { feature_scale: number; selftest?: { z_hat: string; features: string; index: string } };
  /** Checkerboard models: the context's width and a known-answer vector (y symbols, features → ctx, fused index). */
  checkerboard?: { anchor: string; context_channels: number; selftest: { symbols: string; features: string; ctx: string; index: string } };
  entropy: { precision: number; y: TableSetSpec; z?: TableSetSpec };
  /** Shared packages whose tensors this codec uses, in the order they enter the model hash. */
  uses: PackageReference[];
  weights: WeightsSpec;
  validation?: { results: { t: number[]; bpp: number[]; 'psnr-rgb': number[]; 'ms-ssim-rgb': number[] } };
}

function fail(kind: PackageErrorKind, msg: string): never {
  throw new PackageError(kind, msg);
}

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNat = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

const HEX64 = /^[0-9a-f]{64}$/;
/** Package folder names: no path separators or dots, so `../<name>/` stays beside the codec. */
const PACKAGE_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const WEIGHTS_FILE = /^[a-z0-9][a-z0-9_-]{0,63}\.bin$/;

function parseHeader(json: unknown, kind: 'codec' | 'shared', what: string): Record<string, unknown> {
  if (!isObj(json)) fail('manifest', `${what} is not a JSON object.`);
  if (json.format !== PACKAGE_FORMAT) fail('manifest', `${what}: format is ${JSON.stringify(json.format)}, expected "${PACKAGE_FORMAT}".`);
  if (json.version !== PACKAGE_VERSION) {
    fail('manifest', `${what}: format version ${JSON.stringify(json.version)} is not supported (this reader reads version ${PACKAGE_VERSION}; docs/model-package.md).`);
  }
  if (json.kind !== kind) fail('manifest', `${what}: kind is ${JSON.stringify(json.kind)}, expected "${kind}".`);
  if (typeof json.name !== 'string' || !PACKAGE_NAME.test(json.name)) fail('manifest', `${what}: name ${JSON.stringify(json.name)} is not a package name (a-z, 0-9, -).`);
  return json;
}

/** Checks a `weights` object: its length within the budget, a SHA-256, and every tensor inside the file. */
function parseWeights(w: unknown, what: string): WeightsSpec {
  if (!isObj(w) || typeof w.file !== 'string' || !WEIGHTS_FILE.test(w.file) || !isNat(w.bytes) || typeof w.sha256 !== 'string' || !HEX64.test(w.sha256)) {
    fail('manifest', `${what}: weights must give a file (name.bin), bytes and a 64-hex-digit sha256.`);
  }
  if (w.bytes > MAX_PACKAGE_BYTES) fail('manifest', `${what}: weights.bytes ${w.bytes} exceeds the ${MAX_PACKAGE_BYTES}-byte package limit.`);
  if (!Array.isArray(w.tensors)) fail('manifest', `${what}: weights.tensors must be a list.`);
  const names = new Set<string>();
  for (const t of w.tensors as TensorEntry[]) {
    if (!isObj(t) || typeof t.name !== 'string') fail('manifest', `${what}: a tensor entry has no name.`);
    if (!(t.dtype in DTYPE_BYTES)) fail('manifest', `tensor ${t.name}: unknown dtype ${JSON.stringify(t.dtype)}.`);
    if (!Array.isArray(t.shape) || !t.shape.every(isNat)) fail('manifest', `tensor ${t.name}: bad shape.`);
    if (!isNat(t.offset) || !isNat(t.bytes)) fail('manifest', `tensor ${t.name}: bad offset/bytes.`);
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n * DTYPE_BYTES[t.dtype] !== t.bytes) fail('manifest', `tensor ${t.name}: ${t.bytes} bytes but shape ${t.shape.join('×')} of ${t.dtype} needs ${n * DTYPE_BYTES[t.dtype]}.`);
    if (t.offset + t.bytes > w.bytes) fail('manifest', `tensor ${t.name}: [${t.offset}, ${t.offset + t.bytes}) lies outside ${w.file} (${w.bytes} bytes).`);
    if (t.offset % DTYPE_BYTES[t.dtype] !== 0) fail('manifest', `tensor ${t.name}: offset ${t.offset} is not aligned to its dtype.`);
    if (names.has(t.name)) fail('manifest', `${what}: tensor ${t.name} is listed twice.`);
    names.add(t.name);
  }
  return w as unknown as WeightsSpec;
}

/**
 * The shared packages a codec manifest uses (`uses`), after checking its format, version and kind: what a
 * reader must load before parseManifest() can check the tensor names.
 */
export function parseReferences(json: unknown): PackageReference[] {
  const m = parseHeader(json, 'codec', 'manifest.json');
  if (!Array.isArray(m.uses)) fail('manifest', `${m.name}: uses must be a list of shared packages.`);
  const seen = new Set<string>();
  return m.uses.map((u: unknown, i: number) => {
    if (!isObj(u) || typeof u.name !== 'string' || !PACKAGE_NAME.test(u.name) || typeof u.sha256 !== 'string' || !HEX64.test(u.sha256) || !isNat(u.bytes)) {
      fail('manifest', `${m.name}: uses[${i}] must give a package name (a-z, 0-9, -), its weights' sha256 and bytes.`);
    }
    if (u.bytes > MAX_PACKAGE_BYTES) fail('manifest', `${m.name}: uses[${i}] (${u.name}) has ${u.bytes} bytes, over the ${MAX_PACKAGE_BYTES}-byte package limit.`);
    if (u.name === m.name || seen.has(u.name)) fail('manifest', `${m.name}: uses names ${u.name} twice or itself.`);
    seen.add(u.name);
    return { name: u.name, sha256: u.sha256, bytes: u.bytes };
  });
}

/** Checks a shared package's manifest.json; with `ref`, also that it is the package the codec names. */
export function parseSharedManifest(json: unknown, ref?: PackageReference, user = 'the codec'): SharedManifest {
  const m = parseHeader(json, 'shared', ref ? `${ref.name}/manifest.json` : 'manifest.json');
  const w = parseWeights(m.weights, m.name as string);
  if (ref) {
    if (m.name !== ref.name) fail('reference', `${ref.name}/manifest.json names itself ${JSON.stringify(m.name)}.`);
    if (w.sha256 !== ref.sha256 || w.bytes !== ref.bytes) {
      fail('reference', `${user} uses ${ref.name} with weights SHA-256 ${ref.sha256} (${ref.bytes} bytes), but ${ref.name}/manifest.json describes ${w.sha256} (${w.bytes} bytes): another version of the shared package.`);
    }
  }
  return m as unknown as SharedManifest;
}

/**
 * Checks a codec manifest's structure (not the weights): every field a decoder relies on, with a clear message.
 * Tensor names may come from the shared packages it uses, whose parsed manifests `shared` must hold (matched by
 * name and SHA-256).
 */
export function parseManifest(json: unknown, shared: readonly SharedManifest[] = []): ModelManifest {
  const refs = parseReferences(json);
  const m = json as unknown as ModelManifest;
  if (!ARCHITECTURES.includes(m.architecture)) fail('manifest', `unknown architecture ${JSON.stringify(m.architecture)}.`);
  if (!isObj(m.channels) || !isNat(m.channels.N) || !isNat(m.channels.M)) fail('manifest', 'channels.N and channels.M must be integers.');
  if (m.downsampling !== 16 && m.downsampling !== 64) fail('manifest', `downsampling ${m.downsampling} (expected 16 or 64).`);
  const own = parseWeights(m.weights, m.name);
  const names = new Set(own.tensors.map((t) => t.name));
  for (const ref of refs) {
    const sm = shared.find((x) => x.name === ref.name);
    if (!sm) fail('reference', `${m.name} uses the shared package ${ref.name}, which was not loaded.`);
    if (sm.weights.sha256 !== ref.sha256 || sm.weights.bytes !== ref.bytes) {
      fail('reference', `${m.name} uses ${ref.name} with weights SHA-256 ${ref.sha256}, but the loaded ${ref.name} has ${sm.weights.sha256}.`);
    }
    for (const t of sm.weights.tensors) {
      if (names.has(t.name)) fail('manifest', `tensor ${t.name} is in both ${m.name} and ${ref.name}.`);
      names.add(t.name);
    }
  }
  const need = (name: unknown, where: string) => {
    if (typeof name !== 'string' || !names.has(name)) fail('manifest', `${where} names tensor ${JSON.stringify(name)}, which weights.tensors (and the shared packages') lack.`);
  };
  if (!isObj(m.rate) || !isNat(m.rate.anchors) || m.rate.anchors < 2) fail('manifest', 'rate.anchors must be ≥ 2.');
  need(m.rate.gain, 'rate.gain');
  need(m.rate.inv_gain, 'rate.inv_gain');
  if (!isObj(m.transforms) || !Array.isArray(m.transforms.analysis) || !Array.isArray(m.transforms.synthesis)) {
    fail('manifest', 'transforms.analysis and transforms.synthesis are required.');
  }
  const Nt = m.channels.Nt ?? m.channels.N;
  if (!isNat(Nt)) fail('manifest', 'channels.Nt, where given, must be an integer.');
  const a0 = m.transforms.analysis[0] as { cout?: unknown } | undefined;
  if (a0?.cout !== Nt) fail('manifest', `transforms.analysis starts with ${String(a0?.cout)} channels; channels.${m.channels.Nt === undefined ? 'N' : 'Nt'} says ${Nt}.`);
  const entry = (name: string) => [...own.tensors, ...shared.flatMap((s) => s.weights.tensors)].find((t) => t.name === name)!;
  for (const [tname, ops] of Object.entries(m.transforms)) {
    try {
      checkOps(ops, `transforms.${tname}`);
    } catch (e) {
      if (e instanceof GpuEngineError) fail('manifest', e.message);
      throw e;
    }
    ops.forEach((op, i) => {
      for (const t of opTensors(op)) {
        const where = `transforms.${tname}[${i}].${t.field}`;
        need(t.name, where);
        const e = entry(t.name);
        if (!t.dtype.includes(e.dtype)) fail('manifest', `${where}: tensor ${t.name} is ${e.dtype}, ${op.op} needs ${t.dtype.join(' or ')}.`);
        // Trailing 1s are the same tensor ([C, C] γ is [C, C, 1, 1]).
        const core = (s: readonly number[]) => s.join('×').replace(/(×1)+$/, '');
        if (core(e.shape) !== core(t.shape)) fail('manifest', `${where}: tensor ${t.name} has shape ${e.shape.join('×')}, ${op.op} needs ${t.shape.join('×')}.`);
      }
    });
  }
  // What the pipeline composes (latents.ts) follows from the structure: a hyper-prior (entropy.z and the hyper
  // transforms, together), Gaussian y tables (which need its index), a means head (which reads its features).
  const hyper = m.architecture !== 'factorized';
  const hyperParts = [m.transforms.hyper_analysis, m.transforms.hyper_synthesis_int, m.transforms.scale_index_int, isObj(m.entropy) ? m.entropy.z : undefined];
  if (hyper && hyperParts.some((x) => !x)) {
    fail('manifest', `${m.architecture} needs transforms.hyper_analysis, hyper_synthesis_int, scale_index_int and entropy.z.`);
  }
  if (!hyper && hyperParts.some((x) => x)) fail('manifest', `${m.architecture} has part of a hyper-prior (hyper transforms or entropy.z) but not all of it.`);
  if ((m.architecture === 'mean-scale' || m.architecture === 'checkerboard') && !m.transforms.means) fail('manifest', `${m.architecture} needs transforms.means.`);
  checkCheckerboard(m, need);
  if (m.transforms.means && !hyper) fail('manifest', 'transforms.means reads the hyper-synthesis features: it needs a hyper-prior.');
  if (!hyper && isObj(m.entropy) && isObj(m.entropy.y) && m.entropy.y.family === 'gaussian') fail('manifest', 'Gaussian y tables are chosen by a hyper-prior\'s index: they need one.');
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

/**
 * The checkerboard context's parts (docs/learned-codecs.md "Checkerboard context"): all of them on an architecture
 * "checkerboard" (which has mean-scale's hyper-prior), none elsewhere; the op lists' channels fit together
 * (context over y's M channels, both heads over concat(features, ctx) → M), the index head stays inside the 64
 * Gaussian tables, and the known-answer vector's tensors exist.
 */
function checkCheckerboard(m: ModelManifest, need: (name: unknown, where: string) => void): void {
  const t = m.transforms;
  const parts = [t.context_int, t.context_index_int, t.context_means, m.checkerboard];
  if (m.architecture !== 'checkerboard') {
    if (parts.some((x) => x !== undefined)) fail('manifest', `${m.architecture} has a checkerboard context's parts (context_int, context_index_int, context_means or checkerboard); only architecture "checkerboard" reads them.`);
    return;
  }
  if (parts.some((x) => x === undefined)) fail('manifest', 'checkerboard needs transforms.context_int, context_index_int, context_means and the checkerboard section.');
  const M = m.channels.M;
  const [ctx] = t.context_int!;
  const [head] = t.context_index_int!;
  if (t.context_int!.length !== 1 || ctx.op !== 'checkerboard_iconv2d') fail('manifest', 'transforms.context_int must be one checkerboard_iconv2d.');
  if (t.context_index_int!.length !== 1 || head.op !== 'iconv2d') fail('manifest', 'transforms.context_index_int must be one iconv2d.');
  if (ctx.cin !== M) fail('manifest', `transforms.context_int reads ${ctx.cin} channels; y has ${M}.`);
  const cb = m.checkerboard!;
  if (!isObj(cb) || cb.context_channels !== ctx.cout) fail('manifest', `checkerboard.context_channels must equal context_int's cout (${ctx.cout}).`);
  const scale = t.scale_index_int?.[0];
  const features = scale && scale.op === 'iconv2d' ? scale.cin : NaN;
  if (head.cin !== features + ctx.cout || head.cout !== M) {
    fail('manifest', `transforms.context_index_int must read concat(features, ctx) = ${features} + ${ctx.cout} channels and give ${M}; it reads ${head.cin} and gives ${head.cout}.`);
  }
  const tables = m.entropy?.y?.tables;
  if (head.lo < 0 || !(head.hi < tables)) fail('manifest', `transforms.context_index_int gives indexes ${head.lo} … ${head.hi}; entropy.y has ${tables} tables.`);
  const means = t.context_means!;
  const first = means[0];
  const last = means[means.length - 1];
  if (!first || first.op !== 'int_to_float' || !last || last.op !== 'conv2d' || last.cout !== M) {
    fail('manifest', `transforms.context_means must start with int_to_float and end with a conv2d giving ${M} channels.`);
  }
  const c1 = means.find((o) => o.op === 'conv2d');
  if (c1 && c1.op === 'conv2d' && c1.cin !== head.cin) fail('manifest', `transforms.context_means reads ${c1.cin} channels; concat(features, ctx) has ${head.cin}.`);
  if (!isObj(cb.selftest)) fail('manifest', 'checkerboard.selftest is missing.');
  for (const k of ['symbols', 'features', 'ctx', 'index'] as const) need(cb.selftest[k], `checkerboard.selftest.${k}`);
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
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
}

/** Bytes → lowercase hex. */
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const fromHex = (h: string) => Uint8Array.from(h.match(/../g)!, (x) => parseInt(x, 16));

/**
 * The container's model hash (docs/model-package.md): SHA-256 of the 32-byte SHA-256s of every weights file the
 * model reads — the shared packages' in `uses` order, then the codec's own weights.bin. It changes whenever any
 * weight does, so a file names exactly the weights it needs.
 */
export async function modelHash(m: Pick<ModelManifest, 'uses' | 'weights'>): Promise<Uint8Array> {
  const parts = [...m.uses.map((u) => u.sha256), m.weights.sha256];
  const cat = new Uint8Array(32 * parts.length);
  parts.forEach((h, i) => cat.set(fromHex(h), 32 * i));
  return new Uint8Array(await crypto.subtle.digest('SHA-256', cat));
}

/** The response body, refusing (before reading) one whose announced or actual length is not `bytes`. */
async function readExactly(r: Response, bytes: number, what: string): Promise<Uint8Array> {
  const announced = r.headers.get('content-length');
  const encoded = r.headers.get('content-encoding');
  if (announced !== null && !encoded && Number(announced) !== bytes) fail('weights', `${what} has ${announced} bytes, the manifest says ${bytes}.`);
  if (!r.body) return new Uint8Array(await r.arrayBuffer());
  const out = new Uint8Array(bytes);
  const reader = r.body.getReader();
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (n + value.length > bytes) {
      await reader.cancel();
      fail('weights', `${what} is longer than the ${bytes} bytes the manifest says.`);
    }
    out.set(value, n);
    n += value.length;
  }
  if (n !== bytes) fail('weights', `${what} has ${n} bytes, the manifest says ${bytes}.`);
  return out;
}

/** Checks one weights file against its spec: length, then SHA-256. */
async function verifyWeights(spec: WeightsSpec, bytes: Uint8Array, where: string): Promise<void> {
  if (bytes.byteLength !== spec.bytes) fail('weights', `${where}${spec.file} has ${bytes.byteLength} bytes, the manifest says ${spec.bytes}.`);
  const hex = await sha256Hex(bytes);
  if (hex !== spec.sha256) fail('hash', `${where}${spec.file}'s SHA-256 is ${hex}, the manifest says ${spec.sha256}.`);
}

export interface FetchOptions {
  init?: RequestInit;
  /** Loads a shared package folder (URL ending in '/'); default: fetch its manifest.json and weights. */
  shared?: (url: string, ref: PackageReference) => Promise<SharedPackageData>;
}

/** Fetches `<url>manifest.json` and the weights it names, for a shared package a codec uses. */
export async function fetchSharedPackage(url: string, ref: PackageReference, init?: RequestInit): Promise<SharedPackageData> {
  const r = await fetch(url + 'manifest.json', init);
  if (!r.ok) fail('reference', `could not load the shared package ${ref.name} (${url}manifest.json: HTTP ${r.status}).`);
  const manifest = parseSharedManifest(await r.json(), ref);
  const w = await fetch(url + manifest.weights.file, init);
  if (!w.ok) fail('reference', `could not load the shared package ${ref.name} (${url}${manifest.weights.file}: HTTP ${w.status}).`);
  return { manifest, weights: await readExactly(w, manifest.weights.bytes, `${ref.name}/${manifest.weights.file}`) };
}

export class ModelPackage {
  /** Every tensor the model reads, its own and the shared packages', with the bytes of the file it lies in. */
  private readonly entries = new Map<string, { entry: TensorEntry; file: Uint8Array }>();
  private readonly cache = new Map<string, Float32Array | Int32Array | Int8Array>();
  private tableCache = new Map<string, CdfTables>();

  private constructor(
    readonly manifest: ModelManifest,
    /** The shared packages' manifests, in `uses` order. */
    readonly shared: readonly SharedManifest[],
    files: readonly Uint8Array[],
    /** The model hash (modelHash(): every weights file's SHA-256), written into and checked in every file. */
    readonly hash: Uint8Array,
  ) {
    [...shared.map((s) => s.weights), manifest.weights].forEach((w, i) => {
      for (const t of w.tensors) this.entries.set(t.name, { entry: t, file: files[i] });
    });
  }

  /**
   * Validates the manifest, the shared packages it uses (each matched by name and SHA-256) and every weights
   * file's length and SHA-256. `shared`: the used packages as read from their folders, in any order.
   */
  static async create(manifestJson: unknown, weights: Uint8Array, shared: readonly SharedPackageData[] = []): Promise<ModelPackage> {
    const refs = parseReferences(manifestJson);
    const name = (manifestJson as { name: string }).name;
    const sharedManifests: SharedManifest[] = [];
    const files: Uint8Array[] = [];
    for (const ref of refs) {
      const data = shared.find((d) => isObj(d.manifest) && d.manifest.name === ref.name);
      if (!data) fail('reference', `${name} uses the shared package ${ref.name}, which was not loaded.`);
      const sm = parseSharedManifest(data.manifest, ref, name);
      await verifyWeights(sm.weights, data.weights, `${ref.name}/`);
      sharedManifests.push(sm);
      files.push(data.weights);
    }
    const m = parseManifest(manifestJson, sharedManifests);
    await verifyWeights(m.weights, weights, '');
    return new ModelPackage(m, sharedManifests, [...files, weights], await modelHash(m));
  }

  /**
   * Loads `<baseUrl>/manifest.json`, its weights and the shared packages it uses (`<baseUrl>/../<name>/`), checking
   * each file's length before reading it and its SHA-256 after (browser or any fetch).
   */
  static async fetch(baseUrl: string, o: FetchOptions = {}): Promise<ModelPackage> {
    const base = baseUrl.endsWith('/') ? baseUrl : baseUrl + '/';
    const r = await fetch(base + 'manifest.json', o.init);
    if (!r.ok) fail('manifest', `could not load ${base}manifest.json (HTTP ${r.status}).`);
    const json: unknown = await r.json();
    const refs = parseReferences(json);
    const own = parseWeights((json as { weights: unknown }).weights, (json as { name: string }).name);
    const load = o.shared ?? ((url: string, ref: PackageReference) => fetchSharedPackage(url, ref, o.init));
    const here = new URL(base, typeof location !== 'undefined' ? location.href : undefined); // throws if base is relative outside a page
    const shared = await Promise.all(refs.map((ref) => load(new URL(`../${ref.name}/`, here).href, ref)));
    const w = await fetch(base + own.file, o.init);
    if (!w.ok) fail('weights', `could not load ${base}${own.file} (HTTP ${w.status}).`);
    return ModelPackage.create(json, await readExactly(w, own.bytes, `${base}${own.file}`), shared);
  }

  get name(): string {
    return this.manifest.name;
  }

  entry(name: string): TensorEntry {
    return this.located(name).entry;
  }

  private located(name: string): { entry: TensorEntry; file: Uint8Array } {
    const e = this.entries.get(name);
    if (!e) fail('tensor', `no tensor ${JSON.stringify(name)} in ${this.manifest.name}.`);
    return e;
  }

  /** A tensor's stored bytes (little-endian, its manifest dtype), as a view into its weights file: not a copy. */
  raw(name: string): { entry: TensorEntry; bytes: Uint8Array } {
    const { entry, file } = this.located(name);
    return { entry, bytes: file.subarray(entry.offset, entry.offset + entry.bytes) };
  }

  /** Float tensor (f32 or f16 widened to f32). */
  f32(name: string): Float32Array {
    const { entry: e, bytes } = this.raw(name);
    const hit = this.cache.get(name);
    if (hit) return hit as Float32Array;
    const n = e.bytes / DTYPE_BYTES[e.dtype];
    const dv = new DataView(bytes.buffer, bytes.byteOffset, e.bytes);
    const out = new Float32Array(n);
    if (e.dtype === 'f32') for (let i = 0; i < n; i++) out[i] = dv.getFloat32(4 * i, true);
    else if (e.dtype === 'f16') for (let i = 0; i < n; i++) out[i] = halfToFloat(dv.getUint16(2 * i, true));
    else fail('tensor', `tensor ${name} is ${e.dtype}, not a float tensor.`);
    this.cache.set(name, out);
    return out;
  }

  /** Integer tensor (i8 or i32) as Int32Array. */
  i32(name: string): Int32Array {
    const { entry: e, bytes } = this.raw(name);
    const hit = this.cache.get(name);
    if (hit) return hit as Int32Array;
    const n = e.bytes / DTYPE_BYTES[e.dtype];
    const dv = new DataView(bytes.buffer, bytes.byteOffset, e.bytes);
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
