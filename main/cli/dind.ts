/**
 * `echo-studio dind …`: replay DIND logs against their goldens (`verify`) or check that logs
 * converge (`converge`), ENGINE-SPEC §11.7.
 *
 * Exit codes: 0 all good; 1 a hash, length or convergence mismatch (or the engine failed while
 * replaying a well-formed log); 2 bad input or usage. Every input is loaded and validated before
 * anything runs, so bad input yields exactly one stderr line and no stdout.
 */
import type { CliIo } from './io';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  EintLogError,
  SCHEMA_HASH_HEX,
  manifestEntryFor,
  modeFor,
  parseGolden,
  parseManifest,
  projectedHash,
  readEintLog,
  resolveConvergeScope,
  runDindScenario,
  verifyAgainstGolden,
  type DindGolden,
  type DindManifestEntry,
  type DindMode,
} from '../../engine/dind/index';
import { toHex } from '../../engine/index';


/** Bad input: the message is the complete stderr line. */
class InputError extends Error {}

const LOG_EXT = '.eintlog';
const GOLDEN_EXT = '.hashes.json';
const MAX_MISMATCH_LINES = 10;

export const DIND_USAGE = [
  'dind verify <dir|file…>    replay .eintlog files and compare every step with X.hashes.json',
  '                           (a dir means every *.eintlog in it; MANIFEST.json selects modes)',
  'dind converge <file…>      check that logs reach the same final (or projected) state hash',
];

interface LogInput {
  readonly name: string;
  readonly logPath: string;
  readonly bytes: Uint8Array;
  readonly mode: DindMode;
  readonly entry: DindManifestEntry | undefined;
}

interface VerifyTarget extends LogInput {
  readonly golden: DindGolden;
}

function describeFsError(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, expected a file';
  return e instanceof Error ? e.message : String(e);
}

function readBytes(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new InputError(`${path}: ${describeFsError(e)}`);
  }
}

