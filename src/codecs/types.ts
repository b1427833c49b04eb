// The codec interface: every codec, classical (wasm through @jsquash) or learned (WebGPU / onnxruntime-web), is a
// folder in src/codecs exporting one `Codec` object, listed once in ./registry.ts. The views only ever see this
// interface; see ./README.md for the contract in prose.

export type CodecFamily = 'classical' | 'learned';

/** 8-bit RGBA, row-major, 4 bytes per pixel, alpha 255 (the app flattens transparency before encoding). */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

interface OptionBase {
  /** Key in the options object passed to encode(). */
  key: string;
  /** Short UI label. */
  label: string;
  /** One sentence shown as help text. */
  help?: string;
  /** Hidden behind "advanced" in the UI. */
  advanced?: boolean;
}

export interface NumberOptionSpec extends OptionBase {
  kind: 'number';
  min: number;
  max: number;
  /** Granularity; the UI slider and the equal-bpp bisection snap to it. Use e.g. 0.01 for a continuous λ. */
  step: number;
  default: number;
  unit?: string;
}

export interface SelectOptionSpec extends OptionBase {
  kind: 'select';
  choices: readonly { value: string; label: string }[];
  default: string;
}

export interface BooleanOptionSpec extends OptionBase {
  kind: 'boolean';
  default: boolean;
}

export type OptionSpec = NumberOptionSpec | SelectOptionSpec | BooleanOptionSpec;
export type OptionValue = number | string | boolean;
/** Complete options (every key of the codec's schema present); build with resolveOptions() in ./options.ts. */
export type CodecOptions = Readonly<Record<string, OptionValue>>;

/** The one number option that trades rate for distortion: what RD sweeps and equal-bpp searches move. */
export interface QualityAxis {
  /** Key of a NumberOptionSpec in `options`; its min/max/step bound the axis. */
  key: string;
  /** Values an RD sweep encodes, in the order given (should be ≥ 8 for a useful curve). */
  sweep: readonly number[];
  /** True when a larger value spends more bits (JPEG quality); false when it spends fewer (λ⁻¹, distance). */
  higherIsMoreBits: boolean;
}

export interface EncodeProgress {
  /** Human-readable stage: 'loading model', 'analysis transform', 'entropy coding', 'decoding'… */
  stage: string;
  /** Fraction of this encode call done, 0..1 (monotone). */
  done: number;
}

export interface EncodeContext {
  /** Aborted when the user changes the setting or cancels. Check it between stages; throw CodecError('aborted'). */
  signal: AbortSignal;
  onProgress: (p: EncodeProgress) => void;
}

export interface EncodeTimings {
  /** Wall time of producing `bytes` from the image (codec already loaded). */
  encodeMs: number;
  /** Wall time of producing `decoded` from `bytes`. */
  decodeMs: number;
  /** Optional finer breakdown, stage name → ms. */
  stages?: Readonly<Record<string, number>>;
}

/** Where the bits went: bits per pixel of the *input* image grid (learned codecs: from the rate of each latent). */
export interface BitAllocationMap {
  width: number;
  height: number;
  /** width·height values, row-major; their mean ≈ the file's bpp without headers. */
  bitsPerPixel: Float32Array;
}

/** Statistics of one latent tensor of a learned codec. */
export interface LatentStatistics {
  name: string;
  channels: number;
  height: number;
  width: number;
  /** Total bits this latent costs. */
  bits: number;
  /** Per-channel bits, length = channels, if known. */
  channelBits?: Float32Array;
  /** Anything else worth showing, name → value. */
  values?: Readonly<Record<string, number>>;
}

export interface CodecExtras {
  bitMap?: BitAllocationMap;
  latents?: readonly LatentStatistics[];
  notes?: readonly string[];
}

export interface EncodeOutput {
  /** The complete file, exactly what "download" saves; its length is the rate. */
  bytes: Uint8Array;
  /** `bytes` decoded again by this codec's decoder, same size as the input. */
  decoded: RgbaImage;
  timings: EncodeTimings;
  extras?: CodecExtras;
}

export interface CodecImplementation {
  encode(image: RgbaImage, options: CodecOptions, ctx: EncodeContext): Promise<EncodeOutput>;
  /** Decodes a file of this format (used to open files the browser cannot decode). */
  decode?(bytes: Uint8Array): Promise<RgbaImage>;
}

/** 'worker': load()/encode() run inside a codec Web Worker. 'main': on the page's thread (e.g. sharing its GPU device). */
export type CodecRuntime = 'worker' | 'main';

export interface Credit {
  what: string;
  license: string;
  url?: string;
}

export interface Codec {
  /** Stable, URL-safe id: [a-z0-9-]+. Used in URLs, CSV/JSON exports and data-testids. */
  id: string;
  name: string;
  family: CodecFamily;
  /** One or two sentences for newcomers. */
  description: string;
  credits: readonly Credit[];
  /** File name extension without the dot, and MIME type of `bytes`. */
  extension: string;
  mimeType: string;
  runtime: CodecRuntime;
  options: readonly OptionSpec[];
  quality: QualityAxis;
  /** Largest input this codec accepts, in pixels (omit: the app-wide limit). */
  maxPixels?: number;
  /** Cheap check whether the codec can run in this browser: true, or the reason it cannot. Omit: always. */
  available?(): Promise<true | string>;
  /** Loads the implementation on first use (wasm, weights). Keep heavy imports behind this dynamic import. */
  load(): Promise<CodecImplementation>;
}

export type CodecErrorKind =
  | 'aborted'
  | 'unknown-codec'
  | 'invalid-options'
  | 'unavailable'
  | 'load-failed'
  | 'encode-failed'
  | 'decode-failed'
  | 'out-of-memory'
  | 'too-large'
  | 'worker-crashed';

/** The typed error channel of every codec call, across the worker boundary too. */
export class CodecError extends Error {
  readonly kind: CodecErrorKind;
  readonly codecId: string | undefined;
  constructor(kind: CodecErrorKind, message: string, codecId?: string) {
    super(message);
    this.name = 'CodecError';
    this.kind = kind;
    this.codecId = codecId;
  }
}

/** Throws CodecError('aborted') if the signal is aborted; call between stages. */
export function throwIfAborted(signal: AbortSignal, codecId?: string): void {
  if (signal.aborted) throw new CodecError('aborted', 'Cancelled.', codecId);
}
