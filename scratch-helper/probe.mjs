import { QWEN, R1, LOOP, BERT } from './m.mjs';
console.log(QWEN, R1, LOOP, BERT);
