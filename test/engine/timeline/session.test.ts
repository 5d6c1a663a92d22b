/**
 * Session files: round trip (encode → decode → verify → restore → same heads, same states, and
 * continuing gives the same hashes as the original continuing), canonical bytes, typed errors
 * naming record and offset for each kind of damage, world mismatch on restore, divergence
 * across two files, and the in-memory journal (cursor deltas, crash at every byte of the last
 * record).
 */
import { describe, expect, it } from 'vitest';
import { ByteWriter, blake3, computeStateRoot, toHex } from '../../../engine/index';
import { encodeWarpState } from '../../../engine/codec/stateBinary';
import { writeFootprint } from '../../../engine/codec/footprintBinary';
import {
  FRAME_OVERHEAD,
  JournalCursor,
  PREAMBLE_LEN,
  RecordKind,
  SessionError,
  decodeJournal,
  decodeSession,
  encodeSession,
  encodeSessionData,
  journalStartOf,
  openSession,
  readRecordAt,
  restoreTimeline,
  sessionDataFromTimeline,
  sessionFirstDivergence,
  sessionStateAt,
  trailerBody,
  verifySessionData,
  writePreamble,
  writeRecord,
  SESSION_MAGIC,
  Timeline,
  type SessionCommit,
} from '../../../engine/timeline/index';
import { forkedTimeline, newSession, toyVal, TOY_CELL } from '../../support/sessionFixtures';

/** v1 golden: change only with a format version bump (docs/timelines.md, "Versioning policy"). */
const GOLDEN_V1 = { size: 9420, blake3: '781095fdbb000b19d500072daff7d6fc041e78abcfa895df0fd920ae4f34cdf6' };

const meta = (tl: Timeline, name: string) => ({ worldName: name, params: (tl.host as unknown as { params: Record<string, number | string> }).params });

/** Raw records of a session file (excluding the trailer). */
function frames(bytes: Uint8Array): Array<{ kind: number; body: Uint8Array; offset: number; end: number }> {
  const out = [];
  let off = PREAMBLE_LEN;
  for (let i = 0; off < bytes.length; i++) {
    const r = readRecordAt(bytes, off, i);
    out.push({ kind: r.kind, body: bytes.slice(r.bodyStart, r.bodyEnd), offset: r.offset, end: r.end });
    off = r.end;
  }
  return out;
}

/** Re-frames bodies with fresh sequence numbers, checksums and trailer (a forger's file). */
function seal(records: ReadonlyArray<{ kind: number; body: Uint8Array }>): Uint8Array {
  const w = new ByteWriter(1 << 16);
  writePreamble(w, SESSION_MAGIC);
  const body = records.filter((r) => r.kind !== RecordKind.Trailer);
  body.forEach((r, i) => writeRecord(w, i, r.kind, r.body));
  writeRecord(w, body.length, RecordKind.Trailer, trailerBody(w.finish(), body.length));
  return w.finish();
}

function catchSession(f: () => unknown): SessionError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SessionError);
    return e as SessionError;
  }
  throw new Error('expected a SessionError');
}

const projection = (c: SessionCommit) => ({
  hex: c.hex,
  parents: c.parentHexes,
  kind: c.kind,
  depth: c.depth,
  createdOn: c.createdOn,
  snapshot: { ...c.snapshot, root: { warp: toHex(c.snapshot.root.warp), local: toHex(c.snapshot.root.local) } },
  receipt: c.receipt,
  ruleNames: Array.from(c.ruleNames),
  // By content: how a packed list lays its entries out (the engine stores them in arrival order) is not recorded data.
  footprints: Array.from(c.footprints, (fp) => {
    const w = new ByteWriter();
    writeFootprint(w, fp);
    return toHex(w.finish());
  }),
  inputs: c.inputs,
  ops: c.appliedOps,
  inSlots: c.inSlots,
  outSlots: c.outSlots,
});

