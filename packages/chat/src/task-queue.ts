/** Runs tasks one after another, in the order they were queued, whether earlier ones failed or not. */
export class TaskQueue {
  #tail: Promise<unknown> = Promise.resolve();

  /** Queues `task`; the promise settles with its outcome. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.catch(() => {}).then(task);
    this.#tail = result;
    return result;
  }

  /** Resolves once every queued task has settled. */
  async idle(): Promise<void> {
    await this.#tail.catch(() => {});
  }
}
