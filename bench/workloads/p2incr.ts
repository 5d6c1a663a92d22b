/**
 * P2 "after one attachment change": the state root after changing ONE entity's α attachment.
 *
 * - naive baseline: set a different atom on ent-⌊N/2⌋ (direct edit), then `engine.snapshot()` —
 *   the full O(graph) recompute;
 * - incremental (`StateRootIndex`, engine/stateRootIndex.ts, when the build has it), after one
 *   `rebuild`:
 *   · value change (the target figure): a new same-length atom on ent-⌊N/2⌋ each sample;
 *   · attachment added: an atom on a node that had none (ent-⌊N/2⌋+1+k), which changes the
 *     stream length (the index re-hashes from that byte on).
 * The incremental root must equal the full recompute (checksum; checked after every sample below
 * 1M, after the last one at 1M, where a full recompute costs seconds).
 */
import { atom, computeStateRoot, makeTypeId, toHex, type Engine, type NodeId } from '../../engine/index';
import { sizeLabel } from '../reference';
import { sample, summarize, time, type JobResult } from '../stats';
import { loadStateRootIndex } from './stateRootIndexAdapter';

const BENCH_TY = makeTypeId('bench/p2-change');

function changeValue(k: number) {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setUint32(0, k + 1, true);
  return atom(BENCH_TY, bytes);
}

export async function runP2Incremental(engine: Engine, ids: readonly NodeId[], n: number, counts: { warmup: number; measured: number }, r: JobResult): Promise<void> {
  const L = sizeLabel(n);
  const w = 'P2';
  const target = ids[n >> 1]!;
  let k = 0;

  const naive = sample(counts.warmup, counts.measured, () => {
    engine.setNodeAttachment(target, changeValue(k++));
    return time(() => void engine.snapshot());
  });
  r.figures.push({ id: `p2.naive.${L}`, workload: w, label: `full recompute after one attachment change N=${L}`, unit: 'ms', stats: summarize(naive) });

  const idx = await loadStateRootIndex();
  if (!idx) {
    r.unavailable.push({ id: `p2.update.${L}`, label: `state root after one attachment change N=${L} (incremental)`, reason: 'engine/stateRootIndex.ts (StateRootIndex) is not available in this build' });
    return;
  }
  const s = idx.open(engine);
  r.notes.push(`P2 N=${L}: StateRootIndex rebuild ${s.rebuild().toFixed(1)} ms`);
  const total = counts.warmup + counts.measured;
  let mismatch = '';
  const check = (i: number): void => {
    if (mismatch || (n >= 1_000_000 && i !== total - 1)) return;
    const inc = toHex(s.root());
    const full = toHex(computeStateRoot(engine.warpState, engine.root));
    if (inc !== full) mismatch = `sample ${i}: incremental ${inc} vs full ${full}`;
  };
  const upd = sample(counts.warmup, counts.measured, (i) => {
    const ms = s.change(target, changeValue(k++));
    check(i);
    return ms;
  });
  const afterValue = s.stats();
  const add = sample(counts.warmup, counts.measured, (i) => {
    const ms = s.change(ids[(n >> 1) + 1 + i]!, changeValue(k++));
    check(i);
    return ms;
  });
  const st = s.stats();
  r.notes.push(`P2 N=${L}: StateRootIndex paths: value changes ${JSON.stringify(afterValue)}; after additions ${JSON.stringify(st)}`);
  r.figures.push(
    { id: `p2.update.${L}`, workload: w, label: `root after one attachment value change N=${L} (StateRootIndex)`, unit: 'ms', stats: summarize(upd) },
    { id: `p2.updateAdd.${L}`, workload: w, label: `root after adding one attachment N=${L} (StateRootIndex)`, unit: 'ms', stats: summarize(add) },
  );
  r.checksums.push({
    id: `p2.updateMatchesFull.${L}`,
    label: `P2 N=${L} StateRootIndex root = full recompute`,
    expected: 'equal',
    actual: mismatch || 'equal',
    ok: !mismatch,
  });
  const nv = summarize(naive).median;
  for (const [id, label, xs] of [['updateVsNaive', 'value change', upd], ['updateAddVsNaive', 'attachment added', add]] as const) {
    const v = summarize(xs).median;
    r.baselines.push({ id: `p2.${id}.${L}`, workload: w, label: `StateRootIndex update, ${label}, N=${L}`, value: v, baselineLabel: 'naive full recompute after one change', baseline: nv, unit: 'ms', ratio: v / nv });
  }
}
