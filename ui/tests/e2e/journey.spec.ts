// A designer's journey in the built UI (Chromium, IPC mocked): create a curriculum from a
// template, add a unit and an objective (level suggested as typed), link it in the matrix,
// build a rubric, and export.
import { expect, test } from '@playwright/test';

test('create from a template, write an objective, align it, build a rubric, export', async ({ page }) => {
  const views = page.getByRole('navigation', { name: 'Views' });
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Trellis', level: 1 })).toBeVisible();

  // New from template.
  await page.getByRole('button', { name: /Backward design course/ }).click();
  await page.getByLabel('Title of the new curriculum').fill('Data Literacy');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('doc-title')).toHaveText('Data Literacy');
  const tree = page.getByRole('tree');
  await expect(tree.getByRole('treeitem')).toHaveCount(1);

  // Add a unit under the course and name it (Shift+N on the row, then type).
  await tree.getByRole('treeitem').first().click();
  await page.keyboard.press('Shift+N');
  const rename = page.getByLabel(/^Rename New unit/);
  await rename.fill('Reading graphs');
  await rename.press('Enter');
  await expect(tree.getByRole('treeitem', { name: /Reading graphs/ })).toBeVisible();

  // Add an objective; the level is suggested while typing.
  await tree.getByRole('treeitem', { name: /Reading graphs/ }).click();
  await page.getByRole('button', { name: 'Add objective' }).click();
  const statement = page.getByLabel('Statement');
  await statement.fill('Compare two distributions using box plots');
  await expect(page.getByTestId('analysis-reason')).toContainText('analyze');
  await expect(page.getByRole('radio', { name: /Analyze/ })).toContainText('★');
  await page.getByLabel('Code').fill('RG1');
  await page.getByLabel('Code').press('Tab');
  await expect(page.getByRole('radio', { name: /Analyze/ })).toHaveAttribute('aria-checked', 'true');

  // An assessment for the unit, then link it to the objective in the matrix.
  await tree.getByRole('treeitem', { name: /Reading graphs/ }).click();
  await page.getByRole('button', { name: 'Add assessment' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Box plot task');
  await page.getByLabel('Title', { exact: true }).press('Tab');
  await views.getByRole('button', { name: 'Alignment' }).click();
  const cell = page.getByRole('button', { name: /Link RG1 .* assessment Box plot task/ });
  await expect(cell).toHaveAttribute('aria-pressed', 'false');
  await cell.click();
  await expect(page.getByRole('button', { name: /Unlink RG1 .* assessment Box plot task/ })).toHaveAttribute('aria-pressed', 'true');

  // A rubric for the assessment.
  await views.getByRole('button', { name: 'Design' }).click();
  await page.getByRole('tree').getByRole('treeitem', { name: /Reading graphs/ }).click();
  await page.getByRole('button', { name: /Box plot task/ }).click();
  await page.getByRole('button', { name: 'New rubric' }).click();
  await expect(page.getByRole('heading', { name: 'Box plot task rubric' })).toBeVisible();
  await page.getByRole('button', { name: 'Add criterion' }).click();
  await page.getByLabel('Criterion 1', { exact: true }).fill('Reads the median');
  await page.getByLabel('Criterion 1', { exact: true }).press('Tab');
  await page.getByLabel('Reads the median at Proficient').fill('Reads the median and both quartiles correctly.');
  await page.getByLabel('Reads the median at Proficient').press('Tab');
  await expect(page.getByRole('list', { name: 'Rubric problems' })).toContainText('no descriptor for Beginning');

  // Undo the descriptor with Ctrl+Z (focus outside text fields), redo with Ctrl+Shift+Z.
  await page.getByRole('heading', { name: 'Box plot task rubric' }).click();
  await page.keyboard.press('Control+z');
  await expect(page.getByLabel('Reads the median at Proficient')).toHaveValue('');
  await page.keyboard.press('Control+Shift+Z');
  await expect(page.getByLabel('Reads the median at Proficient')).toHaveValue('Reads the median and both quartiles correctly.');

  // Export with progress.
  await page.getByRole('button', { name: 'Export…' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Export' });
  await dialog.getByLabel('LMS profile').selectOption('canvas');
  // The mock holds the library's preflight only for the bundled examples: for this new document
  // the dialog says the check could not run (never "no problems"), and the export still runs.
  await expect(dialog.getByRole('alert')).toContainText('The pre-export check failed');
  await expect(dialog.getByText('No problems for this format and LMS.')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Export…' }).click();
  await expect(dialog.getByRole('status')).toContainText('Exported');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
});

// The sequence graph is the library's layout of the bundled example (the mock's fixtures hold it
// before and after the edit U1 → U4).
test('a prerequisite cycle is refused with the reason', async ({ page }) => {
  await page.goto('/?example=intro-statistics');
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Sequence' }).click();
  const form = page.getByRole('form', { name: 'Add a prerequisite' });
  await form.getByLabel('Prerequisite').selectOption({ label: 'U4 Confidence intervals' });
  await form.getByLabel('comes before').selectOption({ label: 'U1 Exploring data' });
  await form.getByRole('button', { name: 'Add prerequisite' }).click();
  await expect(page.getByRole('alert')).toContainText('cycle');
  await expect(page.getByRole('button', { name: /Confidence intervals before Exploring data/ })).toHaveCount(0);
  // A valid one is drawn.
  await expect(page.getByRole('button', { name: 'Exploring data before Confidence intervals' })).toHaveCount(0);
  await form.getByLabel('Prerequisite').selectOption({ label: 'U1 Exploring data' });
  await form.getByLabel('comes before').selectOption({ label: 'U4 Confidence intervals' });
  await form.getByRole('button', { name: 'Add prerequisite' }).click();
  // (A straight edge has no height, so it is counted rather than checked for visibility.)
  await expect(page.getByRole('button', { name: 'Exploring data before Confidence intervals' })).toHaveCount(1);
});

test('dragging from a node handle onto another adds a prerequisite', async ({ page }) => {
  await page.goto('/?example=intro-statistics');
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Sequence' }).click();
  const handle = page.getByRole('button', { name: 'Drag to make Exploring data a prerequisite' });
  await expect(handle).toBeVisible();
  const target = page.locator('g.gnode', { hasText: 'Confidence intervals' }).locator('rect').first();
  const a = await handle.boundingBox();
  const b = await target.boundingBox();
  if (!a || !b) throw new Error('graph not drawn');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 10 });
  await page.mouse.up();
  // (A straight edge has no height, so it is counted rather than checked for visibility.)
  await expect(page.getByRole('button', { name: 'Exploring data before Confidence intervals' })).toHaveCount(1);
  await expect(page.getByRole('status').filter({ hasText: 'is now a prerequisite' })).toBeVisible();
});

test('keyboard only: move through the outline, open a node, undo a rename', async ({ page }) => {
  await page.goto('/?doc=sample');
  const tree = page.getByRole('tree');
  await tree.getByRole('treeitem').first().focus();
  await page.keyboard.press('ArrowDown');
  await expect(tree.getByRole('treeitem', { name: /Describing data/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('heading', { name: /Describing data/ })).toBeVisible();
  await page.keyboard.press('F2');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Exploring data');
  await page.keyboard.press('Enter');
  await expect(tree.getByRole('treeitem', { name: /Exploring data/ })).toBeFocused();
  await page.keyboard.press('Control+z');
  await expect(tree.getByRole('treeitem', { name: /Describing data/ })).toBeVisible();
  await page.keyboard.press('Control+k');
  await page.keyboard.type('chance');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: /Chance and randomness/ })).toBeVisible();
});
