// What an LMS does with a SCORM 2004 manifest before it can sequence a course: read the
// organization's items and their IMS Simple Sequencing elements into scorm-again's activity tree
// settings. Only the elements and attributes Trellis writes are read; unknown ones are ignored.

/** A small parser for the well-formed XML of a manifest: elements, attributes, text. */
export function parseXml(text) {
  const root = { name: "#root", attrs: {}, children: [], text: "" };
  const stack = [root];
  const re = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<\/([^\s>]+)\s*>|<([^\s>/]+)((?:\s+[^\s=]+\s*=\s*"[^"]*")*)\s*(\/?)>|([^<]+)/g;
  const unescape = (s) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
  for (const m of text.matchAll(re)) {
    if (m[1]) {
      const el = stack.pop();
      if (el.name !== m[1]) throw new Error(`mismatched </${m[1]}> for <${el.name}>`);
    } else if (m[2]) {
      const attrs = {};
      for (const a of m[3].matchAll(/([^\s=]+)\s*=\s*"([^"]*)"/g)) attrs[a[1]] = unescape(a[2]);
      const el = { name: m[2], attrs, children: [], text: "" };
      stack[stack.length - 1].children.push(el);
      if (!m[4]) stack.push(el);
    } else if (m[5]) {
      stack[stack.length - 1].text += unescape(m[5]);
    }
  }
  return root.children[0];
}

const kid = (el, name) => el.children.find((c) => c.name === name);
const kids = (el, name) => el.children.filter((c) => c.name === name);
const bool = (v) => (v === undefined ? undefined : v === "true");

function objective(el, isPrimary) {
  const min = kid(el, "imsss:minNormalizedMeasure");
  return {
    objectiveID: el.attrs.objectiveID,
    isPrimary,
    satisfiedByMeasure: bool(el.attrs.satisfiedByMeasure) ?? false,
    ...(min ? { minNormalizedMeasure: Number(min.text) } : {}),
    mapInfo: kids(el, "imsss:mapInfo").map((m) => ({
      targetObjectiveID: m.attrs.targetObjectiveID,
      readSatisfiedStatus: bool(m.attrs.readSatisfiedStatus) ?? true,
      readNormalizedMeasure: bool(m.attrs.readNormalizedMeasure) ?? true,
      writeSatisfiedStatus: bool(m.attrs.writeSatisfiedStatus) ?? false,
      writeNormalizedMeasure: bool(m.attrs.writeNormalizedMeasure) ?? false,
    })),
  };
}

function rules(el, name) {
  return kids(el, name).map((r) => {
    const conds = kid(r, "imsss:ruleConditions");
    return {
      action: kid(r, "imsss:ruleAction").attrs.action,
      conditionCombination: conds.attrs.conditionCombination || "all",
      conditions: kids(conds, "imsss:ruleCondition").map((c) => ({
        condition: c.attrs.condition,
        operator: c.attrs.operator || "noOp",
        ...(c.attrs.referencedObjective ? { referencedObjective: c.attrs.referencedObjective } : {}),
      })),
    };
  });
}

function activity(item) {
  const seq = kid(item, "imsss:sequencing");
  const out = { id: item.attrs.identifier, title: kid(item, "title")?.text ?? "" };
  const children = kids(item, "item").map(activity);
  if (children.length) out.children = children;
  if (!seq) return out;
  const control = kid(seq, "imsss:controlMode");
  const rollup = kid(seq, "imsss:rollupRules");
  const delivery = kid(seq, "imsss:deliveryControls");
  out.sequencingControls = {
    ...(control ? { choice: bool(control.attrs.choice) ?? true, flow: bool(control.attrs.flow) ?? false } : {}),
    ...(rollup
      ? {
          rollupObjectiveSatisfied: bool(rollup.attrs.rollupObjectiveSatisfied) ?? true,
          rollupProgressCompletion: bool(rollup.attrs.rollupProgressCompletion) ?? true,
          objectiveMeasureWeight: Number(rollup.attrs.objectiveMeasureWeight ?? 1),
        }
      : {}),
  };
  if (delivery) {
    out.deliveryControls = {
      completionSetByContent: bool(delivery.attrs.completionSetByContent) ?? false,
      objectiveSetByContent: bool(delivery.attrs.objectiveSetByContent) ?? false,
    };
  }
  const seqRules = kid(seq, "imsss:sequencingRules");
  if (seqRules) out.sequencingRules = { preConditionRules: rules(seqRules, "imsss:preConditionRule") };
  const objectives = kid(seq, "imsss:objectives");
  if (objectives) {
    const primary = kid(objectives, "imsss:primaryObjective");
    if (primary) out.primaryObjective = objective(primary, true);
    out.objectives = kids(objectives, "imsss:objective").map((o) => objective(o, false));
  }
  return out;
}

/** scorm-again `sequencing` settings for the default organization of a SCORM 2004 manifest. */
export function sequencingFromManifest(xml) {
  const manifest = parseXml(xml);
  const orgs = kid(manifest, "organizations");
  const org = kids(orgs, "organization").find((o) => o.attrs.identifier === orgs.attrs.default);
  const root = activity({ ...org, attrs: { identifier: org.attrs.identifier } });
  return { activityTree: root };
}

/** SCO launch pages by item identifier. */
export function launchPages(xml) {
  const manifest = parseXml(xml);
  const resources = new Map(kids(kid(manifest, "resources"), "resource").map((r) => [r.attrs.identifier, r.attrs.href]));
  const out = {};
  const walk = (item) => {
    if (item.attrs.identifierref) out[item.attrs.identifier] = resources.get(item.attrs.identifierref);
    kids(item, "item").forEach(walk);
  };
  kids(kid(kid(manifest, "organizations"), "organization"), "item").forEach(walk);
  return out;
}
