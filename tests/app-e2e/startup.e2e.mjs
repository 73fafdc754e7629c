// Cold start of the real app with a document given on the command line (what the .trellis file
// association does): time from asking tauri-driver for a session to an outline the user can use.
// The figure includes WebDriver's own start-up, so it is an upper bound; it is printed for
// BENCHMARKS.md, never asserted (speed is the benchmarks' to report); the test asserts what the
// window shows.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { root, startApp } from './app.mjs';


let browser;

/**
 * Round trips of single edits through the real IPC, timed in the webview (median of 5 each):
 * a link and its unlink (answered with the history only), a review status change (answered
 * with a patch) and its undo. They bypass the UI's copy, so they run last.
 */
async function editTimings() {
  return browser.executeAsync((done) => {
    const invoke = window.__TAURI_INTERNALS__.invoke;
    const ids = [...document.querySelectorAll('[data-node]')].map((e) => e.dataset.node);
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const time = async (f) => {
      const t = performance.now();
      await f();
      return performance.now() - t;
    };
    (async () => {
      // A pair of outline rows that may be linked (not linked yet, no cycle).
      let link = null;
      for (let k = ids.length - 1; k > 0 && !link; k--) {
        const candidate = { type: 'nodePrerequisite', node: ids[k], prerequisite: ids[0] };
        await invoke('apply_edit_lean', { op: { op: 'link', link: candidate } }).then(() => (link = candidate), () => {});
      }
      if (!link) throw new Error('no two outline rows could be linked');
      await invoke('apply_edit_lean', { op: { op: 'unlink', link } });
      const node = link.node;
      const lean = [], patch = [], undo = [];
      for (let i = 0; i < 5; i++) {
        lean.push(await time(() => invoke('apply_edit_lean', { op: { op: 'link', link } })));
        lean.push(await time(() => invoke('apply_edit_lean', { op: { op: 'unlink', link } })));
        const status = i % 2 ? 'draft' : 'inReview';
        patch.push(await time(() => invoke('apply_edit', { op: { op: 'setReviewStatus', node, status, author: 'e2e', note: '' } })));
      }
      for (let i = 0; i < 5; i++) undo.push(await time(() => invoke('undo')));
      return { lean: median(lean), patch: median(patch), undo: median(undo) };
    })().then(
      (r) => done(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round(v * 10) / 10]))),
      (e) => done({ error: String(e?.message ?? e) }),
    );
  });
}

/**
 * The app's start-up marks, in ms since the page began loading: requested, received,
 * decompressed, parsed, loaded (into the document store), rendered, painted, and for a large
 * document the same steps of its remainder (`rest-…`) up to `complete`; `rust` holds the Rust
 * side's steps (process, opened, loaded, packed, setup, attached, answered, rest-packed) on the
 * same timeline, negative before the page began loading. Waits for the last of them (a build
 * without them answers what it has after 10 s).
 */
async function marks() {
  await browser
    .waitUntil(() => browser.execute(() => Boolean(window.trellisStartup?.rust)), { timeout: 10_000, interval: 20 })
    .catch(() => {});
  return browser.execute(() => ({ ...window.trellisStartup, now: Math.round(performance.now()) }));
}
after(async () => {
  await browser?.deleteSession();
});

test('a document passed on the command line opens straight into the studio', async () => {
  const file = join(process.env.E2E_WORK, 'startup.trellis');
  execFileSync(process.env.TRELLIS_CLI, ['import', file, '--from', 'json', join(root, 'examples/intro-statistics.json')]);
  const started = Date.now();
  browser = await startApp([file]);
  const row = await browser.$('[role="treeitem"]');
  await row.waitForDisplayed({ timeout: 30_000, interval: 20 });
  const ms = Date.now() - started;
  console.log(`cold start to outline (intro-statistics, incl. WebDriver start-up): ${ms} ms`);
  console.log(`  in the webview: ${JSON.stringify(await marks())}`);
  assert.equal(await browser.getTitle(), 'Introduction to Statistics — Trellis');
  const edits = await editTimings();
  console.log(`  one edit through IPC, ms (intro-statistics): ${JSON.stringify(edits)}`);
  assert.equal(edits.error, undefined);
});

// Optional: TRELLIS_LARGE=path/to/large.trellis times the same with a big document.
test('a large document opens (timed when TRELLIS_LARGE is set)', { skip: !process.env.TRELLIS_LARGE }, async () => {
  await browser?.deleteSession();
  const started = Date.now();
  browser = await startApp([process.env.TRELLIS_LARGE]);
  await (await browser.$('[role="treeitem"]')).waitForDisplayed({ timeout: 120_000, interval: 50 });
  console.log(`cold start to outline (${process.env.TRELLIS_LARGE}): ${Date.now() - started} ms`);
  const steps = await marks();
  console.log(`  in the webview: ${JSON.stringify(steps)}`);
  // Unless the app was told to send it whole, the large document came outline first and its
  // remainder has been merged: the editor no longer says it is loading.
  if (!process.env.TRELLIS_STARTUP_WHOLE) assert.ok(steps['rest-parsed'] !== undefined, 'the remainder never came');
  assert.equal(await browser.execute(() => document.body.textContent.includes('Loading the curriculum…')), false);
  const edits = await editTimings();
  console.log(`  one edit through IPC, ms (large): ${JSON.stringify(edits)}`);
  assert.equal(edits.error, undefined);
  // The same once the window has settled (the findings and badges computed after opening are
  // done): an edit that comes while they run may wait for a copy of the document they hold.
  await browser.pause(5_000);
  const settled = await editTimings();
  console.log(`  one edit through IPC, ms (large, settled): ${JSON.stringify(settled)}`);
  assert.equal(settled.error, undefined);
});
