// The start screen's template gallery shows the user's own templates (marked "yours") and one line
// per template file that could not be loaded.
import { expect, test } from '@playwright/test';

test('user templates are marked yours and broken template files are listed by name', async ({ page }) => {
  await page.goto('/?doc=sample');
  await expect(page.getByRole('tree')).toBeVisible();
  await page.evaluate(() => {
    type T = { id: string; name: string; source: string };
    const mock = (window as unknown as { __mock: { userTemplates: T[]; templateErrors: string[]; templates(): Promise<{ templates: T[] }> } }).__mock;
    return mock.templates().then((c) => {
      const base = c.templates.find((t) => t.id === 'gagne-lesson')!;
      mock.userTemplates = [{ ...base, id: 'dept-lesson', name: 'Department lesson plan', source: '/home/designer/.config/trellis/templates/dept.toml' }];
      mock.templateErrors = ['/home/designer/.config/trellis/templates/broken.toml: TOML parse error at line 3, column 1: expected `=`'];
    });
  });
  // Back to the start screen: the gallery reads the catalog afresh.
  await page.getByRole('button', { name: 'Close document' }).click();
  const gallery = page.getByRole('list', { name: 'New from template' });
  await expect(gallery.getByRole('button', { name: /Department lesson plan/ })).toContainText('yours');
  await expect(gallery.getByRole('button', { name: /Bloom course map/ })).not.toContainText('yours');
  const errors = page.getByRole('list', { name: /One of your template files could not be loaded/ });
  await expect(errors.getByRole('listitem')).toHaveText([/broken\.toml: TOML parse error at line 3/]);

  // The badge and the error lines keep axe's serious/critical rules (contrast included).
  await page.addScriptTag({ path: 'node_modules/axe-core/axe.min.js' });
  const violations = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string }[] }> } };
    const r = await w.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
  });
  expect(violations).toEqual([]);

  // Creating from the user's template works like any other.
  await gallery.getByRole('button', { name: /Department lesson plan/ }).click();
  await page.getByLabel('Title of the new curriculum').fill('Week 1 plans');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('doc-title')).toHaveText('Week 1 plans');
});
