/** Typed timeline errors: a stable `code` plus the commit or branch they are about. */

/** @public */
export type TimelineErrorCode =
  | 'UnknownBranch'
  | 'UnknownCommit'
  | 'BranchExists'
  | 'BadBranchName'
  | 'VerifyFailed'
  | 'NoCommonAncestor'
  | 'UnresolvedConflict'
  | 'BadResolution'
  | 'MergeInvalid'
  | 'NothingToMerge';

/** @public */
export class TimelineError extends Error {
  constructor(
    readonly code: TimelineErrorCode,
    message: string,
    readonly detail: { commit?: string; branch?: string; field?: string; slot?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TimelineError';
  }
}
