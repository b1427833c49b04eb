// The curves on screen, in one order for the chart, the BD-rate table and the exports: each selected codec's own
// curve, then its curves at other values of its curve option (a learned codec's Effort 200: "…, effort 200").
import { curveName } from '../../codecs/options';
import { findCodec } from '../../codecs/registry';
import type { Codec } from '../../codecs/types';
import type { Curve } from './lab';

export interface ShownCurve {
  curve: Curve;
  codec: Codec;
  /** "Mean-scale (Minnen 2018)" or "Mean-scale (Minnen 2018), effort 200". */
  name: string;
  /** A curve at a non-default curve option (drawn dotted in the codec's colour). */
  variant: boolean;
}

export function shownCurves(curves: Readonly<Record<string, Curve>>, selected: readonly string[]): ShownCurve[] {
  return selected.flatMap((id) => {
    const codec = findCodec(id);
    if (!codec) return [];
    const own = Object.values(curves).filter((c) => c.codecId === id);
    return [...own.filter((c) => c.id === id), ...own.filter((c) => c.id !== id)].map((curve) => ({ curve, codec, name: curveName(codec, curve.base), variant: curve.id !== id }));
  });
}
