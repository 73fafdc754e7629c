import { defineConfig } from '@playwright/test';

// Runs the built UI (IPC mocked) in Debian's chromium; never downloads a browser.
export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 30_000,
  reporter: 'list',
  workers: 1,
  use: {
    baseURL: 'http://127.0.0.1:4173',
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
        '--disable-background-networking', '--disable-component-update',
        '--no-first-run', '--disable-sync',
      ],
    },
  },
  webServer: {
    command: 'npm run build:e2e && npx vite preview --outDir dist-e2e',
    url: 'http://127.0.0.1:4173',
    reuseExistingServer: false,
    timeout: 120_000,
  },
});
