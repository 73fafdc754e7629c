// Mastery pathways in a real SCORM 2004 engine: the pathways fixture has a lesson with a scored
// quiz, a remediation and an enrichment lesson for the quiz's objective, then the next lesson.
// The package's manifest is loaded into scorm-again's sequencing by the test LMS's course player
// and the learner plays the real lesson pages. Failing the quiz must deliver the remediation
// next (and hide the enrichment from choice); passing it must skip the remediation and deliver
// the enrichment. Neither detour may keep the course from completing.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { closePage, openBrowser } from "./lib/browser.js";
import { startServer } from "./lib/server.js";
import { REPO, exportPackage } from "./lib/export.js";
import { answer, ident, lessonExpectations, loadDocument, scosFromManifest } from "./lib/course.js";
import { readFileSync } from "node:fs";

const docPath = join(REPO, "tests", "runtime", "fixtures", "pathways.json");
const doc = loadDocument(docPath);
const byCode = (code) => doc.nodes.find((n) => n.code === code);

describe("scorm2004 mastery pathways", () => {
  let server;
  let browser;
  let base;
  let scos;
  let organization;
  const item = (code) => scos.find((s) => s.item === `${ident(byCode(code).id)}_sco`);

  before(async () => {
    const pkg = exportPackage(docPath, "scorm2004");
    server = await startServer();
    base = server.addPackage(pkg.name, pkg.dir);
    const manifest = readFileSync(join(pkg.dir, "imsmanifest.xml"), "utf8");
    organization = /<organization identifier="([^"]+)"/.exec(manifest)[1];
    scos = scosFromManifest(manifest).map((s) => ({ ...s, expect: lessonExpectations(doc, s.href) }));
    browser = await openBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function waitForFrame(page, href) {
    for (let i = 0; i < 200; i++) {
      const frame = page.frames().find((f) => f.url().endsWith(href));
      if (frame) return frame;
      await page.waitForTimeout(25);
    }
    throw new Error(`${href} was not loaded`);
  }

  /** Plays the delivered lesson: answers (correctly or not), reaches the end, presses Finish. */
  async function playDelivered(page, sco, correct) {
    const frame = await waitForFrame(page, sco.href);
    await frame.waitForFunction(() => document.documentElement.getAttribute("data-trellis") === "connected");
    for (const it of sco.expect.items) await answer(frame, it, correct);
    for (const form of await frame.locator("form[data-quiz]").all()) await form.locator("button[type=submit]").click();
    await frame.locator("#trellis-end").scrollIntoViewIfNeeded();
    await frame.locator("#trellis-finish").click();
    await page.waitForFunction(
      (id) => window.__calls.some((c) => c.activity === id && c.name === "Terminate"),
      sco.item,
    );
  }

  async function openCourse(run) {
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/__lms/course.html?${new URLSearchParams({ pkg: base, run })}`);
    await page.waitForFunction(() => window.__started === true);
    return page;
  }

  /** Plays the course by `continue`, passing or failing the quiz of lesson L1, until nothing more is delivered. */
  async function playCourse(run, passL1) {
    const page = await openCourse(run);
    const played = [];
    for (let i = 0; i < scos.length; i++) {
      const more = await page
        .waitForFunction((n) => window.__delivered.length > n, i, { timeout: 3000 })
        .then(() => true)
        .catch(() => false);
      if (!more) break;
      const id = await page.evaluate((n) => window.__delivered[n], i);
      const sco = scos.find((s) => s.item === id);
      played.push(id);
      await playDelivered(page, sco, id === item("L1").item ? passL1 : true);
    }
    await page.waitForTimeout(300);
    const course = await page.evaluate((id) => window.__api.getActivityTrackingData(id), organization);
    const { calls, atInit } = await page.evaluate(() => ({ calls: window.__calls, atInit: window.__atInit }));
    await closePage(page);
    return { played, course, calls, atInit };
  }

  test("failing the lesson's quiz delivers its remediation next; the enrichment is skipped", async () => {
    const { played, course, calls, atInit } = await playCourse("fail-l1", false);
    const at = played.indexOf(item("L1").item);
    assert.ok(at >= 0, "the lesson with the quiz was delivered");
    assert.equal(played[at + 1], item("L1R").item, "the remediation comes right after the failed quiz");
    assert.ok(!played.includes(item("L1E").item), "the enrichment is not delivered after a failed quiz");
    // Recorded when the remediation started: the enrichment could not be chosen yet.
    assert.equal(atInit[item("L1R").item].choice[item("L1E").item], "false", "the enrichment is hidden from choice until mastered");
    assert.equal(played.at(-1), item("L2").item, "the course continues with the next lesson");
    const rejected = calls.filter((c) => c.name === "SetValue" && c.result !== "true");
    assert.deepEqual(rejected, [], "every value accepted");
    assert.equal(course.completionStatus, "completed", "the course completes without the enrichment");
  });

  test("passing the lesson's quiz skips the remediation and offers the enrichment", async () => {
    const { played, course, atInit } = await playCourse("pass-l1", true);
    const at = played.indexOf(item("L1").item);
    assert.ok(at >= 0, "the lesson with the quiz was delivered");
    assert.ok(!played.includes(item("L1R").item), "the remediation is skipped after a passed quiz");
    assert.equal(played[at + 1], item("L1E").item, "the enrichment comes right after the passed quiz");
    // Recorded when the enrichment started: the mastered lesson's remediation could not be chosen.
    assert.equal(atInit[item("L1E").item].choice[item("L1R").item], "false", "the remediation is hidden from choice once mastered");
    assert.equal(played.at(-1), item("L2").item, "the course continues with the next lesson");
    assert.equal(course.completionStatus, "completed", "the course completes");
    assert.equal(course.successStatus, "passed", "the detours do not keep the course from passing");
  });

  test("no request leaves 127.0.0.1 and no script error happened", () => {
    assert.deepEqual(browser.outside, []);
    assert.deepEqual(browser.errors, []);
    assert.deepEqual(browser.failed, []);
  });
});
