//! Interactive content inside packages: which stored H5P packages and HTML5 simulations the
//! exported activities use, the files that carry them (each package's files once, however many
//! lessons show it; the bundled H5P player once per package, only when an activity uses H5P) and
//! the frame a page draws for such an activity.
//!
//! Layout, below the package's `assets/` folder so that every format's asset relinking applies:
//! `assets/trellis-interactive/player/` holds h5p-standalone (vendored in
//! `assets/h5p-standalone/`, see its README) and `trellis-h5p.js` (`runtime/h5p-player.js`);
//! `assets/trellis-interactive/<id>/` a package's files; `assets/trellis-interactive/<id>.html`
//! the player page of an H5P package. Every frame of interactive content is sandboxed to scripts
//! and forms (`sandbox="allow-scripts allow-forms"`, an opaque origin): it reaches neither the
//! lesson page nor the LMS API nor the package's files through the DOM, and reports by
//! `postMessage`. Because an opaque origin cannot `fetch` the package's files, the player page
//! carries the JSON files h5p-standalone reads (`h5p.json`, `content/content.json`, each
//! `library.json`) and `runtime/h5p-player.js` answers the player's requests from them; the
//! fonts the player's and the libraries' stylesheets name are written into those stylesheets as
//! `data:` URLs (fonts load in CORS mode). docs/export.md, "Interactive
//! content", lists what each can reach.

use std::collections::BTreeSet;

use super::lower::{ExportContext, ident};
use super::xml::escape;
use crate::model::{Asset, InteractiveContent, InteractiveKind};
use crate::{Error, Result};

/// Folder of interactive content inside a package.
pub(crate) const DIR: &str = "assets/trellis-interactive";

/// Version of the bundled h5p-standalone player.
pub const PLAYER_VERSION: &str = "3.8.2";

/// The bundled player's files, relative to `DIR/player/`. Its fonts are not among them:
/// [`player_css`] writes them into the stylesheet as `data:` URLs.
const PLAYER_FILES: &[(&str, &[u8])] = &[
    ("LICENSE", include_bytes!("assets/h5p-standalone/LICENSE")),
    ("fonts/inter/LICENSE.txt", include_bytes!("assets/h5p-standalone/fonts/inter/LICENSE.txt")),
    ("fonts/open-sans/OFL.txt", include_bytes!("assets/h5p-standalone/fonts/open-sans/OFL.txt")),
    ("frame.bundle.js", include_bytes!("assets/h5p-standalone/frame.bundle.js")),
    ("images/h5p.svg", include_bytes!("assets/h5p-standalone/images/h5p.svg")),
    ("images/throbber.gif", include_bytes!("assets/h5p-standalone/images/throbber.gif")),
    ("main.bundle.js", include_bytes!("assets/h5p-standalone/main.bundle.js")),
    ("main.bundle.js.LICENSE.txt", include_bytes!("assets/h5p-standalone/main.bundle.js.LICENSE.txt")),
    ("styles/h5p.css", include_bytes!("assets/h5p-standalone/styles/h5p.css")),
    ("trellis-h5p.js", include_bytes!("runtime/h5p-player.js")),
];

