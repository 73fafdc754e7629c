//! Defences every importer goes through before it looks at content: size limits, UTF-8 checks,
//! and [`Package`], the one way to read files out of a zip archive or an unpacked directory.
//!
//! A package is checked as a whole when it is opened (entry count, every entry name, declared
//! sizes and compression ratios), and every read is checked again against the bytes actually
//! inflated, because zip headers can lie. Paths never leave the package: zip entries with `..`
//! or absolute names reject the whole package (zip slip), hrefs that climb out of it are
//! refused, and in a directory package symbolic links that point outside are not followed.
//! Nothing is ever extracted to disk and nothing is fetched from the network.
//!
//! What this module deliberately does not do: parse XML (that is [`super::xml`], which refuses
//! DTDs and entities) or decide what a file means.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// Limits applied to everything imported. The defaults suit real course exports (a 500 MB
/// cartridge with thousands of files) and refuse archives built to exhaust memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest single-file source (CASE JSON, CSV) in bytes.
    pub max_source_bytes: u64,
    /// Largest archive file in bytes.
    pub max_archive_bytes: u64,
    /// Most entries (files and directories) in one package.
    pub max_entries: usize,
    /// Largest single file inside a package, uncompressed, in bytes.
    pub max_file_bytes: u64,
    /// Largest sum of uncompressed sizes of a package, in bytes.
    pub max_total_bytes: u64,
    /// Largest uncompressed/compressed ratio for an entry bigger than [`Limits::ratio_floor`],
    /// and for a whole archive (everything it expands to over the archive's size) once it
    /// expands to more than that floor, so a bomb of many small entries is refused too.
    pub max_ratio: u64,
    /// Entries (and archives) expanding to fewer bytes than this are not ratio-checked (tiny
    /// files compress well).
    pub ratio_floor: u64,
    /// Largest XML, HTML or JSON file inside a package, in bytes.
    pub max_markup_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_source_bytes: 128 << 20,
            max_archive_bytes: 2 << 30,
            max_entries: 20_000,
            max_file_bytes: 256 << 20,
            max_total_bytes: 1 << 30,
            max_ratio: 200,
            ratio_floor: 1 << 20,
            max_markup_bytes: 32 << 20,
        }
    }
}

/// A parse error naming the input and the place.
pub(crate) fn parse_error(source_name: &str, message: impl Into<String>) -> Error {
    Error::Parse { source_name: source_name.to_owned(), message: message.into() }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &[u8], offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    (line, column)
}

/// Checks that `bytes` are UTF-8 (a leading byte-order mark is dropped) and names the line and
/// column of the first bad byte otherwise.
pub fn utf8<'a>(bytes: &'a [u8], source_name: &str) -> Result<&'a str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let (line, column) = line_col(bytes, e.valid_up_to());
        parse_error(
            source_name,
            format!(
                "line {line}, column {column}: not valid UTF-8 (byte offset {}); save the file as UTF-8 and try again",
                e.valid_up_to()
            ),
        )
    })
}

/// Reads a single-file source (CASE JSON, CSV) from disk, refusing files over the limit before
/// reading them.
pub fn read_source(path: &Path, limits: &Limits) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(parse_error(&path.display().to_string(), "is not a regular file"));
    }
    check_source_len(meta.len(), &path.display().to_string(), limits)?;
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

/// Refuses a single-file source longer than the limit.
pub fn check_source_len(len: u64, source_name: &str, limits: &Limits) -> Result<()> {
    if len > limits.max_source_bytes {
        return Err(parse_error(
            source_name,
            format!("the file is {len} bytes; the import limit is {} bytes", limits.max_source_bytes),
        ));
    }
    Ok(())
}

/// Checks one zip entry name and returns it normalised (`/` separators, no `./`, no trailing
/// `/`). Names with `..`, absolute names, drive letters and NUL bytes are refused.
pub(crate) fn safe_entry_name(raw: &str) -> std::result::Result<String, String> {
    if raw.contains('\0') {
        return Err("contains a NUL byte".to_owned());
    }
    let unified = raw.replace('\\', "/");
    if unified.starts_with('/') {
        return Err("is an absolute path".to_owned());
    }
    if unified.len() >= 2 && unified.as_bytes()[1] == b':' && unified.as_bytes()[0].is_ascii_alphabetic() {
        return Err("starts with a drive letter".to_owned());
    }
    let mut parts = Vec::new();
    for part in unified.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err("climbs out of the package with `..`".to_owned()),
            other => parts.push(other),
        }
    }
    Ok(parts.join("/"))
}

