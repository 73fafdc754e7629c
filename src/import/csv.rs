//! Outcome and competency spreadsheets → [`FrameworkImport`]: the Moodle competency framework
//! CSV (`tool_lpimportcsv`), the Canvas outcomes import CSV, and the OpenSALT spreadsheet
//! format. The format is detected from the header row (or forced with a [`CsvFormat`]); a
//! header that fits none is refused with the expected headers in the message. Quoted fields may
//! span lines.
//!
//! Every non-empty cell that has no model column is kept in the item's `extra` under its header
//! name, so nothing in the file is lost. HTML descriptions (Canvas; Moodle with description
//! format 1) become Markdown statements, and the original HTML stays in `extra`.
//!
//! Mapping, per format:
//! - Moodle: the row with `Is framework` = 1 is the framework (id number, short name, scale,
//!   taxonomy); other rows are items (`code` = id number, `abbreviated` = short name,
//!   `statement` = description, `itemType` = the taxonomy term of the item's depth); `Parent id
//!   number` gives the hierarchy; `Cross referenced competency id numbers` become `isRelatedTo`.
//! - Canvas: groups and outcomes are items (`code` = title, `statement` = description,
//!   `abbreviated` = display name); the first of `parent_guids` is the parent and the others
//!   become `isChildOf` associations; the unnamed columns after `ratings` are
//!   `extra.ratings` as `[{points, description}]`; rows with `workflow_state` = deleted are skipped.
//! - OpenSALT: CASE column names (`Identifier`, `fullStatement`, `Human Coding Scheme`,
//!   `Abbreviated Statement`, `CFItemType`, …); `Is Child Of` / `parent` (by human coding scheme
//!   or identifier) gives the hierarchy, and association columns (`IsPartOf`, `replacedBy`,
//!   `Exemplar`, `hasSkillLevel`, `isExactMatchOf`, `Precedes`, `Is Peer Of`, `Is Related To`)
//!   become associations. A row whose parent cells are empty goes under the row its hierarchy
//!   code names (`smartLevel` when the file has that column filled in, else the human coding
//!   scheme: `A.B.C` under `A.B`, or under `A` when no row is `A.B`); explicit parents win, and
//!   codes whose parent code is not in the file are reported.
//!
//! Frameworks from CSV have no source identifier (except Moodle's id number), so a re-import
//! is matched by source and title (the file name without extension for Canvas and OpenSALT).

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;

use serde_json::{Map, Value};

use super::safety::{check_source_len, parse_error, utf8};
use super::{FrameworkImport, Limits, finding, html_to_markdown};
use crate::finding::Severity;
use crate::model::{
    AssociationId, ExternalRef, Framework, FrameworkId, StandardAssociation, StandardItem, StandardItemId,
};
use crate::{Error, Result};

/// The spreadsheet formats understood.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CsvFormat {
    /// Moodle competency framework (`admin/tool/lpimportcsv`).
    Moodle,
    /// Canvas outcomes import CSV.
    Canvas,
    /// OpenSALT spreadsheet (CASE column names).
    OpenSalt,
}

const MOODLE_HEADER: &str = "Parent id number,Id number,Shortname,Description,Description format,Scale values,\
Scale configuration,Rule type (optional),Rule outcome (optional),Rule config (optional),\
Cross referenced competency id numbers,Exported id (optional),Is framework,Taxonomy";
const CANVAS_HEADER: &str = "canvas_id,vendor_guid,object_type,title,description,display_name,calculation_method,\
calculation_int,workflow_state,parent_guids,ratings[,points,description,…]";
const OPENSALT_HEADER: &str = "Identifier,fullStatement,Human Coding Scheme,sequenceNumber,Abbreviated Statement,\
ConceptKeywords,Notes,Language,Education Level,CFItemType,License,Is Child Of,IsPartOf,replacedBy,Exemplar,\
hasSkillLevel,isExactMatchOf,Precedes,Is Peer Of,Is Related To";

impl CsvFormat {
    /// Every format, in detection order.
    pub const ALL: [CsvFormat; 3] = [CsvFormat::Moodle, CsvFormat::Canvas, CsvFormat::OpenSalt];