/// The player's fonts, by their path relative to `DIR/player/`; `styles/h5p.css` names them
/// as `../fonts/…`.
const PLAYER_FONTS: &[(&str, &[u8])] = &[
    ("fonts/h5p-core-30.woff2", include_bytes!("assets/h5p-standalone/fonts/h5p-core-30.woff2")),
    ("fonts/h5p-hub-publish.woff", include_bytes!("assets/h5p-standalone/fonts/h5p-hub-publish.woff")),
    ("fonts/h5p-hub-publish.woff2", include_bytes!("assets/h5p-standalone/fonts/h5p-hub-publish.woff2")),
    ("fonts/h5p-theme.woff2", include_bytes!("assets/h5p-standalone/fonts/h5p-theme.woff2")),
    (
        "fonts/inter/Inter-ExtraBold.woff2",
        include_bytes!("assets/h5p-standalone/fonts/inter/Inter-ExtraBold.woff2"),
    ),
    (
        "fonts/inter/Inter-ExtraBoldItalic.woff2",
        include_bytes!("assets/h5p-standalone/fonts/inter/Inter-ExtraBoldItalic.woff2"),
    ),
    (
        "fonts/inter/inter-v18-cyrillic_cyrillic-ext_greek_greek-ext_latin_latin-ext_vietnamese-600.woff2",
        include_bytes!(
            "assets/h5p-standalone/fonts/inter/inter-v18-cyrillic_cyrillic-ext_greek_greek-ext_latin_latin-ext_vietnamese-600.woff2"
        ),
    ),
    (
        "fonts/inter/inter-v18-cyrillic_cyrillic-ext_greek_greek-ext_latin_latin-ext_vietnamese-600italic.woff2",
        include_bytes!(
            "assets/h5p-standalone/fonts/inter/inter-v18-cyrillic_cyrillic-ext_greek_greek-ext_latin_latin-ext_vietnamese-600italic.woff2"
        ),
    ),
    (
        "fonts/inter/inter-v18-cyrillic_cyrillic-ext_greek_greek-ext_latin_latin-ext_vietnamese-italic.woff2",
        include_bytes!(
            "assets/h5p-standalone/fonts/inter/inter-v18-cyrillic_cyrillic-ext_greek_greek-ext_latin_latin-ext_vietnamese-italic.woff2"
        ),
    ),
    (
        "fonts/inter/inter-v18-cyrillic_cyrillic-ext_greek_greek-ext_latin_latin-ext_vietnamese-regular.woff2",
        include_bytes!(
            "assets/h5p-standalone/fonts/inter/inter-v18-cyrillic_cyrillic-ext_greek_greek-ext_latin_latin-ext_vietnamese-regular.woff2"
        ),
    ),
    (
        "fonts/open-sans/open-sans-v40-cyrillic_cyrillic-ext_greek_greek-ext_hebrew_latin_latin-ext_math_symbols_vietnamese-600.woff2",
        include_bytes!(
            "assets/h5p-standalone/fonts/open-sans/open-sans-v40-cyrillic_cyrillic-ext_greek_greek-ext_hebrew_latin_latin-ext_math_symbols_vietnamese-600.woff2"
        ),
    ),
    (
        "fonts/open-sans/open-sans-v40-cyrillic_cyrillic-ext_greek_greek-ext_hebrew_latin_latin-ext_math_symbols_vietnamese-600italic.woff2",
        include_bytes!(
            "assets/h5p-standalone/fonts/open-sans/open-sans-v40-cyrillic_cyrillic-ext_greek_greek-ext_hebrew_latin_latin-ext_math_symbols_vietnamese-600italic.woff2"
        ),
    ),
    (
        "fonts/open-sans/open-sans-v40-cyrillic_cyrillic-ext_greek_greek-ext_hebrew_latin_latin-ext_math_symbols_vietnamese-700.woff2",
        include_bytes!(
            "assets/h5p-standalone/fonts/open-sans/open-sans-v40-cyrillic_cyrillic-ext_greek_greek-ext_hebrew_latin_latin-ext_math_symbols_vietnamese-700.woff2"
        ),
    ),
    (
        "fonts/open-sans/open-sans-v40-cyrillic_cyrillic-ext_greek_greek-ext_hebrew_latin_latin-ext_math_symbols_vietnamese-700italic.woff2",
        include_bytes!(
            "assets/h5p-standalone/fonts/open-sans/open-sans-v40-cyrillic_cyrillic-ext_greek_greek-ext_hebrew_latin_latin-ext_math_symbols_vietnamese-700italic.woff2"
        ),
    ),
    (
        "fonts/open-sans/open-sans-v40-cyrillic_cyrillic-ext_greek_greek-ext_hebrew_latin_latin-ext_math_symbols_vietnamese-italic.woff2",
        include_bytes!(
            "assets/h5p-standalone/fonts/open-sans/open-sans-v40-cyrillic_cyrillic-ext_greek_greek-ext_hebrew_latin_latin-ext_math_symbols_vietnamese-italic.woff2"
        ),
    ),
    (
        "fonts/open-sans/open-sans-v40-cyrillic_cyrillic-ext_greek_greek-ext_hebrew_latin_latin-ext_math_symbols_vietnamese-regular.woff2",
        include_bytes!(
            "assets/h5p-standalone/fonts/open-sans/open-sans-v40-cyrillic_cyrillic-ext_greek_greek-ext_hebrew_latin_latin-ext_math_symbols_vietnamese-regular.woff2"
        ),
    ),
];

/// One stored package that exported activities use.
pub(crate) struct Used<'a> {
    /// The stored package.
    pub asset: &'a Asset,
    /// The content description of the first activity using it.
    pub content: &'a InteractiveContent,
    /// Folder name inside [`DIR`] (the asset's identifier).
    pub ident: String,
}

