/**
 * The DIND kernel's app rules (ENGINE-SPEC §11.6, `echo-dind-tests/src/rules.rs`).
 *
 * Frozen (every golden hash depends on it):
 * - Rule ids are `makeTypeId("rule:" ‖ name)` (BLAKE3, type domain).
 * - MATCH(op): the scope's α attachment is an Atom (any type) whose bytes unpack as an exact-length
 *   EINT envelope with `op_id == op`. Vars are NOT validated at match time: a cmd rule with
 *   undecodable vars still takes the handler slot and emits nothing (put_kv then has an empty
 *   footprint).
 * - F(path): n_read {scope}, a_read {α(scope)}, n_write {sim, sim/state, N(path)},
 *   e_write {E("edge:sim/state"), E("edge:" ‖ path)}, a_write {α(N(path))}.
 * - BASE ops: UpsertNode(sim), UpsertNode(sim/state), UpsertEdge(edge:sim/state: sim → sim/state).
 * - cmd/toast numbers its op node with `delta.len()` at executor entry: the ops already emitted by
 *   earlier executors of the same tick (0, 1 or 2 in practice).
 * - physics/ball uses wrapping i64 arithmetic (BigInt), like a release build of upstream.
 *
 * Executors read the PRE-tick state through their view (the engine applies ops after every
 * executor ran), so cmd/toggle_nav sees the value before this tick.
 */
import { Footprint } from '../footprint';
import type { GraphView } from '../graphView';
import { makeEdgeId, makeNodeId, makeTypeId, type Hash, type NodeId, type TypeId, type WarpId } from '../ident';
import { atom, nodeAlpha, type AttachmentValue } from '../record';
import type { RewriteRule } from '../rule';
import type { TickDelta } from '../tickDelta';
import { decodeSetThemeVars, encodeSetThemeVars, lenPrefixed, OP_ID, readLenPrefixedString } from './codecs';
import { unpackIntentV1, type EintIntent } from './eint';
import { TYPEID_PAYLOAD_MOTION_V2, TYPEID_STATE_KV, TYPEID_STATE_NAV_OPEN, TYPEID_STATE_ROUTE_PATH, TYPEID_STATE_THEME, TYPEID_VIEW_OP_SHOWTOAST } from './typeIds';

/** @public */
export const DIND_RULE_NAMES = Object.freeze({
  TOAST: 'cmd/toast',
  ROUTE_PUSH: 'cmd/route_push',
  SET_THEME: 'cmd/set_theme',
  TOGGLE_NAV: 'cmd/toggle_nav',
  DROP_BALL: 'cmd/drop_ball',
  BALL_PHYSICS: 'physics/ball',
  PUT_KV: 'cmd/put_kv',
} as const);

/** `makeTypeId("rule:" ‖ name)`, the id convention of every DIND rule. @public */
export const dindRuleId = (name: string): Hash => makeTypeId('rule:' + name);

/** The ball node. @public */
export const BALL_NODE: NodeId = makeNodeId('ball');

const N = makeNodeId;
const T = makeTypeId;
const E = makeEdgeId;
const SIM = N('sim');
const SIM_STATE = N('sim/state');

/** Q32.32 one (2³²). @public */
export const FIXED_ONE = 1n << 32n;

// ------------------------------------------------------------------ matching

/** The EINT envelope carried by the scope's α atom, if any (exact-length rule). @public */
export function eventIntent(view: GraphView, scope: NodeId): EintIntent | null {
  const att = view.nodeAttachment(scope);
  if (!att || att.kind !== 'atom') return null;
  const r = unpackIntentV1(att.bytes);
  return r.ok ? { opId: r.opId, vars: r.vars } : null;
}

const matchOp = (op: number) => (view: GraphView, scope: NodeId): boolean => eventIntent(view, scope)?.opId === op;

function varsOf(view: GraphView, scope: NodeId): Uint8Array | null {
  return eventIntent(view, scope)?.vars ?? null;
}

/** F(path): the state-node footprint. @public */
export function stateNodeFootprint(view: GraphView, scope: NodeId, path: string): Footprint {
  const w = view.warpId();
  return new Footprint()
    .readNode(scope)
    .readAttachment(nodeAlpha(w, scope))
    .writeNode(SIM)
    .writeNode(SIM_STATE)
    .writeNode(N(path))
    .writeEdge(E('edge:sim/state'))
    .writeEdge(E('edge:' + path))
    .writeAttachment(nodeAlpha(w, N(path)));
}

// ------------------------------------------------------------------ emitting

function emitBase(delta: TickDelta, w: WarpId): void {
  delta.emit({ op: 'UpsertNode', node: { warp: w, local: SIM }, record: { ty: T('sim') } });
  delta.emit({ op: 'UpsertNode', node: { warp: w, local: SIM_STATE }, record: { ty: T('sim/state') } });
  delta.emit({ op: 'UpsertEdge', warp: w, record: { id: E('edge:sim/state'), from: SIM, to: SIM_STATE, ty: T('edge:state') } });
}

