// The review packet and the Common Cartridge import in the built UI (Chromium, IPC mocked):
// write a packet with the changes since a snapshot and a PDF, then see its files; import a
// cartridge from the start screen and from Ctrl+K, see the studio open on the new course and the
// report of what was not carried over. axe-core checks both dialogs.
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

type Call = { cmd: string; args: unknown };
const calls = (page: Page, cmd: string) =>
  page.evaluate((c) => (window as unknown as { __mock: { calls: Call[] } }).__mock.calls.filter((x) => x.cmd === c), cmd);

test('write the review packet with the changes since a snapshot and a PDF, then show it in its folder', async ({ page }) => {
  await page.goto('/?doc=sample');
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Review' }).click();
  await page.getByLabel('Snapshot name').fill('Submitted to committee');
  await page.getByRole('button', { name: 'Take snapshot' }).click();
  await expect(page.getByText('Submitted to committee', { exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Review packet…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Review packet' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Changes since snapshot')).toBeFocused();
  const snapshotId = await page.evaluate(() => (window as unknown as { __mock: { doc: { snapshots: { id: string }[] } } }).__mock.doc.snapshots[0].id);
  await dialog.getByLabel('Changes since snapshot').selectOption(snapshotId);
  await expect(dialog.getByLabel('Changes since snapshot').locator('option:checked')).toHaveText(/^Submitted to committee/);
  await dialog.getByLabel(/Also print a PDF/).check();
  await axe(page, 'review packet dialog');
  await dialog.getByRole('button', { name: 'Write packet…' }).click();
  await expect(dialog.getByRole('status').filter({ hasText: 'Writing…' })).toBeVisible();
  const html = '/home/designer/Trellis/Introduction to Statistics review packet.html';
  await expect(dialog.getByText(html, { exact: true })).toBeVisible();
  await expect(dialog.getByText('/home/designer/Trellis/Introduction to Statistics review packet.pdf', { exact: true })).toBeVisible();
  const [written] = await calls(page, 'write_review_packet');
  expect(written.args).toEqual({ request: { since: snapshotId, pdf: true, destination: null } });
  await dialog.getByRole('button', { name: 'Show in folder' }).click();
  expect((await calls(page, 'show_in_folder')).map((c) => c.args)).toEqual([{ path: html }]);
  await axe(page, 'review packet dialog with its files');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('button', { name: 'Review packet…' })).toBeFocused();

  // Ctrl+K offers the same dialog from anywhere.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Design' }).click();
  await page.keyboard.press('Control+k');
  await page.keyboard.type('review packet');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Review packet' })).toBeVisible();
  await expect(page.getByRole('dialog', { name: 'Review packet' }).getByLabel('Changes since snapshot')).toBeFocused();
});

test('import a Common Cartridge from the start screen: the studio opens on the course with what was not carried over', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Import a Common Cartridge…' }).click();
  await expect(page.getByTestId('doc-title')).toHaveText('Cell Biology');
  const report = page.getByRole('dialog', { name: 'Imported “Cell Biology”' });
  await expect(report).toBeVisible();
  await expect(report).toContainText('Course “Cell Biology”: 2 modules, 3 lessons');
  const findings = report.getByRole('list', { name: 'Not carried over' }).getByRole('listitem');
  await expect(findings).toHaveCount(3);
  await expect(findings.first()).toContainText('/courses/812/quizzes/3');
  await expect(findings.nth(1)).toContainText('hot-spot question');
  await expect(findings.nth(2)).toContainText('Canvas settings');
  await expect(report.getByRole('button', { name: 'Close report' })).toBeFocused();
  await axe(page, 'import report');
  await report.getByRole('button', { name: 'Close report' }).click();
  await expect(report).toBeHidden();
  await expect(page.locator('#main')).toBeFocused();
  const tree = page.getByRole('tree');
  for (const title of ['Cell Biology', 'Week 1: Cells', 'Week 2: Genetics']) {
    await expect(tree.getByRole('treeitem', { name: new RegExp(title) })).toBeVisible();
  }
  expect((await calls(page, 'import_cartridge')).map((c) => c.args)).toEqual([{ path: null }]);
});

test('Ctrl+K imports a cartridge in place of the open document; a refused file leaves it open with the reason', async ({ page }) => {
  await page.goto('/?doc=sample');
  await expect(page.getByTestId('doc-title')).toHaveText('Introduction to Statistics');
  await page.evaluate(() => { (window as unknown as { __mock: { cartridgePick: string } }).__mock.cartridgePick = '/home/designer/Downloads/syllabus.pdf'; });
  await page.keyboard.press('Control+k');
  await page.keyboard.type('common cartridge');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toContainText('syllabus.pdf');
  await expect(page.getByTestId('doc-title')).toHaveText('Introduction to Statistics');

  await page.evaluate(() => { (window as unknown as { __mock: { cartridgePick: string } }).__mock.cartridgePick = '/home/designer/Downloads/Cell Biology export.imscc'; });
  await page.keyboard.press('Control+k');
  await page.keyboard.type('common cartridge');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('doc-title')).toHaveText('Cell Biology');
  const report = page.getByRole('dialog', { name: 'Imported “Cell Biology”' });
  await expect(report.getByRole('listitem')).toHaveCount(3);
  await page.keyboard.press('Escape');
  await expect(report).toBeHidden();
  await expect(page.getByRole('tree').getByRole('treeitem', { name: /Mendelian inheritance|Week 2: Genetics/ }).first()).toBeVisible();
});
