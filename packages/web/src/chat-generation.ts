/**
 * Sending, regenerating and editing: loads the conversation's model with its context size when
 * needed (showing the load's progress), streams the reply, and saves it with its stats.
 */
import { signal } from '@preact/signals';
import { apiFetch, ServerError } from './api-client.js';
import { buildChatRequest, type PresetSource } from './chat-request.js';
import { applyChunk, emptyReply, type StreamedReply } from './chat-stream.js';
import type { Conversation, Message, ReplyStats } from './conversation.js';
import { newId } from './conversation.js';
import { defaultModelId, getConversation, saveDraftReply, settleDraftReply, titleIfUntitled, updateConversation } from './conversations-state.js';
import { showError } from './error-state.js';
import { loadModel, models, refreshModels } from './server-state.js';
import { readSse } from './sse-reader.js';

export interface Generation {
  conversationId: string;
  phase: 'loading' | 'streaming';
  modelId: string;
  reply: StreamedReply;
  controller: AbortController;
}

/**
 * The replies being generated, by conversation id (one per conversation; several conversations
 * may generate at once, as the server's parallel sequences allow), shown under their messages.
 */
export const generations = signal<ReadonlyMap<string, Generation>>(new Map());

const DRAFT_SAVE_MS = 1000;

/** The reply being generated in a conversation, if any. */
export function generationOf(conversationId: string): Generation | undefined {
  return generations.value.get(conversationId);
}

function setGeneration(conversationId: string, value: Generation | undefined): void {
  const next = new Map(generations.value);
  if (value) next.set(conversationId, value);
  else next.delete(conversationId);
  generations.value = next;
}

// The server's words are for API users ("pass `template`"): the app says where to pick one.
const NO_TEMPLATE = 'This model has no chat template of its own: pick one in Settings → Chat template (a preset, or your own Jinja).';

/**
 * The context size each model was last loaded with at our request, by model id: the server may
 * load fewer tokens than asked (the model's trained length), and asking again would reload it.
 */
const loadedFor = new Map<string, { asked: number; got: number | null }>();

async function ensureLoaded(modelId: string, contextSize: number, signal: AbortSignal): Promise<number | null> {
  await refreshModels().catch(() => {});
  const model = models.value.find((m) => m.id === modelId);
  if (!model) throw new Error(`The model "${modelId}" is not installed any more. Pick another one.`);
  const earlier = loadedFor.get(modelId);
  const sameAsAsked = earlier !== undefined && earlier.asked === contextSize && earlier.got === model.contextSize;
  if (model.state === 'loaded' && (model.contextSize === contextSize || sameAsAsked)) return model.contextSize;
  const loaded = await loadModel(modelId, contextSize, signal);
  const got = loaded?.contextSize ?? null;
  loadedFor.set(modelId, { asked: contextSize, got });
  return got;
}

/** Loads @gpt4all/templates (a separate chunk) only when the conversation uses a preset. */
async function presetSources(conversation: Conversation): Promise<PresetSource> {
  if (conversation.settings.template.kind !== 'preset') return () => undefined;
  const { getPreset } = await import('./template-engine.js');
  return (name) => getPreset(name)?.template;
}

function statsOf(reply: StreamedReply, contextSize: number | null): ReplyStats {
  return {
    tokensPerSecond: reply.timings?.predicted_per_second ?? null,
    totalTokens: reply.totalTokens,
    contextSize,
  };
}