describe('session round trip', () => {
  for (const world of ['toy', 'demo'] as const) {
    it(`${world}: encode → decode → verify → restore gives the same DAG, heads, states and continuation`, () => {
      const { tl } = forkedTimeline(world, world === 'demo' ? { mainTicks: 2 } : {});
      tl.switchTo('f2');
      const bytes = encodeSession(tl, meta(tl, world));
      const data = decodeSession(bytes);
      expect(encodeSessionData(data)).toEqual(bytes); // canonical
      const v = verifySessionData(data);
      expect(v.ok).toBe(true);
      expect(v.commits).toBe(tl.allCommits().length);
      expect(data.active).toBe('f2');
      // Every recorded field survives, receipts' blockedBy and rule names included.
      const byHex = new Map(data.commits.map((c) => [c.hex, c]));
      for (const c of tl.allCommits()) {
        const d = byHex.get(c.hex)!;
        expect(projection(d)).toEqual(projection(sessionDataFromTimeline(tl, meta(tl, world)).commits.find((x) => x.hex === c.hex)!));
        expect(d.receipt.blockedBy).toEqual(c.record.receipt.blockedBy);
        expect(toHex(computeStateRoot(sessionStateAt(data, c.hex), tl.env.root))).toBe(toHex(c.stateRoot));
      }
      const host = newSession(world);
      const tl2 = restoreTimeline(host, data);
      expect(tl2.branchNames()).toEqual(tl.branchNames());
      expect(tl2.activeBranch).toBe('f2');
      for (const b of tl.branchNames()) {
        expect(tl2.head(b)).toBe(tl.head(b));
        expect(tl2.verify(b)).toEqual(tl.verify(b));
      }
      for (const c of tl.allCommits()) {
        const r = tl2.commit(c.hex);
        expect(r.depth).toBe(c.depth);
        expect(toHex(computeStateRoot(tl2.stateAt(c.hex), tl.env.root))).toBe(toHex(c.stateRoot));
        expect(toHex(r.record.patch.digest)).toBe(toHex(c.record.patch.digest));
        expect(r.record.patch.ops).toEqual(c.record.patch.ops);
      }
      expect(tl2.firstDivergence('main', 'f1')).toEqual(tl.firstDivergence('main', 'f1'));
      // Continue every branch on both: the same commit hashes.
      for (const b of ['f2', 'main', 'f1']) {
        tl.switchTo(b);
        tl2.switchTo(b);
        expect(toHex(computeStateRoot(host.engine.warpState, host.engine.root))).toBe(toHex(tl.commit(tl.head(b)!).stateRoot));
        expect(tl2.step(2).map((c) => c.hex)).toEqual(tl.step(2).map((c) => c.hex));
      }
    });
  }

  it('exporting a subset of branches keeps exactly the commits they reach', () => {
    const { tl } = forkedTimeline('toy');
    const data = decodeSession(encodeSession(tl, { ...meta(tl, 'toy'), branches: ['f2'] }));
    expect(data.branches.map((b) => b.name)).toEqual(['f2']);
    expect(data.commits.map((c) => c.hex).sort()).toEqual(tl.chain(tl.head('f2')).map((c) => c.hex).sort());
    expect(data.active).toBe('f2');
    expect(verifySessionData(data).ok).toBe(true);
  });

  it('a timeline at U0 (no commits) round-trips', () => {
    const s = newSession('toy');
    const tl = new Timeline(s);
    const bytes = encodeSession(tl, { worldName: 'toy', params: s.params });
    const { data } = openSession(bytes);
    expect(data.commits).toEqual([]);
    expect(data.branches).toEqual([{ name: 'main', head: null }]);
    expect(encodeWarpState(data.initial)).toEqual(encodeWarpState(tl.initialState()));
  });
});

