// The classes of the labels, each with its counts, and Add class.
import { useState, type FormEvent } from 'react';
import { addClass, classNameProblem, featureCount } from '../../labels/classes.ts';
import { editLabels } from '../../state/labels-actions.ts';
import { labelsStore, useLabels } from '../../state/labels-store.ts';
import { ClassRow } from './ClassRow.tsx';

export function LabelClasses() {
  const { set, stats } = useLabels();
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  if (!set) return null;

  const add = (e: FormEvent) => {
    e.preventDefault();
    const current = labelsStore.get().set;
    if (!current) return;
    const why = classNameProblem(current, name);
    setProblem(why);
    if (why) return;
    editLabels((s) => addClass(s, name));
    setName('');
  };

  return (
    <div className="labels-classes">
      {set.classes.length === 0 ? <p className="empty">No classes yet: add one to draw.</p> : (
        <ul className="labels-class-list" aria-label="Classes">
          {set.classes.map((c) => (
            <ClassRow key={c.name} cls={c} count={featureCount(set, c.name)} stats={stats?.classes.find((x) => x.name === c.name)} />
          ))}
        </ul>
      )}
      <form className="labels-add" onSubmit={add}>
        <input type="text" aria-label="New class name" placeholder="New class name" value={name} spellCheck={false}
          onChange={(e) => { setName(e.target.value); setProblem(null); }} />
        <button type="submit" disabled={!name.trim()}>Add class</button>
      </form>
      {problem && <p role="alert" className="labels-error">{problem}</p>}
    </div>
  );
}
