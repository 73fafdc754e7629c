// Factories for new entities (with fresh ids and the Rust side's defaults), and a small sample
// curriculum for the editing tests: a statistics course with units, lessons, objectives at
// several Bloom levels, activities, a quiz, a performance task with a rubric, prerequisites.
// The mock backend's analysis answers exist only for the bundled examples (mockFixtures.ts).
import { newId, nowStamp } from '../util/ids';
import type {
  Activity,
  Assessment,
  BloomLevel,
  Curriculum,
  Document,
  Node,
  Objective,
  Rubric,
} from '../ipc/types';

export function emptyCurriculum(title: string, template: string | null = null): Curriculum {
  const now = nowStamp();
  return {
    id: newId(),
    title,
    code: '',
    description: '',
    audience: '',
    level: '',
    language: 'en',
    creditSystem: 'none',
    credits: null,
    weeks: null,
    template,
    createdAt: now,
    updatedAt: now,
  };
}

export function emptyDocument(title: string, template: string | null = null): Document {
  return {
    format: 1,
    curriculum: emptyCurriculum(title, template),
    nodes: [],
    objectives: [],
    frameworks: [],
    standardItems: [],
    associations: [],
    activities: [],
    assessments: [],
    rubrics: [],
    comments: [],
    reviewEvents: [],
    snapshots: [],
    assets: [],
  };
}

export function makeNode(kind: string, title: string, parent: string | null, extra: Partial<Node> = {}): Node {
  return {
    id: newId(),
    parent,
    kind,
    code: '',
    title,
    summary: '',
    durationMinutes: null,
    week: null,
    prerequisites: [],
    fields: {},
    status: 'draft',
    ...extra,
  };
}

export function makeObjective(node: string, statement: string, extra: Partial<Objective> = {}): Objective {
  return {
    id: newId(),
    node,
    code: '',
    statement,
    abcd: { audience: '', behavior: '', condition: '', degree: '' },
    level: null,
    levelSource: 'unset',
    knowledge: null,
    domain: 'cognitive',
    supports: [],
    prerequisites: [],
    standards: [],
    emphasis: [],
    ...extra,
  };
}

export function makeActivity(node: string, title: string, extra: Partial<Activity> = {}): Activity {
  return {
    id: newId(),
    node,
    title,
    kind: 'practice',
    instructions: '',
    durationMinutes: null,
    grouping: 'individual',
    event: null,
    objectives: [],
    resources: [],
    ...extra,
  };
}

export function makeAssessment(node: string, title: string, extra: Partial<Assessment> = {}): Assessment {
  return {
    id: newId(),
    node,
    title,
    purpose: 'formative',
    format: 'quiz',
    instructions: '',
    points: null,
    weight: null,
    durationMinutes: null,
    masteryScore: null,
    grasps: null,
    rubric: null,
    objectives: [],
    items: [],
    ...extra,
  };
}

export function makeRubric(title: string): Rubric {
  const levels = [
    { id: newId(), label: 'Beginning', points: 1 },
    { id: newId(), label: 'Developing', points: 2 },
    { id: newId(), label: 'Proficient', points: 3 },
    { id: newId(), label: 'Exemplary', points: 4 },
  ];
  return { id: newId(), title, kind: 'analytic', description: '', levels, criteria: [] };
}

const lvl = (level: BloomLevel): Partial<Objective> => ({ level, levelSource: 'inferred' });