describe('damage is rejected with a typed error naming the first bad record and its offset', () => {
  const { tl } = forkedTimeline('toy');
  const bytes = encodeSession(tl, meta(tl, 'toy'));
  const fr = frames(bytes);

  it('magic, version, reserved flags', () => {
    const b = bytes.slice();
    b[0] = 0x58;
    expect(catchSession(() => decodeSession(b)).code).toBe('BadMagic');
    const v = bytes.slice();
    v[8] = 2;
    expect(catchSession(() => decodeSession(v))).toMatchObject({ code: 'UnsupportedVersion', record: null, offset: 0 });
    const f = bytes.slice();
    f[10] = 1;
    expect(catchSession(() => decodeSession(f)).code).toBe('ReservedFlags');
    expect(catchSession(() => decodeSession(new Uint8Array(0))).code).toBe('Truncated');
    expect(catchSession(() => decodeSession(new Uint8Array([1, 2, 3]))).code).toBe('BadMagic');
  });

  it('a flipped bit inside record k: BadChecksum at record k, its offset', () => {
    const k = 4;
    const b = bytes.slice();
    b[fr[k]!.offset + 20] ^= 0x10;
    const e = catchSession(() => decodeSession(b));
    expect(e).toMatchObject({ code: 'BadChecksum', record: k, offset: fr[k]!.offset });
    expect(e.message).toContain(`record ${k} at offset ${fr[k]!.offset}`);
  });

  it('truncation inside record k: Truncated at record k; at a record boundary: Truncated where the next belongs', () => {
    const k = 3;
    expect(catchSession(() => decodeSession(bytes.subarray(0, fr[k]!.offset + 30)))).toMatchObject({ code: 'Truncated', record: k, offset: fr[k]!.offset });
    expect(catchSession(() => decodeSession(bytes.subarray(0, fr[k]!.offset)))).toMatchObject({ code: 'Truncated', record: k, offset: fr[k]!.offset });
    const last = fr.length - 1;
    expect(catchSession(() => decodeSession(bytes.subarray(0, fr[last]!.offset)))).toMatchObject({ code: 'Truncated', record: last });
  });

  it('records swapped, duplicated or deleted (raw): OutOfOrder at the first moved record', () => {
    const cat = (parts: Uint8Array[]) => {
      const n = parts.reduce((a, p) => a + p.length, 0);
      const out = new Uint8Array(n);
      let o = 0;
      for (const p of parts) (out.set(p, o), (o += p.length));
      return out;
    };
    const raw = (i: number) => bytes.subarray(fr[i]!.offset, fr[i]!.end);
    const head = bytes.subarray(0, fr[3]!.offset);
    const tail = bytes.subarray(fr[5]!.offset);
    expect(catchSession(() => decodeSession(cat([head, raw(4), raw(3), tail])))).toMatchObject({ code: 'OutOfOrder', record: 3, offset: fr[3]!.offset });
    expect(catchSession(() => decodeSession(cat([head, raw(3), raw(3), raw(4), tail])))).toMatchObject({ code: 'OutOfOrder', record: 4 });
    expect(catchSession(() => decodeSession(cat([head, raw(4), tail])))).toMatchObject({ code: 'OutOfOrder', record: 3 });
  });

  it('a corrupted length field: Truncated (too long) or BadChecksum (too short), never a huge allocation', () => {
    const b = bytes.slice();
    new DataView(b.buffer).setUint32(fr[2]!.offset + 5, 0xfffffff0, true);
    expect(catchSession(() => decodeSession(b))).toMatchObject({ code: 'Truncated', record: 2 });
    const c = bytes.slice();
    const dv = new DataView(c.buffer);
    dv.setUint32(fr[2]!.offset + 5, dv.getUint32(fr[2]!.offset + 5, true) - 1, true);
    expect(catchSession(() => decodeSession(c))).toMatchObject({ code: 'BadChecksum', record: 2 });
  });

  it('garbage after the trailer, and an altered trailer hash', () => {
    const g = new Uint8Array(bytes.length + 3);
    g.set(bytes);
    expect(catchSession(() => decodeSession(g))).toMatchObject({ code: 'BadRecord', record: fr.length, offset: bytes.length });
    // Re-seal the trailer with a wrong hash: the trailer's own checksum passes, the file hash does not.
    const t = fr[fr.length - 1]!;
    const body = t.body.slice();
    body[10] ^= 1;
    const w = new ByteWriter(bytes.length);
    w.bytes(bytes.subarray(0, t.offset));
    writeRecord(w, fr.length - 1, RecordKind.Trailer, body);
    expect(catchSession(() => decodeSession(w.finish()))).toMatchObject({ code: 'BadChecksum', record: fr.length - 1, offset: t.offset });
  });

  it('re-sealed forgeries fail semantically: duplicate, unknown parent, non-canonical order, bad count, tampered hash', () => {
    const commitIx = fr.map((f, i) => (f.kind === RecordKind.Commit ? i : -1)).filter((i) => i >= 0);
    const [c0, c1] = [commitIx[0]!, commitIx[1]!];
    const dup = fr.slice();
    dup.splice(c1 + 1, 0, fr[c1]!);
    expect(catchSession(() => decodeSession(seal(dup)))).toMatchObject({ code: 'DuplicateCommit', record: c1 + 1 });
    const swapped = fr.slice();
    [swapped[c0], swapped[c1]] = [fr[c1]!, fr[c0]!];
    expect(catchSession(() => decodeSession(seal(swapped)))).toMatchObject({ code: 'UnknownParent', record: c0 });
    const deleted = fr.slice();
    deleted.splice(c0, 1);
    expect(catchSession(() => decodeSession(seal(deleted)))).toMatchObject({ code: 'UnknownParent', record: c0 });
    // Count of parameters set to 2^32-1: rejected from the remaining length, before allocating.
    const h = fr[0]!.body.slice();
    const nameLen = new DataView(h.buffer).getUint32(0, true);
    new DataView(h.buffer).setUint32(4 + nameLen, 0xffffffff, true);
    const big = fr.slice();
    big[0] = { ...fr[0]!, body: h };
    expect(catchSession(() => decodeSession(seal(big)))).toMatchObject({ code: 'BadRecord', record: 0 });
    // A state root altered inside a commit: decodes, then replay names the record.
    const body = fr[c1]!.body.slice();
    body[32 + 2 + 32] ^= 1; // first byte of the state root (after hash, kind, count, 1 parent)
    const forged = fr.slice();
    forged[c1] = { ...fr[c1]!, body };
    const sealed = seal(forged);
    const data = decodeSession(sealed);
    const v = verifySessionData(data);
    expect(v.ok).toBe(false);
    expect(v.error).toMatchObject({ code: 'VerifyFailed', record: c1, offset: fr[c1]!.offset });
    expect(v.error!.message).toMatch(/state root mismatch|commit hash mismatch/);
    expect(catchSession(() => openSession(sealed)).code).toBe('VerifyFailed');
  });
});

