// The Evidence view in the built UI (Chromium, IPC mocked; the mock answers from evidence the
// library imported and analysed, src-tauri/src/mock_fixtures.rs): empty state, the import dialog
// with its progress and report, the heatmap by keyboard, the drill-down, the column modes, a
// per-objective policy, removing a cohort and undoing it, the badges on the design, and axe-core
// on the view and the dialog in both themes.
import { expect, test, type Page } from '@playwright/test';

const axePath = 'node_modules/axe-core/axe.min.js';

async function axe(page: Page, what: string) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } };
    return w.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
  });
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  expect(report, `${what}: axe violations`).toEqual([]);
}

type Mock = { evidencePick: string | null; evidenceSteps: string[] };
const pick = (page: Page, file: string) =>
  page.evaluate((f) => { (window as unknown as { __mock: Mock }).__mock.evidencePick = f; }, file);

async function importFile(page: Page, file: string, cohort: string) {
  await pick(page, `/home/designer/Downloads/${file}`);
  const dialog = page.getByRole('dialog', { name: 'Import evidence of learning' });
  await dialog.getByRole('button', { name: /^(Choose file and import…|Import another file…)$/ }).click();
  await expect(dialog.getByRole('heading', { name: `Imported into “${cohort}”` })).toBeVisible();
  return dialog;
}

for (const theme of ['light', 'dark']) {
  test(`import evidence, read the heatmap by keyboard and drill down (${theme} theme)`, async ({ page }) => {
    await page.addInitScript((t) => localStorage.setItem('trellis.theme', t), theme);
    await page.goto('/?example=intro-statistics');
    await expect(page.getByRole('tree')).toBeVisible();
    await page.keyboard.press('Control+6');
    await expect(page.getByRole('heading', { name: 'No evidence of learning yet' })).toBeVisible();
    await axe(page, 'Evidence view, empty');

    await page.getByTestId('evidence-empty').getByRole('button', { name: 'Import results…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import evidence of learning' });
    await expect(dialog.getByLabel('Format')).toBeFocused();
    await expect(dialog.getByLabel('Format').locator('option')).toContainText(['Tell from the file', 'Canvas Outcome Results (CSV)']);
    await axe(page, 'evidence import dialog');
    await dialog.getByRole('button', { name: 'Choose file and import…' }).click();
    await expect(dialog.getByRole('progressbar', { name: 'Evidence import progress' })).toBeVisible();
    await expect(dialog.getByRole('heading', { name: 'Imported into “Fall 2025 outcomes”' })).toBeVisible();
    await expect(dialog.getByText('(told from the file)')).toBeVisible();
    await expect(dialog.getByRole('row', { name: /unknown outcome/ })).toContainText('218: Old outcome: regression');
    await axe(page, 'evidence import report');
    await importFile(page, 'Spring 2026 outcomes.csv', 'Spring 2026 outcomes');
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();

    const grid = page.getByRole('grid', { name: /Mastery per objective and cohort/ });
    await expect(grid.getByRole('columnheader')).toHaveText(['Objective', 'Fall 2025 outcomes', 'Spring 2026 outcomes', 'All cohorts']);
    await axe(page, 'Evidence view with a heatmap');
    if (theme === 'light') await page.screenshot({ path: 'test-results/evidence-view.png' });

    // Keyboard: one cell in the tab order; arrows move; Enter drills down.
    const first = grid.getByRole('gridcell').first();
    await first.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    const focused = page.locator('[role="gridcell"]:focus');
    await expect(focused).toHaveAccessibleName(/^CO2, Spring 2026 outcomes: (\d+ of 10 learners reached mastery|no evidence)/);
    await page.keyboard.press('End');
    await expect(focused).toHaveAccessibleName(/^CO2, all cohorts:/);
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowDown');
    await expect(focused).toHaveAccessibleName(/^U2\.1, all cohorts: \d+ of 20 learners/);
    await page.keyboard.press('Enter');
    const drill = page.getByRole('region', { name: /U2\.1/ });
    await expect(drill.getByRole('heading', { name: 'Distribution of scores' })).toBeVisible();
    await expect(drill.getByRole('list', { name: 'Learners per score band' }).getByRole('listitem')).toHaveCount(4);
    await expect(drill.getByRole('heading', { name: 'Aligned work' })).toBeVisible();
    await axe(page, 'objective drill-down');

    await page.getByRole('radio', { name: 'Sections' }).check();
    await expect(page.getByRole('grid', { name: /and section/ }).getByRole('columnheader').nth(1)).toHaveText('Fall 2025 outcomes · Section 01');
    await page.getByRole('radio', { name: 'Learners' }).check();
    await expect(page.getByRole('grid', { name: /and learner/ }).getByRole('columnheader')).toHaveCount(21);
  });
}

