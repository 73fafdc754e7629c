// Reads a Trellis canonical JSON document and derives, independently of the exporter, what a
// lesson page must contain and report: its quiz items with their answer keys, the objectives
// it is aligned to, and the score a correct or a wrong run earns.
import { readFileSync } from "node:fs";

/** Package identifier of a UUID, as the exporters write it (`i` + 32 hex digits). */
export const ident = (uuid) => "i" + uuid.replace(/-/g, "");

export function loadDocument(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** Lists SCO pages from a manifest (`href`s of `scormType="sco"` resources, in item order). */
export function scosFromManifest(xml) {
  const resources = new Map();
  for (const m of xml.matchAll(/<resource\s[^>]*>/g)) {
    const tag = m[0];
    const id = /identifier="([^"]+)"/.exec(tag)[1];
    const href = /href="([^"]+)"/.exec(tag);
    const type = /adlcp:scorm[tT]ype="([^"]+)"/.exec(tag);
    if (href && type && type[1] === "sco") resources.set(id, href[1]);
  }
  const out = [];
  for (const m of xml.matchAll(/<item\s[^>]*identifierref="([^"]+)"[^>]*>/g)) {
    if (resources.has(m[1])) {
      const id = /identifier="([^"]+)"/.exec(m[0])[1];
      out.push({ item: id, href: resources.get(m[1]) });
    }
  }
  return out;
}

/** AUs of a cmi5 course structure (`cmi5.xml`), in document order: id, moveOn (cmi5's default
 * when absent), masteryScore (null when absent) and url. */
export function ausFromCourseStructure(xml) {
  const out = [];
  for (const m of xml.matchAll(/<au\s([^>]*)>([\s\S]*?)<\/au>/g)) {
    const attr = (name) => new RegExp(`${name}="([^"]*)"`).exec(m[1])?.[1] ?? null;
    out.push({
      id: attr("id"),
      moveOn: attr("moveOn") ?? "NotApplicable",
      masteryScore: attr("masteryScore"),
      url: /<url>([^<]+)<\/url>/.exec(m[2])[1],
    });
  }
  return out;
}

/** The SCOs of a manifest, each with what its page must show and report (`expect`). */
export function scosOf(xml, doc) {
  return scosFromManifest(xml).map((s) => ({ ...s, expect: lessonExpectations(doc, s.href) }));
}

/** The AUs of a cmi5 course structure, each with what its page must show and report (`expect`). */
export function ausOf(xml, doc) {
  return ausFromCourseStructure(xml).map((a) => ({ ...a, expect: lessonExpectations(doc, a.url) }));
}

/** Mastery score written for an item in a SCORM 1.2 manifest (percent), if any. */
export function masteryScore12(xml, item) {
  const at = xml.indexOf(`identifier="${item}"`);
  const end = xml.indexOf("</item>", at);
  const m = /<adlcp:masteryscore>([^<]+)<\/adlcp:masteryscore>/.exec(xml.slice(at, end));
  return m ? m[1] : null;
}

/** Minimum normalized measure of an item's primary objective in a SCORM 2004 manifest. */
export function scaledPassing2004(xml, item) {
  const at = xml.indexOf(`identifier="${item}"`);
  const end = xml.indexOf("</imsss:primaryObjective>", at);
  const m = /<imsss:minNormalizedMeasure>([^<]+)<\/imsss:minNormalizedMeasure>/.exec(xml.slice(at, end));
  return m ? m[1] : null;
}

const AUTO = new Set(["multipleChoice", "multipleResponse", "trueFalse", "shortAnswer", "numeric", "matching"]);

/**
 * What a lesson page (by its file name `i<hex>_<part>.html`) shows and must report.
 * Parts: `sco` (a leaf node, all of it), `overview` (content of a node with children),
 * `assessment` (assessments of a node with children).
 */