/// Resolves `href` (a manifest or page reference, percent-encoded or not) against the package
/// directory `base` (`""` for the root). Returns `Ok(None)` for references that are not package
/// paths (`http:`, `mailto:`, `#anchor`, Canvas `$…$` placeholders) and an error message for
/// paths that would leave the package.
pub(crate) fn resolve_href(base: &str, href: &str) -> std::result::Result<Option<String>, String> {
    let href = href.trim();
    let without_fragment = href.split(['#', '?']).next().unwrap_or("");
    if without_fragment.is_empty() {
        return Ok(None);
    }
    let decoded = percent_decode(without_fragment);
    if decoded.contains('$') {
        return Ok(None);
    }
    if let Some(colon) = decoded.find(':') {
        let scheme = &decoded[..colon];
        if !scheme.is_empty()
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            && scheme.len() > 1
        {
            return Ok(None);
        }
    }
    if decoded.starts_with("//") {
        return Ok(None);
    }
    let unified = decoded.replace('\\', "/");
    if unified.starts_with('/') {
        return Err(format!("`{href}` is an absolute path"));
    }
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in unified.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!("`{href}` points outside the package"));
                }
            }
            other => parts.push(other),
        }
    }
    Ok(Some(parts.join("/")))
}

/// Decodes `%XX` escapes (invalid escapes are kept as they are; invalid UTF-8 is replaced).
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The parent directory of a package path (`""` at the root).
pub(crate) fn parent_dir(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

enum ZipSource {
    File(std::fs::File),
    Memory(Cursor<Vec<u8>>),
}

impl Read for ZipSource {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            ZipSource::File(f) => f.read(buf),
            ZipSource::Memory(c) => c.read(buf),
        }
    }
}

impl Seek for ZipSource {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        match self {
            ZipSource::File(f) => f.seek(pos),
            ZipSource::Memory(c) => c.seek(pos),
        }
    }
}

enum Storage {
    Zip { archive: RefCell<zip::ZipArchive<ZipSource>>, index: BTreeMap<String, usize> },
    Dir { root: PathBuf, files: BTreeMap<String, u64> },
}

/// A package (a zip archive or an unpacked directory) whose files can be read safely.
pub struct Package {
    name: String,
    storage: Storage,
    limits: Limits,
    read_total: Cell<u64>,
    /// Size of the zip archive in bytes (`None` for a directory).
    archive_len: Option<u64>,
}

impl std::fmt::Debug for Package {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Package").field("name", &self.name).field("files", &self.len()).finish()
    }
}

impl Package {
    /// Opens a directory or a zip file (`.imscc`, `.zip`) with the default limits.
    pub fn open(path: &Path) -> Result<Package> {
        Package::open_with(path, Limits::default())
    }

    /// Opens a directory or a zip file with the given limits.
    pub fn open_with(path: &Path, limits: Limits) -> Result<Package> {
        let name = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.is_dir() {
            return Package::open_dir(path, name, limits);
        }
        if meta.len() > limits.max_archive_bytes {
            return Err(parse_error(
                &name,
                format!(
                    "the archive is {} bytes; the import limit is {} bytes",
                    meta.len(),
                    limits.max_archive_bytes
                ),
            ));
        }
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        Package::open_zip(ZipSource::File(file), meta.len(), name, limits)
    }

    /// Opens a zip archive held in memory.
    pub fn from_zip_bytes(bytes: Vec<u8>, source_name: &str, limits: Limits) -> Result<Package> {
        if bytes.len() as u64 > limits.max_archive_bytes {
            return Err(parse_error(
                source_name,
                format!(
                    "the archive is {} bytes; the import limit is {} bytes",
                    bytes.len(),
                    limits.max_archive_bytes
                ),
            ));
        }
        let len = bytes.len() as u64;
        Package::open_zip(ZipSource::Memory(Cursor::new(bytes)), len, source_name.to_owned(), limits)
    }

