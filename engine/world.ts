/**
 * World modules: one TypeScript file = rules + attachment codecs + initial graph + a driver that
 * decides what happens each tick. The Studio, the CLI and BOAW worker threads load the same file
 * and get the same rules.
 *
 * Module contract (documented in docs/worlds.md):
 *   export default function world(api: WorldApi): WorldDefinition
 * The loader hands the module this engine's API object, so a world file needs no imports and no
 * node_modules beside it (`import type` lines are fine: they are erased).
 *
 * Invariants:
 * - A world is deterministic: `init` and `driver` may depend only on `params`, the tick number and
 *   the engine state they are shown (no clocks, no randomness — use `api.prng(seed)`).
 * - `validateWorld` checks the shape before anything runs and names the offending field.
 * - `WorldSession.tick()` either commits one tick or throws a typed error naming rule, scope and
 *   tick; a failed tick leaves the engine state unchanged — including the intents its driver
 *   ingested during that tick (`Engine.rollbackInputs`), so a retry starts from the same state.
 */
import * as bytes from './bytes';
import { Engine, type EngineOptions, type TickRecord } from './engine';
import { EngineError, TickFailedError } from './errors';
import { Footprint, packPortKey } from './footprint';
import { GraphStore } from './graph';
import type { GraphView } from './graphView';
import * as ident from './ident';
import type { Hash, NodeId, WarpId } from './ident';
import * as dind from './dind/index';
import * as inbox from './inbox';
import * as payload from './payload';
import * as record from './record';
import type { AttachmentKey } from './record';
import type { RewriteRule } from './rule';
import { motionRule } from './rules/motion';

/** Decodes one attachment type for the inspector (and optionally encodes it back). @public */
export interface AttachmentCodec {
  readonly typeId: Uint8Array;
  readonly name: string;
  decode(bytes: Uint8Array): unknown;
  encode?(value: unknown): Uint8Array;
}

/** A world parameter with its default. @public */
export interface WorldParam {
  readonly default: number | string;
  readonly description?: string;
}

/** What the driver can do during one tick. @public */
export interface TickContext {
  /** Tick number, 0-based. */
  readonly tick: number;
  readonly params: Readonly<Record<string, number | string>>;
  /** Read-only view of the root instance. */
  readonly view: GraphView;
  /** Ingests an intent now (outside the tx, recorded with this tick). */
  ingest(bytes: Uint8Array): inbox.IngestDisposition;
  /** Dispatches the next pending intent into this tick's tx. */
  dispatchNextIntent(): inbox.DispatchDisposition;
  /** Applies a rule in the root instance. */
  apply(rule: string, scope: NodeId): 'applied' | 'noMatch';
  /** Applies a rule inside instance `warp`, with the portal keys that lead there. */
  applyInWarp(warp: WarpId, rule: string, scope: NodeId, descent?: readonly AttachmentKey[]): 'applied' | 'noMatch';
  /** The engine, for reads (instances, stores). Do not commit from a driver. */
  readonly engine: Engine;
}

/** The object a world module returns. @public */
export interface WorldDefinition {
  readonly name: string;
  readonly description: string;
  readonly params?: Readonly<Record<string, WorldParam>>;
  /** Rules, registered in this order (registration order sets compact ids). */
  rules(params: Readonly<Record<string, number | string>>): readonly RewriteRule[];
  readonly codecs?: readonly AttachmentCodec[];
  /** Builds the initial graph by direct store mutation (before the first tick). */
  init(params: Readonly<Record<string, number | string>>): { store: GraphStore; root: NodeId };
  /** Decides what happens in tick `ctx.tick`. */
  driver(ctx: TickContext): void;
  /**
   * Whether the Studio checks every executor's ops against its declared write footprint
   * (`EngineOptions.strictFootprints`; a write outside it fails the tick with
   * `FootprintViolation`). Default true in the Studio. Set false only for worlds that reproduce a
   * reference whose rules write outside their footprints on purpose (the DIND kernel). Hashes are
   * the same either way: the check only decides whether such a tick fails.
   */
  readonly strictFootprints?: boolean;
}

