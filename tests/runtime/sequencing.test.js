// SCORM 2004 sequencing in a real engine: the package's manifest is loaded into scorm-again's
// sequencing (activity tree, precondition rules, objectives mapped to global objectives, roll-up)
// by a small course player, and the learner goes through the real lesson pages with the Finish
// button, which asks for `continue`. Asserts the flow order, the locks that prerequisites put on
// later lessons, the mastery shared through global objectives, and the roll-up to the course.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { closePage } from "./lib/browser.js";
import { documents } from "./lib/export.js";
import { ident, loadDocument } from "./lib/course.js";
import { startPlayer } from "./lib/player.js";

for (const docPath of documents()) {
  const doc = loadDocument(docPath);
  describe(`scorm2004 sequencing: ${docPath.split("/").pop()}`, () => {
    let player;
    let browser;
    let scos;
    let organization;

    before(async () => {
      player = await startPlayer(docPath, doc);
      ({ browser, scos, organization } = player);
    });

    after(async () => {
      await player?.close();
    });

    const openCourse = (run) => player.openCourse(run);
    const playDelivered = (page, sco, correct) => player.playDelivered(page, sco, correct);

    test("passing every lesson flows through the whole course in outline order and rolls up to the course", async () => {
      const page = await openCourse("pass-all");
      for (let i = 0; i < scos.length; i++) {
        await page.waitForFunction((n) => window.__delivered.length > n, i);
        const delivered = await page.evaluate((n) => window.__delivered[n], i);
        assert.equal(delivered, scos[i].item, `activity ${i + 1} delivered by continue`);
        await playDelivered(page, scos[i], true);
      }
      await page.waitForTimeout(300);
      const { delivered, calls } = await page.evaluate(() => ({ delivered: window.__delivered, calls: window.__calls }));
      assert.equal(delivered.length, scos.length, "nothing after the last lesson");
      for (const s of scos) {
        const terminates = calls.filter((c) => c.activity === s.item && c.name === "Terminate");
        assert.equal(terminates.length, 1, `${s.item} terminates once`);
        assert.equal(terminates[0].result, "true");
        const rejected = calls.filter((c) => c.activity === s.item && c.name === "SetValue" && c.result !== "true");
        assert.deepEqual(rejected, [], `${s.item}: every value accepted`);
      }
      const course = await page.evaluate((id) => window.__api.getActivityTrackingData(id), organization);
      assert.equal(course.completionStatus, "completed", "completion rolls up to the course");
      assert.equal(course.successStatus, "passed", "satisfaction rolls up to the course");

      // The LMS initialises each SCO's objectives from the manifest and the global objectives:
      // an objective mastered in an earlier lesson arrives as passed in a later one.
      const atInit = await page.evaluate(() => window.__atInit);
      const passedBefore = new Set();
      for (const s of scos) {
        const start = Object.values(atInit[s.item].objectives).filter((o) => o && o.id);
        for (const id of s.expect.aligned) {
          const o = start.find((x) => x.id === id);
          assert.ok(o, `${s.item} starts with objective ${id} from the manifest`);
          if (passedBefore.has(id)) assert.equal(o.success_status, "passed", `${s.item} reads ${id} as already mastered`);
        }
        for (const o of s.expect.perObjective) if (o.scoredItems > 0) passedBefore.add(o.id);
      }
      await closePage(page);
    });

    test("a lesson stays locked until its prerequisite is passed", async (t) => {
      // Outline prerequisites whose dependent comes later in the course.
      const pairs = [];
      for (const node of doc.nodes) {
        for (const p of node.prerequisites || []) {
          const dependent = scos.findIndex((s) => s.item.startsWith(ident(node.id)));
          const prerequisite = scos.findIndex((s) => s.item.startsWith(ident(p)) && s.item.endsWith("_sco"));
          if (dependent > prerequisite && prerequisite >= 0 && scos[prerequisite].expect.hasQuiz) pairs.push([prerequisite, dependent]);
        }
      }
      if (!pairs.length) return t.skip("no lesson-to-lesson prerequisite on a scored lesson");
      const [pre, dep] = pairs[0];
      const page = await openCourse("fail-prerequisite");
      for (let i = 0; i <= pre; i++) {
        await page.waitForFunction((n) => window.__delivered.length > n, i);
        // Before the prerequisite is passed, the dependent lesson cannot be chosen.
        if (i === pre) {
          await playDelivered(page, scos[i], false);
          // Recorded when the prerequisite started: the dependent lesson could not be chosen.
          const at = await page.evaluate(([at, target]) => window.__atInit[at].choice[target], [scos[i].item, scos[dep].item]);
          assert.equal(at, "false", `${scos[dep].item} is disabled while ${scos[i].item} is not passed`);
        } else {
          await playDelivered(page, scos[i], true);
        }
      }
      await page.waitForTimeout(500);
      const { delivered, calls } = await page.evaluate(() => ({ delivered: window.__delivered, calls: window.__calls }));
      if (dep === pre + 1) {
        assert.equal(delivered.length, pre + 1, "failing the prerequisite does not continue into the locked lesson");
      }
      assert.equal(calls.filter((c) => c.activity === scos[pre].item && c.name === "Terminate").length, 1);
      const dependent = await page.evaluate((id) => window.__api.processNavigationRequest("choice", id), scos[dep].item);
      assert.equal(dependent, false, "choosing the locked lesson is refused");
      await closePage(page);
    });

    test("no request leaves 127.0.0.1 and no script error happened", () => {
      assert.deepEqual(browser.outside, []);
      assert.deepEqual(browser.errors, []);
      assert.deepEqual(browser.failed, []);
    });
  });
}
