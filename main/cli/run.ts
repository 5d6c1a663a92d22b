/**
 * `echo-studio run <world> [--ticks N] [--workers W] [--param k=v …] [--json]`
 *
 * With --json, stdout carries exactly one JSON object per tick and nothing else:
 * {"tick","tx","state_root","patch_digest","commit_hash","plan_digest","decision_digest",
 *  "rewrites_digest","applied","rejected"} (lowercase hex; "tick" counts committed ticks from 1).
 * Without --json: a human summary (and a progress bar on stderr when it is a TTY).
 *
 * --workers W (default 1) commits through the BOAW worker pool with W lanes (the engine thread plus
 * W − 1 worker threads, main/workers/boawPool.ts); the output is identical for every W. The pool
 * decides per tick whether fan-out pays (auto mode); ECHO_STUDIO_BOAW_MODE=always|never|auto
 * overrides that (tests use `always` to force the worker path).
 */
import { appliedCount, toHex } from '../../engine/index';
import { resolveParams, WorldError, WorldSession } from '../../engine/world';
import { BoawPool, type BoawMode } from '../workers/boawPool';
import { loadWorld } from '../worlds/loader';
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_OK, intOption, parseArgs, parseParams, UsageError, type CliIo } from './io';

export const RUN_USAGE = 'run <world|demo|motion|dind> [--ticks N] [--workers W] [--param k=v …] [--json]';

/** Exit code for a world error: bad input (2) unless a rule failed while running (1). */
export function worldErrorExit(e: WorldError): number {
  return e.code === 'RuleThrew' ? EXIT_CHECK_FAILED : EXIT_BAD_INPUT;
}

export async function runCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, flags, repeats, positionals } = parseArgs(args, { values: ['ticks', 'workers'], flags: ['json'], repeat: ['param'] });
  if (positionals.length !== 1) throw new UsageError(`usage: echo-studio ${RUN_USAGE}`);
  const ticks = intOption(values, 'ticks', 10);
  const workers = intOption(values, 'workers', 1, 1);
  const modeEnv = process.env.ECHO_STUDIO_BOAW_MODE;
  if (modeEnv !== undefined && !['auto', 'always', 'never'].includes(modeEnv)) throw new UsageError(`ECHO_STUDIO_BOAW_MODE must be auto, always or never, got "${modeEnv}"`);
  const params = parseParams(repeats.param);
  const json = flags.has('json');
  let session: WorldSession;
  let pool: BoawPool | null = null;
  try {
    const { world, path } = await loadWorld(positionals[0]!);
    const resolved = resolveParams(world, params);
    if (workers > 1) {
      try {
        pool = await BoawPool.start({ world: path, params: resolved, workers, mode: (modeEnv as BoawMode | undefined) ?? 'auto' });
      } catch (e) {
        io.err(`echo-studio: cannot start ${workers - 1} BOAW worker thread(s): ${e instanceof Error ? e.message : String(e)}`);
        return EXIT_BAD_INPUT;
      }
    }
    session = new WorldSession(world, params, pool ? { boaw: pool } : {});
  } catch (e) {
    await pool?.close();
    if (e instanceof WorldError) {
      io.err(`echo-studio: ${e.message}`);
      return worldErrorExit(e);
    }
    throw e;
  }
  try {
    return runTicks(session, ticks, json, io);
  } finally {
    await pool?.close();
  }
}

function runTicks(session: WorldSession, ticks: number, json: boolean, io: CliIo): number {
  let applied = 0;
  let rejected = 0;
  let last = null as null | ReturnType<WorldSession['tick']>;
  for (let k = 0; k < ticks; k++) {
    let rec;
    try {
      rec = session.tick();
    } catch (e) {
      if (e instanceof WorldError) {
        io.err(`echo-studio: ${e.message}`);
        return worldErrorExit(e);
      }
      throw e;
    }
    last = rec;
    const a = appliedCount(rec.receipt.entries);
    const r = rec.receipt.entries.length - a;
    applied += a;
    rejected += r;
    if (json) {
      const s = rec.snapshot;
      io.out(
        JSON.stringify({
          tick: k + 1,
          tx: s.tx,
          state_root: toHex(s.stateRoot),
          patch_digest: toHex(s.patchDigest),
          commit_hash: toHex(s.hash),
          plan_digest: toHex(s.planDigest),
          decision_digest: toHex(s.decisionDigest),
          rewrites_digest: toHex(s.rewritesDigest),
          applied: a,
          rejected: r,
        }),
      );
    } else if (io.errIsTty && io.errRaw) {
      const width = 30;
      const done = Math.round(((k + 1) / ticks) * width);
      io.errRaw(`\r[${'#'.repeat(done)}${'.'.repeat(width - done)}] tick ${k + 1}/${ticks}`);
    }
  }
  if (!json) {
    if (io.errIsTty && io.errRaw && ticks > 0) io.errRaw('\n');
    const world = session.world;
    io.out(`world      ${world.name} (${world.description})`);
    io.out(`params     ${Object.entries(session.params).map(([k, v]) => `${k}=${v}`).join(' ') || '(none)'}`);
    io.out(`ticks      ${ticks}   rewrites applied ${applied}, rejected ${rejected}`);
    io.out(`nodes      ${session.engine.rootStore.nodeCount} in the root instance, ${session.engine.warpState.instances.size} instance(s)`);
    if (last) {
      io.out(`state_root ${toHex(last.snapshot.stateRoot)}`);
      io.out(`commit     ${toHex(last.snapshot.hash)}`);
    }
  }
  return EXIT_OK;
}
