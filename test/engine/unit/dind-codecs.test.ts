/**
 * DIND building blocks (ENGINE-SPEC §11.1-11.7): the .eintlog container and EINT envelope (round
 * trips and every rejection), the SHA-256 generated type ids, op ids, vars codecs, rule ids, a few
 * rule behaviours, harness modes, budgets and golden checks.
 */
import { describe, expect, it } from 'vitest';
import {
  BALL_NODE,
  BOGUS_SET_THEME_OP_ID,
  DEFAULT_DRAIN_LIMITS,
  DindHarnessError,
  EchoKernel,
  EintLogError,
  ELOG_MAX_FRAME_LEN,
  GENERATED_TYPE_LABELS,
  MAX_STRING_BYTES,
  OP_ID,
  SCHEMA_HASH_HEX,
  TYPEID_PAYLOAD_MOTION_V2,
  decodePutKvVars,
  decodeRoutePushVars,
  decodeSetThemeVars,
  decodeToastVars,
  dindRuleId,
  drainPending,
  encodePutKvVars,
  encodeRoutePushVars,
  encodeSetThemeVars,
  encodeToastVars,
  generatedTypeId,
  modeFor,
  motionV2View,
  packIntentV1,
  parseGolden,
  parseManifest,
  readEintLog,
  resolveConvergeScope,
  runDindScenario,
  schemaHashBytes,
  unpackIntentV1,
  verifyAgainstGolden,
  writeEintLog,
  type EintLogErrorCode,
} from '../../../engine/dind/index';
import { INBOX_NODE, PENDING_EDGE_TYPE, concatBytes, makeEdgeId, makeNodeId, makeTypeId, toHex, utf8 } from '../../../engine/index';
import { motionRule } from '../../../engine/rules/motion';
import { readDind } from '../../support/vectors';

const SCHEMA = schemaHashBytes();
const u32le = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
};

