// A large document opens in two steps (the outline first, the remainder after it is painted):
// the outline can be used at once, the views that read the remainder say they are loading, and
// an edit made meanwhile is committed once the whole document is there (mock backend, the
// remainder held back for 4 s). The loading state passes axe.
import { expect, test } from '@playwright/test';

async function seriousAxeViolations(page: import('@playwright/test').Page): Promise<string[]> {
  // Playwright runs from ui/, where npm installed axe-core.
  await page.addScriptTag({ path: 'node_modules/axe-core/axe.min.js' });
  return page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string }[] }> } };
    const result = await w.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
  });
}

test('the outline shows before the remainder, which the editor and findings wait for', async ({ page }) => {
  await page.goto('/?example=intro-statistics&staged=4000');
  const tree = page.getByRole('tree');
  await expect(tree.getByRole('treeitem').first()).toBeVisible();
  const main = page.locator('main#main');
  await expect(main).toHaveAttribute('aria-busy', 'true');
  await expect(main.getByRole('status')).toHaveText('Loading the curriculum…');
  await expect(page.getByRole('complementary', { name: 'Findings' }).getByRole('status')).toHaveText('Findings: loading…');
  expect(await seriousAxeViolations(page)).toEqual([]);
  await expect(main).toHaveAttribute('aria-busy', 'true');

  // Rename a row while the remainder is on its way: it is committed after the remainder came.
  await tree.getByRole('treeitem').nth(1).click();
  await page.keyboard.press('F2');
  const rename = page.getByRole('textbox', { name: /^Rename / });
  await rename.fill('Renamed while loading');
  await rename.press('Enter');

  await expect(page.getByText('Loading the curriculum…')).toHaveCount(0, { timeout: 10_000 });
  await expect(page.getByRole('heading', { name: 'Findings' })).toBeVisible();
  await expect(tree.getByRole('treeitem', { name: /Renamed while loading/ })).toBeVisible();
  const calls = await page.evaluate(() => (window as unknown as { __mock: { calls: { cmd: string }[] } }).__mock.calls.map((c) => c.cmd));
  expect(calls.indexOf('document_rest')).toBeGreaterThan(-1);
  expect(calls.indexOf('apply_edit')).toBeGreaterThan(calls.indexOf('document_rest'));
});
