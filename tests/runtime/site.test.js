// The offline course website (`trellis export DOC --format site -o DIR`) opened from file:// in
// Debian's Chromium: every page reached by following the internal links (none broken, no request
// leaving the folder), axe-core finds no violation on any page, the search box finds a page and
// leads to it, and a practice quiz answered right scores full marks (wrong: less).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { closePage, openBrowser } from "./lib/browser.js";
import { REPO, TRELLIS } from "./lib/export.js";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const work = mkdtempSync(join(tmpdir(), "trellis-site-"));

// Both examples are part of the repository: a missing one fails the export, never skips it.
const DOCS = ["intro-statistics.json", "nursing-pharmacology.json"].map((name) => join(REPO, "examples", name));

let exports = 0;
function exportSite(doc) {
  if (!existsSync(TRELLIS)) throw new Error(`${TRELLIS} does not exist; run cargo build --bin trellis first`);
  const dir = join(work, `${basename(doc, ".json")}-${++exports}`);
  execFileSync(TRELLIS, ["export", doc, "--format", "site", "-o", dir], { stdio: ["ignore", "pipe", "pipe"] });
  return dir;
}

/** The file a file:// address names, without query and fragment. */
function fileOf(url) {
  const u = new URL(url);
  u.hash = "";
  u.search = "";
  return fileURLToPath(u.href);
}

/** The shared browser, which lets only 127.0.0.1 through, here also reads the site's own files. */
async function openSiteBrowser() {
  const browser = await openBrowser();
  await browser.context.route((url) => url.protocol === "file:", (route) => route.continue());
  return browser;
}

async function axeViolations(page) {
  await page.evaluate(AXE);
  return page.evaluate(() =>
    window.axe
      // No preload: axe would fetch the stylesheets, which the site's content security policy refuses.
      .run(document, { resultTypes: ["violations"], preload: false })
      .then((r) => r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)),
  );
}

for (const doc of DOCS) {
  test(`${basename(doc)}: the site works from file:// — every page reached, no broken link, no axe violation`, async () => {
    const dir = exportSite(doc);
    const browser = await openSiteBrowser();
    try {
      const page = await browser.context.newPage();
      const queue = [pathToFileURL(join(dir, "index.html")).href];
      const seen = new Set();
      const fragments = []; // [from, to-file, id]
      while (queue.length) {
        const url = queue.shift();
        const file = fileOf(url);
        if (seen.has(file)) continue;
        seen.add(file);
        assert.ok(existsSync(file), `${url} exists`);
        await page.goto(pathToFileURL(file).href);
        assert.match((await page.getAttribute("html", "lang")) || "", /^[a-z]{2,3}(-[A-Za-z0-9]+)*$/, `${file}: lang`);
        assert.equal(await page.locator("h1").count(), 1, `${file}: one h1`);
        const links = await page.$$eval("a[href], link[href], script[src], img[src]", (els) =>
          els.map((e) => ({ url: e.href || e.src, rel: e.getAttribute("rel") || "", tag: e.tagName })),
        );
        for (const link of links) {
          if (link.url.startsWith("file:")) {
            assert.ok(existsSync(fileOf(link.url)), `${file}: ${link.tag} ${link.url} is broken`);
            const hash = new URL(link.url).hash;
            if (hash) fragments.push([file, fileOf(link.url), decodeURIComponent(hash.slice(1))]);
            if (link.tag === "A" && fileOf(link.url).endsWith(".html")) queue.push(link.url);
          } else if (link.tag === "A" && /^https?:/.test(link.url)) {
            assert.match(link.rel, /noopener/, `${file}: ${link.url} opens without rel=noopener`);
          } else if (!link.url.startsWith("mailto:")) {
            assert.fail(`${file}: ${link.tag} points outside the site: ${link.url}`);
          }
        }
        assert.deepEqual(await axeViolations(page), [], `${file}: axe-core violations`);
      }
      for (const [from, to, id] of fragments) {
        const html = readFileSync(to, "utf8");
        assert.ok(html.includes(` id="${id}"`), `${from}: no element ${id} in ${to}`);
      }
      // Every page but the search page (reached through the search form) is linked from another.
      const all = readdirSync(dir).filter((f) => f.endsWith(".html") && f !== "search.html");
      assert.deepEqual(all.filter((f) => !seen.has(join(dir, f))), [], "pages no link leads to");
      assert.deepEqual(browser.outside, [], "no request left the site");
      assert.deepEqual(browser.errors, [], "no script error");
      await closePage(page);
    } finally {
      await browser.close();
    }
  });
}

