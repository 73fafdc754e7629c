// QTI item banks exported by the trellis CLI, played in a real QTI 3 player: Citolab's
// @citolab/qti-components (web components that render QTI 3.0 items and score them by running
// their response processing, standard templates included), loaded from node_modules and served
// locally, in Debian Chromium with every request outside 127.0.0.1 blocked.
//
// Every item of the QTI 3.0 bank is answered correctly and wrongly (and left unanswered); the
// SCORE, MAXSCORE and FEEDBACK outcomes the player computes are compared with what the model
// says: the item's points for a correct answer, 0 for a wrong one, the matched share of a matching
// item, 0 for an essay (scored by a person), and the correct/incorrect feedback. Responses are
// set through the item's API; multiple choice and true/false items are also answered by clicking
// the rendered choices.
//
// QTI 2.1: the QTI 2.1 bank is converted item by item with @citolab/qti-convert (offline: the
// 1EdTech/ETS QTI 2.x → 3.0 XSLT run by saxon-js inside Node) and the converted items are played
// and checked the same way, so the 2.1 bank's response processing is scored by the same engine.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { convertQti2toQti3 } from "@citolab/qti-convert/qti-convert-node";
import { closePage, openBrowser } from "./lib/browser.js";
import { startServer } from "./lib/server.js";
import { documents, exportPackage } from "./lib/export.js";
import { loadDocument } from "./lib/course.js";

const require = createRequire(import.meta.url);
const playerDist = join(dirname(require.resolve("@citolab/qti-components/package.json")), "cdn");

