/**
 * The DIND kernel as a world: warp-core's determinism-test app (ENGINE-SPEC §11) — the same rules
 * in the same registration order as `EchoKernel` — driven by a seeded stream of intents instead
 * of a recorded `.eintlog`. Each tick ingests one frame (toast, route push, theme, nav toggle,
 * ball drop or key/value put), dispatches the oldest pending intent and steps the ball's physics.
 * The recorded logs themselves are verified by `echo-studio dind verify`.
 */
import type { WorldApi, WorldDefinition } from '../world';

export default function dindWorld(api: WorldApi): WorldDefinition {
  const { dind } = api;
  const frameFor = (seed: number, tick: number): Uint8Array => {
    const rnd = api.prng(seed * 7919 + tick);
    const pick = Math.floor(rnd() * 6);
    switch (pick) {
      case 0:
        return dind.packIntentV1(dind.OP_ID.TOAST, dind.encodeLenPrefixedString(`toast #${tick}`));
      case 1:
        return dind.packIntentV1(dind.OP_ID.ROUTE_PUSH, dind.encodeLenPrefixedString(`/route/${Math.floor(rnd() * 10)}`));
      case 2:
        return dind.packIntentV1(dind.OP_ID.SET_THEME, dind.encodeSetThemeVars(Math.floor(rnd() * 3)));
      case 3:
        return dind.packIntentV1(dind.OP_ID.TOGGLE_NAV, new Uint8Array(0));
      case 4:
        return dind.packIntentV1(dind.OP_ID.DROP_BALL, new Uint8Array(0));
      default:
        return dind.packIntentV1(dind.OP_ID.PUT_KV, dind.encodePutKvVars(`key_${Math.floor(rnd() * 5)}`, `val_${tick}`));
    }
  };
  return {
    name: 'dind',
    description: "warp-core's DIND determinism kernel (motion/update, six cmd rules, ball physics, ack) fed a seeded intent stream.",
    params: { seed: { default: 1, description: 'seed of the generated intent stream' } },
    // warp-core's toast rule (cmd/toast) writes the view-op node, which its declared footprint
    // F("sim/view") does not cover: the reference never checks footprints (ENGINE-SPEC §12.1
    // T16). Kept as-is so the hashes are the reference's; the Studio must not fail those ticks.
    strictFootprints: false,
    rules: () => [api.motionRule(), ...dind.dindAppRules(), api.inbox.ackPendingRule()],
    init: () => {
      const store = new api.GraphStore();
      store.insertNode(dind.WORLD_ROOT, { ty: api.makeTypeId('world') });
      return { store, root: dind.WORLD_ROOT };
    },
    driver: (ctx) => {
      ctx.ingest(frameFor(Number(ctx.params.seed), ctx.tick));
      ctx.dispatchNextIntent();
      ctx.apply(dind.DIND_RULE_NAMES.BALL_PHYSICS, dind.BALL_NODE);
    },
  };
}
