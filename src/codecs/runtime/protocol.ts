// Messages between the page and a codec worker (structured-clone safe; errors travel as {kind, message}).
// Every job type has one result type (JobResults); a result message names its job, so the pool hands each
// caller a typed value without a cast (isResultOf).
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

export interface EncodeJobResult {
  bytes: Uint8Array;
  decoded: RgbaImage;
  timings: EncodeTimings;
  metrics: QualityMetrics;
  extras?: CodecExtras;
}

/** What each job returns. */
export interface JobResults {
  encode: EncodeJobResult;
  metrics: QualityMetrics;
  'decode-file': RgbaImage;
  resize: RgbaImage;
}
export type JobType = keyof JobResults;

export type WorkerRequest =
  | { id: number; type: 'encode'; source: SourceRef; codecId: string; options: CodecOptions }
  | { id: number; type: 'metrics'; source: SourceRef; decoded: RgbaImage }
  | { id: number; type: 'decode-file'; codecId: string; bytes: Uint8Array }
  | { id: number; type: 'resize'; image: RgbaImage; width: number; height: number };

/** The result of a job of type T. */
export interface ResultMessage<T extends JobType = JobType> {
  id: number;
  type: 'result';
  job: T;
  result: JobResults[T];
}

export type WorkerResponse =
  | { id: number; type: 'progress'; progress: EncodeProgress }
  | { id: number; type: 'needs-source' }
  | { [T in JobType]: ResultMessage<T> }[JobType]
  | { id: number; type: 'error'; error: { kind: CodecErrorKind; message: string; codecId?: string } };

/** Whether a result message answers a job of type `job` (then its `result` is that job's result type). */
export function isResultOf<T extends JobType>(msg: { job: JobType; result: unknown }, job: T): msg is { job: T; result: JobResults[T] } {
  return msg.job === job;
}
