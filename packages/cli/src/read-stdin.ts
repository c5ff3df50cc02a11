import { UsageError } from './usage-error.js';

/**
 * The whole of stdin as UTF-8 text, without one trailing newline (`echo hi | gpt4all run m`
 * sends `hi`, as the argument `hi` would).
 * @throws {UsageError} when stdin is a terminal: the prompt was expected on a pipe, and
 *   waiting for typed input would look like a hang.
 */
export async function readStdinText(what: string): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError(`no ${what}: pass it as an argument, or pipe it on stdin`);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}
