// The real app refuses forged commands: paths the webview names that the user did not choose in
// a native dialog (and the app did not issue) are refused with a `validation` error naming them,
// and nothing is written — an existing file stays as it was. The calls go through
// `window.__TAURI_INTERNALS__.invoke`, as a script in the page would; the paths lie outside the
// folders the test build grants (TRELLIS_TEST_GRANTS, set by scripts/app-e2e.sh). The isolation
// application (Tauri's isolation pattern) is in place and refuses commands that are not the
// app's own.
// Env (set by scripts/app-e2e.sh): APP_BINARY, TRELLIS_CLI, E2E_WORK, TAURI_DRIVER_PORT.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as app from './app.mjs';
import { root, startApp } from './app.mjs';

const work = process.env.E2E_WORK;
// Outside the granted folders: a scratch folder of its own.
const outside = mkdtempSync(join(tmpdir(), 'trellis-forged-'));
assert.ok(!outside.startsWith(`${work}/`), 'the forged paths lie outside the granted folder');

let browser;
before(async () => {
  const file = join(work, 'forged.trellis');
  execFileSync(process.env.TRELLIS_CLI, ['import', file, '--from', 'json', join(root, 'examples/intro-statistics.json')]);
  browser = await startApp([file]);
  await (await browser.$('[role="treeitem"]')).waitForDisplayed({ timeout: 30_000, interval: 50 });
});
after(async () => {
  await browser?.deleteSession();
  rmSync(outside, { recursive: true, force: true });
});

const invoke = (cmd, args) => app.invoke(browser, cmd, args);

function assertRefused(r, path) {
  assert.equal(r.value, undefined, `the command ran: ${JSON.stringify(r.value)?.slice(0, 200)}`);
  assert.equal(r.error?.code, 'validation', JSON.stringify(r.error));
  assert.ok(r.error.message.includes(path), r.error.message);
  assert.match(r.error.message, /not chosen in a file dialog/);
}

test('a forged export destination is refused: nothing written, an existing file untouched', async () => {
  const victim = join(outside, 'victim.zip');
  writeFileSync(victim, 'precious');
  const fresh = join(outside, 'forged-export.zip');
  for (const destination of [victim, fresh]) {
    const request = { format: 'scorm2004', profile: 'generic', strict: false, destination, values: {}, framework: null };
    assertRefused(await invoke('export_document', { request }), destination);
  }
  assert.equal(readFileSync(victim, 'utf8'), 'precious');
  assert.deepEqual(readdirSync(outside), ['victim.zip'], 'no package and no temporary file');
});

test('a forged review packet destination is refused and the file there is kept', async () => {
  const notes = join(outside, 'notes.html');
  writeFileSync(notes, 'my own notes');
  assertRefused(await invoke('write_review_packet', { request: { since: null, pdf: false, destination: notes } }), notes);
  assert.equal(readFileSync(notes, 'utf8'), 'my own notes');
  assert.ok(!existsSync(join(outside, 'notes.pdf')));
});

test('forged imports, opens and "show in folder" are refused', async () => {
  const framework = join(outside, 'framework.csv');
  writeFileSync(framework, 'identifier,statement\nA,Explain variance\n');
  assertRefused(await invoke('import_framework', { path: framework }), framework);
  const cartridge = join(outside, 'course.imscc');
  writeFileSync(cartridge, 'not a zip archive');
  assertRefused(await invoke('import_cartridge', { path: cartridge }), cartridge);
  const other = join(outside, 'other.trellis');
  execFileSync(process.env.TRELLIS_CLI, ['new', other, '--title', 'Not chosen']);
  assertRefused(await invoke('open_document', { path: other }), other);
  assertRefused(await invoke('open_in_new_window', { path: other }), other);
  // Not written by the app: never revealed (nor opened with its default program).
  assertRefused(await invoke('show_in_folder', { path: framework }), framework);
  assertRefused(await invoke('show_in_folder', { path: '/etc/passwd' }), '/etc/passwd');
  // The window still has its document.
  const title = JSON.parse(readFileSync(join(root, 'examples/intro-statistics.json'), 'utf8')).curriculum.title;
  assert.equal(await (await browser.$('[data-testid="doc-title"]')).getProperty('textContent'), title);
});

test('the isolation application is in place and passes only the app\'s own commands', async () => {
  const frame = await browser.execute(() => document.querySelector('iframe#__tauri_isolation__')?.getAttribute('src') ?? null);
  assert.match(frame ?? '', /^isolation-[0-9a-f-]+:\/\/localhost/, 'the isolation frame is loaded');
  // An app command passes (and answers).
  const examples = await invoke('list_examples', {});
  assert.ok(Array.isArray(examples.value) && examples.value.length > 0, JSON.stringify(examples));
  // A plugin command that is not the app's is refused (by the hook, before the ACL even sees it).
  for (const cmd of ['plugin:fs|write_text_file', 'plugin:opener|open_path', 'plugin:window|set_title']) {
    const r = await invoke(cmd, { path: join(outside, 'x'), label: 'main', value: 'x' });
    assert.equal(r.value, undefined, cmd);
    assert.match(String(r.error), /refused by the isolation hook/, `${cmd}: ${JSON.stringify(r.error)}`);
  }
  assert.ok(!existsSync(join(outside, 'x')));
});
