// Renders a codec's option schema: number → slider + number field, select → dropdown, boolean → checkbox.
// Works for any codec in the registry (learned ones included) without changes.
import { useId } from 'react';
import type { Codec, CodecOptions, OptionSpec, OptionValue } from '../../codecs/types';

function Field({ spec, value, onChange, isQuality }: { spec: OptionSpec; value: OptionValue; onChange: (v: OptionValue) => void; isQuality: boolean }) {
  const id = useId();
  const help = spec.help ? <span className={spec.showHelp ? 'field-help shown' : 'field-help'}>{spec.help}</span> : null;
  switch (spec.kind) {
    case 'number':
      return (
        <div className={`field field-number${isQuality ? ' field-quality' : ''}`} title={spec.help}>
          <label htmlFor={id}>{spec.label}</label>
          <input
            id={id}
            type="range"
            min={spec.min}
            max={spec.max}
            step={spec.step}
            value={value as number}
            onChange={(e) => onChange(Number(e.currentTarget.value))}
          />
          <input
            type="number"
            aria-label={`${spec.label} value`}
            min={spec.min}
            max={spec.max}
            step={spec.step}
            value={value as number}
            onChange={(e) => {
              const v = Number(e.currentTarget.value);
              if (e.currentTarget.value !== '' && Number.isFinite(v) && v >= spec.min && v <= spec.max) onChange(v);
            }}
          />
        </div>
      );
    case 'select':
      return (
        <div className="field field-select" title={spec.help}>
          <label htmlFor={id}>{spec.label}</label>
          <select id={id} value={value as string} onChange={(e) => onChange(e.currentTarget.value)}>
            {spec.choices.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
          {help}
        </div>
      );
    case 'boolean':
      return (
        <div className="field field-boolean" title={spec.help}>
          <input id={id} type="checkbox" checked={value as boolean} onChange={(e) => onChange(e.currentTarget.checked)} />
          <label htmlFor={id}>{spec.label}</label>
        </div>
      );
  }
}

export function OptionsForm({ codec, options, onChange }: { codec: Codec; options: CodecOptions; onChange: (o: CodecOptions) => void }) {
  const basic = codec.options.filter((o) => !o.advanced);
  const advanced = codec.options.filter((o) => o.advanced);
  const set = (key: string) => (v: OptionValue) => onChange({ ...options, [key]: v });
  return (
    <div className="options">
      {basic.map((s) => (
        <Field key={s.key} spec={s} value={options[s.key]} onChange={set(s.key)} isQuality={s.key === codec.quality.key} />
      ))}
      {advanced.length > 0 && (
        <details className="advanced">
          <summary>Advanced</summary>
          {advanced.map((s) => (
            <Field key={s.key} spec={s} value={options[s.key]} onChange={set(s.key)} isQuality={false} />
          ))}
        </details>
      )}
    </div>
  );
}
