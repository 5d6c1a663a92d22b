/**
 * Autosave journal of a running session: an append-only file next to the session (see
 * engine/timeline/sessionJournal.ts for the layout). Call `sync()` after every committed tick (and
 * after forks, switches and merges): the new records go out in one write and one fsync, so a crash
 * loses at most the tick being written.
 *
 * Invariants:
 * - The journal's first bytes (preamble, header, U0) are written atomically (temp + rename), so a
 *   journal file either does not exist or starts with a complete header.
 * - `recoverJournal` keeps the longest valid prefix (a torn or corrupted tail is dropped, never
 *   earlier records); `SessionJournal.reopen` truncates the dropped tail before appending again.
 */
import { closeSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import {
  JournalCursor,
  decodeJournal,
  encodeSessionData,
  journalStartOf,
  verifySessionData,
  type JournalRecovery,
  type SessionVerification,
  type Timeline,
} from '../../engine/timeline/index';
import { readFileBytes, SessionFileError, writeFileAtomicSync } from './files';

/** An open, append-only journal bound to one timeline. @public */
export class SessionJournal {
  private fd: number | null;

  private constructor(
    readonly path: string,
    private readonly tl: Timeline,
    private readonly cursor: JournalCursor,
    fd: number,
  ) {
    this.fd = fd;
  }

  /**
   * Starts a new journal at `path` (replacing any file there) and writes what `tl` already holds.
   * @throws SessionFileError(WriteFailed)
   */
  static create(path: string, tl: Timeline, meta: { worldName: string; params: Readonly<Record<string, number | string>> }): SessionJournal {
    writeFileAtomicSync(path, journalStartOf(tl, meta.worldName, meta.params));
    const j = new SessionJournal(path, tl, new JournalCursor(), openAppend(path));
    j.sync();
    return j;
  }

  /**
   * Continues an existing journal whose valid prefix `tl` was restored from (`recoverJournal` then
   * `restoreTimeline`): drops the torn tail, then appends whatever `tl` has beyond the prefix.
   */
  static reopen(path: string, tl: Timeline, recovery: JournalRecovery): SessionJournal {
    const fd = openAppend(path);
    try {
      ftruncateSync(fd, recovery.validBytes);
      fsyncSync(fd);
    } catch (e) {
      closeSync(fd);
      throw new SessionFileError('WriteFailed', path, `cannot truncate the torn tail: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const j = new SessionJournal(path, tl, JournalCursor.fromRecovery(recovery), fd);
    j.sync();
    return j;
  }

  /** Records appended so far (header and U0 included). */
  get records(): number {
    return this.cursor.records;
  }

  /**
   * Appends the records for everything `tl` did since the last sync, then fsyncs. Returns the
   * number of bytes appended (0 when nothing changed).
   * @throws SessionFileError(WriteFailed)
   */
  sync(): number {
    if (this.fd === null) throw new SessionFileError('WriteFailed', this.path, 'the journal is closed');
    const bytes = this.cursor.delta(this.tl);
    if (bytes.length === 0) {
      this.cursor.commit();
      return 0;
    }
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
      fsyncSync(this.fd);
    } catch (e) {
      throw new SessionFileError('WriteFailed', this.path, `cannot append: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    this.cursor.commit();
    return bytes.length;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

function openAppend(path: string): number {
  try {
    return openSync(path, 'a');
  } catch (e) {
    throw new SessionFileError('WriteFailed', path, `cannot open the journal: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Recovery result with the verification of the kept prefix. @public */
export interface RecoveredJournal extends JournalRecovery {
  readonly verification: SessionVerification;
}

/**
 * Reads a journal and returns its valid prefix (torn tail dropped), replay-verified.
 * @throws SessionFileError; SessionError when even the header or U0 is unusable
 * @public
 */
export function recoverJournal(path: string): RecoveredJournal {
  const rec = decodeJournal(readFileBytes(path));
  return { ...rec, verification: verifySessionData(rec.data) };
}

/** The session-file bytes of a recovered journal (its branches and every commit they reach). @public */
export function journalToSessionBytes(rec: JournalRecovery): Uint8Array {
  return encodeSessionData(rec.data);
}
