//! Zero-shot rules: what the analysis does when the lexicon alone does not decide.
//!
//! The tables here come from the published taxonomy (Anderson & Krathwohl 2001: the 19
//! cognitive processes and their alternative names; Krathwohl, Bloom & Masia 1964 for the
//! affective domain; Simpson 1972 and Dave 1970 for the psychomotor domain), not from any set
//! of labelled statements. They cover:
//!
//! - **state nouns** with no lexicon verb ("have a sound knowledge of", "a critical awareness
//!   of", "gain experience in", "an understanding of"): the noun names the intended process;
//! - **verbs whose object decides** ("develop a plan" is planning → create, "present an
//!   argument" is critiquing → evaluate, "conduct a literature review" is analyze, "communicate
//!   effectively" is apply);
//! - **affective and psychomotor wording** ("value diversity", "show respect for", "work
//!   effectively in a team", "throw a ball"): the domain is named and the nearest cognitive
//!   level, if any, is suggested with low confidence.
//!
//! Matching is on lower-cased words; `objective.rs` calls in with the words of the statement.

use crate::model::{BloomLevel, Domain};

use BloomLevel::*;

/// Verbs that only state possession of a state of mind ("have", "gain") before a state noun.
pub(super) const POSSESSION: &[&str] = &[
    "have",
    "has",
    "having",
    "possess",
    "possesses",
    "gain",
    "gains",
    "acquire",
    "acquires",
    "show",
    "shows",
    "display",
    "displays",
    "develop",
    "develops",
    "demonstrate",
    "demonstrates",
    "build",
    "deepen",
    "obtain",
    "attain",
    "achieve",
    "hold",
    "holds",
    "need",
    "with",
    "exhibit",
    "exhibits",
    "evidence",
];

/// Articles and quantifiers skipped before a state noun.
const ARTICLES: &[&str] = &["a", "an", "the", "some", "their", "his", "her", "its", "one's"];

/// A state noun and the process it names.
pub(super) struct StateNoun {
    pub noun: &'static str,
    /// The intended level (`None`: affective, no cognitive level).
    pub level: Option<BloomLevel>,
    pub why: &'static str,
    /// The domain it belongs to.
    pub domain: Domain,
}

