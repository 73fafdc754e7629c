// Interactive content in lessons: the real H5P package of ../shared/samples/h5p, attached with the
// trellis CLI to an activity aligned to an objective, exported as SCORM 2004, SCORM 1.2 and cmi5
// and played in Debian Chromium with the bundled h5p-standalone player, in its frame sandboxed to
// scripts and forms. Answering the True/False question through the H5P interface must record an
// interaction and the aligned objective's score in scorm-again (SCORM 1.2: a fill-in journal
// entry and the objective's score.raw and status), and an answered statement plus the objective's
// statement in the test LRS; no request may leave 127.0.0.1.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closePage, openBrowser } from "./lib/browser.js";
import { startServer } from "./lib/server.js";
import { startLrs, verbOf } from "./lib/lrs.js";
import { REPO, TRELLIS, exportPackage } from "./lib/export.js";
import { ausFromCourseStructure, ident } from "./lib/course.js";

const SAMPLES = join(REPO, "..", "shared", "samples", "h5p");
const SAMPLE = existsSync(SAMPLES) ? readdirSync(SAMPLES).filter((f) => f.endsWith(".h5p")).map((f) => join(SAMPLES, f))[0] : null;
const SKIP = SAMPLE ? false : "needs ../shared (the H5P sample package)";

const FIXTURE = join(REPO, "tests", "fixtures", "interactive", "h5p-lesson.json");
const fixture = JSON.parse(readFileSync(FIXTURE, "utf8"));
const [activity, again] = fixture.activities;
const objective = fixture.objectives[0];
const lessonHref = `lessons/${ident(activity.node)}_sco.html`;

/** A .trellis document from the fixture with the sample attached to both practice activities. */
function attachedDocument() {
  const dir = mkdtempSync(join(tmpdir(), "trellis-h5p-"));
  const doc = join(dir, "interactive.trellis");
  const run = (args) => execFileSync(TRELLIS, args, { stdio: ["ignore", "pipe", "pipe"] }).toString();
  run(["import", "--from", "json", doc, FIXTURE]);
  const report = run(["activity", "attach", doc, activity.id, SAMPLE]);
  assert.match(report, /content type: H5P\.TrueFalse/, "the import report names the content type");
  run(["activity", "attach", doc, again.id, SAMPLE]);
  return doc;
}

/** Answers the sample's question ("False" is right) in the H5P frame and checks it. */
async function answerH5p(lessonFrame, page, correct) {
  const player = await lessonFrame.locator(`[data-interactive="${ident(activity.id)}"] iframe`).elementHandle();
  const frame = await player.contentFrame();
  await frame.waitForFunction(() => document.documentElement.getAttribute("data-trellis-h5p") === "ready");
  // The player page draws the content in its own document (a frame created inside the sandboxed
  // player page would get an origin of its own).
  const content = frame;
  await content.locator(".h5p-true-false-answer", { hasText: correct ? "False" : "True" }).click();
  await content.locator(".h5p-question-check-answer").click();
  return content;
}

