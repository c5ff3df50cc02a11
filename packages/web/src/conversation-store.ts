/** Conversations in IndexedDB, so that they survive reloads. One record per conversation. */
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { Conversation } from './conversation.js';

interface Schema extends DBSchema {
  conversations: { key: string; value: Conversation };
}

let database: Promise<IDBPDatabase<Schema>> | null = null;

function db(): Promise<IDBPDatabase<Schema>> {
  database ??= openDB<Schema>('gpt4all-web', 1, {
    upgrade(upgrading) {
      upgrading.createObjectStore('conversations', { keyPath: 'id' });
    },
  });
  return database;
}

export async function loadConversations(): Promise<Conversation[]> {
  return (await db()).getAll('conversations');
}

export async function saveConversation(conversation: Conversation): Promise<void> {
  // Signals may hold frozen or proxied values: store a plain copy.
  await (await db()).put('conversations', structuredClone(conversation));
}

/**
 * Applies `change` to the stored conversation in one read-write transaction (IndexedDB runs those
 * one at a time, across tabs), so a change made in a tab whose copy is stale cannot drop what
 * another tab stored meanwhile. Returns what was stored; undefined when nothing is stored under `id`.
 */
export async function updateStoredConversation(id: string, change: (c: Conversation) => Conversation): Promise<Conversation | undefined> {
  const transaction = (await db()).transaction('conversations', 'readwrite');
  const stored = await transaction.store.get(id);
  const updated = stored && structuredClone(change(stored));
  if (updated) await transaction.store.put(updated);
  await transaction.done;
  return updated;
}

export async function deleteConversation(id: string): Promise<void> {
  await (await db()).delete('conversations', id);
}
