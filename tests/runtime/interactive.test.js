// Interactive content built here (no ../shared needed), played in Debian Chromium:
// - a hostile H5P package (a valid h5p.json, content and a library whose script reaches for the
//   lesson page's DOM, the LMS's SCORM API, the package's manifest, and posts forged results) next
//   to a well-behaved H5P package on one SCORM 2004 lesson page: the hostile frame is contained
//   (docs/export.md, "Interactive content": every frame is sandboxed to scripts and forms);
// - an HTML5 simulation that posts a result and a resize message, in SCORM 2004 and cmi5: the
//   interaction / statement carries score, success and response, the aligned objective follows,
//   an out-of-range score is clamped, and messages from anything but the activity's frame are
//   ignored;
// - the offline site's H5P player and an HTML5 simulation opened from file:// (and H5P over http,
//   still sandboxed).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { closePage, openBrowser } from "./lib/browser.js";
import { startServer } from "./lib/server.js";
import { startLrs, verbOf } from "./lib/lrs.js";
import { REPO, TRELLIS, exportPackage } from "./lib/export.js";
import { ausFromCourseStructure, ident } from "./lib/course.js";

const FIXTURE = join(REPO, "tests", "fixtures", "interactive", "h5p-lesson.json");
const fixture = JSON.parse(readFileSync(FIXTURE, "utf8"));
const [first, second] = fixture.activities;
const lesson = fixture.nodes.find((n) => n.id === first.node);
const objective = fixture.objectives[0];
const lessonHref = `lessons/${ident(lesson.id)}_sco.html`;
const run = (args) => execFileSync(TRELLIS, args, { stdio: ["ignore", "pipe", "pipe"] }).toString();

