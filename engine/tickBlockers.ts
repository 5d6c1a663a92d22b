/**
 * Receipt blocker attribution for a whole tick (`TickReceipt.blockedBy`): for each rejected
 * candidate i, the accepted candidates k < i (drain order) whose footprints conflict with i's by
 * `footprintsConflict` — the RAW matrix, no warp lifting, as the reference attributes blockers (so
 * it may name an extra cross-warp blocker) — in ascending order; an accepted candidate has none.
 *
 * Two computations with the same answer:
 * - `blockersByScan`: each rejected candidate checked against every earlier accepted one — the
 *   definition, cheapest when there are few pairs to check.
 * - `blockersByIndex`: the accepted candidates' slots indexed as the drain proceeds (who reads,
 *   who writes each node, edge and attachment; who uses each port), and each rejected candidate's
 *   blockers read off its own slots. Work proportional to the slots and the blockers found: a
 *   tick where half of 20k candidates are rejected took ~50 s by scan (the pairs grow with n²).
 * `tickBlockers` takes the scan while the pairs it would check stay below `SCAN_PAIRS`.
 *
 * Invariants:
 * - Only accepted candidates before i can block i (the reserve is greedy in drain order).
 * - The matrix is `footprintsConflict`'s: i writes what k reads or writes, i reads what k writes,
 *   or both use one port (in or out).
 * - Every returned list is ascending without repeats; accepted candidates get the shared empty list.
 */
import { footprintsConflict, type Footprint } from './footprint';

/** Below this many (rejected, earlier accepted) pairs the scan is the cheaper computation. */
export const SCAN_PAIRS = 200_000;

const NONE: readonly number[] = Object.freeze([]);

/** `blockersByScan` or `blockersByIndex`, whichever is cheaper for this tick (same result). @internal */
export function tickBlockers(footprints: readonly Footprint[], accepted: ArrayLike<number>): (readonly number[])[] {
  let pairs = 0;
  let acceptedSoFar = 0;
  for (let i = 0; i < footprints.length; i++) {
    if (accepted[i]) acceptedSoFar++;
    else pairs += acceptedSoFar;
  }
  return pairs <= SCAN_PAIRS ? blockersByScan(footprints, accepted) : blockersByIndex(footprints, accepted);
}

/** The definition: every rejected candidate against every earlier accepted one. @internal */
export function blockersByScan(footprints: readonly Footprint[], accepted: ArrayLike<number>): (readonly number[])[] {
  const out: (readonly number[])[] = [];
  const acceptedIdx: number[] = [];
  for (let i = 0; i < footprints.length; i++) {
    if (accepted[i]) {
      acceptedIdx.push(i);
      out.push(NONE);
    } else out.push(acceptedIdx.filter((k) => footprintsConflict(footprints[i]!, footprints[k]!)));
  }
  return out;
}

/** Who among the accepted candidates so far reads and writes one slot (ascending lists). */
interface SlotUsers {
  readers: number[] | null;
  writers: number[] | null;
}

/** One slot kind's index: raw slot key → its users. */
class SlotIndex {
  private readonly slots = new Map<string, SlotUsers>();

  add(keys: Iterable<string>, k: number, write: boolean): void {
    for (const key of keys) {
      let u = this.slots.get(key);
      if (!u) this.slots.set(key, (u = { readers: null, writers: null }));
      if (write) (u.writers ??= []).push(k);
      else (u.readers ??= []).push(k);
    }
  }

  /** Adds to `into` the users a candidate writing (or only reading) these keys conflicts with. */
  collect(keys: Iterable<string>, write: boolean, into: number[]): void {
    for (const key of keys) {
      const u = this.slots.get(key);
      if (!u) continue;
      if (u.writers) for (const k of u.writers) into.push(k);
      if (write && u.readers) for (const k of u.readers) into.push(k);
    }
  }
}

/** The index computation: output-sensitive, same result as `blockersByScan`. @internal */
export function blockersByIndex(footprints: readonly Footprint[], accepted: ArrayLike<number>): (readonly number[])[] {
  const nodes = new SlotIndex();
  const edges = new SlotIndex();
  const attachments = new SlotIndex();
  // Any two uses of a port conflict: every use is indexed (and looked up) as a write.
  const ports = new SlotIndex();
  /** A footprint's slot sets: the index each belongs to, and whether it is written. */
  const uses = (fp: Footprint): [SlotIndex, ReadonlyMap<string, unknown>, boolean][] => [
    [nodes, fp.nWrite, true],
    [nodes, fp.nRead, false],
    [edges, fp.eWrite, true],
    [edges, fp.eRead, false],
    [attachments, fp.aWrite, true],
    [attachments, fp.aRead, false],
    [ports, fp.bIn, true],
    [ports, fp.bOut, true],
  ];
  const out: (readonly number[])[] = [];
  for (let i = 0; i < footprints.length; i++) {
    if (accepted[i]) {
      for (const [index, set, write] of uses(footprints[i]!)) if (set.size > 0) index.add(set.keys(), i, write);
      out.push(NONE);
      continue;
    }
    const found: number[] = [];
    for (const [index, set, write] of uses(footprints[i]!)) if (set.size > 0) index.collect(set.keys(), write, found);
    out.push(ascendingUnique(found));
  }
  return out;
}

function ascendingUnique(xs: number[]): number[] {
  if (xs.length <= 1) return xs;
  xs.sort((a, b) => a - b);
  let w = 1;
  for (let r = 1; r < xs.length; r++) if (xs[r] !== xs[w - 1]) xs[w++] = xs[r]!;
  xs.length = w;
  return xs;
}
