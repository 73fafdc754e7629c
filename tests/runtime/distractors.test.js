// From a learner's click on a wrong choice to the distractor analysis: the example course is
// exported with the real CLI (cmi5 and SCORM 2004), one lesson with a multiple-choice question
// is played in Debian Chromium, the learner clicks a wrong choice of that question (and answers
// the others right) and submits; what the run-time recorded — the statements the test LRS
// received, or the `cmi.interactions` scorm-again kept, written as the plain evidence CSV with
// its `response` column (docs/evidence.md) — is imported with `trellis evidence import`, and
// `trellis evidence analyse --json` must count the clicked option for that question.
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
import { answer, ausOf, ident, loadDocument, scosOf } from "./lib/course.js";

const EXAMPLE = join(REPO, "examples", "intro-statistics.json");
const doc = loadDocument(EXAMPLE);
const work = mkdtempSync(join(tmpdir(), "trellis-distractors-"));

/** The first multiple-choice question of a lesson that has a wrong choice. */
const choiceItem = (expect) =>
  expect.items.find((i) => i.body.type === "multipleChoice" && i.body.choices.some((c) => c.correct) && i.body.choices.some((c) => !c.correct));

/** Among the lessons with a quiz, the first with such a question. */
function lessonWithChoice(lessons) {
  const found = lessons.find((l) => l.expect.hasQuiz && choiceItem(l.expect));
  assert.ok(found, "the example has a lesson whose quiz has a multiple-choice question");
  return found;
}

