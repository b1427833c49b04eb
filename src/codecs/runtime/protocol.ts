// Messages between the page and a codec worker (structured-clone safe; errors travel as {kind, message}).
import type { CodecErrorKind, CodecExtras, CodecOptions, EncodeProgress, EncodeTimings, RgbaImage } from '../types';

/** Quality of a decoded image against the source, computed in the worker. */
export interface QualityMetrics {
  /** RGB PSNR in dB (Infinity when lossless). */
  psnr: number;
  /** MS-SSIM in [0, 1]. */
  msssim: number;
  /** Scales used by MS-SSIM (5 unless the image is small). */
  msssimScales: number;
}

/** The image a job refers to; `image` is only sent when the worker does not hold `key` yet. */
export interface SourceRef {
  key: string;
  image?: RgbaImage;
}

export type WorkerRequest =
  | { id: number; type: 'encode'; source: SourceRef; codecId: string; options: CodecOptions }
  | { id: number; type: 'metrics'; source: SourceRef; decoded: RgbaImage }
  | { id: number; type: 'decode-file'; codecId: string; bytes: Uint8Array }
  | { id: number; type: 'resize'; image: RgbaImage; width: number; height: number };

export interface EncodeJobResult {
  bytes: Uint8Array;
  decoded: RgbaImage;
  timings: EncodeTimings;
  metrics: QualityMetrics;
  extras?: CodecExtras;
}

export type WorkerResponse =
  | { id: number; type: 'progress'; progress: EncodeProgress }
  | { id: number; type: 'needs-source' }
  | { id: number; type: 'result'; result: unknown }
  | { id: number; type: 'error'; error: { kind: CodecErrorKind; message: string; codecId?: string } };