/** Writes `files` ({ path: text }) under a new folder and returns it. */
function folder(name, files) {
  const dir = join(mkdtempSync(join(tmpdir(), "trellis-interactive-")), name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** An H5P package whose one library `machine` 1.0 runs `script`. */
function h5pFolder(name, machine, script) {
  return folder(name, {
    "h5p.json": JSON.stringify({
      title: name,
      language: "en",
      mainLibrary: machine,
      embedTypes: ["div"],
      preloadedDependencies: [{ machineName: machine, majorVersion: 1, minorVersion: 0 }],
    }),
    "content/content.json": JSON.stringify({ text: name }),
    [`${machine}-1.0/library.json`]: JSON.stringify({
      title: machine,
      machineName: machine,
      majorVersion: 1,
      minorVersion: 0,
      patchVersion: 0,
      runnable: 1,
      embedTypes: ["div"],
      preloadedJs: [{ path: "main.js" }],
    }),
    [`${machine}-1.0/main.js`]: script,
  });
}

/** A content type drawing a button that reports 1 of 2 points, answered, not successful. */
const DEMO = `var H5P = H5P || {};
H5P.Demo = (function () {
  function Demo(params) { H5P.EventDispatcher.call(this); this.params = params; }
  Demo.prototype = Object.create(H5P.EventDispatcher.prototype);
  Demo.prototype.constructor = Demo;
  Demo.prototype.attach = function ($container) {
    var self = this;
    var b = document.createElement("button");
    b.type = "button";
    b.className = "demo-answer";
    b.textContent = "Answer";
    b.onclick = function () {
      var e = self.createXAPIEventTemplate("answered");
      e.setScoredResult(1, 2, self, true, false);
      e.data.statement.result.response = "demo answer";
      self.trigger(e);
    };
    $container[0].appendChild(b);
    document.documentElement.setAttribute("data-demo", "drawn");
  };
  return Demo;
})();`;

/** A content type whose script tries everything a frame must not reach; what it got is written
 *  into its own page (data-probe) for the test to read. */
const HOSTILE = (victim) => `var H5P = H5P || {};
(function () {
  var probe = {};
  function attempt(name, fn) {
    try { probe[name] = "reached: " + String(fn()).slice(0, 60); } catch (e) { probe[name] = "blocked: " + e.name; }
  }
  attempt("parentDocument", function () { window.parent.document.body.innerHTML = "owned"; return "written"; });
  attempt("topTitle", function () { window.top.document.title = "owned"; return "written"; });
  attempt("scorm2004", function () { return window.top.API_1484_11.SetValue("cmi.interactions.0.id", "hostile"); });
  attempt("scorm2004Parent", function () { return window.parent.parent.API_1484_11.SetValue("cmi.interactions.0.id", "hostile"); });
  attempt("scorm12", function () { return window.top.API.LMSSetValue("cmi.interactions.0.id", "hostile"); });
  attempt("cookie", function () { return document.cookie; });
  // The lesson's address (a cmi5 launch carries the LRS credentials in its query).
  attempt("parentLocation", function () { return window.parent.location.href; });
  // A result claiming to be another activity's: the lesson knows frames by event.source only.
  var forged = { type: "trellis:result", verb: "answered", score: { scaled: 1 }, success: true, response: "forged", activity: "${victim}", id: "${victim}" };
  attempt("forgeFromOwnFrame", function () { window.parent.postMessage(forged, "*"); return "posted"; });
  // The same from a frame it creates (its window is not an activity's frame).
  attempt("forgeFromNestedFrame", function () {
    var f = document.createElement("iframe");
    f.srcdoc = "<script>window.top.postMessage(" + JSON.stringify(Object.assign({}, forged, { response: "forged-nested" })) + ", '*')<\\/script>";
    document.body.appendChild(f);
    return "posted";
  });
  // Reaching into the other activity's frame.
  attempt("otherFrameDocument", function () { return window.parent.frames[1].document.body.innerHTML; });
  var done = 0;
  function finish() { if (++done === 2) document.documentElement.setAttribute("data-probe", JSON.stringify(probe)); }
  fetch("../../imsmanifest.xml").then(function (r) { return r.text(); }).then(
    function (t) { probe.fetchManifest = "reached: " + t.slice(0, 40); finish(); },
    function (e) { probe.fetchManifest = "blocked: " + e.name; finish(); });
  try {
    var x = new XMLHttpRequest();
    x.open("GET", "../../imsmanifest.xml");
    x.onload = function () { probe.xhrManifest = "reached: " + String(x.responseText).slice(0, 40); finish(); };
    x.onerror = function () { probe.xhrManifest = "blocked: error"; finish(); };
    x.send();
  } catch (e) { probe.xhrManifest = "blocked: " + e.name; finish(); }
  H5P.Hostile = function () {};
  H5P.Hostile.prototype.attach = function ($container) { $container[0].textContent = "hostile"; };
})();`;

/** An HTML5 simulation posting `result` when its button is pressed, and a resize message. */
function simulation(result) {
  return folder("sim", {
    "index.html": `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Pendulum</title></head>
<body><button id="go" type="button">Submit</button><script src="sim.js"></script></body></html>`,
    "sim.js": `document.documentElement.setAttribute("data-sim", "ready");
document.getElementById("go").addEventListener("click", function () {
  parent.postMessage({ type: "trellis:resize", height: 321 }, "*");
  parent.postMessage(${JSON.stringify(result)}, "*");
});`,
  });
}

/** A .trellis document of the fixture with both activities on the first lesson page, each given
 *  the package `contents[i]`; `name` names the document (and so its exported package). */
function documentWith(name, contents) {
  const dir = mkdtempSync(join(tmpdir(), "trellis-interactive-doc-"));
  const json = JSON.parse(JSON.stringify(fixture));
  json.activities[1].node = first.node;
  const source = join(dir, "interactive.json");
  writeFileSync(source, JSON.stringify(json));
  const doc = join(dir, `${name}.trellis`);
  run(["import", "--from", "json", doc, source]);
  contents.forEach((pkg, i) => pkg && run(["activity", "attach", doc, json.activities[i].id, pkg]));
  return doc;
}

const frameOf = async (page, activity) =>
  (await page.locator(`[data-interactive="${ident(activity.id)}"] iframe`).elementHandle()).contentFrame();

async function launch(server, browser, base, standard, name) {
  const q = new URLSearchParams({ standard, run: name, sco: base + lessonHref, start: "{}" });
  const page = await browser.context.newPage();
  await page.goto(`${server.origin}/__lms/launcher.html?${q}`);
  await page.waitForFunction(() => window.__calls.some((c) => /Initialize$/.test(c.name)));
  const frame = page.frames().find((f) => f.url().endsWith(lessonHref));
  assert.ok(frame, "the lesson is loaded");
  await frame.waitForFunction(() => document.documentElement.getAttribute("data-trellis") === "connected");
  return { page, lessonFrame: frame };
}

const numbered = (o) => Object.keys(o || {}).filter((k) => /^\d+$/.test(k)).map((k) => o[k]);

describe("a hostile H5P package on a SCORM 2004 lesson page", () => {
  let server;
  let browser;
  let base;

  before(async () => {
    const doc = documentWith("hostile", [h5pFolder("hostile", "H5P.Hostile", HOSTILE(ident(second.id))), h5pFolder("demo", "H5P.Demo", DEMO)]);
    const pkg = exportPackage(doc, "scorm2004");
    server = await startServer();
    base = server.addPackage(pkg.name, pkg.dir);
    browser = await openBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test("reaches neither the lesson page, the SCORM API, the package's files nor another frame", async () => {
    const { page, lessonFrame } = await launch(server, browser, base, "scorm2004", "hostile");
    const title = await lessonFrame.evaluate(() => document.title);
    const hostile = await frameOf(lessonFrame, first);
    await hostile.waitForFunction(() => document.documentElement.hasAttribute("data-probe"));
    const probe = JSON.parse(await hostile.evaluate(() => document.documentElement.getAttribute("data-probe")));
    for (const name of ["parentDocument", "topTitle", "scorm2004", "scorm2004Parent", "scorm12", "cookie", "parentLocation", "otherFrameDocument", "fetchManifest", "xhrManifest"]) {
      assert.match(probe[name], /^blocked/, `${name}: ${probe[name]}`);
    }
    assert.equal(probe.forgeFromOwnFrame, "reached: posted");
    assert.equal(probe.forgeFromNestedFrame, "reached: posted");

    // The well-behaved neighbour still plays and records its own result.
    const demo = await frameOf(lessonFrame, second);
    await demo.waitForFunction(() => document.documentElement.getAttribute("data-demo") === "drawn");
    await demo.locator(".demo-answer").click();
    await page.waitForFunction(
      (id) => Object.values(window.__cmi().cmi.interactions || {}).some((i) => i && i.id === id),
      ident(second.id),
    );
    await new Promise((r) => setTimeout(r, 300));

    assert.equal(await lessonFrame.evaluate(() => document.title), title, "the lesson's title is unchanged");
    const body = await lessonFrame.evaluate(() => document.body.innerHTML);
    assert.ok(!body.includes("owned"), "the lesson's DOM was not written");
    const calls = await page.evaluate(() => window.__calls);
    assert.ok(!calls.some((c) => JSON.stringify(c.args).includes("hostile")), "the SCORM API was not called by the content");
    const cmi = await page.evaluate(() => window.__cmi().cmi);
    const interactions = numbered(cmi.interactions);
    assert.ok(!interactions.some((i) => i.id === "hostile"), "no interaction from the content itself");
    const neighbour = interactions.filter((i) => i.id === ident(second.id));
    assert.equal(neighbour.length, 1, "the neighbour's one interaction");
    assert.equal(neighbour[0].learner_response, "demo answer", "the neighbour's result is its own, not the forged one");
    assert.equal(neighbour[0].result, "incorrect");
    assert.ok(!interactions.some((i) => i.learner_response === "forged-nested"), "a nested frame's message is ignored");
    // The hostile frame's own message can only ever count as its own activity's result.
    for (const i of interactions.filter((x) => x.learner_response === "forged")) assert.equal(i.id, ident(first.id));
    assert.deepEqual(browser.outside, [], "requests outside the local server");
    await closePage(page);
  });
});

describe("an HTML5 simulation in a lesson", () => {
  let server;
  let lrs;
  let browser;
  let base2004;
  let baseCmi5;
  let au;
  const actor = { objectType: "Agent", name: "Test Learner", account: { homePage: "http://127.0.0.1", name: "learner-sim" } };

  before(async () => {
    // The simulation reports 150 % (clamped to 1), its neighbour is a simulation that never reports.
    const sim = simulation({ type: "trellis:result", verb: "answered", score: { scaled: 0.5 }, success: false, response: "period 2.1 s" });
    const doc = documentWith("sim", [sim, null]);
    const over = documentWith("sim-over", [simulation({ type: "trellis:result", verb: "answered", score: { scaled: 1.5 }, success: true, response: "over" }), null]);
    server = await startServer();
    lrs = await startLrs();
    base2004 = server.addPackage("sim-2004", exportPackage(doc, "scorm2004").dir);
    server.addPackage("sim-over", exportPackage(over, "scorm2004").dir);
    const cmi5 = exportPackage(doc, "cmi5");
    baseCmi5 = server.addPackage("sim-cmi5", cmi5.dir);
    const xml = readFileSync(join(cmi5.dir, "cmi5.xml"), "utf8");
    au = ausFromCourseStructure(xml).find((a) => a.url === lessonHref);
    assert.ok(au, `an AU launches ${lessonHref}`);
    browser = await openBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await lrs?.close();
  });

  test("SCORM 2004: the interaction carries score, success and response; the objective follows; other senders are ignored", async () => {
    const { page, lessonFrame } = await launch(server, browser, base2004, "scorm2004", "sim");
    const frame = lessonFrame.locator(`[data-interactive="${ident(first.id)}"] iframe`);

    // Messages not sent by the activity's frame: the page's own script, and a frame injected
    // into the page (not the activity's) — both ignored.
    await lessonFrame.evaluate((id) => {
      window.postMessage({ type: "trellis:result", verb: "answered", score: { scaled: 1 }, success: true, response: "page" }, "*");
      const f = document.createElement("iframe");
      f.srcdoc = `<script>parent.postMessage({ type: "trellis:result", verb: "answered", score: { scaled: 1 }, success: true, response: "injected" }, "*")<\/script>`;
      document.querySelector(`[data-interactive="${id}"]`).after(f);
    }, ident(first.id));
    await new Promise((r) => setTimeout(r, 500));
    let cmi = await page.evaluate(() => window.__cmi().cmi);
    assert.equal(numbered(cmi.interactions).length, 0, "nothing recorded from other senders");

    const sim = await frame.elementHandle().then((h) => h.contentFrame());
    await sim.locator("#go").click();
    await page.waitForFunction(() => Object.values(window.__cmi().cmi.interactions || {}).some((i) => i && i.result));
    assert.equal(await frame.getAttribute("height"), "321", "the frame follows the simulation's resize message");
    cmi = await page.evaluate(() => window.__cmi().cmi);
    const interactions = numbered(cmi.interactions);
    assert.equal(interactions.length, 1, "one interaction");
    const it = interactions[0];
    assert.equal(it.id, ident(first.id));
    assert.equal(it.type, "other");
    assert.equal(it.result, "incorrect", `success: false; ${JSON.stringify(it)}`);
    assert.equal(it.learner_response, "period 2.1 s");
    assert.equal(it.objectives["0"].id, objective.id);
    const o = numbered(cmi.objectives).find((x) => x.id === objective.id);
    assert.ok(o, "the aligned objective is recorded");
    assert.equal(Number(o.score.scaled), 0.5, "the objective's score follows the simulation's");
    assert.equal(o.success_status, "failed", "without a mastery score the simulation's success decides");
    assert.deepEqual(browser.outside, [], "requests outside the local server");
    await closePage(page);
  });

  test("SCORM 2004: a score above 1 is clamped", async () => {
    const { page, lessonFrame } = await launch(server, browser, server.origin + "/pkg/sim-over/", "scorm2004", "sim-over");
    const sim = await frameOf(lessonFrame, first);
    await sim.locator("#go").click();
    await page.waitForFunction(() => Object.values(window.__cmi().cmi.objectives || {}).some((o) => o && o.score && o.score.scaled !== ""));
    const cmi = await page.evaluate(() => window.__cmi().cmi);
    const o = numbered(cmi.objectives).find((x) => x.id === objective.id);
    assert.equal(Number(o.score.scaled), 1, "1.5 is clamped to 1");
    assert.equal(o.success_status, "passed");
    await closePage(page);
  });

  test("cmi5: the answered statement carries score, success and response, then the objective's failed statement", async () => {
    const { session, query } = lrs.launch({ au, actor });
    const page = await browser.context.newPage();
    await page.goto(`${baseCmi5}${au.url}?${query}`);
    await page.waitForFunction(() => document.documentElement.getAttribute("data-trellis") === "connected");
    await page.evaluate(() => window.postMessage({ type: "trellis:result", verb: "answered", score: { scaled: 1 }, success: true, response: "page" }, "*"));
    const sim = await frameOf(page.mainFrame(), first);
    await sim.locator("#go").click();
    const list = await lrs.until(session.id, (s) => s.object.id === `urn:trellis:objective:${objective.id}`);
    const answered = list.filter((s) => verbOf(s) === "answered");
    assert.equal(answered.length, 1, `one answered statement; got ${list.map(verbOf).join(", ")}`);
    assert.equal(answered[0].object.id, `${au.id}/item/${ident(first.id)}`);
    assert.equal(answered[0].result.score.scaled, 0.5);
    assert.equal(answered[0].result.success, false);
    assert.equal(answered[0].result.response, "period 2.1 s");
    const judged = list.filter((s) => s.object.id === `urn:trellis:objective:${objective.id}`);
    assert.equal(judged.length, 1, "one statement about the objective");
    assert.equal(verbOf(judged[0]), "failed");
    assert.equal(judged[0].result.score.scaled, 0.5);
    assert.deepEqual(browser.outside, [], "requests outside the local server");
    await closePage(page);
  });
});

describe("H5P and an HTML5 simulation on the offline site", () => {
  let browser;
  let dir;

  before(async () => {
    const sim = simulation({ type: "trellis:result", verb: "answered", score: { scaled: 1 } });
    const doc = documentWith("site", [h5pFolder("demo", "H5P.Demo", DEMO), sim]);
    dir = join(mkdtempSync(join(tmpdir(), "trellis-interactive-site-")), "site");
    run(["export", doc, "--format", "site", "-o", dir]);
    browser = await openBrowser();
    await browser.context.route((url) => url.protocol === "file:", (route) => route.continue());
  });

  after(async () => {
    await browser?.close();
  });

  test("the player draws the content without a server", async () => {
    const page = await browser.context.newPage();
    const index = readFileSync(join(dir, "index.html"), "utf8");
    const href = [...index.matchAll(/href="([^"#]+\.html)"/g)].map((m) => m[1]).find((h) => h.startsWith("true-or-false"));
    assert.ok(href, "the lesson's page is linked from the index");
    await page.goto(pathToFileURL(join(dir, href)).href);
    const player = await frameOf(page.mainFrame(), first);
    await player.waitForFunction(() => document.documentElement.getAttribute("data-trellis-h5p") === "ready");
    await player.waitForFunction(() => document.documentElement.getAttribute("data-demo") === "drawn");
    await player.locator(".demo-answer").click();
    // The HTML5 simulation's own script loads too.
    const simulationFrame = await frameOf(page.mainFrame(), second);
    await simulationFrame.waitForFunction(() => document.documentElement.getAttribute("data-sim") === "ready");
    // The frame's first, sandboxed load is refused its files before site.js reloads it in the
    // site's origin; nothing else may fail.
    const errors = browser.errors.filter((e) => !e.includes("Not allowed to load local resource"));
    assert.deepEqual(errors, [], "no script error");
    await closePage(page);
  });

  test("served over http the frame stays sandboxed and the player draws the content", async () => {
    const server = await startServer();
    try {
      const base = server.addPackage("site", dir);
      const index = readFileSync(join(dir, "index.html"), "utf8");
      const href = [...index.matchAll(/href="([^"#]+\.html)"/g)].map((m) => m[1]).find((h) => h.startsWith("true-or-false"));
      const page = await browser.context.newPage();
      await page.goto(base + href);
      const sandbox = await page.locator(`[data-interactive="${ident(first.id)}"] iframe`).getAttribute("sandbox");
      assert.equal(sandbox, "allow-scripts allow-forms", "no allow-same-origin over http");
      const player = await frameOf(page.mainFrame(), first);
      await player.waitForFunction(() => document.documentElement.getAttribute("data-demo") === "drawn");
      assert.equal(await player.evaluate(() => window.origin), "null", "the player runs in an opaque origin");
      assert.deepEqual(browser.failed, [], "failed requests");
      await closePage(page);
    } finally {
      await server.close();
    }
  });
});
