/**
 * `SessionError`: the one error type session-file and journal decoding, verification and
 * restore throw. A stable `code`, plus where: the record index and the byte offset of the
 * record's first byte (and, when known, the exact byte where the problem was found).
 */

/** @public */
export type SessionErrorCode =
  /** The file does not start with the session (or journal) magic. */
  | 'BadMagic'
  /** A format version this build does not read. */
  | 'UnsupportedVersion'
  /** Reserved flag bits are set. */
  | 'ReservedFlags'
  /** The bytes end inside a record, or before the trailer. */
  | 'Truncated'
  /** A record's checksum, or the trailer's whole-file hash, does not match. */
  | 'BadChecksum'
  /** A record's sequence number is not its position (records moved, repeated or missing). */
  | 'OutOfOrder'
  /** A record is well framed but its body is malformed, non-canonical or of an unexpected kind. */
  | 'BadRecord'
  /** A commit names a parent that no earlier record holds. */
  | 'UnknownParent'
  /** The same commit hash appears twice. */
  | 'DuplicateCommit'
  /** A branch head names a commit the file does not hold. */
  | 'UnknownHead'
  /** Replay from U0 does not reproduce a recorded hash or digest. */
  | 'VerifyFailed'
  /** The session was recorded for another world (rule pack, root, policy or initial state). */
  | 'WorldMismatch';

/** Where in the bytes an error is. @public */
export interface SessionErrorWhere {
  /** Record index (0 = header), or null for the preamble. */
  readonly record: number | null;
  /** Byte offset of the record's first byte (or of the preamble); null when not from bytes. */
  readonly offset: number | null;
  /** Exact byte offset where the problem was detected, when known. */
  readonly at?: number;
  /** Commit hash (hex) the record holds, when known. */
  readonly commit?: string;
}

/** @public */
export class SessionError extends Error {
  readonly record: number | null;
  readonly offset: number | null;
  readonly at: number | undefined;
  readonly commit: string | undefined;

  constructor(
    readonly code: SessionErrorCode,
    readonly detail: string,
    where: SessionErrorWhere,
    options?: { cause?: unknown },
  ) {
    const off = where.offset === null ? '' : ` at offset ${where.offset}`;
    const place = where.record === null ? `preamble${off}` : `record ${where.record}${off}`;
    const at = where.at !== undefined && where.at !== where.offset ? ` (byte ${where.at})` : '';
    super(`${code}: ${place}${at}: ${detail}`, options);
    this.name = 'SessionError';
    this.record = where.record;
    this.offset = where.offset;
    this.at = where.at;
    this.commit = where.commit;
  }
}
