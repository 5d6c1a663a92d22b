/**
 * PackedRuleNames (the tick history's rule names): reads back exactly the names it was given, in
 * order, by index (negative from the end, like arrays) and by iteration, with the 16-bit and the
 * 32-bit index; refuses indices outside its table; does not share the caller's table.
 */
import { describe, expect, it } from 'vitest';
import { PackedRuleNames } from '../../../engine/index';

describe('PackedRuleNames', () => {
  it('reads back the names by index and in order', () => {
    const table = ['a/rule', 'b/rule', 'c/rule'];
    const idx = [2, 0, 0, 1, 2, 2];
    const names = PackedRuleNames.of(idx, table);
    const want = idx.map((i) => table[i]!);
    expect(names.length).toBe(6);
    expect(Array.from(names)).toEqual(want);
    expect(want.map((_, i) => names.at(i))).toEqual(want);
    expect(names.at(-1)).toBe('c/rule');
    expect([names.at(6), names.at(-7), names.at(1.5)]).toEqual([undefined, undefined, undefined]);
    expect(names.byteLength).toBe(12); // 16-bit indices
    table[0] = 'changed';
    expect(names.at(1)).toBe('a/rule');
  });

  it('takes 32-bit indices past 65,536 names, and refuses indices outside the table', () => {
    const table = Array.from({ length: 70_000 }, (_, i) => `r${i}`);
    const names = PackedRuleNames.of([69_999, 0, 65_536], table);
    expect(Array.from(names)).toEqual(['r69999', 'r0', 'r65536']);
    expect(names.byteLength).toBe(12);
    for (const bad of [[3], [-1], [0.5], [Number.NaN]]) expect(() => PackedRuleNames.of(bad, ['x', 'y', 'z'])).toThrow(RangeError);
    expect(PackedRuleNames.of([], []).length).toBe(0);
  });
});