async function generate(conversation: Conversation): Promise<void> {
  if (generationOf(conversation.id)) return;
  const modelId = conversation.modelId;
  if (!modelId) {
    showError(new Error('Pick a model for this conversation first (Models page to download one).'));
    return;
  }
  const controller = new AbortController();
  const current: Generation = { conversationId: conversation.id, phase: 'loading', modelId, reply: emptyReply(), controller };
  setGeneration(conversation.id, current);
  const update = (change: Partial<Generation>) => {
    Object.assign(current, change);
    setGeneration(conversation.id, { ...current });
  };
  let contextSize: number | null = conversation.settings.contextSize;
  let failed = false;
  // The reply so far is stored about once a second, under this id: a reload while it streams keeps it.
  const draftId = newId();
  try {
    contextSize = (await ensureLoaded(modelId, conversation.settings.contextSize, controller.signal)) ?? contextSize;
    update({ phase: 'streaming' });
    const response = await apiFetch('v1/chat/completions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
      body: JSON.stringify(buildChatRequest(conversation, conversation.messages, await presetSources(conversation))),
      signal: controller.signal,
    });
    if (!response.body) throw new Error('The server sent no reply.');
    let draftSavedAt = performance.now();
    for await (const event of readSse(response.body)) {
      if (event.data === '[DONE]') break;
      update({ reply: applyChunk(current.reply, event.data) });
      if (performance.now() - draftSavedAt > DRAFT_SAVE_MS && (current.reply.content || current.reply.reasoning)) {
        draftSavedAt = performance.now();
        // Marked interrupted: the reply replaces it when it ends, a reload finds it cut off.
        saveDraftReply(conversation.id, { id: draftId, role: 'assistant', content: current.reply.content, ending: 'interrupted', ...(current.reply.reasoning && { reasoning: current.reply.reasoning }) });
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) {
      failed = true;
      showError(error instanceof ServerError && error.code === 'ERR_NO_CHAT_TEMPLATE' ? new Error(NO_TEMPLATE) : error);
    }
  } finally {
    setGeneration(conversation.id, undefined);
    const { reply } = current;
    // A stopped reply keeps what arrived; an empty one (failed, or stopped before any text) is dropped.
    let message: Message | undefined;
    if (reply.content || reply.reasoning) {
      message = { id: newId(), role: 'assistant', content: reply.content, stats: statsOf(reply, contextSize) };
      if (reply.reasoning) message.reasoning = reply.reasoning;
      const ending = failed ? 'interrupted' : controller.signal.aborted ? 'stopped' : reply.finishReason === 'length' ? 'max-tokens' : undefined;
      if (ending) message.ending = ending;
    }
    settleDraftReply(conversation.id, draftId, message);
  }
}

export async function sendMessage(conversationId: string, text: string): Promise<void> {
  const conversation = getConversation(conversationId);
  if (!conversation || generationOf(conversationId) || text.trim() === '') return;
  const updated = updateConversation(
    conversationId,
    (c) => ({
      ...c,
      // A conversation opened before the model list arrived has no model yet: use the default one.
      modelId: c.modelId ?? defaultModelId(),
      title: titleIfUntitled(c, text),
      messages: [...c.messages, { id: newId(), role: 'user', content: text }],
    }),
    true,
  );
  if (updated) await generate(updated);
}

/** Replaces the last reply with a new one. */
export async function regenerate(conversationId: string): Promise<void> {
  const conversation = getConversation(conversationId);
  if (!conversation || generationOf(conversationId)) return;
  const messages = [...conversation.messages];
  while (messages.at(-1)?.role === 'assistant') messages.pop();
  if (messages.length === 0) return;
  const updated = updateConversation(conversationId, (c) => ({ ...c, messages }), true);
  if (updated) await generate(updated);
}

/** Changes a past user message, drops everything after it, and answers it anew. */
export async function editMessage(conversationId: string, messageId: string, text: string): Promise<void> {
  const conversation = getConversation(conversationId);
  if (!conversation || generationOf(conversationId) || text.trim() === '') return;
  const index = conversation.messages.findIndex((m) => m.id === messageId);
  if (index === -1) return;
  const messages = [...conversation.messages.slice(0, index), { ...conversation.messages[index]!, content: text }];
  const updated = updateConversation(
    conversationId,
    (c) => ({ ...c, messages, title: index === 0 && !c.title ? titleIfUntitled(c, text) : c.title }),
    true,
  );
  if (updated) await generate(updated);
}

/** Stops the reply being generated in a conversation. */
export function stopGeneration(conversationId: string): void {
  generationOf(conversationId)?.controller.abort();
}
