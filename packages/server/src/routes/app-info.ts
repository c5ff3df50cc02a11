import { DEFAULTS, GPT4ALL_DEFAULTS } from '@gpt4all/chat';
import type { FastifyInstance } from 'fastify';
import packageJson from '../../package.json' with { type: 'json' };
import type { AppInfo } from '../app-api/app-api.js';
import type { ServerContext } from '../server-context.js';

/** `GET /api/info`: the server's version, model directory, whether it needs a key, and the defaults a conversation starts from. */
export function appInfoRoute(app: FastifyInstance, context: ServerContext): void {
  app.get('/api/info', async (): Promise<AppInfo> => ({
    version: packageJson.version,
    modelsDir: context.modelsDir,
    apiKeyRequired: context.options.apiKey !== undefined,
    defaults: {
      temperature: GPT4ALL_DEFAULTS.temperature,
      topP: GPT4ALL_DEFAULTS.topP,
      topK: GPT4ALL_DEFAULTS.topK,
      minP: GPT4ALL_DEFAULTS.minP,
      repeatPenalty: GPT4ALL_DEFAULTS.repeatPenalty,
      maxTokens: GPT4ALL_DEFAULTS.maxTokens,
      contextSize: context.options.contextSize ?? DEFAULTS.contextSize,
    },
  }));
}
