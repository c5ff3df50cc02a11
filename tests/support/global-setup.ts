import { llamaToolsBin } from './llama-tools.js';

export default function setup() {
  llamaToolsBin('cpu-avx2');
}
