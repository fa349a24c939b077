import type { Page } from 'playwright-core';

/** Opens a device page and unlocks it with the department key (the gate every device page shows first). */
export async function openDevice(page: Page, url: string, apiKey: string): Promise<void> {
  await page.goto(url);
  await page.fill('input[name=apiKey]', apiKey);
  await page.click('button[type=submit]');
}

/** Presses a counter-panel action and waits for the panel to settle. */
export async function panelAction(page: Page, action: string): Promise<void> {
  const button = page.locator(`[data-action="${action}"]`);
  await button.waitFor();
  await button.click();
  await page.waitForFunction(
    () => Array.from(document.querySelectorAll<HTMLButtonElement>('[data-action]')).every((b) => !b.disabled),
    undefined,
    { timeout: 10_000 },
  );
}
