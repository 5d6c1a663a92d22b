/**
 * The Radix reserve of a whole drained tick at once: every candidate's footprint interned to small
 * integer slot ids first, then the §3.3 conflict check against the growing frontier done on typed
 * arrays, candidate by candidate in drain order. Same answers as `ActiveFootprints.conflicts` +
 * `mark` called in drain order (the property test compares them).
 *
 * Why: a commit of 100k candidates checked each footprint's string-keyed sets against string-keyed
 * frontier sets in drain order — by scope hash, i.e. visiting the footprints at random, three hash
 * lookups per slot. Interning visits the footprints in the order they were queued (allocated) with
 * one lookup per slot; the drain-order pass then only reads flat arrays.
 *
 * Invariants:
 * - Slot identity is the frontier's: node and edge ids lifted to (candidate's scope warp, id);
 *   attachment keys by `attachmentSortKey` (they carry their warp); ports by `u64SortKey`. Each
 *   kind has its own id space.
 * - Conflicts: a write meets a written or read slot, a read meets a written slot, a port meets
 *   any used port. A candidate's own slots never conflict with each other (checked before marked).
 * - The visit order of the interning pass never reaches the result: ids only name slots.
 */
import { toHex } from './bytes';
import type { Footprint } from './footprint';
import type { WarpId } from './ident';
import { visitOrder } from './visitOrder';

/** What the reserve needs of a candidate. @internal */
export interface ReserveCandidate {
  readonly footprint: Footprint;
  readonly scope: { readonly warp: WarpId };
}

const NODE = 0;
const EDGE = 1;
const ATTACHMENT = 2;
const PORT = 3;
const WRITTEN = 1;
const READ = 2;

/** Slot ids of one kind, dense from 0 in first-seen order. */
class Interner {
  readonly ids = new Map<string, number>();

  id(key: string): number {
    let v = this.ids.get(key);
    if (v === undefined) this.ids.set(key, (v = this.ids.size));
    return v;
  }
}

/** A growable list of int32 codes: slot id << 3 | kind << 1 | write. */
class Codes {
  data = new Int32Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/**
 * Reserves `drained` (in drain order) against an empty frontier; returns 1 for each accepted
 * candidate, 0 for each rejected one. `visit` is an optional permutation of 0..n−1: the order the
 * footprints are read in for interning (the engine passes arrival order).
 * @internal
 */
export function reserveDrained(drained: readonly ReserveCandidate[], visit?: ArrayLike<number>): Uint8Array {
  const n = drained.length;
  const at = visitOrder(visit, n, 'candidates');
  const kinds = [new Interner(), new Interner(), new Interner(), new Interner()];
  const codes = new Codes();
  const starts = new Uint32Array(n);
  const ends = new Uint32Array(n);
  const add = (kind: number, key: string, write: boolean) => codes.push((kinds[kind]!.id(key) << 3) | (kind << 1) | (write ? 1 : 0));
  for (let j = 0; j < n; j++) {
    const i = at(j);
    const { footprint: fp, scope } = drained[i]!;
    starts[i] = codes.length;
    if (fp.hasNodeOrEdgeSets()) {
      const w = toHex(scope.warp);
      for (const k of fp.nWrite.keys()) add(NODE, w + k, true);
      for (const k of fp.nRead.keys()) add(NODE, w + k, false);
      for (const k of fp.eWrite.keys()) add(EDGE, w + k, true);
      for (const k of fp.eRead.keys()) add(EDGE, w + k, false);
    }
    if (fp.aWrite.size > 0) for (const k of fp.aWrite.keys()) add(ATTACHMENT, k, true);
    if (fp.aRead.size > 0) for (const k of fp.aRead.keys()) add(ATTACHMENT, k, false);
    // Any two uses of a port conflict: every use is coded as a write.
    if (fp.bIn.size > 0) for (const k of fp.bIn.keys()) add(PORT, k, true);
    if (fp.bOut.size > 0) for (const k of fp.bOut.keys()) add(PORT, k, true);
    ends[i] = codes.length;
  }
  const flags = kinds.map((k) => new Uint8Array(k.ids.size));
  const data = codes.data;
  const accepted = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const s = starts[i]!;
    const e = ends[i]!;
    let conflict = false;
    for (let c = s; c < e && !conflict; c++) {
      const code = data[c]!;
      const f = flags[(code >> 1) & 3]![code >>> 3]!;
      // A write meets any use, a read meets a write (port uses are all coded as writes).
      conflict = (code & 1) === 1 ? f !== 0 : (f & WRITTEN) !== 0;
    }
    if (conflict) continue;
    accepted[i] = 1;
    for (let c = s; c < e; c++) {
      const code = data[c]!;
      const kind = flags[(code >> 1) & 3]!;
      kind[code >>> 3] = kind[code >>> 3]! | ((code & 1) === 1 ? WRITTEN : READ);
    }
  }
  return accepted;
}
