import { basename } from 'node:path';

/** What an embedding model expects, as GPT4All knows it. */
export interface EmbeddingModelSpec {
  /** The family, for messages. */
  family: string;
  /** Task prefixes the model was trained with; the first is used for documents by default. Empty: no prefix. */
  tasks: readonly string[];
  /** Trained with Matryoshka representation learning: a shorter prefix of the vector is still an embedding. */
  matryoshka: boolean;
}

const NOMIC_TASKS = ['search_document', 'search_query', 'clustering', 'classification'] as const;

// GPT4All's table, keyed by the model's `general.name` (or file name).
const SPECS: readonly [names: readonly string[], spec: EmbeddingModelSpec][] = [
  [
    ['all-MiniLM-L6-v1', 'all-MiniLM-L12-v1', 'all-MiniLM-L6-v2', 'all-MiniLM-L12-v2'],
    { family: 'all-MiniLM', tasks: [], matryoshka: false },
  ],
  [
    ['nomic-embed-text-v1', 'nomic-embed-text-v1-ablated', 'nomic-embed-text-v1-unsupervised'],
    { family: 'nomic-embed-text-v1', tasks: NOMIC_TASKS, matryoshka: false },
  ],
  [['nomic-embed-text-v1.5'], { family: 'nomic-embed-text-v1.5', tasks: NOMIC_TASKS, matryoshka: true }],
];

/**
 * Recognises a known embedding model by its `general.name`, or else by its file name
 * (`nomic-embed-text-v1.5.f16.gguf`), preferring the longest matching name so that `v1.5` is not
 * taken for `v1`.
 */
export function findEmbeddingSpec(modelName: string | undefined, path: string): EmbeddingModelSpec | undefined {
  const name = modelName?.toLowerCase();
  const file = basename(path).toLowerCase();
  let best: { length: number; spec: EmbeddingModelSpec } | undefined;
  for (const [names, spec] of SPECS) {
    for (const candidate of names.map((n) => n.toLowerCase())) {
      const matches = name === candidate || file === `${candidate}.gguf` || file.startsWith(`${candidate}.`);
      if (matches && candidate.length > (best?.length ?? -1)) best = { length: candidate.length, spec };
    }
  }
  return best?.spec;
}
