// The real app on a folder made by `trellis merge`: the example exported as three folders by the
// `trellis` CLI (base, ours, theirs), one unit's title changed differently in ours and theirs,
// and the three merged into ours, which then holds ours' title and lists the conflict in
// `conflicts/merge.json`. Opened from the command line, the window lists that conflict (path,
// entity and title, ours, theirs, the base) in the conflicts panel; choosing "Theirs" writes
// theirs' title to the unit's file on disk, removes `conflicts/merge.json`, and is one step
// Undo offers.
// Env (set by scripts/app-e2e.sh): APP_BINARY, TRELLIS_CLI, E2E_WORK, SCREENSHOT_DIR,
// TAURI_DRIVER_PORT.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as app from './app.mjs';
import { root, startApp } from './app.mjs';

const work = process.env.E2E_WORK;
const example = JSON.parse(readFileSync(join(root, 'examples/intro-statistics.json'), 'utf8'));
const unit = example.nodes.filter((n) => n.kind === 'unit')[1];
const merged = join(work, 'merged-team');
const ours = join(merged, 'ours');
const unitFile = join(ours, 'nodes', `${unit.id}.md`);
const conflictsFile = join(ours, 'conflicts', 'merge.json');

let browser;

before(async () => {
  for (const side of ['base', 'ours', 'theirs']) {
    execFileSync(process.env.TRELLIS_CLI, ['export', join(root, 'examples/intro-statistics.json'), '--format', 'folder', '-o', join(merged, side)], { stdio: 'ignore' });
  }
  for (const [side, title] of [['ours', 'Our merged title'], ['theirs', 'Their merged title']]) {
    const file = join(merged, side, 'nodes', `${unit.id}.md`);
    const text = readFileSync(file, 'utf8');
    const changed = text.replace(`title = "${unit.title}"`, `title = "${title}"`);
    assert.notEqual(changed, text);
    writeFileSync(file, changed);
  }
  const run = spawnSync(process.env.TRELLIS_CLI, ['merge', 'base', 'ours', 'theirs', '-o', 'ours'], { cwd: merged, encoding: 'utf8' });
  assert.equal(run.status, 1, run.stderr);
  assert.ok(existsSync(conflictsFile), run.stderr);
  assert.match(readFileSync(unitFile, 'utf8'), /title = "Our merged title"/);
  browser = await startApp([ours]);
});

after(async () => {
  await browser?.deleteSession();
});

const shot = (name) => app.shot(browser, name);

test('the conflict trellis merge listed is shown and resolved to theirs in the window', async () => {
  // The window lists the conflict from conflicts/merge.json.
  const offer = await browser.$('button*=merge conflict');
  await offer.waitForDisplayed({ timeout: 30_000 });
  const field = await browser.$(`fieldset.merge-conflict[data-path="nodes[${unit.id}].title"]`);
  await field.waitForDisplayed({ timeout: 10_000 });
  const text = await field.getText();
  assert.match(text, /Our merged title/);
  assert.match(text, /Their merged title/);
  assert.match(text, new RegExp(`Before: ${unit.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.match(text, /title/);
  await shot('merge-conflicts');

  // Choose theirs and apply.
  await (await field.$('input[value="theirs"]')).click();
  await (await field.$('button*=Apply')).click();
  await browser.waitUntil(() => readFileSync(unitFile, 'utf8').includes('title = "Their merged title"'), {
    timeout: 10_000,
    interval: 50,
    timeoutMsg: `${unitFile} does not hold theirs`,
  });
  await browser.waitUntil(() => !existsSync(conflictsFile), { timeout: 10_000, interval: 50, timeoutMsg: 'conflicts/merge.json is still there' });
  // The window shows theirs, and the choice is one step Undo offers.
  const row = await browser.$(`//*[@role="treeitem"][.//*[contains(@class,"row-title")][contains(., "Their merged title")]]`);
  await row.waitForExist({ timeout: 10_000 });
  const undo = await browser.$('button[title^="Undo"]');
  await browser.waitUntil(async () => /Resolve merge conflict/.test((await undo.getAttribute('aria-label')) ?? ''), { timeout: 10_000 });
  assert.equal(await (await browser.$('button*=merge conflict')).isExisting(), false);
});
