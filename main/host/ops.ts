/**
 * Long operations of the engine host (step N, verify, merge, session export/import, determinism
 * check): cancellation and progress.
 *
 * The host runs in a worker thread whose long operations are synchronous loops, so a cancel
 * request cannot arrive as a message while one runs. Instead the `HostClient` (main thread) marks
 * the request's token in a SharedArrayBuffer ring (`markCancelled`), and the operation polls it
 * between ticks / commits (`OpRun.check`). In-process hosts (tests) also accept
 * `echo:op.cancel` directly, by op id.
 *
 * Invariants:
 * - `check()` throws `HostError('Cancelled')` and nothing else; callers check only at points
 *   where stopping leaves the state as it was before the operation (or, for step N, after the
 *   last committed tick).
 * - Progress events are throttled (`PROGRESS_EVERY_MS`) and never hashed.
 * - The cancel ring holds the last `CANCEL_SLOTS` cancelled tokens; token 0 is never used.
 */
import type { OpProgressDto } from '../../engine/contract/index';

/** Slots of the SharedArrayBuffer ring of cancelled request tokens (after the write cursor). */
export const CANCEL_SLOTS = 32;
/** Minimum time between two progress events of one operation. */
export const PROGRESS_EVERY_MS = 100;

/** The shared cancel ring: Int32 [cursor, token × CANCEL_SLOTS]. */
export function createCancelBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(4 * (1 + CANCEL_SLOTS));
}

/** Tokens are request ids (positive); they are folded into 1..2^31-1. */
function fold(token: number): number {
  return (Math.abs(Math.trunc(token)) % 0x7fffffff) + 1;
}

/** Main thread: marks the request `token` cancelled. */
export function markCancelled(buf: SharedArrayBuffer, token: number): void {
  const a = new Int32Array(buf);
  const at = Atomics.add(a, 0, 1) % CANCEL_SLOTS;
  Atomics.store(a, 1 + at, fold(token));
}

/** Worker thread: true when `token` was marked cancelled. */
export function isMarkedCancelled(buf: SharedArrayBuffer, token: number): boolean {
  const a = new Int32Array(buf);
  const t = fold(token);
  for (let i = 1; i <= CANCEL_SLOTS; i++) if (Atomics.load(a, i) === t) return true;
  return false;
}

/** Raised when an operation was cancelled (also the reply's error code). */
export class CancelledError extends Error {
  readonly code = 'Cancelled';
  constructor(message: string) {
    super(message);
    this.name = 'CancelledError';
  }
}

/** One running long operation. */
export class OpRun {
  private lastEmit = -Infinity;
  constructor(
    readonly id: string | undefined,
    private readonly label: string,
    private readonly cancelled: () => boolean,
    private readonly emit: ((p: OpProgressDto) => void) | null,
    private readonly now: () => number,
  ) {}

  /** @throws CancelledError when the operation was cancelled */
  check(what = ''): void {
    if (this.cancelled()) throw new CancelledError(`${this.label} cancelled${what ? ` ${what}` : ''}`);
  }

  /** Reports progress (throttled; only for operations with an id). */
  progress(done: number, total: number, label = this.label): void {
    if (!this.emit || this.id === undefined) return;
    const t = this.now();
    if (done < total && t - this.lastEmit < PROGRESS_EVERY_MS) return;
    this.lastEmit = t;
    this.emit({ op: this.id, label, done, total });
  }

  /** `check` then `progress`: the usual call between two ticks or commits. */
  step(done: number, total: number, label?: string): void {
    this.check(`after ${done} of ${total}`);
    this.progress(done, total, label);
  }
}
