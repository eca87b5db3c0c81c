/**
 * The real-browser test harness: the real server (startServer, port 0) serving the built web app, a
 * real Chromium (Debian's /usr/bin/chromium driven by playwright-core; never a downloaded browser), a
 * page, screenshots in test-artifacts/screenshots/, axe-core accessibility checks, and one `close()`
 * that ends it all.
 *
 * Without Chromium, `browserTestsEnabled()` throws when `CI` is set (so CI fails loudly) and otherwise
 * returns false with a message, so a laptop without Chromium skips the browser tests.
 *
 * The app under test is packages/web/dist when it is newer than every source file; otherwise the
 * harness builds the app once per test process into a temporary folder (never racing a concurrent
 * `npm run build` over dist/).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type AppOptions, type Listening } from '@openrla/server';

// The server logs every request at info; browser tests only need warnings.
process.env['OPENRLA_LOG_LEVEL'] ??= 'warn';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a quiet, offline, throwaway Chromium (no GPU, no sandbox in containers, no phoning home). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
] as const;

const webRoot = fileURLToPath(new URL('../../', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const SCREENSHOT_DIR = join(repoRoot, 'test-artifacts', 'screenshots');

/**
 * Whether browser tests can run here. Missing Chromium fails when `CI` is set (the CI machine must
 * have it: .ci/run installs it) and skips with a message elsewhere.
 */
export function browserTestsEnabled(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const message = `Chromium not found at ${CHROMIUM_PATH}. Install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH); never \`npx playwright install\`.`;
  if (process.env.CI) throw new Error(`browser tests cannot run: ${message}`);
  console.warn(`Skipping browser tests: ${message}`);
  return false;
}

/** The newest modification time under `path` (files only). */
function newestMtime(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

let builtApp: Promise<string> | null = null;

/** The folder of a web app build that matches the sources (see the module comment). */
export function webAppBuild(): Promise<string> {
  builtApp ??= (async () => {
    const dist = join(webRoot, 'dist');
    const index = join(dist, 'index.html');
    const sources = Math.max(
      newestMtime(join(webRoot, 'src')),
      newestMtime(join(webRoot, 'index.html')),
      newestMtime(join(webRoot, 'vite.config.ts')),
      newestMtime(join(webRoot, 'public')),
    );
    // Test files change without changing the app, but telling them apart costs more than it saves.
    if (existsSync(index) && statSync(index).mtimeMs >= sources) return dist;
    const out = mkdtempSync(join(tmpdir(), 'openrla-web-build-'));
    const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
    await promisify(execFile)(
      process.execPath,
      [vite, 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'],
      {
        cwd: webRoot,
        // vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
        env: { ...process.env, NODE_ENV: 'production' },
      },
    );
    process.once('exit', () => rmSync(out, { recursive: true, force: true }));
    return out;
  })();
  return builtApp;
}

/** One person's browser window: their own cookies and storage (a separate browser context). */
export interface PersonInBrowser {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Goes to a path of the app and waits until the page has drawn its heading. */
  goto(path: string): Promise<void>;
  /** Saves a full-page PNG as test-artifacts/screenshots/<name>.png; returns its path. */
  screenshot(name: string): Promise<string>;
  /** axe-core's serious and critical violations on the page as it is now, as readable lines. */
  seriousAccessibilityViolations(): Promise<string[]>;
  /** Errors the page logged or threw (console.error, uncaught exceptions) so far. */
  readonly pageErrors: readonly string[];
}

export interface AppInBrowser extends PersonInBrowser {
  /** The server's base URL, e.g. `http://127.0.0.1:41234/`. */
  readonly baseUrl: string;
  /** Another person at another computer: a new browser context (no shared cookies or storage). */
  newPerson(options?: { width?: number; height?: number }): Promise<PersonInBrowser>;
  close(): Promise<void>;
}

async function personOf({
  browser,
  baseUrl,
  width,
  height,
}: {
  browser: Browser;
  baseUrl: string;
  width: number;
  height: number;
}): Promise<PersonInBrowser> {
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return {
    page,
    context,
    pageErrors,
    async goto(path) {
      await page.goto(new URL(path, baseUrl).href, { waitUntil: 'load' });
      // The app has drawn the page once its heading is there.
      await page.locator('main h1').first().waitFor();
    },
    async screenshot(name) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async seriousAccessibilityViolations() {
      const result = await new AxeBuilder({ page }).analyze();
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    },
  };
}

/**
 * Starts the server with the web app, launches Chromium, and opens a page for the first person.
 * `app` passes options to the server (e.g. `{ store, auth: TEST_AUTH }` for pages that need sign-in;
 * without a store only the public pages work).
 */
export async function openAppInBrowser({
  width = 1280,
  height = 900,
  app = {},
}: { width?: number; height?: number; app?: AppOptions } = {}): Promise<AppInBrowser> {
  const webDist = await webAppBuild();
  let server: Listening | null = null;
  let browser: Browser | null = null;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    await server?.close();
  };
  try {
    server = await startServer({ port: 0, ...app, webDist });
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_FLAGS],
    });
    const baseUrl = server.url;
    const first = await personOf({ browser, baseUrl, width, height });
    const launched = browser;
    return {
      ...first,
      baseUrl,
      newPerson: (options = {}) =>
        personOf({
          browser: launched,
          baseUrl,
          width: options.width ?? width,
          height: options.height ?? height,
        }),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Cheap argon2 for browser tests that sign in (the real cost is tested in the server's own tests). */
export const TEST_AUTH = { argon2: { memoryCost: 1024, timeCost: 1 } } as const;
