// Mastery pathways in a real SCORM 2004 engine: the pathways fixture has a lesson with a scored
// quiz, a remediation and an enrichment lesson for the quiz's objective, then the next lesson.
// The package's manifest is loaded into scorm-again's sequencing by the test LMS's course player
// and the learner plays the real lesson pages. Failing the quiz must deliver the remediation
// next (and hide the enrichment from choice); passing it must skip the remediation and deliver
// the enrichment. Neither detour may keep the course from completing. The same holds for whole
// units on a pathway (fixtures/pathways-units.json: the unit U1R of two lessons is a remediation
// and the unit U1E an enrichment for the objective of lesson L1 in unit U1).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { closePage, openBrowser, waitForFrame } from "./lib/browser.js";
import { startServer } from "./lib/server.js";
import { REPO, exportPackage } from "./lib/export.js";
import { answer, ident, loadDocument, scosOf } from "./lib/course.js";
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
    scos = scosOf(manifest, doc);
    browser = await openBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

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

describe("scorm2004 mastery pathways: units on a pathway", () => {
  const unitsPath = join(REPO, "tests", "runtime", "fixtures", "pathways-units.json");
  const units = loadDocument(unitsPath);
  const node = (code) => units.nodes.find((n) => n.code === code);
  const lessonsOf = (code) => units.nodes.filter((n) => n.parent === node(code).id).map((n) => `${ident(n.id)}_sco`);
  let server;
  let browser;
  let base;
  let scos;
  let organization;

  before(async () => {
    const pkg = exportPackage(unitsPath, "scorm2004");
    server = await startServer();
    base = server.addPackage(pkg.name, pkg.dir);
    const manifest = readFileSync(join(pkg.dir, "imsmanifest.xml"), "utf8");
    organization = /<organization identifier="([^"]+)"/.exec(manifest)[1];
    scos = scosOf(manifest, units);
    browser = await openBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Plays the course by `continue`, passing or failing lesson L1's quiz; returns what was delivered. */
  async function play(run, passL1) {
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/__lms/course.html?${new URLSearchParams({ pkg: base, run })}`);
    await page.waitForFunction(() => window.__started === true);
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
      let frame = null;
      for (let t = 0; t < 200 && !frame; t++) {
        frame = page.frames().find((f) => f.url().endsWith(sco.href)) || null;
        if (!frame) await page.waitForTimeout(25);
      }
      assert.ok(frame, `${sco.href} was loaded`);
      await frame.waitForFunction(() => document.documentElement.getAttribute("data-trellis") === "connected");
      const correct = id === `${ident(node("L1").id)}_sco` ? passL1 : true;
      for (const it of sco.expect.items) await answer(frame, it, correct);
      for (const form of await frame.locator("form[data-quiz]").all()) await form.locator("button[type=submit]").click();
      await frame.locator("#trellis-end").scrollIntoViewIfNeeded();
      await frame.locator("#trellis-finish").click();
      await page.waitForFunction((a) => window.__calls.some((c) => c.activity === a && c.name === "Terminate"), id);
    }
    await page.waitForTimeout(300);
    const course = await page.evaluate((o) => window.__api.getActivityTrackingData(o), organization);
    const calls = await page.evaluate(() => window.__calls);
    await closePage(page);
    return { played, course, calls };
  }

  test("failing the quiz delivers the remediation unit's lessons next; the enrichment unit is skipped", async () => {
    const { played, course, calls } = await play("units-fail", false);
    const l1 = played.indexOf(`${ident(node("L1").id)}_sco`);
    assert.ok(l1 >= 0, "the lesson with the quiz was delivered");
    const remediation = lessonsOf("U1R");
    const after = played.slice(l1 + 1).filter((id) => !id.endsWith("_overview"));
    assert.deepEqual(after.slice(0, remediation.length), remediation, `the remediation unit's lessons come next: ${played.join(", ")}`);
    for (const id of lessonsOf("U1E")) assert.ok(!played.includes(id), "the enrichment unit is not delivered");
    assert.ok(played.includes(`${ident(node("L2").id)}_sco`), "the course continues with the next unit");
    const rejected = calls.filter((c) => c.name === "SetValue" && c.result !== "true");
    assert.deepEqual(rejected, [], "every value accepted");
    assert.equal(course.completionStatus, "completed", "the course completes without the enrichment");
  });

  test("passing the quiz skips the remediation unit and delivers the enrichment unit", async () => {
    const { played, course } = await play("units-pass", true);
    const l1 = played.indexOf(`${ident(node("L1").id)}_sco`);
    assert.ok(l1 >= 0, "the lesson with the quiz was delivered");
    for (const id of lessonsOf("U1R")) assert.ok(!played.includes(id), `the remediation unit is skipped: ${played.join(", ")}`);
    const after = played.slice(l1 + 1).filter((id) => !id.endsWith("_overview"));
    assert.deepEqual(after.slice(0, lessonsOf("U1E").length), lessonsOf("U1E"), "the enrichment unit comes next");
    assert.ok(played.includes(`${ident(node("L2").id)}_sco`), "the course continues with the next unit");
    assert.equal(course.completionStatus, "completed", "the course completes");
  });

  test("no request leaves 127.0.0.1 and no script error happened", () => {
    assert.deepEqual(browser.outside, []);
    assert.deepEqual(browser.errors, []);
    assert.deepEqual(browser.failed, []);
  });
});
