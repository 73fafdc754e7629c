//! The recent-documents list, kept as a small JSON file in the app's config directory. Losing
//! or failing to write it is never an error worth interrupting the user for.

use std::path::{Path, PathBuf};

use crate::dto::RecentDocument;

/// How many documents the list keeps.
pub const MAX_RECENT: usize = 12;

/// The list and where it is saved.
#[derive(Debug)]
pub struct RecentList {
    file: PathBuf,
    entries: Vec<RecentDocument>,
}

impl RecentList {
    /// Reads the list (empty when the file is missing or unreadable).
    pub fn load(file: PathBuf) -> Self {
        let entries = std::fs::read_to_string(&file)
            .ok()
            .and_then(|text| serde_json::from_str::<Vec<RecentDocument>>(&text).ok())
            .unwrap_or_default();
        RecentList { file, entries }
    }

    /// Newest first, with `exists` filled in.
    pub fn entries(&self) -> Vec<RecentDocument> {
        self.entries
            .iter()
            .map(|e| RecentDocument { exists: Path::new(&e.path).exists(), ..e.clone() })
            .collect()
    }

    /// Moves `path` to the top (adding it when new) and saves.
    pub fn touch(&mut self, path: &Path, title: &str) {
        let path = path.display().to_string();
        self.entries.retain(|e| e.path != path);
        self.entries.insert(
            0,
            RecentDocument {
                path,
                title: title.to_owned(),
                opened_at: trellis::model::Timestamp::now().0,
                exists: true,
            },
        );
        self.entries.truncate(MAX_RECENT);
        self.save();
    }

    /// Removes `path` and saves.
    pub fn forget(&mut self, path: &str) {
        self.entries.retain(|e| e.path != path);
        self.save();
    }

    fn save(&self) {
        if let Some(dir) = self.file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if let Ok(text) = serde_json::to_string_pretty(&self.entries) {
            let _ = trellis::json::write_atomic(&self.file, text.as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touching_moves_a_document_to_the_top_and_survives_a_reload() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let file = dir.path().join("recent.json");
        let mut list = RecentList::load(file.clone());
        list.touch(Path::new("/a.trellis"), "A");
        list.touch(Path::new("/b.trellis"), "B");
        list.touch(Path::new("/a.trellis"), "A renamed");
        let reloaded = RecentList::load(file);
        let titles: Vec<_> = reloaded.entries().into_iter().map(|e| e.title).collect();
        assert_eq!(titles, ["A renamed", "B"]);
        Ok(())
    }

    #[test]
    fn the_list_is_bounded() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let mut list = RecentList::load(dir.path().join("recent.json"));
        for i in 0..MAX_RECENT + 5 {
            list.touch(Path::new(&format!("/{i}.trellis")), "x");
        }
        assert_eq!(list.entries().len(), MAX_RECENT);
        Ok(())
    }
}
