/**
 * @gpt4all/templates: chat templates for local models, rendered exactly like
 * Python's jinja2 in Hugging Face transformers, plus GPT4All's legacy `%1`/`%2`
 * templates and named presets. Pure TypeScript; runs in Node.js and browsers.
 * @packageDocumentation
 */
export { renderChat, chatTemplateVariables } from './render-chat.js';
export type { ChatMessage, ContentPart, RenderChatOptions, ToolCall, ToolDefinition } from './render-chat.js';
export { compileTemplate } from './compile-template.js';
export type { CompiledTemplate, RenderOptions } from './compile-template.js';
export type { RenderLimits } from './engine/render-budget.js';
export { isLegacyTemplate, legacyToJinja, parseLegacyTemplate, renderLegacyChat } from './legacy-template.js';
export type { LegacyRenderOptions, LegacyTemplate, LegacyTemplateParts } from './legacy-template.js';
export { PRESETS, getPreset, isPresetName } from './presets.js';
export type { ChatPreset, PresetName } from './presets.js';
export { detectTemplate } from './detect-template.js';
export type { DetectTemplateOptions, TemplateDetection } from './detect-template.js';
export { createChatRenderer, jinjaRenderer, legacyRenderer, presetRenderer } from './chat-renderer.js';
export type { ChatRenderer, ChatRendererOptions } from './chat-renderer.js';
export { fromModelMetadata } from './model-metadata.js';
export type { ModelChatFormat, ModelMetadata, ModelMetadataOptions, TemplateWarning } from './model-metadata.js';
export { selectTemplate } from './select-template.js';
export type { SelectedTemplate, TemplateCandidates, TemplateSource } from './select-template.js';
export { strftime } from './strftime.js';
export { TemplateError, TemplateLimitError, TemplateRenderError, TemplateSyntaxError } from './template-error.js';
export type { TemplateErrorCode, TemplateErrorOptions, TemplateLimitKind } from './template-error.js';
