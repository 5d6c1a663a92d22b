/**
 * The engine's public door. Everything outside `engine/` imports from here (or from
 * `engine/codec`, `engine/contract`); module paths behind it may change.
 */
export * from './bytes';
export * from './hash';
export * from './ident';
export * from './record';
export * from './errors';
export { GraphStore } from './graph';
export * from './graphView';
export { WarpState, instancesEqual, validatePortalInvariants, type WarpInstance } from './warpState';
export * from './footprint';
export * from './rule';
export { Scheduler, SMALL_SORT_THRESHOLD, drainOrder, type PendingRewrite, type SchedulerKind } from './scheduler';
export * from './tickDelta';
export * from './tickPatch';
export * from './tickSlots';
export * from './slotList';
export * from './ruleNameList';
export * from './opList';
export * from './diff';
export * from './snapshot';
export * from './receipt';
export * from './inbox';
export * from './directEdit';
export * from './canonicalStateHash';
export * from './materialization';
export * from './engine';
export * from './sandbox';
