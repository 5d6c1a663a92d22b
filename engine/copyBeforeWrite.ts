/**
 * `CopyBeforeWrite`: a snapshot of a `WarpState` as it is now, taken lazily — at the first read of
 * the snapshot, or just before the state or any of its stores first changes, whichever comes
 * first. An engine keeps its initial state this way: one that is only read (a loaded graph that
 * is inspected, hashed, never stepped) never pays for a second copy of its graph.
 *
 * Invariants:
 * - `get()` always returns a state equal to `base` at construction time: the copy is taken while
 *   nothing has changed yet, because every mutation of a `WarpState` (instance table) or a
 *   `GraphStore` (records, buckets, attachments, `assignWarp`) runs the registered callbacks first.
 * - Stores added to `base` later can only arrive through a change of `base` (which copies first).
 * - After the copy, no callback stays registered (nothing is retained by the watched objects).
 */
import type { GraphStore } from './graph';
import type { WarpState } from './warpState';

export class CopyBeforeWrite {
  private copy: WarpState | null = null;
  private readonly watched: GraphStore[];
  private readonly take = (): void => {
    if (this.copy) return;
    this.copy = this.base.clone();
    this.unwatch();
  };

  constructor(private readonly base: WarpState) {
    this.watched = Array.from(base.stores.unorderedEntries(), ([, s]) => s);
    base.onNextWrite(this.take);
    for (const s of this.watched) s.onNextWrite(this.take);
  }

  /** The snapshot (taken now if nothing changed yet). */
  get(): WarpState {
    this.take();
    return this.copy!;
  }

  /** Whether the copy has been taken (telemetry and tests). */
  get taken(): boolean {
    return this.copy !== null;
  }

  private unwatch(): void {
    this.base.offNextWrite(this.take);
    for (const s of this.watched) s.offNextWrite(this.take);
  }
}
