// The real application as an e2e suite uses it: the renderer build, a `skysense serve`
// process and Chromium connected to it. One place so every suite starts and stops alike.
import { mkdirSync } from 'node:fs';
import { launchBrowser, type TestBrowser } from './browser.ts';
import { startHostProcess, type HostProcess } from './host-process.ts';
import { ensureRendererBuilt } from './renderer-build.ts';
import { artifactsDir } from './repo.ts';
import { waitConnected } from './ui.ts';

export interface AppSession {
  host: HostProcess;
  browser: TestBrowser;
  stop(): Promise<void>;
}

/** `hostEnv`: variables added to the host process's environment (e.g. a Vulkan driver for webgpu). */
export async function openAppSession(opts: { hostEnv?: Record<string, string> } = {}): Promise<AppSession> {
  ensureRendererBuilt();
  mkdirSync(artifactsDir, { recursive: true });
  const host = await startHostProcess({ env: opts.hostEnv });
  const browser = await launchBrowser();
  await browser.page.goto(host.url);
  await waitConnected(browser.page);
  return {
    host,
    browser,
    async stop() {
      await browser.close();
      await host.stop();
    },
  };
}
