/**
 * Session files on disk: atomic writes (temp file in the same directory, fsync, rename, fsync the
 * directory) and reads that verify the whole chain before handing anything out.
 *
 * Invariants:
 * - A reader never sees a half-written file: the bytes go to `.<name>.<pid>.<rand>.tmp` beside
 *   the target, are fsynced, then renamed over it (atomic on POSIX file systems); the directory
 *   is fsynced so the rename itself survives a crash. On failure the temp file is removed.
 * - Disk problems are `SessionFileError` (missing file, a directory, unreadable, write failed);
 *   bad content is the engine's `SessionError`.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { encodeSession, openSession, type EncodeSessionOptions, type SessionData, type SessionVerification, type Timeline } from '../../engine/timeline/index';

/** @public */
export type SessionFileErrorCode = 'NotFound' | 'NotAFile' | 'ReadFailed' | 'WriteFailed';

/** A session file could not be read or written (not a content problem). @public */
export class SessionFileError extends Error {
  constructor(
    readonly code: SessionFileErrorCode,
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${message}`, options);
    this.name = 'SessionFileError';
  }
}

function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

function fsyncDirSync(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the rename is still atomic.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Writes `bytes` to `path` atomically (synchronous). @throws SessionFileError(WriteFailed) @public */
export function writeFileAtomicSync(path: string, bytes: Uint8Array): void {
  const tmp = tempPathFor(path);
  let fd: number | null = null;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== null) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // already renamed or never created
    }
    throw new SessionFileError('WriteFailed', path, `cannot write: ${describe(e)}`, { cause: e });
  }
  fsyncDirSync(dirname(path));
}

/** Writes `bytes` to `path` atomically. @throws SessionFileError(WriteFailed) @public */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = tempPathFor(path);
  try {
    const fh = await open(tmp, 'wx', 0o644);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new SessionFileError('WriteFailed', path, `cannot write: ${describe(e)}`, { cause: e });
  }
  try {
    const dh = await open(dirname(path), 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    // see fsyncDirSync
  }
}

/** Reads a whole file. @throws SessionFileError(NotFound | NotAFile | ReadFailed) @public */
export function readFileBytes(path: string): Uint8Array {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new SessionFileError('NotFound', path, 'no such file', { cause: e });
  }
  if (!st.isFile()) throw new SessionFileError('NotAFile', path, 'not a regular file');
  try {
    const b = readFileSync(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  } catch (e) {
    throw new SessionFileError('ReadFailed', path, `cannot read: ${describe(e)}`, { cause: e });
  }
}

/** Exports `tl` to a session file atomically; returns the byte size. @public */
export async function saveSession(path: string, tl: Timeline, opts: EncodeSessionOptions): Promise<number> {
  const bytes = encodeSession(tl, opts);
  await writeFileAtomic(path, bytes);
  return bytes.length;
}

/**
 * Reads, decodes and verifies a session file; nothing is returned unless the whole chain verified.
 * @throws SessionFileError; SessionError (corrupt, tampered or unverifiable content)
 * @public
 */
export function loadSessionFile(path: string): { data: SessionData; verification: SessionVerification; bytes: number } {
  const bytes = readFileBytes(path);
  const { data, verification } = openSession(bytes);
  return { data, verification, bytes: bytes.length };
}
