/**
 * The import and determinism bans in eslint.config.js fire as errors (STYLE.md items 2 and 6).
 * Each probe is linted as if it lived at a path inside the layer; no file is written.
 */
import { fileURLToPath } from 'node:url'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const eslint = new ESLint({
  cwd: repoRoot,
  overrideConfigFile: fileURLToPath(new URL('../../eslint.config.js', import.meta.url)),
})

const ENGINE_PROBE = 'engine/__lint_probe__.ts'
const RENDERER_PROBE = 'renderer/__lint_probe__.tsx'

/** Lints `code` at `filePath` and returns the ids of rules that reported errors (severity 2). */
async function errorRules(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath, warnIgnored: true })
  expect(result, `no lint result for ${filePath}`).toBeDefined()
  return result!.messages.filter((m) => m.severity === 2).map((m) => m.ruleId ?? `fatal: ${m.message}`)
}

describe('engine/ purity rules', () => {
  it.each([
    ["import fs from 'node:fs'\nexport const f = fs", 'no-restricted-imports'],
    ["import { readFileSync } from 'fs'\nexport const r = readFileSync", 'no-restricted-imports'],
    ["import { Worker } from 'worker_threads'\nexport const w = Worker", 'no-restricted-imports'],
    ["import { app } from 'electron'\nexport const a = app", 'no-restricted-imports'],
    ["import { createRoot } from 'react-dom/client'\nexport const c = createRoot", 'no-restricted-imports'],
    ["import { create } from 'zustand'\nexport const c = create", 'no-restricted-imports'],
    ["import x from '../main/x'\nexport const y = x", 'no-restricted-imports'],
    ["import type { X } from '../renderer/state/store'\nexport type Y = X", 'no-restricted-imports'],
    ['export const t = Date.now()', 'no-restricted-properties'],
    ['export const r = Math.random()', 'no-restricted-properties'],
    ['export const p = performance.now()', 'no-restricted-properties'],
    ['setTimeout(() => {}, 1)', 'no-restricted-globals'],
    ['export const d = new Date()', 'no-restricted-globals'],
    ['export const e = process.env', 'no-restricted-globals'],
    ['export const b = Buffer.from([1])', 'no-restricted-globals'],
    ["export const m = await import('node:fs')", 'no-restricted-syntax'],
  ])('%j is an error (%s)', async (code, rule) => {
    expect(await errorRules(code, ENGINE_PROBE)).toContain(rule)
  })

  it('a clean engine module has no errors', async () => {
    const clean = [
      "import { blake3 } from '@noble/hashes/blake3.js'",
      "import { concat } from './bytes'",
      'export function hashPair(a: Uint8Array, b: Uint8Array): Uint8Array {',
      '  return blake3(concat(a, b))',
      '}',
      'export const order = [3, 1, 2].sort((x, y) => x - y)',
    ].join('\n')
    expect(await errorRules(clean, ENGINE_PROBE)).toEqual([])
  })
})

describe('renderer/ import rules', () => {
  it.each([
    ["import { ipcRenderer } from 'electron'\nexport const i = ipcRenderer", 'no-restricted-imports'],
    ["import fs from 'node:fs'\nexport const f = fs", 'no-restricted-imports'],
    ["import path from 'path'\nexport const p = path", 'no-restricted-imports'],
  ])('%j is an error (%s)', async (code, rule) => {
    expect(await errorRules(code, RENDERER_PROBE)).toContain(rule)
  })

  it('React, zustand and cytoscape imports are allowed', async () => {
    const clean = [
      "import { useState } from 'react'",
      "import { createStore } from 'zustand/vanilla'",
      "import cytoscape from 'cytoscape'",
      'export const deps = [useState, createStore, cytoscape]',
    ].join('\n')
    expect(await errorRules(clean, RENDERER_PROBE)).toEqual([])
  })
})
