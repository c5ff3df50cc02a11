import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultModelPath } from './model-path.js';

const home = '/home/u';

describe('defaultModelPath', () => {
  it('defaults to ~/.cache/gpt4all', () => {
    expect(defaultModelPath({ env: {}, homedir: home, platform: 'linux' })).toBe(join(home, '.cache', 'gpt4all'));
    expect(defaultModelPath({ env: {}, homedir: home, platform: 'darwin' })).toBe(join(home, '.cache', 'gpt4all'));
  });

  it('follows XDG_CACHE_HOME when absolute, outside Windows', () => {
    expect(defaultModelPath({ env: { XDG_CACHE_HOME: '/x/cache' }, homedir: home, platform: 'linux' })).toBe(join('/x/cache', 'gpt4all'));
    expect(defaultModelPath({ env: { XDG_CACHE_HOME: 'relative' }, homedir: home, platform: 'linux' })).toBe(join(home, '.cache', 'gpt4all'));
    expect(defaultModelPath({ env: { XDG_CACHE_HOME: '/x/cache' }, homedir: home, platform: 'win32' })).toBe(join(home, '.cache', 'gpt4all'));
  });

  it('lets GPT4ALL_MODEL_PATH and the option override, in that order', () => {
    const env = { XDG_CACHE_HOME: '/x/cache', GPT4ALL_MODEL_PATH: '~/models' };
    expect(defaultModelPath({ env, homedir: home, platform: 'linux' })).toBe(join(home, 'models'));
    expect(defaultModelPath({ env, homedir: home, modelPath: '/opt/m' })).toBe('/opt/m');
    expect(defaultModelPath({ env: { GPT4ALL_MODEL_PATH: '  ' }, homedir: home, platform: 'linux' })).toBe(join(home, '.cache', 'gpt4all'));
  });
});