    /// Name used on the command line (`moodle`, `canvas`, `opensalt`).
    pub fn as_str(self) -> &'static str {
        match self {
            CsvFormat::Moodle => "moodle",
            CsvFormat::Canvas => "canvas",
            CsvFormat::OpenSalt => "opensalt",
        }
    }

    /// Name for people.
    pub fn label(self) -> &'static str {
        match self {
            CsvFormat::Moodle => "Moodle competency framework CSV",
            CsvFormat::Canvas => "Canvas outcomes CSV",
            CsvFormat::OpenSalt => "OpenSALT spreadsheet",
        }
    }

    /// The header row this format expects (optional columns included).
    pub fn expected_header(self) -> &'static str {
        match self {
            CsvFormat::Moodle => MOODLE_HEADER,
            CsvFormat::Canvas => CANVAS_HEADER,
            CsvFormat::OpenSalt => OPENSALT_HEADER,
        }
    }

    /// Normalised names of the columns that must be present.
    fn required(self) -> &'static [&'static str] {
        match self {
            CsvFormat::Moodle => &["parentidnumber", "idnumber", "shortname"],
            CsvFormat::Canvas => &["vendorguid", "objecttype", "title"],
            CsvFormat::OpenSalt => &["fullstatement"],
        }
    }

    /// The required columns as people write them.
    fn required_display(self) -> &'static [&'static str] {
        match self {
            CsvFormat::Moodle => &["Parent id number", "Id number", "Shortname"],
            CsvFormat::Canvas => &["vendor_guid", "object_type", "title"],
            CsvFormat::OpenSalt => &["fullStatement"],
        }
    }

    /// The required columns missing from a (normalised) header.
    fn missing(self, names: &[String]) -> Vec<&'static str> {
        self.required()
            .iter()
            .zip(self.required_display())
            .filter(|(r, _)| !names.iter().any(|n| n == *r))
            .map(|(_, d)| *d)
            .collect()
    }

    /// `Framework::source` value.
    pub fn source(self) -> &'static str {
        match self {
            CsvFormat::Moodle => "csv:moodle",
            CsvFormat::Canvas => "csv:canvas",
            CsvFormat::OpenSalt => "csv:opensalt",
        }
    }
}

impl FromStr for CsvFormat {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "moodle" => Ok(CsvFormat::Moodle),
            "canvas" => Ok(CsvFormat::Canvas),
            "opensalt" | "case" => Ok(CsvFormat::OpenSalt),
            other => Err(format!("unknown CSV format `{other}` (expected moodle, canvas or opensalt)")),
        }
    }
}

impl std::fmt::Display for CsvFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Lower-case, `(optional)` removed, spaces, `_` and `-` dropped (`Id number`, `id_number`
/// and `IdNumber` match); other characters stay, so `!vendor_guid` is not `vendor_guid`.
fn norm(header: &str) -> String {
    header
        .trim()
        .to_lowercase()
        .replace("(optional)", "")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .collect()
}

/// The format whose required columns are all in `header`.
pub fn detect(header: &[String]) -> Option<CsvFormat> {
    let names: Vec<String> = header.iter().map(|h| norm(h)).collect();
    CsvFormat::ALL.into_iter().find(|f| f.required().iter().all(|r| names.iter().any(|n| n == r)))
}

/// Parses a spreadsheet. With `format` = `None` the format is detected from the header.
pub fn parse(bytes: &[u8], source_name: &str, format: Option<CsvFormat>) -> Result<FrameworkImport> {
    check_source_len(bytes.len() as u64, source_name, &Limits::default())?;
    let text = utf8(bytes, source_name)?;
    let mut reader =
        ::csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(source_name, &e))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        rows.push((line, record.iter().map(str::to_owned).collect()));
    }
    let Some((_, header)) = rows.first().cloned() else {
        return Err(parse_error(source_name, "the file is empty; a header row is expected"));
    };
    let format = match format {
        Some(f) => {
            check_header(f, &header, source_name)?;
            f
        }
        None => detect(&header).ok_or_else(|| unknown_header(&header, source_name))?,
    };
    let table = Table::new(&header, source_name, format)?;
    let body: Vec<(usize, Vec<String>)> =
        rows.into_iter().skip(1).filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty())).collect();
    let stem =
        Path::new(source_name).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    match format {
        CsvFormat::Moodle => moodle(&table, &body, source_name, &stem),
        CsvFormat::Canvas => canvas(&table, &body, source_name, &stem),
        CsvFormat::OpenSalt => opensalt(&table, &body, source_name, &stem),
    }
}

/// Reads and parses a spreadsheet from disk under the default limits.
pub fn parse_path(path: &Path, format: Option<CsvFormat>) -> Result<FrameworkImport> {
    let bytes = super::safety::read_source(path, &Limits::default())?;
    parse(&bytes, &path.display().to_string(), format)
}

fn csv_error(source_name: &str, e: &::csv::Error) -> Error {
    let place = e.position().map(|p| format!("line {}: ", p.line())).unwrap_or_default();
    parse_error(source_name, format!("{place}{e}"))
}

