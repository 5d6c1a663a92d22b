/**
 * Every reference scenario of ../shared/vectors/reference-vectors.json, field by field: snapshots
 * (all digests, parents, tx), receipts (entries, dispositions, blocked_by), patches (slots, ops,
 * digest), pre-commit snapshots and post-state facts.
 */
import { describe, expect, it } from 'vitest';
import {
  Engine,
  GraphStore,
  ackPendingRule,
  canonicalStateHash,
  computeIntentId,
  decodeUtf8,
  makeEdgeId,
  makeNodeId,
  makeTypeId,
  nodeAlpha,
  pendingEdgeId,
  INBOX_NODE,
  toHex,
  utf8,
  type DispatchDisposition,
  type IngestDisposition,
} from '../../../engine/index';
import { patchJson, receiptJson, snapshotJson } from '../../../engine/codec/json';
import { loadReferenceVectors } from '../../support/vectors';
import { addChildRule, s3BuildRule, s3DeleteRule, s4SetRule } from './scenarioRules';

const vectors = loadReferenceVectors();
const ROOT = makeNodeId('root');

function baseEngine(): Engine {
  const store = new GraphStore();
  store.insertNode(ROOT, { ty: makeTypeId('world') });
  return new Engine(store, ROOT);
}

function expectTick(actual: ReturnType<Engine['commitWithReceipt']>, expected: any): void {
  expect(snapshotJson(actual.snapshot)).toEqual(expected.snapshot);
  expect(receiptJson(actual.receipt)).toEqual(expected.receipt);
  expect(patchJson(actual.patch)).toEqual(expected.patch);
}

const ingestJson = (d: IngestDisposition) => ({ disposition: d.kind === 'accepted' ? 'Accepted' : 'Duplicate', intent_id: toHex(d.intentId) });
const dispatchJson = (d: DispatchDisposition) =>
  d.kind === 'noPending' ? { disposition: 'NoPending' } : { disposition: 'Consumed', handler_matched: d.handlerMatched, intent_id: toHex(d.intentId) };

describe('reference scenarios (warp-core @ d7bf2740)', () => {
  it('S1 empty commits: pre-commit snapshot and two empty ticks', () => {
    const sc = vectors.scenarios.S1_empty_commit;
    const e = baseEngine();
    expect(snapshotJson(e.snapshot())).toEqual(sc.pre_commit_snapshot);
    for (const t of sc.ticks) expectTick(e.commitWithReceipt(e.begin()), t);
  });

  it('S2 five add_child ticks', () => {
    const sc = vectors.scenarios.S2_five_ticks_add_child;
    const e = baseEngine();
    e.registerRule(addChildRule());
    for (const t of sc.ticks) {
      const tx = e.begin();
      expect(e.apply(tx, 'test/add_child', ROOT)).toBe('applied');
      expectTick(e.commitWithReceipt(tx), t);
    }
  });

  it('S3 build then cascade delete, with post-state facts', () => {
    const sc = vectors.scenarios.S3_build_then_cascade_delete;
    const e = baseEngine();
    e.registerRule(s3BuildRule());
    e.registerRule(s3DeleteRule());
    let tx = e.begin();
    e.apply(tx, 's3/build', ROOT);
    expectTick(e.commitWithReceipt(tx), sc.ticks[0]);
    tx = e.begin();
    e.apply(tx, 's3/delete', makeNodeId('s3/a'));
    expectTick(e.commitWithReceipt(tx), sc.ticks[1]);
    const store = e.rootStore;
    expect({
      dind_canonical_state_hash_root_store: toHex(canonicalStateHash(store)),
      edge_a_to_b_exists: store.hasEdge(makeEdgeId('s3/a->b')),
      edge_root_to_a_exists: store.hasEdge(makeEdgeId('s3/root->a')),
      node_a_exists: store.hasNode(makeNodeId('s3/a')),
      node_b_exists: store.hasNode(makeNodeId('s3/b')),
    }).toEqual(sc.post_state);
  });

  it('S4 overlapping footprints: set_b rejected, blocked by entry 0', () => {
    const sc = vectors.scenarios.S4_overlapping_footprints;
    const e = baseEngine();
    const x = makeNodeId('s4/x');
    e.insertNode(x, { ty: makeTypeId('s4/thing') });
    e.insertEdge(ROOT, { id: makeEdgeId('s4/root->x'), from: ROOT, to: x, ty: makeTypeId('s4/link') });
    e.registerRule(s4SetRule('a'));
    e.registerRule(s4SetRule('b'));
    expect(snapshotJson(e.snapshot())).toEqual(sc.pre_commit_snapshot);
    const tx = e.begin();
    e.apply(tx, 's4/set_a', x);
    e.apply(tx, 's4/set_b', x);
    const rec = e.commitWithReceipt(tx);
    expectTick(rec, sc.ticks[0]);
    expect(toHex(rec.receipt.entries.at(0)!.scopeHash)).toBe(sc.scope_hash_set_a);
    expect(toHex(rec.receipt.entries.at(1)!.scopeHash)).toBe(sc.scope_hash_set_b);
    const v = e.rootStore.nodeAttachment(x);
    expect(v?.kind === 'atom' ? decodeUtf8(v.bytes) : null).toBe(sc.post_state.x_attachment_utf8);
    expect(e.rootStore.nodeAttachment(x)).toEqual(e.warpState.store(nodeAlpha(e.root.warp, x).warp)!.nodeAttachment(x));
  });

  it('S6 intent ingest, dedup and dispatch', () => {
    const sc = vectors.scenarios.S6_intent_ingest_dedup;
    const e = baseEngine();
    e.registerRule(ackPendingRule());
    sc.ingest.forEach((step: any) => {
      expect(ingestJson(e.ingestIntent(utf8(step.bytes_utf8)))).toEqual(step.result);
    });
    expect(e.pendingIntentCount()).toBe(sc.pending_after_ingest);
    expect(snapshotJson(e.snapshot())).toEqual(sc.snapshot_after_ingest_no_commit);
    sc.ticks.forEach((t: any, i: number) => {
      const tx = e.begin();
      expect(dispatchJson(e.dispatchNextIntent(tx))).toEqual(sc.dispatch[i]);
      expectTick(e.commitWithReceipt(tx), t);
    });
    expect(ingestJson(e.ingestIntent(utf8('hello-intent-1')))).toEqual(sc.ingest_after_consumed.result);
    expect(e.pendingIntentCount()).toBe(sc.pending_end);
    expect(e.rootStore.hasEdge(pendingEdgeId(INBOX_NODE, computeIntentId(utf8('hello-intent-1'))))).toBe(false);
  });
});
