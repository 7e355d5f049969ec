/**
 * A first-in first-out queue of at most `capacity` items between two pipeline stages:
 * push waits while it is full, so a fast stage can run at most `capacity` items ahead
 * of a slow one and memory stays bounded. fail() wakes every waiter with the error
 * (cancel, or a stage that broke), close() lets the consumer drain and then see the end.
 */
export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private readonly pushWaiters: (() => void)[] = [];
  private readonly popWaiters: (() => void)[] = [];
  private closed = false;
  private error: unknown = null;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`queue capacity must be >= 1 (got ${capacity})`);
  }

  get length(): number {
    return this.items.length;
  }

  async push(item: T): Promise<void> {
    while (this.items.length >= this.capacity && this.error === null) await new Promise<void>((r) => this.pushWaiters.push(r));
    if (this.error !== null) throw this.error;
    if (this.closed) throw new Error('push to a closed queue');
    this.items.push(item);
    this.popWaiters.shift()?.();
  }

  /** The next item, or undefined once the queue is closed and empty. */
  async pop(): Promise<T | undefined> {
    while (this.items.length === 0 && !this.closed && this.error === null) await new Promise<void>((r) => this.popWaiters.push(r));
    if (this.error !== null) throw this.error;
    const item = this.items.shift();
    this.pushWaiters.shift()?.();
    return item;
  }

  close(): void {
    this.closed = true;
    this.wakeAll();
  }

  fail(err: unknown): void {
    if (this.error === null) this.error = err ?? new Error('queue failed');
    this.items.length = 0;
    this.wakeAll();
  }

  private wakeAll(): void {
    for (const w of this.pushWaiters.splice(0)) w();
    for (const w of this.popWaiters.splice(0)) w();
  }
}