    fn open_zip(mut source: ZipSource, archive_len: u64, name: String, limits: Limits) -> Result<Package> {
        // The entry count is read from the end record before the central directory is parsed,
        // so an archive of millions of tiny entries costs nothing to refuse.
        if let Some(declared) = declared_entries(&mut source)
            && declared > limits.max_entries as u64
        {
            return Err(parse_error(
                &name,
                format!("the archive has {declared} entries; the import limit is {}", limits.max_entries),
            ));
        }
        let mut archive = zip::ZipArchive::new(source)
            .map_err(|e| parse_error(&name, format!("is not a readable zip archive: {e}")))?;
        // The zip reader keeps one entry per name, so a name given twice is only visible here;
        // names that differ but normalise to the same path are caught below.
        if archive.has_duplicate_names() {
            return Err(parse_error(
                &name,
                "an entry name appears twice in the central directory; the archive was refused",
            ));
        }
        if archive.len() > limits.max_entries {
            return Err(parse_error(
                &name,
                format!(
                    "the archive has {} entries; the import limit is {}",
                    archive.len(),
                    limits.max_entries
                ),
            ));
        }
        let mut index = BTreeMap::new();
        let mut total: u64 = 0;
        for i in 0..archive.len() {
            let entry =
                archive.by_index_raw(i).map_err(|e| parse_error(&name, format!("entry #{i}: {e}")))?;
            let raw = String::from_utf8_lossy(entry.name_raw()).into_owned();
            let clean = safe_entry_name(&raw).map_err(|why| {
                parse_error(&name, format!("entry `{raw}` {why}; the archive was refused (zip slip)"))
            })?;
            if entry.is_dir() || clean.is_empty() {
                continue;
            }
            if entry.is_symlink() {
                return Err(parse_error(
                    &name,
                    format!("entry `{raw}` is a symbolic link; the archive was refused"),
                ));
            }
            if entry.encrypted() {
                return Err(parse_error(&name, format!("entry `{raw}` is encrypted and cannot be imported")));
            }
            let size = entry.size();
            check_entry_size(&name, &raw, size, entry.compressed_size(), &limits)?;
            total = total.saturating_add(size);
            if total > limits.max_total_bytes {
                return Err(parse_error(
                    &name,
                    format!(
                        "the archive would expand to more than {} bytes (at entry `{raw}`); refused as a possible zip bomb",
                        limits.max_total_bytes
                    ),
                ));
            }
            if index.insert(clean.clone(), i).is_some() {
                return Err(parse_error(
                    &name,
                    format!("entry `{clean}` appears twice in the archive; the archive was refused"),
                ));
            }
        }
        check_archive_ratio(&name, total, archive_len, &limits)?;
        Ok(Package {
            name,
            storage: Storage::Zip { archive: RefCell::new(archive), index },
            limits,
            read_total: Cell::new(0),
            archive_len: Some(archive_len),
        })
    }