/// Nouns naming a state of knowledge, skill or attitude (singular and plural forms listed).
pub(super) const STATE_NOUNS: &[StateNoun] = &[
    StateNoun {
        noun: "knowledge",
        level: Some(Remember),
        why: "knowledge is recall of what was learnt",
        domain: Domain::Cognitive,
    },
    StateNoun {
        noun: "understanding",
        level: Some(Understand),
        why: "understanding is building meaning",
        domain: Domain::Cognitive,
    },
    StateNoun {
        noun: "comprehension",
        level: Some(Understand),
        why: "comprehension is building meaning",
        domain: Domain::Cognitive,
    },
    StateNoun {
        noun: "grasp",
        level: Some(Understand),
        why: "a grasp of something is understanding it",
        domain: Domain::Cognitive,
    },
    StateNoun {
        noun: "insight",
        level: Some(Understand),
        why: "insight is understanding",
        domain: Domain::Cognitive,
    },
    StateNoun {
        noun: "insights",
        level: Some(Understand),
        why: "insight is understanding",
        domain: Domain::Cognitive,
    },
    StateNoun {
        noun: "awareness",
        level: Some(Remember),
        why: "awareness is recognising",
        domain: Domain::Cognitive,
    },
    StateNoun {
        noun: "familiarity",
        level: Some(Remember),
        why: "familiarity is recognising",
        domain: Domain::Cognitive,
    },
    StateNoun {
        noun: "acquaintance",
        level: Some(Remember),
        why: "acquaintance is recognising",
        domain: Domain::Cognitive,
    },
    StateNoun {
        noun: "appreciation",
        level: None,
        why: "appreciation is an attitude (affective: valuing)",
        domain: Domain::Affective,
    },
    StateNoun {
        noun: "experience",
        level: Some(Apply),
        why: "experience in doing something is carrying it out",
        domain: Domain::Cognitive,
    },
    StateNoun {
        noun: "command",
        level: Some(Apply),
        why: "command of conventions is using them",
        domain: Domain::Cognitive,
    },
    StateNoun {
        noun: "mastery",
        level: Some(Apply),
        why: "mastery of a technique is using it",
        domain: Domain::Cognitive,
    },
    StateNoun {
        noun: "competence",
        level: Some(Apply),
        why: "competence is carrying out a task",
        domain: Domain::Cognitive,
    },
    StateNoun {
        noun: "competency",
        level: Some(Apply),
        why: "competence is carrying out a task",
        domain: Domain::Cognitive,
    },
    StateNoun {
        noun: "proficiency",
        level: Some(Apply),
        why: "proficiency is carrying out a task",
        domain: Domain::Cognitive,
    },
    StateNoun {
        noun: "skill",
        level: Some(Apply),
        why: "a skill is carrying out a procedure",
        domain: Domain::Cognitive,
    },
    StateNoun {
        noun: "skills",
        level: Some(Apply),
        why: "skills are carrying out procedures",
        domain: Domain::Cognitive,
    },
    StateNoun {
        noun: "capacity",
        level: None,
        why: "a capacity names no behaviour",
        domain: Domain::Affective,
    },
    StateNoun {
        noun: "respect",
        level: None,
        why: "respect is an attitude (affective: valuing)",
        domain: Domain::Affective,
    },
    StateNoun {
        noun: "commitment",
        level: None,
        why: "commitment is an attitude (affective: valuing)",
        domain: Domain::Affective,
    },
    StateNoun {
        noun: "sensitivity",
        level: None,
        why: "sensitivity is an attitude (affective)",
        domain: Domain::Affective,
    },
    StateNoun { noun: "attitude", level: None, why: "an attitude is affective", domain: Domain::Affective },
    StateNoun { noun: "attitudes", level: None, why: "attitudes are affective", domain: Domain::Affective },
    StateNoun {
        noun: "willingness",
        level: None,
        why: "willingness is affective (responding)",
        domain: Domain::Affective,
    },
    StateNoun {
        noun: "interest",
        level: None,
        why: "interest is affective (receiving)",
        domain: Domain::Affective,
    },
    StateNoun {
        noun: "curiosity",
        level: None,
        why: "curiosity is affective (receiving)",
        domain: Domain::Affective,
    },
    StateNoun { noun: "empathy", level: None, why: "empathy is affective", domain: Domain::Affective },
    StateNoun { noun: "enthusiasm", level: None, why: "enthusiasm is affective", domain: Domain::Affective },
    StateNoun {
        noun: "integrity",
        level: None,
        why: "integrity is a value (affective: characterisation)",
        domain: Domain::Affective,
    },
    StateNoun {
        noun: "professionalism",
        level: None,
        why: "professionalism is a value (affective)",
        domain: Domain::Affective,
    },
    StateNoun { noun: "confidence", level: None, why: "confidence is affective", domain: Domain::Affective },
];

/// Adjectives naming a state after "be" ("be conversant with").
const STATE_ADJECTIVES: &[(&str, Option<BloomLevel>, &str)] = &[
    ("conversant", Some(Remember), "being conversant with something is recognising it"),
    ("knowledgeable", Some(Remember), "being knowledgeable is recalling what was learnt"),
    ("cognisant", Some(Remember), "awareness is recognising"),
    ("cognizant", Some(Remember), "awareness is recognising"),
    ("literate", Some(Apply), "literacy is using a skill"),
    ("fluent", Some(Apply), "fluency is using a skill"),
    ("skilled", Some(Apply), "a skill is carrying out a procedure"),
    ("adept", Some(Apply), "a skill is carrying out a procedure"),
    ("sensitive", None, "sensitivity is an attitude (affective)"),
    ("willing", None, "willingness is affective (responding)"),
    ("open", None, "openness is an attitude (affective)"),
];

/// Adjectives before a state noun that name a judgement ("critical understanding").
const CRITICAL: &[&str] = &["critical", "critically", "evaluative", "reflective"];
/// Adjectives that make knowledge practical ("a working knowledge of").
const PRACTICAL: &[&str] = &["working", "practical", "applied", "hands-on", "functional", "operational"];

