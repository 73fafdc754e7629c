// The real app: a Canvas Outcome Results report imported into a copy of the example (made by the
// `trellis` CLI in the scratch folder and opened from the command line, so the documents folder
// the other tests count stays untouched) through the
// real `import_evidence` command (format told from the file), then the Evidence view shows the
// heatmap the library computed; Enter on a cell drills down; the window's Undo takes the import
// back (empty state) and Redo restores it. A path the window was not granted is refused. The
// native file dialog is bypassed by passing the path (granted to the test build by
// TRELLIS_TEST_GRANTS, see src-tauri/src/grants.rs), as the other tests do.
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
const measured = example.objectives.filter((o) => /^U[12]\./.test(o.code));

let browser;

before(async () => {
  const file = join(work, 'Evidence course.trellis');
  execFileSync(process.env.TRELLIS_CLI, ['import', file, '--from', 'json', join(root, 'examples/intro-statistics.json')]);
  browser = await startApp([file]);
});

after(async () => {
  await browser?.deleteSession();
});

const shot = (name) => app.shot(browser, name);
const invoke = (cmd, args) => app.invoke(browser, cmd, args);
const waitForTree = () => app.treeRow(browser, units[0].title);

/** Six learners in two sections, a score (0–4) on each objective of units 1 and 2, matched by code; one row naming no objective. */
function canvasOutcomes() {
  const lines = ['Student name,Student ID,Section name,Learning outcome name,Outcome score,Learning outcome points possible,Submission date'];
  for (let l = 0; l < 6; l++) {
    measured.forEach((o, i) => {
      lines.push(`Learner ${l},${9000 + l},Section ${1 + (l % 2)},${o.code},${(l + i * 2) % 5},4,2026-03-${String(1 + i).padStart(2, '0')}`);
    });
  }
  lines.push('Learner 0,9000,Section 1,Retired outcome,3,4,2026-03-01');
  return `${lines.join('\n')}\n`;
}

test('a Canvas outcome results CSV imported into a copy of the example shows as a heatmap; undo takes it back', async () => {
  await waitForTree();
  const views = await browser.$('nav[aria-label="Views"]');
  await (await views.$('button=Evidence')).click();
  const empty = await browser.$('[data-testid="evidence-empty"]');
  await empty.waitForDisplayed({ timeout: 10_000 });

  const csv = join(work, 'Spring outcomes.csv');
  writeFileSync(csv, canvasOutcomes());
  const imported = await invoke('import_evidence', { path: csv, request: { source: null, cohort: null, term: 'Spring 2026' } });
  assert.ok(imported.value, JSON.stringify(imported.error));
  const report = imported.value.report;
  assert.equal(report.source, 'canvas-outcomes', 'the format is told from the file');
  assert.equal(imported.value.detected, true);
  assert.equal(report.cohort, 'Spring outcomes');
  assert.equal(report.added, 6 * measured.length);
  assert.equal(report.learners, 6);
  assert.deepEqual(report.unmatched.map((u) => [u.count, u.examples[0][1]]), [[1, 'Retired outcome']]);
  assert.equal(imported.value.history.undo, 'Import canvas-outcomes evidence into cohort Spring outcomes');

  // A file the window was not granted is refused, naming it.
  const forged = await invoke('import_evidence', { path: '/etc/hostname', request: { source: 'csv', cohort: null, term: '' } });
  assert.equal(forged.error?.code, 'validation', JSON.stringify(forged));
  assert.match(forged.error.message, /\/etc\/hostname/);

  // The window learns the import (made behind the UI's back) after a reload.
  await browser.refresh();
  await waitForTree();
  await (await (await browser.$('nav[aria-label="Views"]')).$('button=Evidence')).click();
  const grid = await browser.$('[role="grid"]');
  await grid.waitForDisplayed({ timeout: 15_000 });
  const headers = await browser.execute(() => Array.from(document.querySelectorAll('[role="grid"] thead th'), (h) => h.textContent.trim()));
  assert.deepEqual(headers, ['Objective', 'Spring outcomes']);
  const first = measured[0];
  const cell = await browser.$(`//td[@role="gridcell"][.//span[starts-with(., "${first.code}, Spring outcomes: ")]]`);
  await cell.waitForExist({ timeout: 5_000 });
  // Scores of the first objective: 0,1,2,3,4,0 of 4 — two learners reach mastery at 3.
  assert.match(await cell.getAttribute('title'), new RegExp(`^${first.code.replace('.', '\\.')}, Spring outcomes: 2 of 6 learners reached mastery \\(33 %\\)`));
  await cell.click();
  await (await browser.$('h4=Distribution of scores')).waitForDisplayed({ timeout: 5_000 });
  await shot('evidence-view');

  // The window's Undo takes the import back; Redo restores it.
  const undo = await browser.$('button[aria-label="Undo Import canvas-outcomes evidence into cohort Spring outcomes"]');
  await undo.waitForClickable({ timeout: 5_000 });
  await undo.click();
  await (await browser.$('[data-testid="evidence-empty"]')).waitForDisplayed({ timeout: 10_000 });
  await (await browser.$('button[aria-label="Redo Import canvas-outcomes evidence into cohort Spring outcomes"]')).click();
  await (await browser.$('[role="grid"]')).waitForDisplayed({ timeout: 10_000 });
});
