import { describe, expect, it } from 'vitest';
import { SseParser, readSse } from './sse-reader.js';

function streamOf(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
}

async function collect(body: ReadableStream<Uint8Array>) {
  const events = [];
  for await (const event of readSse(body)) events.push(event);
  return events;
}

describe('SseParser', () => {
  it('parses data-only events as `message`', () => {
    const parser = new SseParser();
    expect(parser.feed('data: {"a":1}\n\ndata: [DONE]\n\n')).toEqual([
      { event: 'message', data: '{"a":1}', id: null },
      { event: 'message', data: '[DONE]', id: null },
    ]);
  });

  it('reads named events, joins data lines and skips comments', () => {
    const parser = new SseParser();
    const events = parser.feed(': keep-alive\n\nevent: download\ndata: line1\ndata:line2\nid: 7\n\n');
    expect(events).toEqual([{ event: 'download', data: 'line1\nline2', id: '7' }]);
  });

  it('handles events split anywhere across chunks, and CRLF split between chunks', () => {
    const parser = new SseParser();
    expect(parser.feed('da')).toEqual([]);
    expect(parser.feed('ta: hel')).toEqual([]);
    expect(parser.feed('lo\r')).toEqual([]);
    expect(parser.feed('\n\r')).toEqual([]);
    expect(parser.feed('\n')).toEqual([{ event: 'message', data: 'hello', id: null }]);
  });

  it('drops an event that the stream ends before its blank line', () => {
    const parser = new SseParser();
    parser.feed('data: partial\n');
    expect(parser.end()).toEqual([]);
  });

  it('does not dispatch an event with no data lines', () => {
    expect(new SseParser().feed('event: ping\n\n')).toEqual([]);
  });
});

describe('readSse', () => {
  it('decodes UTF-8 split between chunks', async () => {
    const bytes = new TextEncoder().encode('data: é😀\n\n');
    const events = await collect(streamOf([bytes.slice(0, 7), bytes.slice(7, 9), bytes.slice(9)]));
    expect(events.map((e) => e.data)).toEqual(['é😀']);
  });

  it('yields every event of a chat completion stream', async () => {
    const events = await collect(
      streamOf(['data: {"choices":[{"delta":{"content":"Hi"}}]}\n\n', 'data: {"choices":[{"delta":{"content":"!"}}]}\n\ndata: [DONE]\n\n']),
    );
    expect(events).toHaveLength(3);
    expect(events[2]!.data).toBe('[DONE]');
  });
});
