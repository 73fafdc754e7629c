// What every real-app test file shares: the repository root and a WebDriver session on the app
// binary through tauri-driver (WebKitWebDriver speaks classic WebDriver only).
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
