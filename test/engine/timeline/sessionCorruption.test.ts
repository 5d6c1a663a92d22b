/**
 * Corruption fuzz of session files (seeded; FC_SEED): valid files from the toy and demo worlds
 * (forks, a direct edit, an intent, a merge) are damaged thousands of ways — bit flips, random
 * bytes, truncation, duplicated / swapped / deleted records, appended garbage, changed length
 * fields — and every variant must be either rejected with a `SessionError` (naming a record and
 * its byte offset) or, only if its meaning is unchanged, accepted. No variant may crash the
 * process (any other exception counts as a crash; the test requires 0).
 *
 * A second family plays a forger who re-seals the damage (fresh sequence numbers, record
 * checksums and trailer hash), so the body decoders and the replay verifier see arbitrary bytes.
 * There, an accepted variant must keep every authenticated field (commit hashes, parents, state
 * roots, patch / plan / decision / rewrites digests, receipts, slots, U0's state root); the only
 * changes that can pass are to fields no hash covers (docs/timelines.md, "What is authenticated").
 */
import { describe, expect, it } from 'vitest';
import { ByteWriter, computeStateRoot, toHex } from '../../../engine/index';
import { encodeWarpState } from '../../../engine/codec/stateBinary';
import {
  PREAMBLE_LEN,
  RecordKind,
  SESSION_MAGIC,
  SessionError,
  decodeJournal,
  decodeSession,
  encodeSession,
  encodeSessionData,
  readRecordAt,
  trailerBody,
  verifySessionData,
  writePreamble,
  writeRecord,
  JournalCursor,
  journalStartOf,
  Timeline,
  type SessionData,
} from '../../../engine/timeline/index';
import { FC_SEED } from '../../support/prop';
import { forkedTimeline, newSession, TOY_CELL, toyVal } from '../../support/sessionFixtures';

function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Frame {
  readonly kind: number;
  readonly body: Uint8Array;
  readonly raw: Uint8Array;
}

