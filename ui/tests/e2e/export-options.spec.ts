// The export dialog's format options: drawn from the library's specs (mocked IPC serves the real
// export choices), re-checked by the preflight as they change (the library's answers for the
// bundled example, from the mock's fixtures), and sent with the export.
import { expect, test, type Page } from '@playwright/test';

type Call = { cmd: string; args: { request?: { format: string; values: Record<string, unknown>; framework: string | null } } };

function requests(page: Page, cmd: string) {
  return page.evaluate((c) => {
    const mock = (window as unknown as { __mock: { calls: Call[] } }).__mock;
    return mock.calls.filter((x) => x.cmd === c).map((x) => x.args.request!);
  }, cmd);
}

test('SCORM 2004 with one SCO per unit and mastery 0.9: the preflight and the export receive both', async ({ page }) => {
  await page.goto('/?example=intro-statistics');
  await page.getByRole('button', { name: 'Export…' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Export' });
  await dialog.getByLabel('Format').selectOption('scorm2004');

  const options = dialog.getByRole('group', { name: 'SCORM 2004 4th edition options' });
  await expect(options.getByLabel('Launchable lessons')).toHaveValue('lesson');
  await expect(options.getByLabel('Default mastery score')).toHaveValue('0.8');
  await options.getByLabel('Launchable lessons').selectOption('unit');
  await options.getByLabel('Default mastery score').fill('0.9');
  await options.getByLabel('Default mastery score').press('Tab');

  await expect.poll(async () => (await requests(page, 'preflight_export')).at(-1)).toMatchObject({
    format: 'scorm2004',
    values: { scoLevel: 'unit', masteryScore: 0.9 },
  });
  await expect(dialog.getByText(/^\d+ errors?, \d+ warnings?\.$/)).toBeVisible();

  // An out-of-range mastery score is reported by the re-run check.
  await options.getByLabel('Default mastery score').fill('1.5');
  await options.getByLabel('Default mastery score').press('Tab');
  await expect(dialog.getByText(/masteryScore .* must be a number from 0 to 1/)).toBeVisible();
  await options.getByLabel('Default mastery score').fill('0.9');
  await options.getByLabel('Default mastery score').press('Tab');
  await expect(dialog.getByText(/must be a number from 0 to 1/)).toHaveCount(0);

  await dialog.getByRole('button', { name: 'Export…' }).click();
  await expect(dialog.getByRole('status')).toContainText('Exported');
  const exported = await requests(page, 'export_document');
  expect(exported).toHaveLength(1);
  expect(exported[0]).toMatchObject({ format: 'scorm2004', values: { scoLevel: 'unit', masteryScore: 0.9 }, framework: null });
});