/// The distinct packages the document's activities use, in activity order.
pub(crate) fn used<'a>(cx: &ExportContext<'a>) -> Vec<Used<'a>> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for a in &cx.activities {
        let Some(content) = a.activity.content.as_ref() else { continue };
        if !seen.insert(content.asset) {
            continue;
        }
        let Some(view) = cx.assets.iter().find(|v| v.asset.id == content.asset) else { continue };
        out.push(Used { asset: view.asset, content, ident: ident(content.asset.0) });
    }
    out
}

/// True when `asset` is only carried as interactive content (no resource links to it), so the
/// formats leave its zip out and carry the extracted files instead.
pub(crate) fn only_interactive(cx: &ExportContext<'_>, asset: &Asset) -> bool {
    let as_content =
        cx.activities.iter().any(|a| a.activity.content.as_ref().is_some_and(|c| c.asset == asset.id));
    let as_resource =
        cx.activities.iter().any(|a| a.activity.resources.iter().any(|r| r.asset == Some(asset.id)));
    as_content && !as_resource
}

/// Where the frame of `content` points, relative to the package root.
pub(crate) fn frame_src(content: &InteractiveContent) -> String {
    let id = ident(content.asset.0);
    match content.kind {
        InteractiveKind::H5p => format!("{DIR}/{id}.html"),
        InteractiveKind::Html5 => format!("{DIR}/{id}/{}", content.entry),
    }
}

/// The frame an activity page draws for its interactive content (addresses relative to the
/// package root, as every body's `assets/…` links are; formats relink them). `activity` is the
/// activity's package identifier, by which `runtime/lesson.js` knows whose results arrive.
pub(crate) fn frame_html(activity: &str, title: &str, content: &InteractiveContent) -> String {
    let label = match content.kind {
        InteractiveKind::H5p => "Interactive content",
        InteractiveKind::Html5 => "Simulation",
    };
    format!(
        "<div class=\"trellis-interactive\" data-interactive=\"{id}\">\n<iframe src=\"{src}\" title=\"{label}: {title}\" width=\"100%\" height=\"480\" sandbox=\"allow-scripts allow-forms\" allow=\"fullscreen\" referrerpolicy=\"no-referrer\"></iframe>\n</div>\n",
        id = escape(activity),
        src = escape(&frame_src(content)),
        title = escape(title),
    )
}

/// The player page of an H5P package, at `DIR/<ident>.html`, with the package's JSON files
/// (`files`, as [`crate::interactive::files`] reads them) written into it.
fn player_page(used: &Used<'_>, lang: &str, files: &[(String, Vec<u8>)]) -> String {
    player_html(&used.ident, &used.content.title, lang, PACKAGE_CSP, files)
}

/// True for the files h5p-standalone reads with `fetch` before it plays: `h5p.json`,
/// `content/content.json` and each library's `library.json` (libraries are the package's top
/// folders).
fn fetched_by_player(path: &str) -> bool {
    path == "h5p.json"
        || path == "content/content.json"
        || path.split_once('/').is_some_and(|(top, rest)| rest == "library.json" && top != "content")
}

/// The policy of a packaged player page: the package's own files only.
const PACKAGE_CSP: &str = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'self'; form-action 'none'\">\n";

/// A player page playing the H5P content in folder `content` (relative to the page), with the
/// player in `player/`; `policy` is its content security policy element (empty where the server
/// sends the policy, as the desktop preview does). The page runs in a frame sandboxed to scripts
/// and forms (an opaque origin), where `fetch` of the package's own files is a cross-origin
/// request that fails; so the JSON files the player reads (`files`, paths relative to the
/// package's folder) are written into the page as text and `runtime/h5p-player.js` answers the
/// player's requests for exactly those addresses from them. Everything else loads by tags.
fn player_html(content: &str, title: &str, lang: &str, policy: &str, files: &[(String, Vec<u8>)]) -> String {
    let embedded: serde_json::Map<String, serde_json::Value> = files
        .iter()
        .filter(|(p, _)| fetched_by_player(p))
        .map(|(p, data)| (format!("{content}/{p}"), String::from_utf8_lossy(data).into_owned().into()))
        .collect();
    let config = serde_json::json!({
        "h5pJsonPath": content,
        "frameJs": "player/frame.bundle.js",
        "frameCss": "player/styles/h5p.css",
        "files": embedded,
    })
    .to_string()
    .replace('<', "\\u003c");
    let title = if title.trim().is_empty() { "Interactive content" } else { title };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n{policy}<title>{title}</title>\n<script src=\"player/main.bundle.js\"></script>\n</head>\n<body>\n<div id=\"trellis-h5p\"></div>\n<script type=\"application/json\" id=\"trellis-interactive\">{config}</script>\n<script src=\"player/trellis-h5p.js\"></script>\n</body>\n</html>\n",
        lang = escape(lang),
        title = escape(title),
    )
}