/// A state-noun phrase found at the start of the behaviour.
pub(super) struct StateHit {
    /// Words consumed (possession verb, articles, adjectives, the noun).
    pub len: usize,
    pub noun: &'static str,
    pub level: Option<BloomLevel>,
    pub why: String,
    pub domain: Domain,
}

/// A state-noun phrase at the start of `words` ("have a sound knowledge of …", "an
/// understanding of …", "critical awareness of …"), with the level it names.
pub(super) fn state_noun(words: &[&str]) -> Option<StateHit> {
    // "be conversant with", "become knowledgeable about"
    if matches!(words.first(), Some(&("be" | "become" | "are" | "is")))
        && let Some(w) = words.get(1)
        && let Some(&(adjective, level, why)) = STATE_ADJECTIVES.iter().find(|(a, _, _)| a == w)
    {
        let domain = if level.is_some() { Domain::Cognitive } else { Domain::Affective };
        return Some(StateHit { len: 2, noun: adjective, level, why: why.to_owned(), domain });
    }
    let mut i = 0;
    if words.first().is_some_and(|w| POSSESSION.contains(w)) {
        i += 1;
    }
    if words.get(i).is_some_and(|w| ARTICLES.contains(w)) {
        i += 1;
    }
    let mut adjectives = Vec::new();
    while adjectives.len() < 4 {
        let w = *words.get(i)?;
        if let Some(n) = STATE_NOUNS.iter().find(|n| n.noun == w) {
            // A state noun must introduce its object ("knowledge of", "skills in") or end
            // the phrase.
            let next = words.get(i + 1).copied().unwrap_or("");
            if !(next.is_empty()
                || matches!(
                    next,
                    "of" | "in" | "with" | "for" | "about" | "into" | "to" | "and" | "at" | "that"
                ))
            {
                return None;
            }
            let critical = adjectives.iter().any(|a| CRITICAL.contains(a));
            let practical = adjectives.iter().any(|a| PRACTICAL.contains(a));
            let (level, why) = if critical && n.domain == Domain::Cognitive {
                (Some(Evaluate), format!("a critical {} asks for judgement", n.noun))
            } else if practical && n.level == Some(Remember) {
                (Some(Apply), format!("{} {} is using it", adjectives.join(" "), n.noun))
            } else {
                (n.level, n.why.to_owned())
            };
            return Some(StateHit { len: i + 1, noun: n.noun, level, why, domain: n.domain });
        }
        // Adjectives and adverbs between the article and the noun ("a sound, broad").
        if w.len() < 3 || matches!(w, "of" | "in" | "to" | "and" | "or" | "the" | "for") {
            return None;
        }
        adjectives.push(w);
        i += 1;
    }
    None
}

/// An object rule for a verb whose level its object decides.
pub(super) struct ObjectRule {
    pub verbs: &'static [&'static str],
    pub cues: &'static [&'static str],
    pub level: BloomLevel,
    pub why: &'static str,
    /// Words in the object that cancel the rule ("organise events *into* causes" is organising
    /// in the A&K sense).
    pub unless: &'static [&'static str],
}

