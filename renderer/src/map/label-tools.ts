// The label tools as OpenLayers' own interactions: Draw for polygons, boxes (createBox),
// rotated boxes (three clicks, rotated-box.ts) and points; Select, Translate, Modify and Snap
// for editing. Each finished drawing or edit becomes one edit of the labels store, in the
// raster's CRS; the layer then redraws from the store. Escape stops drawing.
import type OlMap from 'ol/Map.js';
import type Feature from 'ol/Feature.js';
import type Geometry from 'ol/geom/Geometry.js';
import type Interaction from 'ol/interaction/Interaction.js';
import Draw, { createBox, type DrawEvent } from 'ol/interaction/Draw.js';
import Modify, { type ModifyEvent } from 'ol/interaction/Modify.js';
import Select, { type SelectEvent } from 'ol/interaction/Select.js';
import Snap from 'ol/interaction/Snap.js';
import Translate, { type TranslateEvent } from 'ol/interaction/Translate.js';
import type VectorLayer from 'ol/layer/Vector.js';
import type VectorSource from 'ol/source/Vector.js';
import type { LabelSet, LabelShape } from '../../../main/api.ts';
import { addFeature, modifyFeature } from '../labels/features.ts';
import { editLabels, selectLabel, setLabelTool } from '../state/labels-actions.ts';
import { appStore } from '../state/app-state.ts';
import { labelsStore, type LabelTool } from '../state/labels-store.ts';
import { labelCoordinates } from './label-geometry.ts';
import { rotatedBox } from './rotated-box.ts';

type LabelLayer = VectorLayer<VectorSource<Feature>>;

function drawFor(tool: LabelTool): { draw: Draw; shape: LabelShape } | null {
  switch (tool) {
    case 'polygon':
      return { draw: new Draw({ type: 'Polygon' }), shape: 'polygon' };
    case 'box':
      return { draw: new Draw({ type: 'Circle', geometryFunction: createBox() }), shape: 'box' };
    case 'rotated-box':
      return { draw: new Draw({ type: 'Polygon', maxPoints: 3, geometryFunction: rotatedBox }), shape: 'rotated-box' };
    case 'point':
      return { draw: new Draw({ type: 'Point' }), shape: 'point' };
    default:
      return null;
  }
}

/** Every moved or reshaped feature's new coordinates as one edit (one undo step). */
function editFeatures(features: Feature[], crs: string, reshaped: boolean): void {
  editLabels((set) => features.reduce<LabelSet>((s, f) => {
    const g = f.getGeometry() as Geometry | undefined;
    const id = String(f.getId());
    const old = s.features.find((x) => x.id === id);
    if (!g || !old) return s;
    const shape = reshaped && (old.shape === 'box' || old.shape === 'rotated-box') ? 'polygon' : old.shape;
    return modifyFeature(s, id, labelCoordinates(g, crs), shape);
  }, set));
}

export function attachLabelTools(map: OlMap, layer: LabelLayer, crs: () => string | null): () => void {
  const source = layer.getSource()!;
  let tool: LabelTool = 'none';
  let active: Interaction[] = [];
  let draw: Draw | null = null;
  let select: Select | null = null;

  const clear = () => {
    for (const i of active) map.removeInteraction(i);
    active = [];
    draw = null;
    select = null;
  };

  const startDraw = () => {
    const made = drawFor(tool);
    if (!made) return;
    draw = made.draw;
    draw.on('drawend', (ev: DrawEvent) => {
      const code = crs();
      const cls = labelsStore.get().activeClass;
      const g = ev.feature.getGeometry();
      if (!code || !cls || !g) return;
      const coords = labelCoordinates(g, code);
      editLabels((set) => addFeature(set, cls, made.shape, coords));
    });
    active = [draw];
  };

  const startEdit = () => {
    select = new Select({ layers: [layer], style: null, hitTolerance: 4 });
    select.on('select', (ev: SelectEvent) => selectLabel(ev.selected[0] ? String(ev.selected[0].getId()) : null));
    const translate = new Translate({ features: select.getFeatures() });
    translate.on('translateend', (ev: TranslateEvent) => {
      const code = crs();
      if (code) editFeatures(ev.features.getArray(), code, false);
    });
    const modify = new Modify({ source });
    modify.on('modifyend', (ev: ModifyEvent) => {
      const code = crs();
      if (code) editFeatures(ev.features.getArray(), code, true);
    });
    // Snap is added last, as OpenLayers asks, so it sees pointer moves before Modify does.
    active = [select, translate, modify, new Snap({ source })];
  };

  /** The Select interaction's collection holds the store's selection (after an undo or a delete too). */
  const followSelection = () => {
    if (!select) return;
    const id = labelsStore.get().selectedId;
    const features = select.getFeatures();
    const current = features.item(0);
    if (current && String(current.getId()) === id && features.getLength() === 1) return;
    features.clear();
    const f = id ? source.getFeatureById(id) : null;
    if (f) features.push(f);
  };

  const follow = () => {
    const s = labelsStore.get();
    const want: LabelTool = s.set && crs() ? s.tool : 'none';
    if (want !== tool) {
      clear();
      tool = want;
      if (tool === 'edit') startEdit();
      else startDraw();
      for (const i of active) map.addInteraction(i);
      const el = map.getTargetElement();
      if (el) el.style.cursor = tool === 'none' || tool === 'edit' ? '' : 'crosshair';
    }
    followSelection();
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || !draw) return;
    draw.abortDrawing();
    setLabelTool('none');
  };

  // After the label layer's own subscriptions: crs() is the one it has just found.
  const offs = [labelsStore.subscribe(follow), appStore.subscribe(follow)];
  window.addEventListener('keydown', onKey);
  follow();
  return () => {
    for (const off of offs) off();
    window.removeEventListener('keydown', onKey);
    clear();
  };
}
