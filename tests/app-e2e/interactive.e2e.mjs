// Interactive content in the real app: a hostile HTML5 package attached to an activity (with the
// CLI, before the app starts) is previewed in the activity editor. Its script tries to reach the
// app's page (`window.parent.document`, `window.top.document`), to call a command through
// `window.top.__TAURI_INTERNALS__.invoke` and through its own `__TAURI_INTERNALS__`, and to post to
// the IPC directly (`fetch('ipc://localhost/…')`), and writes what happened into its own page. The
// test asserts that every attempt failed, that the app's document is untouched and that no command
// ran (the activity is still there, the file unchanged). The attach command refuses a package with
// a path that climbs out of it, naming the entry.
// Env (set by scripts/app-e2e.sh): APP_BINARY, TRELLIS_CLI, E2E_WORK, TAURI_DRIVER_PORT.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as app from './app.mjs';
import { root, startApp } from './app.mjs';

const work = process.env.E2E_WORK;
const fixture = JSON.parse(readFileSync(join(root, 'tests/fixtures/interactive/h5p-lesson.json'), 'utf8'));
const [activity, again] = fixture.activities;
const samples = join(root, '..', 'shared', 'samples', 'h5p');
const sample = existsSync(samples) ? readdirSync(samples).filter((f) => f.endsWith('.h5p')).map((f) => join(samples, f))[0] : null;
const lesson = activity.node;
const cli = (args) => execFileSync(process.env.TRELLIS_CLI, args).toString();

