// Starts the server binary built by `cargo leptos build` on a free port with a fresh
// SQLite database, and opens Chromium. Every page a test visits goes through `check`,
// which runs axe-core and fails on any violation or browser error.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const root = resolve(import.meta.dirname, '..', '..');

async function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/// Starts the built server on a fresh SQLite database; `demo: true` loads the French demo
/// (`concerto demo`) into it first. `dir` serves an existing server's database (a second
/// instance, or a restart), `port` a given port.
export async function startServer({ demo = false, dir: shared, port: fixed } = {}) {
  const dir = shared ?? mkdtempSync(join(tmpdir(), 'concerto-e2e-'));
  const port = fixed ?? (await freePort());
  const base = `http://127.0.0.1:${port}`;
  const bin = process.env.CONCERTO_BIN ?? join(root, 'target', 'debug', 'concerto');
  const env = {
    ...process.env,
    CONCERTO_ADDR: `127.0.0.1:${port}`,
    CONCERTO_PUBLIC_URL: base,
    DATABASE_URL: `sqlite://${join(dir, 'e2e.db')}?mode=rwc`,
    LEPTOS_SITE_ROOT: join(root, 'target', 'site'),
    RUST_LOG: 'warn',
  };
  if (demo) {
    const loaded = spawnSync(bin, ['demo'], { cwd: root, env, encoding: 'utf8' });
    if (loaded.status !== 0) throw new Error(`concerto demo failed:\n${loaded.stdout}${loaded.stderr}`);
  }
  const child = spawn(bin, ['serve'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const setupLink = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${output}`)), 60_000);
    let link = null;
    const onData = (chunk) => {
      output += chunk.toString();
      const m = output.match(/(http:\/\/\S+\/setup\/\S+)/);
      if (m) link = m[1];
      if (output.includes('Concerto listening on')) {
        clearTimeout(timer);
        ok(link);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => { output += c.toString(); });
    child.once('exit', (code) => fail(new Error(`server exited with ${code}:\n${output}`)));
  });
  return {
    base,
    setupLink,
    output: () => output,
    dir,
    port,
    /// Stops the server; `keep: true` leaves its database for another instance.
    async stop({ keep = false } = {}) {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((ok) => child.once('exit', ok));
      }
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
    ],
  });
}

/// A browser context (one person) at phone size, failing on console errors and CSP reports.
export async function person(browser, { javaScript = true, locale = 'fr-FR' } = {}) {
  const context = await browser.newContext({
    javaScriptEnabled: javaScript,
    locale,
    viewport: { width: 360, height: 760 },
  });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (msg) => { if (msg.type() === 'error') page.problems.push(msg.text()); });
  page.on('pageerror', (err) => page.problems.push(String(err)));
  page.javaScript = javaScript;
  return page;
}

/// Waits for hydration (when JavaScript runs), checks for browser errors, horizontal
/// overflow at 360 px and axe-core violations.
export async function check(page, what) {
  await page.waitForLoadState('load');
  if (!page.javaScript) {
    // axe-core runs as a script, which a JavaScript-disabled page cannot host: check the
    // same URL (same cookies, same server-rendered markup) in a twin context with scripts.
    const state = await page.context().storageState();
    const twinContext = await page.context().browser().newContext({ storageState: state, viewport: { width: 360, height: 760 } });
    const twin = await twinContext.newPage();
    twin.problems = [];
    twin.javaScript = true;
    twin.on('pageerror', (err) => twin.problems.push(String(err)));
    await twin.goto(page.url());
    await check(twin, `${what} (server-rendered, as seen without JavaScript)`);
    await twinContext.close();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth).catch(() => 0);
    assert.ok(overflow <= 0, `${what} overflows a 360 px screen`);
    return;
  }
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 30_000 });
  const results = await new AxeBuilder({ page }).analyze();
  const violations = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  assert.deepEqual(violations, [], `axe-core violations on ${what}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what} overflows a 360 px screen by ${overflow} px`);
  // 4xx answers (a refused form, a 403 page) are expected; anything else is a failure.
  // A story may declare more it expects (`page.expectedProblems`, a RegExp): a server cut.
  const problems = page.problems.filter((p) => !/responded with a status of 4\d\d/.test(p) && !page.expectedProblems?.test(p));
  assert.deepEqual(problems, [], `browser errors on ${what}`);
}

/// A story's step function: steps share the state `s`, and once one fails the later ones
/// are skipped, since each builds on what the earlier ones left (the whole file must also
/// end within the test timeout). `nodeTest` is `test` from `node:test`.
export function storyStep(s, nodeTest) {
  return function step(name, fn) {
    nodeTest(name, async (t) => {
      if (s.broken) {
        t.skip(`an earlier step failed: ${s.broken}`);
        return;
      }
      try {
        await fn(t);
      } catch (err) {
        s.broken = name;
        throw err;
      }
    });
  };
}

/// A person's page (see `person`), failing faster than Playwright's 30 s default.
export async function quickPerson(browser, options) {
  const page = await person(browser, options);
  page.setDefaultTimeout(15_000);
  return page;
}

/// Polls `read` until `ok(value)`, failing with `message` after `timeout` ms.
export async function until(read, ok, message, timeout = 15_000) {
  const end = Date.now() + timeout;
  let value;
  for (;;) {
    value = await read();
    if (ok(value)) return value;
    if (Date.now() > end) assert.fail(`${message} (last value: ${JSON.stringify(value)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
