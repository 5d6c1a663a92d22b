/**
 * The autosave journal of a running session, engine side (pure): what to append after each
 * change, and how to recover the valid prefix of a journal cut short by a crash. File I/O (append,
 * fsync) lives in main/sessions/journal.ts.
 *
 * Layout: preamble("ECHOJRNL", v1) ‖ header(1) ‖ initial state(2) ‖ then, appended over time,
 * commit(3) records (a commit also moves its `createdOn` branch to it), branch-head(5) records
 * (forks, merges onto existing commits, replays that reproduced a known commit) and active(6)
 * records — each framed and checksummed exactly like session-file records, with consecutive
 * sequence numbers. There is no trailer: a journal is append-only.
 *
 * Invariants:
 * - One committed tick is ONE record, so a torn write loses at most that tick; recovery stops at
 *   the first record that is truncated, fails its checksum, is out of sequence or malformed, and
 *   keeps everything before it (never corrupting earlier records).
 * - Replaying the kept records reproduces the timeline's commits, branch heads and active branch
 *   as they were after the last complete record.
 */
import { ByteWriter, toHex } from '../bytes';
import { writeWarpState, readWarpState } from '../codec/stateBinary';
import { SessionError } from './sessionError';
import {
  JOURNAL_MAGIC,
  PREAMBLE_LEN,
  RecordKind,
  parseBody,
  readActiveBody,
  readBranchHead,
  readCommitBody,
  readHeaderBody,
  readPreamble,
  readRecordAt,
  recordKindName,
  writeActiveBody,
  writeBranchHead,
  writeCommitBody,
  writeHeaderBody,
  writePreamble,
  writeRecord,
  type RawRecord,
  type RecordLocation,
  type SessionCommit,
  type SessionData,
  type SessionHeader,
} from './sessionFormat';
import { sessionCommitOf, sessionHeaderOf } from './session';
import type { Timeline } from './timeline';
import type { WarpState } from '../warpState';

/** The first bytes of a journal: preamble, header and U0 (records 0 and 1). @public */
export function encodeJournalStart(header: SessionHeader, initial: WarpState): Uint8Array {
  const w = new ByteWriter(1 << 14);
  writePreamble(w, JOURNAL_MAGIC);
  const h = new ByteWriter(256);
  writeHeaderBody(h, header);
  writeRecord(w, 0, RecordKind.Header, h.finish());
  const s = new ByteWriter(1 << 12);
  writeWarpState(s, initial);
  writeRecord(w, 1, RecordKind.InitialState, s.finish());
  return w.finish();
}

/**
 * Tracks what a journal already holds and produces the records that bring it up to date with a
 * timeline. Pure: the caller writes the bytes (and fsyncs) and only then calls `commit()`.
 * @public
 */
export class JournalCursor {
  private seq: number;
  private readonly journaled: Set<string>;
  private readonly heads: Map<string, string | null>;
  private active: string;
  private pending: { seq: number; commits: string[]; heads: Map<string, string | null>; active: string } | null = null;

  /** A cursor for a journal holding `records` records, `commits`, `heads` and `active`. */
  constructor(state: { records: number; commits: Iterable<string>; heads: Iterable<readonly [string, string | null]>; active: string } = { records: 2, commits: [], heads: [['main', null]], active: 'main' }) {
    this.seq = state.records;
    this.journaled = new Set(state.commits);
    this.heads = new Map(state.heads);
    this.active = state.active;
  }

  /** The cursor of a recovered journal (to continue appending after its valid prefix). */
  static fromRecovery(r: JournalRecovery): JournalCursor {
    return new JournalCursor({ records: r.records, commits: r.data.commits.map((c) => c.hex), heads: r.data.branches.map((b) => [b.name, b.head] as const), active: r.data.active });
  }

  /** Records appended so far (including the header and U0). */
  get records(): number {
    return this.seq;
  }

  /**
   * The records `tl` adds since the last `commit()`: new commits (parents first), moved or new
   * branch heads, the active branch. Empty when nothing changed. Call `commit()` once written.
   */
  delta(tl: Timeline): Uint8Array {
    const w = new ByteWriter(1 << 12);
    let seq = this.seq;
    const heads = new Map(this.heads);
    const added: string[] = [];
    const addedSet = new Set<string>();
    // New commits, parents first (iterative post-order DFS from every head).
    for (const name of tl.branchNames()) {
      const head = tl.head(name);
      if (head === null || this.journaled.has(head) || addedSet.has(head)) continue;
      const stack: Array<{ hex: string; expanded: boolean }> = [{ hex: head, expanded: false }];
      while (stack.length) {
        const top = stack[stack.length - 1]!;
        if (this.journaled.has(top.hex) || addedSet.has(top.hex)) {
          stack.pop();
          continue;
        }
        if (!top.expanded) {
          top.expanded = true;
          const ps = tl.commit(top.hex).parentHexes;
          for (let i = ps.length - 1; i >= 0; i--) stack.push({ hex: ps[i]!, expanded: false });
          continue;
        }
        stack.pop();
        const c = tl.commit(top.hex);
        const b = new ByteWriter(1 << 12);
        writeCommitBody(b, sessionCommitOf(c));
        writeRecord(w, seq++, RecordKind.Commit, b.finish());
        added.push(c.hex);
        addedSet.add(c.hex);
        heads.set(c.createdOn, c.hex);
      }
    }
    for (const name of tl.branchNames()) {
      const head = tl.head(name);
      if (heads.has(name) && heads.get(name) === head) continue;
      const b = new ByteWriter(128);
      writeBranchHead(b, { name, head });
      writeRecord(w, seq++, RecordKind.BranchHead, b.finish());
      heads.set(name, head);
    }
    let active = this.active;
    if (tl.activeBranch !== active) {
      const b = new ByteWriter(64);
      writeActiveBody(b, tl.activeBranch);
      writeRecord(w, seq++, RecordKind.Active, b.finish());
      active = tl.activeBranch;
    }
    this.pending = { seq, commits: added, heads, active };
    return w.finish();
  }

