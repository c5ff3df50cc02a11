/** Hash routes: `#/chat/<id>`, `#/chat` (the latest conversation) and `#/models`. */
import { signal } from '@preact/signals';

export type Route = { page: 'chat'; conversationId: string | null } | { page: 'models' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  if (path === 'models') return { page: 'models' };
  const match = /^chat\/(.+)$/.exec(path);
  return { page: 'chat', conversationId: match ? decodeURIComponent(match[1]!) : null };
}

export const route = signal<Route>(parseRoute(location.hash));

window.addEventListener('hashchange', () => {
  route.value = parseRoute(location.hash);
});

export function chatHref(conversationId: string): string {
  return `#/chat/${encodeURIComponent(conversationId)}`;
}

/** Goes to a route now: the page shows it before `hashchange` fires (which comes a task later). */
export function navigate(hash: string): void {
  if (location.hash !== hash) location.hash = hash;
  route.value = parseRoute(hash);
}
