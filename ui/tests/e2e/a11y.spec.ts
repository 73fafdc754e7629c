// Accessibility basics with axe-core on every main view (serious and critical violations fail).
import { expect, test, type Page } from '@playwright/test';

// Playwright runs from ui/, where npm installed axe-core.
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

test('the start screen passes axe', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'New from template' })).toBeVisible();
  await axe(page, 'start screen');
});

for (const theme of ['light', 'dark']) {
  test(`every main view passes axe (${theme} theme)`, async ({ page }) => {
    // Nine full axe runs over large views: give it three times the default time on a busy machine.
    test.slow();
    await page.addInitScript((t) => localStorage.setItem('trellis.theme', t), theme);
    // The bundled example: its findings and views are the library's (the mock's fixtures).
    await page.goto('/?example=intro-statistics');
    await expect(page.getByRole('tree')).toBeVisible();
    await axe(page, 'curriculum editor');
    await page.getByRole('tree').getByRole('treeitem', { name: /Exploring data/ }).click();
    await axe(page, 'node editor');
    await page.getByRole('button', { name: /Classify a study as an observational study/ }).click();
    await expect(page.getByLabel('Statement')).toBeVisible();
    await axe(page, 'objective editor');
    for (const view of ['Alignment', 'Sequence', 'Insights', 'Review']) {
      await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: view }).click();
      await expect(page.getByRole('heading', { name: new RegExp(view === 'Alignment' ? 'Alignment matrix' : view) }).first()).toBeVisible();
      await axe(page, `${view} view`);
    }
    await page.getByRole('button', { name: 'Export…' }).first().click();
    await expect(page.getByRole('dialog', { name: 'Export' })).toBeVisible();
    await axe(page, 'export dialog');
    if (theme === 'light') await page.screenshot({ path: 'test-results/export-dialog.png' });
  });
}
