// A minimal client of OpenAI-style server-sent events (`data: <json>` events, `data: [DONE]` last),
// which notes when each event arrived. node:http rather than fetch: nothing buffers between the
// socket and the clock.
import { request } from 'node:http';

/**
 * POSTs `body` as JSON to `url` and calls `onEvent` with the data of every event and its arrival
 * time (`performance.now()`, ms); resolves when the server ends the stream. `[DONE]` is passed on
 * like any other event.
 * @throws when the status is not 200, with the response's text.
 */
export function postForEvents(url: string, body: unknown, onEvent: (data: string, at: number) => void): Promise<void> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      res.setEncoding('utf8');
      let pending = '';
      if (res.statusCode !== 200) {
        res.on('data', (text: string) => (pending += text));
        res.on('end', () => reject(new Error(`POST ${url}: ${res.statusCode} ${pending}`)));
        return;
      }
      res.on('data', (text: string) => {
        const at = performance.now();
        pending += text;
        // Events end with a blank line; a read may hold several, or part of one.
        for (let end = pending.indexOf('\n\n'); end >= 0; end = pending.indexOf('\n\n')) {
          const event = pending.slice(0, end);
          pending = pending.slice(end + 2);
          const data = event
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trimStart())
            .join('\n');
          if (data === '') continue;
          try {
            onEvent(data, at);
          } catch (error) {
            // A throw inside a stream's handler would not reach the caller.
            res.destroy();
            reject(error instanceof Error ? error : new Error(String(error)));
            return;
          }
        }
      });
      res.on('end', () => resolve());
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}
