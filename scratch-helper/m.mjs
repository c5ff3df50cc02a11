import { ensureTestModel, QWEN_CHAT_MODEL, DEEPSEEK_R1_REASONER_MODEL, LOOPING_CHAT_MODEL, BERT_EMBEDDING_MODEL } from '@gpt4all/test-models';
export const QWEN = await ensureTestModel(QWEN_CHAT_MODEL);
export const R1 = await ensureTestModel(DEEPSEEK_R1_REASONER_MODEL);
export const LOOP = await ensureTestModel(LOOPING_CHAT_MODEL);
export const BERT = await ensureTestModel(BERT_EMBEDDING_MODEL);
globalThis.AI_SDK_LOG_WARNINGS = false;
export async function t(name, fn, ms = 30000) {
  const start = Date.now();
  let timer;
  try {
    const r = await Promise.race([fn(), new Promise((_, rej) => { timer = setTimeout(() => rej(new Error('TIMEOUT ' + ms)), ms); })]);
    console.log(`[ok ${Date.now() - start}ms] ${name}:`, typeof r === 'string' ? r.slice(0, 300) : JSON.stringify(r, null, 0)?.slice(0, 600));
  } catch (e) {
    console.log(`[ERR ${Date.now() - start}ms] ${name}: ${e?.constructor?.name} ${e?.name} code=${e?.code} ${String(e?.message).slice(0, 400)}`);
  } finally { clearTimeout(timer); }
}
