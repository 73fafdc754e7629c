// The mock backend's analysis answers, read from gen/fixtures/: findings, views, snapshot diffs,
// export preflights, objective analyses and Markdown renders, all computed by the library
// functions the desktop commands call (src-tauri/src/mock_fixtures.rs writes them during
// `cargo test`, and `make bindings-check` fails when they drift). Nothing here computes an
// answer: a question the fixtures do not hold gets a "not in the mock fixtures" error (or, for
// an objective statement, a neutral "unclassified" analysis), never an invented one.
import { AppError } from './errors';
import type { Document, DocumentDiff, ExportRequest, Finding, ObjectiveAnalysis, Views } from './types';
import intro from './gen/fixtures/intro-statistics.json';
import nursing from './gen/fixtures/nursing-pharmacology.json';
import objectives from './gen/fixtures/objectives.json';
import markdown from './gen/fixtures/markdown.json';
import evidence from './gen/fixtures/evidence.json';
import type { CohortSummary, EvidenceAnalysis, EvidenceImportOutcome, EvidenceSourceInfo, MasteryPolicies, PolicyInput } from './types';

/** One state of an example: the edit operations that lead to it, and the library's answers. */
type State = {
  ops: unknown[];
  findings: Finding[];
  views: Views;
  diffs: { snapshot: string; diff: DocumentDiff }[];
  preflight: { request: unknown; findings: Finding[] }[];
};
type Example = { example: string; document: Document; states: State[] };

const EXAMPLES: Example[] = [intro, nursing] as unknown as Example[];
const ANALYSES = new Map((objectives as unknown as { statement: string; analysis: ObjectiveAnalysis }[]).map((a) => [a.statement, a.analysis]));
const RENDERED = new Map((markdown as { markdown: string; html: string }[]).map((m) => [m.markdown, m.html]));

/** JSON with object keys sorted, so two equal values give the same text whatever their key order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The ids of the examples the fixtures hold. */
export function fixtureExamples(): string[] {
  return EXAMPLES.map((e) => e.example);
}

function example(id: string): Example {
  const found = EXAMPLES.find((e) => e.example === id);
  if (!found) throw new AppError('notFound', `example ${id} does not exist`);
  return found;
}

/** The example as `open_example` serves it (a fresh copy). */
export function exampleDocument(id: string): Document {
  return structuredClone(example(id).document);
}

/** Where the open document came from: an example and the edits applied to it since (null: no fixtures). */
export type Origin = { example: string; ops: unknown[] } | null;

function describe(origin: Origin): string {
  if (!origin) return 'this document (only the bundled examples have fixtures)';
  return origin.ops.length === 0
    ? `example ${origin.example}`
    : `example ${origin.example} after these ${origin.ops.length} edit(s): ${origin.ops.map((o) => (o as { op?: string }).op ?? '?').join(', ')}`;
}

function state(origin: Origin, what: string): State {
  const key = origin ? canonical(origin.ops) : null;
  const found = origin && key !== null ? example(origin.example).states.find((s) => canonical(s.ops) === key) : undefined;
  if (!found) {
    throw new AppError('notFound', `${what} of ${describe(origin)} is not in the mock fixtures (src-tauri/src/mock_fixtures.rs lists what they hold)`);
  }
  return found;
}

export function fixtureFindings(origin: Origin): Finding[] {
  return structuredClone(state(origin, 'The findings').findings);
}

export function fixtureViews(origin: Origin): Views {
  return structuredClone(state(origin, 'The views').views);
}

export function fixtureDiff(origin: Origin, snapshot: string): DocumentDiff {
  const found = state(origin, `The diff against snapshot “${snapshot}”`).diffs.find((d) => d.snapshot === snapshot);
  if (!found) throw new AppError('notFound', `The diff against snapshot “${snapshot}” of ${describe(origin)} is not in the mock fixtures`);
  return structuredClone(found.diff);
}

/** The preflight's answer; requests are told apart by everything the preflight reads (not `strict` or `destination`). */
export function fixturePreflight(origin: Origin, request: ExportRequest): Finding[] {
  const key = canonical({ format: request.format, profile: request.profile, values: request.values, framework: request.framework });
  const what = `The preflight of ${canonical({ format: request.format, profile: request.profile, values: request.values, framework: request.framework })}`;
  const found = state(origin, what).preflight.find((p) => canonical(p.request) === key);
  if (!found) throw new AppError('notFound', `${what} for ${describe(origin)} is not in the mock fixtures`);
  return structuredClone(found.findings);
}