/// Paths (relative to the package root) of every file [`files`] writes, from the packages'
/// directories alone (nothing is inflated), in the order [`files`] gives them.
pub(crate) fn paths(cx: &ExportContext<'_>) -> Result<Vec<String>> {
    let used = used(cx);
    let mut out = Vec::new();
    if used.iter().any(|u| u.content.kind == InteractiveKind::H5p) {
        out.extend(PLAYER_FILES.iter().map(|(p, _)| format!("{DIR}/player/{p}")));
    }
    for u in &used {
        if u.content.kind == InteractiveKind::H5p {
            out.push(format!("{DIR}/{}.html", u.ident));
        }
        for p in crate::interactive::file_names(u.asset)? {
            out.push(format!("{DIR}/{}/{p}", u.ident));
        }
    }
    Ok(out)
}

/// The files that carry the document's interactive content: the player (once, when an H5P
/// package is used), then per package its player page (H5P) and its files, each checked again
/// as it is inflated.
pub(crate) fn files(cx: &ExportContext<'_>) -> Result<Vec<(String, Vec<u8>)>> {
    let used = used(cx);
    let mut out = Vec::new();
    if used.iter().any(|u| u.content.kind == InteractiveKind::H5p) {
        out.extend(
            PLAYER_FILES
                .iter()
                .map(|(p, _)| (format!("{DIR}/player/{p}"), player_file(p).unwrap_or_default())),
        );
    }
    for u in &used {
        let mut files = crate::interactive::files(u.asset).map_err(|e| {
            Error::Refused(format!("the interactive content \"{}\" cannot be exported: {e}", u.content.title))
        })?;
        if u.content.kind == InteractiveKind::H5p {
            out.push((format!("{DIR}/{}.html", u.ident), player_page(u, &cx.language, &files).into_bytes()));
            inline_package_fonts(&mut files);
        }
        for (p, data) in files {
            out.push((format!("{DIR}/{}/{p}", u.ident), data));
        }
    }
    Ok(out)
}

/// The page the desktop preview opens for `content`, relative to the preview's root: the player
/// page (`index.html`) for H5P, the simulation's entry (`content/<entry>`) for HTML5.
pub fn preview_entry(content: &InteractiveContent) -> String {
    match content.kind {
        InteractiveKind::H5p => "index.html".to_owned(),
        InteractiveKind::Html5 => format!("content/{}", content.entry),
    }
}

/// What the desktop preview serves at `path` (relative to the preview's root) for the stored
/// package `asset`: the H5P player page (`index.html`), the bundled player (`player/…`) and the
/// package's own files (`content/…`), with their media type; `None` for anything else. The
/// package is checked again as it is read.
pub fn preview_file(
    asset: &Asset,
    content: &InteractiveContent,
    lang: &str,
    path: &str,
) -> Result<Option<(Vec<u8>, &'static str)>> {
    let path = path.trim_start_matches('/');
    if content.kind == InteractiveKind::H5p {
        if path == "index.html" {
            let mut files = Vec::new();
            for name in crate::interactive::file_names(asset)?.into_iter().filter(|p| fetched_by_player(p)) {
                if let Some(data) = crate::interactive::file(asset, &name)? {
                    files.push((name, data));
                }
            }
            let page = player_html("content", &content.title, lang, "", &files);
            return Ok(Some((page.into_bytes(), "text/html")));
        }
        if let Some(rest) = path.strip_prefix("player/") {
            return Ok(player_file(rest).map(|b| (b, media_type(rest))));
        }
    }
    let Some(rest) = path.strip_prefix("content/") else { return Ok(None) };
    let Some(mut data) = crate::interactive::file(asset, rest)? else { return Ok(None) };
    if content.kind == InteractiveKind::H5p && rest.to_ascii_lowercase().ends_with(".css") {
        let names = crate::interactive::file_names(asset)?;
        let mut read = |p: &str| -> Option<Vec<u8>> {
            if names.iter().any(|n| n == p) {
                crate::interactive::file(asset, p).ok().flatten()
            } else {
                None
            }
        };
        if let Some(rewritten) = inline_fonts(&String::from_utf8_lossy(&data), rest, &mut read) {
            data = rewritten.into_bytes();
        }
    }
    Ok(Some((data, media_type(rest))))
}