// What the hostile simulation tries; each attempt's outcome goes into <body data-probe="…">.
const HOSTILE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Hostile simulation</title></head>
<body><h1>Simulation</h1>
<script>
(async function () {
  var out = {};
  function attempt(name, f) {
    try { var v = f(); out[name] = 'reached:' + String(v).slice(0, 80); } catch (e) { out[name] = 'refused:' + (e && e.name); }
  }
  attempt('parentDocument', function () { window.parent.document.body.setAttribute('data-pwned', 'parent'); return 'written'; });
  attempt('topDocument', function () { window.top.document.title = 'pwned'; return 'written'; });
  attempt('ownInternals', function () { return typeof window.__TAURI_INTERNALS__; });
  async function call(name, f) {
    try { var v = await f(); out[name] = 'reached:' + JSON.stringify(v).slice(0, 80); } catch (e) { out[name] = 'refused:' + String(e && (e.name || e)).slice(0, 80); }
  }
  var op = { op: { op: 'deleteActivity', id: '${activity.id}' } };
  await call('topInvoke', function () { return window.top.__TAURI_INTERNALS__.invoke('apply_edit', op); });
  await call('ownInvoke', function () { return window.__TAURI_INTERNALS__.invoke('apply_edit', op); });
  await call('ipcFetch', function () {
    return fetch('ipc://localhost/apply_edit', { method: 'POST', body: JSON.stringify(op), headers: { 'Content-Type': 'application/json', 'Tauri-Callback': '1', 'Tauri-Error': '2' } }).then(function (r) { return r.status; });
  });
  await call('ipcHttpFetch', function () {
    return fetch('http://ipc.localhost/apply_edit', { method: 'POST', body: JSON.stringify(op) }).then(function (r) { return r.status; });
  });
  document.body.setAttribute('data-probe', JSON.stringify(out));
})();
</script></body></html>`;

let browser;
let doc;
before(async () => {
  doc = join(work, 'interactive.trellis');
  cli(['import', doc, '--from', 'json', join(root, 'tests/fixtures/interactive/h5p-lesson.json')]);
  const dir = join(work, 'hostile-sim');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.html'), HOSTILE);
  cli(['activity', 'attach', doc, activity.id, dir]);
  if (sample) cli(['activity', 'attach', doc, again.id, sample]);
  browser = await startApp([doc]);
  await (await browser.$(`[role="treeitem"][data-node="${lesson}"]`)).waitForDisplayed({ timeout: 30_000, interval: 50 });
});
after(async () => {
  await browser?.deleteSession();
});

const invoke = (cmd, args) => app.invoke(browser, cmd, args);

test('attaching a package whose entry climbs out of it is refused with the entry named', async () => {
  const bad = join(work, 'slip.zip');
  // A stored zip with one entry "../evil.html", written by hand.
  const name = Buffer.from('../evil.html');
  const data = Buffer.from('<p>evil</p>');
  const crc = crc32(data);
  const local = Buffer.concat([
    u32(0x04034b50), u16(20), u16(0), u16(0), u16(0), u16(0), u32(crc), u32(data.length), u32(data.length), u16(name.length), u16(0), name, data,
  ]);
  const central = Buffer.concat([
    u32(0x02014b50), u16(20), u16(20), u16(0), u16(0), u16(0), u16(0), u32(crc), u32(data.length), u32(data.length), u16(name.length), u16(0), u16(0), u16(0), u16(0), u32(0), u32(0), name,
  ]);
  const end = Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(1), u16(1), u32(central.length), u32(local.length), u16(0)]);
  writeFileSync(bad, Buffer.concat([local, central, end]));
  const r = await invoke('attach_interactive', { activity: activity.id, path: bad });
  assert.equal(r.value, undefined, JSON.stringify(r.value)?.slice(0, 200));
  assert.equal(r.error?.code, 'validation', JSON.stringify(r.error));
  assert.ok(r.error.message.includes('../evil.html'), r.error.message);
});

/** Opens an activity's editor from its lesson in the outline and shows the preview frame. */
async function preview(a) {
  await (await browser.$(`[role="treeitem"][data-node="${a.node}"]`)).click();
  const link = await browser.$(`button.entity-link*=${a.title}`);
  await link.waitForClickable({ timeout: 10_000 });
  await link.click();
  const toggle = await browser.$('section.interactive button[aria-pressed]');
  await toggle.waitForClickable({ timeout: 10_000 });
  await toggle.click();
  const frame = await browser.$('[data-testid="interactive-preview"]');
  await frame.waitForExist({ timeout: 10_000 });
  return frame;
}

test('the real H5P sample plays in the sandboxed preview', { skip: sample ? false : 'needs ../shared (the H5P sample)' }, async () => {
  const frame = await preview(again);
  assert.equal(await frame.getAttribute('sandbox'), 'allow-scripts');
  await browser.switchToFrame(frame);
  let ready = null;
  try {
    await browser.waitUntil(
      async () => {
        ready = await browser.execute(() => document.documentElement.getAttribute('data-trellis-h5p'));
        return ready === 'ready';
      },
      { timeout: 20_000, interval: 100, timeoutMsg: 'the H5P player did not start in the preview' },
    ).catch(async (e) => {
      const html = await browser.execute(() => `${location.href} ${typeof window.H5PStandalone} ${document.documentElement.outerHTML.slice(0, 1500)}`);
      throw new Error(`${e.message}: ${html}`);
    });
    assert.ok(await browser.execute(() => !!document.querySelector('.h5p-iframe .h5p-content')), 'the content is drawn in the player page');
  } finally {
    await browser.switchToParentFrame();
  }
});

test('a hostile simulation previewed in the app reaches neither the page nor the IPC', async () => {
  const titleBefore = await browser.getTitle();
  await (await browser.$(`[role="treeitem"][data-node="${lesson}"]`)).click();
  const link = await browser.$(`button.entity-link*=${activity.title}`);
  await link.waitForClickable({ timeout: 10_000 });
  await link.click();
  const preview = await browser.$('section.interactive button[aria-pressed]');
  await preview.waitForClickable({ timeout: 10_000 });
  await preview.click();
  const frame = await browser.$('[data-testid="interactive-preview"]');
  await frame.waitForExist({ timeout: 10_000 }).catch(async (e) => {
    const panel = await browser.execute(() => document.querySelector('section.interactive')?.outerHTML ?? 'no panel');
    throw new Error(`${e.message}\n${panel}`);
  });
  assert.equal(await frame.getAttribute('sandbox'), 'allow-scripts', 'the frame is sandboxed to scripts only');
  assert.match(await frame.getAttribute('src'), /^trellis-interactive:\/\/localhost\//, 'the frame is on its own scheme');

  await browser.switchToFrame(frame);
  let probe = null;
  await browser.waitUntil(
    async () => {
      probe = await browser.execute(() => document.body?.getAttribute('data-probe') ?? null);
      return probe !== null;
    },
    { timeout: 15_000, interval: 100, timeoutMsg: 'the simulation did not run' },
  );
  const heading = await browser.execute(() => document.querySelector('h1')?.textContent ?? '');
  await browser.switchToParentFrame();
  assert.equal(heading, 'Simulation', 'the simulation itself was served and ran');
  const results = JSON.parse(probe);
  for (const key of ['parentDocument', 'topDocument']) {
    assert.match(results[key], /^refused:/, `${key}: ${results[key]}`);
  }
  for (const key of ['topInvoke', 'ownInvoke', 'ipcFetch', 'ipcHttpFetch']) {
    assert.match(results[key], /^refused:/, `${key}: ${results[key]}`);
  }

  // The app's page is untouched and no command ran.
  assert.equal(await browser.execute(() => document.body.getAttribute('data-pwned')), null);
  assert.equal(await browser.getTitle(), titleBefore);
  console.log(`what the simulation's attempts gave: ${probe}`);
  assert.equal(results.ownInternals, 'reached:undefined', 'the frame has no IPC object of its own');
  // The app is closed, so the file can be read: it still holds the activity the script tried to delete.
  await browser.deleteSession();
  browser = null;
  const saved = join(work, 'interactive-after.json');
  cli(['export', doc, '--format', 'json', '-o', saved]);
  const after = JSON.parse(readFileSync(saved, 'utf8'));
  assert.ok(after.activities.some((a) => a.id === activity.id), 'the file still holds the activity');
});

function u16(n) {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}
function u32(n) {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}
function crc32(buf) {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
