/**
 * OrderedMap (the engine's BTreeMap stand-in) against a naive twin — a plain Map whose keys are
 * sorted on every read — over random runs of sets, replacements, deletes, re-adds and reads. Keys
 * are mostly equal-length hex (batches large enough for the packed sort of `sortHexKeys`), with
 * some keys of other lengths and non-hex ones (the plain-sort fallback). After every read:
 * `sortedKeys()`, `sortedEntries()`, `size`, `get`; a clone taken midway stays independent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderedMap } from '../../../engine/orderedMap';
import { prop } from '../../support/prop';

const hexKey = fc.integer({ min: 0, max: 399 }).map((i) => ((i * 2654435761) >>> 0).toString(16).padStart(8, '0') + 'ab'.repeat(i % 3));
const oddKey = fc.constantFrom('Z', 'a', 'ffff', '', 'ü1', '00');
const key = fc.oneof({ weight: 9, arbitrary: hexKey }, { weight: 1, arbitrary: oddKey });

type Op = { kind: 'set'; keys: string[]; v: number } | { kind: 'delete'; keys: string[] } | { kind: 'read' } | { kind: 'clone' };
const op: fc.Arbitrary<Op> = fc.oneof(
  // Pure hex batches (the packed sort) and mixed ones (the fallback).
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('set' as const), keys: fc.array(hexKey, { maxLength: 150 }), v: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('set' as const), keys: fc.array(key, { maxLength: 150 }), v: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), keys: fc.array(key, { maxLength: 60 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'read' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clone' as const }) },
);

const sortedTwin = (m: Map<string, number>) => Array.from(m.keys()).sort();

function expectSame(om: OrderedMap<number>, twin: Map<string, number>): void {
  const keys = sortedTwin(twin);
  expect(om.sortedKeys()).toEqual(keys);
  expect(Array.from(om.sortedEntries())).toEqual(keys.map((k) => [k, twin.get(k)]));
  expect(om.size).toBe(twin.size);
  for (const k of keys) expect(om.get(k)).toBe(twin.get(k));
}

describe('OrderedMap', () => {
  it('lists exactly the naive twin’s keys in code-unit order, through sets, deletes, re-adds and clones', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const om = new OrderedMap<number>();
        const twin = new Map<string, number>();
        let clone: { om: OrderedMap<number>; twin: Map<string, number> } | null = null;
        for (const o of ops) {
          if (o.kind === 'set') {
            o.keys.forEach((k, i) => {
              om.set(k, o.v + i);
              twin.set(k, o.v + i);
            });
          } else if (o.kind === 'delete') {
            for (const k of o.keys) expect(om.delete(k)).toBe(twin.delete(k));
          } else if (o.kind === 'read') expectSame(om, twin);
          else clone = { om: om.clone(), twin: new Map(twin) };
        }
        expectSame(om, twin);
        if (clone) expectSame(clone.om, clone.twin);
      }),
      prop(150),
    );
  });
});
