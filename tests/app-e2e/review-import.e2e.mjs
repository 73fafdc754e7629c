// The real app: the review packet of the example written to disk by the real command (HTML with
// the changes since a snapshot taken in the window, and a PDF when Chromium is installed), and a
// Common Cartridge exported by the `trellis` CLI imported as a new document whose outline the
// window then shows. The native file dialogs are bypassed by passing the destination and the
// path to the commands (granted to the test build by TRELLIS_TEST_GRANTS, see
// src-tauri/src/grants.rs), as journey.e2e.mjs does for the CASE import.
// Env (set by scripts/app-e2e.sh): APP_BINARY, TRELLIS_CLI, TRELLIS_DOCUMENTS_DIR, E2E_WORK,
// SCREENSHOT_DIR, TAURI_DRIVER_PORT.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as app from './app.mjs';
import { root, startApp } from './app.mjs';

const work = process.env.E2E_WORK;
const example = JSON.parse(readFileSync(join(root, 'examples/intro-statistics.json'), 'utf8'));
const TITLE = example.curriculum.title;
const units = example.nodes.filter((n) => n.kind === 'unit');
// The library looks for these (pdf.rs); without one the command must say so.
const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].some(existsSync) || !!process.env.TRELLIS_CHROMIUM;

let browser;

before(async () => {
  browser = await startApp();
});

after(async () => {
  await browser?.deleteSession();
});

const shot = (name) => app.shot(browser, name);
const invoke = (cmd, args) => app.invoke(browser, cmd, args);
const treeRow = (title) => app.treeRow(browser, title);

test('write the review packet of the example, with the changes since a snapshot', async () => {
  const open = await browser.$('button*=Open example');
  await open.waitForClickable({ timeout: 30_000 });
  await open.click();
  await treeRow(units[0].title);

  // A snapshot taken in the Review view, then a change after it.
  const views = await browser.$('nav[aria-label="Views"]');
  await (await views.$('button=Review')).click();
  await (await browser.$('#snapshot-name')).setValue('Before the committee');
  await (await browser.$('button=Take snapshot')).click();
  await (await browser.$('strong=Before the committee')).waitForDisplayed({ timeout: 5_000 });

  // The dialog of the Review view lists that snapshot (writing from it needs the native dialog).
  await (await browser.$('button=Review packet…')).click();
  const dialog = await browser.$('[role="dialog"][aria-labelledby="packet-title"]');
  await dialog.waitForDisplayed({ timeout: 5_000 });
  assert.match(await (await browser.$('#packet-since')).getText(), /Before the committee/);
  await shot('review-packet');
  await browser.keys('Escape');
  await dialog.waitForDisplayed({ reverse: true, timeout: 5_000 });

  const html = join(work, 'committee packet.html');
  const written = await invoke('write_review_packet', {
    request: { since: 'Before the committee', pdf: chromium, destination: html },
  });
  assert.ok(written.value, JSON.stringify(written.error));
  assert.equal(written.value.htmlPath, html);
  const text = readFileSync(html, 'utf8');
  assert.ok(text.startsWith('<!DOCTYPE html>'));
  assert.ok(text.includes(TITLE), 'the packet names the curriculum');
  assert.ok(text.includes('Changes since “Before the committee”'), 'the packet compares with the snapshot');
  assert.ok(text.trimEnd().endsWith('</html>'), 'the packet is whole');
  assert.deepEqual(readdirSync(work).filter((f) => f.startsWith('.committee')), [], 'no temporary file is left');
  if (chromium) {
    const pdf = join(work, 'committee packet.pdf');
    assert.equal(written.value.pdfPath, pdf);
    assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
  } else {
    console.log('no Chromium installed: the PDF is not checked');
  }

  // An unknown snapshot is refused with its name, and nothing is written.
  const refused = await invoke('write_review_packet', {
    request: { since: 'No such snapshot', pdf: false, destination: join(work, 'refused.html') },
  });
  assert.equal(refused.error?.code, 'notFound', JSON.stringify(refused));
  assert.match(refused.error.message, /No such snapshot/);
  assert.ok(!existsSync(join(work, 'refused.html')));
});

test('import a Common Cartridge exported by the CLI: a new document whose outline the window shows', async () => {
  const cartridge = join(work, 'intro-statistics.imscc');
  // The CLI lists the export's findings on stderr; they are not this test's subject.
  execFileSync(process.env.TRELLIS_CLI, ['export', join(root, 'examples/intro-statistics.json'), '--format', 'cc13', '-o', cartridge], { stdio: ['ignore', 'ignore', 'pipe'] });
  const dir = process.env.TRELLIS_DOCUMENTS_DIR;
  const documents = () => readdirSync(dir).filter((f) => f.endsWith('.trellis'));
  const existing = new Set(documents());
  const allFiles = new Set(readdirSync(dir));

  // A file that is not a cartridge is refused by name and creates nothing.
  const bogus = join(work, 'notes.imscc');
  writeFileSync(bogus, 'not a zip archive');
  const refused = await invoke('import_cartridge', { path: bogus });
  assert.ok(refused.error, JSON.stringify(refused));
  assert.match(refused.error.message, /notes\.imscc/);
  assert.deepEqual(readdirSync(dir).filter((f) => !allFiles.has(f)), [], 'nothing is created');

  const imported = await invoke('import_cartridge', { path: cartridge });
  assert.ok(imported.value, JSON.stringify(imported.error));
  const { state, summary, findings } = imported.value;
  assert.match(summary, /^Course “.+”: \d+ modules, \d+ lessons/);
  assert.ok(Array.isArray(findings));
  const created = documents().filter((f) => !existing.has(f));
  assert.equal(created.length, 1, `one new document: ${created}`);
  assert.equal(state.path, join(dir, created[0]));

  // The window now holds the imported document: after a reload the studio shows its outline.
  await browser.refresh();
  const title = state.document.curriculum.title;
  await browser.waitUntil(
    async () => {
      const el = await browser.$('[data-testid="doc-title"]');
      return (await el.isExisting()) && (await el.getProperty('textContent')) === title;
    },
    { timeout: 30_000, interval: 50, timeoutMsg: `the studio does not show “${title}” after the reload` },
  );
  for (const unit of units) await treeRow(unit.title);
  await shot('cartridge-imported');

  // What the library reads from the new file (once the window released it) is that course.
  await (await browser.$('button[aria-label="Close document"]')).click();
  await (await browser.$('h1=Trellis')).waitForDisplayed({ timeout: 5_000 });
  const outline = execFileSync(process.env.TRELLIS_CLI, ['show', state.path], { encoding: 'utf8' });
  for (const unit of units) assert.ok(outline.includes(unit.title), outline);
});