function framesOf(bytes: Uint8Array): Frame[] {
  const out: Frame[] = [];
  let off = PREAMBLE_LEN;
  for (let i = 0; off < bytes.length; i++) {
    const r = readRecordAt(bytes, off, i);
    out.push({ kind: r.kind, body: bytes.slice(r.bodyStart, r.bodyEnd), raw: bytes.slice(r.offset, r.end) });
    off = r.end;
  }
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function seal(frames: ReadonlyArray<{ kind: number; body: Uint8Array }>): Uint8Array {
  const w = new ByteWriter(1 << 16);
  writePreamble(w, SESSION_MAGIC);
  const body = frames.filter((f) => f.kind !== RecordKind.Trailer);
  body.forEach((f, i) => writeRecord(w, i, f.kind, f.body));
  writeRecord(w, body.length, RecordKind.Trailer, trailerBody(w.finish(), body.length));
  return w.finish();
}

/** Everything a hash covers (directly, or through replay of the chain). */
function authenticated(d: SessionData): string {
  const parts = [toHex(computeStateRoot(d.initial, d.header.root)), toHex(d.header.rulePackId), toHex(d.header.root.warp), toHex(d.header.root.local), String(d.header.policyId)];
  for (const c of d.commits.slice().sort((a, b) => (a.hex < b.hex ? -1 : 1))) {
    const s = c.snapshot;
    parts.push(
      [c.hex, c.parentHexes.join(','), c.kind, toHex(s.stateRoot), toHex(s.patchDigest), toHex(s.planDigest), toHex(s.decisionDigest), toHex(s.rewritesDigest)].join('|'),
      Array.from(c.receipt.entries, (e) => toHex(e.ruleId) + toHex(e.scopeHash) + toHex(e.scope.warp) + toHex(e.scope.local) + e.disposition).join(','),
      JSON.stringify([c.inSlots, c.outSlots], (_k, v) => (v instanceof Uint8Array ? toHex(v) : typeof v === 'bigint' ? v.toString() : v)),
    );
  }
  return parts.join('\n');
}

/** Which unauthenticated fields differ (for the report). */
function changedFields(a: SessionData, b: SessionData): string[] {
  const out: string[] = [];
  const j = (x: unknown) => JSON.stringify(x, (_k, v) => (v instanceof Uint8Array ? toHex(v) : typeof v === 'bigint' ? v.toString() : v instanceof Map ? Array.from(v.keys()) : v));
  if (a.header.worldName !== b.header.worldName) out.push('world name');
  if (j(a.header.params) !== j(b.header.params)) out.push('params');
  if (j(a.header.rules.map((r) => r.name)) !== j(b.header.rules.map((r) => r.name))) out.push('rule names');
  if (a.header.checkpointEvery !== b.header.checkpointEvery) out.push('checkpoint hint');
  if (j(a.branches) !== j(b.branches) || a.active !== b.active) out.push('branch table');
  if (toHex(encodeWarpState(a.initial)) !== toHex(encodeWarpState(b.initial))) out.push('U0 (unhashed part)');
  const bh = new Map(b.commits.map((c) => [c.hex, c]));
  for (const c of a.commits) {
    const d = bh.get(c.hex)!;
    if (c.snapshot.tx !== d.snapshot.tx) out.push('tx');
    if (c.createdOn !== d.createdOn) out.push('createdOn');
    if (j(c.footprints) !== j(d.footprints)) out.push('footprints');
    if (j(c.inputs) !== j(d.inputs)) out.push('inputs (same effect)');
    if (j(c.appliedOps) !== j(d.appliedOps)) out.push('applied ops (same effect)');
  }
  return Array.from(new Set(out));
}

interface Counts {
  tried: number;
  rejected: number;
  acceptedEqual: number;
  acceptedUnauthenticated: number;
  crashes: number;
  byCode: Record<string, number>;
  changed: Record<string, number>;
}

const newCounts = (): Counts => ({ tried: 0, rejected: 0, acceptedEqual: 0, acceptedUnauthenticated: 0, crashes: 0, byCode: {}, changed: {} });

/** Classifies one variant. `original` is the undamaged file. */
function check(variant: Uint8Array, original: Uint8Array, origData: SessionData, origAuth: string, resealed: boolean, counts: Counts, what: string, crashes: string[]): void {
  counts.tried++;
  let data: SessionData;
  try {
    data = decodeSession(variant);
    const v = verifySessionData(data);
    if (!v.ok) throw v.error;
  } catch (e) {
    if (e instanceof SessionError) {
      counts.rejected++;
      counts.byCode[e.code] = (counts.byCode[e.code] ?? 0) + 1;
      // The error names a record (or the preamble) and a byte offset.
      if (typeof e.offset !== 'number' || !/^\w+: (preamble|record \d+) at offset \d+/.test(e.message)) crashes.push(`${what}: error without a location: ${e.message}`);
      return;
    }
    counts.crashes++;
    crashes.push(`${what}: ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`);
    return;
  }
  const same = encodeSessionData(data);
  if (same.length === original.length && same.every((b, i) => b === original[i])) {
    counts.acceptedEqual++;
    return;
  }
  if (resealed && authenticated(data) === origAuth) {
    counts.acceptedUnauthenticated++;
    for (const f of changedFields(origData, data)) counts.changed[f] = (counts.changed[f] ?? 0) + 1;
    return;
  }
  counts.crashes++;
  crashes.push(`${what}: accepted with a different meaning`);
}

function fuzz(bytes: Uint8Array, n: number, seed: number, resealed: boolean): { counts: Counts; crashes: string[] } {
  const rnd = mulberry32(seed);
  const int = (k: number) => Math.floor(rnd() * k);
  const frames = framesOf(bytes);
  const origData = decodeSession(bytes);
  const origAuth = authenticated(origData);
  const counts = newCounts();
  const crashes: string[] = [];
  const commitIx = frames.map((f, i) => (f.kind === RecordKind.Commit ? i : -1)).filter((i) => i >= 0);
  for (let i = 0; i < n; i++) {
    let v: Uint8Array;
    let what: string;
    if (!resealed) {
      switch (i % 9) {
        case 0:
        case 1: {
          v = bytes.slice();
          const bits = 1 + int(3);
          for (let b = 0; b < bits; b++) v[int(v.length)] ^= 1 << int(8);
          what = `bit flips ×${bits}`;
          break;
        }
        case 2: {
          v = bytes.slice();
          const at = int(v.length);
          v[at] ^= 1 + int(255);
          what = `random byte at ${at}`;
          break;
        }
        case 3:
          v = bytes.slice(0, int(bytes.length));
          what = `truncated to ${v.length}`;
          break;
        case 4: {
          const k = int(frames.length);
          const at = int(frames.length + 1);
          const raws = frames.map((f) => f.raw);
          raws.splice(at, 0, frames[k]!.raw);
          v = concat([bytes.subarray(0, PREAMBLE_LEN), ...raws]);
          what = `record ${k} duplicated at ${at}`;
          break;
        }
        case 5: {
          const a = int(frames.length);
          const b = (a + 1 + int(frames.length - 1)) % frames.length;
          const raws = frames.map((f) => f.raw);
          [raws[a], raws[b]] = [raws[b]!, raws[a]!];
          v = concat([bytes.subarray(0, PREAMBLE_LEN), ...raws]);
          what = `records ${a} and ${b} swapped`;
          break;
        }
        case 6: {
          const k = int(frames.length);
          const raws = frames.map((f) => f.raw);
          raws.splice(k, 1);
          v = concat([bytes.subarray(0, PREAMBLE_LEN), ...raws]);
          what = `record ${k} deleted`;
          break;
        }
        case 7: {
          const g = new Uint8Array(1 + int(64)).map(() => int(256));
          v = concat([bytes, g]);
          what = `${g.length} garbage bytes appended`;
          break;
        }
        default: {
          v = bytes.slice();
          const k = int(frames.length);
          let off = PREAMBLE_LEN;
          for (let j = 0; j < k; j++) off += frames[j]!.raw.length;
          const dv = new DataView(v.buffer);
          const old = dv.getUint32(off + 5, true);
          const choice = int(4);
          let nv = choice === 0 ? 0xffffffff : choice === 1 ? old + 1 + int(100) : choice === 2 ? Math.max(0, old - 1 - int(100)) : int(1 << 20);
          if (nv === old) nv = old + 1;
          dv.setUint32(off + 5, nv >>> 0, true);
          what = `record ${k} length ${old} → ${nv >>> 0}`;
        }
      }
    } else {
      const fr: Array<{ kind: number; body: Uint8Array }> = frames.map((f) => ({ kind: f.kind, body: f.body }));
      switch (i % 6) {
        case 0:
        case 1: {
          const k = int(fr.length - 1);
          const body = fr[k]!.body.slice();
          if (body.length === 0) continue;
          const at = int(body.length);
          body[at] ^= 1 << int(8);
          fr[k] = { ...fr[k]!, body };
          what = `re-sealed bit flip in record ${k} body byte ${at}`;
          break;
        }
        case 2: {
          const k = int(fr.length - 1);
          const body = fr[k]!.body.slice();
          if (body.length < 4) continue;
          const at = int(body.length - 3);
          const choice = int(3);
          new DataView(body.buffer).setUint32(at, choice === 0 ? 0xffffffff : choice === 1 ? int(1 << 16) : int(8), true);
          fr[k] = { ...fr[k]!, body };
          what = `re-sealed u32 overwrite in record ${k} at ${at}`;
          break;
        }
        case 3: {
          const k = commitIx[int(commitIx.length)]!;
          fr.splice(k + int(3), 0, fr[k]!);
          what = `re-sealed duplicate of commit record ${k}`;
          break;
        }
        case 4: {
          const ai = int(commitIx.length);
          const a = commitIx[ai]!;
          const b = commitIx[(ai + 1 + int(commitIx.length - 1)) % commitIx.length]!;
          [fr[a], fr[b]] = [fr[b]!, fr[a]!];
          what = `re-sealed swap of records ${a} and ${b}`;
          break;
        }
        default: {
          const k = 1 + int(fr.length - 2);
          fr.splice(k, 1);
          what = `re-sealed deletion of record ${k}`;
        }
      }
      v = seal(fr);
    }
    check(v, bytes, origData, origAuth, resealed, counts, what, crashes);
  }
  return { counts, crashes };
}

function merge(into: Counts, c: Counts): void {
  into.tried += c.tried;
  into.rejected += c.rejected;
  into.acceptedEqual += c.acceptedEqual;
  into.acceptedUnauthenticated += c.acceptedUnauthenticated;
  into.crashes += c.crashes;
  for (const [k, n] of Object.entries(c.byCode)) into.byCode[k] = (into.byCode[k] ?? 0) + n;
  for (const [k, n] of Object.entries(c.changed)) into.changed[k] = (into.changed[k] ?? 0) + n;
}

describe('session corruption fuzz', () => {
  const toy = forkedTimeline('toy').tl;
  const toyBytes = encodeSession(toy, { worldName: 'toy', params: { start: 3 } });
  const toySubset = encodeSession(toy, { worldName: 'toy', params: { start: 3 }, branches: ['f1', 'f2'] });
  const demoTl = forkedTimeline('demo', { mainTicks: 2, after: 0, f2: false }).tl;
  const demoBytes = encodeSession(demoTl, { worldName: 'demo', params: { seed: 7, pumpEvery: 4 } });

  it('every damaged variant is rejected with a SessionError or accepted unchanged in meaning; crashes = 0', () => {
    const total = newCounts();
    const crashes: string[] = [];
    for (const [bytes, n, seed] of [
      [toyBytes, 1500, FC_SEED],
      [toySubset, 450, FC_SEED + 1],
      [demoBytes, 150, FC_SEED + 2],
    ] as const) {
      const r = fuzz(bytes, n, seed, false);
      merge(total, r.counts);
      crashes.push(...r.crashes);
    }
    console.log(
      `session corruption fuzz (seed ${FC_SEED}): tried ${total.tried}, rejected ${total.rejected}, accepted-equal ${total.acceptedEqual}, crashes ${total.crashes}; codes ${JSON.stringify(total.byCode)}`,
    );
    expect(crashes.slice(0, 5)).toEqual([]);
    expect(total.crashes).toBe(0);
    expect(total.tried).toBeGreaterThanOrEqual(2000);
    expect(total.rejected + total.acceptedEqual).toBe(total.tried);
  });

  it('re-sealed forgeries: rejected, or accepted with every authenticated field unchanged; crashes = 0', () => {
    const total = newCounts();
    const crashes: string[] = [];
    for (const [bytes, n, seed] of [
      [toyBytes, 500, FC_SEED + 3],
      [demoBytes, 60, FC_SEED + 4],
    ] as const) {
      const r = fuzz(bytes, n, seed, true);
      merge(total, r.counts);
      crashes.push(...r.crashes);
    }
    console.log(
      `session forgery fuzz (re-sealed, seed ${FC_SEED}): tried ${total.tried}, rejected ${total.rejected}, accepted-equal ${total.acceptedEqual}, accepted-unauthenticated-change ${total.acceptedUnauthenticated} (${JSON.stringify(total.changed)}), crashes ${total.crashes}; codes ${JSON.stringify(total.byCode)}`,
    );
    expect(crashes.slice(0, 5)).toEqual([]);
    expect(total.crashes).toBe(0);
  });

  it('journal recovery under damage: never crashes, always yields a prefix of the original commits', () => {
    const session = newSession('toy');
    const tl = new Timeline(session, { checkpointEvery: 3 });
    const cursor = new JournalCursor();
    const chunks = [journalStartOf(tl, 'toy', session.params)];
    const step = () => {
      chunks.push(cursor.delta(tl));
      cursor.commit();
    };
    tl.step(2);
    step();
    tl.fork('x', tl.head());
    session.engine.setNodeAttachment(TOY_CELL(0), toyVal(42));
    tl.step(2);
    step();
    const bytes = concat(chunks);
    const order = decodeJournal(bytes).data.commits.map((c) => c.hex);
    const rnd = mulberry32(FC_SEED + 5);
    let tried = 0;
    let crashes = 0;
    for (let i = 0; i < 300; i++) {
      const v = bytes.slice(0, i % 3 === 0 ? Math.floor(rnd() * bytes.length) : bytes.length);
      if (i % 3 !== 0) v[Math.floor(rnd() * v.length)] ^= 1 << Math.floor(rnd() * 8);
      tried++;
      try {
        const r = decodeJournal(v);
        expect(order.slice(0, r.data.commits.length)).toEqual(r.data.commits.map((c) => c.hex));
        expect(r.validBytes + r.droppedBytes).toBe(v.length);
      } catch (e) {
        if (!(e instanceof SessionError)) crashes++;
      }
    }
    console.log(`journal damage fuzz: tried ${tried}, crashes ${crashes}`);
    expect(crashes).toBe(0);
  });
});
