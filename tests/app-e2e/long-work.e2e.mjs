// The real app cancels long work: the review packet while headless Chromium prints its PDF
// (the browser is killed, nothing is written and an older packet at that path stays as it was)
// and a Common Cartridge import while it converts (nothing is created). The page listens to
// `report-progress` / `import-progress` the way the UI's client does and calls `cancel_report` /
// `cancel_import` when a stage arrives.
// Env (set by scripts/app-e2e.sh): APP_BINARY, TRELLIS_CLI, TRELLIS_DOCUMENTS_DIR, E2E_WORK,
// TAURI_DRIVER_PORT.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, startApp } from './app.mjs';

const work = process.env.E2E_WORK;
const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].some(existsSync) || !!process.env.TRELLIS_CHROMIUM;

let browser;
before(async () => {
  const file = join(work, 'long-work.trellis');
  execFileSync(process.env.TRELLIS_CLI, ['import', file, '--from', 'json', join(root, 'examples/intro-statistics.json')]);
  browser = await startApp([file]);
  await (await browser.$('[role="treeitem"]')).waitForDisplayed({ timeout: 30_000, interval: 50 });
});
after(async () => {
  await browser?.deleteSession();
});

/**
 * Runs `cmd` in the page while listening to `event`; calls `cancel` when a progress message
 * matches `when` (a regular expression source). Answers the events, the command's value or
 * error, and how long the command took after the cancel (printed, not asserted).
 */
function runAndCancel(cmd, args, event, cancel, when) {
  return browser.executeAsync((cmd, args, event, cancel, when, done) => {
    const tauri = window.__TAURI_INTERNALS__;
    const events = [];
    let cancelledAt = null;
    const handler = tauri.transformCallback((e) => {
      events.push(e.payload);
      if (cancelledAt === null && new RegExp(when).test(e.payload.message)) {
        cancelledAt = performance.now();
        tauri.invoke(cancel);
      }
    });
    (async () => {
      // As the UI listens: on its own window (progress is sent to the window that started the work).
      const id = await tauri.invoke('plugin:event|listen', { event, target: { kind: 'WebviewWindow', label: 'main' }, handler });
      const answer = await tauri.invoke(cmd, args).then((value) => ({ value }), (refusal) => ({ refusal }));
      const afterCancel = cancelledAt === null ? null : performance.now() - cancelledAt;
      await tauri.invoke('plugin:event|unlisten', { event, eventId: id });
      return { events, ...answer, afterCancel };
    })().then(done, (e) => done({ failure: String(e?.message ?? e) }));
  }, cmd, args, event, cancel, when);
}

test('a review packet cancelled while Chromium prints its PDF writes nothing and keeps the older packet', { skip: !chromium && 'no Chromium installed' }, async () => {
  const dir = join(work, 'cancelled-packet');
  mkdirSync(dir, { recursive: true });
  const html = join(dir, 'packet.html');
  writeFileSync(html, 'an older packet');
  const r = await runAndCancel(
    'write_review_packet', { request: { since: null, pdf: true, destination: html } },
    'report-progress', 'cancel_report', '^Printing the PDF$',
  );
  assert.equal(r.failure, undefined, r.failure);
  assert.deepEqual(
    r.events.map((e) => e.message),
    ['Checking the curriculum', 'Rendering the packet', 'Writing packet.html', 'Printing the PDF'],
  );
  assert.ok(r.events.every((e) => e.total === 4));
  assert.equal(r.value, undefined, 'the packet was not written');
  assert.equal(r.refusal?.code, 'cancelled', JSON.stringify(r.refusal));
  assert.match(r.refusal.message, /cancelled; nothing was written/);
  // Only printed (speed is not asserted): a print the cancel did not stop would have written the PDF.
  console.log(`review packet: the answer came ${Math.round(r.afterCancel)} ms after the cancel`);
  assert.deepEqual(readdirSync(dir), ['packet.html'], 'no PDF and no temporary file');
  assert.equal(readFileSync(html, 'utf8'), 'an older packet');
});

test('a cartridge import cancelled while it converts creates nothing', async () => {
  const cartridge = join(work, 'long-work.imscc');
  execFileSync(process.env.TRELLIS_CLI, ['export', join(root, 'examples/intro-statistics.json'), '--format', 'cc13', '-o', cartridge], { stdio: ['ignore', 'ignore', 'pipe'] });
  const dir = process.env.TRELLIS_DOCUMENTS_DIR;
  const entries = () => (existsSync(dir) ? readdirSync(dir) : []);
  const before = entries();
  const r = await runAndCancel('import_cartridge', { path: cartridge }, 'import-progress', 'cancel_import', '^Reading ');
  assert.equal(r.failure, undefined, r.failure);
  assert.equal(r.events[0].message, 'Reading long-work.imscc');
  assert.equal(r.value, undefined, `the import was not finished (events: ${r.events.map((e) => e.message).join(', ')})`);
  assert.equal(r.refusal?.code, 'cancelled', JSON.stringify(r.refusal));
  assert.match(r.refusal.message, /cancelled; nothing was written/);
  assert.ok(!r.events.some((e) => e.message === 'Writing the new document'));
  assert.deepEqual(entries(), before, 'nothing was created in the documents folder');
  // The window still has its document.
  const title = JSON.parse(readFileSync(join(root, 'examples/intro-statistics.json'), 'utf8')).curriculum.title;
  assert.equal(await (await browser.$('[data-testid="doc-title"]')).getProperty('textContent'), title);
});
