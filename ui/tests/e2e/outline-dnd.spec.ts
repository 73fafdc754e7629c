// Drag and drop in the outline (pointer-based, so it works the same in WebKitGTK and Chromium).
import { expect, test, type Locator, type Page } from '@playwright/test';

async function drag(page: Page, from: Locator, to: Locator, where: 'top' | 'middle' | 'bottom') {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error('rows are not visible');
  const y = where === 'top' ? b.y + 3 : where === 'bottom' ? b.y + b.height - 3 : b.y + b.height / 2;
  await page.mouse.move(a.x + 40, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + 40, a.y + a.height / 2 + 10, { steps: 3 });
  await page.mouse.move(b.x + 40, y, { steps: 8 });
  await page.mouse.up();
}

test('dragging a unit above another reorders the outline; dropping in the middle nests it', async ({ page }) => {
  await page.goto('/?doc=sample');
  const tree = page.getByRole('tree');
  const row = (name: RegExp) => tree.getByRole('treeitem', { name });
  const units = () => tree.locator('[role="treeitem"][aria-level="2"] .row-title').allTextContents();

  await drag(page, row(/Inference/), row(/Describing data/), 'top');
  await expect.poll(units).toEqual(['U3 Inference', 'U1 Describing data', 'U2 Probability']);

  await drag(page, row(/Probability/), row(/Inference/), 'middle');
  await expect.poll(units).toEqual(['U3 Inference', 'U1 Describing data']);
  await expect(row(/Probability/)).toHaveAttribute('aria-level', '3');

  // One undo step per drop.
  await page.getByRole('button', { name: /^Undo/ }).click();
  await expect.poll(units).toEqual(['U3 Inference', 'U1 Describing data', 'U2 Probability']);
});

test('an export shows its progress and can be cancelled with the button or Escape, writing nothing', async ({ page }) => {
  await page.goto('/?example=intro-statistics');
  await page.getByRole('button', { name: 'Export…' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Export' });
  await dialog.getByRole('button', { name: 'Export…' }).click();
  await expect(dialog.getByRole('progressbar', { name: 'Export progress' })).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel export' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Cancel export' }).click();
  await expect(dialog.getByText('Cancelled — nothing was written.')).toBeVisible();
  await expect(dialog.getByRole('alert')).toHaveCount(0);
  await expect(dialog.getByRole('button', { name: 'Export…' })).toBeEnabled();

  // Escape cancels while it runs, and closes the dialog only after.
  await dialog.getByRole('button', { name: 'Export…' }).click();
  await expect(dialog.getByRole('progressbar', { name: 'Export progress' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog.getByText('Cancelled — nothing was written.')).toBeVisible();
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('deleting a node offers undo in a toast', async ({ page }) => {
  await page.goto('/?doc=sample');
  const tree = page.getByRole('tree');
  await tree.getByRole('treeitem', { name: /Probability/ }).click();
  await page.keyboard.press('Delete');
  await expect(tree.getByRole('treeitem', { name: /Probability/ })).toHaveCount(0);
  const toast = page.getByRole('status').filter({ hasText: 'Deleted “Probability”' });
  await expect(toast).toBeVisible();
  await toast.getByRole('button', { name: 'Undo' }).click();
  await expect(tree.getByRole('treeitem', { name: /Probability/ })).toBeVisible();
  await expect(tree.getByRole('treeitem', { name: /Chance and randomness/ })).toBeVisible();
  await expect(toast).toHaveCount(0);
});
