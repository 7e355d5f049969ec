// One labels.save in flight at a time, the latest set winning: edits made while a save
// runs are not each written, only the last of them once the running save is done. So a
// burst of edits never writes the file out of order.
export class LatestQueue<T> {
  private running = false;
  private pending: { value: T } | null = null;

  constructor(private readonly run: (value: T) => Promise<void>, private readonly onIdle: () => void) {}

  push(value: T): void {
    this.pending = { value };
    void this.pump();
  }

  get busy(): boolean {
    return this.running || this.pending !== null;
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.pending) {
        const { value } = this.pending;
        this.pending = null;
        await this.run(value).catch(() => undefined);
      }
    } finally {
      this.running = false;
    }
    this.onIdle();
  }
}
