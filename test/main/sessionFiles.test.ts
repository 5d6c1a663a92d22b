/**
 * Session files and the autosave journal on disk: atomic writes leave no temp file and never a
 * half-written target; save → load verifies; a journal synced per tick, cut by a crash inside its
 * last record (real files, truncated in place), recovers every previous tick, reopens (dropping
 * the torn tail) and continues; the recovered journal converts to the same session file.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync, statSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SessionError, Timeline, encodeSession, restoreTimeline } from '../../engine/timeline/index';
import { loadSessionFile, readFileBytes, saveSession, SessionFileError, writeFileAtomic, writeFileAtomicSync } from '../../main/sessions/files';
import { journalToSessionBytes, recoverJournal, SessionJournal } from '../../main/sessions/journal';
import { forkedTimeline, newSession, TOY_CELL, toyVal } from '../support/sessionFixtures';

const dir = mkdtempSync(join(tmpdir(), 'echo-sessions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('atomic writes', () => {
  it('write, overwrite, no temp file left; a failed write leaves the old file intact and no temp file', async () => {
    const p = join(dir, 'a.bin');
    writeFileAtomicSync(p, new Uint8Array([1, 2, 3]));
    await writeFileAtomic(p, new Uint8Array([4, 5]));
    expect(Array.from(readFileBytes(p))).toEqual([4, 5]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(() => writeFileAtomicSync(join(dir, 'missing-dir', 'x.bin'), new Uint8Array([1]))).toThrow(SessionFileError);
    await expect(writeFileAtomic(join(dir, 'missing-dir', 'x.bin'), new Uint8Array([1]))).rejects.toMatchObject({ code: 'WriteFailed' });
    expect(() => readFileBytes(join(dir, 'nope'))).toThrow(expect.objectContaining({ code: 'NotFound' }));
    expect(() => readFileBytes(dir)).toThrow(expect.objectContaining({ code: 'NotAFile' }));
  });

  it('save → load verifies the whole chain; a tampered file is rejected before anything is returned', async () => {
    const { tl } = forkedTimeline('toy');
    const p = join(dir, 's.echo');
    const n = await saveSession(p, tl, { worldName: 'toy', params: { start: 3 } });
    expect(statSync(p).size).toBe(n);
    const { data, verification } = loadSessionFile(p);
    expect(verification.ok).toBe(true);
    expect(data.branches.map((b) => b.name)).toEqual(tl.branchNames());
    const b = readFileSync(p);
    b[Math.floor(b.length / 2)] ^= 4;
    writeFileSync(p, b);
    expect(() => loadSessionFile(p)).toThrow(SessionError);
  });
});

describe('autosave journal', () => {
  it('crash inside the last record: every previous tick recovers; reopen drops the torn tail and continues', () => {
    const path = join(dir, 'run.journal');
    const session = newSession('toy');
    const tl = new Timeline(session, { checkpointEvery: 3 });
    const j = SessionJournal.create(path, tl, { worldName: 'toy', params: session.params });
    const sizes: number[] = [];
    for (let i = 0; i < 3; i++) {
      tl.step(1);
      j.sync();
      sizes.push(statSync(path).size);
    }
    tl.fork('alt', tl.chain(tl.head())[0]!.hex);
    session.engine.setNodeAttachment(TOY_CELL(1), toyVal(9));
    expect(j.sync()).toBeGreaterThan(0); // the fork: branch + active records
    const beforeLast = statSync(path).size;
    tl.step(1);
    j.sync();
    expect(j.sync()).toBe(0); // nothing new
    j.close();
    const full = statSync(path).size;
    const heads = Object.fromEntries(tl.branchNames().map((b) => [b, tl.head(b)]));
    const complete = recoverJournal(path);
    expect(complete.stoppedBy).toBeNull();
    expect(complete.verification.ok).toBe(true);
    expect(Object.fromEntries(complete.data.branches.map((b) => [b.name, b.head]))).toEqual(heads);
    expect(complete.data.active).toBe('alt');
    // A crash inside the last record (sampled offsets here; every offset in test/engine/timeline/session.test.ts).
    const crash = join(dir, 'crash.journal');
    copyFileSync(path, crash);
    const prevCommits = complete.data.commits.slice(0, -1).map((c) => c.hex);
    for (let cut = full - 1; cut >= beforeLast; cut -= cut > full - 50 || cut < beforeLast + 50 ? 1 : 37) {
      truncateSync(crash, cut);
      const r = recoverJournal(crash);
      expect(r.validBytes).toBe(beforeLast);
      expect(r.data.commits.map((c) => c.hex)).toEqual(prevCommits);
      expect(r.verification.ok).toBe(true);
      expect(r.data.active).toBe('alt');
    }
    // Reopen a torn journal: restore, drop the tail, continue, recover again.
    copyFileSync(path, crash);
    truncateSync(crash, full - 7);
    const torn = recoverJournal(crash);
    const host = newSession('toy');
    const tl2 = restoreTimeline(host, torn.data);
    expect(tl2.activeBranch).toBe('alt');
    expect(tl2.head('alt')).toBe(tl.chain(tl.head('alt')).at(-2)!.hex);
    const j2 = SessionJournal.reopen(crash, tl2, torn);
    expect(statSync(crash).size).toBe(torn.validBytes);
    // The lost tick carried the direct edit made before it: redo both.
    host.engine.setNodeAttachment(TOY_CELL(1), toyVal(9));
    tl2.step(3);
    j2.sync();
    j2.close();
    const again = recoverJournal(crash);
    expect(again.stoppedBy).toBeNull();
    expect(again.verification.ok).toBe(true);
    expect(again.data.branches.find((b) => b.name === 'alt')!.head).toBe(tl2.head('alt'));
    // The lost tick, re-run with its edit, is the same commit as before the crash.
    expect(tl2.chain(tl2.head('alt')).map((c) => c.hex)).toContain(heads.alt);
    expect(journalToSessionBytes(again)).toEqual(encodeSession(tl2, { worldName: 'toy', params: host.params }));
    expect(sizes[0]).toBeLessThan(sizes[2]!);
  });

  it('a file that is not a journal is a SessionError; a missing one a SessionFileError', () => {
    const p = join(dir, 'junk.journal');
    writeFileSync(p, 'hello world, definitely not a journal');
    expect(() => recoverJournal(p)).toThrow(expect.objectContaining({ code: 'BadMagic' }));
    expect(() => recoverJournal(join(dir, 'missing.journal'))).toThrow(SessionFileError);
  });
});
