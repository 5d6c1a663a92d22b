/**
 * `echo-studio inspect <world> [--ticks N] [--node <hex|label>] [--param k=v …]`
 * After N ticks: counts, instances, and optionally one node's record, edges and decoded attachment
 * (by the world's codec; hex + type id otherwise).
 */
import { fromHex, makeNodeId, toHex, type AttachmentValue, type NodeId } from '../../engine/index';
import { WorldError, WorldSession, type WorldDefinition } from '../../engine/world';
import { loadWorld } from '../worlds/loader';
import { EXIT_BAD_INPUT, EXIT_OK, intOption, parseArgs, parseParams, UsageError, type CliIo } from './io';
import { worldErrorExit } from './run';

export const INSPECT_USAGE = 'inspect <world|demo|motion|dind> [--ticks N] [--node <hex|label>] [--param k=v …]';

/** Decodes an attachment with the world's codecs; falls back to type id + hex. */
export function describeAttachment(world: WorldDefinition, v: AttachmentValue | undefined): string {
  if (!v) return '(none)';
  if (v.kind === 'descend') return `portal → instance ${toHex(v.warp)}`;
  const codec = world.codecs?.find((c) => toHex(c.typeId) === toHex(v.typeId));
  if (codec) {
    try {
      return `${codec.name} ${JSON.stringify(codec.decode(v.bytes), (_k, x) => (typeof x === 'bigint' ? x.toString() : x))}`;
    } catch (e) {
      return `${codec.name} (decode failed: ${e instanceof Error ? e.message : String(e)}) hex ${toHex(v.bytes)}`;
    }
  }
  return `type ${toHex(v.typeId)} (${v.bytes.length} bytes) hex ${toHex(v.bytes)}`;
}

function nodeIdOf(spec: string): NodeId {
  return (/^[0-9a-fA-F]{64}$/.test(spec) ? fromHex(spec) : makeNodeId(spec)) as NodeId;
}

export async function inspectCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, repeats, positionals } = parseArgs(args, { values: ['ticks', 'node'], flags: [], repeat: ['param'] });
  if (positionals.length !== 1) throw new UsageError(`usage: echo-studio ${INSPECT_USAGE}`);
  const ticks = intOption(values, 'ticks', 0);
  let session: WorldSession;
  try {
    const { world } = await loadWorld(positionals[0]!);
    session = new WorldSession(world, parseParams(repeats.param));
    for (let k = 0; k < ticks; k++) session.tick();
  } catch (e) {
    if (e instanceof WorldError) {
      io.err(`echo-studio: ${e.message}`);
      return worldErrorExit(e);
    }
    throw e;
  }
  const e = session.engine;
  io.out(`world ${session.world.name} after ${ticks} tick(s)`);
  for (const [k, inst] of e.warpState.instances.sortedEntries()) {
    const st = e.warpState.stores.get(k)!;
    const parent = inst.parent ? `parent ${inst.parent.owner}:${inst.parent.plane} ${toHex(inst.parent.local)}` : 'root instance';
    io.out(`instance ${k}  root ${toHex(inst.rootNode)}  ${parent}  nodes ${st.nodeCount}  edges ${st.edgeCount}`);
  }
  if (e.lastCommit) io.out(`commit ${toHex(e.lastCommit.hash)}  state_root ${toHex(e.lastCommit.stateRoot)}`);
  if (values.node !== undefined) {
    const id = nodeIdOf(values.node);
    for (const [k, st] of e.warpState.stores.sortedEntries()) {
      const rec = st.node(id);
      if (!rec) continue;
      io.out(`node ${toHex(id)} in instance ${k}`);
      io.out(`  type       ${toHex(rec.ty)}`);
      io.out(`  attachment ${describeAttachment(session.world, st.nodeAttachment(id))}`);
      for (const edge of st.edgesFrom(id)) io.out(`  out  ${toHex(edge.id)} → ${toHex(edge.to)} type ${toHex(edge.ty)}`);
      for (const ek of st.edgesToHex(toHex(id))) {
        const edge = st.edgeByHex(ek)!;
        io.out(`  in   ${ek} ← ${toHex(edge.from)} type ${toHex(edge.ty)}`);
      }
      return EXIT_OK;
    }
    io.err(`echo-studio: node ${values.node} (${toHex(id)}) not found in any instance`);
    return EXIT_BAD_INPUT;
  }
  return EXIT_OK;
}
