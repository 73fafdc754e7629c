//! Remembers the main window's size, position and maximised state between runs (a small JSON
//! file in the config directory). Failures are ignored: a default-sized window is fine.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tauri::{PhysicalPosition, PhysicalSize, Runtime, Window};

#[derive(Debug, Serialize, Deserialize)]
struct Saved {
    x: i32,
    y: i32,
    width: u32,
    height: u32,
    maximized: bool,
}

const FILE: &str = "window-state.json";

/// Saves the window's geometry.
pub fn save<R: Runtime>(window: &Window<R>, config_dir: &Path) {
    if window.label() != "main" {
        return;
    }
    let (Ok(pos), Ok(size), Ok(maximized)) =
        (window.outer_position(), window.inner_size(), window.is_maximized())
    else {
        return;
    };
    let saved = Saved { x: pos.x, y: pos.y, width: size.width, height: size.height, maximized };
    if let Ok(text) = serde_json::to_string(&saved) {
        let _ = std::fs::create_dir_all(config_dir);
        let _ = trellis::json::write_atomic(&config_dir.join(FILE), text.as_bytes());
    }
}

/// Restores the saved geometry, if any and if it is plausible.
pub fn restore<R: Runtime>(window: &tauri::WebviewWindow<R>, config_dir: &Path) {
    let Some(saved) = std::fs::read_to_string(config_dir.join(FILE))
        .ok()
        .and_then(|t| serde_json::from_str::<Saved>(&t).ok())
    else {
        return;
    };
    if saved.width < 600 || saved.height < 400 {
        return;
    }
    let _ = window.set_size(PhysicalSize::new(saved.width, saved.height));
    let _ = window.set_position(PhysicalPosition::new(saved.x, saved.y));
    if saved.maximized {
        let _ = window.maximize();
    }
}
