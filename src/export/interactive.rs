//! Interactive content inside packages: which stored H5P packages and HTML5 simulations the
//! exported activities use, the files that carry them (each package's files once, however many
//! lessons show it; the bundled H5P player once per package, only when an activity uses H5P) and
//! the frame a page draws for such an activity.
//!
//! Layout, below the package's `assets/` folder so that every format's asset relinking applies:
//! `assets/trellis-interactive/player/` holds h5p-standalone (vendored in
//! `assets/h5p-standalone/`, see its README) and `trellis-h5p.js` (`runtime/h5p-player.js`);
//! `assets/trellis-interactive/<id>/` a package's files; `assets/trellis-interactive/<id>.html`
//! the player page of an H5P package. The frame of an H5P activity opens its player page, which
//! runs in the package's own origin (h5p-standalone reads the content's JSON files with `fetch`)
//! and posts the content's results to the page that frames it; an HTML5 simulation opens its
//! entry file in a frame sandboxed to scripts only (an origin of its own: it reaches neither the
//! lesson page nor the LMS API, and reports by `postMessage`). docs/export.md, "Interactive
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

/// The bundled player's files, relative to `DIR/player/`.
const PLAYER_FILES: &[(&str, &[u8])] = &[
    ("LICENSE", include_bytes!("assets/h5p-standalone/LICENSE")),
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
    ("fonts/inter/LICENSE.txt", include_bytes!("assets/h5p-standalone/fonts/inter/LICENSE.txt")),
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
    ("fonts/open-sans/OFL.txt", include_bytes!("assets/h5p-standalone/fonts/open-sans/OFL.txt")),
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
    ("frame.bundle.js", include_bytes!("assets/h5p-standalone/frame.bundle.js")),
    ("images/h5p.svg", include_bytes!("assets/h5p-standalone/images/h5p.svg")),
    ("images/throbber.gif", include_bytes!("assets/h5p-standalone/images/throbber.gif")),
    ("main.bundle.js", include_bytes!("assets/h5p-standalone/main.bundle.js")),
    ("main.bundle.js.LICENSE.txt", include_bytes!("assets/h5p-standalone/main.bundle.js.LICENSE.txt")),
    ("styles/h5p.css", include_bytes!("assets/h5p-standalone/styles/h5p.css")),
    ("trellis-h5p.js", include_bytes!("runtime/h5p-player.js")),
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
    let sandbox = match content.kind {
        InteractiveKind::H5p => "",
        InteractiveKind::Html5 => " sandbox=\"allow-scripts allow-forms\"",
    };
    let label = match content.kind {
        InteractiveKind::H5p => "Interactive content",
        InteractiveKind::Html5 => "Simulation",
    };
    format!(
        "<div class=\"trellis-interactive\" data-interactive=\"{id}\">\n<iframe src=\"{src}\" title=\"{label}: {title}\" width=\"100%\" height=\"480\"{sandbox} allow=\"fullscreen\" referrerpolicy=\"no-referrer\"></iframe>\n</div>\n",
        id = escape(activity),
        src = escape(&frame_src(content)),
        title = escape(title),
    )
}

/// The player page of an H5P package, at `DIR/<ident>.html`.
fn player_page(used: &Used<'_>, lang: &str) -> String {
    player_html(&used.ident, &used.content.title, lang, PACKAGE_CSP)
}

/// The policy of a packaged player page: the package's own files only.
const PACKAGE_CSP: &str = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'self'; form-action 'none'\">\n";

/// A player page playing the H5P content in folder `content` (relative to the page), with the
/// player in `player/`; `policy` is its content security policy element (empty where the server
/// sends the policy, as the desktop preview does: in a sandboxed frame `'self'` names no origin).
fn player_html(content: &str, title: &str, lang: &str, policy: &str) -> String {
    let config = serde_json::json!({
        "h5pJsonPath": content,
        "frameJs": "player/frame.bundle.js",
        "frameCss": "player/styles/h5p.css",
    })
    .to_string()
    .replace('<', "\\u003c");
    let title = if title.trim().is_empty() { "Interactive content" } else { title };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n{policy}<title>{title}</title>\n<link rel=\"stylesheet\" href=\"player/styles/h5p.css\">\n<script src=\"player/main.bundle.js\"></script>\n</head>\n<body>\n<div id=\"trellis-h5p\"></div>\n<script type=\"application/json\" id=\"trellis-interactive\">{config}</script>\n<script src=\"player/trellis-h5p.js\"></script>\n</body>\n</html>\n",
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
        out.extend(PLAYER_FILES.iter().map(|(p, b)| (format!("{DIR}/player/{p}"), b.to_vec())));
    }
    for u in &used {
        if u.content.kind == InteractiveKind::H5p {
            out.push((format!("{DIR}/{}.html", u.ident), player_page(u, &cx.language).into_bytes()));
        }
        let files = crate::interactive::files(u.asset).map_err(|e| {
            Error::Refused(format!("the interactive content \"{}\" cannot be exported: {e}", u.content.title))
        })?;
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
            return Ok(Some((player_html("content", &content.title, lang, "").into_bytes(), "text/html")));
        }
        if let Some(rest) = path.strip_prefix("player/") {
            return Ok(PLAYER_FILES
                .iter()
                .find(|(p, _)| *p == rest)
                .map(|(p, b)| (b.to_vec(), media_type(p))));
        }
    }
    let Some(rest) = path.strip_prefix("content/") else { return Ok(None) };
    Ok(crate::interactive::file(asset, rest)?.map(|data| (data, media_type(rest))))
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
