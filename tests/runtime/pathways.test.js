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
import { REPO } from "./lib/export.js";
import { ident, loadDocument } from "./lib/course.js";
import { startPlayer } from "./lib/player.js";

const docPath = join(REPO, "tests", "runtime", "fixtures", "pathways.json");
const doc = loadDocument(docPath);
const byCode = (code) => doc.nodes.find((n) => n.code === code);

describe("scorm2004 mastery pathways", () => {
  let player;
  let browser;
  let scos;
  const item = (code) => scos.find((s) => s.item === `${ident(byCode(code).id)}_sco`);

  before(async () => {
    player = await startPlayer(docPath, doc);
    ({ browser, scos } = player);
  });

  after(async () => {
    await player?.close();
  });

  /** Plays the course by `continue`, passing or failing the quiz of lesson L1, until nothing more is delivered. */
  const playCourse = (run, passL1) => player.playCourse(run, (id) => (id === item("L1").item ? passL1 : true));

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
  let player;
  let browser;

  before(async () => {
    player = await startPlayer(unitsPath, units);
    ({ browser } = player);
  });

  after(async () => {
    await player?.close();
  });

  /** Plays the course by `continue`, passing or failing lesson L1's quiz; returns what was delivered. */
  const play = (run, passL1) => player.playCourse(run, (id) => (id === `${ident(node("L1").id)}_sco` ? passL1 : true));

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