/** The library's analysis of a statement it holds; otherwise a neutral "unclassified" answer. */
export function fixtureAnalysis(statement: string): ObjectiveAnalysis {
  const text = statement.trim();
  const found = ANALYSES.get(text) ?? ANALYSES.get(statement);
  if (found) return structuredClone(found);
  return {
    text,
    level: null,
    candidates: [],
    verbs: [],
    measurable: false,
    knowledge: null,
    abcd: { audience: false, behavior: false, condition: false, degree: false },
    parts: { audience: '', behavior: '', condition: '', degree: '' },
    matches: [],
    decidingVerb: null,
    rule: 'Unclassified: this statement is not in the mock fixtures.',
    explanation: [],
    confidence: 'none',
    findings: [],
    domain: 'cognitive',
    convention: 'built-in',
  };
}

/** The library's sanitised HTML for a Markdown text it holds. */
export function fixtureMarkdown(source: string): string {
  const found = RENDERED.get(source);
  if (found === undefined) throw new AppError('notFound', 'This Markdown text is not in the mock fixtures, so the mock has no preview for it');
  return found;
}

/** The evidence answers after a list of evidence steps (`import:<file>`, `policy:<code>`, `remove:<cohort>`). */
type EvidenceState = {
  steps: string[];
  cohorts: CohortSummary[];
  policies: MasteryPolicies;
  /** With the learner heatmap (the mock leaves it out when not asked, as the command does). */
  analysis: EvidenceAnalysis | null;
};
type EvidenceFixture = {
  example: string;
  sources: EvidenceSourceInfo[];
  policy: { code: string; input: PolicyInput };
  imports: { before: string[]; file: string; outcome: Omit<EvidenceImportOutcome, 'history'> }[];
  states: EvidenceState[];
};
const EVIDENCE = evidence as unknown as EvidenceFixture;

export function fixtureEvidenceSources(): EvidenceSourceInfo[] {
  return structuredClone(EVIDENCE.sources);
}

/**
 * The evidence of the open document after `steps`. Without steps a document has no evidence
 * (whatever its design); with steps, only the unedited example the fixtures were made from has
 * answers.
 */
export function fixtureEvidence(origin: Origin, steps: string[]): EvidenceState {
  const key = canonical(steps);
  const usable = steps.length === 0 || (origin?.example === EVIDENCE.example && origin.ops.length === 0);
  const found = usable ? EVIDENCE.states.find((s) => canonical(s.steps) === key) : undefined;
  if (!found) {
    throw new AppError('notFound', `The evidence of ${describe(origin)} after ${steps.join(', ')} is not in the mock fixtures (src-tauri/src/mock_fixtures.rs lists what they hold)`);
  }
  return structuredClone(found);
}

/** The outcome of importing `file` (a file name) after `steps`. */
export function fixtureEvidenceImport(origin: Origin, steps: string[], file: string): Omit<EvidenceImportOutcome, 'history'> {
  const found = EVIDENCE.imports.find((i) => i.file === file && canonical(i.before) === canonical(steps));
  if (!found || !(origin?.example === EVIDENCE.example && origin.ops.length === 0)) {
    throw new AppError('notFound', `Importing ${file} into ${describe(origin)} is not in the mock fixtures`);
  }
  return structuredClone(found.outcome);
}

/** The step a policy change is, when the fixtures hold it (the one per-objective policy the tests set). */
export function fixturePolicyStep(doc: Document, objective: string | null, policy: PolicyInput | null): string {
  const code = doc.objectives.find((o) => o.id === objective)?.code;
  if (code !== EVIDENCE.policy.code || !policy || canonical(policy) !== canonical(EVIDENCE.policy.input)) {
    throw new AppError('notFound', `This mastery policy change is not in the mock fixtures (they hold ${canonical(EVIDENCE.policy.input)} on ${EVIDENCE.policy.code})`);
  }
  return `policy:${code}`;
}
