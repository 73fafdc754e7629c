// The round trip from a played package back to the design's objectives: the example course is
// exported with the real CLI, one lesson is played in Debian Chromium by a learner who answers
// some questions right and some wrong, and the results come back into a `.trellis` copy of the
// same example with `trellis evidence import` — from the test LRS over HTTP for cmi5, and from the
// `cmi.objectives` a SCORM 2004 run-time (scorm-again) recorded, as the plain evidence CSV. The
// mastery `trellis mastery --format json` reports is compared with scores computed here from
// what the learner answered, independently of the runtime.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closePage, openBrowser } from "./lib/browser.js";
import { startServer } from "./lib/server.js";
import { startLrs, verbOf } from "./lib/lrs.js";
import { REPO, TRELLIS, exportPackage } from "./lib/export.js";
import { answer, ausOf, loadDocument, scosOf } from "./lib/course.js";

const EXAMPLE = join(REPO, "examples", "intro-statistics.json");
const doc = loadDocument(EXAMPLE);
const work = mkdtempSync(join(tmpdir(), "trellis-evidence-"));
const AUTO = new Set(["multipleChoice", "multipleResponse", "trueFalse", "shortAnswer", "numeric", "matching"]);
const POINTS = 4; // the policy's point scale (Canvas's default, as Trellis exports it)

/** The learner's plan: every other question right, starting with the first. */
const answersRight = (items) => new Map(items.map((item, k) => [item.id, k % 2 === 0]));

/** The grade a question earns (0..1), or null when it is not graded automatically (essays). */
function gradeOf(item, right) {
  if (!AUTO.has(item.body.type)) return null;
  if (right) return 1;
  // A wrong matching answer shifts every pair by one, which a one-pair question cannot do.
  return item.body.type === "matching" && item.body.pairs.length < 2 ? 1 : 0;
}

/** Per objective of the lesson with scored questions: earned and possible points, scaled. */
function objectiveScores(expect, plan) {
  const out = new Map();
  for (const o of expect.perObjective) {
    if (o.scoredItems === 0) continue;
    const mine = expect.items.filter((i) => i.scored && (i.objectives || []).includes(o.id));
    const points = (i) => (typeof i.points === "number" ? i.points : 1);
    const earned = mine.reduce((s, i) => s + gradeOf(i, plan.get(i.id)) * points(i), 0);
    const max = mine.reduce((s, i) => s + points(i), 0);
    out.set(o.id, { scaled: earned / max, passed: earned / max + 1e-9 >= expect.mastery });
  }
  return out;
}

/** The lesson with the most questions among those whose quizzes are all scored (every answer is a graded result). */
function playable(lessons) {
  const candidates = lessons.filter((l) => l.expect.hasQuiz && l.expect.items.every((i) => i.scored || !AUTO.has(i.body.type)));
  assert.ok(candidates.length > 0, "the example has a lesson with scored quizzes only");
  return candidates.reduce((best, l) => (l.expect.items.length > best.expect.items.length ? l : best));
}

