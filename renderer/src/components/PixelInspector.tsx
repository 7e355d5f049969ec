// Values under the pointer: every band of the top visible layer, and where that is
// in map, geographic and layer coordinates. data-value holds the exact number for tests.
import { useApp } from '../state/use-app.ts';
import { formatCoord, formatValue } from './format.ts';

export function PixelInspector() {
  const insp = useApp((s) => s.inspection);
  const space = useApp((s) => s.space);
  return (
    <section className="panel inspector" aria-labelledby="inspector-title" data-testid="pixel-inspector">
      <h2 id="inspector-title" className="panel-title">Pixel inspector</h2>
      {!insp ? (
        <p className="empty">Move the pointer over a layer.</p>
      ) : (
        <>
          <div className="insp-head">
            <span className="insp-layer" title={insp.layerName}>{insp.layerName}</span>
            <span data-testid="pixel-colrow" data-col={insp.reply.col} data-row={insp.reply.row}>
              {insp.reply.inside ? `col ${insp.reply.col}, row ${insp.reply.row}` : 'outside the layer'}
            </span>
          </div>
          <table className="insp-values">
            <tbody>
              {insp.reply.bandNames.map((name, i) => {
                const v = insp.reply.values[i] ?? null;
                return (
                  <tr key={i}>
                    <th scope="row">{i + 1} · {name}</th>
                    <td className="num" data-testid={`pixel-value-${i + 1}`} data-value={v === null ? '' : String(v)}>
                      {insp.reply.inside ? formatValue(v) : '—'}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <dl className="insp-coords">
            {space === 'geo' ? (
              <>
                <dt>EPSG:3857</dt>
                <dd data-testid="coord-3857">{formatCoord(insp.reply.mapCoordinate[0])}, {formatCoord(insp.reply.mapCoordinate[1])}</dd>
                {insp.lonLat && (
                  <>
                    <dt>Lon / lat</dt>
                    <dd data-testid="coord-lonlat">{formatCoord(insp.lonLat[0], 6)}, {formatCoord(insp.lonLat[1], 6)}</dd>
                  </>
                )}
                <dt title={insp.reply.layerCrsName}>{insp.reply.layerCrsName}</dt>
                <dd data-testid="coord-layer">{formatCoord(insp.reply.layerCoordinate[0])}, {formatCoord(insp.reply.layerCoordinate[1])}</dd>
              </>
            ) : (
              <>
                <dt>Pixel space</dt>
                <dd data-testid="coord-pixel">{formatCoord(insp.reply.mapCoordinate[0], 1)}, {formatCoord(insp.reply.mapCoordinate[1], 1)}</dd>
              </>
            )}
          </dl>
        </>
      )}
    </section>
  );
}
