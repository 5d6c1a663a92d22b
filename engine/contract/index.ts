/** The IPC contract's door: types, channel names and run-time validators (no runtime dependencies). */
export * from './dto';
export * from './ipc';
export * from './validate';
