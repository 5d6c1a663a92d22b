// Worker-thread entry that can run TypeScript sources: registers tsx, then imports the module named
// in workerData.__tsEntry (a file URL). Used by the BOAW pool and tests (Node 20 cannot use
// execArgv ['--import', 'tsx'] for workers).
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.__tsEntry);
