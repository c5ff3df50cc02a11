export { ARCHITECTURES, ARCHITECTURE_NAMES, getArchitecture, type ArchitectureName } from './architectures/registry.js';
export type { ArchitectureSpec, ModelShape } from './architectures/architecture.js';
export { listVendoredChatTemplates, resolveChatTemplate } from './chat-template.js';
export {
  GGUF_MUTATION_KINDS,
  ggufMutations,
  mutateGguf,
  type GgufMutation,
  type GgufMutationKind,
} from './gguf-mutations.js';
export {
  GgufParseError,
  GgufTruncatedError,
  findKv,
  parseGgufHeader,
  readGgufHeader,
  type GgufHeader,
  type GgufKvSpan,
  type GgufTensorSpan,
} from './gguf-reader.js';
export {
  GGUF_DEFAULT_ALIGNMENT,
  GGUF_MAGIC,
  GGUF_VERSION,
  GgmlType,
  GgufValueType,
  LlamaFileType,
  ggmlTensorBytes,
  type GgufArray,
  type GgufArrayItem,
  type GgufKv,
  type GgufScalar,
  type GgufTensorInfo,
  type GgufValue,
} from './gguf-types.js';
export { gguf, setKv } from './gguf-value.js';
export {
  encodeGguf,
  encodeGgufLayout,
  writeGgufFile,
  type GgufLayout,
  type GgufTensorSource,
  type GgufTensorSpec,
} from './gguf-writer.js';
export { defaultTestModelCacheDir, ensureTestModel, testModelCacheName } from './model-cache.js';
export { SIZE_PRESETS, resolveDims, type ModelDims, type SizePreset } from './model-size.js';
export {
  resolveModelScript,
  scriptSuccession,
  type ModelScript,
  type ResolvedScript,
  type ScriptSuccession,
} from './model-script.js';
export { BERT_EMBEDDING_MODEL, DEEPSEEK_R1_REASONER_MODEL, INTEGRATION_TEST_MODELS, LOOPING_CHAT_MODEL, integrationTestModelPath, QWEN_CHAT_MODEL } from './shared-models.js';
export { spellText, type SpellOptions } from './spell-text.js';
export {
  GENERATOR_VERSION,
  writeTestModel,
  type TestModelFileType,
  type TestModelInfo,
  type TestModelOptions,
  type WriteTestModelOptions,
} from './test-model.js';
export { listVendoredVocabularies, loadVocabulary, type Vocabulary } from './vocabulary.js';
export { TokenType, vocabularyTokens, type VocabularyTokens } from './vocabulary-tokens.js';
