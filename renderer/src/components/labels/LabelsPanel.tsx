// The Labels panel in the side bar: start labels on a raster (or a change pair), then the
// classes with their counts, the drawing tools, undo/redo, import and export, and whether
// the labels file is saved. Every edit is saved at once (state/labels-saver.ts).
import { useEffect } from 'react';
import { targetName } from '../../labels/target.ts';
import { useClient } from '../../state/client-context.ts';
import { closeLabels } from '../../state/labels-actions.ts';
import { attachLabelSaver } from '../../state/labels-saver.ts';
import { useLabels } from '../../state/labels-store.ts';
import { useApp } from '../../state/use-app.ts';
import { LabelClasses } from './LabelClasses.tsx';
import { LabelsFiles } from './LabelsFiles.tsx';
import { LabelsStatus } from './LabelsStatus.tsx';
import { LabelTools } from './LabelTools.tsx';
import { StartLabels } from './StartLabels.tsx';
import { useLabelKeys } from './use-label-keys.ts';
import './labels.css';

export function LabelsPanel() {
  const client = useClient();
  useEffect(() => attachLabelSaver(client), [client]);
  useLabelKeys();
  const { set, layerId } = useLabels();
  const shown = useApp((s) => s.layers.some((e) => e.layer.id === layerId));
  return (
    <section className="panel labels" aria-label="Labels">
      <h2 className="panel-title">Labels</h2>
      {!set ? <StartLabels /> : (
        <>
          <div className="labels-head">
            <span className="labels-target" title={targetName(set.target)}>
              {set.target.kind === 'pair' ? 'Change: ' : ''}{targetName(set.target)}
            </span>
            <button type="button" className="link" onClick={closeLabels} title="Stop labelling (the labels file stays)">Close labels</button>
          </div>
          {!shown && <p className="labels-hint" role="note">The raster of these labels is not open: open it to see and draw them.</p>}
          <LabelClasses />
          <LabelTools />
          <LabelsFiles />
          <LabelsStatus />
        </>
      )}
    </section>
  );
}
