// Labelled controls for the Run panel: every control has a visible <label> tied to it, so
// its accessible name is the words the user reads.
import type { ReactNode } from 'react';

export interface Choice {
  value: string;
  label: string;
  disabled?: boolean;
}

interface SelectProps {
  id: string;
  label: string;
  value: string;
  choices: Choice[];
  onChange(value: string): void;
  disabled?: boolean;
}

export function SelectField({ id, label, value, choices, onChange, disabled }: SelectProps) {
  return (
    <div className="run-field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
        {choices.map((c) => (
          <option key={c.value} value={c.value} disabled={c.disabled}>{c.label}</option>
        ))}
      </select>
    </div>
  );
}

interface TextProps {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  placeholder?: string;
  numeric?: boolean;
  hint?: ReactNode;
}

export function TextField({ id, label, value, onChange, placeholder, numeric, hint }: TextProps) {
  return (
    <div className="run-field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="text" inputMode={numeric ? 'decimal' : undefined} value={value} placeholder={placeholder}
        spellCheck={false} autoComplete="off" onChange={(e) => onChange(e.target.value)} />
      {hint && <span className="run-hint">{hint}</span>}
    </div>
  );
}