/// Object rules for verbs whose level their object decides (the first rule whose cue appears
/// in the object decides).
pub(super) const OBJECT_RULES: &[ObjectRule] = &[
    ObjectRule {
        verbs: &["develop", "devise", "formulate", "draw up"],
        cues: &[
            "plan",
            "plans",
            "strategy",
            "strategies",
            "proposal",
            "proposals",
            "design",
            "designs",
            "model",
            "models",
            "framework",
            "frameworks",
            "policy",
            "policies",
            "hypothesis",
            "hypotheses",
            "theory",
            "theories",
            "prototype",
            "prototypes",
            "campaign",
            "campaigns",
            "curriculum",
            "argument",
            "arguments",
            "research question",
            "research questions",
            "business plan",
            "solution",
            "solutions",
            "product",
            "products",
            "programme",
            "intervention",
            "interventions",
            "thesis",
        ],
        level: Create,
        unless: &[],
        why: "developing a plan, model or proposal is planning and generating (create)",
    },
    ObjectRule {
        verbs: &["organize", "coordinate", "arrange"],
        cues: &[
            "event",
            "events",
            "meeting",
            "meetings",
            "conference",
            "conferences",
            "activity",
            "activities",
            "resources",
            "schedule",
            "schedules",
            "trip",
            "trips",
            "workshop",
            "workshops",
            "campaign",
        ],
        level: Apply,
        unless: &["into", "by", "according"],
        why: "organising an event or resources is carrying out a practical task (apply), not A&K organizing",
    },
    ObjectRule {
        verbs: &["present", "put forward", "advance", "make"],
        cues: &[
            "argument",
            "arguments",
            "reasoned",
            "case for",
            "case against",
            "position",
            "critique",
            "critiques",
            "recommendation",
            "recommendations",
            "justification",
        ],
        level: Evaluate,
        unless: &[],
        why: "presenting a reasoned argument or position is critiquing (evaluate)",
    },
    ObjectRule {
        verbs: &["present", "report", "display"],
        cues: &[
            "data",
            "results",
            "findings",
            "information",
            "tables",
            "charts",
            "graphs",
            "figures",
            "statistics",
        ],
        level: Apply,
        unless: &[],
        why: "presenting data or findings in a given form is executing a procedure (apply)",
    },
    ObjectRule {
        verbs: &["conduct", "carry out", "undertake", "do"],
        cues: &[
            "literature review",
            "systematic review",
            "critical review",
            "critique",
            "appraisal",
            "audit",
            "evaluation",
            "evaluations",
        ],
        level: Evaluate,
        unless: &[],
        why: "reviewing, appraising or auditing is judging against criteria (evaluate)",
    },
    ObjectRule {
        verbs: &["conduct", "carry out", "undertake", "perform", "do"],
        cues: &[
            "analysis",
            "analyses",
            "investigation",
            "investigations",
            "inquiry",
            "enquiry",
            "case study",
        ],
        level: Analyze,
        unless: &[],
        why: "an analysis or investigation is analyze",
    },
    ObjectRule {
        verbs: &["conduct", "carry out", "undertake", "do"],
        cues: &[
            "independent research",
            "research project",
            "research projects",
            "original research",
            "dissertation",
            "thesis",
            "independent project",
            "capstone",
        ],
        level: Create,
        unless: &[],
        why: "an independent research project is planning and producing (create)",
    },
    ObjectRule {
        verbs: &["communicate", "convey", "express", "articulate"],
        cues: &[
            "effectively",
            "clearly",
            "professionally",
            "appropriately",
            "confidently",
            "with",
            "orally",
            "in writing",
            "verbally",
        ],
        level: Apply,
        unless: &[],
        why: "communicating to an audience in a given form is carrying out a skill (apply)",
    },
    ObjectRule {
        verbs: &["demonstrate", "show", "exhibit"],
        cues: &[
            "technique",
            "techniques",
            "procedure",
            "procedures",
            "skill",
            "skills",
            "competence",
            "proficiency",
            "ability to use",
            "use of",
        ],
        level: Apply,
        unless: &[],
        why: "demonstrating a technique or skill is carrying it out (apply)",
    },
];

/// Whether the cue (one or more words) starts at `words[k]`.
fn cue_at(words: &[&str], k: usize, cue: &str) -> bool {
    cue.split(' ').enumerate().all(|(j, c)| words.get(k + j).is_some_and(|w| *w == c))
}

/// The object rule for `lemma` whose cue appears in `object` (the words after the verb).
pub(super) fn object_rule(lemma: &str, object: &[&str]) -> Option<(&'static ObjectRule, &'static str)> {
    OBJECT_RULES
        .iter()
        .filter(|r| r.verbs.contains(&lemma) && !r.unless.iter().any(|u| object.contains(u)))
        .find_map(|r| {
            (0..object.len()).find_map(|k| r.cues.iter().find(|c| cue_at(object, k, c)).map(|c| (r, *c)))
        })
}

/// Affective wording: a verb (US base form) and, optionally, object cues; `level` is the nearest
/// cognitive level (`None`: there is none).
pub(super) struct Affective {
    pub verbs: &'static [&'static str],
    /// Object cues; empty: the verb alone is affective.
    pub cues: &'static [&'static str],
    pub level: Option<BloomLevel>,
    pub why: &'static str,
}