function readJson(path: string): unknown {
  const text = new TextDecoder().decode(readBytes(path));
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: malformed JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** MANIFEST.json of `dir`, or null when there is none (cached per directory). */
function manifestLoader(): (dir: string) => DindManifestEntry[] | null {
  const cache = new Map<string, DindManifestEntry[] | null>();
  return (dir) => {
    if (cache.has(dir)) return cache.get(dir)!;
    const path = join(dir, 'MANIFEST.json');
    let m: DindManifestEntry[] | null = null;
    if (existsSync(path)) {
      try {
        m = parseManifest(readJson(path));
      } catch (e) {
        if (e instanceof InputError) throw e;
        throw new InputError(`${path}: invalid manifest: ${(e as Error).message}`);
      }
    }
    cache.set(dir, m);
    return m;
  };
}

/** Expands the arguments into .eintlog paths (a dir: its *.eintlog, sorted; a .hashes.json: the log beside it). */
function expandLogPaths(args: readonly string[], allowDirs: boolean): string[] {
  const out: string[] = [];
  for (const arg of args) {
    let st;
    try {
      st = statSync(arg);
    } catch (e) {
      throw new InputError(`${arg}: ${describeFsError(e)}`);
    }
    if (st.isDirectory()) {
      if (!allowDirs) throw new InputError(`${arg}: is a directory, expected an ${LOG_EXT} file`);
      const logs = readdirSync(arg)
        .filter((f) => f.endsWith(LOG_EXT))
        .sort();
      if (logs.length === 0) throw new InputError(`${arg}: no *${LOG_EXT} files in this directory`);
      for (const f of logs) out.push(join(arg, f));
    } else if (arg.endsWith(LOG_EXT)) {
      out.push(arg);
    } else if (arg.endsWith(GOLDEN_EXT)) {
      out.push(arg.slice(0, -GOLDEN_EXT.length) + LOG_EXT);
    } else {
      throw new InputError(`${arg}: expected a directory, an ${LOG_EXT} file or a ${GOLDEN_EXT} file`);
    }
  }
  return out;
}

/** Reads and validates one log: format and schema hash. */
function loadLog(logPath: string, manifests: (dir: string) => DindManifestEntry[] | null): LogInput {
  const bytes = readBytes(logPath);
  let schemaHex: string;
  try {
    schemaHex = toHex(readEintLog(bytes).schemaHash);
  } catch (e) {
    if (e instanceof EintLogError) {
      const what = e.code === 'TruncatedFrame' || e.code === 'TooShort' ? 'truncated log' : 'malformed log';
      throw new InputError(`${logPath}: ${what}: ${e.message}`);
    }
    throw e;
  }
  if (schemaHex !== SCHEMA_HASH_HEX) {
    throw new InputError(`${logPath}: wrong schema hash ${schemaHex} (the kernel's is ${SCHEMA_HASH_HEX})`);
  }
  const manifest = manifests(dirname(logPath));
  const fileName = basename(logPath);
  return {
    name: fileName.slice(0, -LOG_EXT.length),
    logPath,
    bytes,
    mode: modeFor(fileName, manifest),
    entry: manifestEntryFor(fileName, manifest),
  };
}

function loadVerifyTargets(args: readonly string[]): VerifyTarget[] {
  const manifests = manifestLoader();
  return expandLogPaths(args, true).map((logPath) => {
    const log = loadLog(logPath, manifests);
    const goldenPath = logPath.slice(0, -LOG_EXT.length) + GOLDEN_EXT;
    let golden: DindGolden;
    try {
      golden = parseGolden(readJson(goldenPath));
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(`${goldenPath}: invalid golden: ${(e as Error).message}`);
    }
    if (golden.schema_hash_hex !== SCHEMA_HASH_HEX) {
      throw new InputError(`${goldenPath}: wrong schema hash ${golden.schema_hash_hex} (the kernel's is ${SCHEMA_HASH_HEX})`);
    }
    return { ...log, golden };
  });
}

function now(): number {
  return performance.now();
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

async function verify(args: readonly string[], io: CliIo): Promise<number> {
  if (args.length === 0) throw new InputError('expected at least one directory or file');
  const targets = loadVerifyTargets(args);
  const width = Math.max(...targets.map((t) => t.name.length));
  const countWidth = Math.max(...targets.map((t) => 2 * String(t.golden.hashes_hex.length).length + 1));
  let matched = 0;
  let total = 0;
  let failed = false;
  for (const t of targets) {
    const t0 = now();
    total += t.golden.hashes_hex.length;
    const details: string[] = [];
    let stepsOk = 0;
    try {
      const result = runDindScenario(t.bytes, { ingestAllFirst: t.mode === 'ingest-all-first' });
      const report = verifyAgainstGolden(result, t.golden);
      stepsOk = report.matched;
      for (const m of report.mismatches.slice(0, MAX_MISMATCH_LINES)) {
        details.push(`  mismatch ${t.name} step ${m.step}: expected ${m.expected} actual ${m.actual}`);
      }
      if (report.mismatches.length > MAX_MISMATCH_LINES) {
        details.push(`  mismatch ${t.name}: ${report.mismatches.length - MAX_MISMATCH_LINES} more mismatching steps not shown`);
      }
      if (report.lengthMismatch) {
        details.push(`  mismatch ${t.name} length: expected ${report.lengthMismatch.expected} hashes, actual ${report.lengthMismatch.actual}`);
      }
    } catch (e) {
      details.push(`  error ${t.name}: replay failed: ${errorText(e)}`);
    }
    const ok = details.length === 0;
    failed ||= !ok;
    matched += stepsOk;
    const ms = Math.round(now() - t0);
    io.out(`${ok ? 'ok  ' : 'FAIL'} ${t.name.padEnd(width)}  ${`${stepsOk}/${t.golden.hashes_hex.length}`.padEnd(countWidth)}  (${t.mode})  ${ms} ms`);
    for (const d of details) io.out(d);
  }
  io.out(`DIND: ${matched}/${total} hashes match`);
  return failed ? 1 : 0;
}

async function converge(args: readonly string[], io: CliIo): Promise<number> {
  if (args.length === 0) throw new InputError(`expected at least one ${LOG_EXT} file`);
  const manifests = manifestLoader();
  const logs = expandLogPaths(args, false).map((p) => loadLog(p, manifests));
  let scope: string | null;
  try {
    scope = resolveConvergeScope(logs.map((l) => ({ name: l.name, entry: l.entry })));
  } catch (e) {
    throw new InputError((e as Error).message);
  }
  const width = Math.max(...logs.map((l) => l.name.length));
  const label = scope === null ? 'final hash' : `projected hash of "${scope}"`;
  let baseline: string | null = null;
  let failed = false;
  for (const l of logs) {
    const t0 = now();
    let value: string;
    let full: string;
    try {
      const r = runDindScenario(l.bytes, { ingestAllFirst: l.mode === 'ingest-all-first' });
      full = r.hashes[r.hashes.length - 1]!;
      value = scope === null ? full : projectedHash(r.kernel.engine.rootStore, scope);
    } catch (e) {
      io.out(`FAIL ${l.name.padEnd(width)}  replay failed: ${errorText(e)}`);
      failed = true;
      continue;
    }
    baseline ??= value;
    const same = value === baseline;
    failed ||= !same;
    const ms = Math.round(now() - t0);
    const extra = scope === null ? '' : `  final ${full}`;
    io.out(`${same ? 'ok  ' : 'FAIL'} ${l.name.padEnd(width)}  ${value}${extra}  (${l.mode})  ${ms} ms`);
  }
  io.out(
    failed
      ? `DIND converge: FAILED: the ${logs.length} logs do not agree on the ${label}`
      : `DIND converge: OK: ${logs.length} logs agree on the ${label} ${baseline}`,
  );
  return failed ? 1 : 0;
}

/** `echo-studio dind <verify|converge> …`; `args` excludes the word "dind". Returns the exit code. */
export async function runDindCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  try {
    switch (sub) {
      case 'verify':
        return await verify(rest, io);
      case 'converge':
        return await converge(rest, io);
      case 'help':
      case '--help':
      case '-h':
        for (const l of DIND_USAGE) io.out(`usage: echo-studio ${l}`);
        return 0;
      default:
        io.err(sub === undefined ? 'echo-studio dind: missing subcommand (verify or converge)' : `echo-studio dind: unknown subcommand '${sub}' (verify or converge)`);
        return 2;
    }
  } catch (e) {
    if (e instanceof InputError) {
      io.err(`echo-studio dind ${sub}: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
