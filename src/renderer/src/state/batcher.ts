// Events arrive faster than a screen refreshes: queue them and hand them over once per
// animation frame, with a timer as fallback because hidden tabs get no frames at all.

export type Scheduler = (run: () => void) => () => void;

export const frameScheduler =
  (fallbackMs = 250): Scheduler =>
  (run) => {
    let done = false;
    const once = () => {
      if (done) return;
      done = true;
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      run();
    };
    const frame = requestAnimationFrame(once);
    const timer = setTimeout(once, fallbackMs);
    return () => {
      done = true;
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  };

export class FrameBatcher<T> {
  private queue: T[] = [];
  private cancel?: () => void;

  constructor(
    private readonly flush: (items: T[]) => void,
    private readonly schedule: Scheduler = frameScheduler(),
  ) {}

  push(items: readonly T[]): void {
    for (const item of items) this.queue.push(item);
    if (this.cancel || this.queue.length === 0) return;
    this.cancel = this.schedule(() => {
      this.cancel = undefined;
      const items = this.queue;
      this.queue = [];
      this.flush(items);
    });
  }

  dispose(): void {
    this.cancel?.();
    this.cancel = undefined;
    this.queue = [];
  }
}