    fn open_dir(path: &Path, name: String, limits: Limits) -> Result<Package> {
        let root = path.canonicalize().map_err(|e| Error::io(path, e))?;
        let mut files = BTreeMap::new();
        let mut total: u64 = 0;
        let mut stack = vec![(root.clone(), String::new(), 0usize)];
        let mut entries = 0usize;
        while let Some((dir, prefix, depth)) = stack.pop() {
            if depth > 64 {
                return Err(parse_error(
                    &name,
                    format!("`{prefix}` is nested more than 64 directories deep"),
                ));
            }
            let read = std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))?;
            for entry in read {
                let entry = entry.map_err(|e| Error::io(&dir, e))?;
                entries += 1;
                if entries > limits.max_entries {
                    return Err(parse_error(
                        &name,
                        format!(
                            "the directory has more than {} entries; the import limit is reached",
                            limits.max_entries
                        ),
                    ));
                }
                let file_name = entry.file_name().to_string_lossy().into_owned();
                let rel = if prefix.is_empty() { file_name.clone() } else { format!("{prefix}/{file_name}") };
                let kind = entry.file_type().map_err(|e| Error::io(entry.path(), e))?;
                if kind.is_dir() {
                    stack.push((entry.path(), rel, depth + 1));
                    continue;
                }
                // Follow a symbolic link only when it stays inside the package.
                let target = if kind.is_symlink() {
                    match entry.path().canonicalize() {
                        Ok(t) if t.starts_with(&root) && t.is_file() => t,
                        _ => continue,
                    }
                } else if kind.is_file() {
                    entry.path()
                } else {
                    continue;
                };
                let size = std::fs::metadata(&target).map_err(|e| Error::io(&target, e))?.len();
                if size > limits.max_file_bytes {
                    return Err(parse_error(
                        &name,
                        format!(
                            "`{rel}` is {size} bytes; the import limit for one file is {} bytes",
                            limits.max_file_bytes
                        ),
                    ));
                }
                total = total.saturating_add(size);
                if total > limits.max_total_bytes {
                    return Err(parse_error(
                        &name,
                        format!(
                            "the package holds more than {} bytes; the import limit is reached",
                            limits.max_total_bytes
                        ),
                    ));
                }
                files.insert(rel, size);
            }
        }
        Ok(Package {
            name,
            storage: Storage::Dir { root, files },
            limits,
            read_total: Cell::new(0),
            archive_len: None,
        })
    }

    /// The name used in messages (the path as given).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        match &self.storage {
            Storage::Zip { index, .. } => index.len(),
            Storage::Dir { files, .. } => files.len(),
        }
    }

    /// Whether the package holds no files.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the package holds `path` (normalised, `/`-separated).
    pub fn contains(&self, path: &str) -> bool {
        match &self.storage {
            Storage::Zip { index, .. } => index.contains_key(path),
            Storage::Dir { files, .. } => files.contains_key(path),
        }
    }

    /// Every file path, sorted.
    pub fn files(&self) -> Vec<String> {
        match &self.storage {
            Storage::Zip { index, .. } => index.keys().cloned().collect(),
            Storage::Dir { files, .. } => files.keys().cloned().collect(),
        }
    }

    /// `package: path` for messages.
    pub fn place(&self, path: &str) -> String {
        format!("{}: {path}", self.name)
    }

    /// Reads a file, enforcing the per-file, total and ratio limits on the bytes actually read.
    pub fn read(&self, path: &str) -> Result<Vec<u8>> {
        self.read_limited(path, self.limits.max_file_bytes)
    }

    /// Reads a markup file (XML, HTML, JSON) under the stricter markup limit.
    pub fn read_markup(&self, path: &str) -> Result<Vec<u8>> {
        self.read_limited(path, self.limits.max_markup_bytes.min(self.limits.max_file_bytes))
    }

    fn read_limited(&self, path: &str, limit: u64) -> Result<Vec<u8>> {
        let place = self.place(path);
        let too_big = |size: u64| {
            parse_error(
                &place,
                format!("the file is {size} bytes or more; the import limit for it is {limit} bytes"),
            )
        };
        let data = match &self.storage {
            Storage::Zip { archive, index } => {
                let i = *index.get(path).ok_or_else(|| parse_error(&place, "is not in the package"))?;
                let mut archive = archive.borrow_mut();
                let entry =
                    archive.by_index(i).map_err(|e| parse_error(&place, format!("cannot be read: {e}")))?;
                let compressed = entry.compressed_size();
                if entry.size() > limit {
                    return Err(too_big(entry.size()));
                }
                let mut data = Vec::new();
                entry
                    .take(limit + 1)
                    .read_to_end(&mut data)
                    .map_err(|e| parse_error(&place, format!("cannot be inflated: {e}")))?;
                if data.len() as u64 > limit {
                    return Err(too_big(data.len() as u64));
                }
                check_entry_size(&self.name, path, data.len() as u64, compressed, &self.limits)?;
                data
            }
            Storage::Dir { root, files } => {
                if !files.contains_key(path) {
                    return Err(parse_error(&place, "is not in the package"));
                }
                let full = root.join(path);
                let real = full.canonicalize().map_err(|e| Error::io(&full, e))?;
                if !real.starts_with(root) {
                    return Err(parse_error(&place, "points outside the package and was not read"));
                }
                let file = std::fs::File::open(&real).map_err(|e| Error::io(&real, e))?;
                let mut data = Vec::new();
                file.take(limit + 1).read_to_end(&mut data).map_err(|e| Error::io(&real, e))?;
                if data.len() as u64 > limit {
                    return Err(too_big(data.len() as u64));
                }
                data
            }
        };
        let total = self.read_total.get().saturating_add(data.len() as u64);
        if total > self.limits.max_total_bytes {
            return Err(parse_error(
                &self.name,
                format!(
                    "reading `{path}` would take the import past {} bytes; refused as a possible zip bomb",
                    self.limits.max_total_bytes
                ),
            ));
        }
        if let Some(archive_len) = self.archive_len {
            check_archive_ratio(&self.name, total, archive_len, &self.limits)?;
        }
        self.read_total.set(total);
        Ok(data)
    }
}

