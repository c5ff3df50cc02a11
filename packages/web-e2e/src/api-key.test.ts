// With `--api-key`, the page asks for the key once, keeps it in the browser, and asks again for a wrong one.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage } from './testing/browser.js';
import { startGuiServer, type GuiServer } from './testing/gui-server.js';

let server: GuiServer;
let browser: Browser;

beforeAll(async () => {
  server = await startGuiServer({ installed: { 'Markdown-Test.gguf': 'markdown' }, args: ['--api-key', 'sesame'] });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('API key', () => {
  it('asks for the key, refuses a wrong one, keeps the right one across reloads and sends it', async () => {
    const { context, page } = await openPage(browser);
    await page.goto(`${server.url}/`);
    const dialog = page.getByTestId('api-key-dialog');
    await dialog.waitFor();
    await page.getByTestId('api-key-input').fill('wrong');
    await page.getByTestId('api-key-input').press('Enter');
    await expect.poll(() => page.getByTestId('api-key-dialog').isVisible()).toBe(true);

    await page.getByTestId('api-key-input').fill('sesame');
    await page.getByTestId('api-key-input').press('Enter');
    await expect.poll(() => page.getByTestId('api-key-dialog').isVisible()).toBe(false);

    await page.reload();
    await page.getByTestId('new-chat').click();
    const request = page.waitForRequest((r) => r.url().endsWith('/v1/chat/completions'));
    await page.getByTestId('composer').fill('Hi');
    await page.getByTestId('composer').press('Enter');
    expect((await request).headers().authorization).toBe('Bearer sesame');
    await expect.poll(() => page.locator('[data-testid="message"][data-role="assistant"]').last().textContent(), { timeout: 30_000 }).toContain('Hello');
    expect(await page.getByTestId('api-key-dialog').isVisible()).toBe(false);
    await context.close();
  });
});
