/**
 * Tick summaries by commit, for the timeline slice. A commit's summary is data the host computed
 * once for that content-addressed commit, so the index only grows: every version shares one Map, and
 * `with(list)` returns a new version (a new identity for the store's selectors) in O(list). Copying
 * every summary seen for each batch of tick events made a long run quadratic.
 *
 * Invariants:
 * - Read-only to its users; only `with` adds, and it never removes or reorders.
 * - An older version also sees what newer versions added (they share the Map): ask the newest.
 */
import type { Hex, TickSummaryDto } from '../../engine/contract/index';

export class SummaryIndex {
  static empty(): SummaryIndex {
    return new SummaryIndex(new Map());
  }

  private constructor(private readonly byCommit: Map<Hex, TickSummaryDto>) {}

  get(commit: Hex): TickSummaryDto | undefined {
    return this.byCommit.get(commit);
  }

  has(commit: Hex): boolean {
    return this.byCommit.has(commit);
  }

  /** A new version with `list` added (a later summary for the same commit replaces the earlier). */
  with(list: readonly TickSummaryDto[]): SummaryIndex {
    if (list.length === 0) return this;
    for (const s of list) this.byCommit.set(s.commit, s);
    return new SummaryIndex(this.byCommit);
  }
}
