// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.js';

describe('renderMarkdown', () => {
  it('renders Markdown', () => {
    const html = renderMarkdown('# Title\n\n**bold** and `code`\n\n- a\n- b');
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<li>a</li>');
  });

  it('shows raw HTML as text, never as elements (no script, no handler runs)', () => {
    const html = renderMarkdown('Hello <script>alert(1)</script> <b onclick="alert(2)">x</b> <iframe src="/api/info"></iframe>');
    const page = document.createElement('div');
    page.innerHTML = html;
    expect(page.querySelectorAll('script, iframe, [onclick]')).toHaveLength(0);
    expect(page.textContent).toContain('<script>alert(1)</script>');
    expect(page.textContent).toContain('<b onclick="alert(2)">x</b>');
    expect(page.textContent).toContain('<iframe src="/api/info"></iframe>');
  });

  it('drops javascript: links', () => {
    const html = renderMarkdown('[y](javascript:alert(3)) and [z](https://example.com)');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('href="https://example.com"');
  });

  it('loads no remote images', () => {
    expect(renderMarkdown('![x](https://example.com/a.png) <img src="https://example.com/b.png" onerror="alert(1)">')).not.toMatch(/<img/i);
  });

  it('highlights code of a registered language and escapes others', () => {
    const html = renderMarkdown('```python\ndef f(): return 1\n```\n\n```brainfuck\n<script>\n```');
    expect(html).toContain('hljs-keyword');
    expect(html).toContain('language-python');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toMatch(/<script/i);
  });

  it('renders unfinished Markdown while it streams', () => {
    expect(renderMarkdown('```js\nconst a = 1')).toContain('<pre>');
  });

  it('opens links in a new tab without opener', () => {
    const html = renderMarkdown('[site](https://example.com)');
    expect(html).toContain('target="_blank"');
    expect(html).toContain('rel="noopener noreferrer"');
  });
});