describe("H5P in a SCORM 2004 lesson", { skip: SKIP }, () => {
  let server;
  let browser;
  let base;
  let pkg;

  before(async () => {
    pkg = exportPackage(attachedDocument(), "scorm2004");
    server = await startServer();
    base = server.addPackage(pkg.name, pkg.dir);
    browser = await openBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("the package carries the content and the player once", () => {
    const manifest = readFileSync(join(pkg.dir, "imsmanifest.xml"), "utf8");
    const players = manifest.match(/href="assets\/trellis-interactive\/player\/main\.bundle\.js"/g) || [];
    assert.equal(players.length, 1, "the player is listed once");
    const contents = manifest.match(/trellis-interactive\/i[0-9a-f]{32}\/h5p\.json"/g) || [];
    assert.equal(contents.length, 1, "the content used by two lessons is carried once");
  });

  test("answering the True/False question records the interaction and the objective's score", async () => {
    const q = new URLSearchParams({ standard: "scorm2004", run: "h5p-1", sco: base + lessonHref, start: "{}" });
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/__lms/launcher.html?${q}`);
    await page.waitForFunction(() => window.__calls.some((c) => c.name === "Initialize"));
    const lesson = page.frames().find((f) => f.url().endsWith(lessonHref));
    assert.ok(lesson, "the lesson is loaded");
    await lesson.waitForFunction(() => document.documentElement.getAttribute("data-trellis") === "connected");
    const content = await answerH5p(lesson, page, true);
    // The sandboxed player is refused font files (fonts load in CORS mode): the player's and the
    // libraries' fonts come from their stylesheets as data: URLs, so none fails to load.
    const fonts = await content.evaluate(async () => {
      await document.fonts.ready;
      return [...document.fonts].map((f) => `${f.family} ${f.status}`);
    });
    assert.ok(fonts.some((f) => f.endsWith(" loaded")), `fonts are used: ${fonts.join(", ")}`);
    assert.deepEqual(fonts.filter((f) => f.endsWith(" error")), [], "no font failed to load");
    assert.equal(await content.evaluate(() => window.origin), "null", "the player runs in an opaque origin");
    await page.waitForFunction(() => {
      const i = window.__cmi().cmi.interactions || {};
      return Object.keys(i).some((k) => /^\d+$/.test(k) && i[k].result);
    });
    const cmi = await page.evaluate(() => window.__cmi().cmi);
    const interactions = Object.keys(cmi.interactions).filter((k) => /^\d+$/.test(k)).map((k) => cmi.interactions[k]);
    assert.equal(interactions.length, 1, "one interaction");
    const it = interactions[0];
    assert.equal(it.id, ident(activity.id), "the interaction is the activity");
    assert.equal(it.type, "other");
    assert.equal(it.result, "correct");
    assert.equal(it.objectives["0"].id, objective.id, "the interaction names the aligned objective");
    const objectives = Object.keys(cmi.objectives).filter((k) => /^\d+$/.test(k)).map((k) => cmi.objectives[k]);
    const o = objectives.find((x) => x.id === objective.id);
    assert.ok(o, "the aligned objective is in cmi.objectives");
    assert.equal(Number(o.score.scaled), 1, "the objective's scaled score");
    assert.equal(o.success_status, "passed", "the objective is passed");
    await lesson.locator("#trellis-finish").click();
    await page.waitForFunction(() => window.__calls.some((c) => c.name === "Terminate"));
    assert.deepEqual(browser.outside, [], "requests outside the local server");
    assert.deepEqual(browser.failed, [], "failed requests");
    await closePage(page);
  });
});

describe("H5P in a SCORM 1.2 lesson", { skip: SKIP }, () => {
  let server;
  let browser;
  let base;

  before(async () => {
    const pkg = exportPackage(attachedDocument(), "scorm12");
    server = await startServer();
    base = server.addPackage(pkg.name, pkg.dir);
    browser = await openBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("answering records a fill-in interaction and the objective's score.raw and status", async () => {
    const q = new URLSearchParams({ standard: "scorm12", run: "h5p-12", sco: base + lessonHref, start: "{}" });
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/__lms/launcher.html?${q}`);
    await page.waitForFunction(() => window.__calls.some((c) => c.name === "LMSInitialize"));
    const lesson = page.frames().find((f) => f.url().endsWith(lessonHref));
    assert.ok(lesson, "the lesson is loaded");
    await lesson.waitForFunction(() => document.documentElement.getAttribute("data-trellis") === "connected");
    await answerH5p(lesson, page, true);
    await page.waitForFunction(() => {
      const i = window.__cmi().cmi.interactions || {};
      return Object.keys(i).some((k) => /^\d+$/.test(k) && i[k].result);
    });
    const cmi = await page.evaluate(() => window.__cmi().cmi);
    const interactions = Object.keys(cmi.interactions).filter((k) => /^\d+$/.test(k)).map((k) => cmi.interactions[k]);
    assert.equal(interactions.length, 1, "one journal entry");
    const it = interactions[0];
    assert.equal(it.id, ident(activity.id), "the interaction is the activity");
    assert.equal(it.type, "fill-in");
    assert.equal(it.result, "correct");
    assert.equal(it.student_response, "false", "the learner's answer as H5P reports it");
    assert.equal(it.objectives["0"].id, objective.id, "the interaction names the aligned objective");
    const objectives = Object.keys(cmi.objectives).filter((k) => /^\d+$/.test(k)).map((k) => cmi.objectives[k]);
    const o = objectives.find((x) => x.id === objective.id);
    assert.ok(o, "the aligned objective is in cmi.objectives");
    assert.equal(Number(o.score.raw), 100, "score.raw is 0-100");
    assert.equal(Number(o.score.max), 100);
    assert.equal(o.status, "passed", "the content said success: true");
    await lesson.locator("#trellis-finish").click();
    await page.waitForFunction(() => window.__calls.some((c) => c.name === "LMSFinish"));
    assert.deepEqual(browser.outside, [], "requests outside the local server");
    assert.deepEqual(browser.failed, [], "failed requests");
    await closePage(page);
  });
});

describe("H5P in a cmi5 AU", { skip: SKIP }, () => {
  let server;
  let lrs;
  let browser;
  let base;
  let au;
  let docPath;
  const actor = { objectType: "Agent", name: "Test Learner", account: { homePage: "http://127.0.0.1", name: "learner-h5p" } };

  before(async () => {
    docPath = attachedDocument();
    const pkg = exportPackage(docPath, "cmi5");
    server = await startServer();
    lrs = await startLrs();
    base = server.addPackage(pkg.name, pkg.dir);
    const xml = readFileSync(join(pkg.dir, "cmi5.xml"), "utf8");
    au = ausFromCourseStructure(xml).find((a) => a.url === lessonHref);
    assert.ok(au, `an AU launches ${lessonHref}`);
    browser = await openBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await lrs?.close();
  });

  test("a wrong answer is sent as an answered statement and a failed objective", async () => {
    const { session, query } = lrs.launch({ au, actor });
    const page = await browser.context.newPage();
    await page.goto(`${base}${au.url}?${query}`);
    await page.waitForFunction(() => document.documentElement.getAttribute("data-trellis") === "connected");
    await answerH5p(page.mainFrame(), page, false);
    const list = await lrs.until(session.id, (s) => s.object.id === `urn:trellis:objective:${objective.id}`);
    const answered = list.filter((s) => verbOf(s) === "answered");
    assert.equal(answered.length, 1, `one answered statement; got ${list.map(verbOf).join(", ")}`);
    assert.equal(answered[0].object.id, `${au.id}/item/${ident(activity.id)}`);
    assert.equal(answered[0].result.success, false);
    assert.equal(answered[0].result.score.scaled, 0);
    assert.equal(answered[0].context.contextActivities.parent[0].id, au.id, "the answer belongs to the AU");
    const judged = list.filter((s) => s.object.id === `urn:trellis:objective:${objective.id}`);
    assert.equal(judged.length, 1, "one statement about the objective");
    assert.equal(verbOf(judged[0]), "failed");
    assert.equal(judged[0].result.success, false);
    assert.equal(judged[0].result.score.scaled, 0);
    assert.equal(judged[0].context.registration, session.registration);
    await page.locator("#trellis-finish").click();
    assert.deepEqual(browser.outside, [], "requests outside the local server");
    await closePage(page);

    // The evidence importer reads the interaction back as a result on the aligned objective.
    const file = join(mkdtempSync(join(tmpdir(), "trellis-h5p-xapi-")), "statements.json");
    writeFileSync(file, JSON.stringify(lrs.ofSession(session.id)));
    execFileSync(TRELLIS, ["evidence", "import", docPath, "--from", "xapi", file, "--cohort", "h5p"], { stdio: ["ignore", "pipe", "pipe"] });
    const mastery = JSON.parse(execFileSync(TRELLIS, ["mastery", docPath, "--format", "json"]).toString());
    const row = mastery.learners.find((l) => l.objective === objective.id);
    assert.ok(row, "the learner has a result on the aligned objective");
    assert.equal(row.results, 1, "the interaction counts once for the objective");
    assert.equal(row.score, 0, "the wrong answer scores 0");
    assert.equal(row.mastered, false);
  });
});
