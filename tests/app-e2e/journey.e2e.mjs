// The real app, end to end: start screen → open the bundled example → outline → rename a unit
// in the node editor → rename a lesson in the outline → undo → the file on disk (read back with
// the `trellis` CLI, i.e. the library) holds exactly the committed state.
// Env (set by scripts/app-e2e.sh): APP_BINARY, TRELLIS_CLI, TRELLIS_DOCUMENTS_DIR,
// SCREENSHOT_DIR, TAURI_DRIVER_PORT.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as app from './app.mjs';
import { root, startApp } from './app.mjs';

// Titles come from the bundled example, so the test follows it when the example changes.
const exampleDoc = JSON.parse(readFileSync(join(root, 'examples/intro-statistics.json'), 'utf8'));
const unit = exampleDoc.nodes.find((n) => n.kind === 'unit');
const lesson = exampleDoc.nodes.filter((n) => n.parent === unit.id)[1] ?? exampleDoc.nodes.find((n) => n.kind === 'lesson');
const lastUnit = exampleDoc.nodes.filter((n) => n.kind === 'unit').at(-1);
const UNIT = unit.title;
const UNIT_NEW = `${unit.title} (revised)`;
const LESSON = lesson.title;
const LESSON_NEW = 'Renamed in the outline';

let browser;
let startedAt;

before(async () => {
  startedAt = Date.now();
  browser = await startApp();
});

after(async () => {
  await browser?.deleteSession();
});

const shot = (name) => app.shot(browser, name);
const treeRow = (title) => app.treeRow(browser, title);

