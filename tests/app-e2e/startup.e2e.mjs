// Cold start of the real app with a document given on the command line (what the .trellis file
// association does): time from asking tauri-driver for a session to an outline the user can use.
// The figure includes WebDriver's own start-up, so it is an upper bound; it is printed for
// BENCHMARKS.md and checked against a generous ceiling so a regression fails loudly.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('../..', import.meta.url).pathname;
const { remote } = await import(pathToFileURL(join(root, 'ui/node_modules/webdriverio/build/node.js')).href);

let browser;

/** The app's start-up marks, in ms since the page began loading. */
async function marks() {
  return browser.execute(() => ({ ...window.trellisStartup, now: Math.round(performance.now()) }));
}
after(async () => {
  await browser?.deleteSession();
});

test('a document passed on the command line opens straight into the studio', async () => {
  const file = join(process.env.E2E_WORK, 'startup.trellis');
  execFileSync(process.env.TRELLIS_CLI, ['import', file, '--from', 'json', join(root, 'examples/intro-statistics.json')]);
  const started = Date.now();
  browser = await remote({
    hostname: '127.0.0.1',
    port: Number(process.env.TAURI_DRIVER_PORT ?? 4444),
    logLevel: 'warn',
    connectionRetryCount: 0,
    capabilities: {
      browserName: 'wry',
      'tauri:options': { application: process.env.APP_BINARY, args: [file] },
      'wdio:enforceWebDriverClassic': true,
    },
  });
  const row = await browser.$('[role="treeitem"]');
  await row.waitForDisplayed({ timeout: 30_000, interval: 20 });
  const ms = Date.now() - started;
  console.log(`cold start to outline (intro-statistics, incl. WebDriver start-up): ${ms} ms`);
  console.log(`  in the webview: ${JSON.stringify(await marks())}`);
  assert.equal(await browser.getTitle(), 'Introduction to Statistics — Trellis');
  assert.ok(ms < 15_000, `start-up took ${ms} ms`);
});

// Optional: TRELLIS_LARGE=path/to/large.trellis times the same with a big document.
test('a large document opens (timed when TRELLIS_LARGE is set)', { skip: !process.env.TRELLIS_LARGE }, async () => {
  await browser?.deleteSession();
  const started = Date.now();
  browser = await remote({
    hostname: '127.0.0.1',
    port: Number(process.env.TAURI_DRIVER_PORT ?? 4444),
    logLevel: 'warn',
    connectionRetryCount: 0,
    capabilities: {
      browserName: 'wry',
      'tauri:options': { application: process.env.APP_BINARY, args: [process.env.TRELLIS_LARGE] },
      'wdio:enforceWebDriverClassic': true,
    },
  });
  await (await browser.$('[role="treeitem"]')).waitForDisplayed({ timeout: 120_000, interval: 50 });
  console.log(`cold start to outline (${process.env.TRELLIS_LARGE}): ${Date.now() - started} ms`);
  console.log(`  in the webview: ${JSON.stringify(await marks())}`);
});