fn check_header(format: CsvFormat, header: &[String], source_name: &str) -> Result<()> {
    let names: Vec<String> = header.iter().map(|h| norm(h)).collect();
    let missing = format.missing(&names);
    if missing.is_empty() {
        return Ok(());
    }
    Err(parse_error(
        source_name,
        format!(
            "line 1: the header is not a {} header (missing {}); found `{}`; expected `{}`",
            format.label(),
            missing.join(", "),
            header.join(","),
            format.expected_header()
        ),
    ))
}

fn unknown_header(header: &[String], source_name: &str) -> Error {
    let names: Vec<String> = header.iter().map(|h| norm(h)).collect();
    let expected: Vec<String> =
        CsvFormat::ALL.iter().map(|f| format!("{} (`{}`)", f.label(), f.expected_header())).collect();
    // Name the closest format and what it lacks, which is usually the actual mistake.
    let closest = CsvFormat::ALL
        .into_iter()
        .map(|f| {
            let known = known_columns(f);
            (names.iter().filter(|n| known.contains(&n.as_str())).count(), f)
        })
        .max_by_key(|(score, _)| *score)
        .filter(|(score, _)| *score > 0)
        .map(|(_, f)| {
            let missing = f.missing(&names);
            format!(" It is closest to the {} header but lacks {}.", f.label(), missing.join(", "))
        })
        .unwrap_or_default();
    parse_error(
        source_name,
        format!(
            "line 1: the header `{}` is not recognised.{closest} Expected one of: {}",
            header.join(","),
            expected.join("; ")
        ),
    )
}

fn known_columns(format: CsvFormat) -> Vec<&'static str> {
    match format {
        CsvFormat::Moodle => vec![
            "parentidnumber",
            "idnumber",
            "shortname",
            "description",
            "descriptionformat",
            "scalevalues",
            "scaleconfiguration",
            "ruletype",
            "ruleoutcome",
            "ruleconfig",
            "crossreferencedcompetencyidnumbers",
            "exportedid",
            "isframework",
            "taxonomy",
        ],
        CsvFormat::Canvas => vec![
            "canvasid",
            "vendorguid",
            "objecttype",
            "title",
            "description",
            "displayname",
            "calculationmethod",
            "calculationint",
            "workflowstate",
            "parentguids",
            "ratings",
            "masterypoints",
        ],
        CsvFormat::OpenSalt => {
            let mut v = vec![
                "identifier",
                "fullstatement",
                "humancodingscheme",
                "sequencenumber",
                "abbreviatedstatement",
                "conceptkeywords",
                "notes",
                "language",
                "educationlevel",
                "cfitemtype",
                "license",
                "parent",
                "ischildof",
                "listenumeration",
                "smartlevel",
            ];
            v.extend(OPENSALT_ASSOCIATIONS.iter().map(|(k, _)| *k));
            v
        }
    }
}

/// OpenSALT association columns (normalised) and the CASE association type they produce.
const OPENSALT_ASSOCIATIONS: &[(&str, &str)] = &[
    ("ispartof", "isPartOf"),
    ("replacedby", "replacedBy"),
    ("exemplar", "exemplar"),
    ("hasskilllevel", "hasSkillLevel"),
    ("isexactmatchof", "exactMatchOf"),
    ("exactmatchof", "exactMatchOf"),
    ("precedes", "precedes"),
    ("ispeerof", "isPeerOf"),
    ("isrelatedto", "isRelatedTo"),
];

/// Column lookup by normalised name.
struct Table {
    headers: Vec<String>,
    index: HashMap<String, usize>,
    /// Canvas: index of the `ratings` column.
    ratings: Option<usize>,
}

impl Table {
    fn new(header: &[String], source_name: &str, format: CsvFormat) -> Result<Table> {
        let mut index = HashMap::new();
        let mut ratings = None;
        for (i, h) in header.iter().enumerate() {
            let n = norm(h);
            if n.is_empty() {
                if format == CsvFormat::Canvas && ratings.is_some() {
                    continue;
                }
                return Err(parse_error(
                    source_name,
                    format!("line 1, column {}: the header has an empty column name", i + 1),
                ));
            }
            if n == "ratings" {
                ratings = Some(i);
            }
            if index.insert(n, i).is_some() {
                return Err(parse_error(source_name, format!("line 1: the column `{h}` appears twice")));
            }
        }
        Ok(Table { headers: header.to_vec(), index, ratings })
    }

