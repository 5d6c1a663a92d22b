/**
 * `EchoKernel`: the DIND test app's engine wrapper (ENGINE-SPEC §11.4, `echo-dind-tests/src/lib.rs`).
 *
 * Construction (frozen: the rule pack id and every compact id depend on it):
 * 1. `build_motion_demo_engine()`: a store with node N("world-root") of type T("world"),
 *    `new Engine(store, world-root)` (Radix scheduler, policy NOP0, warp "root"), then
 *    `motion/update` at compact 0 (never applied, but in the rule pack).
 * 2. Compact 1–8: cmd/toast, cmd/route_push, cmd/set_theme, cmd/toggle_nav, cmd/drop_ball,
 *    physics/ball, cmd/put_kv, sys/ack_pending.
 *
 * `step()`: begin; dispatch the next intent (Consumed → dirty); apply physics/ball at N("ball")
 * (Applied → dirty); commit when dirty (errors propagate), otherwise abort. Returns dirty.
 */
import { GraphStore } from '../graph';
import { toHex } from '../bytes';
import { canonicalStateHash } from '../canonicalStateHash';
import { Engine } from '../engine';
import { makeNodeId, makeTypeId, ROOT_WARP, type Hash } from '../ident';
import { ackPendingRule, type IngestDisposition } from '../inbox';
import { motionRule } from '../rules/motion';
import { BALL_NODE, DIND_RULE_NAMES, dindAppRules } from './rules';

/** The kernel's root node. @public */
export const WORLD_ROOT = makeNodeId('world-root');

/** @public */
export class EchoKernel {
  readonly engine: Engine;

  constructor() {
    const store = new GraphStore();
    store.insertNode(WORLD_ROOT, { ty: makeTypeId('world') });
    this.engine = new Engine(store, WORLD_ROOT);
    this.engine.registerRule(motionRule());
    for (const r of dindAppRules()) this.engine.registerRule(r);
    this.engine.registerRule(ackPendingRule());
  }

  /** `dispatch_intent`: ingests the raw frame (the kernel ignores the disposition). */
  dispatchIntent(bytes: Uint8Array): IngestDisposition {
    return this.engine.ingestIntent(bytes);
  }

  /** One kernel step; true when something was committed. @throws whatever `commit` throws. */
  step(): boolean {
    const e = this.engine;
    const tx = e.begin();
    let dirty = e.dispatchNextIntent(tx).kind === 'consumed';
    if (e.apply(tx, DIND_RULE_NAMES.BALL_PHYSICS, BALL_NODE) === 'applied') dirty = true;
    if (dirty) e.commit(tx);
    else e.abort(tx);
    return dirty;
  }

  /** DIND_STATE_HASH_V2 of the root warp's store. */
  stateHash(): Hash {
    const store = this.engine.warpState.store(ROOT_WARP);
    if (!store) throw new Error('EchoKernel: the root warp store is missing');
    return canonicalStateHash(store);
  }

  /** `stateHash()` as lowercase hex. */
  stateHashHex(): string {
    return toHex(this.stateHash());
  }

  /** Intents ingested but not yet acknowledged. */
  pendingIntentCount(): number {
    return this.engine.pendingIntentCount();
  }
}
