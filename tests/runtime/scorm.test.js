// SCORM 1.2 and 2004 packages exported by the trellis CLI, played in Debian Chromium inside a host
// page whose API is scorm-again (a real SCORM run-time). Asserts the calls the lesson makes and the
// final CMI data model, and that no request leaves 127.0.0.1.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { closePage, openBrowser } from "./lib/browser.js";
import { startServer } from "./lib/server.js";
import { documents, exportPackage } from "./lib/export.js";
import { answer, loadDocument, masteryScore12, scaledPassing2004, scosOf } from "./lib/course.js";

const STANDARDS = {
  scorm2004: {
    init: "Initialize",
    terminate: "Terminate",
    commit: "Commit",
    set: "SetValue",
    sessionTime: /^PT(\d+H)?(\d+M)?(\d+(\.\d+)?S)$/,
    sessionElement: "cmi.session_time",
  },
  scorm12: {
    init: "LMSInitialize",
    terminate: "LMSFinish",
    commit: "LMSCommit",
    set: "LMSSetValue",
    sessionTime: /^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$/,
    sessionElement: "cmi.core.session_time",
  },
};

const approx = (actual, expected, what) =>
  assert.ok(Math.abs(Number(actual) - expected) < 1e-3, `${what}: expected ${expected}, got ${actual}`);

/** Earned points of a wrong run: every item wrong, except a one-pair matching item (always right). */
const wrongEarned = (items) =>
  items.filter((i) => i.scored && i.body.type === "matching" && i.body.pairs.length < 2).reduce((s, i) => s + (i.points ?? 1), 0);

function objectiveEntries(cmi) {
  const objs = cmi.objectives || {};
  return Object.keys(objs)
    .filter((k) => /^\d+$/.test(k))
    .map((k) => objs[k]);
}

