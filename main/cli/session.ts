/**
 * Session-file commands:
 *   echo-studio verify <session>
 *   echo-studio diff <session> <commitA> <commitB>
 *   echo-studio diverge <sessionA> <sessionB> [--branch NAME] [--branch-b NAME]
 *   echo-studio session export <world> --ticks N [--fork NAME@DEPTH[+STEPS][=INTENT]]… [--merge OURS:THEIRS]… --out FILE
 *   echo-studio session recover <journal> --out FILE
 *
 * Exit codes (docs/timelines.md): 0 ok (verified; diverge: the chains are identical); 1 a check
 * failed — the file is corrupted, truncated, tampered or does not replay (any `SessionError`), or
 * `diverge` found a difference; 2 bad input — usage, a missing or unreadable path, an unknown
 * commit reference, an unknown world. Errors are one line on stderr naming the record and offset.
 * `verify`, `diff` and `diverge` need only the session file, not the world it was recorded with.
 */
import { computeStateRoot, diffState, toHex, utf8, type WarpOp } from '../../engine/index';
import {
  SESSION_FORMAT_VERSION,
  SessionError,
  Timeline,
  TimelineError,
  decodeSession,
  encodeSession,
  resolveSessionRef,
  sessionChain,
  sessionFirstDivergence,
  sessionStateAt,
  slotLabel,
  verifySessionData,
  type SessionData,
} from '../../engine/timeline/index';
import { WorldError, WorldSession } from '../../engine/world';
import { readFileBytes, SessionFileError, writeFileAtomic } from '../sessions/files';
import { journalToSessionBytes, recoverJournal } from '../sessions/journal';
import { loadWorld } from '../worlds/loader';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK, intOption, parseArgs, parseParams, UsageError, type CliIo } from './io';
import { worldErrorExit } from './run';

export const VERIFY_USAGE = 'verify <session>                                 replay-verify a session file';
export const DIFF_USAGE = 'diff <session> <commitA> <commitB>               state diff A → B (hex prefix, branch or u0)';
export const DIVERGE_USAGE = 'diverge <sessionA> <sessionB> [--branch B] [--branch-b B]   first divergence of two sessions';
export const SESSION_USAGE = [
  'session export <world> --ticks N [--fork NAME@DEPTH[+STEPS][=INTENT]]… [--merge OURS:THEIRS]… [--param k=v …] --out FILE',
  'session recover <journal> --out FILE             turn an autosave journal into a session file',
];

const short = (hex: string | null): string => (hex === null ? 'U0' : hex.slice(0, 16));

