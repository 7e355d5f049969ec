// The optional context layers. Both start hidden: the app works offline, and a plain
// background keeps the analyst's data readable.
import Graticule from 'ol/layer/Graticule.js';
import TileLayer from 'ol/layer/Tile.js';
import OSM from 'ol/source/OSM.js';
import Stroke from 'ol/style/Stroke.js';
import Text from 'ol/style/Text.js';
import Fill from 'ol/style/Fill.js';

export function createBasemap(): TileLayer<OSM> {
  // Created lazily by the controller the first time it is switched on, so an offline
  // session never even tries the tile server.
  return new TileLayer({ source: new OSM(), visible: true, zIndex: -100, properties: { skysenseBase: 'osm' } });
}

export function createGraticule(): Graticule {
  const label = (align: CanvasTextAlign, baseline: CanvasTextBaseline) =>
    new Text({
      font: '10px system-ui, sans-serif',
      textAlign: align,
      textBaseline: baseline,
      fill: new Fill({ color: 'rgba(30,40,50,0.9)' }),
      stroke: new Stroke({ color: 'rgba(255,255,255,0.85)', width: 3 }),
    });
  return new Graticule({
    strokeStyle: new Stroke({ color: 'rgba(40,60,80,0.45)', width: 1, lineDash: [3, 3] }),
    showLabels: true,
    wrapX: false,
    visible: false,
    zIndex: 1000,
    // Longitude labels along the top: the bottom-left corner belongs to the scale bar.
    lonLabelPosition: 1,
    lonLabelStyle: label('center', 'top'),
    latLabelStyle: label('end', 'middle'),
    properties: { skysenseBase: 'graticule' },
  });
}
