//! The front end in one call: load (read spec files) → parse (serde types with spans) → lower
//! (names resolved, checked) → [`Model`]. Each stage imports only the ones before it; this
//! module is the only one that runs them all.

use std::path::Path;

use crate::load::{self, Invalid, LoadError, SpecFile};
use crate::model::Model;
use crate::parse;

/// Loads and validates the specs under `dir`.
pub fn load_dir(dir: &Path) -> Result<Model, LoadError> {
    let files = load::read_dir(dir)?;
    let display_root =
        dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| dir.display().to_string());
    load_files(&files, &display_root)
}

/// Loads and validates the specs embedded in this binary at build time.
///
/// Reads the JSON twins of the YAML files (see build.rs); if anything in them does not load
/// cleanly, loads the YAML instead, so every diagnostic points into the YAML.
pub fn embedded() -> Result<Model, LoadError> {
    if let Some(model) = embedded_from_json() {
        return Ok(model);
    }
    load_files(&load::embedded_files(), "specs")
}

/// The embedded specs through their JSON twins only: `None` at the first file that does not
/// load (then [`embedded`] reads the YAML). Public so a test can see the fast path is taken.
pub fn embedded_from_json() -> Option<Model> {
    let (_sources, specs) = parse::embedded_json()?;
    crate::lower::lower(&specs).ok()
}

/// Parse and lower spec files. Pure: no file access.
pub fn load_files(files: &[SpecFile], display_root: &str) -> Result<Model, LoadError> {
    let (sources, specs, mut diagnostics) = parse::parse_files(files, display_root);
    match crate::lower::lower(&specs) {
        Ok(model) if diagnostics.is_empty() => Ok(model),
        Ok(_) => Err(LoadError::Invalid(Box::new(Invalid { sources, diagnostics }))),
        Err(mut more) => {
            diagnostics.append(&mut more);
            Err(LoadError::Invalid(Box::new(Invalid { sources, diagnostics })))
        }
    }
}