test('open the example, edit titles, undo, and find exactly that on disk', async () => {
  const heading = await browser.$('h1');
  await heading.waitForDisplayed({ timeout: 30_000 });
  assert.equal(await heading.getText(), 'Trellis');
  const example = await browser.$('button*=Open example');
  await example.waitForClickable({ timeout: 10_000 });
  await shot('start-screen');
  await example.click();

  // The outline shows the course and its units.
  const unitRow = await treeRow(UNIT);
  console.log(`first window to outline: ${Date.now() - startedAt} ms`);
  assert.ok(await (await treeRow(lastUnit.title)).isExisting());

  // Every view renders in the real webview from the library's analysis.
  const views = await browser.$('nav[aria-label="Views"]');
  for (const [view, heading] of [['Insights', 'Bloom taxonomy table'], ['Sequence', 'Sequence'], ['Alignment', 'Alignment matrix'], ['Review', 'Review']]) {
    await (await views.$(`button=${view}`)).click();
    await browser.$(`//*[self::h2 or self::h3][normalize-space()="${heading}"]`).waitForDisplayed({ timeout: 10_000 });
    if (view === 'Insights') await (await browser.$('svg.workload-svg')).waitForDisplayed({ timeout: 10_000 });
    await shot(view.toLowerCase());
  }
  await (await views.$('button=Design')).click();

  // Rename the unit in the node editor (one edit, committed on blur).
  await unitRow.click();
  const title = await browser.$('#node-title');
  await title.waitForDisplayed({ timeout: 5_000 });
  // WebDriver's "clear" blurs the field (which commits); select and type over instead.
  await title.click();
  await browser.keys(['Control', 'a']);
  await title.addValue(UNIT_NEW);
  const editStarted = Date.now();
  await browser.keys('Tab');
  await treeRow(UNIT_NEW);
  console.log(`one edit, blur to outline updated (incl. WebDriver round trips): ${Date.now() - editStarted} ms`);
  await shot('node-editor');

  // The objective editor shows the library's live analysis of the statement.
  await (await browser.$('section[aria-labelledby="node-objectives"] button.entity-link')).click();
  await (await browser.$('[data-testid="analysis-reason"]')).waitForDisplayed({ timeout: 10_000 });
  assert.notEqual(await (await browser.$('[data-testid="analysis-reason"]')).getText(), '');
  await shot('objective-editor');

  // Rename a lesson in the outline with F2 (a second edit).
  const lessonRow = await treeRow(LESSON);
  await lessonRow.click();
  await browser.keys('F2');
  const rename = await browser.$('input.rename');
  await rename.waitForDisplayed({ timeout: 5_000 });
  await browser.keys(['Control', 'a']);
  await rename.addValue(LESSON_NEW);
  await browser.keys('Enter');
  await treeRow(LESSON_NEW);
  await (await browser.$('.save-state=Saved')).waitForExist({ timeout: 5_000 });
  await shot('studio-outline');

  // Undo (Ctrl+Z) reverts only the lesson rename.
  await (await treeRow(LESSON_NEW)).click();
  await browser.keys(['Control', 'z']);
  await treeRow(LESSON);
  assert.ok(await (await treeRow(UNIT_NEW)).isExisting(), 'the unit rename is kept');

  // Close the document (the store releases the file); the start screen lists it as recent.
  await (await browser.$('button[aria-label="Close document"]')).click();
  const recent = await browser.$(`button.recent-open*=${exampleDoc.curriculum.title}`);
  await recent.waitForDisplayed({ timeout: 5_000 });
  await shot('start-screen-recent');

  // What the library reads from the file is what the window showed.
  const dir = process.env.TRELLIS_DOCUMENTS_DIR;
  const files = readdirSync(dir).filter((f) => f.endsWith('.trellis'));
  assert.equal(files.length, 1, `one document created in ${dir}: ${files}`);
  const outline = execFileSync(process.env.TRELLIS_CLI, ['show', join(dir, files[0])], { encoding: 'utf8' });
  assert.ok(outline.includes(UNIT_NEW), outline);
  assert.ok(outline.includes(LESSON), outline);
  assert.ok(!outline.includes(LESSON_NEW), outline);

  // Reopening from the recent list shows the saved state; the undo history survived too.
  await recent.click();
  await treeRow(UNIT_NEW);
  const redo = await browser.$('button[title^="Redo"]');
  assert.equal(await redo.isEnabled(), true, 'the undone rename can still be redone after reopening');
  await redo.click();
  await treeRow(LESSON_NEW);

  // One document per window: another file opens in a new window; the file already open here is
  // refused with the store's "open in another window" message.
  const second = join(process.env.E2E_WORK, 'second.trellis');
  execFileSync(process.env.TRELLIS_CLI, ['new', second, '--title', 'Second curriculum']);
  const label = await browser.execute((path) => window.__TAURI_INTERNALS__.invoke('open_in_new_window', { path }), second);
  assert.match(label, /^doc-\d+$/);
  const busy = join(dir, files[0]);
  const refused = await browser.execute(
    (path) => window.__TAURI_INTERNALS__.invoke('open_in_new_window', { path }).then(() => null, (e) => e),
    busy,
  );
  assert.equal(refused?.code, 'conflict', JSON.stringify(refused));
  const main = await browser.getWindowHandle();
  await browser.waitUntil(async () => (await browser.getWindowHandles()).length === 2, { timeout: 10_000, timeoutMsg: 'no second window' });
  const other = (await browser.getWindowHandles()).find((h) => h !== main);
  await browser.switchToWindow(other);
  await (await browser.$('[data-testid="doc-title"]')).waitForDisplayed({ timeout: 10_000 });
  assert.equal(await (await browser.$('[data-testid="doc-title"]')).getProperty('textContent'), 'Second curriculum');
  await browser.closeWindow();
  await browser.switchToWindow(main);

  // Importing a CASE framework through the real command (the file dialog is bypassed by passing
  // a path the test build grants): one undoable edit that adds the framework's items. The
  // framework is the bundled example's own CASE export, made by the CLI, so the test needs no
  // third-party file.
  const sample = join(process.env.E2E_WORK, 'intro-statistics.case.json');
  execFileSync(process.env.TRELLIS_CLI, ['export', join(root, 'examples/intro-statistics.json'), '--format', 'case', '-o', sample], { stdio: 'ignore' });
  assert.ok(existsSync(sample), 'the CLI wrote the CASE framework');
  const outcome = await browser.execute(
    (path) => window.__TAURI_INTERNALS__.invoke('import_framework', { path }),
    sample,
  );
  assert.ok(outcome.state.document.standardItems.length > 0, JSON.stringify(outcome.summary));
  assert.match(outcome.summary, /\S/);
  assert.equal(outcome.state.history.undo, 'Replace document');
});