/// Refuses an archive that expands, as a whole, more than the ratio limit allows: a bomb made
/// of many small entries passes every per-entry check. `expanded` is the declared total when
/// the archive is opened and the bytes actually inflated so far when it is read.
fn check_archive_ratio(package: &str, expanded: u64, archive_len: u64, limits: &Limits) -> Result<()> {
    let ratio = expanded / archive_len.max(1);
    if expanded > limits.ratio_floor && ratio > limits.max_ratio {
        return Err(parse_error(
            package,
            format!(
                "the archive expands {ratio}:1 ({archive_len} to {expanded} bytes or more); refused as a possible zip bomb (limit {}:1)",
                limits.max_ratio
            ),
        ));
    }
    Ok(())
}

/// The entry count an archive's end of central directory record declares (zip64 included), or
/// `None` when the record cannot be found (the zip reader then reports the damage).
fn declared_entries(source: &mut ZipSource) -> Option<u64> {
    const EOCD: &[u8] = b"PK\x05\x06";
    const LOCATOR: &[u8] = b"PK\x06\x07";
    const EOCD64: &[u8] = b"PK\x06\x06";
    let len = source.seek(SeekFrom::End(0)).ok()?;
    // The record is 22 bytes plus a comment of at most 65,535 bytes, preceded by the zip64
    // locator (20 bytes) when there is one.
    let tail_len = len.min(22 + 65_535 + 20);
    source.seek(SeekFrom::Start(len - tail_len)).ok()?;
    let mut tail = vec![0u8; usize::try_from(tail_len).ok()?];
    source.read_exact(&mut tail).ok()?;
    let at = tail.windows(4).rposition(|w| w == EOCD).filter(|&at| at + 22 <= tail.len())?;
    let u16_at = |buf: &[u8], i: usize| u64::from(u16::from_le_bytes([buf[i], buf[i + 1]]));
    let count = u16_at(&tail, at + 10);
    let result = if count != 0xFFFF {
        Some(count)
    } else {
        // zip64: the locator just before the record points at the zip64 end record.
        let loc = at.checked_sub(20).filter(|&l| &tail[l..l + 4] == LOCATOR)?;
        let offset = u64::from_le_bytes(tail[loc + 8..loc + 16].try_into().ok()?);
        source.seek(SeekFrom::Start(offset)).ok()?;
        let mut record = [0u8; 40];
        source.read_exact(&mut record).ok()?;
        (&record[..4] == EOCD64).then(|| u64::from_le_bytes(record[32..40].try_into().unwrap_or([0; 8])))
    };
    source.seek(SeekFrom::Start(0)).ok()?;
    result
}

fn check_entry_size(package: &str, entry: &str, size: u64, compressed: u64, limits: &Limits) -> Result<()> {
    if size > limits.max_file_bytes {
        return Err(parse_error(
            package,
            format!(
                "entry `{entry}` expands to {size} bytes; the import limit for one file is {} bytes",
                limits.max_file_bytes
            ),
        ));
    }
    if size > limits.ratio_floor && size / compressed.max(1) > limits.max_ratio {
        return Err(parse_error(
            package,
            format!(
                "entry `{entry}` expands {}:1 ({compressed} to {size} bytes); refused as a possible zip bomb (limit {}:1)",
                size / compressed.max(1),
                limits.max_ratio
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names_that_climb_out_are_refused() {
        assert!(safe_entry_name("../evil.txt").is_err());
        assert!(safe_entry_name("a/../../evil.txt").is_err());
        assert!(safe_entry_name("/etc/passwd").is_err());
        assert!(safe_entry_name("C:\\windows\\x").is_err());
        assert!(safe_entry_name("a\\..\\..\\x").is_err());
        assert_eq!(safe_entry_name("./a//b/c.xml").as_deref(), Ok("a/b/c.xml"));
    }

    #[test]
    fn hrefs_resolve_inside_the_package_only() {
        assert_eq!(
            resolve_href("wiki_content", "../web_resources/a%20b.png"),
            Ok(Some("web_resources/a b.png".into()))
        );
        assert_eq!(resolve_href("", "http://example.org/x"), Ok(None));
        assert_eq!(resolve_href("", "%24IMS-CC-FILEBASE%24/x.png"), Ok(None));
        assert!(resolve_href("a", "../../x").is_err());
        assert!(resolve_href("", "/etc/passwd").is_err());
    }

    #[test]
    fn utf8_errors_name_line_and_column() {
        let err = utf8(b"ok\nab\xff", "x.csv").map(str::len);
        let text = err.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(text.contains("line 2, column 3"), "{text}");
    }
}
