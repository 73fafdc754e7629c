// The real app on a curriculum folder kept in git: the example exported as a folder by the
// `trellis` CLI into the scratch folder, committed, and opened from the command line. A title
// edited in the outline is written to that node's file at once (git status names only that file)
// and the outline marks the node as changed since the last commit; a file changed on disk (as a
// pull or another editor would) shows in the window within a few seconds, with the selection
// kept; the change from the folder is one undoable step. A folder holding conflict markers lists
// the conflict field by field through the real commands, and resolving it writes a clean file.
// Env (set by scripts/app-e2e.sh): APP_BINARY, TRELLIS_CLI, E2E_WORK, SCREENSHOT_DIR,
// TAURI_DRIVER_PORT.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as app from './app.mjs';
import { root, startApp } from './app.mjs';

const work = process.env.E2E_WORK;
const example = JSON.parse(readFileSync(join(root, 'examples/intro-statistics.json'), 'utf8'));
const units = example.nodes.filter((n) => n.kind === 'unit');
const [first, second] = units;
const repo = join(work, 'team-repo');
const course = join(repo, 'course');

const git = (...args) =>
  execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'E2E', GIT_AUTHOR_EMAIL: 'e2e@example.org', GIT_COMMITTER_NAME: 'E2E', GIT_COMMITTER_EMAIL: 'e2e@example.org' },
  });

let browser;

before(async () => {
  execFileSync(process.env.TRELLIS_CLI, ['export', join(root, 'examples/intro-statistics.json'), '--format', 'folder', '-o', course], { stdio: 'ignore' });
  writeFileSync(join(course, '.gitignore'), '.trellis-cache/\n');
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  git('add', 'course');
  git('commit', '-q', '-m', 'course');
  browser = await startApp([course]);
});

after(async () => {
  await browser?.deleteSession();
});

const shot = (name) => app.shot(browser, name);
const invoke = (cmd, args) => app.invoke(browser, cmd, args);
const treeRow = (title) => app.treeRow(browser, title);

test('an edit in the window is written to the node file; a file changed on disk shows in the window', async () => {
  const firstRow = await treeRow(first.title);
  const bar = await browser.$('[aria-label="Curriculum folder"]');
  await bar.waitForDisplayed({ timeout: 10_000 });

  // Rename the first unit in the outline (F2): its file changes on disk, and only its file.
  await firstRow.click();
  await browser.keys('F2');
  const rename = await browser.$('input.rename');
  await rename.waitForDisplayed({ timeout: 5_000 });
  await browser.keys(['Control', 'a']);
  await rename.addValue('Renamed in the folder window');
  const started = Date.now();
  await browser.keys('Enter');
  const file = join(course, 'nodes', `${first.id}.md`);
  await browser.waitUntil(() => readFileSync(file, 'utf8').includes('title = "Renamed in the folder window"'), {
    timeout: 5_000,
    interval: 20,
    timeoutMsg: `${file} does not hold the new title`,
  });
  console.log(`outline rename to the file on disk (incl. WebDriver round trips): ${Date.now() - started} ms`);
  assert.equal(git('status', '--porcelain').trim(), `M course/nodes/${first.id}.md`);
  // The outline marks the node as changed since the last commit.
  const badge = await browser.$(`//*[@role="treeitem"][.//*[contains(., "Renamed in the folder window")]]//*[contains(@class,"changed-badge")]`);
  await badge.waitForExist({ timeout: 10_000 });
  await (await browser.$(`//*[@data-testid="folder-changes"][contains(., "1 changed")]`)).waitForExist({ timeout: 10_000 });
  await shot('folder-edit');

  // Select the first unit, then change the second unit's file on disk: the window shows the new
  // title (the folder is looked at every second) and the selection stays.
  await (await treeRow('Renamed in the folder window')).click();
  const other = join(course, 'nodes', `${second.id}.md`);
  const text = readFileSync(other, 'utf8');
  writeFileSync(other, text.replace(`title = "${second.title}"`, 'title = "Changed on disk"'));
  const written = Date.now();
  await treeRow('Changed on disk');
  console.log(`file written on disk to the window's outline: ${Date.now() - written} ms`);
  const selected = await browser.$('[role="treeitem"][aria-selected="true"]');
  assert.match(await selected.getText(), /Renamed in the folder window/);
  await shot('folder-external-change');
  // The change from the folder is one undoable step.
  const undo = await browser.$('button[title^="Undo"]');
  assert.match(await undo.getAttribute('aria-label'), /Changes in the folder/);
});

test('a folder holding a conflicted merge lists the conflict field by field and resolves it', async () => {
  const file = join(course, 'nodes', `${second.id}.md`);
  const text = readFileSync(file, 'utf8');
  const marked = text.replace('title = "Changed on disk"', '<<<<<<< HEAD\ntitle = "Our title"\n=======\ntitle = "Their title"\n>>>>>>> other');
  writeFileSync(file, marked);
  const listed = await invoke('folder_conflicts', { path: null });
  assert.equal(listed.error, undefined, JSON.stringify(listed.error));
  assert.equal(listed.value.length, 1);
  assert.deepEqual(listed.value[0].fields.map((f) => [f.field, f.ours, f.theirs]), [['title', 'Our title', 'Their title']]);
  // The window notices and offers the side-by-side resolution.
  const offer = await browser.$('button*=conflicted file');
  await offer.waitForDisplayed({ timeout: 10_000 });
  await shot('folder-conflicts');
  const resolved = await invoke('resolve_folder_conflict', { path: null, file: `nodes/${second.id}.md`, choices: [{ field: 'title', choice: { take: 'theirs' } }] });
  assert.deepEqual(resolved.value, [], JSON.stringify(resolved.error));
  assert.ok(!readFileSync(file, 'utf8').includes('<<<<<<<'));
  await treeRow('Their title');
});
