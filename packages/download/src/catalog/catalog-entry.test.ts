import { describe, expect, it } from 'vitest';
import { entryChecksum, entryDownloadUrl, entryFileSize, parseCatalogEntry, samplingOverrides, type CatalogEntry } from './catalog-entry.js';

const base = {
  order: 'a',
  md5sum: 'C87AD09E1E4C8F9C35A5FCEF52B6F1C9',
  name: 'Tiny Chat',
  filename: 'tiny-chat.Q4_0.gguf',
  filesize: '4661724384',
  requires: '2.7.1',
  ramrequired: '8',
  parameters: '8 billion',
  quant: 'q4_0',
  type: 'LLaMA3',
  description: '<ul><li>x</li></ul>',
  url: 'https://gpt4all.io/models/gguf/tiny-chat.Q4_0.gguf',
  promptTemplate: '<|user|>%1<|assistant|>%2',
  systemPrompt: '',
};

function valid(raw: unknown): CatalogEntry {
  const result = parseCatalogEntry(raw);
  if ('issues' in result) throw new Error(result.issues.join('; '));
  return result.entry;
}

describe('parseCatalogEntry', () => {
  it('types a GPT4All entry and normalizes flags, numbers and digests', () => {
    const entry = valid({ ...base, disableGUI: 'true', embeddingModel: true, temperature: '0.7', topK: 40, contextLength: '8192' });
    expect(entry).toMatchObject({ name: 'Tiny Chat', filesize: '4661724384', md5sum: 'c87ad09e1e4c8f9c35a5fcef52b6f1c9' });
    expect(entry.disableGUI).toBe(true);
    expect(entry.embeddingModel).toBe(true);
    expect(samplingOverrides(entry)).toEqual({ temperature: 0.7, topK: 40, contextLength: 8192 });
    expect(entryFileSize(entry)).toBe(4661724384);
    expect(entryChecksum(entry)).toEqual({ algorithm: 'md5', value: 'c87ad09e1e4c8f9c35a5fcef52b6f1c9' });
  });

  it('keeps unknown fields and null templates', () => {
    const entry = valid({ ...base, futureField: { nested: [1] }, tags: ['x'], chatTemplate: null, description: null });
    expect(entry.chatTemplate).toBeNull();
    expect('description' in entry).toBe(false);
    expect(entry.futureField).toEqual({ nested: [1] });
    expect(entry.tags).toEqual(['x']);
  });

  it('prefers sha256 and falls back to GPT4All hosting without url', () => {
    const { url: _url, md5sum: _md5, ...rest } = base;
    const entry = valid({ ...rest, sha256sum: 'a'.repeat(64), md5sum: 'b'.repeat(32) });
    expect(entryChecksum(entry)).toEqual({ algorithm: 'sha256', value: 'a'.repeat(64) });
    expect(entryDownloadUrl(entry)).toBe('https://gpt4all.io/models/gguf/tiny-chat.Q4_0.gguf');
    // The file name is one path segment of that URL, whatever characters it has.
    const odd = valid({ ...rest, filename: 'My Model #2.gguf' });
    const url = new URL(entryDownloadUrl(odd));
    expect(url.hash).toBe('');
    expect(decodeURIComponent(url.pathname)).toBe('/models/gguf/My Model #2.gguf');
  });

  it('lists every problem with its path', () => {
    const result = parseCatalogEntry(
      { ...base, filename: '../../x', filesize: '12ab', md5sum: 'xyz', url: 'file:///etc/passwd', disableGUI: 'maybe', topK: 1.5, name: 7 },
      '[3]',
    );
    expect('issues' in result && result.issues).toEqual([
      '[3].filename: contains a path separator',
      '[3].name: missing or not a string',
      '[3].filesize: not a non-negative integer',
      '[3].md5sum: not a 32-digit hex digest',
      '[3].url: not an http(s) URL',
      '[3].disableGUI: not a boolean',
      '[3].topK: not an integer',
    ]);
    expect(parseCatalogEntry('nope')).toEqual({ issues: ['$: not an object'] });
  });
});
