// The playground's state (zustand). Actions that start work live in ./actions/; views read from here.
import { create } from 'zustand';
import type { CodecExtras, CodecOptions, EncodeProgress, EncodeTimings, RgbaImage } from '../../codecs/types';
import type { QualityMetrics } from '../../codecs/runtime/protocol';
import type { Notice } from '../input/loadImage';
import type { ImageFormat } from '../input/sniff';
import type { ImportedCurve, RdPoint } from './rdData';
import type { ResizeSetting } from './resize';
import { decodeUrlState, type RdMetric, type SideSetting } from './url';

export type Side = 'left' | 'right';

/** One finished encode: the file, what it decodes to, and how good and fast it was. */
export interface Encoded {
  key: string;
  codecId: string;
  options: CodecOptions;
  bytes: Uint8Array;
  decoded: RgbaImage;
  timings: EncodeTimings;
  metrics: QualityMetrics;
  extras?: CodecExtras;
  /** 8·bytes / (width·height): whole file, headers included. */
  bpp: number;
}

export interface Source {
  key: string;
  name: string;
  image: RgbaImage;
  fileBytes: number;
  format: ImageFormat;
  /** For a codec's own file (.rdlb): the format's name; the image is that file decoded. */
  decodedFrom?: string;
  notes: string[];
  /** Shown above the compare view while this image is open (a truncated file, a decoded .rdlb). */
  notices: Notice[];
  sampleId: string | null;
  /** Set when this is the opened image after the Resize step: the opened image's size. */
  resizedFrom: { width: number; height: number } | null;
}

export interface SideState {
  setting: SideSetting;
  /** 'cancelled': the visitor stopped the encode before any result was shown (cancelSide). */
  status: 'idle' | 'working' | 'done' | 'error' | 'cancelled';
  progress: EncodeProgress | null;
  /** When the running encode started (performance.now()), for the time estimate. */
  startedAt: number | null;
  /** The latest finished result for this side (kept on screen while a newer setting encodes). */
  result: Encoded | null;
  error: string | null;
}

export interface Curve {
  /** options.ts curveId: the codec's id, or with a non-default curve option (Effort) "<id>~effort_200". */
  id: string;
  codecId: string;
  /** Options every point shares apart from the quality axis (what the sweep ran with). */
  base: CodecOptions;
  baseKey: string;
  /** Sorted by quality value. */
  points: RdPoint[];
}

export interface SweepState {
  running: boolean;
  done: number;
  total: number;
  failed: number;
  /** Of `total`, how many were already in the cache when the sweep started (no encode needed). */
  cached: number;
  /** Codecs whose model or wasm is loading right now (the first encode of a learned codec takes seconds). */
  loading: string[];
  codecs: string[];
  startedAt: number;
  elapsedMs: number | null;
}

export interface EqualBppResult {
  codecId: string;
  options: CodecOptions;
  bpp: number;
  psnr: number;
  msssim: number;
  reached: boolean;
  probes: number;
}

export interface EqualBppState {
  running: boolean;
  target: number | null;
  results: EqualBppResult[];
  done: number;
  total: number;
}

export interface Toast {
  id: number;
  tone: 'error' | 'info';
  title: string;
  message: string;
}

/** Where the learned codecs will run, for the status line (actions/availability.ts probeBackend). */
export type AdapterStatus = { state: 'probing' } | { state: 'webgpu'; label: string; isSoftware: boolean } | { state: 'cpu'; reason: string };

export interface LabState {
  /** The image as opened. */
  original: Source | null;
  /** The image every codec, metric, curve and download works on: `original` after the Resize step. */
  source: Source | null;
  /** The Resize step's setting (null: none); `resizing` while the worker resizes. */
  resize: ResizeSetting | null;
  resizing: boolean;
  /** Name of the file being opened, or null. */
  loading: string | null;
  sides: Record<Side, SideState>;
  /** Codecs on the RD chart (and swept). */
  selected: string[];
  anchor: string;
  metric: RdMetric;
  targetBpp: number;
  /** Which compare side a click on an RD point loads into. */
  clickTarget: Side;
  curves: Record<string, Curve>;
  imported: ImportedCurve[];
  sweep: SweepState;
  equal: EqualBppState;
  toasts: Toast[];
  /** Codecs whose available() said no, with the reason (e.g. "needs WebGPU"). */
  unavailable: Record<string, string>;
  /** Per side: overlay the learned codec's bit-allocation map ("Bits" toggle in the compare view). */
  bitsOverlay: Record<Side, boolean>;
  adapter: AdapterStatus;
}

const initialUrl = typeof location !== 'undefined' ? decodeUrlState(location.search) : decodeUrlState('');

const side = (setting: SideSetting): SideState => ({ setting, status: 'idle', progress: null, startedAt: null, result: null, error: null });

export const useLab = create<LabState>(() => ({
  original: null,
  source: null,
  resize: null,
  resizing: false,
  loading: null,
  sides: { left: side(initialUrl.left), right: side(initialUrl.right) },
  selected: initialUrl.codecs,
  anchor: initialUrl.anchor,
  metric: initialUrl.metric,
  targetBpp: initialUrl.targetBpp,
  clickTarget: 'right',
  curves: {},
  imported: [],
  sweep: { running: false, done: 0, total: 0, failed: 0, cached: 0, loading: [], codecs: [], startedAt: 0, elapsedMs: null },
  equal: { running: false, target: null, results: [], done: 0, total: 0 },
  toasts: [],
  unavailable: {},
  bitsOverlay: { left: false, right: false },
  adapter: { state: 'probing' },
}));

/** The sample named in the URL at page load (opened automatically), if any. */
export const initialSample = initialUrl.sample;
/** The Resize step named in the URL at page load: applied to the sample it opens. */
export const initialResize = initialUrl.resize;
