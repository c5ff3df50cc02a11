/** Shown while a conversation waits for its model to load (progress from `model-load` events). */
import { modelLabel } from './model-label.js';
import { modelLoads, models } from './server-state.js';

export function LoadProgress({ modelId }: { modelId: string }) {
  const load = modelLoads.value[modelId];
  const model = models.value.find((m) => m.id === modelId);
  const percent = Math.round((load?.progress ?? 0) * 100);
  return (
    <div class="load-progress" data-testid="load-progress" role="status">
      <span>
        Loading {model ? modelLabel(model) : modelId}… {percent}%
      </span>
      <progress aria-label="Model loading progress" max={1} value={load?.progress ?? 0} />
    </div>
  );
}
