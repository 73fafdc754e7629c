// Accessibility of what Trellis draws, checked with axe-core (WCAG 2.0/2.1/2.2 A and AA rules) in
// Debian Chromium: every lesson page of both examples and of the every-item-type fixture exported
// as SCORM 2004 (launched in the scorm-again launcher, connected, before and after a wrong quiz
// submission; once per package also after a correct one and when finished) and as cmi5 (launched
// against the local LRS, and opened without a launch, which shows the "not connected" notice), and
// their review packets. Any violation fails with its rule, impact and elements.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { closePage, openBrowser } from "./lib/browser.js";
import { startServer } from "./lib/server.js";
import { startLrs } from "./lib/lrs.js";
import { REPO, TRELLIS, exportPackage } from "./lib/export.js";
import { answer, ausFromCourseStructure, lessonExpectations, loadDocument, scosFromManifest } from "./lib/course.js";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
// Both examples, and the runtime fixture that has every quiz item type.
const DOCUMENTS = [
  ...["intro-statistics.json", "nursing-pharmacology.json"].map((n) => join(REPO, "examples", n)),
  join(REPO, "tests", "runtime", "fixtures", "scorm-sample.json"),
];

/**
 * Runs axe-core in a page or frame (injected through the debugging protocol, so the pages' own
 * Content-Security-Policy stays as shipped) and returns the violations as readable lines.
 */
async function violations(target) {
  const present = await target.evaluate(() => typeof window.axe === "object");
  if (!present) await target.evaluate(AXE);
  const result = await target.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
    TAGS,
  );
  return result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(", ")}`,
  );
}

function assertClean(list, where) {
  assert.deepEqual(list, [], `${where}: axe-core finds WCAG A/AA violations:\n${list.join("\n")}`);
}


test("the axe-core harness reports violations it must", async () => {
  const server = await startServer();
  const browser = await openBrowser();
  try {
    const dir = mkdtempSync(join(tmpdir(), "trellis-a11y-bad-"));
    writeFileSync(
      join(dir, "bad.html"),
      '<!DOCTYPE html><html><head><title>Bad</title></head><body><main><img src="x.png"><p style="color:#aaa">faint</p></main></body></html>',
    );
    const base = server.addPackage("a11y-bad", dir);
    const page = await browser.context.newPage();
    await page.goto(`${base}bad.html`);
    const ids = (await violations(page)).map((v) => v.split(" ")[0]);
    for (const id of ["html-has-lang", "image-alt", "color-contrast"]) assert.ok(ids.includes(id), `${id} in ${ids}`);
    await closePage(page);
  } finally {
    await browser.close();
    await server.close();
  }
});

for (const docPath of DOCUMENTS) {
  const name = docPath.split("/").pop();
  const doc = loadDocument(docPath);

  describe(`accessibility: ${name}`, () => {
    let server;
    let lrs;
    let browser;

    before(async () => {
      server = await startServer();
      lrs = await startLrs();
      browser = await openBrowser();
    });

    after(async () => {
      await browser?.close();
      await server?.close();
      await lrs?.close();
    });

    test("SCORM 2004 lesson pages, launched and after a wrong submission", async () => {
      const pkg = exportPackage(docPath, "scorm2004");
      const base = server.addPackage(pkg.name, pkg.dir);
      const manifest = readFileSync(join(pkg.dir, "imsmanifest.xml"), "utf8");
      const scos = scosFromManifest(manifest);
      assert.ok(scos.length > 0, "the package has lesson pages");
      let run = 0;
      let triedAgain = false;
      for (const sco of scos) {
        const page = await browser.context.newPage();
        const q = new URLSearchParams({ standard: "scorm2004", run: `a11y-${++run}`, sco: base + sco.href, start: "{}" });
        await page.goto(`${server.origin}/__lms/launcher.html?${q}`);
        await page.waitForFunction(() => window.__calls.some((c) => c.name === "Initialize"));
        const frame = page.frames().find((f) => f.url().endsWith(sco.href));
        assert.ok(frame, `${sco.href} is loaded in the launcher`);
        await frame.waitForFunction(() => document.documentElement.getAttribute("data-trellis") === "connected");
        assertClean(await violations(frame), `scorm2004 ${sco.href}`);
        let expect = null;
        try {
          expect = lessonExpectations(doc, sco.href);
        } catch {
          expect = null; // unit-level pages: no quiz oracle, checked as loaded
        }
        if (expect && expect.items.length) {
          for (const item of expect.items) await answer(frame, item, false);
          for (const form of await frame.locator("form[data-quiz]").all()) await form.locator("button[type=submit]").click();
          await frame.locator("#trellis-end").scrollIntoViewIfNeeded();
          assertClean(await violations(frame), `scorm2004 ${sco.href} after a wrong submission`);
          if (!triedAgain) {
            // Once per package: try again, answer correctly, then finish the page.
            triedAgain = true;
            for (const retry of await frame.locator("button.trellis-retry").all()) await retry.click();
            for (const item of expect.items) await answer(frame, item, true);
            for (const form of await frame.locator("form[data-quiz]").all()) await form.locator("button[type=submit]").click();
            assertClean(await violations(frame), `scorm2004 ${sco.href} after a correct submission`);
            await frame.locator("#trellis-finish").click();
            await frame.locator("#trellis-done").waitFor({ state: "visible" });
            assertClean(await violations(frame), `scorm2004 ${sco.href} when finished`);
          }
        }
        await closePage(page);
      }
      assert.deepEqual(browser.outside, [], "no request leaves 127.0.0.1");
    });

    test("cmi5 lesson pages, launched and opened without a launch", async () => {
      const pkg = exportPackage(docPath, "cmi5");
      const base = server.addPackage(pkg.name, pkg.dir);
      const aus = ausFromCourseStructure(readFileSync(join(pkg.dir, "cmi5.xml"), "utf8"));
      assert.ok(aus.length > 0, "the course has AUs");
      const actor = { objectType: "Agent", name: "Test Learner", account: { homePage: "http://127.0.0.1", name: "learner-1" } };
      for (const au of aus) {
        const { query } = lrs.launch({ au, actor });
        const page = await browser.context.newPage();
        await page.goto(`${base}${au.url}?${query}`);
        await page.waitForFunction(() => document.documentElement.getAttribute("data-trellis") === "connected");
        assertClean(await violations(page), `cmi5 ${au.url}`);
        await closePage(page);
      }
      const page = await browser.context.newPage();
      await page.goto(`${base}${aus[0].url}`);
      await page.waitForFunction(() => document.documentElement.hasAttribute("data-trellis"));
      assertClean(await violations(page), `cmi5 ${aus[0].url} without a launch`);
      await closePage(page);
    });

    test("review packet", async () => {
      const dir = mkdtempSync(join(tmpdir(), "trellis-a11y-packet-"));
      execFileSync(TRELLIS, ["report", docPath, "-o", join(dir, "packet.html"), "--generated-at", "2026-12-01T12:00:00Z"], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      const base = server.addPackage(`packet-${name.replace(/\W+/g, "-")}`, dir);
      const page = await browser.context.newPage();
      await page.goto(`${base}packet.html`);
      assertClean(await violations(page), `review packet of ${name}`);
      await closePage(page);
    });
  });
}
