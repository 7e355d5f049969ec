// A labelled band picker: "3 · B04" style options, 1-based like GDAL.
export function BandSelect(props: { label: string; names: string[]; value: number; onChange(band: number): void }) {
  const { label, names, value, onChange } = props;
  return (
    <label className="field-row">
      <span className={`chip chip-${label.toLowerCase()}`}>{label}</span>
      <select value={value} aria-label={`${label} band`} onChange={(e) => onChange(Number(e.target.value))}>
        {names.map((n, i) => (
          <option key={i} value={i + 1}>
            {i + 1} · {n}
          </option>
        ))}
      </select>
    </label>
  );
}
