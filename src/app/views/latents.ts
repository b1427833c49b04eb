// What the side panel shows of a learned codec's latents and stage timings (pure, tested in latents.test.ts).
import type { LatentStatistics } from '../../codecs/types';

/** Each latent's share of all the latents' bits, in % (a checkerboard's passes: y anchors, y non-anchors, z). */
export function latentShares(latents: readonly LatentStatistics[]): number[] {
  const total = latents.reduce((a, l) => a + l.bits, 0);
  return latents.map((l) => (total > 0 ? (100 * l.bits) / total : 0));
}

export interface StageRow {
  phase: 'encode' | 'decode';
  stage: string;
  ms: number;
}

/** EncodeTimings.stages ('encode: analysis transform' → ms, …) as rows in their order, encode first; other keys are
 * left out. A checkerboard codec's passes are stages of their own ('entropy coding: y anchors', 'context model', …). */
export function stageRows(stages: Readonly<Record<string, number>> | undefined): StageRow[] {
  const rows: StageRow[] = [];
  for (const phase of ['encode', 'decode'] as const) {
    for (const [k, ms] of Object.entries(stages ?? {})) if (k.startsWith(`${phase}: `)) rows.push({ phase, stage: k.slice(phase.length + 2), ms });
  }
  return rows;
}
