// cmi5 packages exported by the trellis CLI, launched in Debian Chromium the way an LMS does
// (launch URL with endpoint, fetch, actor, registration, activityId) against a local LRS.
// Asserts the launch sequence and the cmi5-defined statements: verbs, order, result, context.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { closePage, openBrowser } from "./lib/browser.js";
import { startServer } from "./lib/server.js";
import { startLrs, verbOf } from "./lib/lrs.js";
import { documents, exportPackage } from "./lib/export.js";
import { answer, ausOf, loadDocument } from "./lib/course.js";

const VERB = (v) => `http://adlnet.gov/expapi/verbs/${v}`;
const CAT_CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
const CAT_MOVEON = "https://w3id.org/xapi/cmi5/context/categories/moveon";
const EXT_SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
const EXT_MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";
const DURATION = /^PT(\d+H)?(\d+M)?(\d+(\.\d+)?S)$/;


// cmi5-defined statements: not the allowed ones (answered items, judged objectives).
const defined = (list) => list.filter((s) => verbOf(s) !== "answered" && !s.object.id.startsWith("urn:trellis:objective:"));
const INTERACTION = {
  trueFalse: "true-false",
  multipleChoice: "choice",
  multipleResponse: "choice",
  shortAnswer: "fill-in",
  numeric: "numeric",
  matching: "matching",
  essay: "long-fill-in",
};