/** BASE, then the leaf node under sim/state, its edge and its α attachment. */
function emitStateLeaf(delta: TickDelta, w: WarpId, path: string, nodeTy: TypeId, edgeTy: string, value: AttachmentValue): void {
  emitBase(delta, w);
  const leaf = N(path);
  delta.emit({ op: 'UpsertNode', node: { warp: w, local: leaf }, record: { ty: nodeTy } });
  delta.emit({ op: 'UpsertEdge', warp: w, record: { id: E('edge:' + path), from: SIM_STATE, to: leaf, ty: T(edgeTy) } });
  delta.emit({ op: 'SetAttachment', key: nodeAlpha(w, leaf), value });
}

function cmdRule(name: string, op: number, footprint: RewriteRule['computeFootprint'], executor: RewriteRule['executor']): RewriteRule {
  return {
    id: dindRuleId(name),
    name,
    matcher: matchOp(op),
    computeFootprint: footprint,
    executor,
    left: [],
    factorMask: 0n,
    conflictPolicy: 'abort',
  };
}

// --------------------------------------------------------------------- rules

/** `cmd/toast`: a view-op node numbered by `delta.len()`. @public */
export function toastRule(): RewriteRule {
  // The executor reads delta.len(): BOAW must run ticks holding it serially.
  const rule = cmdRule(
    DIND_RULE_NAMES.TOAST,
    OP_ID.TOAST,
    (view, scope) => stateNodeFootprint(view, scope, 'sim/view'),
    (view, scope, delta) => {
      const vars = varsOf(view, scope);
      const message = vars ? readLenPrefixedString(vars, 0) : null;
      if (!message) return;
      const d = String(delta.len()).padStart(16, '0');
      const w = view.warpId();
      const viewNode = N('sim/view');
      const opNode = N('sim/view/op:' + d);
      delta.emit({ op: 'UpsertNode', node: { warp: w, local: viewNode }, record: { ty: T('sim/view') } });
      delta.emit({ op: 'UpsertNode', node: { warp: w, local: opNode }, record: { ty: T('sys/view/op') } });
      delta.emit({ op: 'UpsertEdge', warp: w, record: { id: E('edge:view/op:' + d), from: viewNode, to: opNode, ty: T('edge:view/op') } });
      // The message's UTF-8 bytes, no length prefix.
      delta.emit({ op: 'SetAttachment', key: nodeAlpha(w, opNode), value: atom(TYPEID_VIEW_OP_SHOWTOAST, message.bytes.slice()) });
    },
  );
  return { ...rule, readsDeltaLength: true };
}

/** `cmd/route_push`: sim/state/routePath := u32le(n) ‖ path. @public */
export function routePushRule(): RewriteRule {
  const path = 'sim/state/routePath';
  return cmdRule(
    DIND_RULE_NAMES.ROUTE_PUSH,
    OP_ID.ROUTE_PUSH,
    (view, scope) => stateNodeFootprint(view, scope, path),
    (view, scope, delta) => {
      const vars = varsOf(view, scope);
      const route = vars ? readLenPrefixedString(vars, 0) : null;
      if (!route) return;
      emitStateLeaf(delta, view.warpId(), path, T(path), 'edge:routePath', atom(TYPEID_STATE_ROUTE_PATH, lenPrefixed(route.bytes)));
    },
  );
}

/** `cmd/set_theme`: sim/state/theme := u16le(mode). @public */
export function setThemeRule(): RewriteRule {
  const path = 'sim/state/theme';
  return cmdRule(
    DIND_RULE_NAMES.SET_THEME,
    OP_ID.SET_THEME,
    (view, scope) => stateNodeFootprint(view, scope, path),
    (view, scope, delta) => {
      const vars = varsOf(view, scope);
      const mode = vars ? decodeSetThemeVars(vars) : null;
      if (mode === null) return;
      emitStateLeaf(delta, view.warpId(), path, T(path), 'edge:theme', atom(TYPEID_STATE_THEME, encodeSetThemeVars(mode)));
    },
  );
}

/** `cmd/toggle_nav`: sim/state/navOpen := [1 − cur], cur from the pre-tick atom of any type. @public */
export function toggleNavRule(): RewriteRule {
  const path = 'sim/state/navOpen';
  return cmdRule(
    DIND_RULE_NAMES.TOGGLE_NAV,
    OP_ID.TOGGLE_NAV,
    (view, scope) => stateNodeFootprint(view, scope, path),
    (view, _scope, delta) => {
      const cur = view.nodeAttachment(N(path));
      const open = cur !== undefined && cur.kind === 'atom' && cur.bytes.length > 0 && cur.bytes[0] === 1;
      emitStateLeaf(delta, view.warpId(), path, T(path), 'edge:navOpen', atom(TYPEID_STATE_NAV_OPEN, new Uint8Array([open ? 0 : 1])));
    },
  );
}

/** Six i64le values: pos x,y,z then vel x,y,z (wrapped to i64). @public */
export function encodeMotionV2(pos: readonly bigint[], vel: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(48);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < 3; i++) {
    dv.setBigInt64(8 * i, BigInt.asIntN(64, pos[i]!), true);
    dv.setBigInt64(24 + 8 * i, BigInt.asIntN(64, vel[i]!), true);
  }
  return out;
}

