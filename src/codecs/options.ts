// Options: defaults, validation and stable serialisation, shared by the UI, the URL state and the workers.
import { CodecError, type Codec, type CodecOptions, type NumberOptionSpec, type OptionValue } from './types';

export function defaultOptions(codec: Codec): CodecOptions {
  const o: Record<string, OptionValue> = {};
  for (const s of codec.options) o[s.key] = s.default;
  return o;
}

export function qualitySpec(codec: Codec): NumberOptionSpec {
  const s = codec.options.find((o) => o.key === codec.quality.key);
  if (!s || s.kind !== 'number') throw new Error(`Codec ${codec.id}: quality key "${codec.quality.key}" is not a number option.`);
  return s;
}

/** Number of decimals of a step (0.01 → 2), to snap without float noise. */
function decimals(step: number): number {
  const t = String(step);
  const i = t.indexOf('.');
  return i < 0 ? 0 : t.length - i - 1;
}

/** Snaps v to min + k·step and clamps it into [min, max]. */
export function snapToStep(spec: NumberOptionSpec, v: number): number {
  const k = Math.round((v - spec.min) / spec.step);
  const s = Number((spec.min + k * spec.step).toFixed(decimals(spec.step)));
  return Math.min(spec.max, Math.max(spec.min, s));
}

/**
 * Defaults merged with `partial`, every value checked against the schema. Unknown keys, wrong types,
 * out-of-range numbers and unknown choices throw CodecError('invalid-options') naming the option.
 */
export function resolveOptions(codec: Codec, partial: Readonly<Record<string, unknown>> = {}): CodecOptions {
  const out: Record<string, OptionValue> = { ...defaultOptions(codec) };
  for (const [key, value] of Object.entries(partial)) {
    const spec = codec.options.find((s) => s.key === key);
    const bad = (why: string) => new CodecError('invalid-options', `${codec.name}: option "${key}" ${why}.`, codec.id);
    if (!spec) throw bad('does not exist');
    switch (spec.kind) {
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(`must be a number, got ${JSON.stringify(value)}`);
        if (value < spec.min || value > spec.max) throw bad(`must be within ${spec.min}…${spec.max}, got ${value}`);
        break;
      case 'select':
        if (typeof value !== 'string' || !spec.choices.some((c) => c.value === value)) {
          throw bad(`must be one of ${spec.choices.map((c) => c.value).join(', ')}, got ${JSON.stringify(value)}`);
        }
        break;
      case 'boolean':
        if (typeof value !== 'boolean') throw bad(`must be true or false, got ${JSON.stringify(value)}`);
        break;
    }
    out[key] = value as OptionValue;
  }
  return out;
}

/** Options with keys sorted: equal settings give equal strings (cache keys, URLs). */
export function optionsKey(options: CodecOptions): string {
  return JSON.stringify(Object.keys(options).sort().map((k) => [k, options[k]]));
}

/** The options that differ from the defaults (what URLs and labels need). */
export function nonDefaultOptions(codec: Codec, options: CodecOptions): Record<string, OptionValue> {
  const d = defaultOptions(codec);
  const out: Record<string, OptionValue> = {};
  for (const s of codec.options) if (options[s.key] !== d[s.key]) out[s.key] = options[s.key];
  return out;
}

/** Short label for a setting, e.g. "q75" or "q75 · 4:4:4". */
export function settingLabel(codec: Codec, options: CodecOptions): string {
  const q = options[codec.quality.key];
  const parts = [`${codec.quality.key === 'quality' ? 'q' : `${codec.quality.key} `}${q}`];
  for (const [k, v] of Object.entries(nonDefaultOptions(codec, options))) {
    if (k === codec.quality.key) continue;
    const spec = codec.options.find((s) => s.key === k)!;
    if (spec.kind === 'boolean') parts.push(v ? spec.label.toLowerCase() : `no ${spec.label.toLowerCase()}`);
    else if (spec.kind === 'select') parts.push(spec.choices.find((c) => c.value === v)?.label ?? String(v));
    else parts.push(`${spec.label.toLowerCase()} ${v}`);
  }
  return parts.join(' · ');
}

/** The RD curve a setting belongs to: the codec's id, or "<id>~<option>_<value>" when the codec's `curveOption`
 *  (a learned codec's Effort) is not its default, so that both curves can be on the chart at once. */
export function curveId(codec: Codec, options: CodecOptions): string {
  const k = codec.curveOption;
  const spec = k === undefined ? undefined : codec.options.find((s) => s.key === k);
  if (!spec || options[spec.key] === undefined || options[spec.key] === spec.default) return codec.id;
  return `${codec.id}~${spec.key}_${String(options[spec.key])}`;
}

/** The name of a setting's curve: "Mean-scale (Minnen 2018)", or with its curve option, "…, effort 200". */
export function curveName(codec: Codec, options: CodecOptions): string {
  const id = curveId(codec, options);
  if (id === codec.id) return codec.name;
  const k = codec.curveOption!;
  const spec = codec.options.find((s) => s.key === k)!;
  return `${codec.name}, ${spec.label.toLowerCase()} ${String(options[k])}`;
}
