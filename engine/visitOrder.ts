/**
 * Visit orders: the order a bulk pass READS n items in, when where each item's result lands does
 * not depend on it (the commit reads its candidates in arrival order, see docs/ARCHITECTURE.md).
 *
 * Invariant: a visit order is a permutation of 0..n−1; anything else is refused before any item
 * is read, so a pass never skips or repeats an item.
 */

/**
 * Checks `visit` (when given) and returns the index of the j-th item to read as a function of j:
 * `visit[j]`, or j itself without a visit order.
 * @throws RangeError when `visit` is not a permutation of 0..n−1
 * @internal
 */
export function visitOrder(visit: ArrayLike<number> | undefined, n: number, what: string): (j: number) => number {
  if (!visit) return (j) => j;
  if (visit.length !== n) throw new RangeError(`visit order lists ${visit.length} ${what}, expected ${n}`);
  const seen = new Uint8Array(n);
  for (let j = 0; j < n; j++) {
    const i = visit[j]!;
    if (!(Number.isInteger(i) && i >= 0 && i < n) || seen[i]) throw new RangeError(`visit order is not a permutation of 0..${n - 1} (at ${j}: ${i})`);
    seen[i] = 1;
  }
  return (j) => visit[j]!;
}
