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

export async function deleteConversation(id: string): Promise<void> {
  await (await db()).delete('conversations', id);
}
