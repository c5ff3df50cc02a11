/**
 * What the app uses of @gpt4all/templates (Jinja engine, presets), in one module that is only
 * imported dynamically: it becomes one lazily loaded chunk, `template-engine-<hash>.js`.
 */
export { PRESETS, getPreset, renderChat } from '@gpt4all/templates';
