import { useState } from 'react';
import { validZone } from './period';
import { LIST_FILTERS, type ListFilter, type View } from './view-state';

export interface Choices {
  channel: string[];
  product: string[];
  tier: string[];
}

const LABELS: Record<ListFilter, string> = { channel: 'Channel', product: 'Product', tier: 'Tier' };

/** Period, time zone and the dimension filters; the values offered come from the API's `dimensionValues`. */
export function Filters({ view, choices, onChange }: { view: View; choices: Choices; onChange: (view: View) => void }) {
  const [zone, setZone] = useState(view.tz);
  const toggle = (name: ListFilter, value: string) =>
    onChange({ ...view, [name]: view[name].includes(value) ? view[name].filter((v) => v !== value) : [...view[name], value] });
  return (
    <form className="filters" onSubmit={(e) => e.preventDefault()}>
      <label>
        From <input type="date" name="from" value={view.from ?? ''} onChange={(e) => e.target.value && onChange({ ...view, from: e.target.value })} />
      </label>
      <label>
        To (exclusive){' '}
        <input type="date" name="to" value={view.to ?? ''} onChange={(e) => e.target.value && onChange({ ...view, to: e.target.value })} />
      </label>
      <label>
        Time zone{' '}
        <input
          name="tz"
          value={zone}
          size={16}
          aria-invalid={!validZone(zone)}
          onChange={(e) => setZone(e.target.value)}
          onBlur={() => validZone(zone) && zone !== view.tz && onChange({ ...view, tz: zone })}
        />
      </label>
      {LIST_FILTERS.map((name) => (
        <fieldset key={name} data-filter={name}>
          <legend>{LABELS[name]}</legend>
          {choices[name].length === 0 && <span className="none">none</span>}
          {choices[name].map((value) => (
            <label key={value} className="chip">
              <input type="checkbox" name={name} value={value} checked={view[name].includes(value)} onChange={() => toggle(name, value)} />
              {value.toLowerCase()}
            </label>
          ))}
        </fieldset>
      ))}
    </form>
  );
}