    fn get<'a>(&self, row: &'a [String], name: &str) -> &'a str {
        self.index.get(name).and_then(|&i| row.get(i)).map_or("", |s| s.trim())
    }

    fn raw<'a>(&self, row: &'a [String], name: &str) -> &'a str {
        self.index.get(name).and_then(|&i| row.get(i)).map_or("", String::as_str)
    }

    /// Every non-empty cell whose normalised column is not in `mapped`, by original header.
    fn extra(&self, row: &[String], mapped: &[&str]) -> Map<String, Value> {
        let mut out = Map::new();
        for (i, header) in self.headers.iter().enumerate() {
            let n = norm(header);
            if n.is_empty() || mapped.contains(&n.as_str()) || Some(i) == self.ratings {
                continue;
            }
            if let Some(cell) = row.get(i)
                && !cell.trim().is_empty()
            {
                out.insert(header.trim().to_owned(), Value::String(cell.clone()));
            }
        }
        out
    }
}

fn new_framework(format: CsvFormat, title: &str, identifier: &str) -> Framework {
    Framework {
        id: FrameworkId::new(),
        identifier: identifier.to_owned(),
        uri: String::new(),
        title: title.to_owned(),
        creator: String::new(),
        version: String::new(),
        language: String::new(),
        source: format.source().to_owned(),
        extra: Value::Object(Map::new()),
    }
}

fn item(framework: FrameworkId) -> StandardItem {
    StandardItem {
        id: StandardItemId::new(),
        framework,
        parent: None,
        identifier: String::new(),
        uri: String::new(),
        code: String::new(),
        statement: String::new(),
        abbreviated: String::new(),
        item_type: String::new(),
        extra: Value::Object(Map::new()),
    }
}

fn looks_like_html(text: &str) -> bool {
    text.contains('<') && text.contains('>')
}

/// Markdown statement from an HTML (or plain) description.
fn statement_from(description: &str, html: bool) -> String {
    if html && looks_like_html(description) {
        html_to_markdown::convert(description).markdown.trim().to_owned()
    } else {
        description.trim().to_owned()
    }
}

fn reference(item: &StandardItem) -> ExternalRef {
    ExternalRef {
        identifier: if item.identifier.is_empty() { item.code.clone() } else { item.identifier.clone() },
        uri: item.uri.clone(),
        title: if item.code.is_empty() { item.abbreviated.clone() } else { item.code.clone() },
    }
}

fn external(value: &str) -> ExternalRef {
    let is_url = value.contains("://");
    ExternalRef {
        identifier: if is_url {
            value.trim_end_matches('/').rsplit('/').next().unwrap_or(value).to_owned()
        } else {
            value.to_owned()
        },
        uri: if is_url { value.to_owned() } else { String::new() },
        title: String::new(),
    }
}

fn association(
    framework: FrameworkId,
    kind: &str,
    origin: ExternalRef,
    destination: ExternalRef,
) -> StandardAssociation {
    StandardAssociation {
        id: AssociationId::new(),
        framework,
        identifier: String::new(),
        association_type: kind.to_owned(),
        origin,
        destination,
        extra: Value::Object(Map::new()),
    }
}

/// Puts items parents-first, siblings in the order given by `rank` (then row order), and
/// reports items whose parent chain loops.
fn order(
    items: Vec<StandardItem>,
    rank: &[f64],
    source_name: &str,
    findings: &mut Vec<crate::Finding>,
) -> Vec<StandardItem> {
    let pos: HashMap<StandardItemId, usize> = items.iter().enumerate().map(|(i, it)| (it.id, i)).collect();
    let mut children: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
    for (i, it) in items.iter().enumerate() {
        children.entry(it.parent.and_then(|p| pos.get(&p).copied())).or_default().push(i);
    }
    for list in children.values_mut() {
        list.sort_by(|&a, &b| {
            rank[a].partial_cmp(&rank[b]).unwrap_or(std::cmp::Ordering::Equal).then(a.cmp(&b))
        });
    }
    let mut out = Vec::with_capacity(items.len());
    let mut seen = vec![false; items.len()];
    let mut stack: Vec<usize> =
        children.get(&None).map(|v| v.iter().rev().copied().collect()).unwrap_or_default();
    while let Some(i) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        out.push(i);
        if let Some(kids) = children.get(&Some(i)) {
            stack.extend(kids.iter().rev().copied());
        }
    }
    let mut items: Vec<Option<StandardItem>> = items.into_iter().map(Some).collect();
    let mut ordered: Vec<StandardItem> = out.into_iter().filter_map(|i| items[i].take()).collect();
    for mut orphan in items.into_iter().flatten() {
        findings.push(finding(
            "import-csv-parent-cycle",
            Severity::Warning,
            format!("item {} is part of a parent cycle; it was placed at the top level", orphan.code),
            "standardItem",
            source_name,
        ));
        orphan.parent = None;
        ordered.push(orphan);
    }
    ordered
}

