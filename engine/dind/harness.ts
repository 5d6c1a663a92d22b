/**
 * The DIND harness (ENGINE-SPEC §11.3, §11.7, crate `echo-dind-harness`): replay a `.eintlog`
 * through a fresh `EchoKernel`, record DIND_STATE_HASH_V2 after every step, compare with goldens,
 * and the `converge` projection.
 *
 * Frozen behaviour:
 * - `hashes[0]` is the fresh kernel. The header's schema hash must equal `SCHEMA_HASH_HEX`.
 * - Sequential mode: per frame, ingest → step → record (also when the step aborted).
 * - Ingest-all-first mode (file name starts with "050_", or a MANIFEST tag ingest-all-first /
 *   permute-invariant / order-sensitive): ingest every frame, then while intents are pending:
 *   fail when ticks ≥ max(4·pending, 256); step; a step that commits nothing costs one unit of the
 *   stall budget (64) and records nothing; a committed step records a hash and resets the budget
 *   if the pending count shrank, else costs one unit. The post-ingest hash is NOT recorded.
 * - Projection: BFS from N(scope) along `edgesFrom` in bucket order; a fresh store with the visited
 *   nodes (and their attachments) and the traversed edges whose ends were both visited; its
 *   DIND hash. A missing scope node gives the empty-store hash.
 */
import { toHex } from '../bytes';
import { canonicalStateHash } from '../canonicalStateHash';
import { GraphStore } from '../graph';
import { makeNodeId, type IdHex, type NodeId } from '../ident';
import type { EdgeRecord } from '../record';
import { readEintLog } from './eintlog';
import { EchoKernel } from './kernel';
import { SCHEMA_HASH_HEX } from './typeIds';

/** @public */ export const DIND_ELOG_VERSION = 1;
/** @public */ export const DIND_HASH_DOMAIN = 'DIND_STATE_HASH_V2';
/** @public */ export const DIND_HASH_ALG = 'BLAKE3';

/** @public */
export type DindMode = 'sequential' | 'ingest-all-first';

/** @public */
export type DindHarnessErrorCode = 'SchemaMismatch' | 'MaxTicksExceeded' | 'StallBudgetExhausted' | 'BadGolden' | 'BadManifest';

/** A harness-level failure (the log itself parsed; see `EintLogError` for format errors). @public */
export class DindHarnessError extends Error {
  constructor(
    readonly code: DindHarnessErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DindHarnessError';
  }
}

/** One MANIFEST.json entry. @public */
export interface DindManifestEntry {
  readonly path: string;
  readonly tags: readonly string[];
  readonly desc?: string;
  readonly converge_scope?: string;
}

/** A `*.hashes.json` golden. @public */
export interface DindGolden {
  readonly elog_version: number;
  readonly schema_hash_hex: string;
  readonly hash_domain: string;
  readonly hash_alg: string;
  readonly hashes_hex: readonly string[];
}

/** @public */
export interface DindRunResult {
  readonly schemaHashHex: string;
  readonly hashes: string[];
  readonly mode: DindMode;
  /** The kernel after the run (ledger, final store). */
  readonly kernel: EchoKernel;
}

/** Budgets of ingest-all-first mode (upstream values by default). @public */
export interface DrainLimits {
  readonly minMaxTicks: number;
  readonly ticksPerPending: number;
  readonly stallBudget: number;
}

/** @public */
export const DEFAULT_DRAIN_LIMITS: DrainLimits = Object.freeze({ minMaxTicks: 256, ticksPerPending: 4, stallBudget: 64 });

const INGEST_ALL_FIRST_TAGS = ['ingest-all-first', 'permute-invariant', 'order-sensitive'];

function baseName(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i >= 0 ? p.slice(i + 1) : p;
}

/** The manifest entry of a log (matched by file name), if any. @public */
export function manifestEntryFor(fileName: string, manifest: readonly DindManifestEntry[] | null | undefined): DindManifestEntry | undefined {
  const name = baseName(fileName);
  return manifest?.find((e) => e.path === name);
}

/** The harness mode for a log file name (a path is reduced to its base name). @public */
export function modeFor(fileName: string, manifest?: readonly DindManifestEntry[] | null): DindMode {
  if (baseName(fileName).startsWith('050_')) return 'ingest-all-first';
  const entry = manifestEntryFor(fileName, manifest);
  return entry && entry.tags.some((t) => INGEST_ALL_FIRST_TAGS.includes(t)) ? 'ingest-all-first' : 'sequential';
}

/** Sequential mode: ingest, step and record one hash per frame. @public */
export function replaySequential(kernel: EchoKernel, frames: readonly Uint8Array[], hashes: string[]): void {
  for (const f of frames) {
    kernel.dispatchIntent(f);
    kernel.step();
    hashes.push(kernel.stateHashHex());
  }
}

/**
 * Ingest-all-first mode after ingestion: step until nothing is pending, recording one hash per
 * committed step. @throws DindHarnessError(MaxTicksExceeded | StallBudgetExhausted)
 * @public
 */
