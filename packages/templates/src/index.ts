export { renderChat, chatTemplateVariables } from './render-chat.js';
export type { ChatMessage, ContentPart, RenderChatOptions, ToolCall, ToolDefinition } from './render-chat.js';
export { compileTemplate } from './compile-template.js';
export type { CompiledTemplate, RenderOptions } from './compile-template.js';
export type { RenderLimits } from './engine/render-budget.js';
export {
  TemplateError,
  TemplateLimitError,
  TemplateRenderError,
  TemplateSyntaxError,
} from './template-error.js';
export type { TemplateErrorCode, TemplateErrorOptions, TemplateLimitKind } from './template-error.js';
