// A SCORM 2004 package played in a real sequencing engine: the package of a document exported,
// served and opened in a browser with the test LMS's course player (`/__lms/course.html`, which
// loads the manifest into scorm-again's sequencing and delivers lessons by `continue`), and the
// learner's part: a delivered lesson answered and finished, or the whole course played.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { closePage, openBrowser, waitForFrame } from "./browser.js";
import { startServer } from "./server.js";
import { exportPackage } from "./export.js";
import { answer, scosOf } from "./course.js";

/**
 * Exports `docPath` (read as `doc`) as SCORM 2004, serves it and opens a browser. Answers the
 * server, the browser, the SCOs with their expectations, the organization's id and the player's
 * actions; `close()` ends both.
 */
export async function startPlayer(docPath, doc) {
  const pkg = exportPackage(docPath, "scorm2004");
  const server = await startServer();
  const base = server.addPackage(pkg.name, pkg.dir);
  const manifest = readFileSync(join(pkg.dir, "imsmanifest.xml"), "utf8");
  const organization = /<organization identifier="([^"]+)"/.exec(manifest)[1];
  const scos = scosOf(manifest, doc);
  let browser;
  try {
    browser = await openBrowser();
  } catch (e) {
    await server.close();
    throw e;
  }

  /** Opens the course player for the run `run` (its own learner state). */
  async function openCourse(run) {
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/__lms/course.html?${new URLSearchParams({ pkg: base, run })}`);
    await page.waitForFunction(() => window.__started === true);
    return page;
  }

  /** Plays the delivered lesson: answers (correctly or not), reaches the end, presses Finish. */
  async function playDelivered(page, sco, correct) {
    const frame = await waitForFrame(page, sco.href);
    await frame.waitForFunction(() => document.documentElement.getAttribute("data-trellis") === "connected");
    for (const item of sco.expect.items) await answer(frame, item, correct);
    for (const form of await frame.locator("form[data-quiz]").all()) await form.locator("button[type=submit]").click();
    await frame.locator("#trellis-end").scrollIntoViewIfNeeded();
    await frame.locator("#trellis-finish").click();
    await page.waitForFunction((id) => window.__calls.some((c) => c.activity === id && c.name === "Terminate"), sco.item);
  }

  /**
   * Plays the course of run `run` by `continue` until nothing more is delivered, answering each
   * lesson correctly when `correct(item)` says so. Answers the SCOs played in order, the course's
   * tracking data, the API calls and what each SCO saw when it started.
   */
  async function playCourse(run, correct) {
    const page = await openCourse(run);
    const played = [];
    for (let i = 0; i < scos.length; i++) {
      const more = await page
        .waitForFunction((n) => window.__delivered.length > n, i, { timeout: 3000 })
        .then(() => true)
        .catch(() => false);
      if (!more) break;
      const id = await page.evaluate((n) => window.__delivered[n], i);
      played.push(id);
      await playDelivered(page, scos.find((s) => s.item === id), correct(id));
    }
    await page.waitForTimeout(300);
    const course = await page.evaluate((id) => window.__api.getActivityTrackingData(id), organization);
    const { calls, atInit } = await page.evaluate(() => ({ calls: window.__calls, atInit: window.__atInit }));
    await closePage(page);
    return { played, course, calls, atInit };
  }

  return {
    server,
    browser,
    scos,
    organization,
    openCourse,
    playDelivered,
    playCourse,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
