import { buildArm64Package, crossBuildsArm64 } from './arm64.js';
import { llamaToolsBin } from './llama-tools.js';

// Native builds, one at a time, before any test file runs.
export default function setup() {
  llamaToolsBin({ cpuLevel: 'best' });
  if (crossBuildsArm64) buildArm64Package();
}
