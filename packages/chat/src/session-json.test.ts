import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testModelPath } from '../test/models.js';
import { loadOptions } from '../test/helpers.js';
import { ChatSession, loadModel, type ChatMessage, type Model } from './index.js';

// The chat model with a catalog entry, whose system message new sessions take by default.
let model: Model;
beforeAll(async () => {
  const path = await testModelPath('chat');
  model = await loadModel(path, { ...loadOptions, catalog: [{ name: 'Catalogued', filename: basename(path), systemMessage: 'From the catalog.' }] });
});
afterAll(() => model?.dispose());

const history: ChatMessage[] = [
  { role: 'user', content: 'Hi' },
  { role: 'assistant', content: 'Hello' },
];

describe('saved sessions', () => {
  it('restore exactly the saved messages: no default system message is added again', () => {
    expect(model.createChatSession().messages).toEqual([{ role: 'system', content: 'From the catalog.' }]);
    const without = model.createChatSession({ systemMessage: null, messages: history });
    const restored = ChatSession.fromJSON(JSON.parse(JSON.stringify(without)), model);
    expect(restored.messages).toEqual(history);
  });

  it('are refused when they are not a saved session of this version', () => {
    const json = model.createChatSession({ messages: history }).toJSON();
    expect(ChatSession.fromJSON(json, model).messages).toEqual(json.messages);
    const refused = { code: 'ERR_INVALID_SESSION' };
    expect(() => ChatSession.fromJSON({ ...json, version: 2 as never }, model)).toThrow(expect.objectContaining(refused));
    expect(() => ChatSession.fromJSON({ ...json, type: 'other' as never }, model)).toThrow(expect.objectContaining(refused));
    expect(() => ChatSession.fromJSON({ ...json, messages: [1 as never] }, model)).toThrow(expect.objectContaining(refused));
    expect(() => ChatSession.fromJSON('{not json', model)).toThrow(expect.objectContaining(refused));
  });
});
