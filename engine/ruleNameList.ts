/**
 * The rule names of one tick's receipt entries, as the tick history keeps them: one small index
 * per entry into the tick's table of rule names, instead of an array holding a pointer per
 * candidate. A 100k-candidate tick kept 100k pointers for every major GC to walk, for as long as
 * the history lived (the other per-candidate lists are packed already: footprintList.ts,
 * receipt.ts, slotList.ts, opList.ts).
 *
 * Invariants:
 * - `at(i)` is the i-th name given to `of`; iteration yields them in order.
 * - Plain string arrays satisfy `RuleNameList` too (records decoded from session files).
 */

/** Read access to a tick's rule names (an array, or `PackedRuleNames`). @public */
export interface RuleNameList extends Iterable<string> {
  readonly length: number;
  at(i: number): string | undefined;
}

/** @public */
export class PackedRuleNames implements RuleNameList {
  private constructor(
    private readonly table: readonly string[],
    /** Entry i's index into `table`. */
    private readonly ix: Uint16Array | Uint32Array,
  ) {}

  /**
   * The names `table[indices[i]]`, in order.
   * @throws RangeError when an index is not an integer within the table
   */
  static of(indices: ArrayLike<number>, table: readonly string[]): PackedRuleNames {
    const ix = table.length <= 0x10000 ? new Uint16Array(indices.length) : new Uint32Array(indices.length);
    for (let i = 0; i < indices.length; i++) {
      const k = indices[i]!;
      if (!Number.isInteger(k) || k < 0 || k >= table.length) throw new RangeError(`rule name ${i}: index ${k} is outside the table of ${table.length}`);
      ix[i] = k;
    }
    return new PackedRuleNames(table.slice(), ix);
  }

  get length(): number {
    return this.ix.length;
  }

  /** Bytes held by the index (the table is a few shared strings). */
  get byteLength(): number {
    return this.ix.byteLength;
  }

  at(i: number): string | undefined {
    const k = i < 0 ? i + this.ix.length : i;
    if (!Number.isInteger(k) || k < 0 || k >= this.ix.length) return undefined;
    return this.table[this.ix[k]!];
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.ix.length; i++) yield this.table[this.ix[i]!]!;
  }
}