  /** Marks the last `delta()` as durably written. */
  commit(): void {
    const p = this.pending;
    if (!p) return;
    this.seq = p.seq;
    for (const c of p.commits) this.journaled.add(c);
    this.heads.clear();
    for (const [k, v] of p.heads) this.heads.set(k, v);
    this.active = p.active;
    this.pending = null;
  }
}

/** The start of a journal for `tl` (header + U0). @public */
export function journalStartOf(tl: Timeline, worldName: string, params: Readonly<Record<string, number | string>>): Uint8Array {
  return encodeJournalStart(sessionHeaderOf(tl, worldName, params), tl.initialState());
}

/** What recovery found. @public */
export interface JournalRecovery {
  /** The valid prefix as session data (commits in journal order: parents first). */
  readonly data: SessionData;
  /** Records kept (including header and U0). */
  readonly records: number;
  /** Bytes of the valid prefix. */
  readonly validBytes: number;
  /** Bytes after it (a torn or corrupted tail), dropped. */
  readonly droppedBytes: number;
  /** Why reading stopped before the end, if it did. */
  readonly stoppedBy: SessionError | null;
}

/**
 * Recovers the valid prefix of a journal. Throws only when even the header or U0 is unusable.
 * @throws SessionError (preamble, header or initial-state record)
 * @public
 */
export function decodeJournal(bytes: Uint8Array): JournalRecovery {
  readPreamble(bytes, JOURNAL_MAGIC, 'an Echo session journal');
  let off = PREAMBLE_LEN;
  const h = readRecordAt(bytes, off, 0);
  if (h.kind !== RecordKind.Header) throw new SessionError('BadRecord', `unexpected ${recordKindName(h.kind)} record where the header belongs`, { record: 0, offset: off });
  const header = parseBody(bytes, h, readHeaderBody);
  off = h.end;
  const s = readRecordAt(bytes, off, 1);
  if (s.kind !== RecordKind.InitialState) throw new SessionError('BadRecord', `unexpected ${recordKindName(s.kind)} record where the initial state belongs`, { record: 1, offset: off });
  const initial = parseBody(bytes, s, readWarpState);
  off = s.end;
  const ruleNames = new Map(header.rules.map((r) => [toHex(r.id), r.name]));
  const commits: SessionCommit[] = [];
  const depths = new Map<string, number>();
  const locations = new Map<string, RecordLocation>();
  const heads = new Map<string, string | null>([['main', null]]);
  let active = 'main';
  let seq = 2;
  let stoppedBy: SessionError | null = null;
  while (off < bytes.length) {
    try {
      const r: RawRecord = readRecordAt(bytes, off, seq);
      const where = { record: r.index, offset: r.offset };
      switch (r.kind) {
        case RecordKind.Commit: {
          const c = parseBody(bytes, r, (rd) =>
            readCommitBody(rd, { header, ruleNames, depthOf: (p) => depths.get(p) }, (p) => {
              throw new SessionError('UnknownParent', `parent ${p} is not in an earlier record`, where);
            }),
          );
          if (depths.has(c.hex)) throw new SessionError('DuplicateCommit', `commit ${c.hex} already appeared in record ${locations.get(c.hex)!.record}`, { ...where, commit: c.hex });
          commits.push(c);
          depths.set(c.hex, c.depth);
          locations.set(c.hex, where);
          heads.set(c.createdOn, c.hex);
          break;
        }
        case RecordKind.BranchHead: {
          const b = parseBody(bytes, r, readBranchHead);
          if (b.head !== null && !depths.has(b.head)) throw new SessionError('UnknownHead', `branch "${b.name}" moves to ${b.head}, which no earlier record holds`, where);
          heads.set(b.name, b.head);
          break;
        }
        case RecordKind.Active: {
          const name = parseBody(bytes, r, readActiveBody);
          if (!heads.has(name)) throw new SessionError('BadRecord', `active branch "${name}" does not exist yet`, where);
          active = name;
          break;
        }
        default:
          throw new SessionError('BadRecord', `unexpected ${recordKindName(r.kind)} record in a journal`, where);
      }
      off = r.end;
      seq++;
    } catch (e) {
      if (!(e instanceof SessionError)) throw e;
      stoppedBy = e;
      break;
    }
  }
  const names = Array.from(heads.keys()).sort();
  const data: SessionData = {
    header,
    initial,
    commits,
    branches: names.map((name) => ({ name, head: heads.get(name)! })),
    active,
    locations: { header: { record: 0, offset: h.offset }, initial: { record: 1, offset: s.offset }, commits: locations },
  };
  return { data, records: seq, validBytes: off, droppedBytes: bytes.length - off, stoppedBy };
}
