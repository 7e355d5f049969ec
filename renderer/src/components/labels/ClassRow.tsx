// One class of the labels: its colour, its name (renamed on Enter or on leaving the field),
// its counts from labels.stats, and Delete with an in-page confirmation naming how many
// labels go with it.
import { useEffect, useState } from 'react';
import type { LabelClass, LabelStatsReply } from '../../../../main/api.ts';
import { classNameProblem, deleteClass, recolourClass, renameClass } from '../../labels/classes.ts';
import { editLabels } from '../../state/labels-actions.ts';
import { labelsStore } from '../../state/labels-store.ts';
import { formatArea } from '../../state/legend-rows.ts';

type Stats = LabelStatsReply['classes'][number];

export function ClassRow({ cls, count, stats }: { cls: LabelClass; count: number; stats: Stats | undefined }) {
  const [name, setName] = useState(cls.name);
  const [problem, setProblem] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  useEffect(() => setName(cls.name), [cls.name]);

  const rename = () => {
    const set = labelsStore.get().set;
    if (!set || name.trim() === cls.name) return setProblem(null);
    const why = classNameProblem(set, name, cls.name);
    setProblem(why);
    if (!why) editLabels((s) => renameClass(s, cls.name, name));
  };

  return (
    <li className="labels-class" data-testid="label-class" data-class={cls.name}>
      <div className="labels-class-row">
        <input type="color" aria-label={`Colour of ${cls.name}`} value={cls.color}
          onChange={(e) => editLabels((s) => recolourClass(s, cls.name, e.target.value))} />
        <input type="text" className="labels-class-name" aria-label={`Name of ${cls.name}`} value={name} spellCheck={false}
          aria-invalid={problem ? true : undefined}
          onChange={(e) => setName(e.target.value)} onBlur={rename}
          onKeyDown={(e) => {
            if (e.key === 'Enter') rename();
            if (e.key === 'Escape') { setName(cls.name); setProblem(null); }
          }} />
        <button type="button" className="icon" aria-label={`Delete class ${cls.name}`} title={`Delete class ${cls.name}`}
          onClick={() => setConfirming(true)}>×</button>
      </div>
      <div className="labels-class-counts" data-testid="label-class-counts" data-features={count}
        data-pixels={stats?.pixels ?? ''}>
        {`${count} feature${count === 1 ? '' : 's'}`}
        {stats && ` · ${stats.pixels.toLocaleString('en')} px · ${formatArea(stats.areaM2)}`}
      </div>
      {problem && <p role="alert" className="labels-error">{problem}</p>}
      {confirming && (
        <div className="labels-confirm" role="group" aria-label={`Delete class ${cls.name}?`}>
          <p>Delete class {cls.name} and its {count} label{count === 1 ? '' : 's'}?</p>
          <button type="button" className="danger" onClick={() => { setConfirming(false); editLabels((s) => deleteClass(s, cls.name)); }}>Delete</button>
          <button type="button" onClick={() => setConfirming(false)}>Keep</button>
        </div>
      )}
    </li>
  );
}

