// What every real-app test file shares: the repository root, a WebDriver session on the app
// binary through tauri-driver (WebKitWebDriver speaks classic WebDriver only), screenshots, calls
// of the app's commands from the page and waiting for an outline row.
// Env (set by scripts/app-e2e.sh): APP_BINARY, TAURI_DRIVER_PORT.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const root = new URL('../..', import.meta.url).pathname;
const { remote } = await import(pathToFileURL(join(root, 'ui/node_modules/webdriverio/build/node.js')).href);

const application = process.env.APP_BINARY;
if (!application) throw new Error('APP_BINARY is not set (run scripts/app-e2e.sh)');

/** Starts the app (with `args` on its command line, e.g. a document to open) and a session on it. */
export function startApp(args = []) {
  return remote({
    hostname: '127.0.0.1',
    port: Number(process.env.TAURI_DRIVER_PORT ?? 4444),
    logLevel: 'warn',
    connectionRetryCount: 0,
    capabilities: {
      browserName: 'wry',
      'tauri:options': { application, args },
      'wdio:enforceWebDriverClassic': true,
    },
  });
}

/**
 * A screenshot of the window as `$SCREENSHOT_DIR/<name>.png`, when SCREENSHOT_DIR is set. Waits
 * a frame first: WebKitWebDriver can capture before the next paint.
 */
export async function shot(browser, name) {
  const shots = process.env.SCREENSHOT_DIR;
  if (!shots) return;
  await browser.pause(400);
  await browser.saveScreenshot(join(shots, `${name}.png`));
}

/**
 * Calls the app's command `cmd` from the page: `{ value }`, or `{ error }` with its refusal (the
 * page answers `{ refusal }`: a script result with an `error` key would be read by
 * WebKitWebDriver as a WebDriver error).
 */
export async function invoke(browser, cmd, args) {
  const r = await browser.executeAsync(
    (c, a, done) => window.__TAURI_INTERNALS__.invoke(c, a).then((value) => done({ value }), (refusal) => done({ refusal })),
    cmd,
    args,
  );
  return { value: r.value, error: r.refusal };
}

/**
 * The outline row whose title contains `title`, once it is there. When it does not come, a
 * `failure` screenshot and an error naming the row and what the window's alert says, if any.
 */
export async function treeRow(browser, title) {
  const row = await browser.$(`//*[@role="treeitem"][.//*[contains(@class,"row-title")][contains(., "${title}")]]`);
  try {
    await row.waitForExist({ timeout: 30_000, interval: 20 });
  } catch {
    await shot(browser, 'failure');
    const alert = await browser.$('[role="alert"]');
    const why = (await alert.isExisting()) ? ` (the window says: ${await alert.getText()})` : '';
    throw new Error(`no outline row "${title}"${why}`);
  }
  return row;
}
