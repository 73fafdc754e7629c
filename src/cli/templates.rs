//! `trellis templates`: the templates a user can start from (built-in ones and the `*.toml`
//! files of the user folder, which add or override by id), with the problems of user files that
//! could not be loaded. Also the one catalog every command resolves templates through: the
//! template of `trellis new --template ID` and a document's template in `trellis check`,
//! `lint` and `report` ([`user_catalog`]).
//!
//! Loading, validating and instantiating templates is `trellis::pedagogy::templates`; this file
//! only prints and looks up.

use clap::Args;
use trellis::pedagogy::templates::{self, Catalog};

use super::exit;

/// Arguments of `trellis templates`.
#[derive(Args)]
pub struct TemplatesArgs {}

impl TemplatesArgs {
    /// Lists the templates.
    pub fn run(self) -> anyhow::Result<u8> {
        let dir = templates::user_dir();
        let catalog = Catalog::load(dir.as_deref());
        print!("{}", render(&catalog));
        match &dir {
            Some(d) => println!("\nuser templates: {} (TRELLIS_TEMPLATES overrides)", d.display()),
            None => println!("\nuser templates: no config folder found (set TRELLIS_TEMPLATES)"),
        }
        print_errors(&catalog);
        Ok(exit::OK)
    }
}

/// One line per template: id, name, the first sentence of the description, and where a user
/// template comes from.
fn render(catalog: &Catalog) -> String {
    let id_width = catalog.templates.iter().map(|t| t.id.chars().count()).max().unwrap_or(0);
    let name_width = catalog.templates.iter().map(|t| t.name.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for t in &catalog.templates {
        let origin = if t.source == "builtin" { String::new() } else { format!(" [user: {}]", t.source) };
        out.push_str(&format!(
            "{:<id_width$}  {:<name_width$}  {}{origin}\n",
            t.id,
            t.name,
            first_sentence(&t.description)
        ));
    }
    out
}

/// The built-in templates plus the user folder's ([`templates::user_dir`], `TRELLIS_TEMPLATES`
/// overrides it): what every command resolves a template id through.
pub fn user_catalog() -> Catalog {
    Catalog::load(templates::user_dir().as_deref())
}

/// [`user_catalog`] for analysing `doc`: when the document's template is not in it, the user
/// files that could not be loaded are reported on stderr (one of them may be that template).
pub fn catalog_for(doc: &trellis::model::Document) -> Catalog {
    let catalog = user_catalog();
    if let Some(id) = doc.curriculum.template.as_deref()
        && catalog.get(id).is_none()
    {
        eprintln!(
            "note: template {id:?} is not among the built-in or user templates; its checks did not run"
        );
        print_errors(&catalog);
    }
    catalog
}

/// Problems with user template files, one line each on stderr.
fn print_errors(catalog: &Catalog) {
    for e in &catalog.errors {
        eprintln!("user template not loaded: {e}");
    }
}

/// The first sentence of a description: up to a full stop followed by a capital letter, where
/// the word before the stop is not an abbreviation ("e.g.", "etc.").
fn first_sentence(text: &str) -> &str {
    let text = text.trim();
    for (i, _) in text.match_indices(". ") {
        let word = text[..i].rsplit(' ').next().unwrap_or("");
        let abbreviation = word.contains('.') || matches!(word, "etc" | "cf" | "vs" | "approx" | "");
        if !abbreviation && text[i + 2..].starts_with(char::is_uppercase) {
            return &text[..=i];
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::first_sentence;

    #[test]
    fn first_sentence_stops_at_a_full_stop_before_a_capital() {
        assert_eq!(first_sentence("A course map. Each module has objectives."), "A course map.");
        assert_eq!(first_sentence("Tag with e.g. WHERETO events"), "Tag with e.g. WHERETO events");
        assert_eq!(first_sentence("One sentence only."), "One sentence only.");
        assert_eq!(first_sentence(""), "");
    }
}