/** Reads + decodes a session; on failure prints one line and returns the exit code. */
function readSession(cmd: string, path: string, io: CliIo): { data: SessionData; size: number } | number {
  let bytes: Uint8Array;
  try {
    bytes = readFileBytes(path);
  } catch (e) {
    if (e instanceof SessionFileError) {
      io.err(`echo-studio ${cmd}: ${e.message}`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
  try {
    return { data: decodeSession(bytes), size: bytes.length };
  } catch (e) {
    if (e instanceof SessionError) {
      io.err(`echo-studio ${cmd}: ${path}: ${e.message}`);
      return EXIT_CHECK_FAILED;
    }
    throw e;
  }
}

/** Decodes and replay-verifies; prints the failure and returns an exit code when it fails. */
function readVerified(cmd: string, path: string, io: CliIo): SessionData | number {
  const r = readSession(cmd, path, io);
  if (typeof r === 'number') return r;
  const v = verifySessionData(r.data);
  if (!v.ok) {
    io.err(`echo-studio ${cmd}: ${path}: ${v.error!.message}`);
    return EXIT_CHECK_FAILED;
  }
  return r.data;
}

// -------------------------------------------------------------------------------------- verify

export async function verifyCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { positionals } = parseArgs(args, { values: [], flags: [] });
  if (positionals.length !== 1) throw new UsageError(`usage: echo-studio ${VERIFY_USAGE.split('  ')[0]}`);
  const path = positionals[0]!;
  const r = readSession('verify', path, io);
  if (typeof r === 'number') return r;
  const { data, size } = r;
  const h = data.header;
  io.out(`session    ${path} (format v${SESSION_FORMAT_VERSION}, ${size} bytes, ${data.commits.length + 4} records)`);
  const params = Object.entries(h.params).map(([k, v]) => `${k}=${v}`).join(' ') || '(none)';
  io.out(`world      ${h.worldName}   rule pack ${short(toHex(h.rulePackId))}… (${h.rules.length} rules)   params ${params}`);
  io.out(`initial    state root ${toHex(computeStateRoot(data.initial, h.root))}`);
  const v = verifySessionData(data);
  const width = Math.max(...data.branches.map((b) => b.name.length));
  for (const b of v.branches) {
    const mark = b.name === data.active ? '*' : ' ';
    io.out(`branch     ${b.name.padEnd(width)} ${mark} head ${short(b.head)}  length ${String(b.length).padStart(4)}  ${b.ok ? 'verified' : 'FAILED'}`);
  }
  if (!v.ok) {
    io.err(`echo-studio verify: ${path}: ${v.error!.message}`);
    return EXIT_CHECK_FAILED;
  }
  io.out(`verified ${v.commits} commits, ${data.branches.length} branch${data.branches.length === 1 ? '' : 'es'}`);
  return EXIT_OK;
}

// ---------------------------------------------------------------------------------------- diff

function id(b: Uint8Array): string {
  return toHex(b).slice(0, 16);
}

/** One human line per op. */
export function describeOp(op: WarpOp): string {
  const key = (k: { owner: string; warp: Uint8Array; local: Uint8Array; plane: string }) => `${k.owner} ${k.plane} ${id(k.warp)}/${id(k.local)}`;
  switch (op.op) {
    case 'UpsertNode':
      return `UpsertNode          ${id(op.node.warp)}/${id(op.node.local)}  type ${id(op.record.ty)}`;
    case 'DeleteNode':
      return `DeleteNode          ${id(op.node.warp)}/${id(op.node.local)}`;
    case 'UpsertEdge':
      return `UpsertEdge          ${id(op.warp)}/${id(op.record.id)}  ${id(op.record.from)} → ${id(op.record.to)}  type ${id(op.record.ty)}`;
    case 'DeleteEdge':
      return `DeleteEdge          ${id(op.warp)}/${id(op.edgeId)}  from ${id(op.from)}`;
    case 'SetAttachment': {
      const v = op.value;
      const what = !v ? '(none)' : v.kind === 'descend' ? `portal → ${id(v.warp)}` : `atom type ${id(v.typeId)} ${v.bytes.length} bytes ${toHex(v.bytes.subarray(0, 16))}${v.bytes.length > 16 ? '…' : ''}`;
      return `SetAttachment       ${key(op.key)} = ${what}`;
    }
    case 'OpenPortal':
      return `OpenPortal          ${key(op.key)} → instance ${id(op.childWarp)} root ${id(op.childRoot)}`;
    case 'UpsertWarpInstance':
      return `UpsertWarpInstance  ${id(op.instance.warpId)} root ${id(op.instance.rootNode)}${op.instance.parent ? ` parent ${key(op.instance.parent)}` : ''}`;
    case 'DeleteWarpInstance':
      return `DeleteWarpInstance  ${id(op.warp)}`;
  }
}

export async function diffCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { positionals } = parseArgs(args, { values: [], flags: [] });
  if (positionals.length !== 3) throw new UsageError(`usage: echo-studio ${DIFF_USAGE.split('  ')[0]}`);
  const [path, refA, refB] = positionals as [string, string, string];
  const data = readVerified('diff', path, io);
  if (typeof data === 'number') return data;
  const ra = resolveSessionRef(data, refA);
  const rb = resolveSessionRef(data, refB);
  for (const r of [ra, rb]) {
    if ('error' in r) {
      io.err(`echo-studio diff: ${r.error}`);
      return EXIT_BAD_INPUT;
    }
  }
  const a = (ra as { hex: string | null }).hex;
  const b = (rb as { hex: string | null }).hex;
  const byHex = new Map(data.commits.map((c) => [c.hex, c]));
  const label = (hex: string | null) => {
    if (hex === null) return 'U0 (initial state)';
    const c = byHex.get(hex)!;
    return `${hex} depth ${c.depth} (${c.kind}, created on ${c.createdOn})`;
  };
  io.out(`A  ${label(a)}`);
  io.out(`B  ${label(b)}`);
  const ops = diffState(sessionStateAt(data, a), sessionStateAt(data, b));
  io.out(`state diff A → B: ${ops.length} op${ops.length === 1 ? '' : 's'}`);
  for (const op of ops) io.out(`  ${describeOp(op)}`);
  const slots = (hex: string | null, which: 'inSlots' | 'outSlots') => (hex === null ? [] : Array.from(byHex.get(hex)![which], (s) => slotLabel(s)));
  io.out('slots of B vs A');
  for (const which of ['inSlots', 'outSlots'] as const) {
    const sa = slots(a, which);
    const sb = slots(b, which);
    const setA = new Set(sa);
    const setB = new Set(sb);
    const onlyA = sa.filter((s) => !setB.has(s));
    const onlyB = sb.filter((s) => !setA.has(s));
    const name = which === 'inSlots' ? 'in ' : 'out';
    io.out(`  ${name}  A ${sa.length}, B ${sb.length}, both ${sb.length - onlyB.length}; only A ${onlyA.length}, only B ${onlyB.length}`);
    for (const s of onlyA) io.out(`    - ${s}`);
    for (const s of onlyB) io.out(`    + ${s}`);
  }
  return EXIT_OK;
}

// ------------------------------------------------------------------------------------- diverge

export async function divergeCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs(args, { values: ['branch', 'branch-b'], flags: [] });
  if (positionals.length !== 2) throw new UsageError(`usage: echo-studio ${DIVERGE_USAGE.split('   ')[0]}`);
  const [pa, pb] = positionals as [string, string];
  const ba = values.branch ?? 'main';
  const bb = values['branch-b'] ?? ba;
  const a = readVerified('diverge', pa, io);
  if (typeof a === 'number') return a;
  const b = readVerified('diverge', pb, io);
  if (typeof b === 'number') return b;
  let d;
  try {
    d = sessionFirstDivergence(a, ba, b, bb);
  } catch (e) {
    if (e instanceof TimelineError && e.code === 'UnknownBranch') {
      io.err(`echo-studio diverge: ${e.message}`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
  const la = sessionChain(a, a.branches.find((x) => x.name === ba)!.head).length;
  const lb = sessionChain(b, b.branches.find((x) => x.name === bb)!.head).length;
  io.out(`a        ${pa} branch ${ba}: ${la} commits`);
  io.out(`b        ${pb} branch ${bb}: ${lb} commits`);
  io.out(`common   ${d.common} commit${d.common === 1 ? '' : 's'} (${d.hashCompares} hash compares)`);
  if (d.index === null) {
    io.out(`identical: both chains hold the same ${la} commits`);
    return EXIT_OK;
  }
  io.out(`first divergence at commit ${d.index + 1} (depth ${d.index + 1})`);
  io.out(`  a  ${d.a ?? '(chain ends)'}`);
  io.out(`  b  ${d.b ?? '(chain ends)'}`);
  const list = (what: string, s: { onlyA: string[]; onlyB: string[] }) => {
    io.out(`  ${what}: only in a ${s.onlyA.length}, only in b ${s.onlyB.length}`);
    for (const x of s.onlyA.slice(0, 8)) io.out(`    - ${x}`);
    if (s.onlyA.length > 8) io.out(`    - … ${s.onlyA.length - 8} more`);
    for (const x of s.onlyB.slice(0, 8)) io.out(`    + ${x}`);
    if (s.onlyB.length > 8) io.out(`    + … ${s.onlyB.length - 8} more`);
  };
  list('receipts', d.receipts);
  list('slots', d.slots);
  list('ops', d.ops);
  return EXIT_CHECK_FAILED;
}

// ------------------------------------------------------------------------------------- session

interface ForkSpec {
  readonly name: string;
  readonly depth: number;
  readonly steps: number | null;
  readonly intent: string | null;
}

function parseFork(spec: string): ForkSpec {
  const m = /^([A-Za-z0-9][A-Za-z0-9._/-]{0,63})@(\d+)(?:\+(\d+))?(?:=(.*))?$/s.exec(spec);
  if (!m) throw new UsageError(`--fork expects NAME@DEPTH[+STEPS][=INTENT], got "${spec}"`);
  return { name: m[1]!, depth: Number(m[2]), steps: m[3] === undefined ? null : Number(m[3]), intent: m[4] ?? null };
}

async function exportCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, repeats, positionals } = parseArgs(args, { values: ['ticks', 'out', 'checkpoint'], flags: [], repeat: ['param', 'fork', 'merge'] });
  if (positionals.length !== 1 || values.out === undefined) throw new UsageError(`usage: echo-studio ${SESSION_USAGE[0]}`);
  const ticks = intOption(values, 'ticks', 10);
  const k = intOption(values, 'checkpoint', 64, 1);
  const forks = (repeats.fork ?? []).map(parseFork);
  const merges = (repeats.merge ?? []).map((m) => {
    const parts = m.split(':');
    if (parts.length !== 2 || !parts[0] || !parts[1]) throw new UsageError(`--merge expects OURS:THEIRS, got "${m}"`);
    return { ours: parts[0], theirs: parts[1] };
  });
  for (const f of forks) if (f.depth > ticks) throw new UsageError(`--fork ${f.name}@${f.depth}: main has only ${ticks} ticks`);
  let session: WorldSession;
  try {
    const { world } = await loadWorld(positionals[0]!);
    session = new WorldSession(world, parseParams(repeats.param));
  } catch (e) {
    if (e instanceof WorldError) {
      io.err(`echo-studio session export: ${e.message}`);
      return worldErrorExit(e);
    }
    throw e;
  }
  const tl = new Timeline(session, { checkpointEvery: k });
  try {
    const main = tl.step(ticks);
    for (const f of forks) {
      tl.fork(f.name, f.depth === 0 ? null : main[f.depth - 1]!.hex);
      if (f.intent !== null) session.engine.ingestIntent(utf8(f.intent));
      tl.step(f.steps ?? Math.max(1, ticks - f.depth));
    }
    for (const m of merges) {
      tl.switchTo(m.ours);
      const p = tl.mergePreview(m.ours, m.theirs);
      const res: Record<string, 'theirs'> = {};
      for (const c of p.conflicts) res[c.key] = 'theirs';
      tl.merge(m.ours, m.theirs, res);
    }
    tl.switchTo('main');
  } catch (e) {
    if (e instanceof WorldError) {
      io.err(`echo-studio session export: ${e.message}`);
      return worldErrorExit(e);
    }
    if (e instanceof TimelineError) {
      io.err(`echo-studio session export: ${e.message}`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
  const bytes = encodeSession(tl, { worldName: session.world.name, params: session.params });
  try {
    await writeFileAtomic(values.out, bytes);
  } catch (e) {
    if (e instanceof SessionFileError) {
      io.err(`echo-studio session export: ${e.message}`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
  const commits = tl.allCommits().length;
  io.out(`wrote ${values.out}: ${bytes.length} bytes, ${commits} commits, ${tl.branchNames().length} branches (${tl.branchNames().join(', ')})`);
  return EXIT_OK;
}

async function recoverCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs(args, { values: ['out'], flags: [] });
  if (positionals.length !== 1 || values.out === undefined) throw new UsageError(`usage: echo-studio ${SESSION_USAGE[1]!.split('  ')[0]}`);
  let rec;
  try {
    rec = recoverJournal(positionals[0]!);
  } catch (e) {
    if (e instanceof SessionFileError) {
      io.err(`echo-studio session recover: ${e.message}`);
      return EXIT_BAD_INPUT;
    }
    if (e instanceof SessionError) {
      io.err(`echo-studio session recover: ${positionals[0]}: ${e.message}`);
      return EXIT_CHECK_FAILED;
    }
    throw e;
  }
  if (rec.stoppedBy) io.out(`dropped ${rec.droppedBytes} byte(s) after record ${rec.records - 1}: ${rec.stoppedBy.message}`);
  if (!rec.verification.ok) {
    io.err(`echo-studio session recover: ${positionals[0]}: ${rec.verification.error!.message}`);
    return EXIT_CHECK_FAILED;
  }
  const bytes = journalToSessionBytes(rec);
  try {
    await writeFileAtomic(values.out, bytes);
  } catch (e) {
    if (e instanceof SessionFileError) {
      io.err(`echo-studio session recover: ${e.message}`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
  io.out(`wrote ${values.out}: ${bytes.length} bytes, ${rec.data.commits.length} commits, ${rec.data.branches.length} branches`);
  return EXIT_OK;
}

export async function sessionCommand(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'export') return exportCommand(rest, io);
  if (sub === 'recover') return recoverCommand(rest, io);
  throw new UsageError(`usage: echo-studio ${SESSION_USAGE.join(' | ')}`);
}
