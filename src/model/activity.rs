//! Learning activities: what students do, for how long, and which objectives it practises.

use serde::{Deserialize, Serialize};

use super::{ActivityId, AssetId, NodeId, ObjectiveId};

/// One learning activity inside a node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Activity {
    /// Stable identity.
    pub id: ActivityId,
    /// Node the activity belongs to.
    pub node: NodeId,
    /// Title.
    pub title: String,
    /// Kind of activity.
    pub kind: ActivityKind,
    /// Markdown instructions.
    #[serde(default)]
    pub instructions: String,
    /// Expected student time in minutes.
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    /// Social form.
    #[serde(default)]
    pub grouping: Grouping,
    /// Instructional event from the template (Gagné event, 5E phase, WHERETO element).
    #[serde(default)]
    pub event: Option<String>,
    /// Objectives practised by the activity.
    #[serde(default)]
    pub objectives: Vec<ObjectiveId>,
    /// Links and files used by the activity.
    #[serde(default)]
    pub resources: Vec<Resource>,
    /// Interactive content the activity plays (an H5P package or an HTML5 simulation), checked
    /// and read by `crate::interactive`; absent for ordinary activities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub content: Option<InteractiveContent>,
    /// Remediation or enrichment route this activity is for (see `pathway.rs`); absent for the
    /// main path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub pathway: Option<super::Pathway>,
}

/// Interactive content of an activity: a package stored whole as one asset (a zip), with what
/// the import read from it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InteractiveContent {
    /// What the package is.
    pub kind: InteractiveKind,
    /// The stored package (a zip file).
    pub asset: AssetId,
    /// The file that starts the content, relative to the package root (`h5p.json` for H5P,
    /// the `index.html` of an HTML5 simulation, possibly inside one top folder).
    pub entry: String,
    /// Title the package gives itself.
    #[serde(default)]
    pub title: String,
    /// H5P: the main library (`H5P.TrueFalse`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub main_library: String,
    /// H5P: every library the content preloads (`H5P.TrueFalse 1.8`), in the package's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub libraries: Vec<String>,
}

/// The kind of interactive content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
pub enum InteractiveKind {
    /// An H5P package (`.h5p`), played by the bundled H5P player.
    H5p,
    /// An HTML5 simulation: a zip with an `index.html`.
    Html5,
}

/// The kind of a learning activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub enum ActivityKind {
    Reading,
    Lecture,
    Video,
    Discussion,
    Practice,
    Lab,
    Simulation,
    Project,
    Reflection,
    CaseStudy,
    Presentation,
    Fieldwork,
    Game,
    Link,
    // An external tool launched with IMS Basic LTI 1.x: the first `http(s)` resource URL is the
    // launch URL, the instructions the link's description. It comes from imported cartridges
    // (the tool itself must be set up in the LMS), so it is not among `ALL`.
    Lti,
    Other,
}

impl ActivityKind {
    /// The kinds offered in menus, in menu order (every kind but [`ActivityKind::Lti`], which
    /// only an imported LTI link gives).
    pub const ALL: [ActivityKind; 15] = [
        ActivityKind::Reading,
        ActivityKind::Lecture,
        ActivityKind::Video,
        ActivityKind::Discussion,
        ActivityKind::Practice,
        ActivityKind::Lab,
        ActivityKind::Simulation,
        ActivityKind::Project,
        ActivityKind::Reflection,
        ActivityKind::CaseStudy,
        ActivityKind::Presentation,
        ActivityKind::Fieldwork,
        ActivityKind::Game,
        ActivityKind::Link,
        ActivityKind::Other,
    ];

    /// True for kinds in which students actively practise (rather than receive) content.
    pub fn is_active(self) -> bool {
        !matches!(
            self,
            ActivityKind::Reading | ActivityKind::Lecture | ActivityKind::Video | ActivityKind::Link
        )
    }
}

/// Social form of an activity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub enum Grouping {
    #[default]
    Individual,
    Pairs,
    SmallGroups,
    WholeClass,
}

/// A resource used by an activity: a web link or a file stored in the document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Resource {
    /// Title shown to students.
    pub title: String,
    /// Web address, when the resource is a link.
    #[serde(default)]
    pub url: Option<String>,
    /// Stored file, when the resource is embedded.
    #[serde(default)]
    pub asset: Option<AssetId>,
}
