import { llamaToolsBin } from './llama-tools.js';

export default function setup() {
  llamaToolsBin({ cpuLevel: 'best' });
}
