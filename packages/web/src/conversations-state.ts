/** The conversations (newest first), mirrored to IndexedDB on every change. */
import { computed, signal } from '@preact/signals';
import type { Conversation, Message } from './conversation.js';
import { newId, titleFromMessage } from './conversation.js';
import { FALLBACK_DEFAULTS, settingsFromDefaults } from './conversation-settings.js';
import * as store from './conversation-store.js';
import { showError } from './error-state.js';
import { chatHref, navigate, route } from './router.js';
import { info, models } from './server-state.js';

export const conversations = signal<Conversation[]>([]);
export const conversationsLoaded = signal(false);

export const currentConversation = computed(() => {
  const current = route.value;
  if (current.page !== 'chat' || current.conversationId === null) return null;
  return conversations.value.find((c) => c.id === current.conversationId) ?? null;
});

const byRecency = (a: Conversation, b: Conversation) => b.updatedAt - a.updatedAt;

/**
 * Other tabs of the app are told of every save and delete, and apply them to their own copy: a
 * tab must never write back a stale conversation over what another tab added to it.
 */
type TabMessage = { type: 'saved'; conversation: Conversation } | { type: 'deleted'; id: string };
const tabs = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel('gpt4all-conversations');
tabs?.addEventListener('message', (event: MessageEvent<TabMessage>) => {
  const message = event.data;
  if (message.type === 'deleted') {
    conversations.value = conversations.value.filter((c) => c.id !== message.id);
    return;
  }
  const others = conversations.value.filter((c) => c.id !== message.conversation.id);
  conversations.value = [message.conversation, ...others].sort(byRecency);
});

function save(conversation: Conversation): Promise<void> {
  tabs?.postMessage({ type: 'saved', conversation } satisfies TabMessage);
  return store.saveConversation(conversation);
}

/** Ids of the drafts of replies this tab is writing: stored, but not shown as messages. */
const drafts = new Set<string>();
const withoutDrafts = (c: Conversation): Conversation => (drafts.size === 0 ? c : { ...c, messages: c.messages.filter((m) => !drafts.has(m.id)) });

function showStored(stored: Conversation): void {
  const shown = withoutDrafts(stored);
  if (!getConversation(shown.id)) return; // deleted meanwhile
  conversations.value = conversations.value.map((c) => (c.id === shown.id ? shown : c)).sort(byRecency);
  tabs?.postMessage({ type: 'saved', conversation: shown } satisfies TabMessage);
}

export async function loadStoredConversations(): Promise<void> {
  try {
    conversations.value = (await store.loadConversations()).sort(byRecency);
  } catch (error) {
    showError(new Error(`Saved conversations could not be read: ${error instanceof Error ? error.message : String(error)}`));
  } finally {
    conversationsLoaded.value = true;
  }
}

/** The model a new conversation starts with: a loaded one, else the first installed. */
export function defaultModelId(): string | null {
  const list = models.value;
  return (list.find((m) => m.state === 'loaded') ?? list[0])?.id ?? null;
}

export function getConversation(id: string): Conversation | undefined {
  return conversations.value.find((c) => c.id === id);
}

/**
 * Applies a change in memory at once, and to the stored conversation (see
 * store.updateStoredConversation), whose result then replaces the page's copy and goes to the
 * other tabs: two tabs sending into one conversation at the same moment both keep their message.
 * `touch` moves it to the top of the list.
 */
export function updateConversation(id: string, change: (c: Conversation) => Conversation, touch = false): Conversation | undefined {
  const existing = getConversation(id);
  if (!existing) return undefined;
  const apply = (c: Conversation) => ({ ...change(c), ...(touch && { updatedAt: Date.now() }) });
  const updated = apply(existing);
  conversations.value = conversations.value.map((c) => (c.id === id ? updated : c)).sort(byRecency);
  store
    .updateStoredConversation(id, apply)
    .then((stored) => (stored ? showStored(stored) : save(updated)))
    .catch(showError);
  return updated;
}

/**
 * Stores `draft` (a reply still being written, under one id for its whole life) at the end of the
 * conversation, replacing its earlier version: a reload or a closed tab keeps what had arrived.
 * The page shows the reply from the stream, not the draft; {@link settleDraftReply} replaces it.
 */
export function saveDraftReply(id: string, draft: Message): void {
  drafts.add(draft.id);
  store.updateStoredConversation(id, (c) => ({ ...c, messages: [...c.messages.filter((m) => m.id !== draft.id), draft] })).catch(showError);
}

/** Replaces the draft `draftId` (if one was stored) with the finished reply, or drops it when there is none. */
export function settleDraftReply(id: string, draftId: string, reply: Message | undefined): void {
  updateConversation(id, (c) => ({ ...c, messages: [...c.messages.filter((m) => m.id !== draftId), ...(reply ? [reply] : [])] }), reply !== undefined);
  drafts.delete(draftId);
}

export function createConversation(modelId: string | null = defaultModelId()): Conversation {
  const now = Date.now();
  const conversation: Conversation = {
    id: newId(),
    title: '',
    modelId,
    createdAt: now,
    updatedAt: now,
    messages: [],
    settings: settingsFromDefaults(info.value?.defaults ?? FALLBACK_DEFAULTS),
  };
  conversations.value = [conversation, ...conversations.value];
  save(conversation).catch(showError);
  return conversation;
}

/** "New chat": an empty conversation is reused rather than piling up empty ones. */
export function openNewChat(modelId?: string): void {
  const empty = conversations.value.find((c) => c.messages.length === 0);
  const conversation = empty ?? createConversation(modelId ?? defaultModelId());
  // The empty one may predate the model list (created at start): give it a model now.
  const model = modelId ?? empty?.modelId ?? defaultModelId();
  if (empty && model !== empty.modelId) updateConversation(empty.id, (c) => ({ ...c, modelId: model }));
  navigate(chatHref(conversation.id));
}

export function renameConversation(id: string, title: string): void {
  updateConversation(id, (c) => ({ ...c, title: title.trim() }));
}

export function displayTitle(conversation: Conversation): string {
  return conversation.title || 'New chat';
}

export function titleIfUntitled(conversation: Conversation, firstMessage: string): string {
  return conversation.title || titleFromMessage(firstMessage);
}

export async function removeConversation(id: string): Promise<void> {
  conversations.value = conversations.value.filter((c) => c.id !== id);
  tabs?.postMessage({ type: 'deleted', id } satisfies TabMessage);
  await store.deleteConversation(id).catch(showError);
}

/** Imported conversations replace those with the same id (within the file too: the last one wins). */
export async function importConversations(imported: Conversation[]): Promise<void> {
  const unique = [...new Map(imported.map((c) => [c.id, c])).values()];
  const ids = new Set(unique.map((c) => c.id));
  conversations.value = [...conversations.value.filter((c) => !ids.has(c.id)), ...unique].sort(byRecency);
  await Promise.all(unique.map((c) => save(c)));
}
