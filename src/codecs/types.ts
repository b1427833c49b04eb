// The codec interface: every codec, classical (wasm through @jsquash) or learned (WebGPU / onnxruntime-web), is a
// folder in src/codecs exporting one `Codec` object, listed once in ./registry.ts. The views only ever see this
// interface; see ./README.md for the contract in prose.
import { RdLabError } from '../errors';

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
  /** One sentence shown as help text (a tooltip). */
  help?: string;
  /** Show the help text under the field too, not only as a tooltip (what a visitor must know before choosing). */
  showHelp?: boolean;
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

export interface SelectOptionSpec<V extends string = string> extends OptionBase {
  kind: 'select';
  choices: readonly { value: V; label: string }[];
  default: V;
}

export interface BooleanOptionSpec extends OptionBase {
  kind: 'boolean';
  default: boolean;
}

export type OptionSpec = NumberOptionSpec | SelectOptionSpec | BooleanOptionSpec;
export type OptionValue = number | string | boolean;
/** Complete options (every key of the codec's schema present); build with resolveOptions() in ./options.ts. */
export type CodecOptions = Readonly<Record<string, OptionValue>>;

/**
 * The schema of a codec whose options have the type O (a `type`, e.g. `{ rate: number; backend: 'auto' | … }`):
 * one spec per key, of the kind its value needs (number → NumberOptionSpec, a string union → SelectOptionSpec of
 * those values, boolean → BooleanOptionSpec). For plain CodecOptions, any OptionSpec.
 */
export type OptionSpecOf<O extends CodecOptions> = string extends keyof O
  ? OptionSpec
  : {
      [K in keyof O & string]: O[K] extends number
        ? NumberOptionSpec & { key: K }
        : O[K] extends boolean
          ? BooleanOptionSpec & { key: K }
          : O[K] extends string
            ? SelectOptionSpec<O[K]> & { key: K }
            : never;
    }[keyof O & string];

/**
 * A codec's option schema, checked against its options type O when it is written: every spec's key is a key of O
 * and of the kind its value needs, a select's choices and default are values O allows.
 *   options: optionsFor<LearnedOptions>([{ kind: 'number', key: 'rate', … }, { kind: 'select', key: 'backend', … }])
 */
export function optionsFor<O extends CodecOptions>(specs: readonly OptionSpecOf<O>[]): readonly OptionSpec[] {
  return specs;
}

/** A quality axis whose key is a number option of O. */
export function qualityFor<O extends CodecOptions>(axis: QualityAxis<NumberKeyOf<O>>): QualityAxis {
  return axis;
}

/** The keys of O whose values are numbers (what a quality axis may move). */
export type NumberKeyOf<O extends CodecOptions> = string extends keyof O ? string : { [K in keyof O & string]: O[K] extends number ? K : never }[keyof O & string];

