#!/usr/bin/env node
// CLI bin shim: registers tsx so the TypeScript sources load directly, then runs main/cli/index.ts.
import { register } from 'tsx/esm/api'

register()
await import(new URL('../main/cli/index.ts', import.meta.url).href)
