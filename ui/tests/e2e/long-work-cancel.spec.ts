// Long work with progress and Cancel in the built UI (Chromium, IPC mocked): the review packet
// with a PDF and the Common Cartridge import (from the start screen and from Ctrl+K) show their
// stages in a progress bar; Cancel or Escape stops them, nothing is written, and a notice says so.
import { expect, test, type Page } from '@playwright/test';

type Mock = { calls: { cmd: string; args: unknown }[]; printMs: number; convertMs: number; doc: unknown };
// The mock backend is installed by the app's script once it has loaded: wait for it.
const mock = async <T>(page: Page, f: (m: Mock) => T) => {
  await page.waitForFunction(() => (window as unknown as { __mock?: unknown }).__mock !== undefined);
  return (await page.evaluate(`(${f.toString()})(window.__mock)`)) as T;
};
const commands = (page: Page) => mock(page, (m) => m.calls.map((c) => c.cmd));

async function axe(page: Page, what: string) {
  await page.addScriptTag({ path: 'node_modules/axe-core/axe.min.js' });
  const violations = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string }[] }> } };
    const r = await w.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
  });
  expect(violations, `${what}: axe violations`).toEqual([]);
}

test('the review packet shows its stages while the PDF prints; Cancel and Escape stop it with nothing written', async ({ page }) => {
  await page.goto('/?doc=sample');
  // The mock's Chromium takes long enough to press Cancel while it prints.
  await mock(page, (m) => { m.printMs = 20_000; });
  await page.keyboard.press('Control+k');
  await page.keyboard.type('review packet');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Review packet' });
  await dialog.getByLabel(/Also print a PDF/).check();
  await dialog.getByRole('button', { name: 'Write packet…' }).click();

  const bar = dialog.getByRole('progressbar', { name: 'Review packet progress' });
  await expect(bar).toBeVisible();
  await expect(dialog.getByText('Printing the PDF')).toBeVisible();
  await expect(bar).toHaveAttribute('value', '3');
  await expect(bar).toHaveAttribute('max', '4');
  await expect(dialog.getByRole('button', { name: 'Write packet…' })).toBeDisabled();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await axe(page, 'review packet while printing');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog.getByText('Cancelled — nothing was written.')).toBeVisible();
  await expect(bar).toBeHidden();
  await expect(dialog.getByText(/review packet\.(html|pdf)$/)).toHaveCount(0);
  await expect(dialog.getByRole('alert')).toHaveCount(0);
  expect((await commands(page)).filter((c) => c.endsWith('report') || c === 'write_review_packet'))
    .toEqual(['write_review_packet', 'cancel_report']);

  // Escape cancels while it runs (and only then closes the dialog).
  await dialog.getByRole('button', { name: 'Write packet…' }).click();
  await expect(dialog.getByText('Cancelled — nothing was written.')).toBeHidden();
  await expect(dialog.getByText('Printing the PDF')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog.getByText('Cancelled — nothing was written.')).toBeVisible();
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('a cartridge import from the start screen shows its stages; Cancel leaves nothing and says so', async ({ page }) => {
  await page.goto('/');
  await mock(page, (m) => { m.convertMs = 20_000; });
  await page.getByRole('button', { name: 'Import a Common Cartridge…' }).click();
  const progress = page.getByRole('dialog', { name: 'Importing a Common Cartridge' });
  await expect(progress).toBeVisible();
  await expect(progress.getByText('Converting 12 items')).toBeVisible();
  const bar = progress.getByRole('progressbar', { name: 'Import progress' });
  await expect(bar).toHaveAttribute('max', '14');
  await expect(progress.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await axe(page, 'import progress');
  await progress.getByRole('button', { name: 'Cancel' }).click();
  await expect(progress.getByRole('status').filter({ hasText: 'Cancelled — nothing was written.' })).toBeVisible();
  await expect(bar).toBeHidden();
  expect(await mock(page, (m) => m.doc)).toBeNull();
  expect((await commands(page)).filter((c) => c.includes('import'))).toEqual(['import_cartridge', 'cancel_import']);
  await progress.getByRole('button', { name: 'OK' }).click();
  await expect(progress).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Trellis', level: 1 })).toBeVisible();
  await expect(page.getByTestId('doc-title')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Import a Common Cartridge…' })).toBeEnabled();
});

test('a cartridge import from Ctrl+K is cancelled with Escape and the open document stays', async ({ page }) => {
  await page.goto('/?doc=sample');
  await expect(page.getByTestId('doc-title')).toHaveText('Introduction to Statistics');
  await mock(page, (m) => { m.convertMs = 20_000; });
  await page.keyboard.press('Control+k');
  await page.keyboard.type('common cartridge');
  await page.keyboard.press('Enter');
  const progress = page.getByRole('dialog', { name: 'Importing a Common Cartridge' });
  await expect(progress.getByText('Converting 12 items')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(progress.getByText('Cancelled — nothing was written.')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(progress).toBeHidden();
  await expect(page.getByTestId('doc-title')).toHaveText('Introduction to Statistics');
  await expect(page.getByRole('dialog', { name: /Imported/ })).toHaveCount(0);
});