describe('restore needs the same world', () => {
  const { tl } = forkedTimeline('toy');
  const data = decodeSession(encodeSession(tl, meta(tl, 'toy')));

  it('other parameters (another U0): WorldMismatch naming the initial-state record', () => {
    const e = catchSession(() => restoreTimeline(newSession('toy', { start: '4' }), data));
    expect(e).toMatchObject({ code: 'WorldMismatch', record: 1 });
  });

  it('another world (another rule pack): WorldMismatch naming the header', () => {
    const e = catchSession(() => restoreTimeline(newSession('demo'), data));
    expect(e).toMatchObject({ code: 'WorldMismatch', record: 0 });
    expect(e.message).toContain('rule pack');
  });
});

describe('first divergence of two session files', () => {
  it('finds the first differing commit of two files by hash-chain binary search', () => {
    const a = forkedTimeline('toy', { mainTicks: 8, after: 0 }).tl;
    const s = newSession('toy');
    const b = new Timeline(s);
    b.step(6);
    s.engine.setNodeAttachment(TOY_CELL(0), toyVal(99));
    b.step(4);
    const da = decodeSession(encodeSession(a, meta(a, 'toy')));
    const db = decodeSession(encodeSession(b, meta(b, 'toy')));
    const d = sessionFirstDivergence(da, 'f1', db, 'main');
    const fa = a.chain(a.head('f1'));
    // f1 forked at depth 2 with an edit: commit 3 differs.
    expect(d.index).toBe(2);
    expect(d.common).toBe(2);
    expect(d.a).toBe(fa[2]!.hex);
    expect(d.b).toBe(b.chain(b.head())[2]!.hex);
    const m = sessionFirstDivergence(da, 'main', db, 'main');
    expect(m.index).toBe(6);
    expect(m.ops.onlyA.length + m.ops.onlyB.length).toBeGreaterThan(0);
    const same = sessionFirstDivergence(db, 'main', db, 'main');
    expect(same.index).toBeNull();
  });
});