fn moodle(
    table: &Table,
    rows: &[(usize, Vec<String>)],
    source_name: &str,
    stem: &str,
) -> Result<FrameworkImport> {
    let mut findings = Vec::new();
    let mapped = ["parentidnumber", "idnumber", "shortname", "isframework"];
    let mut framework: Option<Framework> = None;
    let mut taxonomy: Vec<String> = Vec::new();
    let mut items: Vec<StandardItem> = Vec::new();
    let mut lines: Vec<usize> = Vec::new();
    let mut parents: Vec<String> = Vec::new();
    let mut related: Vec<Vec<String>> = Vec::new();
    let mut by_idnumber: HashMap<String, usize> = HashMap::new();
    for (line, row) in rows {
        let idnumber = table.get(row, "idnumber");
        let is_framework = matches!(table.get(row, "isframework"), "1" | "true" | "yes");
        if is_framework {
            if framework.is_some() {
                return Err(parse_error(
                    source_name,
                    format!("line {line}: a second framework row; import one framework per file"),
                ));
            }
            let title = match table.get(row, "shortname") {
                "" => stem,
                t => t,
            };
            let mut fw = new_framework(CsvFormat::Moodle, title, idnumber);
            fw.extra = Value::Object(table.extra(row, &mapped));
            taxonomy = table.get(row, "taxonomy").split(',').map(|t| t.trim().to_owned()).collect();
            framework = Some(fw);
            continue;
        }
        if idnumber.is_empty() {
            return Err(parse_error(
                source_name,
                format!("line {line}: `Id number` is empty; every competency needs one"),
            ));
        }
        if by_idnumber.contains_key(idnumber) {
            return Err(parse_error(
                source_name,
                format!("line {line}: the id number `{idnumber}` is used twice"),
            ));
        }
        let shortname = table.get(row, "shortname");
        let description = table.raw(row, "description");
        let html = matches!(table.get(row, "descriptionformat"), "" | "1");
        let mut it = item(FrameworkId::default());
        it.identifier = idnumber.to_owned();
        it.code = idnumber.to_owned();
        it.abbreviated = shortname.to_owned();
        it.statement = match statement_from(description, html) {
            s if s.is_empty() => shortname.to_owned(),
            s => s,
        };
        it.extra = Value::Object(table.extra(row, &mapped));
        by_idnumber.insert(idnumber.to_owned(), items.len());
        parents.push(table.get(row, "parentidnumber").to_owned());
        related.push(
            table
                .get(row, "crossreferencedcompetencyidnumbers")
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        );
        lines.push(*line);
        items.push(it);
    }
    let framework = match framework {
        Some(f) => f,
        None => {
            findings.push(finding(
                "import-csv-no-framework-row",
                Severity::Warning,
                format!("no row has `Is framework` = 1; the framework was named \"{stem}\" after the file"),
                "framework",
                source_name,
            ));
            new_framework(CsvFormat::Moodle, stem, "")
        }
    };
    let ids: Vec<StandardItemId> = items.iter().map(|i| i.id).collect();
    for (i, parent) in parents.iter().enumerate() {
        items[i].framework = framework.id;
        if parent.is_empty() {
            continue;
        }
        match by_idnumber.get(parent) {
            Some(&p) if p != i => items[i].parent = Some(ids[p]),
            _ => findings.push(finding(
                "import-csv-unknown-parent",
                Severity::Warning,
                format!(
                    "line {}: the parent id number `{parent}` of `{}` is not in the file; it was placed at the top level",
                    lines[i], items[i].code
                ),
                "standardItem",
                source_name,
            )),
        }
    }
    // Item type from the framework taxonomy at the item's depth.
    let pos: HashMap<StandardItemId, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    for i in 0..items.len() {
        let mut depth = 0;
        let mut at = items[i].parent;
        while let Some(p) = at {
            depth += 1;
            if depth > items.len() {
                break;
            }
            at = pos.get(&p).and_then(|&j| items[j].parent);
        }
        if let Some(term) = taxonomy.get(depth).filter(|t| !t.is_empty()) {
            items[i].item_type = term.clone();
        }
    }
    let mut associations = Vec::new();
    for (i, targets) in related.iter().enumerate() {
        for target in targets {
            let destination = match by_idnumber.get(target) {
                Some(&j) => reference(&items[j]),
                None => external(target),
            };
            associations.push(association(framework.id, "isRelatedTo", reference(&items[i]), destination));
        }
    }
    let rank: Vec<f64> = (0..items.len()).map(|i| i as f64).collect();
    let items = order(items, &rank, source_name, &mut findings);
    Ok(FrameworkImport { framework, items, associations, findings })
}

