// With `--api-key`, the page asks for the key once, keeps it in the browser, and asks again for a
// wrong one; declined, it says why nothing loads. Last, the server stops: the page says so.
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

  it('stays closed when cancelled (Esc or Cancel), says why nothing loads, and fetches everything once a key is given', async () => {
    const { context, page } = await openPage(browser);
    await page.goto(`${server.url}/`);
    const dialog = page.getByTestId('api-key-dialog');
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('api-key-notice').waitFor();
    // Nothing claims there is no model: the key is what is missing.
    await expect.poll(() => page.getByTestId('model-select').textContent()).toBe('API key needed');
    expect(await page.locator('.empty-state').textContent()).toMatch(/API key/);
    // The events stream retries every 2 s: it must not open the dialog again.
    await page.waitForTimeout(3000);
    expect(await dialog.isVisible()).toBe(false);

    await page.getByRole('button', { name: 'Enter API key' }).click();
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await page.getByTestId('api-key-notice').isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Enter API key' }).click();
    await page.getByTestId('api-key-input').fill('sesame');
    await page.getByTestId('api-key-input').press('Enter');
    await expect.poll(() => page.getByTestId('api-key-notice').count()).toBe(0);
    // The models refused before are fetched now, the open conversation gets one, and the
    // "needs an API key" error of before is gone.
    await expect.poll(() => page.getByTestId('model-select').locator('option').filter({ hasText: 'Markdown-Test' }).count()).toBe(1);
    await expect.poll(() => page.getByTestId('model-select').inputValue()).toContain('Markdown-Test');
    expect(await page.getByTestId('error').count()).toBe(0);
    await context.close();
  });

  it('says when the server is gone', async () => {
    const { context, page } = await openPage(browser);
    await page.addInitScript(() => localStorage.setItem('gpt4all.apiKey', 'sesame'));
    await page.goto(`${server.url}/`);
    await expect.poll(() => page.getByTestId('model-select').locator('option').filter({ hasText: 'Markdown-Test' }).count()).toBe(1);
    await server.stop();
    await page.getByTestId('connection-notice').waitFor({ timeout: 10_000 });
    await context.close();
  });
});
