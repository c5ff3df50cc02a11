/**
 * Common English words that BERT's uncased vocabulary holds whole, so a text of N words is
 * N + 2 tokens (with CLS and SEP) in every engine, and batches pack the same way.
 */
const words = (
  'the of and to in is was for on that with as by at from his it an were are which this be or has had first one ' +
  'their its new after but who not they have her she two been other when there all during into school time may ' +
  'years more most only over city some world would where later up such used many can state about national out ' +
  'known university united then made'
).split(' ');

/** `count` texts of `wordsPerText` words each, the same on every run (no line breaks: llama-embedding splits on them). */
export function embeddingTexts(count: number, wordsPerText: number): string[] {
  const texts: string[] = [];
  for (let t = 0; t < count; t++) {
    const picked: string[] = [];
    // A fixed stride walk through the list: varied sentences without a random generator.
    for (let w = 0; w < wordsPerText; w++) picked.push(words[(t * 31 + w * 7 + ((w * w) % 11)) % words.length]!);
    texts.push(picked.join(' '));
  }
  return texts;
}