test("the search box finds a page offline and a practice quiz is scored in the page", async () => {
  const dir = exportSite(DOCS[0]);
  const browser = await openSiteBrowser();
  try {
    const page = await browser.context.newPage();
    await page.goto(pathToFileURL(join(dir, "index.html")).href);
    // A word from a page title that is not the course title.
    const target = await page.$eval("main .site-contents ul ul a", (a) => ({ title: a.textContent, href: a.href }));
    const word = target.title.split(/\s+/).find((w) => w.length > 5) || target.title;
    await page.getByLabel("Search the course").fill(word);
    await page.getByLabel("Search the course").press("Enter");
    await page.waitForURL(/search\.html\?q=/);
    await page.locator("#site-results li").first().waitFor();
    assert.match(await page.locator("#site-results-summary").textContent(), /\d+ results? for/);
    const found = await page.$$eval("#site-results a", (as) => as.map((a) => a.href));
    assert.ok(found.some((h) => h.split("#")[0] === target.href), `${word}: ${target.href} among ${found}`);
    // Typing refines the results in place.
    await page.getByLabel("Search the course").fill("zzzz-nothing-like-this");
    assert.match(await page.locator("#site-results-summary").textContent(), /Nothing found/);
    assert.equal(await page.locator("#site-results li").count(), 0);
    await page.getByLabel("Search the course").fill(word);
    await page.locator("#site-results a").first().click();
    await page.waitForURL((u) => !u.href.includes("search.html"));

    // The first page with a practice quiz: answer everything right, then everything wrong.
    const pages = readFileSync(join(dir, "site", "search-index.js"), "utf8");
    const index = JSON.parse(pages.trim().replace(/^window\.TRELLIS_SEARCH = /, "").replace(/;$/, ""));
    let quizPage = null;
    for (const entry of index) {
      const file = join(dir, entry.u.split("#")[0]);
      if (readFileSync(file, "utf8").includes('class="trellis-quiz site-quiz"')) {
        quizPage = file;
        break;
      }
    }
    assert.ok(quizPage, "the example has a practice quiz");
    await page.goto(pathToFileURL(quizPage).href);
    const keys = JSON.parse(await page.locator("#site-quiz-data").textContent()).items;
    const form = page.locator("form.site-quiz").first();
    const ids = await form.locator("[data-item]").evaluateAll((els) => els.map((e) => e.getAttribute("data-item")));
    let possible = 0;
    for (const id of ids) {
      const item = keys.find((k) => k.id === id);
      const el = form.locator(`[data-item="${id}"]`);
      if (item.type !== "essay") possible += item.points;
      switch (item.type) {
        case "multipleChoice":
          await el.locator(`input[value="${item.key.correct}"]`).check();
          break;
        case "trueFalse":
          await el.locator(`input[value="${item.key.answer}"]`).check();
          break;
        case "multipleResponse":
          for (const c of item.key.correct) await el.locator(`input[value="${c}"]`).check();
          break;
        case "shortAnswer":
          await el.locator("input").fill(item.key.answers[0]);
          break;
        case "numeric":
          await el.locator("input").fill(String(item.key.answer));
          break;
        case "matching":
          for (const p of item.key.pairs) await el.locator(`select[data-pair="${p}"]`).selectOption(p);
          break;
        case "essay":
          await el.locator("textarea").fill("My answer.");
          break;
      }
    }
    await form.getByRole("button", { name: "Check answers" }).click();
    const full = Math.round(possible * 100) / 100;
    assert.equal(await form.locator(".trellis-result").textContent(), `Score: ${full} of ${full} points (100 %).`);
    assert.ok((await form.locator(".is-correct").count()) > 0, "questions marked correct");
    await form.getByRole("button", { name: "Try again" }).click();
    await form.getByRole("button", { name: "Check answers" }).click();
    assert.match(await form.locator(".trellis-result").textContent(), new RegExp(`^Score: 0 of ${full} points \\(0 %\\)\\.$`));
    const verdicts = await form.locator(".trellis-feedback > p:first-child").allTextContents();
    assert.ok(verdicts.length === ids.length && verdicts.every((v) => /^(Not answered|Not scored)/.test(v)), verdicts.join(" | "));
    assert.deepEqual(browser.outside, [], "no request left the site");
    assert.deepEqual(browser.errors, [], "no script error");
    await closePage(page);
  } finally {
    await browser.close();
  }
});
