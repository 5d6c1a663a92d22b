/** Timelines' door: the commit DAG, fork/seek/replay/merge, divergence, provenance. */
export * from './errors';
export * from './replay';
export * from './slots';
export * from './timeline';
export * from './sessionError';
export * from './sessionFormat';
export * from './session';
export * from './sessionJournal';