fn canvas(
    table: &Table,
    rows: &[(usize, Vec<String>)],
    source_name: &str,
    stem: &str,
) -> Result<FrameworkImport> {
    let mut findings = Vec::new();
    let framework = new_framework(CsvFormat::Canvas, stem, "");
    let mapped = ["vendorguid", "objecttype", "title", "displayname", "parentguids", "ratings"];
    let mut items: Vec<StandardItem> = Vec::new();
    let mut parent_lists: Vec<(usize, Vec<String>)> = Vec::new();
    let mut by_guid: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<bool> = Vec::new();
    for (line, row) in rows {
        let guid = table.get(row, "vendorguid");
        let kind = table.get(row, "objecttype").to_ascii_lowercase();
        let title = table.get(row, "title");
        if table.get(row, "workflowstate").eq_ignore_ascii_case("deleted") {
            findings.push(finding(
                "import-csv-deleted-row",
                Severity::Info,
                format!("line {line}: `{guid}` has workflow_state deleted and was not imported"),
                "standardItem",
                source_name,
            ));
            continue;
        }
        if guid.is_empty() {
            return Err(parse_error(
                source_name,
                format!("line {line}: `vendor_guid` is empty; every row needs one"),
            ));
        }
        if kind != "group" && kind != "outcome" {
            return Err(parse_error(
                source_name,
                format!("line {line}: `object_type` is `{kind}`; it must be `group` or `outcome`"),
            ));
        }
        if title.is_empty() {
            return Err(parse_error(source_name, format!("line {line}: `title` is empty")));
        }
        if by_guid.contains_key(guid) {
            return Err(parse_error(
                source_name,
                format!("line {line}: the vendor_guid `{guid}` is used twice"),
            ));
        }
        let mut it = item(framework.id);
        it.identifier = guid.to_owned();
        it.code = title.to_owned();
        it.abbreviated = table.get(row, "displayname").to_owned();
        it.item_type = if kind == "group" { "Outcome Group".into() } else { "Outcome".into() };
        it.statement = match statement_from(table.raw(row, "description"), true) {
            s if s.is_empty() => title.to_owned(),
            s => s,
        };
        let mut extra = table.extra(row, &mapped);
        if let Some(start) = table.ratings {
            let cells: Vec<&str> = row.iter().skip(start).map(|c| c.trim()).collect();
            let cells: Vec<&str> = {
                let end = cells.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1);
                cells[..end].to_vec()
            };
            let mut ratings = Vec::new();
            for (n, pair) in cells.chunks(2).enumerate() {
                let points_text = pair[0];
                let description = pair.get(1).copied().unwrap_or("");
                let points: f64 = points_text.parse().map_err(|_| {
                    parse_error(
                        source_name,
                        format!(
                            "line {line}, column {}: rating points `{points_text}` is not a number (ratings are points,description pairs)",
                            start + 2 * n + 1
                        ),
                    )
                })?;
                let mut r = Map::new();
                r.insert(
                    "points".into(),
                    serde_json::Number::from_f64(points).map_or(Value::Null, Value::Number),
                );
                r.insert("description".into(), Value::String(description.to_owned()));
                ratings.push(Value::Object(r));
            }
            if !ratings.is_empty() {
                extra.insert("ratings".into(), Value::Array(ratings));
            }
        }
        it.extra = Value::Object(extra);
        by_guid.insert(guid.to_owned(), items.len());
        parent_lists
            .push((*line, table.get(row, "parentguids").split_whitespace().map(str::to_owned).collect()));
        groups.push(kind == "group");
        items.push(it);
    }
    let ids: Vec<StandardItemId> = items.iter().map(|i| i.id).collect();
    let mut associations = Vec::new();
    for (i, (line, parents)) in parent_lists.iter().enumerate() {
        for (n, guid) in parents.iter().enumerate() {
            let Some(&p) = by_guid.get(guid) else {
                return Err(parse_error(
                    source_name,
                    format!("line {line}: parent_guids names `{guid}`, which is not a row of this file"),
                ));
            };
            if !groups[p] {
                return Err(parse_error(
                    source_name,
                    format!("line {line}: parent_guids names `{guid}`, which is an outcome, not a group"),
                ));
            }
            if n == 0 && p != i {
                items[i].parent = Some(ids[p]);
            } else {
                associations.push(association(
                    framework.id,
                    "isChildOf",
                    reference(&items[i]),
                    reference(&items[p]),
                ));
            }
        }
    }
    let rank: Vec<f64> = (0..items.len()).map(|i| i as f64).collect();
    let items = order(items, &rank, source_name, &mut findings);
    Ok(FrameworkImport { framework, items, associations, findings })
}