/** A world module's default export. @public */
export type WorldModule = (api: WorldApi) => WorldDefinition;

/** Deterministic PRNG (mulberry32) for worlds. @public */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Builds a rule, deriving its id as BLAKE3("rule:" ‖ name) unless one is given. @public */
export function defineRule(spec: {
  name: string;
  id?: Hash;
  matcher: RewriteRule['matcher'];
  footprint: RewriteRule['computeFootprint'];
  executor: RewriteRule['executor'];
}): RewriteRule {
  return { id: spec.id ?? ident.makeRuleId(spec.name), name: spec.name, matcher: spec.matcher, computeFootprint: spec.footprint, executor: spec.executor };
}

/** Everything a world module may use, handed to it by the loader. @public */
export const worldApi = {
  ...ident,
  ...bytes,
  ...record,
  ...payload,
  inbox,
  dind,
  Footprint,
  GraphStore,
  packPortKey,
  defineRule,
  prng,
  motionRule,
  /** Rule id in the TYPE domain, the convention of warp-core's system and DIND rules. */
  typeRuleId: (name: string): Hash => ident.makeTypeId('rule:' + name),
} as const;

/** @public */
export type WorldApi = typeof worldApi;

/** Human labels of ids derived through the API (hex → "node:cell-0-0"); display only, never hashed. @public */
export type LabelBook = Map<string, string>;

/** A world API whose id makers also record each id's label into `labels`. @public */
export function labellingWorldApi(labels: LabelBook): WorldApi {
  const wrap =
    <T extends Uint8Array>(kind: string, f: (s: string) => T) =>
    (s: string): T => {
      const id = f(s);
      const k = bytes.toHex(id);
      if (!labels.has(k)) labels.set(k, `${kind}:${s}`);
      return id;
    };
  return {
    ...worldApi,
    makeNodeId: wrap('node', ident.makeNodeId),
    makeTypeId: wrap('type', ident.makeTypeId),
    makeEdgeId: wrap('edge', ident.makeEdgeId),
    makeWarpId: wrap('warp', ident.makeWarpId),
  };
}

/** Why a world could not be loaded or run. @public */
export class WorldError extends Error {
  constructor(
    readonly code: 'NotFound' | 'SyntaxError' | 'LoadFailed' | 'BadShape' | 'DuplicateRule' | 'UnknownRule' | 'BadParam' | 'RuleThrew' | 'InitFailed',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WorldError';
  }
}

