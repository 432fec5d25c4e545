//! The front end in one call: load (read spec files) → parse (serde types with spans) → lower
//! (names resolved, checked) → [`Model`]. Each stage imports only the ones before it; this
//! module is the only one that runs them all. build.rs runs it too, on `specs/`, and embeds the
//! model it gives (see [`crate::embedded`]); `--specs DIR` comes here at run time.

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
