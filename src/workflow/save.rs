//! What a save dialog proposes for each kind of file the app writes: the dialog's title, a
//! default file name made from the curriculum's title, and the file-type filter. The dialog
//! itself belongs to the app; the names are decided here so they follow the same rules as every
//! other file name Trellis makes ([`super::document::fresh_stem`]).

use crate::export::ExportFormat;

use super::document::fresh_stem;

/// What a save dialog shows and proposes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SaveProposal {
    /// The dialog's title.
    pub title: &'static str,
    /// The proposed file name (no folder).
    pub file_name: String,
    /// The name of the file-type filter.
    pub filter_name: String,
    /// The extensions the filter lets through, without dots.
    pub extensions: Vec<&'static str>,
}

/// The save dialog of an export of the curriculum titled `title` as `format`:
/// `<title>.<extension>`.
pub fn export_package(title: &str, format: ExportFormat) -> SaveProposal {
    let ext = format.extension();
    SaveProposal {
        title: "Export",
        file_name: format!("{}.{ext}", fresh_stem(title)),
        filter_name: format.label().to_owned(),
        extensions: vec![ext],
    }
}

/// The save dialog of the review packet of the curriculum titled `title`:
/// `<title> review packet.html`.
pub fn review_packet(title: &str) -> SaveProposal {
    SaveProposal {
        title: "Write the review packet",
        file_name: format!("{} review packet.html", fresh_stem(title)),
        filter_name: "Web page".to_owned(),
        extensions: vec!["html", "htm"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proposed_names_follow_the_title_without_path_separators() {
        assert_eq!(review_packet("Stats / Probability").file_name, "Stats - Probability review packet.html");
        let export = export_package("Stats / Probability", ExportFormat::Cc13);
        assert_eq!(export.file_name, format!("Stats - Probability.{}", ExportFormat::Cc13.extension()));
        assert_eq!(export.extensions, [ExportFormat::Cc13.extension()]);
        assert_eq!(export.filter_name, ExportFormat::Cc13.label());
    }
}
