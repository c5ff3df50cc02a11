// A real headless Chromium: Debian's `chromium` package (installed by scripts/setup.sh), driven by
// playwright-core, which downloads no browser of its own.
import { AxeBuilder } from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Where the tests write their screenshots: the web app's README shows them. */
export const SCREENSHOT_DIR = fileURLToPath(new URL('../../../web/screenshots/', import.meta.url));

/**
 * The Chromium to drive: `$CHROMIUM_PATH`, else `chromium` on the PATH.
 * @throws Error naming the package to install when there is none.
 */
export function chromiumPath(): string {
  const given = process.env.CHROMIUM_PATH;
  if (given) {
    if (!existsSync(given)) throw new Error(`CHROMIUM_PATH is ${given}, which does not exist`);
    return given;
  }
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim().split('\n')[0]!;
  } catch {
    throw new Error('No Chromium found: the web app tests need Debian\'s `chromium` package (bash scripts/setup.sh installs it), or CHROMIUM_PATH set to a Chromium binary.');
  }
}

export function launchBrowser(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
}

/** The two layouts the app must work at: a desktop window and a 375 px wide phone. */
export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 375, height: 740 },
} as const;

export interface PageOptions {
  viewport?: keyof typeof VIEWPORTS;
  colorScheme?: 'light' | 'dark';
}

/** A fresh browser profile (its own IndexedDB and localStorage) and a page in it. */
export async function openPage(browser: Browser, options: PageOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: VIEWPORTS[options.viewport ?? 'desktop'], colorScheme: options.colorScheme ?? 'light' });
  const page = await context.newPage();
  return { context, page };
}

/** axe-core's serious and critical violations on the page as it is now (ids, with the first offending elements). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join(', ')}`);
}

/** Saves a full-page screenshot as `<SCREENSHOT_DIR>/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage: true });
}