/// The hierarchy that OpenSALT rows imply by their codes: the `smartLevel` column when the file
/// fills it in (`1`, `1.2`, `1.2.3`), otherwise the human coding scheme (`L.3`, `L.3.1`). A code's
/// parent is the row whose code is the code up to its last `.`; when no row has that code, the
/// nearest shorter prefix that is a row is used (and reported).
struct Hierarchy {
    /// Each row's code in the column used (empty: none).
    keys: Vec<String>,
    /// Code → first row with it.
    rows: HashMap<String, usize>,
    smart_level: bool,
}

/// Where a row's code puts it.
struct ImpliedParent {
    /// The code up to its last `.`.
    immediate: String,
    /// Whether a row has exactly that code.
    immediate_found: bool,
    /// The row it goes under: the immediate parent or the nearest ancestor code in the file.
    found: Option<usize>,
}

impl Hierarchy {
    fn new(items: &[StandardItem], levels: &[String]) -> Hierarchy {
        let smart_level = levels.iter().any(|l| !l.is_empty());
        let keys: Vec<String> =
            if smart_level { levels.to_vec() } else { items.iter().map(|i| i.code.clone()).collect() };
        let mut rows = HashMap::new();
        for (i, key) in keys.iter().enumerate() {
            if !key.is_empty() {
                rows.entry(key.clone()).or_insert(i);
            }
        }
        Hierarchy { keys, rows, smart_level }
    }

    fn key(&self, i: usize) -> &str {
        self.keys.get(i).map_or("", String::as_str)
    }

    fn column_label(&self) -> &'static str {
        if self.smart_level { "smartLevel" } else { "human coding scheme" }
    }

    /// `None` when the row's code has no parent part (no `.`, or an empty code).
    fn parent_of(&self, i: usize) -> Option<ImpliedParent> {
        let key = self.key(i);
        let cut = key.rfind('.')?;
        let immediate = &key[..cut];
        if immediate.is_empty() {
            return None;
        }
        let mut prefix = immediate;
        let found = loop {
            match self.rows.get(prefix) {
                Some(&p) if p != i => break Some(p),
                _ => {}
            }
            match prefix.rfind('.') {
                Some(c) if c > 0 => prefix = &prefix[..c],
                _ => break None,
            }
        };
        let immediate_found = self.rows.get(immediate).is_some_and(|&p| p != i);
        Some(ImpliedParent { immediate: immediate.to_owned(), immediate_found, found })
    }
}

