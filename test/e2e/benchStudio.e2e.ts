/**
 * `npm run bench -- --quick --only studio` end to end: the studio job drives the built renderer in
 * headless Chromium and must produce every figure row and the Studio target rows. Only the shape
 * is checked — never a timing (the targets live in the bench output; met or NOT met is not a test
 * failure).
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { STUDIO, TARGETS } from '../../bench/reference'
import { studioFigureIds } from '../../bench/workloads/studio'
import { ROOT } from './support'

const dir = mkdtempSync(join(tmpdir(), 'bench-studio-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Doc {
  mode: string
  ok: boolean
  jobs: Array<{ name: string; ok: boolean }>
  figures: Array<{ id: string; workload: string; label: string; stats: { median: number; min: number; max: number; n: number; samples: number[] }; target: string | null; met: boolean | null }>
  unavailable: Array<{ id: string }>
  targets: Array<{ label: string; figureId: string; met: boolean | null; status: string }>
  notes: string[]
}

describe('npm run bench -- --quick --only studio', () => {
  it('measures every Studio figure in Chromium and lists the Studio targets', { timeout: 300_000 }, async () => {
    const out = join(dir, 'studio.json')
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', 'scripts/bench.ts', '--quick', '--only', 'studio', '--out', out], {
      cwd: ROOT,
      maxBuffer: 64 << 20,
    })
    expect(stdout).toContain('## Studio')
    expect(stdout).toContain('## Targets')
    const doc = JSON.parse(readFileSync(out, 'utf8')) as Doc
    expect(doc.mode).toBe('quick')
    expect(doc.ok).toBe(true)
    expect(doc.jobs.map((j) => [j.name, j.ok])).toEqual([['studio', true]])
    expect(doc.unavailable).toEqual([])

    const byId = new Map(doc.figures.map((f) => [f.id, f]))
    for (const { id } of studioFigureIds(true)) {
      const f = byId.get(id)
      expect(f, id).toBeDefined()
      expect(f!.workload).toBe('Studio')
      expect(f!.stats.n).toBe(f!.stats.samples.length)
      expect(f!.stats.min).toBeLessThanOrEqual(f!.stats.max)
      for (const v of f!.stats.samples) expect(Number.isFinite(v), id).toBe(true)
    }
    // Sample counts of the quick variant.
    expect(byId.get('studio.delta.apply')!.stats.n).toBe(STUDIO.quick.deltaSamples)
    expect(byId.get('studio.first.demo')!.stats.n).toBe(STUDIO.quick.firstDemo)
    expect(byId.get('studio.first.5k.all')!.stats.n).toBe(STUDIO.quick.first5k)
    // The measured deltas are the 1,000-op ones; the engine really ticked during the play window.
    expect(byId.get('studio.delta.apply')!.label).toContain('1,000 ops')
    expect(byId.get(`studio.frame.ticks.10k`)!.stats.median).toBeGreaterThanOrEqual(STUDIO.quick.frameMinTicks)
    // The long step ran to its end: the page showed every one of its ticks.
    expect(byId.get(`studio.step.rate.${STUDIO.quick.stepN}`)!.label).toContain(`(${STUDIO.quick.stepN} ticks in`)

    // Every Studio target has its row; the size-independent ones are judged even at --quick sizes.
    const studioTargets = TARGETS.filter((t) => t.figureId.startsWith('studio.'))
    expect(studioTargets.length).toBeGreaterThanOrEqual(9)
    for (const t of studioTargets) {
      const row = doc.targets.find((x) => x.figureId === t.figureId)
      expect(row, t.figureId).toBeDefined()
      if (byId.has(t.figureId)) expect(['met', 'NOT met']).toContain(row!.status)
      else expect(row!.status).toBe('not run (--quick sizes)')
    }
    for (const id of ['studio.delta.apply', 'studio.delta.paint', 'studio.first.demo', 'studio.first.5k.default', 'studio.first.5k.all']) {
      expect(doc.targets.find((x) => x.figureId === id)!.met, id).not.toBeNull()
    }
    expect(stdout).toMatch(/\| Studio: apply a 1,000-op tick delta to the graph view +\| — +\| [\d.,]+ ms/)
  })
})
