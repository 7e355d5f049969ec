// The drawing and editing tools (each a toggle showing aria-pressed), the class new labels
// get, Delete label, Undo and Redo. The map's interactions follow the tool in the store.
import { deleteSelectedLabel, redoLabels, setActiveClass, setLabelTool, undoLabels } from '../../state/labels-actions.ts';
import { useLabels, type LabelTool } from '../../state/labels-store.ts';

const TOOLS: Array<{ tool: LabelTool; name: string; text: string; title: string }> = [
  { tool: 'polygon', name: 'Draw polygon', text: 'Polygon', title: 'Click the corners; click the first one again or double-click to finish' },
  { tool: 'box', name: 'Draw box', text: 'Box', title: 'Click one corner, then the opposite one' },
  { tool: 'rotated-box', name: 'Draw rotated box', text: 'Rotated box', title: 'Click two corners of one side, then a point at the width' },
  { tool: 'point', name: 'Draw point', text: 'Point', title: 'Click the point' },
  { tool: 'edit', name: 'Edit labels', text: 'Edit', title: 'Click a label to select it, drag it to move it, drag its vertices to reshape it' },
];

export function LabelTools() {
  const s = useLabels();
  const classes = s.set?.classes ?? [];
  const noClass = classes.length === 0 || !s.activeClass;
  return (
    <div className="labels-tools">
      <div className="labels-field">
        <label htmlFor="labels-class">Class to draw</label>
        <select id="labels-class" value={s.activeClass ?? ''} disabled={classes.length === 0} onChange={(e) => setActiveClass(e.target.value)}>
          {classes.length === 0 && <option value="">add a class first</option>}
          {classes.map((c) => <option key={c.name} value={c.name}>{c.name}</option>)}
        </select>
      </div>
      <div className="labels-toolbar" role="toolbar" aria-label="Label tools">
        {TOOLS.map((t) => (
          <button key={t.tool} type="button" aria-label={t.name} aria-pressed={s.tool === t.tool} title={t.title}
            disabled={t.tool !== 'edit' && noClass}
            onClick={() => setLabelTool(s.tool === t.tool ? 'none' : t.tool)}>
            {t.text}
          </button>
        ))}
      </div>
      <div className="labels-toolbar">
        <button type="button" aria-label="Delete label" disabled={!s.selectedId} onClick={deleteSelectedLabel} title="Delete the selected label (Delete key)">Delete label</button>
        <button type="button" aria-label="Undo" disabled={s.undo.length === 0} onClick={undoLabels} title="Ctrl+Z">Undo</button>
        <button type="button" aria-label="Redo" disabled={s.redo.length === 0} onClick={redoLabels} title="Ctrl+Shift+Z">Redo</button>
      </div>
      {s.tool !== 'none' && s.tool !== 'edit' && <p className="labels-hint">{TOOLS.find((t) => t.tool === s.tool)?.title}. Escape stops drawing.</p>}
    </div>
  );
}