/// Affective wording (Krathwohl, Bloom & Masia 1964: receiving, responding, valuing,
/// organisation, characterisation).
pub(super) const AFFECTIVE: &[Affective] = &[
    Affective {
        verbs: &["appreciate"],
        cues: &[
            "importance",
            "role",
            "significance",
            "value",
            "need",
            "complexity",
            "complexities",
            "contribution",
            "contributions",
            "relevance",
            "implications",
            "impact",
            "difference",
            "differences",
            "relationship",
            "nature",
            "diversity",
            "challenges",
            "limitations",
        ],
        level: Some(Understand),
        why: "appreciating why something matters is valuing (affective); nearest cognitive process: explaining",
    },
    Affective {
        verbs: &["appreciate"],
        cues: &[],
        level: Some(Understand),
        why: "appreciating something is receiving and valuing it (affective); nearest cognitive process: interpreting",
    },
    Affective {
        verbs: &["show", "display", "demonstrate", "exhibit", "have", "develop", "maintain"],
        cues: &[
            "respect",
            "positive attitude",
            "attitude",
            "attitudes",
            "commitment",
            "willingness",
            "interest",
            "curiosity",
            "empathy",
            "sensitivity",
            "enthusiasm",
            "integrity",
            "professionalism",
            "tolerance",
            "openness",
            "concern",
            "consideration",
            "courtesy",
            "confidence",
            "habits",
        ],
        level: None,
        why: "an attitude or value (affective: valuing, characterisation)",
    },
    Affective {
        verbs: &["take"],
        cues: &["responsibility", "ownership", "initiative", "pride", "advantage of"],
        level: None,
        why: "taking responsibility or initiative is an attitude (affective: responding, valuing)",
    },
    Affective {
        verbs: &["work", "function", "collaborate", "cooperate", "participate", "contribute"],
        cues: &[
            "team",
            "teams",
            "group",
            "groups",
            "with others",
            "cooperatively",
            "collaboratively",
            "effectively",
            "constructively",
            "independently",
            "as a member",
        ],
        level: Some(Apply),
        why: "working with others is responding and valuing (affective); nearest cognitive process: carrying out",
    },
    Affective {
        verbs: &[
            "respect",
            "value",
            "enjoy",
            "cherish",
            "embrace",
            "welcome",
            "tolerate",
            "strive",
            "care",
            "volunteer",
            "foster",
            "nurture",
            "listen",
            "accept",
            "comply",
            "commit",
            "empathize",
            "believe",
            "internalize",
            "be willing",
        ],
        cues: &[],
        level: None,
        why: "an attitude or value (affective)",
    },
];

/// The affective rule for a verb and its object.
pub(super) fn affective(lemma: &str, object: &[&str]) -> Option<(&'static Affective, Option<&'static str>)> {
    AFFECTIVE.iter().filter(|r| r.verbs.contains(&lemma)).find_map(|r| {
        if r.cues.is_empty() {
            return Some((r, None));
        }
        (0..object.len().min(8))
            .find_map(|k| r.cues.iter().find(|c| cue_at(object, k, c)).map(|c| (r, Some(*c))))
    })
}

/// Psychomotor verbs (Simpson 1972, Dave 1970: imitation, manipulation, precision …): bodily
/// performance; the nearest cognitive process is carrying out (apply).
pub(super) const PSYCHOMOTOR: &[&str] = &[
    "throw",
    "kick",
    "catch",
    "swim",
    "lift",
    "run",
    "jump",
    "dance",
    "manipulate",
    "bandage",
    "suture",
    "splint",
    "inject",
    "palpate",
    "auscultate",
    "type",
    "sew",
    "knit",
    "weld",
    "solder",
    "pipette",
    "dribble",
    "serve",
    "balance",
    "grip",
    "stretch",
    "massage",
    "resuscitate",
];

/// Psychomotor objects of "perform"/"administer"/"carry out" ("perform CPR", "administer an
/// injection").
pub(super) const PSYCHOMOTOR_OBJECTS: &[&str] = &[
    "cpr",
    "cardiopulmonary",
    "resuscitation",
    "injection",
    "injections",
    "venepuncture",
    "venipuncture",
    "suturing",
    "bandaging",
    "first aid",
    "manikin",
    "physical examination",
    "lifting",
    "handling",
    "dressing",
    "catheterisation",
    "catheterization",
];