const PLAYER_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>QTI 3 player</title>
<script type="module">
import * as qti from "/__qti/cdn/index.js";
window.qti = qti;
window.qtiReady = true;
</script></head><body><main id="stage"></main></body></html>`;

const ident = (uuid) => `i${uuid.replaceAll("-", "")}`;
const num = (x) => Number(x);

/**
 * The responses to try for one model item and the outcomes the player must compute for them:
 * [{ label, response, score, feedback }] (`feedback` is "correct"/"incorrect" when the item has
 * modal feedback for that case, else undefined).
 */
function cases(item) {
  const points = item.points ?? 1;
  const body = item.body;
  const fb = (which) => ((which === "correct" ? item.feedbackCorrect : item.feedbackIncorrect) ? which : undefined);
  const id = ident(item.id);
  switch (body.type) {
    case "multipleChoice": {
      const right = body.choices.find((c) => c.correct);
      const wrong = body.choices.find((c) => !c.correct);
      return [
        { label: "correct choice", response: ident(right.id), score: points, feedback: fb("correct") },
        { label: "wrong choice", response: ident(wrong.id), score: 0, feedback: fb("incorrect") },
        { label: "no answer", response: null, score: 0 },
      ];
    }
    case "multipleResponse": {
      const right = body.choices.filter((c) => c.correct).map((c) => ident(c.id));
      const wrong = body.choices.find((c) => !c.correct);
      return [
        { label: "all correct choices", response: right, score: points, feedback: fb("correct") },
        { label: "one correct choice missing", response: right.slice(1), score: 0, feedback: fb("incorrect") },
        { label: "a wrong choice added", response: [...right, ident(wrong.id)], score: 0, feedback: fb("incorrect") },
      ];
    }
    case "trueFalse":
      return [
        { label: "right truth value", response: `${id}_${body.answer}`, score: points, feedback: fb("correct") },
        { label: "wrong truth value", response: `${id}_${!body.answer}`, score: 0, feedback: fb("incorrect") },
      ];
    case "shortAnswer": {
      const answer = body.answers[0];
      const typed = body.caseSensitive ? answer : answer.toUpperCase();
      return [
        { label: `accepted answer "${typed}"`, response: typed, score: points, feedback: fb("correct") },
        { label: "other text", response: `${answer} no`, score: 0, feedback: fb("incorrect") },
      ];
    }
    case "numeric": {
      const t = body.tolerance ?? 0;
      return [
        { label: "the value", response: String(body.answer), score: points, feedback: fb("correct") },
        ...(t > 0 ? [{ label: "within the tolerance", response: String(num(body.answer) + t / 2), score: points }] : []),
        { label: "outside the tolerance", response: String(num(body.answer) + 2 * t + 1), score: 0, feedback: fb("incorrect") },
      ];
    }
    case "matching": {
      const pairs = body.pairs.map((p) => `${ident(p.id)}_prompt ${ident(p.id)}_answer`);
      const swapped = body.pairs.map((p, i) => {
        const other = body.pairs[i < 2 ? 1 - i : i];
        return `${ident(p.id)}_prompt ${ident(other.id)}_answer`;
      });
      const share = points / body.pairs.length;
      return [
        { label: "every pair", response: pairs, score: points, feedback: fb("correct") },
        { label: "two answers swapped", response: swapped, score: share * (body.pairs.length - 2) },
      ];
    }
    case "essay":
      return [{ label: "an essay (scored by a person)", response: "A considered answer.", score: 0 }];
    default:
      throw new Error(`unknown item type ${body.type}`);
  }
}

/** Plays one item in the page: loads it, sets the response, runs response processing. */
async function play(page, url, response) {
  return page.evaluate(
    async ({ url, response }) => {
      const stage = document.getElementById("stage");
      stage.replaceChildren();
      const api = await window.qti.qtiTransformItem().load(url);
      stage.appendChild(api.htmlDoc());
      await customElements.whenDefined("qti-assessment-item");
      const item = stage.querySelector("qti-assessment-item");
      if (!item) throw new Error(`no qti-assessment-item in ${url}`);
      await item.updateComplete;
      await new Promise((r) => setTimeout(r, 20));
      if (response !== null) item.updateResponseVariable("RESPONSE", response);
      item.processResponse();
      const outcome = (id) => {
        try {
          const v = item.getOutcome(id);
          return v ? v.value : null;
        } catch {
          return null;
        }
      };
      return {
        score: outcome("SCORE"),
        max: outcome("MAXSCORE"),
        feedback: outcome("FEEDBACK"),
        interactions: [...stage.querySelectorAll("[response-identifier]")].map((e) => e.localName),
      };
    },
    { url, response },
  );
}

/** Mounts one item in the page and waits until the player has rendered it. */
async function mount(page, url) {
  await page.evaluate(async (url) => {
    const stage = document.getElementById("stage");
    stage.replaceChildren();
    const api = await window.qti.qtiTransformItem().load(url);
    stage.appendChild(api.htmlDoc());
    await customElements.whenDefined("qti-assessment-item");
    await stage.querySelector("qti-assessment-item").updateComplete;
  }, url);
}

/** Runs response processing on the mounted item and returns its SCORE. */
async function score(page) {
  return page.evaluate(() => {
    const item = document.querySelector("qti-assessment-item");
    item.processResponse();
    return item.getOutcome("SCORE").value;
  });
}

/** The model's items with their file in the bank, in bank order. */
function bankItems(doc) {
  return doc.assessments.flatMap((a) => (a.items ?? []).map((item) => ({ item, file: `items/${ident(item.id)}.xml` })));
}

/** Converts every QTI 2.1 item of an unpacked bank to QTI 3 with @citolab/qti-convert. */
async function convertBank(dir) {
  const out = `${dir}-converted`;
  mkdirSync(join(out, "items"), { recursive: true });
  if (existsSync(join(dir, "assets"))) cpSync(join(dir, "assets"), join(out, "assets"), { recursive: true });
  for (const file of readdirSync(join(dir, "items"))) {
    const qti3 = await convertQti2toQti3(readFileSync(join(dir, "items", file), "utf8"));
    writeFileSync(join(out, "items", file), qti3);
  }
  return out;
}


/** XML text for comparison: no declaration or processing instructions, attributes sorted, no
 * whitespace between tags, empty elements self-closed. */
function normalise(xml) {
  return xml
    .replace(/<\?[^?]*\?>/g, "")
    .replace(/<([\w:-]+)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>/g, (_, name, attrs, close) => {
      const list = (attrs.match(/[\w:-]+="[^"]*"/g) ?? []).sort();
      return `<${name}${list.map((a) => ` ${a}`).join("")}${close}>`;
    })
    .replace(/>\s+</g, "><")
    .replace(/<([\w:-]+)([^<>]*)><\/\1>/g, "<$1$2/>")
    .trim();
}

for (const docPath of documents()) {
  const doc = loadDocument(docPath);
  const items = bankItems(doc);
  describe(`QTI banks in a QTI 3 player: ${docPath.split("/").pop()}`, () => {
    let server;
    let browser;
    let page;
    const bases = {};

    before(async () => {
      server = await startServer();
      server.route("/__qti/", async (req, res, url) => {
        if (url.pathname === "/__qti/player.html") {
          res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
          return res.end(PLAYER_PAGE);
        }
        const rel = url.pathname.slice("/__qti/cdn/".length);
        if (!url.pathname.startsWith("/__qti/cdn/") || rel.includes("..")) return res.writeHead(404).end();
        try {
          const body = readFileSync(join(playerDist, rel));
          res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
          return res.end(body);
        } catch {
          return res.writeHead(404).end();
        }
      });
      const v3 = exportPackage(docPath, "qti3");
      const v21 = exportPackage(docPath, "qti21");
      bases.qti3 = server.addPackage(v3.name, v3.dir);
      bases.qti21 = server.addPackage(`${v21.name}-converted`, await convertBank(v21.dir));
      browser = await openBrowser();
      page = await browser.context.newPage();
      await page.goto(`${server.origin}/__qti/player.html`);
      await page.waitForFunction(() => window.qtiReady === true);
    });

    after(async () => {
      if (page) await closePage(page);
      if (browser) await browser.close();
      if (server) await server.close();
    });

    test("the documents have items of every type the model has", () => {
      assert.ok(items.length > 0, "items to play");
    });

    for (const version of ["qti3", "qti21"]) {
      test(`${version}: the player scores every item by its response processing`, async () => {
        const problems = [];
        let played = 0;
        for (const { item, file } of items) {
          for (const c of cases(item)) {
            const got = await play(page, `${bases[version]}${file}`, c.response);
            played++;
            const where = `${version} ${item.body.type} "${item.stem.slice(0, 40)}" (${c.label})`;
            if (Math.abs(Number(got.score) - c.score) > 1e-9) problems.push(`${where}: SCORE ${got.score}, expected ${c.score}`);
            if (Math.abs(Number(got.max) - (item.points ?? 1)) > 1e-9) problems.push(`${where}: MAXSCORE ${got.max}`);
            if (c.feedback) {
              const fb = [got.feedback].flat();
              if (!fb.includes(c.feedback)) problems.push(`${where}: FEEDBACK ${JSON.stringify(got.feedback)}, expected ${c.feedback}`);
            }
            if (got.interactions.length !== 1) problems.push(`${where}: ${got.interactions.length} interactions rendered`);
          }
        }
        assert.deepEqual(problems, [], `${played} responses played`);
        assert.deepEqual(browser.outside, [], "no request left 127.0.0.1");
      });
    }

    test("qti3: every item and test is what the official QTI 2.x → 3.0 conversion makes of the qti21 bank", async () => {
      const v3 = exportPackage(docPath, "qti3");
      const v21 = exportPackage(docPath, "qti21");
      const differ = [];
      let compared = 0;
      for (const folder of ["items", "tests"]) {
        for (const file of readdirSync(join(v21.dir, folder))) {
          const converted = await convertQti2toQti3(readFileSync(join(v21.dir, folder, file), "utf8"));
          const ours = readFileSync(join(v3.dir, folder, file), "utf8");
          compared++;
          if (normalise(converted) !== normalise(ours)) {
            const a = normalise(converted);
            const b = normalise(ours);
            let i = 0;
            while (i < a.length && a[i] === b[i]) i++;
            differ.push(`${folder}/${file}: converted …${a.slice(Math.max(0, i - 80), i + 80)}… ours …${b.slice(Math.max(0, i - 80), i + 80)}…`);
          }
        }
      }
      assert.ok(compared > items.length, `${compared} files compared`);
      assert.deepEqual(differ, []);
    });

    test("qti3: choosing with the mouse in the rendered item scores like the model", async () => {
      const choiceItems = items.filter(({ item }) => ["multipleChoice", "trueFalse"].includes(item.body.type));
      assert.ok(choiceItems.length > 0);
      for (const { item, file } of choiceItems) {
        const id = ident(item.id);
        const right = item.body.type === "trueFalse" ? `${id}_${item.body.answer}` : ident(item.body.choices.find((c) => c.correct).id);
        const wrong = item.body.type === "trueFalse" ? `${id}_${!item.body.answer}` : ident(item.body.choices.find((c) => !c.correct).id);
        for (const [choice, expected] of [
          [right, item.points ?? 1],
          [wrong, 0],
        ]) {
          await mount(page, `${bases.qti3}${file}`);
          await page.locator(`qti-simple-choice[identifier="${choice}"]`).click();
          assert.equal(Number(await score(page)), expected, `${item.stem}: clicking ${choice}`);
        }
      }
    });

    test("qti3: chosen choices' inline feedback is selected by FEEDBACK", async () => {
      const withChoiceFeedback = items.filter(({ item }) => (item.body.choices ?? []).some((c) => c.feedback));
      for (const { item, file } of withChoiceFeedback) {
        const choice = item.body.choices.find((c) => c.feedback);
        const response = item.body.type === "multipleResponse" ? [ident(choice.id)] : ident(choice.id);
        const got = await play(page, `${bases.qti3}${file}`, response);
        assert.ok([got.feedback].flat().includes(ident(choice.id)), `${item.stem}: ${JSON.stringify(got.feedback)}`);
      }
    });
  });
}
