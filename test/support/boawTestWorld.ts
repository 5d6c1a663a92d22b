/**
 * A world module for BOAW worker tests: the reference-scenario rules (../engine/golden/
 * scenarioRules.ts) plus rules that misbehave on purpose (throw, read the delta, burn CPU). Worker
 * threads load it like any world; engines under test register whichever subset they need (the
 * pool matches rules by id and name, not by position).
 */
import type { WorldApi, WorldDefinition } from '../../engine/world';
import type { RewriteRule } from '../../engine/rule';
import { addChildRule, s3BuildRule, s3DeleteRule, s4SetRule } from '../engine/golden/scenarioRules';

export function misbehavingRules(api: WorldApi): RewriteRule[] {
  const ty = api.makeTypeId('boaw-test/v');
  const exists: RewriteRule['matcher'] = (v, s) => v.node(s) !== undefined;
  const own = (v: Parameters<RewriteRule['matcher']>[0], s: Uint8Array) => new api.Footprint().writeAttachment(api.nodeAlpha(v.warpId(), s as never));
  return [
    api.defineRule({
      name: 'boaw-test/throws',
      matcher: exists,
      footprint: own,
      executor: (_v, s) => {
        throw new Error(`boom at ${api.toHex(s).slice(0, 8)}`);
      },
    }),
    api.defineRule({
      name: 'boaw-test/len',
      matcher: exists,
      footprint: own,
      executor: (v, s, d) => d.emit({ op: 'SetAttachment', key: api.nodeAlpha(v.warpId(), s), value: api.atom(ty, new Uint8Array([d.len() & 255])) }),
    }),
    api.defineRule({
      name: 'boaw-test/busy',
      matcher: exists,
      footprint: own,
      executor: (v, s, d) => {
        // ~tens of µs of deterministic integer work, then one write.
        let h = s[0]! | (s[1]! << 8);
        for (let i = 0; i < 20_000; i++) h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) + i;
        d.emit({ op: 'SetAttachment', key: api.nodeAlpha(v.warpId(), s), value: api.atom(ty, new Uint8Array([h & 255, (h >>> 8) & 255])) });
      },
    }),
  ];
}

export default function boawTestWorld(api: WorldApi): WorldDefinition {
  const root = api.makeNodeId('root');
  return {
    name: 'boaw-test',
    description: 'Reference-scenario rules plus misbehaving rules, for BOAW worker tests.',
    rules: () => [addChildRule(), s3BuildRule(), s3DeleteRule(), s4SetRule('a'), s4SetRule('b'), api.inbox.ackPendingRule(), ...misbehavingRules(api)],
    init: () => {
      const store = new api.GraphStore();
      store.insertNode(root, { ty: api.makeTypeId('world') });
      return { store, root };
    },
    driver: () => {},
  };
}