for (const docPath of documents()) {
  const doc = loadDocument(docPath);
  describe(`cmi5: ${docPath.split("/").pop()}`, () => {
    let server;
    let lrs;
    let browser;
    let base;
    let aus;
    let quiz;
    const actor = { objectType: "Agent", name: "Test Learner", account: { homePage: "http://127.0.0.1", name: "learner-1" } };

    before(async () => {
      const pkg = exportPackage(docPath, "cmi5");
      server = await startServer();
      lrs = await startLrs();
      base = server.addPackage(pkg.name, pkg.dir);
      aus = ausOf(readFileSync(join(pkg.dir, "cmi5.xml"), "utf8"), doc);
      quiz = aus.find((a) => a.expect.hasQuiz);
      browser = await openBrowser();
    });

    after(async () => {
      await browser?.close();
      await server?.close();
      await lrs?.close();
    });

    async function open(au, options = {}) {
      const { session, query } = lrs.launch({ au, actor, ...options });
      const page = await browser.context.newPage();
      await page.goto(`${base}${au.url}?${query}`);
      await page.waitForFunction(() => document.documentElement.getAttribute("data-trellis") === "connected");
      return { page, session };
    }

    async function statementsUntil(session, verb) {
      const list = await lrs.until(session.id, (s) => verbOf(s) === verb);
      if (list.some((s) => verbOf(s) === verb)) return list;
      throw new Error(`no ${verb} statement came; got ${list.map(verbOf).join(", ")}`);
    }

    function assertCmi5Statement(s, au, session, { moveOn }) {
      assert.match(s.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, "statement id is a UUID");
      assert.deepEqual(s.actor, actor, "actor is the launch actor");
      assert.equal(s.object.id, au.id, "object is the AU");
      assert.equal(s.object.objectType, "Activity");
      assert.ok(!Number.isNaN(Date.parse(s.timestamp)), "timestamp");
      assert.equal(s.context.registration, session.registration, "registration from the launch URL");
      assert.equal(s.context.extensions[EXT_SESSION], session.sessionId, "session id from the context template");
      assert.deepEqual(s.context.contextActivities.grouping, [{ id: au.id }], "the context template is kept");
      const cats = s.context.contextActivities.category.map((c) => c.id);
      assert.ok(cats.includes(CAT_CMI5), "cmi5 category");
      assert.equal(cats.includes(CAT_MOVEON), moveOn, `moveon category ${moveOn ? "present" : "absent"} on ${verbOf(s)}`);
    }

    /** One "answered" statement per question, between initialized and terminated, as a cmi5 allowed statement. */
    function assertAnswered(list, au, session, correct) {
      const verbs = list.map(verbOf);
      const first = verbs.indexOf("initialized");
      const last = verbs.lastIndexOf("terminated");
      const answered = list.filter((s) => verbOf(s) === "answered");
      assert.equal(answered.length, au.expect.items.length, "one answered statement per question");
      for (const item of au.expect.items) {
        const s = answered.find((x) => x.object.id === `${au.id}/item/i${item.id.replace(/-/g, "")}`);
        assert.ok(s, `answered statement for item ${item.id}`);
        const at = list.indexOf(s);
        assert.ok(at > first && at < last, "answered comes after initialized and before terminated");
        assert.equal(s.object.definition.type, "http://adlnet.gov/expapi/activities/cmi.interaction");
        assert.equal(s.object.definition.interactionType, INTERACTION[item.body.type]);
        assert.deepEqual(s.actor, actor);
        assert.equal(s.context.registration, session.registration);
        assert.equal(s.context.extensions[EXT_SESSION], session.sessionId);
        assert.deepEqual(s.context.contextActivities.parent, [{ id: au.id }]);
        const cats = (s.context.contextActivities.category || []).map((c) => c.id);
        assert.ok(!cats.includes(CAT_CMI5) && !cats.includes(CAT_MOVEON), "allowed statements carry no cmi5 category");
        const others = (s.context.contextActivities.other || []).map((c) => c.id);
        for (const o of item.objectives || []) assert.ok(others.includes(`urn:trellis:objective:${o}`), `objective ${o} in context`);
        if (item.body.type === "essay") {
          assert.equal(s.result.success, undefined, "essays are not judged");
        } else {
          const right = correct || (item.body.type === "matching" && item.body.pairs.length < 2);
          assert.equal(s.result.success, right, `success of a ${item.body.type} item`);
        }
      }
    }

    async function play(page, au, correct) {
      for (const item of au.expect.items) await answer(page, item, correct);
      for (const form of await page.locator("form[data-quiz]").all()) await form.locator("button[type=submit]").click();
      await page.locator("#trellis-end").scrollIntoViewIfNeeded();
    }

    test("the course structure has one AU per lesson page with moveOn and masteryScore from the design", () => {
      assert.ok(aus.length > 0, "at least one AU");
      for (const au of aus) {
        if (au.expect.hasQuiz) {
          assert.equal(au.moveOn, "CompletedAndPassed", `${au.url} has a scored quiz`);
          assert.equal(Number(au.masteryScore), au.expect.mastery, `${au.url} mastery score`);
        } else {
          assert.equal(au.moveOn, "Completed", `${au.url} has no scored quiz`);
          assert.equal(au.masteryScore, null);
        }
      }
    });

    test("a correct run: fetch, LaunchData, then initialized, passed, completed, terminated, and back to the LMS", async (t) => {
      if (!quiz) return t.skip("no AU with a scored quiz");
      const { page, session } = await open(quiz);
      assert.ok(session.used, "the AU called the fetch URL");
      assert.ok(
        lrs.requests.some((r) => r.startsWith("GET /xapi/activities/state") && r.includes("stateId=LMS.LaunchData")),
        "the AU read LMS.LaunchData",
      );
      await play(page, quiz, true);
      await page.locator("#trellis-finish").click();
      const list = await statementsUntil(session, "terminated");
      await page.waitForURL(`${lrs.origin}/return`);
      const verbs = list.map(verbOf);
      assert.equal(verbs[0], "initialized", "initialized comes first");
      assert.equal(verbs[verbs.length - 1], "terminated", "terminated comes last");
      assert.deepEqual(defined(list).map(verbOf).sort(), ["completed", "initialized", "passed", "terminated"]);
      assertAnswered(list, quiz, session, true);
      for (const s of defined(list)) assertCmi5Statement(s, quiz, session, { moveOn: ["passed", "completed"].includes(verbOf(s)) });
      const passed = defined(list).find((s) => verbOf(s) === "passed");
      assert.equal(passed.result.success, true);
      assert.equal(passed.result.score.scaled, 1);
      assert.equal(passed.context.extensions[EXT_MASTERY], quiz.expect.mastery, "masteryscore extension");
      assert.match(passed.result.duration, DURATION);
      const completed = list.find((s) => verbOf(s) === "completed");
      assert.equal(completed.result.completion, true);
      assert.match(completed.result.duration, DURATION);
      assert.match(list.find((s) => verbOf(s) === "terminated").result.duration, DURATION);
      assert.deepEqual(lrs.problems, []);
      await closePage(page);
    });

    test("a wrong run fails; leaving the page sends terminated; a second session never repeats completed", async (t) => {
      if (!quiz) return t.skip("no AU with a scored quiz");
      const registration = randomUUID();
      const first = await open(quiz, { registration });
      await play(first.page, quiz, false);
      await first.page.goto(`${lrs.origin}/return`);
      const list = await statementsUntil(first.session, "terminated");
      const verbs = list.map(verbOf);
      assert.equal(verbs[0], "initialized");
      assert.equal(verbs[verbs.length - 1], "terminated", "terminated is sent when the page goes away");
      assert.equal(verbs.filter((v) => v === "terminated").length, 1);
      assert.deepEqual(defined(list).map(verbOf).sort(), ["completed", "failed", "initialized", "terminated"]);
      assertAnswered(list, quiz, first.session, false);
      const failed = defined(list).find((s) => verbOf(s) === "failed");
      assert.equal(failed.result.success, false);
      assert.ok(failed.result.score.scaled < quiz.expect.mastery, "a failed score is below the mastery score");
      for (const s of defined(list)) assertCmi5Statement(s, quiz, first.session, { moveOn: ["failed", "completed"].includes(verbOf(s)) });
      await closePage(first.page);

      // Same registration, new session: the AU resumes from its state and only adds the pass.
      const second = await open(quiz, { registration });
      await second.page.waitForSelector("form.is-submitted");
      await second.page.locator("form[data-quiz] .trellis-retry").first().click();
      await play(second.page, quiz, true);
      await second.page.locator("#trellis-finish").click();
      const again = await statementsUntil(second.session, "terminated");
      assert.deepEqual(defined(again).map(verbOf).sort(), ["initialized", "passed", "terminated"], "completed is sent once per registration");
      assertAnswered(again, quiz, second.session, true);
      assert.deepEqual(lrs.problems, []);
      await closePage(second.page);
    });

    test("in Browse mode only initialized and terminated are sent", async (t) => {
      if (!quiz) return t.skip("no AU with a scored quiz");
      const { page, session } = await open(quiz, { launchMode: "Browse" });
      await page.waitForSelector("#trellis-notice:not([hidden])");
      await play(page, quiz, true);
      await page.locator("#trellis-finish").click();
      const list = await statementsUntil(session, "terminated");
      assert.deepEqual(list.map(verbOf), ["initialized", "terminated"]);
      await closePage(page);
    });

    test("opened without a launch URL the AU shows a notice and sends nothing", async () => {
      const au = quiz || aus[0];
      // Let keepalive requests of earlier pages arrive first.
      let before = -1;
      while (before !== lrs.requests.length) {
        before = lrs.requests.length;
        await new Promise((r) => setTimeout(r, 300));
      }
      const errors = browser.errors.length;
      const page = await browser.context.newPage();
      await page.goto(base + au.url);
      await page.waitForSelector("#trellis-notice:not([hidden])");
      assert.match(await page.locator("#trellis-notice").textContent(), /not saved/);
      await page.locator("#trellis-finish").click();
      await closePage(page);
      assert.equal(lrs.requests.length, before, "no request to the LRS");
      assert.deepEqual(browser.errors.slice(errors), []);
    });

    test("no request leaves 127.0.0.1 and no script error happened", () => {
      assert.deepEqual(browser.outside, []);
      assert.deepEqual(browser.errors, []);
      // The only expected HTTP error: the AU asks for its own resume document on a first launch.
      const unexpected = browser.failed.filter((f) => !(f.startsWith("404 ") && f.includes("stateId=urn%3Atrellis%3Aau-state")));
      assert.deepEqual(unexpected, []);
    });
  });
}