for (const docPath of documents()) {
  const doc = loadDocument(docPath);
  for (const [standard, S] of Object.entries(STANDARDS)) {
    describe(`${standard}: ${docPath.split("/").pop()}`, () => {
      let server;
      let browser;
      let base;
      let manifest;
      let scos;
      let quiz;
      let content;
      let runs = 0;

      before(async () => {
        const pkg = exportPackage(docPath, standard);
        server = await startServer();
        base = server.addPackage(pkg.name, pkg.dir);
        manifest = readFileSync(join(pkg.dir, "imsmanifest.xml"), "utf8");
        scos = scosOf(manifest, doc);
        quiz = scos.find((s) => s.expect.hasQuiz);
        content = scos.find((s) => !s.expect.hasQuiz && s.expect.assessments.length === 0);
        browser = await openBrowser();
      });

      after(async () => {
        await browser?.close();
        await server?.close();
      });

      /** What a real LMS initialises from the manifest (mastery) and, for a resume, the last exit. */
      function startData(sco, resume) {
        const data = {};
        if (standard === "scorm12") {
          const m = masteryScore12(manifest, sco.item);
          if (m) data.student_data = { mastery_score: m };
          if (resume) {
            data.core = { entry: "resume", lesson_location: resume.location };
            data.suspend_data = resume.suspend;
          }
        } else {
          const m = scaledPassing2004(manifest, sco.item);
          if (m) data.scaled_passing_score = m;
          if (resume) {
            data.entry = "resume";
            data.location = resume.location;
            data.suspend_data = resume.suspend;
          }
        }
        return data;
      }

      async function launch(sco, resume) {
        const run = `${standard}-${++runs}`;
        const page = await browser.context.newPage();
        const q = new URLSearchParams({ standard, run, sco: base + sco.href, start: JSON.stringify(startData(sco, resume)) });
        await page.goto(`${server.origin}/__lms/launcher.html?${q}`);
        await page.waitForFunction((name) => window.__calls.some((c) => c.name === name), S.init);
        const frame = page.frames().find((f) => f.url().endsWith(sco.href));
        assert.ok(frame, `the SCO ${sco.href} is loaded in the iframe`);
        await frame.waitForFunction(() => document.documentElement.getAttribute("data-trellis") === "connected");
        return { page, frame, run };
      }

      const calls = (page) => page.evaluate(() => window.__calls);
      const cmi = (page) => page.evaluate(() => window.__cmi().cmi);
      const count = (list, name) => list.filter((c) => c.name === name).length;

      async function playQuiz(frame, sco, correct) {
        for (const item of sco.expect.items) await answer(frame, item, correct);
        for (const form of await frame.locator("form[data-quiz]").all()) await form.locator("button[type=submit]").click();
        await frame.locator("#trellis-end").scrollIntoViewIfNeeded();
      }

      function assertScore(data, sco, correctRun) {
        const e = sco.expect;
        const earned = correctRun ? e.maxPoints : wrongEarned(e.items);
        const scaled = e.maxPoints > 0 ? earned / e.maxPoints : 0;
        const passed = scaled + 1e-9 >= e.mastery;
        if (standard === "scorm2004") {
          assert.equal(data.completion_status, "completed", "completion after the quiz and the end of the page");
          assert.equal(data.success_status, passed ? "passed" : "failed");
          approx(data.score.raw, earned, "score.raw");
          approx(data.score.min, 0, "score.min");
          approx(data.score.max, e.maxPoints, "score.max");
          approx(data.score.scaled, scaled, "score.scaled");
        } else {
          assert.equal(data.core.lesson_status, passed ? "passed" : "failed");
          approx(data.core.score.raw, scaled * 100, "score.raw (percent)");
          approx(data.core.score.min, 0, "score.min");
          approx(data.core.score.max, 100, "score.max");
        }
        const entries = objectiveEntries(data);
        for (const o of e.perObjective) {
          const entry = entries.find((x) => x.id === o.id);
          assert.ok(entry, `cmi.objectives has the aligned objective ${o.id}`);
          if (o.scoredItems > 0) {
            const mine = e.items.filter((i) => i.scored && (i.objectives || []).includes(o.id));
            const oEarned = correctRun ? o.max : wrongEarned(mine);
            const oScaled = o.max > 0 ? oEarned / o.max : 0;
            const oPassed = oScaled + 1e-9 >= e.mastery;
            if (standard === "scorm2004") {
              assert.equal(entry.success_status, oPassed ? "passed" : "failed", `objective ${o.id} success`);
              approx(entry.score.scaled, oScaled, `objective ${o.id} scaled score`);
              assert.equal(entry.completion_status, "completed");
            } else {
              assert.equal(entry.status, oPassed ? "passed" : "failed", `objective ${o.id} status`);
              approx(entry.score.raw, oScaled * 100, `objective ${o.id} raw score`);
            }
          } else if (standard === "scorm2004") {
            assert.equal(entry.completion_status, "completed", `objective ${o.id} without items is completed`);
            assert.equal(entry.success_status, "unknown", `objective ${o.id} without items has no success`);
          } else {
            assert.equal(entry.status, "completed", `objective ${o.id} without items is completed`);
          }
        }
        assert.equal(entries.filter((x) => e.aligned.includes(x.id)).length, e.aligned.length, "one entry per aligned objective");
      }

      const TYPES = {
        scorm2004: { trueFalse: "true-false", multipleChoice: "choice", multipleResponse: "choice", shortAnswer: "fill-in", numeric: "numeric", matching: "matching", essay: "long-fill-in" },
        scorm12: { trueFalse: "true-false", multipleChoice: "choice", multipleResponse: "choice", shortAnswer: "fill-in", numeric: "numeric", matching: "matching", essay: "fill-in" },
      }[standard];

      /** One interaction per item with its type, result and aligned objectives. */
      function assertInteractions(data, sco, correctRun) {
        const list = Object.keys(data.interactions || {})
          .filter((k) => /^\d+$/.test(k))
          .map((k) => data.interactions[k]);
        for (const item of sco.expect.items) {
          const id = "i" + item.id.replace(/-/g, "");
          const entry = list.filter((x) => x.id === id).pop();
          assert.ok(entry, `interaction for item ${id}`);
          assert.equal(entry.type, TYPES[item.body.type], `interaction type of a ${item.body.type} item`);
          const right = correctRun || (item.body.type === "matching" && item.body.pairs.length < 2);
          const expected = item.body.type === "essay" ? "neutral" : right ? "correct" : standard === "scorm12" ? "wrong" : "incorrect";
          assert.equal(entry.result, expected, `result of ${item.body.type} item ${id}`);
          const objectives = Object.keys(entry.objectives || {})
            .filter((k) => /^\d+$/.test(k))
            .map((k) => entry.objectives[k].id);
          assert.deepEqual(objectives, item.objectives || [], `objectives of item ${id}`);
        }
      }

      function assertSessionAndTerminate(list) {
        assert.equal(count(list, S.terminate), 1, `exactly one ${S.terminate}`);
        const t = list.findIndex((c) => c.name === S.terminate);
        assert.equal(list[t].result, "true", `${S.terminate} succeeded`);
        const lastCommit = list.map((c) => c.name).lastIndexOf(S.commit);
        assert.ok(lastCommit >= 0 && lastCommit < t, "a commit precedes the terminate");
        assert.ok(!list.slice(lastCommit + 1, t).some((c) => c.name === S.set), "nothing is set after the last commit");
        const session = list.filter((c) => c.name === S.set && c.args[0] === S.sessionElement);
        assert.ok(session.length > 0, "session time is reported");
        assert.match(session[session.length - 1].args[1], S.sessionTime);
        assert.ok(session.every((c) => c.result === "true"), "the LMS accepts the session time");
        const failed = list.filter((c) => c.name === S.set && c.result !== "true");
        assert.deepEqual(failed, [], "every SetValue is accepted by the run-time");
      }

      test("a quiz lesson answered correctly completes, passes and reports every aligned objective", async (t) => {
        if (!quiz) return t.skip("no lesson with a scored quiz");
        const { page, frame, run } = await launch(quiz);
        await playQuiz(frame, quiz, true);
        await frame.waitForFunction(() => document.querySelector(".trellis-result")?.textContent.includes("Score"));
        // Hiding the page commits without ending the session.
        const before = (await calls(page)).length;
        await frame.evaluate(() => {
          Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
          document.dispatchEvent(new Event("visibilitychange"));
        });
        let list = await calls(page);
        assert.ok(list.slice(before).some((c) => c.name === S.commit), "visibilitychange → commit");
        assert.equal(count(list, S.terminate), 0, "hiding the page does not terminate");
        await frame.locator("#trellis-finish").click();
        await page.waitForFunction((name) => window.__calls.some((c) => c.name === name), S.terminate);
        // Leaving the page afterwards must not terminate a second time.
        await page.evaluate(() => (document.getElementById("sco").src = "about:blank"));
        await page.waitForTimeout(200);
        list = await calls(page);
        assertSessionAndTerminate(list);
        const data = await cmi(page);
        assertScore(data, quiz, true);
        assertInteractions(data, quiz, true);
        if (standard === "scorm2004") assert.equal(data.exit, "normal");
        const posted = server.commits.get(run) || [];
        assert.ok(posted.length > 0, "commits reached the LMS server");
        await closePage(page);
      });

      test("a quiz lesson answered wrongly fails, and leaving the page commits and terminates once", async (t) => {
        if (!quiz) return t.skip("no lesson with a scored quiz");
        const { page, frame, run } = await launch(quiz);
        await playQuiz(frame, quiz, false);
        await page.evaluate(() => (document.getElementById("sco").src = "about:blank"));
        await page.waitForFunction((name) => window.__calls.some((c) => c.name === name), S.terminate);
        const list = await calls(page);
        assertSessionAndTerminate(list);
        const data = await cmi(page);
        assertScore(data, quiz, false);
        assertInteractions(data, quiz, false);
        const posted = server.commits.get(run) || [];
        assert.ok(posted.length > 0, "the commit on pagehide reached the LMS server");
        // Resume: a new attempt with the saved state shows the submitted answers again.
        const suspend = data.suspend_data;
        assert.ok(suspend && suspend.length < (standard === "scorm12" ? 4096 : 64000), "suspend data fits the limit");
        await closePage(page);
        const resumed = await launch(quiz, { suspend, location: standard === "scorm12" ? data.core.lesson_location : data.location });
        await resumed.frame.waitForSelector("form.is-submitted");
        const first = quiz.expect.items.find((i) => i.body.type === "trueFalse");
        if (first) {
          const want = !first.body.answer ? "true" : "false";
          assert.ok(
            await resumed.frame.locator(`[data-item="i${first.id.replace(/-/g, "")}"] input[value="${want}"]`).isChecked(),
            "the wrong true/false answer is restored",
          );
        }
        await closePage(resumed.page);
      });

      test("a lesson without a quiz completes when its end is reached", async (t) => {
        if (!content) return t.skip("no lesson without assessments");
        const { page, frame } = await launch(content);
        await frame.locator("#trellis-end").scrollIntoViewIfNeeded();
        await frame.locator("#trellis-finish").click();
        await page.waitForFunction((name) => window.__calls.some((c) => c.name === name), S.terminate);
        const list = await calls(page);
        assertSessionAndTerminate(list);
        const data = await cmi(page);
        if (standard === "scorm2004") {
          assert.equal(data.completion_status, "completed");
          assert.equal(data.success_status, "passed", "a lesson without a quiz is satisfied once completed");
        } else {
          assert.equal(data.core.lesson_status, "completed");
        }
        const entries = objectiveEntries(data);
        for (const id of content.expect.aligned) assert.ok(entries.some((x) => x.id === id), `objective ${id} reported`);
        await closePage(page);
      });

      test("every SCO of the package runs to completion with one terminate", async () => {
        for (const sco of scos) {
          const { page, frame } = await launch(sco);
          for (const item of sco.expect.items) await answer(frame, item, true);
          for (const form of await frame.locator("form[data-quiz]").all()) await form.locator("button[type=submit]").click();
          await frame.locator("#trellis-end").scrollIntoViewIfNeeded();
          await frame.locator("#trellis-finish").click();
          await page.waitForFunction((name) => window.__calls.some((c) => c.name === name), S.terminate);
          assertSessionAndTerminate(await calls(page));
          const data = await cmi(page);
          if (standard === "scorm2004") {
            assert.equal(data.completion_status, "completed", `${sco.href} completed`);
            assert.equal(data.success_status, "passed", `${sco.href} passed`);
          } else {
            assert.equal(data.core.lesson_status, sco.expect.hasQuiz ? "passed" : "completed", `${sco.href}`);
          }
          const ids = objectiveEntries(data).map((o) => o.id);
          for (const id of sco.expect.aligned) assert.ok(ids.includes(id), `${sco.href} reports objective ${id}`);
          await closePage(page);
        }
      });

      test("without an LMS the lesson shows a notice and throws nothing", async (t) => {
        const sco = quiz || content || scos[0];
        if (!sco) return t.skip("no SCO");
        const errorsBefore = browser.errors.length;
        const page = await browser.context.newPage();
        await page.goto(base + sco.href);
        await page.waitForSelector("#trellis-notice:not([hidden])");
        assert.match(await page.locator("#trellis-notice").textContent(), /not saved/);
        assert.equal(await page.evaluate(() => document.documentElement.getAttribute("data-trellis")), "preview");
        if (sco.expect.hasQuiz) {
          for (const item of sco.expect.items) await answer(page, item, true);
          await page.locator("form[data-quiz] button[type=submit]").first().click();
          await page.waitForSelector(".trellis-result:not(:empty)");
        }
        await page.locator("#trellis-finish").click();
        assert.match(await page.locator("#trellis-done").textContent(), /Nothing was saved/);
        await closePage(page);
        assert.deepEqual(browser.errors.slice(errorsBefore), [], "no script errors without an API");
      });

      test("no request leaves 127.0.0.1 and no script error happened", () => {
        assert.deepEqual(browser.outside, [], "requests outside the local server");
        assert.deepEqual(browser.errors, [], "script or console errors");
      assert.deepEqual(browser.failed, [], "HTTP errors (a missing file in the package)");
      });
    });
  }
}
