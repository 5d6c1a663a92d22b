/**
 * `npm run bench`: the P1–P4 benchmark of ../shared/bench/REFERENCE.md (see bench/cli.ts for the
 * options). Run as ESM with tsx: `node --expose-gc --import tsx scripts/bench.ts [options]`.
 */
import { main } from '../bench/cli';

process.exitCode = await main(process.argv.slice(2));