/** A small sample curriculum for the editing tests (outline, rubric, links); the mock has no analysis fixtures for it (those are for the bundled examples). */
export function sampleDocument(): Document {
  const doc = emptyDocument('Introduction to Statistics', 'backward-design-unit');
  doc.curriculum.code = 'STAT 101';
  doc.curriculum.description = 'An introduction to **describing data** and drawing careful inferences.';
  doc.curriculum.creditSystem = 'usCreditHours';
  doc.curriculum.credits = 3;
  doc.curriculum.weeks = 6;
  const course = makeNode('course', 'Introduction to Statistics', null, { code: 'STAT 101' });
  const u1 = makeNode('unit', 'Describing data', course.id, { code: 'U1', week: 1 });
  const l11 = makeNode('lesson', 'Distributions and graphs', u1.id, { code: 'L1.1', week: 1, durationMinutes: 75 });
  const l12 = makeNode('lesson', 'Center and spread', u1.id, { code: 'L1.2', week: 2, durationMinutes: 75 });
  const u2 = makeNode('unit', 'Probability', course.id, { code: 'U2', week: 3, prerequisites: [u1.id] });
  const l21 = makeNode('lesson', 'Chance and randomness', u2.id, { code: 'L2.1', week: 3, durationMinutes: 75 });
  const u3 = makeNode('unit', 'Inference', course.id, { code: 'U3', week: 5, prerequisites: [u2.id] });
  const l31 = makeNode('lesson', 'Confidence intervals', u3.id, { code: 'L3.1', week: 5, durationMinutes: 75 });
  u1.fields = { essentialQuestions: 'How can a picture of data mislead?' };
  doc.nodes = [course, u1, l11, l12, u2, l21, u3, l31];

  const co1 = makeObjective(course.id, 'Interpret graphical displays of one-variable data.', { code: 'CO1', ...lvl('understand') });
  const co2 = makeObjective(course.id, 'Evaluate statistical claims made in the news using sampling arguments.', { code: 'CO2', ...lvl('evaluate') });
  const o11 = makeObjective(l11.id, 'Construct a histogram from a data set of up to 50 values.', { code: 'L1.1a', ...lvl('apply'), supports: [co1.id] });
  const o12 = makeObjective(l12.id, 'Compute the mean and standard deviation of a small data set.', { code: 'L1.2a', ...lvl('apply'), supports: [co1.id] });
  const o21 = makeObjective(l21.id, 'Explain the law of large numbers in your own words.', { code: 'L2.1a', ...lvl('understand') });
  const o31 = makeObjective(l31.id, 'Understand confidence intervals.', { code: 'L3.1a' });
  doc.objectives = [co1, co2, o11, o12, o21, o31];

  doc.activities = [
    makeActivity(l11.id, 'Build a histogram of class heights', { kind: 'lab', durationMinutes: 45, objectives: [o11.id] }),
    makeActivity(l12.id, 'Reading: measures of spread', { kind: 'reading', durationMinutes: 30 }),
    makeActivity(l21.id, 'Coin-flip simulation', { kind: 'simulation', durationMinutes: 40, objectives: [o21.id] }),
  ];
  const rubric = makeRubric('News claim critique rubric');
  rubric.criteria = [
    {
      id: newId(),
      title: 'Identifies the sample',
      description: '',
      weight: 1,
      objective: co2.id,
      descriptors: rubric.levels.map((l, i) => ({ level: l.id, text: ['Missing', 'Vague', 'Clear', 'Clear and critiqued'][i] })),
    },
  ];
  doc.rubrics = [rubric];
  doc.assessments = [
    makeAssessment(l12.id, 'Quiz: describing data', {
      points: 10,
      objectives: [o12.id],
      items: [
        {
          id: newId(),
          stem: 'Which measure is most affected by outliers?',
          body: {
            type: 'multipleChoice',
            choices: [
              { id: newId(), text: 'Mean', correct: true, feedback: '' },
              { id: newId(), text: 'Median', correct: false, feedback: '' },
            ],
          },
          points: 1,
          feedbackCorrect: '',
          feedbackIncorrect: '',
          level: 'understand',
          objectives: [o12.id],
        },
      ],
    }),
    makeAssessment(u3.id, 'Critique a news claim', {
      purpose: 'summative',
      format: 'performanceTask',
      points: 40,
      rubric: rubric.id,
      objectives: [co2.id],
    }),
  ];
  return doc;
}
