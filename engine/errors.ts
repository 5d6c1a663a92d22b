/**
 * Typed engine errors. Every error carries a stable `code` (warp-core's enum variant names) that
 * callers, the CLI and the IPC contract switch on; messages are for people and may change.
 */

/** Codes of `EngineError` (mirrors warp-core's `EngineError` plus this port's additions). @public */
export type EngineErrorCode =
  | 'UnknownTx'
  | 'UnknownRule'
  | 'UnknownWarp'
  | 'DuplicateRuleName'
  | 'DuplicateRuleId'
  | 'MissingJoinFn'
  | 'InternalCorruption'
  | 'InvalidTickIndex'
  | 'TickFailed'
  | 'FootprintViolation'
  | 'MergeConflict'
  | 'InvalidArgument';

/** Base class of every error the engine throws on purpose. @public */
export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode | TickPatchErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EngineError';
  }
}

/** Codes of `TickPatchError` (ENGINE-SPEC §6.5). @public */
export type TickPatchErrorCode =
  | 'MissingWarp'
  | 'MissingNode'
  | 'MissingEdge'
  | 'InvalidAttachmentKey'
  | 'PortalInitRequired'
  | 'PortalInvariantViolation'
  | 'DigestMismatch';

/** A patch could not be applied to a state; the state is left exactly as before. @public */
export class TickPatchError extends EngineError {
  constructor(
    readonly patchCode: TickPatchErrorCode,
    message: string,
  ) {
    super(patchCode, `${patchCode}: ${message}`);
    this.name = 'TickPatchError';
  }
}

/**
 * A tick could not commit (an executor threw, or its ops did not apply). The engine state is
 * unchanged by that tick and the transaction is closed. `ruleName`/`scopeHex` name the failing
 * rewrite when an executor threw.
 * @public
 */
export class TickFailedError extends EngineError {
  constructor(
    message: string,
    readonly detail: { tx: number; ruleName?: string; scopeHex?: string; warpHex?: string },
    cause: unknown,
  ) {
    super('TickFailed', message, { cause });
    this.name = 'TickFailedError';
  }
}
