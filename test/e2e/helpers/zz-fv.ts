import { launchBrowser } from './browser.ts';
import { startHostProcess } from './host-process.ts';
import { openByPath, waitConnected, hookLayers, waitFirstView, timings } from './ui.ts';
const host = await startHostProcess();
const b = await launchBrowser();
try {
  for (let i = 0; i < 2; i++) {
    await b.page.goto(host.url);
    await waitConnected(b.page);
    await openByPath(b.page, process.argv[2]);
    await b.page.getByTestId('layer-item').first().waitFor({ timeout: 600000 });
    const [l] = await hookLayers(b.page);
    await waitFirstView(b.page, l.id, 600000);
    const t = (await timings(b.page))[l.id];
    console.log('firstView', (t.firstView! - t.start).toFixed(0), 'stats', (t.stats! - t.opened!).toFixed(0));
  }
  await b.page.screenshot({ path: process.argv[3] ?? '/tmp/renderer-scratch/fv.png' });
  if (b.errors.length) console.log(b.errors);
} finally { await b.close(); await host.stop(); }
