// The real app exports the document its window has open: the export command runs with a
// destination (bypassing the native save dialog; the test build grants the scratch folder through
// TRELLIS_TEST_GRANTS, see src-tauri/src/grants.rs) while the page listens to the `export-progress`
// events the way the export dialog does. This also proves the window's capability grants exactly
// what the dialog needs (event listen/unlisten) and that a denied core command stays denied.
// Env (set by scripts/app-e2e.sh): APP_BINARY, TRELLIS_CLI, E2E_WORK, TAURI_DRIVER_PORT.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { root, startApp } from './app.mjs';


let browser;
after(async () => {
  await browser?.deleteSession();
});

test('a SCORM 2004 export runs from the window with progress events and writes the package', async () => {
  const file = join(process.env.E2E_WORK, 'export.trellis');
  execFileSync(process.env.TRELLIS_CLI, ['import', file, '--from', 'json', join(root, 'examples/intro-statistics.json')]);
  browser = await startApp([file]);
  await (await browser.$('[role="treeitem"]')).waitForDisplayed({ timeout: 30_000, interval: 50 });
  const destination = join(process.env.E2E_WORK, 'intro-statistics-scorm2004.zip');
  const outcome = await browser.executeAsync((destination, done) => {
    const tauri = window.__TAURI_INTERNALS__;
    const events = [];
    const handler = tauri.transformCallback((event) => events.push(event.payload));
    (async () => {
      // What `getCurrentWebviewWindow().listen('export-progress', …)` of @tauri-apps/api does:
      // events are sent to the window that started the export only.
      const id = await tauri.invoke('plugin:event|listen', { event: 'export-progress', target: { kind: 'WebviewWindow', label: 'main' }, handler });
      const request = { format: 'scorm2004', profile: 'generic', strict: false, destination, values: { scoLevel: 'unit' }, framework: null };
      const result = await tauri.invoke('export_document', { request });
      await tauri.invoke('plugin:event|unlisten', { event: 'export-progress', eventId: id });
      // Not granted to the webview: window management stays in Rust.
      const denied = await tauri.invoke('plugin:window|set_title', { label: 'main', value: 'x' }).then(() => null, (e) => String(e));
      return { path: result?.path, files: result?.report?.files?.length ?? 0, events, denied };
    })().then(done, (e) => done({ error: String(e?.message ?? e) }));
  }, destination);
  assert.equal(outcome.error, undefined, outcome.error);
  assert.equal(outcome.path, destination);
  assert.ok(existsSync(destination) && statSync(destination).size > 1000, 'the package was written');
  assert.ok(outcome.files > 3, 'the report lists the package entries');
  assert.ok(outcome.events.length > 0, 'progress events reached the page');
  const last = outcome.events.at(-1);
  assert.ok(last.total > 0 && last.done <= last.total, JSON.stringify(last));
  assert.match(outcome.denied ?? '', /not allowed|denied|permission|refused by the isolation hook/i, 'set_title is refused to the webview');
  // Leave the recent list as the journey (and its start-screen screenshot) expects it.
  await browser.executeAsync((file, done) => {
    window.__TAURI_INTERNALS__.invoke('forget_recent', { path: file }).then(done, done);
  }, file);
});