/** Runs the CLI without blocking this process (the test LRS answers it from here). */
function trellis(args, env = {}) {
  return new Promise((resolve) => {
    execFile(TRELLIS, args, { encoding: "utf8", env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A fresh `.trellis` copy of the example whose policy is the average of all results. */
function documentCopy(name) {
  const path = join(work, `${name}.trellis`);
  execFileSync(TRELLIS, ["import", "--from", "json", path, EXAMPLE], { stdio: ["ignore", "pipe", "pipe"] });
  return path;
}

async function setAveragePolicy(path) {
  const r = await trellis(["evidence", "policy", path, "--method", "average", "--points-possible", String(POINTS), "--mastery-points", "3"]);
  assert.equal(r.code, 0, r.stderr);
}

async function mastery(path) {
  const r = await trellis(["mastery", path, "--format", "json"]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** Asserts one learner's mastery entries: objective id -> { values (0..1), each one result }. */
function assertMastery(report, expected) {
  const learners = new Set(report.learners.map((l) => l.learner));
  assert.equal(learners.size, 1, "one learner");
  for (const [id, values] of expected) {
    const entry = report.learners.find((l) => l.objective === id);
    assert.ok(entry, `a mastery entry for objective ${id}`);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    assert.equal(entry.results, values.length, `results on objective ${id}`);
    assert.ok(Math.abs(entry.score - mean * POINTS) < 0.006, `objective ${id}: expected ${(mean * POINTS).toFixed(2)}, got ${entry.score}`);
    assert.equal(entry.mastered, Math.round(mean * POINTS * 100) / 100 >= 3, `mastered on objective ${id}`);
  }
}

describe("evidence round trip: cmi5 through the LRS", () => {
  let server;
  let lrs;
  let browser;
  let base;
  let au;
  const actor = { objectType: "Agent", name: "Round Trip", account: { homePage: "http://127.0.0.1", name: "learner-rt" } };
  const READER = { user: "reports", password: "s3cret:with-colon" };

  before(async () => {
    const pkg = exportPackage(EXAMPLE, "cmi5");
    server = await startServer();
    lrs = await startLrs({ readers: { [READER.user]: READER.password }, pageSize: 4 });
    base = server.addPackage(pkg.name, pkg.dir);
    const xml = readFileSync(join(pkg.dir, "cmi5.xml"), "utf8");
    const aus = ausOf(xml, doc);
    au = playable(aus);
    browser = await openBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await lrs?.close();
  });

  test("a learner's answers reach the objectives they are aligned to, with the scores the answers earn", async () => {
    const plan = answersRight(au.expect.items);
    const { session, query } = lrs.launch({ au, actor });
    const page = await browser.context.newPage();
    await page.goto(`${base}${au.url}?${query}`);
    await page.waitForFunction(() => document.documentElement.getAttribute("data-trellis") === "connected");
    for (const item of au.expect.items) await answer(page, item, plan.get(item.id));
    for (const form of await page.locator("form[data-quiz]").all()) await form.locator("button[type=submit]").click();
    await page.locator("#trellis-end").scrollIntoViewIfNeeded();
    await page.locator("#trellis-finish").click();
    await lrs.until(session.id, (s) => verbOf(s) === "terminated");
    await closePage(page);
    const sent = lrs.ofSession(session.id);
    assert.equal(verbOf(sent[sent.length - 1]), "terminated", "the session ended");

    // The objective statements: one per judged objective, its own score, no cmi5 category.
    const byObjective = objectiveScores(au.expect, plan);
    assert.ok(byObjective.size > 0, "the lesson judges at least one objective");
    const objectiveStatements = sent.filter((s) => s.object.id.startsWith("urn:trellis:objective:"));
    assert.equal(objectiveStatements.length, byObjective.size, "one statement per judged objective");
    for (const [id, want] of byObjective) {
      const s = objectiveStatements.find((x) => x.object.id === `urn:trellis:objective:${id}`);
      assert.ok(s, `statement for objective ${id}`);
      assert.equal(s.object.definition.type, "http://adlnet.gov/expapi/activities/objective");
      assert.equal(verbOf(s), want.passed ? "passed" : "failed");
      assert.equal(s.result.success, want.passed);
      assert.ok(Math.abs(s.result.score.scaled - want.scaled) < 1e-4, `scaled score of objective ${id}`);
      assert.deepEqual(s.context.contextActivities.parent, [{ id: au.id }]);
      assert.equal(s.context.registration, session.registration);
      assert.equal(s.context.contextActivities.category, undefined, "a cmi5 allowed statement: no cmi5 category");
    }
    assert.ok(
      [...byObjective.values()].some((o) => o.passed) || [...byObjective.values()].some((o) => o.scaled > 0 && o.scaled < 1),
      "the plan gives a mixed result",
    );

    // Each graded answer is one result on its question (item analysis; it reaches its objectives
    // through the design's alignments), and each objective's own score is one result on the
    // objective, which alone is the learner's judgement on it.
    const graded = au.expect.items.filter((item) => gradeOf(item, plan.get(item.id)) != null).length;
    const expected = new Map();
    for (const [id, o] of byObjective) expected.set(id, [o.scaled]);

    const copy = documentCopy("cmi5-copy");
    const env = { TRELLIS_LRS_PASSWORD: READER.password };
    const endpoint = `${lrs.origin}/xapi/`;

    // Wrong credentials are refused by the LRS and write nothing.
    const refused = await trellis(["evidence", "import", copy, "--lrs", endpoint, "--lrs-user", READER.user], { TRELLIS_LRS_PASSWORD: "wrong" });
    assert.notEqual(refused.code, 0, "a wrong password fails");
    assert.match(refused.stderr, /401/);
    lrs.problems.length = 0;

    const imported = await trellis(["evidence", "import", copy, "--lrs", endpoint, "--lrs-user", READER.user, "--cohort", "played", "--json"], env);
    assert.equal(imported.code, 0, imported.stderr);
    const report = JSON.parse(imported.stdout);
    assert.equal(report.rows, lrs.statements.length, "every stored statement was read, across pages");
    const reads = lrs.requests.filter((r) => r.startsWith("GET /xapi/statements"));
    assert.ok(reads.length > 2 && reads.filter((r) => r.includes("more=")).length === reads.length - 2, `paged reads: ${reads.join(", ")}`);
    assert.equal(report.added, graded + byObjective.size, "one result per graded answer and per judged objective");

    await setAveragePolicy(copy);
    assertMastery(await mastery(copy), expected);

    // Nothing stored after the last statement: `since` (whole seconds, as the CLI sends it) reads nothing new.
    const last = Date.parse(lrs.statements[lrs.statements.length - 1].statement.stored);
    const mark = new Date(Math.floor(last / 1000) * 1000 + 1000).toISOString();
    const later = await trellis(["evidence", "import", copy, "--lrs", endpoint, "--lrs-user", READER.user, "--cohort", "played", "--since", mark, "--json"], env);
    assert.equal(later.code, 0, later.stderr);
    assert.equal(JSON.parse(later.stdout).rows, 0, "since the last stored statement nothing is read");
    assert.ok(lrs.requests.some((r) => r.startsWith("GET /xapi/statements") && r.includes("since=")), "since is sent");
    // Reading everything again adds nothing: statements are keyed by their id.
    const again = await trellis(["evidence", "import", copy, "--lrs", endpoint, "--lrs-user", READER.user, "--cohort", "played", "--json"], env);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).added, 0);
    assert.deepEqual(lrs.problems, []);
    assert.deepEqual(browser.errors, []);
  });
});

describe("evidence round trip: SCORM 2004 through an LMS report", () => {
  let server;
  let browser;
  let base;
  let sco;
  let manifest;

  before(async () => {
    const pkg = exportPackage(EXAMPLE, "scorm2004");
    server = await startServer();
    base = server.addPackage(pkg.name, pkg.dir);
    manifest = readFileSync(join(pkg.dir, "imsmanifest.xml"), "utf8");
    sco = playable(scosOf(manifest, doc));
    browser = await openBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("the recorded cmi.objectives, imported as plain CSV, give the mastery the answers earn", async () => {
    const plan = answersRight(sco.expect.items);
    const start = {};
    const passing = new RegExp(`identifier="${sco.item}"[\\s\\S]*?<imsss:minNormalizedMeasure>([^<]+)<`).exec(manifest);
    if (passing) start.scaled_passing_score = passing[1];
    const q = new URLSearchParams({ standard: "scorm2004", run: "evidence-1", sco: base + sco.href, start: JSON.stringify(start) });
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/__lms/launcher.html?${q}`);
    await page.waitForFunction(() => window.__calls.some((c) => c.name === "Initialize"));
    const frame = page.frames().find((f) => f.url().endsWith(sco.href));
    await frame.waitForFunction(() => document.documentElement.getAttribute("data-trellis") === "connected");
    for (const item of sco.expect.items) await answer(frame, item, plan.get(item.id));
    for (const form of await frame.locator("form[data-quiz]").all()) await form.locator("button[type=submit]").click();
    await frame.locator("#trellis-end").scrollIntoViewIfNeeded();
    await frame.locator("#trellis-finish").click();
    await page.waitForFunction(() => window.__calls.some((c) => c.name === "Terminate"));
    const cmi = await page.evaluate(() => window.__cmi().cmi);
    await closePage(page);

    // What an LMS's SCORM report gives per objective: id, scaled score, success status.
    const objs = cmi.objectives || {};
    const recorded = Object.keys(objs)
      .filter((k) => /^\d+$/.test(k))
      .map((k) => objs[k])
      .filter((o) => o.score && o.score.scaled !== "" && o.score.scaled != null);
    const byObjective = objectiveScores(sco.expect, plan);
    assert.equal(recorded.length, byObjective.size, "one scored cmi.objectives entry per judged objective");
    const rows = ["learner,objective,score,points_possible,attempt"];
    for (const o of recorded) {
      const want = byObjective.get(o.id);
      assert.ok(want, `cmi.objectives ${o.id} is a judged objective`);
      assert.equal(o.success_status, want.passed ? "passed" : "failed", `success of ${o.id}`);
      rows.push(`scorm-learner-1,${o.id},${o.score.scaled},1,1`);
    }
    const csv = join(work, "scorm-objectives.csv");
    writeFileSync(csv, rows.join("\n") + "\n");

    const copy = documentCopy("scorm-copy");
    const imported = await trellis(["evidence", "import", copy, "--from", "csv", csv, "--cohort", "scorm", "--json"]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal(JSON.parse(imported.stdout).added, recorded.length);
    await setAveragePolicy(copy);
    assertMastery(await mastery(copy), new Map([...byObjective].map(([id, o]) => [id, [o.scaled]])));
    assert.deepEqual(browser.errors, []);
  });
});
