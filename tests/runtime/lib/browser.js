// Debian's Chromium driven by playwright-core. No browser is ever downloaded: the executable is
// /usr/bin/chromium (or $CHROMIUM). Each browser gets a fresh profile directory, and every
// request that would leave 127.0.0.1 is blocked and recorded so tests can assert there were none.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Opens a browser context; returns { context, outside, errors, close }. */
export async function openBrowser() {
  const profile = mkdtempSync(join(tmpdir(), "trellis-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1100, height: 800 },
  });
  // Fail fast with the name of the step instead of waiting for the test runner's timeout.
  context.setDefaultTimeout(20000);
  context.setDefaultNavigationTimeout(20000);
  const outside = [];
  const errors = [];
  const failed = []; // responses with an HTTP error status: "STATUS URL"
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === "data:" || url.protocol === "blob:" || url.hostname === "127.0.0.1") return route.continue();
    outside.push(route.request().url());
    return route.abort("blockedbyclient");
  });
  context.on("page", (page) => watch(page, errors, failed));
  for (const page of context.pages()) watch(page, errors, failed);
  return {
    context,
    outside,
    errors,
    failed,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

function watch(page, errors, failed) {
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    // HTTP errors are recorded with their URL below; the console line does not name it.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) errors.push(`console: ${m.text()}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
}

/**
 * Closes a page without hanging: Chromium can leave page.close() pending forever when the page is
 * in the middle of a navigation (a lesson going to the LMS's return URL). The context closes
 * whatever is left at the end.
 */
export async function closePage(page) {
  await Promise.race([page.close().catch(() => {}), new Promise((r) => setTimeout(r, 3000))]);
}

/** The frame of `page` whose URL ends with `href`, once it is there (a course player's lesson). */
export async function waitForFrame(page, href) {
  for (let i = 0; i < 200; i++) {
    const frame = page.frames().find((f) => f.url().endsWith(href));
    if (frame) return frame;
    await page.waitForTimeout(25);
  }
  throw new Error(`${href} was not loaded`);
}
