// One task at a time, in arrival order: cells never overlap, and a failing task never stalls the rest.

export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  run<T>(task: () => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined).finally(() => this.pending--);
    return result;
  }

  /** Tasks queued or running. */
  get size(): number {
    return this.pending;
  }
}
