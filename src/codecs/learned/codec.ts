// The Codec metadata shared by the learned codecs (src/codecs/{factorized,hyperprior,mean-scale}/index.ts):
// options (rate t, backend), sweep, credits, and what they offer the app: bit maps and latent statistics, their
// RDLB files (the container's header names the model), and their model's training and validation facts. Cheap to
// import: the implementation (ORT, WebGPU engine, weights) is behind load().
import { MAGIC, peekContainer } from '../container';
import { optionsFor, qualityFor, type Codec, type CodecFileFormat, type Credit } from '../types';
import type { BackendChoice } from './choose';
import { fetchModelInfo } from './model-info';

export const BACKEND_CHOICES: readonly { value: BackendChoice; label: string }[] = [
  { value: 'auto', label: 'Auto' },
  { value: 'wgsl', label: 'WGSL (our WebGPU kernels)' },
  { value: 'onnx-webgpu', label: 'onnxruntime WebGPU' },
  { value: 'onnx-wasm', label: 'onnxruntime wasm (CPU)' },
];

/** The options of every learned codec. */
export type LearnedOptions = {
  /** Rate parameter t ∈ [0, 1] of the variable-rate model (gain units). */
  rate: number;
  backend: BackendChoice;
};

/** Encode-time refinement steps (issue 20): '0' = the encoder as trained. A select, so URLs and cache keys carry
 * one of a few values (`mean-scale~effort_200`). */
export type Effort = '0' | '50' | '200' | '1000';
export const EFFORT_CHOICES: readonly { value: Effort; label: string }[] = [
  { value: '0', label: '0 (the encoder as trained)' },
  { value: '50', label: '50 steps' },
  { value: '200', label: '200 steps' },
  { value: '1000', label: '1000 steps' },
];

/** The options of a learned codec that offers refinement (`refinable` in its spec: the hyper-prior models). */
export type RefinableOptions = LearnedOptions & { effort: Effort };

/** The refinement steps a learned codec's options ask for (0 where the codec has no Effort option). */
export function refineSteps(options: LearnedOptions): number {
  const e = (options as Partial<RefinableOptions>).effort;
  return e === undefined ? 0 : Number(e);
}

const EFFORT_HELP =
  'Optimises the latents for this image at encode time: the file and the decoder do not change. Slow without a ' +
  'GPU: ~17 s per megapixel per step on a 2-core CPU, so 50 steps on a 768×512 photo take ~5 min.';

/** Eight rate points from 0 to 1 (a step of 0.01 keeps them on the option's grid). */
export const RATE_SWEEP: readonly number[] = [0, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9, 1];

export const COMMON_CREDITS: readonly Credit[] = [
  { what: 'Gain units for a continuous rate: Cui et al., CVPR 2021', license: 'paper', url: 'https://arxiv.org/abs/2003.02012' },
  { what: 'Integer hyper-synthesis: Ballé, Johnston, Minnen, ICLR 2019', license: 'paper', url: 'https://arxiv.org/abs/1810.12418' },
  { what: 'GDN: Ballé, Laparra, Simoncelli, ICLR 2016', license: 'paper', url: 'https://arxiv.org/abs/1511.06281' },
  { what: 'Layer and entropy-model conventions after CompressAI (InterDigital; no code copied)', license: 'BSD-3-Clause-Clear', url: 'https://github.com/InterDigitalInc/CompressAI' },
  { what: 'onnxruntime-web (Microsoft)', license: 'MIT', url: 'https://github.com/microsoft/onnxruntime' },
  { what: 'Weights trained by RD Lab (tools/train) on free-licensed photos', license: 'see tools/train/README.md' },
];

export interface LearnedCodecSpec {
  /** Codec id = model package name (public/models/<id>/), [a-z0-9-]+. */
  id: string;
  name: string;
  description: string;
  /** The model's paper, as in its manifest's `paper` (a unit test checks they agree). */
  paper: Credit;
  /** Offers the Effort option (encode-time refinement): the hyper-prior models (hyperprior, mean-scale,
   * checkerboard; not factorized, which has no hyper-prior: the pipeline refuses it). */
  refinable?: boolean;
}

/** The RDLB container (docs/container-format.md) as the app sees it: the file names the model that wrote it,
 *  "<codec id>.v<format version>" (pipeline.ts modelId), so the codec of that id decodes it. */
export function rdlbFormat(id: string): CodecFileFormat {
  const mine = new RegExp(`^${id}\\.v\\d+$`);
  return {
    name: 'RD Lab file',
    magic: MAGIC,
    writerNoun: 'the model',
    readHeader(head) {
      const p = peekContainer(head);
      return { width: p.width, height: p.height, ...(p.modelId !== undefined ? { writer: p.modelId, setting: `t=${p.rate!.toFixed(2)}` } : {}) };
    },
    decodes: (writer) => mine.test(writer),
  };
}

export function learnedCodec(spec: LearnedCodecSpec): Codec<LearnedOptions> {
  if (!/^[a-z0-9-]+$/.test(spec.id)) throw new Error(`learned codec id ${JSON.stringify(spec.id)} is not [a-z0-9-]+`);
  return {
    id: spec.id,
    name: spec.name,
    family: 'learned',
    description: spec.description,
    credits: [spec.paper, ...COMMON_CREDITS],
    extension: 'rdlb',
    mimeType: 'image/x-rdlab',
    // No maxPixels: the transforms run in tiles (pipeline.ts, tiling.ts), so any image the app opens fits.
    options: [
      ...optionsFor<LearnedOptions>([
      {
        kind: 'number',
        key: 'rate',
        label: 'Rate',
        min: 0,
        max: 1,
        step: 0.01,
        default: 0.5,
        help: 'Rate parameter t of one variable-rate model (gain units): 0 = fewest bits, 1 = most. The note below says which training λ and typical bpp on photos each end means.',
      },
      {
        kind: 'select',
        key: 'backend',
        label: 'Backend',
        advanced: true,
        default: 'auto',
        choices: BACKEND_CHOICES,
        help: 'Auto: our WGSL kernels on a hardware GPU, onnxruntime wasm otherwise. Files decode identically on every backend.',
      },
      ]),
      ...(spec.refinable
        ? optionsFor<RefinableOptions>([{ kind: 'select', key: 'effort', label: 'Effort', default: '0', choices: EFFORT_CHOICES, help: EFFORT_HELP, showHelp: true }])
        : []),
    ],
    quality: qualityFor<LearnedOptions>({ key: 'rate', sweep: RATE_SWEEP, higherIsMoreBits: true }),
    ...(spec.refinable ? { curveOption: 'effort' } : {}),
    extras: ['bitMap', 'latents', 'notes'],
    fileFormat: rdlbFormat(spec.id),
    modelInfo: () => fetchModelInfo(spec.id),
    load: () => import('./implementation').then((m) => m.implementationFor(spec.id)),
  };
}
