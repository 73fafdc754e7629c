// Rubric criteria reorder by dragging their grip (pointer events, as in the outline), with a
// drop line while dragging; the drop is one undo step.
import { expect, test, type Locator, type Page } from '@playwright/test';

async function titles(page: Page): Promise<string[]> {
  return page.locator('tbody tr[data-criterion] th[scope="row"] input[type="text"]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
}

async function dragTo(page: Page, grip: Locator, row: Locator, where: 'top' | 'bottom') {
  const a = await grip.boundingBox();
  const b = await row.boundingBox();
  if (!a || !b) throw new Error('not visible');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2 - 10, { steps: 3 });
  await page.mouse.move(a.x + a.width / 2, where === 'top' ? b.y + 8 : b.y + b.height - 8, { steps: 8 });
}

test('dragging a criterion above the first reorders the rubric; undo puts it back', async ({ page }) => {
  await page.goto('/?doc=sample');
  await page.getByRole('button', { name: 'News claim critique rubric' }).click();
  await expect(page.getByRole('heading', { name: 'News claim critique rubric' })).toBeVisible();
  await page.getByRole('button', { name: 'Add criterion' }).click();
  await page.getByRole('button', { name: 'Add criterion' }).click();
  await expect.poll(() => titles(page)).toEqual(['Identifies the sample', 'Criterion 2', 'Criterion 3']);

  const rows = page.locator('tbody tr[data-criterion]');
  await dragTo(page, page.getByTestId('criterion-grip-2'), rows.nth(0), 'top');
  await expect(rows.nth(0)).toHaveClass(/drop-before/);
  await expect(rows.nth(2)).toHaveClass(/dragging/);
  await page.mouse.up();
  await expect.poll(() => titles(page)).toEqual(['Criterion 3', 'Identifies the sample', 'Criterion 2']);
  await expect(page.locator('tbody tr.drop-before, tbody tr.drop-after')).toHaveCount(0);

  // Below the last row.
  await dragTo(page, page.getByTestId('criterion-grip-0'), rows.nth(2), 'bottom');
  await expect(rows.nth(2)).toHaveClass(/drop-after/);
  await page.mouse.up();
  await expect.poll(() => titles(page)).toEqual(['Identifies the sample', 'Criterion 2', 'Criterion 3']);

  // One undo step per drop.
  await page.getByRole('button', { name: /^Undo/ }).click();
  await expect.poll(() => titles(page)).toEqual(['Criterion 3', 'Identifies the sample', 'Criterion 2']);
  await page.getByRole('button', { name: /^Undo/ }).click();
  await expect.poll(() => titles(page)).toEqual(['Identifies the sample', 'Criterion 2', 'Criterion 3']);

  // The keyboard path: Alt+↓ on the focused criterion.
  await page.getByLabel('Criterion 1', { exact: true }).focus();
  await page.keyboard.press('Alt+ArrowDown');
  await expect.poll(() => titles(page)).toEqual(['Criterion 2', 'Identifies the sample', 'Criterion 3']);
  await expect(page.getByLabel('Criterion 2', { exact: true })).toBeFocused();
});

test('dragging a level column moves it with its descriptors', async ({ page }) => {
  // Wide enough for the whole grid, so both ends of the drag are on screen.
  await page.setViewportSize({ width: 1800, height: 900 });
  await page.goto('/?doc=sample');
  await page.getByRole('button', { name: 'News claim critique rubric' }).click();
  const levels = () => page.locator('thead th[data-level] input[type="text"]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
  await expect.poll(levels).toEqual(['Beginning', 'Developing', 'Proficient', 'Exemplary']);
  const grip = await page.getByTestId('level-grip-3').boundingBox();
  const first = await page.locator('thead th[data-level]').nth(0).boundingBox();
  if (!grip || !first) throw new Error('not visible');
  await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2);
  await page.mouse.down();
  await page.mouse.move(grip.x - 10, grip.y + grip.height / 2, { steps: 3 });
  await page.mouse.move(first.x + 10, grip.y + grip.height / 2, { steps: 8 });
  await expect(page.locator('thead th[data-level]').nth(0)).toHaveClass(/drop-before/);
  await page.mouse.up();
  await expect.poll(levels).toEqual(['Exemplary', 'Beginning', 'Developing', 'Proficient']);
  await expect(page.getByLabel('Identifies the sample at Exemplary')).toHaveValue('Clear and critiqued');
  const firstCell = page.locator('tbody tr[data-criterion]').first().locator('td textarea').first();
  await expect(firstCell).toHaveValue('Clear and critiqued');
});

test('a level dragged to the edge of a grid wider than the panel scrolls it and lands at the far end', async ({ page }) => {
  await page.setViewportSize({ width: 1100, height: 800 });
  await page.goto('/?doc=sample');
  await page.getByRole('button', { name: 'News claim critique rubric' }).click();
  const scroller = page.locator('.rubric-scroll');
  const levels = () => page.locator('thead th[data-level] input[type="text"]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
  await expect.poll(levels).toEqual(['Beginning', 'Developing', 'Proficient', 'Exemplary']);
  const overflow = await scroller.evaluate((el) => el.scrollWidth - el.clientWidth);
  expect(overflow, 'the grid is wider than its panel').toBeGreaterThan(0);

  const grip = (await page.getByTestId('level-grip-0').boundingBox())!;
  const box = (await scroller.boundingBox())!;
  const y = grip.y + grip.height / 2;
  await page.mouse.move(grip.x + grip.width / 2, y);
  await page.mouse.down();
  await page.mouse.move(grip.x + 20, y, { steps: 3 });
  for (let i = 0; i < 40; i++) await page.mouse.move(box.x + box.width - 10 - (i % 2), y);
  expect(await scroller.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
  await page.mouse.up();
  await expect.poll(levels).toEqual(['Developing', 'Proficient', 'Exemplary', 'Beginning']);
});