describe('journal (in memory)', () => {
  /** A journal written tick by tick (`short`: 2 ticks, a fork with an edit, 1 tick). */
  function journalRun(short = false) {
    const session = newSession('toy');
    const tl = new Timeline(session, { checkpointEvery: 3 });
    const cursor = new JournalCursor();
    const chunks: Uint8Array[] = [journalStartOf(tl, 'toy', session.params)];
    const sync = () => {
      chunks.push(cursor.delta(tl));
      cursor.commit();
    };
    const ends: number[] = [];
    const total = () => chunks.reduce((n, c) => n + c.length, 0);
    for (let i = 0; i < (short ? 2 : 4); i++) (tl.step(1), sync(), ends.push(total()));
    tl.fork('x', tl.chain(tl.head())[1]!.hex);
    session.engine.setNodeAttachment(TOY_CELL(2), toyVal(7));
    sync();
    for (let i = 0; i < (short ? 1 : 3); i++) (tl.step(1), sync(), ends.push(total()));
    if (short) return { tl, bytes: concatChunks(chunks), ends, last: chunks[chunks.length - 1]!.length };
    tl.switchTo('main');
    const p = tl.mergePreview('main', 'x');
    tl.merge('main', 'x', Object.fromEntries(p.conflicts.map((c) => [c.key, 'ours' as const])));
    sync();
    ends.push(total());
    tl.step(1);
    sync();
    ends.push(total());
    return { tl, bytes: concatChunks(chunks), ends, last: chunks[chunks.length - 1]!.length };
  }
  function concatChunks(chunks: Uint8Array[]): Uint8Array {
    const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of chunks) (bytes.set(c, o), (o += c.length));
    return bytes;
  }

  it('replaying the journal reproduces commits, branches and the active branch; it converts to a verified session', () => {
    const { tl, bytes } = journalRun();
    const rec = decodeJournal(bytes);
    expect(rec.stoppedBy).toBeNull();
    expect(rec.droppedBytes).toBe(0);
    expect(rec.data.commits.map((c) => c.hex).sort()).toEqual(tl.allCommits().map((c) => c.hex).sort());
    expect(rec.data.branches).toEqual(tl.branchNames().map((name) => ({ name, head: tl.head(name) })));
    expect(rec.data.active).toBe(tl.activeBranch);
    expect(verifySessionData(rec.data).ok).toBe(true);
    expect(encodeSessionData(rec.data)).toEqual(encodeSession(tl, { worldName: 'toy', params: rec.data.header.params }));
  });

  it('a crash at every byte offset of the last record recovers all previous ticks', () => {
    const { bytes, last } = journalRun(true);
    const full = decodeJournal(bytes);
    const lastStart = bytes.length - last;
    const before = decodeJournal(bytes.subarray(0, lastStart));
    expect(before.stoppedBy).toBeNull();
    expect(full.records).toBe(before.records + 1); // the last tick is one record
    const lastLen = bytes.length - lastStart;
    expect(lastLen).toBeGreaterThan(FRAME_OVERHEAD);
    for (let cut = lastStart; cut < bytes.length; cut++) {
      const r = decodeJournal(bytes.subarray(0, cut));
      expect(r.validBytes).toBe(lastStart);
      expect(r.droppedBytes).toBe(cut - lastStart);
      if (cut > lastStart) expect(r.stoppedBy?.code).toBe('Truncated');
      expect(r.data.commits.map((c) => c.hex)).toEqual(before.data.commits.map((c) => c.hex));
      expect(r.data.branches).toEqual(before.data.branches);
    }
    expect(full.data.commits.length).toBe(before.data.commits.length + 1);
  });
});

describe('format v1 is frozen', () => {
  it('a fixed small session has pinned bytes (preamble literal, BLAKE3 of the whole file)', () => {
    const s = newSession('toy');
    const tl = new Timeline(s, { checkpointEvery: 8 });
    tl.step(2);
    tl.fork('b', tl.chain(tl.head())[0]!.hex);
    s.engine.ingestIntent(new TextEncoder().encode('golden'));
    tl.step(1);
    const bytes = encodeSession(tl, { worldName: 'toy', params: s.params });
    expect(toHex(bytes.subarray(0, PREAMBLE_LEN))).toBe('4543484f534553530100' + '0000');
    expect({ size: bytes.length, blake3: toHex(blake3(bytes)) }).toEqual(GOLDEN_V1);
  });
});
