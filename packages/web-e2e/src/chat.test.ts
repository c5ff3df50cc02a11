// The chat page in a real Chromium against `gpt4all serve`: streamed Markdown replies, stop,
// regenerate, edit-and-continue, conversations kept across reloads, settings sent with requests,
// accessibility (axe-core) and screenshots.
import { readFileSync } from 'node:fs';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, screenshot, seriousViolations } from './testing/browser.js';
import { startGuiServer, type GuiServer } from './testing/gui-server.js';
import { MARKDOWN_REPLY } from './testing/test-models.js';

let server: GuiServer;
let browser: Browser;

beforeAll(async () => {
  server = await startGuiServer({ installed: { 'Markdown-Test.gguf': 'markdown', 'Endless-Test.gguf': 'endless', 'Thinker-Test.gguf': 'thinker', 'Untemplated-Test.gguf': 'untemplated' } });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Opens the app (unless it is open) on a new conversation with the model `filename`. */
async function newChat(page: Page, filename: string): Promise<void> {
  // A navigation would reload the page and end what it runs: only the first call opens it.
  if (!page.url().startsWith(server.url)) await page.goto(`${server.url}/`);
  await page.getByTestId('new-chat').click();
  const select = page.getByTestId('model-select');
  const value = await select.locator('option').filter({ hasText: filename.replace(/\.gguf$/, '') }).first().getAttribute('value');
  await select.selectOption(value!);
}

/** Types a message and sends it with Enter; resolves with the chat request the page sent. */
async function send(page: Page, text: string): Promise<Request> {
  const request = page.waitForRequest((r) => r.url().endsWith('/v1/chat/completions') && r.method() === 'POST');
  await page.getByTestId('composer').fill(text);
  await page.getByTestId('composer').press('Enter');
  return request;
}

const assistantMessages = (page: Page) => page.locator('[data-testid="message"][data-role="assistant"]');
const userMessages = (page: Page) => page.locator('[data-testid="message"][data-role="user"]');

describe('chat', () => {
  it('streams a reply rendered as Markdown, with tokens/s and context use; the conversation survives a reload', async () => {
    const { context, page } = await openPage(browser);
    await newChat(page, 'Markdown-Test.gguf');
    const request = await send(page, 'Say hello');
    const body = request.postDataJSON() as { stream: boolean; model: string; messages: { role: string; content: string }[] };
    expect(body.stream).toBe(true);
    expect(body.model).toContain('Markdown-Test');
    expect(body.messages.at(-1)).toEqual({ role: 'user', content: 'Say hello' });

    const reply = assistantMessages(page).last();
    await expect.poll(() => reply.locator('strong').textContent(), { timeout: 30_000 }).toBe('there');
    // The fenced block is a highlighted code element, not literal backticks.
    await expect.poll(() => reply.locator('pre code').textContent()).toContain('console.log(42);');
    expect(await reply.locator('pre code .hljs-number, pre code [class*="hljs-"]').count()).toBeGreaterThan(0);
    expect(await reply.textContent()).not.toContain('```');
    await expect.poll(() => page.getByTestId('stats').last().textContent()).toMatch(/tok\/s/);
    expect(await page.getByTestId('stats').last().textContent()).toMatch(/\d+ ?\/ ?\d+/);

    await page.reload();
    await expect.poll(() => page.getByTestId('conversation-item').count()).toBeGreaterThan(0);
    await page.getByTestId('conversation-item').filter({ hasText: 'Say hello' }).first().click();
    await expect.poll(() => userMessages(page).first().textContent()).toContain('Say hello');
    await expect.poll(() => assistantMessages(page).first().locator('strong').textContent()).toBe('there');
    await context.close();
  });

  it('Esc stops a reply mid-stream, and the stop button does too', async () => {
    const { context, page } = await openPage(browser);
    await newChat(page, 'Endless-Test.gguf');
    await send(page, 'Sing');
    const reply = assistantMessages(page).last();
    await expect.poll(async () => ((await reply.textContent()) ?? '').split('la').length, { timeout: 30_000 }).toBeGreaterThan(5);
    await page.getByTestId('composer').press('Escape');
    await expect.poll(() => page.getByTestId('stop').count()).toBe(0);
    const stopped = await reply.textContent();
    await page.waitForTimeout(500);
    expect(await reply.textContent()).toBe(stopped);

    await send(page, 'Again');
    const second = assistantMessages(page).last();
    await expect.poll(async () => ((await second.textContent()) ?? '').split('la').length, { timeout: 30_000 }).toBeGreaterThan(5);
    await page.getByTestId('stop').click();
    await expect.poll(() => page.getByTestId('stop').count()).toBe(0);
    const length = (await second.textContent())!.length;
    await page.waitForTimeout(500);
    expect((await second.textContent())!.length).toBe(length);
    // A stopped reply says so.
    expect(await page.getByTestId('reply-ending').allTextContents()).toEqual(['Stopped.', 'Stopped.']);
    await context.close();
  });

  it('keeps the part of a reply that had arrived when the page is reloaded mid-stream', async () => {
    const { context, page } = await openPage(browser);
    await newChat(page, 'Endless-Test.gguf');
    await send(page, 'Sing until I leave');
    const reply = assistantMessages(page).last();
    await expect.poll(async () => ((await reply.textContent()) ?? '').split('la').length, { timeout: 30_000 }).toBeGreaterThan(5);
    await page.waitForTimeout(1500);
    await page.reload();
    await expect.poll(() => userMessages(page).count()).toBe(1);
    await expect.poll(async () => ((await assistantMessages(page).first().textContent()) ?? '').split('la').length).toBeGreaterThan(5);
    expect(await page.getByTestId('stop').count()).toBe(0);
    await context.close();
  });

  it('generates in two conversations at once: each has its own stop button', async () => {
    const { context, page } = await openPage(browser);
    await newChat(page, 'Endless-Test.gguf');
    await send(page, 'Sing forever');
    const endless = assistantMessages(page).last();
    await expect.poll(async () => ((await endless.textContent()) ?? '').split('la').length, { timeout: 30_000 }).toBeGreaterThan(3);
    const singing = page.url();

    // Another conversation is free to send while the first one still streams.
    await newChat(page, 'Markdown-Test.gguf');
    expect(await page.getByTestId('stop').count()).toBe(0);
    await send(page, 'Meanwhile');
    await expect.poll(() => page.getByTestId('stats').count(), { timeout: 30_000 }).toBe(1);
    expect(await assistantMessages(page).last().locator('strong').textContent()).toBe('there');
    // The sidebar shows which conversation is still writing.
    expect(await page.getByTestId('conversation-item').locator('.generating').count()).toBe(1);

    await page.goto(singing);
    await expect.poll(() => page.getByTestId('stop').count()).toBe(1);
    await page.getByTestId('stop').click();
    await expect.poll(() => page.getByTestId('stop').count()).toBe(0);
    expect(await page.getByTestId('conversation-item').locator('.generating').count()).toBe(0);
    await context.close();
  });

  it('regenerates the last reply, and edits a past message to continue from there', async () => {
    const { context, page } = await openPage(browser);
    await newChat(page, 'Markdown-Test.gguf');
    await send(page, 'First question');
    await expect.poll(() => assistantMessages(page).count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('stats').count()).toBe(1);
    await send(page, 'Second question');
    await expect.poll(() => page.getByTestId('stats').count(), { timeout: 30_000 }).toBe(2);

    // Regenerate: the same history is sent again without the old reply, and it is replaced.
    const regenerated = page.waitForRequest((r) => r.url().endsWith('/v1/chat/completions'));
    await page.getByTestId('regenerate').last().click();
    const again = (await regenerated).postDataJSON() as { messages: { role: string; content: string }[] };
    expect(again.messages.filter((m) => m.role !== 'system').map((m) => m.content)).toEqual(['First question', MARKDOWN_REPLY, 'Second question']);
    await expect.poll(() => page.getByTestId('stats').count(), { timeout: 30_000 }).toBe(2);
    expect(await assistantMessages(page).count()).toBe(2);

    // Edit the first question: what came after it goes, and the conversation continues from the edit.
    await userMessages(page).first().hover();
    await userMessages(page).first().getByTestId('edit').click();
    await page.getByRole('textbox', { name: /edit/i }).fill('Edited question');
    const edited = page.waitForRequest((r) => r.url().endsWith('/v1/chat/completions'));
    await page.getByTestId('edit-save').click();
    const body = (await edited).postDataJSON() as { messages: { role: string; content: string }[] };
    expect(body.messages.filter((m) => m.role !== 'system').map((m) => m.content)).toEqual(['Edited question']);
    await expect.poll(() => assistantMessages(page).count(), { timeout: 30_000 }).toBe(1);
    expect(await userMessages(page).count()).toBe(1);
    expect(await userMessages(page).first().textContent()).toContain('Edited question');
    await context.close();
  });

  it('sends the settings of the conversation: temperature, sampling, max tokens, system message and a custom template', async () => {
    const { context, page } = await openPage(browser);
    await newChat(page, 'Markdown-Test.gguf');
    await page.getByTestId('settings-toggle').click();
    await page.getByTestId('setting-temperature').fill('1.3');
    await page.getByTestId('setting-top-k').fill('17');
    await page.getByTestId('setting-max-tokens').fill('64');
    await page.getByTestId('system-message').fill('You are terse.');
    const request = await send(page, 'Hi');
    const body = request.postDataJSON() as Record<string, unknown> & { messages: { role: string; content: string }[] };
    expect(body.temperature).toBe(1.3);
    expect(body.top_k).toBe(17);
    expect(body.max_tokens).toBe(64);
    expect(body.messages[0]).toEqual({ role: 'system', content: 'You are terse.' });
    await expect.poll(() => page.getByTestId('stats').count(), { timeout: 30_000 }).toBe(1);

    // A custom template is previewed live in the browser, then sent with the request.
    await page.getByTestId('setting-template').selectOption({ label: 'Custom' });
    const template = "{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}{% if add_generation_prompt %}[assistant] {% endif %}";
    await page.getByTestId('template-editor').fill(template);
    await expect.poll(() => page.getByTestId('template-preview').textContent()).toContain('[user]');
    const withTemplate = await send(page, 'Templated');
    expect((withTemplate.postDataJSON() as { chat_template?: string }).chat_template).toBe(template);
    await expect.poll(() => page.getByTestId('stats').count(), { timeout: 30_000 }).toBe(2);

    // The conversation ends with a reply: the preview does not open another assistant turn after it.
    expect((await page.getByTestId('template-preview').locator('pre').textContent())!.trimEnd().endsWith('[assistant]')).toBe(false);

    // A broken template is reported in the preview, not sent.
    await page.getByTestId('template-editor').fill('{% for m in messages %}');
    await expect.poll(() => page.getByTestId('template-preview').textContent()).toMatch(/error|expected|unexpected|end/i);
    await context.close();
  });

  it('a model without a chat template: says where to pick one, then chats with a preset', async () => {
    const { context, page } = await openPage(browser);
    await newChat(page, 'Untemplated-Test.gguf');
    await send(page, 'Hi');
    await expect.poll(() => page.getByTestId('error').textContent(), { timeout: 30_000 }).toMatch(/Settings → Chat template/);
    await page.getByTestId('settings-toggle').click();
    await page.getByTestId('setting-template').selectOption('preset:chatml');
    await page.getByTestId('composer').fill('Again');
    await page.getByTestId('composer').press('Enter');
    await expect.poll(() => assistantMessages(page).last().textContent(), { timeout: 30_000 }).toContain('Templated now.');
    await context.close();
  });

  it('shows the reasoning of a thinking model collapsed', async () => {
    const { context, page } = await openPage(browser);
    await newChat(page, 'Thinker-Test.gguf');
    await send(page, 'What is 2 + 2?');
    const reply = assistantMessages(page).last();
    await expect.poll(() => reply.textContent(), { timeout: 30_000 }).toContain('The answer is 4.');
    const reasoning = reply.getByTestId('reasoning');
    expect(await reasoning.evaluate((element) => element.tagName)).toBe('DETAILS');
    expect(await reasoning.getAttribute('open')).toBeNull();
    expect(await reasoning.textContent()).toContain('Let me think');
    await context.close();
  });

  it('Shift+Enter breaks the line; conversations are renamed, exported, deleted and imported again', async () => {
    const { context, page } = await openPage(browser);
    await newChat(page, 'Markdown-Test.gguf');
    const composer = page.getByTestId('composer');
    await composer.type('first line');
    await composer.press('Shift+Enter');
    await composer.type('second line');
    expect(await composer.inputValue()).toBe('first line\nsecond line');
    expect(await userMessages(page).count()).toBe(0);
    const request = page.waitForRequest((r) => r.url().endsWith('/v1/chat/completions'));
    await composer.press('Enter');
    expect(((await request).postDataJSON() as { messages: { content: string }[] }).messages.at(-1)!.content).toBe('first line\nsecond line');
    await expect.poll(() => page.getByTestId('stats').count(), { timeout: 30_000 }).toBe(1);

    const item = page.getByTestId('conversation-item').filter({ hasText: 'first line' });
    await item.getByTestId('rename').click();
    await page.getByTestId('rename-input').fill('Renamed chat');
    await page.getByTestId('rename-input').press('Enter');
    await page.reload();
    const renamed = page.getByTestId('conversation-item').filter({ hasText: 'Renamed chat' });
    await expect.poll(() => renamed.count()).toBe(1);

    const download = page.waitForEvent('download');
    await page.getByTestId('export').click();
    const file = await (await download).path();
    const exported = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    expect(JSON.stringify(exported)).toContain('Renamed chat');
    expect(JSON.stringify(exported)).toContain('first line\\nsecond line');

    page.once('dialog', (dialog) => void dialog.accept());
    await renamed.getByTestId('delete').click();
    await expect.poll(() => renamed.count()).toBe(0);
    await page.reload();
    await page.getByTestId('new-chat').waitFor();
    expect(await renamed.count()).toBe(0);

    // A file that is not an export is refused with a message; the export comes back whole.
    await page.getByTestId('import').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"not": "conversations"}') });
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/\S/);
    await page.getByTestId('import').setInputFiles(file);
    await expect.poll(() => renamed.count()).toBe(1);
    await renamed.locator('a').click();
    await expect.poll(() => userMessages(page).first().textContent()).toContain('second line');
    await expect.poll(() => assistantMessages(page).first().locator('strong').textContent()).toBe('there');
    await context.close();
  });

  it('keeps what two tabs add to the same conversation', async () => {
    const { context, page: first } = await openPage(browser);
    await newChat(first, 'Markdown-Test.gguf');
    await send(first, 'from tab one');
    await expect.poll(() => first.getByTestId('stats').count(), { timeout: 30_000 }).toBe(1);
    const second = await context.newPage();
    await second.goto(first.url());
    await expect.poll(() => userMessages(second).count()).toBe(1);

    await send(first, 'again from tab one');
    await expect.poll(() => first.getByTestId('stats').count(), { timeout: 30_000 }).toBe(2);
    await send(second, 'from tab two');
    await expect.poll(() => second.getByTestId('stats').count(), { timeout: 30_000 }).toBe(3);

    await first.reload();
    const expected = ['from tab one', 'again from tab one', 'from tab two'];
    await expect.poll(() => userMessages(first).count()).toBe(3);
    const texts = await userMessages(first).allTextContents();
    expected.forEach((text, index) => expect(texts[index]).toContain(text));
    expect(texts[0]).not.toContain('again');
    expect(await assistantMessages(first).count()).toBe(3);
    await context.close();
  });

  it('keeps both messages when two tabs send into the same conversation at the same moment', async () => {
    const { context, page: first } = await openPage(browser);
    await newChat(first, 'Markdown-Test.gguf');
    await send(first, 'opening');
    await expect.poll(() => first.getByTestId('stats').count(), { timeout: 30_000 }).toBe(1);
    const second = await context.newPage();
    await second.goto(first.url());
    await expect.poll(() => userMessages(second).count()).toBe(1);
    // Both typed, then both sent before either tab hears of the other's message.
    await first.getByTestId('composer').fill('at once from tab one');
    await second.getByTestId('composer').fill('at once from tab two');
    await Promise.all([first.getByTestId('composer').press('Enter'), second.getByTestId('composer').press('Enter')]);
    for (const page of [first, second]) {
      await expect.poll(() => userMessages(page).count(), { timeout: 30_000 }).toBe(3);
      await expect.poll(() => assistantMessages(page).count(), { timeout: 30_000 }).toBe(3);
    }
    await first.reload();
    await expect.poll(() => assistantMessages(first).count(), { timeout: 30_000 }).toBe(3);
    const texts = (await userMessages(first).allTextContents()).join('\n');
    expect(texts).toContain('at once from tab one');
    expect(texts).toContain('at once from tab two');
    await context.close();
  });

  it('goes on when the conversation outgrows the context, leaving out its oldest turns', async () => {
    const { context, page } = await openPage(browser);
    await newChat(page, 'Markdown-Test.gguf');
    await page.getByTestId('settings-toggle').click();
    await page.getByTestId('setting-context-size').fill('256');
    // Each turn takes about 120 of the 256 tokens: the third no longer fits with the first two.
    for (let turn = 1; turn <= 3; turn++) {
      const request = await send(page, `turn ${turn}: ${'word '.repeat(100)}`);
      expect((request.postDataJSON() as { context_overflow?: string }).context_overflow).toBe('drop-oldest');
      await expect.poll(() => page.getByTestId('stats').count(), { timeout: 30_000 }).toBe(turn);
    }
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await page.getByTestId('stats').last().textContent()).toMatch(/\/ 256 tokens/);
    await context.close();
  });

  it('refuses an out-of-range setting in its field; Esc closes the settings and gives focus back', async () => {
    const { context, page } = await openPage(browser);
    await newChat(page, 'Markdown-Test.gguf');
    await page.getByTestId('settings-toggle').click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.closest('[data-testid="settings-panel"]') !== null)).toBe(true);
    const temperature = page.getByTestId('setting-temperature');
    const before = Number(await temperature.inputValue());
    await temperature.fill('99');
    expect(await temperature.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('setting-temperature-error').textContent()).toMatch(/from 0 to 2/);
    const request = await send(page, 'Hi');
    expect((request.postDataJSON() as { temperature: number }).temperature).toBe(before);
    await temperature.fill('0.5');
    expect(await temperature.getAttribute('aria-invalid')).toBe('false');
    expect(await page.getByTestId('setting-temperature-error').count()).toBe(0);

    await temperature.press('Escape');
    await expect.poll(() => page.getByTestId('settings-panel').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('settings-toggle');
    await context.close();
  });

  it('at 375 px the conversations open over the chat and close with Esc, a tap outside or their close button', async () => {
    const { context, page } = await openPage(browser, { viewport: 'phone' });
    await page.goto(`${server.url}/`);
    const toggle = page.getByTestId('sidebar-toggle');
    const sidebarShown = () => page.locator('#sidebar').isVisible();
    const focusedId = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.getAttribute('data-testid'));

    await toggle.click();
    await expect.poll(sidebarShown).toBe(true);
    await expect.poll(focusedId).toBe('new-chat');
    // What is behind it is out of reach while it is open.
    expect(await page.evaluate(() => (document.querySelector('.workspace') as HTMLElement).inert)).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(sidebarShown).toBe(false);
    await expect.poll(focusedId).toBe('sidebar-toggle');

    // Esc closes it also once focus has left it.
    await toggle.click();
    await expect.poll(sidebarShown).toBe(true);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Escape');
    await expect.poll(sidebarShown).toBe(false);

    await toggle.click();
    await expect.poll(sidebarShown).toBe(true);
    await page.mouse.click(360, 400); // right of the 300 px sidebar
    await expect.poll(sidebarShown).toBe(false);

    await toggle.click();
    await page.getByTestId('sidebar-close').click();
    await expect.poll(sidebarShown).toBe(false);
    expect(await page.evaluate(() => (document.querySelector('.workspace') as HTMLElement).inert)).toBe(false);
    await context.close();
  });

  it('loads the model with the conversation\'s context size', async () => {
    const { context, page } = await openPage(browser);
    await newChat(page, 'Endless-Test.gguf');
    await page.getByTestId('settings-toggle').click();
    await page.getByTestId('setting-context-size').fill('1024');
    await page.getByTestId('setting-max-tokens').fill('8');
    await send(page, 'Count');
    await expect.poll(() => page.getByTestId('stats').last().textContent(), { timeout: 30_000 }).toMatch(/\/ 1024 tokens/);
    // Eight tokens of an endless reply: it says it was cut off.
    expect(await page.getByTestId('reply-ending').last().textContent()).toMatch(/max tokens/);
    const models = (await (await fetch(`${server.url}/api/models`)).json()) as { models: { id: string; contextSize: number | null }[] };
    expect(models.models.find((m) => m.id.includes('Endless-Test'))?.contextSize).toBe(1024);
    await context.close();
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    for (const viewport of ['desktop', 'phone'] as const) {
      it(`has no serious accessibility violations (${colorScheme}, ${viewport}), and is photographed`, async () => {
        const { context, page } = await openPage(browser, { colorScheme, viewport });
        if (viewport === 'phone') {
          await page.goto(`${server.url}/`);
          await page.getByTestId('sidebar-toggle').click();
          await page.getByTestId('new-chat').click();
        } else {
          await newChat(page, 'Markdown-Test.gguf');
        }
        if (viewport === 'phone') {
          const select = page.getByTestId('model-select');
          const value = await select.locator('option').filter({ hasText: 'Markdown-Test' }).first().getAttribute('value');
          await select.selectOption(value!);
        }
        await send(page, 'Show me some code');
        await expect.poll(() => page.getByTestId('stats').count(), { timeout: 30_000 }).toBe(1);
        // Nothing wider than the window at 375 px.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(await page.evaluate(() => window.innerWidth));
        expect(await seriousViolations(page)).toEqual([]);
        await screenshot(page, `chat-${colorScheme}-${viewport}`);
        // The settings drawer (with the template preview) too.
        await page.getByTestId('settings-toggle').click();
        await page.getByTestId('settings-panel').waitFor();
        expect(await seriousViolations(page)).toEqual([]);
        await context.close();
      });
    }
  }
});
