/**
 * Debian Chromium through playwright-core (TOOLCHAIN.md §2 — never `playwright install`), shared by
 * the e2e suite (test/e2e/support.ts) and the Studio benchmark (bench/workloads/studio.ts), so both
 * drive the same browser with the same flags.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'
/** Headless, software rendering (`--disable-gpu`), nothing that phones home. */
export const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

export interface LaunchOptions {
  readonly viewport?: { width: number; height: number }
  /** Extra Chromium flags after LAUNCH_ARGS. */
  readonly extraArgs?: readonly string[]
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM)
}

/**
 * A persistent context in a fresh temporary profile (removed again by `close`), and its first page.
 * @throws when /usr/bin/chromium is missing (scripts/ensure-chromium.sh installs it).
 */
export async function launchChromium(opts: LaunchOptions = {}): Promise<{ context: BrowserContext; page: Page; close: () => Promise<void> }> {
  if (!chromiumAvailable()) throw new Error(`${CHROMIUM} is missing: run scripts/ensure-chromium.sh (npm run test:e2e does)`)
  const profile = mkdtempSync(join(tmpdir(), 'echo-chromium-profile-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...LAUNCH_ARGS, ...(opts.extraArgs ?? [])],
    viewport: opts.viewport ?? { width: 1440, height: 900 },
    acceptDownloads: true,
    colorScheme: 'dark',
  })
  const page = context.pages()[0] ?? (await context.newPage())
  const close = async () => {
    await context.close().catch(() => undefined)
    rmSync(profile, { recursive: true, force: true })
  }
  return { context, page, close }
}