/// A file of the bundled player by its path relative to `player/`: the stylesheet with the
/// player's fonts written into it ([`player_css`]), any other file as vendored.
fn player_file(path: &str) -> Option<Vec<u8>> {
    if path == "styles/h5p.css" {
        return Some(player_css().into_bytes());
    }
    PLAYER_FILES.iter().find(|(p, _)| *p == path).map(|(_, b)| b.to_vec())
}

/// The player's stylesheet (`styles/h5p.css`) with every font it names written in as a `data:`
/// URL. A frame sandboxed without `allow-same-origin` has an opaque origin, and browsers load
/// fonts named by CSS in CORS mode, so a font file of the package would be refused; a `data:`
/// URL needs no request. The bytes are the same on every export.
pub(crate) fn player_css() -> String {
    let css = PLAYER_FILES.iter().find(|(p, _)| *p == "styles/h5p.css").map(|(_, b)| *b).unwrap_or_default();
    let css = String::from_utf8_lossy(css);
    let mut read = |p: &str| PLAYER_FONTS.iter().find(|(f, _)| *f == p).map(|(_, b)| b.to_vec());
    inline_fonts(&css, "styles/h5p.css", &mut read).unwrap_or_else(|| css.into_owned())
}

/// The stylesheets of an H5P package with the fonts of the package they name written in as
/// `data:` URLs (see [`player_css`]); other files are left as they are.
fn inline_package_fonts(files: &mut [(String, Vec<u8>)]) {
    let fonts: std::collections::BTreeMap<String, Vec<u8>> =
        files.iter().filter(|(p, _)| font_type(p).is_some()).map(|(p, d)| (p.clone(), d.clone())).collect();
    if fonts.is_empty() {
        return;
    }
    for (path, data) in files.iter_mut() {
        if !path.to_ascii_lowercase().ends_with(".css") {
            continue;
        }
        let mut read = |p: &str| fonts.get(p).cloned();
        if let Some(rewritten) = inline_fonts(&String::from_utf8_lossy(data), path, &mut read) {
            *data = rewritten.into_bytes();
        }
    }
}

/// The media type of a font file the browsers in use read (`woff2`, `woff`, `ttf`, `otf`);
/// `None` for anything else (Embedded OpenType and SVG fonts are left as addresses: no current
/// browser asks for them).
fn font_type(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase())?;
    match ext.as_str() {
        "woff2" => Some("font/woff2"),
        "woff" => Some("font/woff"),
        "ttf" => Some("font/ttf"),
        "otf" => Some("font/otf"),
        _ => None,
    }
}

/// The path inside the package that `address` (relative, no query or fragment) names from the
/// folder `folder`; `None` for an address with a scheme, an absolute one or one that climbs out.
fn resolve(folder: &[&str], address: &str) -> Option<String> {
    if address.contains(':') || address.starts_with('/') {
        return None;
    }
    let mut parts = folder.to_vec();
    for seg in address.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// `css` (the stylesheet at `css_path`, relative to its package folder) with every `url(…)` that
/// names a font file `read` knows replaced by a `data:` URL of its bytes; `None` when nothing
/// was replaced. Addresses are resolved against the stylesheet's folder (`..` climbs, a query or
/// fragment is ignored); addresses with a scheme or leaving the package are left alone.
fn inline_fonts(css: &str, css_path: &str, read: &mut dyn FnMut(&str) -> Option<Vec<u8>>) -> Option<String> {
    use base64::Engine as _;
    let folder: Vec<&str> =
        css_path.rsplit_once('/').map(|(f, _)| f.split('/').collect()).unwrap_or_default();
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    let mut changed = false;
    while let Some(at) = rest.find("url(") {
        let (before, from) = rest.split_at(at + 4);
        out.push_str(before);
        let Some(close) = from.find(')') else {
            rest = from;
            break;
        };
        let raw = from[..close].trim();
        let address = raw.trim_matches(|c| c == '\'' || c == '"');
        let bare = address.split(['?', '#']).next().unwrap_or_default();
        let inlined = font_type(bare)
            .zip(resolve(&folder, bare))
            .and_then(|(kind, path)| read(&path).map(|bytes| (kind, bytes)))
            .map(|(kind, bytes)| {
                let data = base64::engine::general_purpose::STANDARD.encode(bytes);
                format!("\"data:{kind};base64,{data}\"")
            });
        match inlined {
            Some(url) => {
                out.push_str(&url);
                changed = true;
            }
            None => out.push_str(&from[..close]),
        }
        rest = &from[close..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// The media type a file is served with, by its extension.
fn media_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html",
        "js" | "mjs" => "text/javascript",
        "css" => "text/css",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "ogg" => "audio/ogg",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "txt" => "text/plain",
        _ => "application/octet-stream",
    }
}