export function lessonExpectations(doc, href) {
  const m = /(i[0-9a-f]{32})_(sco|overview|assessment)\.html$/.exec(href);
  if (!m) throw new Error(`unexpected lesson page name ${href}`);
  const node = doc.nodes.find((n) => ident(n.id) === m[1]);
  if (!node) throw new Error(`no node for ${href}`);
  const part = m[2];
  const children = doc.nodes.filter((n) => n.parent === node.id);
  if (part === "sco" && children.length) throw new Error(`${href}: unit-level SCOs are not covered by this oracle`);
  const showContent = part !== "assessment";
  const assessments = part === "overview" ? [] : (doc.assessments || []).filter((a) => a.node === node.id);
  const objectives = new Set();
  if (showContent) {
    for (const o of doc.objectives || []) if (o.node === node.id) objectives.add(o.id);
    for (const a of doc.activities || []) if (a.node === node.id) (a.objectives || []).forEach((o) => objectives.add(o));
  }
  for (const a of assessments) {
    (a.objectives || []).forEach((o) => objectives.add(o));
    for (const i of a.items || []) (i.objectives || []).forEach((o) => objectives.add(o));
  }
  const order = (doc.objectives || []).map((o) => o.id);
  const aligned = [...objectives].sort((x, y) => order.indexOf(x) - order.indexOf(y));
  const scored = assessments.filter((a) => a.purpose !== "diagnostic" && (a.items || []).some((i) => AUTO.has(i.body.type)));
  const items = [];
  for (const a of assessments) {
    for (const i of a.items || []) items.push({ ...i, quiz: a.id, scored: scored.includes(a) && AUTO.has(i.body.type) });
  }
  const points = (i) => (typeof i.points === "number" ? i.points : 1);
  const maxPoints = items.filter((i) => i.scored).reduce((s, i) => s + points(i), 0);
  const mastery = scored.length
    ? (scored.map((a) => a.masteryScore).find((x) => typeof x === "number") ?? 0.8)
    : null;
  const perObjective = aligned.map((id) => {
    const mine = items.filter((i) => i.scored && (i.objectives || []).includes(id));
    return { id, scoredItems: mine.length, max: mine.reduce((s, i) => s + points(i), 0) };
  });
  return { node, part, assessments, items, aligned, perObjective, maxPoints, mastery, hasQuiz: scored.length > 0 };
}

/** Fills in one answer in a lesson frame (playwright Frame): correctly or wrongly. */
export async function answer(frame, item, correct) {
  const box = frame.locator(`[data-item="${ident(item.id)}"]`);
  const body = item.body;
  switch (body.type) {
    case "multipleChoice": {
      const pick = correct ? body.choices.find((c) => c.correct) : body.choices.find((c) => !c.correct);
      if (pick) await box.locator(`input[value="${ident(pick.id)}"]`).check();
      break;
    }
    case "multipleResponse": {
      for (const c of body.choices) {
        const input = box.locator(`input[value="${ident(c.id)}"]`);
        const want = correct ? !!c.correct : !c.correct && c === body.choices.find((x) => !x.correct);
        if (want) await input.check();
        else await input.uncheck();
      }
      break;
    }
    case "trueFalse":
      await box.locator(`input[value="${correct === !!body.answer ? "true" : "false"}"]`).check();
      break;
    case "shortAnswer":
      await box.locator("input").fill(correct ? body.answers[0] : "zz-not-an-answer");
      break;
    case "numeric":
      await box.locator("input").fill(String(correct ? body.answer : body.answer + Math.abs(body.tolerance || 0) + 1000));
      break;
    case "essay":
      await box.locator("textarea").fill("Skewed incomes: a few very large values pull the mean up.");
      break;
    case "matching": {
      const ids = body.pairs.map((p) => ident(p.id));
      for (let k = 0; k < ids.length; k++) {
        const value = correct ? ids[k] : ids[(k + 1) % ids.length];
        await box.locator(`select[data-pair="${ids[k]}"]`).selectOption(value);
      }
      break;
    }
    default:
      throw new Error(`unknown item type ${body.type}`);
  }
}
