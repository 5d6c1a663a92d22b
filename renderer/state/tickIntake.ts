/**
 * Tick intake: how tick events get from the transport into the store without flooding the UI
 * thread. A long step streams thousands of events, faster than the page can render one each; when
 * every event was handled (and rendered) in its own message task, the page's task queue backed up
 * behind those renders and input, or a Cancel click, waited for all of them.
 *
 * So arrival only queues the event (cheap), and events are handled in batches in later tasks: a
 * batch runs until `sliceMs` has passed, then yields one task turn, so the store renders once per
 * batch and everything queued meanwhile (input, frames, other messages) gets its turn.
 *
 * Invariants:
 * - Every event is handled exactly once, in arrival order; arrival numbers are 0, 1, 2, …
 * - An event that needs preparing (a big delta, prepared in its own slices) is prepared before it
 *   is handled; the events behind it wait.
 * - `afterBatch` runs at the end of every batch (before each yield and when the queue empties).
 * - `settled(n)` resolves once every event with arrival < n was handled, or the intake is disposed.
 * - A handler that throws is reported through `onError`; the events behind it are still handled.
 */
export interface TickIntakeHandlers<E, P> {
  /** The preparation to await before `handle`, or undefined to handle the event as it is. */
  prepare(event: E, arrival: number): Promise<P> | undefined;
  handle(event: E, arrival: number, prepared: P | undefined): void;
  afterBatch(): void;
  onError(error: unknown): void;
  /** Longest batch before the UI thread gets a turn (ms). */
  readonly sliceMs: number;
  /** Monotonic clock (ms). */
  readonly now: () => number;
}

/** One task turn: lets input, frames and queued messages run. */
export const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export class TickIntake<E, P> {
  private queue: (E | undefined)[] = [];
  private head = 0;
  private arrivals = 0;
  private handled = 0;
  private running = false;
  private disposed = false;
  private waiters: { upTo: number; resolve: () => void }[] = [];

  constructor(private readonly h: TickIntakeHandlers<E, P>) {}

  /** Queues an event; returns its arrival number. */
  push(event: E): number {
    const arrival = this.arrivals++;
    if (this.disposed) return arrival;
    this.queue.push(event);
    if (!this.running) {
      this.running = true;
      void nextTask().then(() => this.run());
    }
    return arrival;
  }

  /** Events received so far (the next arrival number). */
  get arrived(): number {
    return this.arrivals;
  }

  /** Whether every event received so far was handled (or the intake is disposed). */
  get idle(): boolean {
    return this.handled >= this.arrivals || this.disposed;
  }

  /** Resolves once every event that arrived before `upTo` (default: now) was handled. */
  settled(upTo = this.arrivals): Promise<void> {
    if (this.handled >= upTo || this.disposed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ upTo, resolve }));
  }

  /** Drops the queue and releases every waiter; later events are ignored. */
  dispose(): void {
    this.disposed = true;
    this.queue = [];
    this.head = 0;
    this.release(Infinity);
  }

  private release(upTo: number): void {
    if (this.waiters.length === 0) return;
    const keep: typeof this.waiters = [];
    for (const w of this.waiters) (w.upTo <= upTo ? w.resolve() : keep.push(w));
    this.waiters = keep;
  }

  private async run(): Promise<void> {
    const h = this.h;
    let sliceStart = h.now();
    try {
      while (this.head < this.queue.length && !this.disposed) {
        const arrival = this.handled;
        const event = this.queue[this.head] as E;
        this.queue[this.head++] = undefined;
        try {
          const pending = h.prepare(event, arrival);
          const prepared = pending ? await pending : undefined;
          if (this.disposed) break;
          if (pending) sliceStart = h.now();
          h.handle(event, arrival, prepared);
        } catch (e) {
          h.onError(e);
        }
        this.handled = arrival + 1;
        this.release(this.handled);
        if (h.now() - sliceStart >= h.sliceMs && this.head < this.queue.length) {
          this.afterBatch();
          this.compact();
          await nextTask();
          sliceStart = h.now();
        }
      }
      this.afterBatch();
    } finally {
      this.running = false;
      if (!this.disposed) {
        this.compact();
        // An event pushed while the last batch was closing starts the next run.
        if (this.queue.length > 0) {
          this.running = true;
          void nextTask().then(() => this.run());
        }
      }
    }
  }

  /** Drops the handled prefix of the queue (a flood that never lets a run end keeps it bounded). */
  private compact(): void {
    if (this.head === 0) return;
    this.queue = this.queue.slice(this.head);
    this.head = 0;
  }

  private afterBatch(): void {
    try {
      this.h.afterBatch();
    } catch (e) {
      this.h.onError(e);
    }
  }
}