/** `MotionV2View`: valid only for an atom of TYPEID_PAYLOAD_MOTION_V2 with exactly 48 bytes. @public */
export function motionV2View(v: AttachmentValue | undefined): { pos: bigint[]; vel: bigint[] } | null {
  if (!v || v.kind !== 'atom' || v.bytes.length !== 48) return null;
  const ty = v.typeId;
  for (let i = 0; i < 32; i++) if (ty[i] !== TYPEID_PAYLOAD_MOTION_V2[i]) return null;
  const dv = new DataView(v.bytes.buffer, v.bytes.byteOffset, 48);
  const at = (k: number) => dv.getBigInt64(8 * k, true);
  return { pos: [at(0), at(1), at(2)], vel: [at(3), at(4), at(5)] };
}

/** `cmd/drop_ball`: an (unreachable) ball at y = 400 falling at 5/tick. @public */
export function dropBallRule(): RewriteRule {
  return cmdRule(
    DIND_RULE_NAMES.DROP_BALL,
    OP_ID.DROP_BALL,
    (view, scope) => stateNodeFootprint(view, scope, 'ball').writeNode(BALL_NODE),
    (view, _scope, delta) => {
      const w = view.warpId();
      delta.emit({ op: 'UpsertNode', node: { warp: w, local: BALL_NODE }, record: { ty: T('entity') } });
      const bytes = encodeMotionV2([0n, 400n * FIXED_ONE, 0n], [0n, -5n * FIXED_ONE, 0n]);
      delta.emit({ op: 'SetAttachment', key: nodeAlpha(w, BALL_NODE), value: atom(TYPEID_PAYLOAD_MOTION_V2, bytes) });
    },
  );
}

/** `physics/ball`: semi-implicit Euler with gravity 1/tick² until the ball rests at y = 0. @public */
export function ballPhysicsRule(): RewriteRule {
  const i64 = (x: bigint) => BigInt.asIntN(64, x);
  return {
    id: dindRuleId(DIND_RULE_NAMES.BALL_PHYSICS),
    name: DIND_RULE_NAMES.BALL_PHYSICS,
    matcher: (view, scope) => {
      if (!sameId(scope, BALL_NODE)) return false;
      const m = motionV2View(view.nodeAttachment(scope));
      return m !== null && (m.vel.some((v) => v !== 0n) || m.pos[1] !== 0n);
    },
    computeFootprint: (view, scope) => new Footprint().writeAttachment(nodeAlpha(view.warpId(), scope)),
    executor: (view, scope, delta) => {
      const m = motionV2View(view.nodeAttachment(scope));
      if (!m) return;
      let { pos, vel } = m;
      if (pos[1]! > 0n) vel[1] = i64(vel[1]! - FIXED_ONE);
      pos[1] = i64(pos[1]! + vel[1]!);
      if (pos[1]! <= 0n) {
        pos = [pos[0]!, 0n, pos[2]!];
        vel = [0n, 0n, 0n];
      }
      delta.emit({ op: 'SetAttachment', key: nodeAlpha(view.warpId(), scope), value: atom(TYPEID_PAYLOAD_MOTION_V2, encodeMotionV2(pos, vel)) });
    },
    left: [],
    factorMask: 0n,
    conflictPolicy: 'abort',
  };
}

/** `cmd/put_kv`: sim/state/kv/<key> := u32le(v) ‖ value; empty footprint when the vars do not decode. @public */
export function putKvRule(): RewriteRule {
  // Raw-byte twin of decodePutKvVars: the stored value keeps the frame's exact UTF-8 bytes.
  const kvOf = (view: GraphView, scope: NodeId) => {
    const vars = varsOf(view, scope);
    const k = vars ? readLenPrefixedString(vars, 0) : null;
    const v = k ? readLenPrefixedString(vars!, k.next) : null;
    return k && v ? { key: k.value, value: v.bytes } : null;
  };
  return cmdRule(
    DIND_RULE_NAMES.PUT_KV,
    OP_ID.PUT_KV,
    (view, scope) => {
      const kv = kvOf(view, scope);
      return kv ? stateNodeFootprint(view, scope, 'sim/state/kv/' + kv.key) : new Footprint();
    },
    (view, scope, delta) => {
      const kv = kvOf(view, scope);
      if (!kv) return;
      emitStateLeaf(delta, view.warpId(), 'sim/state/kv/' + kv.key, T('sim/state/kv'), 'edge:kv', atom(TYPEID_STATE_KV, lenPrefixed(kv.value)));
    },
  );
}

/**
 * The seven app rules in kernel registration order (compact ids 1–7; motion/update is 0 and
 * sys/ack_pending 8, see kernel.ts).
 * @public
 */
export function dindAppRules(): RewriteRule[] {
  return [toastRule(), routePushRule(), setThemeRule(), toggleNavRule(), dropBallRule(), ballPhysicsRule(), putKvRule()];
}

function sameId(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