function logError(bytes: Uint8Array): EintLogError {
  try {
    readEintLog(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(EintLogError);
    return e as EintLogError;
  }
  throw new Error('expected an EintLogError');
}

describe('.eintlog container', () => {
  const header = () => writeEintLog(SCHEMA, []);

  it('round-trips frames, including empty ones', () => {
    const frames = [utf8('a'), new Uint8Array(0), packIntentV1(OP_ID.TOAST, encodeToastVars('hi'))];
    const bytes = writeEintLog(SCHEMA, frames);
    expect(bytes.length).toBe(48 + 4 + 1 + 4 + 0 + 4 + frames[2]!.length);
    expect(toHex(bytes.subarray(0, 8))).toBe('454c4f4701000000');
    const log = readEintLog(bytes);
    expect(toHex(log.schemaHash)).toBe(SCHEMA_HASH_HEX);
    expect(log.frames.map(toHex)).toEqual(frames.map(toHex));
    expect(readEintLog(header()).frames).toEqual([]);
  });

  it('reads the shared 000_smoke_theme log (2 frames, op 0x6CA33218)', () => {
    const log = readEintLog(readDind('000_smoke_theme').log);
    expect(toHex(log.schemaHash)).toBe(SCHEMA_HASH_HEX);
    expect(log.frames.map((f) => unpackIntentV1(f))).toEqual([
      { ok: true, opId: BOGUS_SET_THEME_OP_ID, vars: new Uint8Array([1, 0]) },
      { ok: true, opId: BOGUS_SET_THEME_OP_ID, vars: new Uint8Array([0, 0]) },
    ]);
  });

  it('treats a partial length prefix (1-3 bytes) at EOF as a clean end', () => {
    const base = writeEintLog(SCHEMA, [utf8('xyz')]);
    for (const extra of [1, 2, 3]) {
      const log = readEintLog(concatBytes(base, new Uint8Array(extra).fill(0xff)));
      expect(log.frames.map(toHex)).toEqual([toHex(utf8('xyz'))]);
    }
  });

  it.each<[string, (b: Uint8Array) => Uint8Array, EintLogErrorCode, number]>([
    ['bad magic', (b) => ((b[0] = 0x46), b), 'BadMagic', 0],
    ['version 2', (b) => ((b[4] = 2), b), 'BadVersion', 4],
    ['version 0', (b) => ((b[4] = 0), b), 'BadVersion', 4],
    ['flags 1', (b) => ((b[6] = 1), b), 'BadFlags', 6],
    ['flags 0x0100', (b) => ((b[7] = 1), b), 'BadFlags', 6],
    ['reserved byte 40', (b) => ((b[40] = 1), b), 'BadReserved', 40],
    ['reserved byte 47', (b) => ((b[47] = 9), b), 'BadReserved', 47],
    ['empty file', () => new Uint8Array(0), 'TooShort', 0],
    ['3 bytes', (b) => b.subarray(0, 3), 'TooShort', 0],
    ['magic only', (b) => b.subarray(0, 4), 'TooShort', 4],
    ['cut in the schema hash', (b) => b.subarray(0, 20), 'TooShort', 8],
    ['47 bytes', (b) => b.subarray(0, 47), 'TooShort', 40],
  ])('rejects %s', (_what, mutate, code, offset) => {
    const e = logError(mutate(header()));
    expect(e.code).toBe(code);
    expect(e.offset).toBe(offset);
    expect(e.message).toContain(`byte offset ${offset}`);
  });

  it('rejects a frame over 10 MiB before reading it, and accepts exactly 10 MiB', () => {
    const e = logError(concatBytes(header(), u32le(ELOG_MAX_FRAME_LEN + 1)));
    expect([e.code, e.offset]).toEqual(['FrameTooLarge', 48]);
    const big = readEintLog(concatBytes(header(), u32le(ELOG_MAX_FRAME_LEN), new Uint8Array(ELOG_MAX_FRAME_LEN)));
    expect(big.frames[0]!.length).toBe(ELOG_MAX_FRAME_LEN);
    expect(() => writeEintLog(SCHEMA, [new Uint8Array(ELOG_MAX_FRAME_LEN + 1)])).toThrow(RangeError);
  });

  it('rejects EOF inside a payload (TruncatedFrame) at the payload offset', () => {
    const good = writeEintLog(SCHEMA, [utf8('abc'), utf8('defgh')]);
    const e = logError(good.subarray(0, good.length - 1));
    expect([e.code, e.offset]).toEqual(['TruncatedFrame', 48 + 4 + 3 + 4]);
    expect(logError(concatBytes(header(), u32le(1))).code).toBe('TruncatedFrame');
  });

  it('writeEintLog requires a 32-byte schema hash', () => {
    expect(() => writeEintLog(new Uint8Array(31), [])).toThrow(RangeError);
  });
});

describe('EINT envelope v1', () => {
  it('packs the upstream golden set_theme(DARK) envelope', () => {
    const packed = packIntentV1(OP_ID.SET_THEME, encodeSetThemeVars(1));
    expect(toHex(packed)).toBe('45494e54' + '186ea36c' + '02000000' + '0100');
  });

  it('round-trips, including empty vars and the largest op id', () => {
    for (const [op, vars] of [
      [0, new Uint8Array(0)],
      [0xffffffff, utf8('xyz')],
      [OP_ID.PUT_KV, encodePutKvVars('k', 'v')],
    ] as const) {
      const r = unpackIntentV1(packIntentV1(op, vars));
      expect(r).toEqual({ ok: true, opId: op, vars });
    }
  });

  it('enforces the exact-length rule in upstream order', () => {
    const good = packIntentV1(7, new Uint8Array([1, 2]));
    expect(unpackIntentV1(good.subarray(0, 11))).toEqual({ ok: false, error: 'TooShort' });
    expect(unpackIntentV1(new Uint8Array(0))).toEqual({ ok: false, error: 'TooShort' });
    expect(unpackIntentV1(utf8('JUNK000000000000'))).toEqual({ ok: false, error: 'InvalidMagic' });
    expect(unpackIntentV1(utf8('EIN'))).toEqual({ ok: false, error: 'TooShort' });
    expect(unpackIntentV1(good.subarray(0, 13))).toEqual({ ok: false, error: 'TooShort' }); // declares 2, has 1
    expect(unpackIntentV1(concatBytes(good, new Uint8Array([0])))).toEqual({ ok: false, error: 'LengthMismatch' });
  });

  it('packIntentV1 rejects op ids that are not u32', () => {
    for (const op of [-1, 2 ** 32, 1.5, Number.NaN]) expect(() => packIntentV1(op, new Uint8Array(0))).toThrow(RangeError);
  });
});

describe('generated type ids = SHA-256("type:" ‖ label)', () => {
  const TABLE: Record<string, string> = {
    'payload/motion/v2': '98642abd9b2150f28beaacf9f37a39449eda78f7f3ace39b5a9ad852325dbc1f',
    'state/nav_open': 'fbceb0fcb75552c73f4fe715a7114b4760e3b0a2fa7e87dabb7c2667990bc628',
    'state/route_path': 'dc5b118ee2cf5f5890334ba5caa002f3f4de6e0d0d9866e107b797bc77c6aca2',
    'state/theme': 'a3beb44f97b962a4635f27dade308ddffded92ea7cc67529135c9f5f7c575e1d',
    'state/kv': '85f348fb9b462457ee85fb9a6c36c561249ed20d2f0517ddea793e55ce9d8313',
    'view_op/MoveEntity': '1f8636b3f7fced9f7af0744b7904848f57e3fe13be6c83133b37f4c8b5951da1',
    'view_op/RoutePush': '99d762be637eafe65aabc78927c358a650f0669803d1b90ddb785c210823073f',
    'view_op/SetTheme': 'b8fc67c8d286e8a59a4aac5b91790f20b9de65aac08cfbc27bd4875d0190d3d9',
    'view_op/ShowToast': 'b4b4595e6acb7bb1fb3bb19f01f1d2416a50c6e9c5bca20005dc1fb4021e582f',
    'view_op/ToggleNav': 'e18a88a23ce82a013ddbd7b9ed67e18ccb414cc8a271d54f34487b81e54cf144',
  };

  it('matches the §11.5 table for all ten labels, and differs from makeTypeId', () => {
    expect([...GENERATED_TYPE_LABELS].sort()).toEqual(Object.keys(TABLE).sort());
    for (const [label, hex] of Object.entries(TABLE)) {
      expect(toHex(generatedTypeId(label))).toBe(hex);
      expect(toHex(makeTypeId(label))).not.toBe(hex);
    }
    expect(toHex(TYPEID_PAYLOAD_MOTION_V2)).toBe(TABLE['payload/motion/v2']);
  });

  it('SCHEMA_HASH_HEX is the opaque generated constant', () => {
    expect(SCHEMA_HASH_HEX).toBe('0427e9fd236e92dfc8c0765f7bd429fc233bfbfab3cb67c9d03b22a0f31e7f8a');
    expect(toHex(schemaHashBytes())).toBe(SCHEMA_HASH_HEX);
  });
});

describe('op ids and rule ids', () => {
  it('op ids match the §11.5 table (hex)', () => {
    const hex = Object.fromEntries(Object.entries(OP_ID).map(([k, v]) => [k, '0x' + v.toString(16).toUpperCase().padStart(8, '0')]));
    expect(hex).toEqual({
      APP_STATE: '0x0B5B74E6',
      DROP_BALL: '0x2E670AA7',
      SET_THEME: '0x6CA36E18',
      ROUTE_PUSH: '0x8418CD04',
      TOGGLE_NAV: '0xC30CE8EF',
      TOAST: '0xFDA1D461',
      PUT_KV: '0xB2D05E01',
    });
    expect(BOGUS_SET_THEME_OP_ID).toBe(1822634520);
  });

  it('rule ids are makeTypeId("rule:" ‖ name) and match the §11.6 table; registration order is fixed', () => {
    const k = new EchoKernel();
    const ids = k.engine.registeredRules().map((r) => [r.name, toHex(r.id)]);
    expect(ids).toEqual([
      ['motion/update', toHex(motionRule().id)],
      ['cmd/toast', '7b7f844755c874bae433d3cd568f7106ada12ef73bdc3d5cc887d7d522122038'],
      ['cmd/route_push', '6f58150a6e0462287c866727f2f085e92bee21407ff40857ad0a36259e80aba9'],
      ['cmd/set_theme', '6a4d18604316410f44bef4218038030efd155b0ef2e3190100da1de1bd7b0374'],
      ['cmd/toggle_nav', 'f8f2bbd3f9b1793fd9029395c7297fdfa2bda5f8470383551725a630fdceeac6'],
      ['cmd/drop_ball', 'cc8d66738a3dd99497405517e3078be4a85dd0165ca14705725f2e9e09bfcc43'],
      ['physics/ball', 'fdee83e7bb94a39708a051b23d99750c19dc38f076f4b872bf54ab0be649cb69'],
      ['cmd/put_kv', '8ca2c2e9c152dee62c616ac313154775590113d703488d80a42f0a1bad57ebdb'],
      ['sys/ack_pending', expect.stringMatching(/^c983eb6a[0-9a-f]{50}547474$/)],
    ]);
    expect(toHex(motionRule().id)).toMatch(/^8c9fdd38[0-9a-f]{48}58e98473$/);
    for (const [name, hex] of ids.slice(1)) {
      expect(toHex(dindRuleId(name!))).toBe(hex);
      expect(toHex(dindRuleId(name!))).toBe(toHex(makeTypeId('rule:' + name)));
    }
  });
});

describe('vars codecs', () => {
  const str = (n: number, body: Uint8Array) => concatBytes(u32le(n), body);

  it('route_push / toast: round trip, trailing bytes ignored, empty string', () => {
    for (const dec of [decodeRoutePushVars, decodeToastVars]) {
      expect(dec(encodeRoutePushVars('/a/ü'))).toBe('/a/ü');
      expect(dec(concatBytes(encodeToastVars('hi'), utf8('junk')))).toBe('hi');
      expect(dec(u32le(0))).toBe('');
    }
  });

  it('route_push / toast: short buffers, bad UTF-8 and over-long strings → null', () => {
    for (const dec of [decodeRoutePushVars, decodeToastVars]) {
      expect(dec(new Uint8Array(0))).toBeNull();
      expect(dec(new Uint8Array([1, 0, 0]))).toBeNull();
      expect(dec(str(3, utf8('ab')))).toBeNull();
      expect(dec(str(2, new Uint8Array([0xc3, 0x28])))).toBeNull();
      expect(dec(str(1, new Uint8Array([0xff])))).toBeNull();
      expect(dec(str(3, new Uint8Array([0xed, 0xa0, 0x80])))).toBeNull(); // a UTF-16 surrogate
      expect(dec(str(MAX_STRING_BYTES, new Uint8Array(MAX_STRING_BYTES).fill(0x61)))).toHaveLength(MAX_STRING_BYTES);
      expect(dec(str(MAX_STRING_BYTES + 1, new Uint8Array(MAX_STRING_BYTES + 1).fill(0x61)))).toBeNull();
    }
  });

  it('keeps a leading BOM like Rust from_utf8', () => {
    expect(decodeRoutePushVars(str(4, new Uint8Array([0xef, 0xbb, 0xbf, 0x61])))).toBe('\uFEFFa');
  });

  it('set_theme: 0, 1, 2 only; u16le; trailing ignored; short → null', () => {
    expect([0, 1, 2].map((m) => decodeSetThemeVars(encodeSetThemeVars(m)))).toEqual([0, 1, 2]);
    expect(decodeSetThemeVars(new Uint8Array([2, 0, 9, 9]))).toBe(2);
    expect(decodeSetThemeVars(new Uint8Array([3, 0]))).toBeNull();
    expect(decodeSetThemeVars(new Uint8Array([1, 1]))).toBeNull(); // 257
    expect(decodeSetThemeVars(new Uint8Array([1]))).toBeNull();
    expect(decodeSetThemeVars(new Uint8Array(0))).toBeNull();
  });

  it('put_kv: key and value, each length-prefixed, each bounded', () => {
    expect(decodePutKvVars(encodePutKvVars('key_1', 'val_1'))).toEqual({ key: 'key_1', value: 'val_1' });
    expect(decodePutKvVars(concatBytes(encodePutKvVars('', ''), utf8('x')))).toEqual({ key: '', value: '' });
    expect(decodePutKvVars(encodeToastVars('only-key'))).toBeNull();
    expect(decodePutKvVars(concatBytes(encodeToastVars('k'), new Uint8Array([1, 0])))).toBeNull();
    expect(decodePutKvVars(concatBytes(str(1, new Uint8Array([0x80])), encodeToastVars('v')))).toBeNull();
    expect(decodePutKvVars(concatBytes(encodeToastVars('k'), str(MAX_STRING_BYTES + 1, new Uint8Array(MAX_STRING_BYTES + 1))))).toBeNull();
  });
});

describe('kernel rules (behaviour)', () => {
  const frame = (op: number, vars: Uint8Array) => packIntentV1(op, vars);
  const ROUTE = makeNodeId('sim/state/routePath');

  it('a cmd rule with undecodable vars still takes the handler slot and the intent is consumed', () => {
    const k = new EchoKernel();
    k.dispatchIntent(frame(OP_ID.ROUTE_PUSH, new Uint8Array([5, 0, 0, 0, 0x61])));
    const tx = k.engine.begin();
    expect(k.engine.dispatchNextIntent(tx)).toMatchObject({ kind: 'consumed', handlerMatched: true });
    k.engine.commit(tx);
    expect(k.pendingIntentCount()).toBe(0);
    expect(k.engine.rootStore.hasNode(ROUTE)).toBe(false);
  });

  it('unknown ops and malformed envelopes are only acked', () => {
    const k = new EchoKernel();
    k.dispatchIntent(utf8('JUNK000000000000'));
    k.dispatchIntent(frame(OP_ID.APP_STATE, new Uint8Array(0)));
    for (let i = 0; i < 2; i++) {
      const tx = k.engine.begin();
      expect(k.engine.dispatchNextIntent(tx)).toMatchObject({ kind: 'consumed', handlerMatched: false });
      k.engine.commit(tx);
    }
    expect(k.step()).toBe(false);
  });

  it('route_push stores u32le(n) ‖ path under sim/state; toggle_nav flips', () => {
    const k = new EchoKernel();
    k.dispatchIntent(frame(OP_ID.ROUTE_PUSH, encodeRoutePushVars('/x')));
    expect(k.step()).toBe(true);
    const att = k.engine.rootStore.nodeAttachment(ROUTE);
    expect(att).toMatchObject({ kind: 'atom', typeId: generatedTypeId('state/route_path') });
    expect(toHex((att as { bytes: Uint8Array }).bytes)).toBe('02000000' + toHex(utf8('/x')));
    const nav = makeNodeId('sim/state/navOpen');
    const navByte = () => (k.engine.rootStore.nodeAttachment(nav) as { bytes: Uint8Array }).bytes[0];
    k.dispatchIntent(frame(OP_ID.TOGGLE_NAV, new Uint8Array(0)));
    k.step();
    expect(navByte()).toBe(1);
    k.dispatchIntent(frame(OP_ID.TOGGLE_NAV, new Uint8Array([1]))); // a different intent (vars ignored)
    k.step();
    expect(navByte()).toBe(0);
  });

  it('the ball falls with gravity and comes to rest at y = 0; physics then stops matching', () => {
    const k = new EchoKernel();
    k.dispatchIntent(frame(OP_ID.DROP_BALL, new Uint8Array(0)));
    k.step();
    const ball = () => motionV2View(k.engine.rootStore.nodeAttachment(BALL_NODE))!;
    expect(ball()).toEqual({ pos: [0n, 400n << 32n, 0n], vel: [0n, -5n << 32n, 0n] });
    expect(k.step()).toBe(true);
    expect(ball()).toEqual({ pos: [0n, 394n << 32n, 0n], vel: [0n, -6n << 32n, 0n] });
    let steps = 1;
    while (k.step()) steps++;
    expect(ball()).toEqual({ pos: [0n, 0n, 0n], vel: [0n, 0n, 0n] });
    expect(steps).toBeGreaterThan(20);
    expect(steps).toBeLessThan(30);
  });

  it('motionV2View needs the generated type id and exactly 48 bytes', () => {
    const bytes = new Uint8Array(48);
    expect(motionV2View({ kind: 'atom', typeId: TYPEID_PAYLOAD_MOTION_V2, bytes })).not.toBeNull();
    expect(motionV2View({ kind: 'atom', typeId: makeTypeId('payload/motion/v2'), bytes })).toBeNull();
    expect(motionV2View({ kind: 'atom', typeId: TYPEID_PAYLOAD_MOTION_V2, bytes: new Uint8Array(47) })).toBeNull();
    expect(motionV2View(undefined)).toBeNull();
  });
});

describe('harness', () => {
  it('modeFor: 050_ prefix or an ingest-all-first / permute-invariant / order-sensitive tag', () => {
    const m = parseManifest([
      { path: 'a.eintlog', tags: ['order-sensitive'] },
      { path: 'b.eintlog', tags: ['permute-invariant'] },
      { path: 'c.eintlog', tags: ['ingest-all-first'] },
      { path: 'd.eintlog', tags: ['nightly'] },
    ]);
    expect(['a', 'b', 'c', 'd', 'e'].map((n) => modeFor(`dir/${n}.eintlog`, m))).toEqual([
      'ingest-all-first',
      'ingest-all-first',
      'ingest-all-first',
      'sequential',
      'sequential',
    ]);
    expect(modeFor('050_x.eintlog')).toBe('ingest-all-first');
    expect(modeFor('/some/where/050_x.eintlog', null)).toBe('ingest-all-first');
    expect(modeFor('051_x.eintlog')).toBe('sequential');
  });

  it('rejects a log with a foreign schema hash', () => {
    const log = writeEintLog(new Uint8Array(32), []);
    expect(() => runDindScenario(log, { ingestAllFirst: false })).toThrow(expect.objectContaining({ code: 'SchemaMismatch' }));
  });

  it('ingest-all-first records nothing for ingestion and one hash per tick', () => {
    const frames = [frameOf('b'), frameOf('a'), frameOf('a')];
    const r = runDindScenario(writeEintLog(SCHEMA, frames), { ingestAllFirst: true });
    expect(r.hashes).toHaveLength(3); // fresh + 2 distinct intents
    const seq = runDindScenario(writeEintLog(SCHEMA, frames), { ingestAllFirst: false });
    expect(seq.hashes).toHaveLength(4); // the duplicate still records a hash
  });

  it('stall budget and max_ticks fail with typed errors', () => {
    // A pending edge whose id is not pending_edge_id(inbox, target): ack never matches, nothing shrinks.
    const rogue = () => {
      const k = new EchoKernel();
      k.dispatchIntent(frameOf('x'));
      const ev = k.engine.rootStore.edgesFrom(INBOX_NODE).find((e) => toHex(e.ty) === toHex(PENDING_EDGE_TYPE))!.to;
      k.engine.insertEdge(INBOX_NODE, { id: makeEdgeId('rogue'), from: INBOX_NODE, to: ev, ty: PENDING_EDGE_TYPE });
      k.step(); // consumes the real pending edge; the rogue one stays
      expect(k.pendingIntentCount()).toBe(1);
      return k;
    };
    const hashes: string[] = [];
    expect(() => drainPending(rogue(), hashes)).toThrow(expect.objectContaining({ code: 'StallBudgetExhausted' }));
    expect(hashes).toHaveLength(DEFAULT_DRAIN_LIMITS.stallBudget);
    expect(() => drainPending(rogue(), [], { minMaxTicks: 5, ticksPerPending: 1, stallBudget: 100 })).toThrow(DindHarnessError);
    expect(() => drainPending(rogue(), [], { minMaxTicks: 5, ticksPerPending: 1, stallBudget: 100 })).toThrow(/max_ticks = 5/);
  });

  it('verifyAgainstGolden reports schema, length and per-step mismatches', () => {
    const h = (c: string) => c.repeat(64);
    const golden = parseGolden({ elog_version: 1, schema_hash_hex: SCHEMA_HASH_HEX, hash_domain: 'DIND_STATE_HASH_V2', hash_alg: 'BLAKE3', hashes_hex: [h('a'), h('b'), h('c')] });
    expect(verifyAgainstGolden({ schemaHashHex: SCHEMA_HASH_HEX, hashes: [h('a'), h('b'), h('c')] }, golden)).toEqual({ ok: true, mismatches: [], matched: 3, total: 3 });
    const r = verifyAgainstGolden({ schemaHashHex: h('0'), hashes: [h('a'), h('d')] }, golden);
    expect(r).toEqual({
      ok: false,
      schemaMismatch: { expected: SCHEMA_HASH_HEX, actual: h('0') },
      lengthMismatch: { expected: 3, actual: 2 },
      mismatches: [{ step: 1, expected: h('b'), actual: h('d') }],
      matched: 1,
      total: 3,
    });
  });

  it('parseGolden and parseManifest name the bad field', () => {
    const good = { elog_version: 1, schema_hash_hex: SCHEMA_HASH_HEX, hash_domain: 'DIND_STATE_HASH_V2', hash_alg: 'BLAKE3', hashes_hex: ['a'.repeat(64)] };
    expect(() => parseGolden([])).toThrow(/object/);
    expect(() => parseGolden({ ...good, elog_version: 2 })).toThrow(/elog_version/);
    expect(() => parseGolden({ ...good, schema_hash_hex: 'zz' })).toThrow(/schema_hash_hex/);
    expect(() => parseGolden({ ...good, hash_domain: 'X' })).toThrow(/hash_domain/);
    expect(() => parseGolden({ ...good, hash_alg: 'SHA' })).toThrow(/hash_alg/);
    expect(() => parseGolden({ ...good, hashes_hex: ['A'.repeat(64)] })).toThrow(/hashes_hex\[0\]/);
    expect(() => parseGolden({ ...good, hashes_hex: [] })).toThrow(/empty/);
    expect(() => parseManifest({})).toThrow(/array/);
    expect(() => parseManifest([{ tags: [] }])).toThrow(/path/);
    expect(() => parseManifest([{ path: 'x', tags: [1] }])).toThrow(/tags/);
  });

  it('resolveConvergeScope: none, common, mismatch, missing', () => {
    const e = (s?: string) => ({ path: 'p', tags: [], ...(s ? { converge_scope: s } : {}) });
    expect(resolveConvergeScope([{ name: 'a', entry: undefined }, { name: 'b', entry: e() }])).toBeNull();
    expect(resolveConvergeScope([{ name: 'a', entry: e('s') }, { name: 'b', entry: e('s') }])).toBe('s');
    expect(() => resolveConvergeScope([{ name: 'a', entry: e('s') }, { name: 'b', entry: e('t') }])).toThrow(/mismatch/);
    expect(() => resolveConvergeScope([{ name: 'a', entry: e('s') }, { name: 'b', entry: undefined }])).toThrow(/missing for b/);
  });
});

function frameOf(msg: string): Uint8Array {
  return packIntentV1(OP_ID.TOAST, encodeToastVars(msg));
}