test('a cohort removed and put back by undo; a per-objective policy; badges on the design', async ({ page }) => {
  await page.goto('/?example=intro-statistics');
  await expect(page.getByRole('tree')).toBeVisible();
  // From Ctrl+K.
  await page.keyboard.press('Control+k');
  await page.keyboard.type('import evidence');
  await page.keyboard.press('Enter');
  await importFile(page, 'Fall 2025 outcomes.csv', 'Fall 2025 outcomes');
  await importFile(page, 'Spring 2026 outcomes.csv', 'Spring 2026 outcomes');
  await page.keyboard.press('Escape');
  const grid = page.getByRole('grid', { name: /and cohort/ });
  await expect(grid.getByRole('columnheader')).toHaveCount(4);

  await page.getByRole('button', { name: 'Remove cohort Spring 2026 outcomes' }).click();
  await expect(grid.getByRole('columnheader')).toHaveText(['Objective', 'Fall 2025 outcomes']);
  await page.getByRole('button', { name: 'Undo Remove cohort Spring 2026 outcomes' }).click();
  await expect(grid.getByRole('columnheader')).toHaveText(['Objective', 'Fall 2025 outcomes', 'Spring 2026 outcomes', 'All cohorts']);

  // U2.3 gets its own policy: two results at mastery, which one result per learner never reaches.
  const u23 = grid.getByRole('gridcell', { name: /^U2\.3, all cohorts/ });
  await expect(u23).toHaveAccessibleName(/learners reached mastery/);
  await u23.click();
  await expect(page.getByLabel('Applies to').locator('option:checked')).toHaveText('U2.3');
  await page.getByLabel('Calculation method').selectOption('n_mastery');
  await page.getByLabel('Results at mastery needed (n)').fill('2');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await expect(page.getByText('This objective now has its own policy.')).toBeVisible();
  await expect(u23).toHaveAccessibleName(/^U2\.3, all cohorts: not enough data/);
  await expect(u23.locator('[aria-hidden="true"]')).toHaveText('…');
  await page.getByRole('heading', { name: 'Evidence', exact: true }).click();
  await page.keyboard.press('Control+z');
  await expect(u23).toHaveAccessibleName(/learners reached mastery/);

  // The badges: in the alignment matrix and a unit's objective list.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Alignment' }).click();
  await expect(page.getByTestId('mastery-badge').first()).toBeVisible();
  expect(await page.getByTestId('mastery-badge').count()).toBeGreaterThan(20);
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Design' }).click();
  await page.getByRole('tree').getByRole('treeitem', { name: /Describing distributions/ }).click();
  await expect(page.getByRole('button', { name: /Construct histograms.*Mastery: \d+ of 20 learners/ })).toBeVisible();
});

test('an evidence import shows its stages; Escape cancels it with nothing imported', async ({ page }) => {
  await page.goto('/?example=intro-statistics');
  await expect(page.getByRole('tree')).toBeVisible();
  await page.evaluate(() => { (window as unknown as { __mock: { evidenceMs: number } }).__mock.evidenceMs = 3000; });
  await page.keyboard.press('Control+6');
  await page.getByTestId('evidence-empty').getByRole('button', { name: 'Import results…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import evidence of learning' });
  await dialog.getByRole('button', { name: 'Choose file and import…' }).click();
  await expect(dialog.getByText('Reading Fall 2025 outcomes.csv')).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog.getByText('Cancelled — nothing was imported.')).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __mock: Mock }).__mock.evidenceSteps)).toEqual([]);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { name: 'No evidence of learning yet' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Undo' })).toBeDisabled();
});
