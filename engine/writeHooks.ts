/**
 * `WriteHooks`: callbacks run once, just before an object's next mutation (how
 * `CopyBeforeWrite` learns that a state or store is about to change).
 *
 * Invariants: `fire` disarms before running the callbacks, so each runs at most once per
 * registration, and a callback that registers again waits for the following mutation.
 */
export class WriteHooks {
  private cbs: Array<() => void> | null = null;

  /** True while at least one callback waits (the mutators' cheap check). */
  get armed(): boolean {
    return this.cbs !== null;
  }

  add(cb: () => void): void {
    (this.cbs ??= []).push(cb);
  }

  remove(cb: () => void): void {
    const cbs = this.cbs;
    if (!cbs) return;
    const i = cbs.indexOf(cb);
    if (i >= 0) cbs.splice(i, 1);
    if (cbs.length === 0) this.cbs = null;
  }

  fire(): void {
    const cbs = this.cbs;
    this.cbs = null;
    if (cbs) for (const cb of cbs) cb();
  }
}