/** The one number option that trades rate for distortion: what RD sweeps and equal-bpp searches move. */
export interface QualityAxis<K extends string = string> {
  /** Key of a NumberOptionSpec in `options`; its min/max/step bound the axis. */
  key: K;
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
  /** The codec's own estimate of the time left in ms, where it has a better one than the elapsed time over `done`
   *  (a learned codec's refinement: its measured time per step). */
  leftMs?: number;
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

/** Which extras a codec's encodes carry (Codec.extras): the views offer a control only where there is data. */
export type ExtraKind = keyof CodecExtras;

export interface EncodeOutput {
  /** The complete file, exactly what "download" saves; its length is the rate. */
  bytes: Uint8Array;
  /** `bytes` decoded again by this codec's decoder, same size as the input. */
  decoded: RgbaImage;
  timings: EncodeTimings;
  extras?: CodecExtras;
}

export interface CodecImplementation<O extends CodecOptions = CodecOptions> {
  encode(image: RgbaImage, options: O, ctx: EncodeContext): Promise<EncodeOutput>;
  /** Decodes a file of this format (used to open files the browser cannot decode). */
  decode?(bytes: Uint8Array): Promise<RgbaImage>;
}

export interface Credit {
  what: string;
  license: string;
  url?: string;
}

/** What a visitor should know about a trained model before trusting its curve (a learned codec's weights). Fields
 *  that the model's description lacks are left out, never guessed. */
export interface ModelInfo {
  name: string;
  /** Training steps, CPU-hours, export date. */
  steps?: number;
  cpuHours?: number;
  exported?: string;
  /** Where training began from another run's transforms: that run's steps and CPU-hours, which `steps` / `cpuHours`
   *  do not count. */
  initSteps?: number;
  initCpuHours?: number;
  /** Held-out validation: photo count, what they are (e.g. "24 benchmark photos, whole scenes at 768×512") and
   *  BD-rates (%, PSNR and MS-SSIM) against the named anchors (codec ids). */
  photos?: number;
  set?: string;
  bdRate: { anchor: string; psnr: number; msssim?: number }[];
  /** What the rate option means: the training λ range and the mean bpp the validation photos came to at each
   *  evaluated rate t. */
  rate?: { lambdaMin: number; lambdaMax: number; spacing?: string; loss?: string; bpp: { t: number; bpp: number }[] };
  /** URL of the model card (Markdown). */
  card: string;
  /** The card's links and images may point only below this URL (the served model packages) or to https pages. */
  cardBase: string;
}

/** Header fields of a codec's own file, read from its first bytes before anything is decoded. */
export interface CodecFileHeader {
  /** Null when the header is cut short or damaged. */
  width: number | null;
  height: number | null;
  /** Who wrote the file, e.g. the model id "mean-scale.v2"; absent when it cannot be read. */
  writer?: string;
  /** The setting it was written with, in words, e.g. "t=0.45". */
  setting?: string;
}

/** A file format a codec writes and the browser cannot open (the learned codecs' RDLB): how the app recognises a
 *  dropped file and which codec decodes it. Codecs that share a container share `magic` and `readHeader`. */
export interface CodecFileFormat {
  /** The format in words, for messages: "RD Lab file". */
  name: string;
  /** The first bytes of every file, as ASCII: "RDLB". */
  magic: string;
  /** What the header names the writer in messages: "the model". */
  writerNoun: string;
  readHeader(head: Uint8Array): CodecFileHeader;
  /** Whether this codec decodes files whose header names `writer` (mean-scale: "mean-scale.v<n>"). */
  decodes(writer: string): boolean;
}

/** A codec. O: the type of its complete options (default: any options), what its implementation's encode() is
 *  given; write its `options` with optionsFor<O>() and its `quality` with qualityFor<O>() so that they agree. */
export interface Codec<O extends CodecOptions = CodecOptions> {
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
  options: readonly OptionSpec[];
  quality: QualityAxis;
  /** Largest input this codec accepts, in pixels (omit: the app-wide limit). */
  maxPixels?: number;
  /** Key of a select option whose non-default values make RD curves of their own (a learned codec's Effort): a
   *  sweep at effort 200 is drawn beside the effort-0 curve instead of replacing it (options.ts curveId). */
  curveOption?: string;
  /** Extras its encodes carry (omit: none): the compare view offers a "Bits" overlay for 'bitMap'. */
  extras?: readonly ExtraKind[];
  /** Its own file format, when the browser cannot open its files (omit: none). */
  fileFormat?: CodecFileFormat;
  /** Facts about its trained model for the side panel's note and card (omit: not a trained model); null when
   *  they cannot be read. */
  modelInfo?(): Promise<ModelInfo | null>;
  /** Cheap check whether the codec can run in this browser: true, or the reason it cannot. Omit: always. */
  available?(): Promise<true | string>;
  /** Loads the implementation on first use (wasm, weights). Keep heavy imports behind this dynamic import. */
  load(): Promise<CodecImplementation<O>>;
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
export class CodecError extends RdLabError<CodecErrorKind> {
  readonly codecId: string | undefined;
  constructor(kind: CodecErrorKind, message: string, codecId?: string) {
    super(kind, message);
    this.name = 'CodecError';
    this.codecId = codecId;
  }
}

/** Throws CodecError('aborted') if the signal is aborted; call between stages. */
export function throwIfAborted(signal: AbortSignal, codecId?: string): void {
  if (signal.aborted) throw new CodecError('aborted', 'Cancelled.', codecId);
}
