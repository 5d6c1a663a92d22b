/**
 * The DIND conformance kernel's door (ENGINE-SPEC §11): `.eintlog` and EINT codecs, generated
 * type ids, op codecs, the app rules, `EchoKernel` and the harness.
 */
export * from './eintlog';
export * from './eint';
export * from './typeIds';
export * from './codecs';
export * from './rules';
export * from './kernel';
export * from './harness';
