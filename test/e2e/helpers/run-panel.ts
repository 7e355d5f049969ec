// The Run panel as a user drives it, by role and accessible name: open it, fill its fields,
// and wait on the rows of its Jobs list.
import type { Locator, Page } from 'playwright-core';

export function runPanel(page: Page): Locator {
  return page.getByRole('dialog', { name: 'Run task' });
}

export async function openRunPanel(page: Page): Promise<Locator> {
  const panel = runPanel(page);
  if (!(await panel.isVisible())) await page.getByRole('button', { name: 'Run task…' }).click();
  await panel.waitFor();
  return panel;
}

export function field(panel: Locator, role: 'combobox' | 'textbox', name: string): Locator {
  return panel.getByRole(role, { name, exact: true });
}

/** The option texts of a combobox, with whether each is disabled. */
export async function optionsOf(select: Locator): Promise<{ text: string; disabled: boolean }[]> {
  return select.evaluate((el) => [...(el as HTMLSelectElement).options].map((o) => ({ text: o.text, disabled: o.disabled })));
}

export function jobRows(panel: Locator): Locator {
  return panel.getByTestId('job-row');
}

/** The id of the newest job row once there are more than `before` rows. */
export async function newJobId(page: Page, before: number, timeout = 30_000): Promise<string> {
  const handle = await page.waitForFunction(
    (n) => {
      const rows = document.querySelectorAll('[data-testid="job-row"]');
      return rows.length > n ? rows[0].getAttribute('data-job-id') : null;
    },
    before,
    { timeout },
  );
  return (await handle.jsonValue()) as string;
}

export function jobRow(page: Page, id: string): Locator {
  return page.locator(`[data-testid="job-row"][data-job-id="${id}"]`);
}

/** Waits until the job's row shows one of the statuses; returns the one shown. */
export async function waitJobStatus(page: Page, id: string, statuses: string[], timeout = 180_000): Promise<string> {
  const handle = await page.waitForFunction(
    ([jobId, want]) => {
      const s = document.querySelector(`[data-testid="job-row"][data-job-id="${jobId}"]`)?.getAttribute('data-status');
      return s && (want as string[]).includes(s) ? s : null;
    },
    [id, statuses] as const,
    { timeout, polling: 50 },
  );
  return (await handle.jsonValue()) as string;
}