/** Runs the CLI without blocking this process (the test LRS answers it from here). */
function trellis(args, env = {}) {
  return new Promise((resolve) => {
    execFile(TRELLIS, args, { encoding: "utf8", env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

function documentCopy(name) {
  const path = join(work, `${name}.trellis`);
  execFileSync(TRELLIS, ["import", "--from", "json", path, EXAMPLE], { stdio: ["ignore", "pipe", "pipe"] });
  return path;
}

/**
 * Plays the lesson in `frame`: the wrong choice of `item` is clicked, every other question is
 * answered right, every quiz submitted and the lesson finished. Returns the clicked choice.
 */
async function play(frame, expect, item) {
  const wrong = item.body.choices.find((c) => !c.correct);
  for (const other of expect.items) if (other.id !== item.id) await answer(frame, other, true);
  const box = frame.locator(`[data-item="${ident(item.id)}"]`);
  await box.locator(`input[value="${ident(wrong.id)}"]`).click();
  assert.equal(await box.locator(`input[value="${ident(wrong.id)}"]`).isChecked(), true, "the wrong choice is selected");
  for (const form of await frame.locator("form[data-quiz]").all()) await form.locator("button[type=submit]").click();
  await frame.locator("#trellis-end").scrollIntoViewIfNeeded();
  await frame.locator("#trellis-finish").click();
  return wrong;
}

/** The question's statistics from `trellis evidence analyse --json`. */
async function itemStats(path, item) {
  const r = await trellis(["evidence", "analyse", path, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const analysis = JSON.parse(r.stdout);
  assert.equal(analysis.items.responsesKnown, true, "responses are known");
  const stats = analysis.items.assessments.flatMap((a) => a.items).find((i) => i.id === item.id);
  assert.ok(stats, `item statistics for question ${item.id}`);
  return stats;
}

/** The clicked wrong option is counted once, the others not at all, and it is not a key. */
function assertCounted(stats, item, wrong) {
  assert.equal(stats.responses, 1, "one learner's response is counted");
  assert.equal(stats.options.length, item.body.choices.length, "one entry per choice");
  for (const option of stats.options) {
    const mine = option.id === wrong.id;
    assert.equal(option.chosen, mine ? 1 : 0, `chosen count of option ${option.label} (${option.id})`);
    assert.equal(option.share, mine ? 1 : 0, `share of option ${option.label}`);
    if (mine) assert.equal(option.key, false, "the clicked option is a distractor");
  }
}

describe("distractors: cmi5 through the LRS", () => {
  let server;
  let lrs;
  let browser;
  let base;
  let au;
  const actor = { objectType: "Agent", name: "Distractor", account: { homePage: "http://127.0.0.1", name: "learner-d" } };
  const READER = { user: "reports", password: "d1str4ctor" };

  before(async () => {
    const pkg = exportPackage(EXAMPLE, "cmi5");
    server = await startServer();
    lrs = await startLrs({ readers: { [READER.user]: READER.password } });
    base = server.addPackage(pkg.name, pkg.dir);
    const xml = readFileSync(join(pkg.dir, "cmi5.xml"), "utf8");
    const aus = ausOf(xml, doc);
    au = lessonWithChoice(aus);
    browser = await openBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await lrs?.close();
  });

  test("the choice a learner clicked is counted for its question", async () => {
    const item = choiceItem(au.expect);
    const { session, query } = lrs.launch({ au, actor });
    const page = await browser.context.newPage();
    await page.goto(`${base}${au.url}?${query}`);
    await page.waitForFunction(() => document.documentElement.getAttribute("data-trellis") === "connected");
    const wrong = await play(page, au.expect, item);
    await lrs.until(session.id, (s) => verbOf(s) === "terminated");
    await closePage(page);
    const sent = lrs.ofSession(session.id);
    const answered = sent.find((s) => verbOf(s) === "answered" && s.object.id.endsWith(`/item/${ident(item.id)}`));
    assert.ok(answered, "the answer to the question was sent");
    assert.equal(answered.result.response, ident(wrong.id), "the response names the clicked choice");

    const copy = documentCopy("cmi5-distractors");
    const imported = await trellis(
      ["evidence", "import", copy, "--lrs", `${lrs.origin}/xapi/`, "--lrs-user", READER.user, "--cohort", "played", "--json"],
      { TRELLIS_LRS_PASSWORD: READER.password },
    );
    assert.equal(imported.code, 0, imported.stderr);
    assert.ok(JSON.parse(imported.stdout).added > 0, "results were added");
    assertCounted(await itemStats(copy, item), item, wrong);
    assert.deepEqual(lrs.problems, []);
    assert.deepEqual(browser.errors, []);
  });
});

describe("distractors: SCORM 2004 interactions as the plain evidence CSV", () => {
  let server;
  let browser;
  let base;
  let sco;

  before(async () => {
    const pkg = exportPackage(EXAMPLE, "scorm2004");
    server = await startServer();
    base = server.addPackage(pkg.name, pkg.dir);
    const manifest = readFileSync(join(pkg.dir, "imsmanifest.xml"), "utf8");
    sco = lessonWithChoice(scosOf(manifest, doc));
    browser = await openBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("the cmi.interactions learner_response of the clicked choice is counted for its question", async () => {
    const item = choiceItem(sco.expect);
    const q = new URLSearchParams({ standard: "scorm2004", run: "distractors-1", sco: base + sco.href, start: "{}" });
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/__lms/launcher.html?${q}`);
    await page.waitForFunction(() => window.__calls.some((c) => c.name === "Initialize"));
    const frame = page.frames().find((f) => f.url().endsWith(sco.href));
    await frame.waitForFunction(() => document.documentElement.getAttribute("data-trellis") === "connected");
    const wrong = await play(frame, sco.expect, item);
    await page.waitForFunction(() => window.__calls.some((c) => c.name === "Terminate"));
    const cmi = await page.evaluate(() => window.__cmi().cmi);
    await closePage(page);

    // What an LMS's interaction report gives per question: id, type, weighting, result and the
    // learner's response; written as the plain CSV (score = weighting when correct, else 0).
    const data = cmi.interactions || {};
    const interactions = Object.keys(data)
      .filter((k) => /^\d+$/.test(k))
      .map((k) => data[k]);
    const mine = interactions.find((i) => i.id === ident(item.id));
    assert.ok(mine, `cmi.interactions holds the question ${ident(item.id)}`);
    assert.equal(mine.type, "choice");
    assert.equal(mine.learner_response, ident(wrong.id), "learner_response names the clicked choice");
    assert.equal(mine.result, "incorrect");
    const rows = ["learner,objective,score,points_possible,response"];
    const field = (v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    for (const i of interactions) {
      const weighting = Number(i.weighting) > 0 ? Number(i.weighting) : 1;
      const score = i.result === "correct" ? weighting : 0;
      rows.push(["scorm-learner-1", i.id, String(score), String(weighting), field(i.learner_response || "")].join(","));
    }
    const csv = join(work, "scorm-interactions.csv");
    writeFileSync(csv, rows.join("\n") + "\n");

    const copy = documentCopy("scorm-distractors");
    const imported = await trellis(["evidence", "import", copy, "--from", "csv", csv, "--cohort", "scorm", "--json"]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.ok(JSON.parse(imported.stdout).added > 0, "results were added");
    assertCounted(await itemStats(copy, item), item, wrong);
    assert.deepEqual(browser.errors, []);
  });
});
