import { describe, expect, it } from 'vitest';
import { GraphStore, makeNodeId, makeTypeId, runPairDeterminism, type EchoConfig } from '../../../engine/index';
import { addChildRule, s4SetRule } from '../golden/scenarioRules';

const ROOT = makeNodeId('root');
const cfg = (label: string, rules = () => [addChildRule()]): EchoConfig => ({
  label,
  seed: () => {
    const store = new GraphStore();
    store.insertNode(ROOT, { ty: makeTypeId('world') });
    return { store, root: ROOT };
  },
  rules,
});

describe('run_pair_determinism (§8.5)', () => {
  it('two engines from the same factories agree at every step', () => {
    const step = (_: number, e: ReturnType<typeof import('../../../engine/index').buildEngine>) => {
      const tx = e.begin();
      e.apply(tx, 'test/add_child', ROOT);
      e.commit(tx);
    };
    expect(runPairDeterminism(cfg('A'), cfg('B'), 5, step)).toBeNull();
  });

  it('reports the first step where snapshot hashes differ (a different rule pack)', () => {
    const m = runPairDeterminism(cfg('A'), cfg('B', () => [addChildRule(), s4SetRule('a')]), 3, () => {});
    expect(m).not.toBeNull();
    expect(m!.step).toBe(0);
    expect([m!.labelA, m!.labelB]).toEqual(['A', 'B']);
    expect(m!.hashA).not.toBe(m!.hashB);
  });
});
