// The models page in a real Chromium against `gpt4all serve`: installed models, the catalog, a
// download with a live progress bar that is cancelled and resumed from a loopback model host,
// chatting with the downloaded model, removal, accessibility (axe-core) and screenshots.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, screenshot, seriousViolations } from './testing/browser.js';
import { startCatalogServer, type CatalogServer } from './testing/catalog-server.js';
import { startGuiServer, type GuiServer } from './testing/gui-server.js';
import { testModelPath } from './testing/test-models.js';

let host: CatalogServer;
let server: GuiServer;
let browser: Browser;
let downloadSize: number;
const FILENAME = 'Downloadable-Test.gguf';

beforeAll(async () => {
  const path = await testModelPath('downloadable');
  downloadSize = statSync(path).size;
  // The first transfer stalls a third of the way in, so the page surely shows a download in progress.
  host = await startCatalogServer(
    [
      { name: 'Downloadable Test', filename: FILENAME, path },
      { name: 'Vanished Test', filename: 'Vanished-Test.gguf', path, missing: true },
    ],
    { stallAt: Math.floor(downloadSize / 3) },
  );
  server = await startGuiServer({ installed: { 'Markdown-Test.gguf': 'markdown' }, env: { GPT4ALL_CATALOG_URL: host.catalogUrl } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await host?.close();
});

async function openModels(page: Page): Promise<void> {
  await page.goto(`${server.url}/#/models`);
  await page.getByTestId('models-page').waitFor();
}

describe('models page', () => {
  it('lists installed models with size and architecture, and the catalog with the RAM needed', async () => {
    const { context, page } = await openPage(browser);
    await openModels(page);
    const installed = page.getByTestId('installed-model').filter({ hasText: 'Markdown-Test' });
    await expect.poll(() => installed.count()).toBe(1);
    expect(await installed.textContent()).toMatch(/qwen2/);
    expect(await installed.textContent()).toMatch(/\d+(\.\d+)? ?(MB|MiB|KB|GB)/);
    const entry = page.getByTestId('catalog-entry').filter({ hasText: 'Downloadable Test' });
    await expect.poll(() => entry.count()).toBe(1);
    expect(await entry.textContent()).toMatch(/1 ?GB|1 ?GiB/);
    // The catalog's HTML description is shown as text, not markup.
    expect(await entry.textContent()).toContain('A tiny test model');
    expect(await entry.locator('strong').count()).toBe(0);
    await context.close();
  });

  it('downloads a model with a live progress bar, cancels, resumes where it stopped, then chats with it', async () => {
    const { context, page } = await openPage(browser);
    await openModels(page);
    const entry = page.getByTestId('catalog-entry').filter({ hasText: 'Downloadable Test' });
    await entry.getByTestId('download').click();
    const progress = entry.getByTestId('download-progress');
    await expect.poll(async () => Number(await progress.getAttribute('value')) / Number((await progress.getAttribute('max')) ?? 1), { timeout: 30_000 }).toBeGreaterThan(0.2);
    await screenshot(page, 'models-downloading');

    await entry.getByTestId('cancel-download').click();
    await expect.poll(() => entry.getByTestId('resume-download').count(), { timeout: 30_000 }).toBe(1);
    // The partial file is kept for the resume; nothing is under the final name.
    expect(existsSync(join(server.modelsDir, FILENAME))).toBe(false);
    expect(readdirSync(server.modelsDir).some((name) => name.startsWith(FILENAME))).toBe(true);

    host.open();
    await entry.getByTestId('resume-download').click();
    await expect.poll(() => page.getByTestId('installed-model').filter({ hasText: 'Downloadable-Test' }).count(), { timeout: 60_000 }).toBe(1);
    expect(statSync(join(server.modelsDir, FILENAME)).size).toBe(downloadSize);
    // The second transfer asked for the bytes after those already on disk.
    const ranges = host.requests.filter((r) => r.filename === FILENAME).map((r) => r.range);
    expect(ranges[0]).toBeUndefined();
    expect(Number(/^bytes=(\d+)-$/.exec(ranges.at(-1) ?? '')?.[1])).toBeGreaterThan(0);

    await page.getByTestId('installed-model').filter({ hasText: 'Downloadable-Test' }).getByTestId('chat-with-model').click();
    await page.getByTestId('composer').fill('Are you there?');
    await page.getByTestId('composer').press('Enter');
    await expect
      .poll(() => page.locator('[data-testid="message"][data-role="assistant"]').last().textContent(), { timeout: 60_000 })
      .toContain('Downloaded and ready.');
    await context.close();
  });

  it('says why a download failed (the host answers 404) and offers to retry it', async () => {
    const { context, page } = await openPage(browser);
    await openModels(page);
    const entry = page.getByTestId('catalog-entry').filter({ hasText: 'Vanished Test' });
    await entry.getByTestId('download').click();
    await expect.poll(() => entry.locator('.inline-error').textContent()).toMatch(/Download failed: .*404/);
    // The POST's answer ("downloading") arrived after the failure event: it must not win.
    await page.waitForTimeout(500);
    expect(await entry.getByTestId('download-progress').count()).toBe(0);
    expect(await entry.getByTestId('resume-download').textContent()).toBe('Retry');
    expect(existsSync(join(server.modelsDir, 'Vanished-Test.gguf'))).toBe(false);
    await context.close();
  });

  it('lists a model put into the folder while the page is open once the page changes', async () => {
    const { context, page } = await openPage(browser);
    await openModels(page);
    const added = page.getByTestId('installed-model').filter({ hasText: 'Copied-Test' });
    await expect.poll(() => page.getByTestId('installed-model').count()).toBeGreaterThan(0);
    expect(await added.count()).toBe(0);
    // As `gpt4all pull` or a file manager would put it there: no event reaches the page.
    await copyFile(await testModelPath('markdown'), join(server.modelsDir, 'Copied-Test.gguf'));
    await page.goto(`${server.url}/#/`);
    await openModels(page);
    await expect.poll(() => added.count(), { timeout: 30_000 }).toBe(1);
    await rm(join(server.modelsDir, 'Copied-Test.gguf'));
    await context.close();
  });

  it('removes an installed model after confirmation', async () => {
    const { context, page } = await openPage(browser);
    await openModels(page);
    const installed = page.getByTestId('installed-model').filter({ hasText: 'Downloadable-Test' });
    await expect.poll(() => installed.count(), { timeout: 30_000 }).toBe(1);
    page.once('dialog', (dialog) => void dialog.accept());
    await installed.getByTestId('remove-model').click();
    await expect.poll(() => installed.count(), { timeout: 30_000 }).toBe(0);
    expect(existsSync(join(server.modelsDir, FILENAME))).toBe(false);
    // The catalog offers it again, in this page and in a new one.
    const entry = page.getByTestId('catalog-entry').filter({ hasText: 'Downloadable Test' });
    await expect.poll(() => entry.getByTestId('download').count()).toBe(1);
    await page.reload();
    await expect.poll(() => entry.getByTestId('download').count()).toBe(1);
    await context.close();
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    for (const viewport of ['desktop', 'phone'] as const) {
      it(`has no serious accessibility violations (${colorScheme}, ${viewport}), and is photographed`, async () => {
        const { context, page } = await openPage(browser, { colorScheme, viewport });
        await openModels(page);
        await expect.poll(() => page.getByTestId('catalog-entry').count()).toBeGreaterThan(0);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(await page.evaluate(() => window.innerWidth));
        expect(await seriousViolations(page)).toEqual([]);
        await screenshot(page, `models-${colorScheme}-${viewport}`);
        await context.close();
      });
    }
  }
});