export function drainPending(kernel: EchoKernel, hashes: string[], limits: DrainLimits = DEFAULT_DRAIN_LIMITS): void {
  const maxTicks = Math.max(limits.ticksPerPending * kernel.pendingIntentCount(), limits.minMaxTicks);
  let ticks = 0;
  let budget = limits.stallBudget;
  const spend = (why: string) => {
    budget -= 1;
    if (budget <= 0) {
      throw new DindHarnessError('StallBudgetExhausted', `stall budget of ${limits.stallBudget} exhausted after ${ticks} ticks (${why}; ${kernel.pendingIntentCount()} intents still pending)`);
    }
  };
  for (let pending = kernel.pendingIntentCount(); pending > 0; ) {
    if (ticks >= maxTicks) {
      throw new DindHarnessError('MaxTicksExceeded', `exceeded max_ticks = ${maxTicks} with ${pending} intents still pending`);
    }
    if (!kernel.step()) {
      spend('a step committed nothing');
      continue;
    }
    ticks += 1;
    hashes.push(kernel.stateHashHex());
    const after = kernel.pendingIntentCount();
    if (after < pending) budget = limits.stallBudget;
    else spend('a step did not reduce the pending count');
    pending = after;
  }
}

/**
 * Replays one log. @throws EintLogError (malformed log), DindHarnessError(SchemaMismatch |
 * MaxTicksExceeded | StallBudgetExhausted), engine errors from a failing commit.
 * @public
 */
export function runDindScenario(log: Uint8Array, opts: { readonly ingestAllFirst: boolean; readonly limits?: DrainLimits }): DindRunResult {
  const { schemaHash, frames } = readEintLog(log);
  const schemaHashHex = toHex(schemaHash);
  if (schemaHashHex !== SCHEMA_HASH_HEX) {
    throw new DindHarnessError('SchemaMismatch', `scenario schema hash ${schemaHashHex} differs from the kernel's ${SCHEMA_HASH_HEX}`);
  }
  const kernel = new EchoKernel();
  const hashes = [kernel.stateHashHex()];
  if (opts.ingestAllFirst) {
    for (const f of frames) kernel.dispatchIntent(f);
    drainPending(kernel, hashes, opts.limits);
  } else {
    replaySequential(kernel, frames, hashes);
  }
  return { schemaHashHex, hashes, mode: opts.ingestAllFirst ? 'ingest-all-first' : 'sequential', kernel };
}

/** The `converge` projection of `store` rooted at `makeNodeId(scopeLabel)`, as lowercase hex. @public */
export function projectedHash(store: GraphStore, scopeLabel: string): string {
  const root = makeNodeId(scopeLabel);
  const sub = new GraphStore(store.warpId);
  if (!store.hasNode(root)) return toHex(canonicalStateHash(sub));
  const visited = new Map<IdHex, NodeId>([[toHex(root), root]]);
  const queue: NodeId[] = [root];
  const edges: EdgeRecord[] = [];
  for (let i = 0; i < queue.length; i++) {
    for (const e of store.edgesFrom(queue[i]!)) {
      edges.push(e);
      const k = toHex(e.to);
      if (!visited.has(k)) {
        visited.set(k, e.to);
        queue.push(e.to);
      }
    }
  }
  for (const k of Array.from(visited.keys()).sort()) {
    const rec = store.nodeByHex(k);
    if (!rec) continue;
    const id = visited.get(k)!;
    sub.insertNode(id, rec);
    const att = store.nodeAttachmentByHex(k);
    if (att) sub.setNodeAttachment(id, att);
  }
  for (const e of edges) {
    if (!visited.has(toHex(e.from)) || !visited.has(toHex(e.to))) continue;
    sub.insertEdge(e.from, e);
    const att = store.edgeAttachment(e.id);
    if (att) sub.setEdgeAttachment(e.id, att);
  }
  return toHex(canonicalStateHash(sub));
}

// ------------------------------------------------------------------ goldens

const HEX64 = /^[0-9a-f]{64}$/;

/** Validates a parsed `*.hashes.json`. @throws DindHarnessError(BadGolden) naming the field. @public */
export function parseGolden(json: unknown): DindGolden {
  const bad = (why: string): never => {
    throw new DindHarnessError('BadGolden', why);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) bad('golden must be a JSON object');
  const o = json as Record<string, unknown>;
  if (o.elog_version !== DIND_ELOG_VERSION) bad(`elog_version must be ${DIND_ELOG_VERSION}, got ${JSON.stringify(o.elog_version)}`);
  if (typeof o.schema_hash_hex !== 'string' || !HEX64.test(o.schema_hash_hex)) bad('schema_hash_hex must be 64 lowercase hex digits');
  if (o.hash_domain !== DIND_HASH_DOMAIN) bad(`hash_domain must be "${DIND_HASH_DOMAIN}", got ${JSON.stringify(o.hash_domain)}`);
  if (o.hash_alg !== DIND_HASH_ALG) bad(`hash_alg must be "${DIND_HASH_ALG}", got ${JSON.stringify(o.hash_alg)}`);
  if (!Array.isArray(o.hashes_hex)) bad('hashes_hex must be an array');
  const hashes = o.hashes_hex as unknown[];
  if (hashes.length === 0) bad('hashes_hex is empty (it must hold at least the fresh kernel hash)');
  hashes.forEach((h, i) => {
    if (typeof h !== 'string' || !HEX64.test(h)) bad(`hashes_hex[${i}] is not 64 lowercase hex digits`);
  });
  return {
    elog_version: o.elog_version as number,
    schema_hash_hex: o.schema_hash_hex as string,
    hash_domain: o.hash_domain as string,
    hash_alg: o.hash_alg as string,
    hashes_hex: hashes as string[],
  };
}