fn opensalt(
    table: &Table,
    rows: &[(usize, Vec<String>)],
    source_name: &str,
    stem: &str,
) -> Result<FrameworkImport> {
    let mut findings = Vec::new();
    let framework = new_framework(CsvFormat::OpenSalt, stem, "");
    let mut mapped = vec![
        "identifier",
        "fullstatement",
        "humancodingscheme",
        "abbreviatedstatement",
        "cfitemtype",
        "ischildof",
        "parent",
    ];
    mapped.extend(OPENSALT_ASSOCIATIONS.iter().map(|(k, _)| *k));
    let mut items: Vec<StandardItem> = Vec::new();
    let mut parents: Vec<(usize, String)> = Vec::new();
    let mut levels: Vec<String> = Vec::new();
    let mut links: Vec<Vec<(&'static str, String)>> = Vec::new();
    let mut rank: Vec<f64> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for (line, row) in rows {
        let mut it = item(framework.id);
        it.identifier = table.get(row, "identifier").to_owned();
        it.statement = table.raw(row, "fullstatement").trim().to_owned();
        it.code = table.get(row, "humancodingscheme").to_owned();
        it.abbreviated = table.get(row, "abbreviatedstatement").to_owned();
        it.item_type = table.get(row, "cfitemtype").to_owned();
        if it.statement.is_empty() {
            return Err(parse_error(source_name, format!("line {line}: `fullStatement` is empty")));
        }
        it.extra = Value::Object(table.extra(row, &mapped));
        let parent = match table.get(row, "ischildof") {
            "" => table.get(row, "parent"),
            p => p,
        };
        for key in [&it.identifier, &it.code] {
            if !key.is_empty() {
                by_key.entry(key.clone()).or_insert(items.len());
            }
        }
        parents.push((*line, parent.to_owned()));
        levels.push(table.get(row, "smartlevel").to_owned());
        let mut row_links = Vec::new();
        for (column, kind) in OPENSALT_ASSOCIATIONS {
            for target in table.get(row, column).split(',').map(str::trim).filter(|t| !t.is_empty()) {
                row_links.push((*kind, target.to_owned()));
            }
        }
        links.push(row_links);
        rank.push(table.get(row, "sequencenumber").parse().unwrap_or(f64::MAX));
        items.push(it);
    }
    let ids: Vec<StandardItemId> = items.iter().map(|i| i.id).collect();
    let hierarchy = Hierarchy::new(&items, &levels);
    let mut inferred = 0usize;
    let mut missing: Vec<String> = Vec::new();
    let mut missing_count = 0usize;
    for i in 0..items.len() {
        let (line, parent) = &parents[i];
        if !parent.is_empty() {
            match by_key.get(parent) {
                Some(&p) if p != i => items[i].parent = Some(ids[p]),
                _ => findings.push(finding(
                    "import-csv-unknown-parent",
                    Severity::Warning,
                    format!("line {line}: the parent `{parent}` is not an item of this file; the item was placed at the top level"),
                    "standardItem",
                    source_name,
                )),
            }
            continue;
        }
        let Some(implied) = hierarchy.parent_of(i) else { continue };
        if let Some(p) = implied.found {
            items[i].parent = Some(ids[p]);
            inferred += 1;
        }
        if !implied.immediate_found {
            missing_count += 1;
            if missing.len() < 5 {
                let placed = match implied.found {
                    Some(p) => format!("placed under `{}`", hierarchy.key(p)),
                    None => "placed at the top level".to_owned(),
                };
                missing.push(format!(
                    "line {line}: `{}` implies `{}`, {placed}",
                    hierarchy.key(i),
                    implied.immediate
                ));
            }
        }
    }
    if inferred > 0 {
        findings.push(finding(
            "import-csv-inferred-hierarchy",
            Severity::Info,
            format!(
                "{inferred} item(s) without a parent cell were placed under the item their {} names (`A.B.C` under `A.B`)",
                hierarchy.column_label()
            ),
            "framework",
            source_name,
        ));
    }
    if missing_count > 0 {
        let more = missing_count - missing.len();
        findings.push(finding(
            "import-csv-implied-parent-missing",
            Severity::Info,
            format!(
                "{missing_count} item(s) have a {} whose parent code is not a row of this file ({}{})",
                hierarchy.column_label(),
                missing.join("; "),
                if more > 0 { format!("; and {more} more") } else { String::new() }
            ),
            "framework",
            source_name,
        ));
    }
    let mut associations = Vec::new();
    for (i, row_links) in links.iter().enumerate() {
        for (kind, target) in row_links {
            let destination = match by_key.get(target) {
                Some(&j) => reference(&items[j]),
                None => external(target),
            };
            associations.push(association(framework.id, kind, reference(&items[i]), destination));
        }
    }
    let items = order(items, &rank, source_name, &mut findings);
    Ok(FrameworkImport { framework, items, associations, findings })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_format_from_its_header() {
        let h = |s: &str| s.split(',').map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(detect(&h(MOODLE_HEADER)), Some(CsvFormat::Moodle));
        assert_eq!(detect(&h("canvas_id,vendor_guid,object_type,title,ratings")), Some(CsvFormat::Canvas));
        assert_eq!(
            detect(&h("CFItemType,fullStatement,humanCodingScheme,parent")),
            Some(CsvFormat::OpenSalt)
        );
        assert_eq!(detect(&h("a,b,c")), None);
    }

    #[test]
    fn canvas_rows_become_a_hierarchy_with_ratings() {
        let csv = "vendor_guid,object_type,title,description,parent_guids,ratings,,,\n\
                   g,group,Group,\"<p>multi\nline</p>\",,,,,\n\
                   o,outcome,O.1,Do it,g,3,Great,0,Poor\n";
        let import = parse(csv.as_bytes(), "outcomes.csv", None).unwrap();
        assert_eq!(import.framework.title, "outcomes");
        assert_eq!(import.items.len(), 2);
        assert_eq!(import.items[0].statement, "multi line");
        assert_eq!(import.items[1].parent, Some(import.items[0].id));
        assert_eq!(import.items[1].extra["ratings"][1]["description"], "Poor");
    }

    #[test]
    fn a_forced_format_with_the_wrong_header_names_the_expected_header() {
        let e = parse(b"x,y\n1,2\n", "f.csv", Some(CsvFormat::Canvas)).unwrap_err().to_string();
        assert!(e.contains("f.csv") && e.contains("vendor_guid,object_type,title"), "{e}");
    }
}