/** Checks a module's default export and the definition it returns; names the first bad field. @public */
export function instantiateWorld(mod: unknown, where: string, api: WorldApi = worldApi): WorldDefinition {
  if (typeof mod !== 'function') {
    throw new WorldError('BadShape', `${where}: default export must be a function (api) => world, got ${describeType(mod)}`);
  }
  let def: unknown;
  try {
    def = (mod as WorldModule)(api);
  } catch (e) {
    throw new WorldError('BadShape', `${where}: the world function threw: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const d = def as Record<string, unknown>;
  if (!d || typeof d !== 'object') throw new WorldError('BadShape', `${where}: the world function must return an object, got ${describeType(def)}`);
  const need: Array<[string, string]> = [
    ['name', 'string'],
    ['description', 'string'],
    ['rules', 'function'],
    ['init', 'function'],
    ['driver', 'function'],
  ];
  for (const [k, t] of need) {
    if (typeof d[k] !== t) throw new WorldError('BadShape', `${where}: world.${k} must be a ${t}, got ${describeType(d[k])}`);
  }
  if (d.codecs !== undefined && !Array.isArray(d.codecs)) throw new WorldError('BadShape', `${where}: world.codecs must be an array`);
  if (d.params !== undefined && (typeof d.params !== 'object' || d.params === null)) throw new WorldError('BadShape', `${where}: world.params must be an object`);
  if (d.strictFootprints !== undefined && typeof d.strictFootprints !== 'boolean') {
    throw new WorldError('BadShape', `${where}: world.strictFootprints must be a boolean, got ${describeType(d.strictFootprints)}`);
  }
  return def as WorldDefinition;
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}

/** Resolves `k=v` parameters against the world's declared params (numbers stay numbers). @public */
export function resolveParams(def: WorldDefinition, given: Readonly<Record<string, string>>): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  const declared = def.params ?? {};
  for (const [k, p] of Object.entries(declared)) out[k] = p.default;
  for (const [k, raw] of Object.entries(given)) {
    const p = declared[k];
    if (!p) throw new WorldError('BadParam', `world "${def.name}" has no parameter "${k}" (known: ${Object.keys(declared).sort().join(', ') || 'none'})`);
    if (typeof p.default === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new WorldError('BadParam', `parameter "${k}" must be a number, got "${raw}"`);
      out[k] = n;
    } else out[k] = raw;
  }
  return out;
}

function validateRule(r: unknown, i: number, world: string): RewriteRule {
  const rr = r as Record<string, unknown>;
  if (!rr || typeof rr !== 'object') throw new WorldError('BadShape', `world "${world}": rules()[${i}] is not an object`);
  if (typeof rr.name !== 'string' || rr.name === '') throw new WorldError('BadShape', `world "${world}": rules()[${i}].name must be a non-empty string`);
  if (!(rr.id instanceof Uint8Array) || rr.id.length !== 32) throw new WorldError('BadShape', `world "${world}": rule "${rr.name}" needs a 32-byte id (use api.defineRule)`);
  for (const f of ['matcher', 'executor', 'computeFootprint']) {
    if (typeof rr[f] !== 'function') throw new WorldError('BadShape', `world "${world}": rule "${rr.name}".${f} must be a function`);
  }
  return r as RewriteRule;
}

/** A running world: an engine plus its driver, one committed tick per `tick()`. @public */
export class WorldSession {
  readonly engine: Engine;
  readonly params: Readonly<Record<string, number | string>>;
  private nextTick = 0;

  constructor(
    readonly world: WorldDefinition,
    params: Readonly<Record<string, string>> = {},
    options: EngineOptions = {},
  ) {
    this.params = resolveParams(world, params);
    let seed: { store: GraphStore; root: NodeId };
    try {
      seed = world.init(this.params);
    } catch (e) {
      throw new WorldError('InitFailed', `world "${world.name}": init threw: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (!seed || !(seed.store instanceof GraphStore) || !(seed.root instanceof Uint8Array)) {
      throw new WorldError('BadShape', `world "${world.name}": init must return { store: GraphStore, root: NodeId }`);
    }
    this.engine = new Engine(seed.store, seed.root, options);
    const rules = world.rules(this.params);
    if (!Array.isArray(rules)) throw new WorldError('BadShape', `world "${world.name}": rules() must return an array`);
    rules.forEach((r, i) => {
      try {
        this.engine.registerRule(validateRule(r, i, world.name));
      } catch (e) {
        if (e instanceof EngineError) throw new WorldError('DuplicateRule', `world "${world.name}": ${e.message}`, { cause: e });
        throw e;
      }
    });
  }

  /** Number of committed ticks. */
  get tickCount(): number {
    return this.nextTick;
  }

  /** Runs the driver's tick `k` (timelines resume branches at any depth) and commits it. */
  runTick(k: number, opts: { shuffleSeed?: number } = {}): TickRecord {
    this.nextTick = k;
    return this.tick(opts);
  }

  /**
   * Runs the driver for the next tick and commits it.
   * @throws WorldError(UnknownRule) when the driver names an unregistered rule;
   *         WorldError(RuleThrew) when a rule throws (naming rule, scope and tick).
   */
  tick(opts: { shuffleSeed?: number } = {}): TickRecord {
    const k = this.nextTick;
    const deferred: Array<() => 'applied' | 'noMatch'> | null = opts.shuffleSeed === undefined ? null : [];
    const e = this.engine;
    // Direct edits made before this tick stay; those the driver makes (ingests) are part of the
    // tick and are undone with it when it fails.
    const mark = e.inputMark();
    const tx = e.begin();
    const root = e.root;
    const guard = <T>(rule: string, scope: Uint8Array | null, what: () => T): T => {
      try {
        return what();
      } catch (err) {
        if (err instanceof EngineError && err.code === 'UnknownRule') {
          throw new WorldError('UnknownRule', `world "${this.world.name}", tick ${k}: driver ${err.message}`, { cause: err });
        }
        if (err instanceof EngineError) throw err;
        const at = scope ? ` at scope ${bytes.toHex(scope)}` : '';
        throw new WorldError('RuleThrew', `world "${this.world.name}", tick ${k}: rule "${rule}"${at} threw while matching: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    };
    const ctx: TickContext = {
      tick: k,
      params: this.params,
      view: viewOfRoot(e),
      engine: e,
      ingest: (b) => e.ingestIntent(b),
      dispatchNextIntent: () => guard('cmd/*', null, () => e.dispatchNextIntent(tx)),
      apply: (rule, scope) => {
        const run = () => guard(rule, scope, () => e.applyInWarp(tx, root.warp, rule, scope, []));
        if (!deferred) return run();
        deferred.push(run);
        return 'applied';
      },
      applyInWarp: (warp, rule, scope, descent = []) => {
        const run = () => guard(rule, scope, () => e.applyInWarp(tx, warp, rule, scope, descent));
        if (!deferred) return run();
        deferred.push(run);
        return 'applied';
      },
    };
    try {
      this.world.driver(ctx);
      // Determinism check mode: replay the driver's apply calls in a seeded shuffled order.
      if (deferred) {
        const rnd = prng(opts.shuffleSeed! + k);
        for (let i = deferred.length - 1; i > 0; i--) {
          const j = Math.floor(rnd() * (i + 1));
          [deferred[i], deferred[j]] = [deferred[j]!, deferred[i]!];
        }
        for (const run of deferred) run();
      }
    } catch (err) {
      if (e.isLive(tx)) e.abort(tx);
      e.rollbackInputs(mark);
      if (err instanceof WorldError || err instanceof EngineError) throw err;
      throw new WorldError('RuleThrew', `world "${this.world.name}", tick ${k}: the driver threw: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    try {
      const rec = e.commitWithReceipt(tx);
      this.nextTick++;
      return rec;
    } catch (err) {
      if (e.isLive(tx)) e.abort(tx);
      e.rollbackInputs(mark);
      if (err instanceof TickFailedError) {
        const d = err.detail;
        const who = d.ruleName ? `rule "${d.ruleName}" at scope ${d.scopeHex}` : 'the tick';
        throw new WorldError('RuleThrew', `world "${this.world.name}", tick ${k}: ${who} failed: ${err.message}`, { cause: err });
      }
      throw err;
    }
  }
}

function viewOfRoot(e: Engine): GraphView {
  const store = () => e.rootStore;
  return {
    warpId: () => store().warpId,
    node: (id) => store().node(id),
    nodeAttachment: (id) => store().nodeAttachment(id),
    edgesFrom: (id) => store().edgesFrom(id),
    hasEdge: (id) => store().hasEdge(id),
    edgeAttachment: (id) => store().edgeAttachment(id),
  };
}

/** Types a world file may want (import them with `import type`; they vanish at run time). @public */
export type { AttachmentValue, AttachmentKey, EdgeRecord, NodeRecord } from './record';
export type { GraphView } from './graphView';
export type { NodeId, EdgeId, TypeId, WarpId, Hash } from './ident';
export type { RewriteRule } from './rule';
export type { TickDelta, WarpOp } from './tickDelta';