/** Validates a parsed MANIFEST.json. @throws DindHarnessError(BadManifest). @public */
export function parseManifest(json: unknown): DindManifestEntry[] {
  const bad = (why: string): never => {
    throw new DindHarnessError('BadManifest', why);
  };
  if (!Array.isArray(json)) bad('manifest must be a JSON array');
  return (json as unknown[]).map((e, i) => {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) bad(`entry ${i} must be an object`);
    const o = e as Record<string, unknown>;
    if (typeof o.path !== 'string') bad(`entry ${i}: path must be a string`);
    const tags = o.tags ?? [];
    if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) bad(`entry ${i}: tags must be an array of strings`);
    if (o.desc !== undefined && typeof o.desc !== 'string') bad(`entry ${i}: desc must be a string`);
    if (o.converge_scope !== undefined && o.converge_scope !== null && typeof o.converge_scope !== 'string') bad(`entry ${i}: converge_scope must be a string`);
    const entry: DindManifestEntry = {
      path: o.path as string,
      tags: tags as string[],
      ...(typeof o.desc === 'string' ? { desc: o.desc } : {}),
      ...(typeof o.converge_scope === 'string' ? { converge_scope: o.converge_scope } : {}),
    };
    return entry;
  });
}

/** @public */
export interface StepMismatch {
  readonly step: number;
  readonly expected: string;
  readonly actual: string;
}

/** @public */
export interface GoldenReport {
  readonly ok: boolean;
  /** Set when the golden's schema hash differs from the log's. */
  readonly schemaMismatch?: { readonly expected: string; readonly actual: string };
  /** Set when the run and the golden have different lengths. */
  readonly lengthMismatch?: { readonly expected: number; readonly actual: number };
  /** Steps (over the common prefix) whose hashes differ, ascending. */
  readonly mismatches: StepMismatch[];
  /** Golden steps reproduced exactly. */
  readonly matched: number;
  /** Golden steps (`hashes_hex.length`). */
  readonly total: number;
}

/** Compares a run with its golden: schema hash, length, every step. @public */
export function verifyAgainstGolden(result: { readonly schemaHashHex: string; readonly hashes: readonly string[] }, golden: DindGolden): GoldenReport {
  const mismatches: StepMismatch[] = [];
  const n = Math.min(result.hashes.length, golden.hashes_hex.length);
  let matched = 0;
  for (let i = 0; i < n; i++) {
    const expected = golden.hashes_hex[i]!;
    const actual = result.hashes[i]!;
    if (expected === actual) matched++;
    else mismatches.push({ step: i, expected, actual });
  }
  const schemaMismatch = golden.schema_hash_hex === result.schemaHashHex ? undefined : { expected: golden.schema_hash_hex, actual: result.schemaHashHex };
  const lengthMismatch =
    golden.hashes_hex.length === result.hashes.length ? undefined : { expected: golden.hashes_hex.length, actual: result.hashes.length };
  return {
    ok: !schemaMismatch && !lengthMismatch && mismatches.length === 0,
    ...(schemaMismatch ? { schemaMismatch } : {}),
    ...(lengthMismatch ? { lengthMismatch } : {}),
    mismatches,
    matched,
    total: golden.hashes_hex.length,
  };
}

/**
 * The converge scope of a set of logs (upstream `resolve_converge_scope`): none when no entry has
 * one; otherwise every log must have the same one.
 * @throws DindHarnessError(BadManifest) on a scope mismatch or a log without a scope.
 * @public
 */
export function resolveConvergeScope(entries: readonly { readonly name: string; readonly entry: DindManifestEntry | undefined }[]): string | null {
  let scope: string | null = null;
  const missing: string[] = [];
  for (const { name, entry } of entries) {
    const s = entry?.converge_scope;
    if (s === undefined) {
      missing.push(name);
      continue;
    }
    if (scope === null) scope = s;
    else if (scope !== s) throw new DindHarnessError('BadManifest', `converge scope mismatch: "${scope}" vs "${s}" (${name})`);
  }
  if (scope === null) return null;
  if (missing.length > 0) throw new DindHarnessError('BadManifest', `converge scope missing for ${missing.join(', ')}`);
  return scope;
}
