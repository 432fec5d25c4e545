//! JSON Schemas of the spec files, made from the serde types of [`crate::spec`] (their doc
//! comments become the descriptions an editor shows). One schema per kind of spec file, in
//! `specs/schema/<folder>.json`; every spec file names its own in a first line
//! `# yaml-language-server: $schema=...` ([`schema_comment`]).

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;

use super::{Folder, Output};
use crate::spec;

/// The generator owns `specs/schema/`: nothing in it is written by hand.
pub const FOLDER: Folder = Folder { path: "specs/schema", hand_written: &[], requires: &[] };

/// Each kind of spec file: where its files sit (a folder of `specs/`, or one file's stem for
/// `sections.yaml`, `reasons.yaml` and `flags.yaml`) and its schema.
pub fn kinds() -> Vec<(&'static str, schemars::Schema)> {
    vec![
        ("helpers", root::<spec::HelperSpec>()),
        ("program-types", root::<spec::ProgramTypeSpec>()),
        ("map-types", root::<spec::MapTypeSpec>()),
        ("attach-types", root::<spec::AttachTypeSpec>()),
        ("helper-sets", root::<spec::HelperSetSpec>()),
        ("types", root::<spec::TypeSpec>()),
        ("kfuncs", root::<spec::KfuncSetSpec>()),
        ("sections", root::<spec::SectionsSpec>()),
        ("reasons", root::<spec::ReasonsSpec>()),
        ("flags", root::<spec::FlagsSpec>()),
    ]
}

/// The schema files, paths relative to the repository root.
pub fn files() -> Vec<Output> {
    kinds()
        .into_iter()
        .map(|(kind, schema)| {
            let mut contents = serde_json::to_string_pretty(&schema).expect("a schema serializes");
            contents.push('\n');
            Output { path: format!("{}/{kind}.json", FOLDER.path), contents }
        })
        .collect()
}

/// The kind of a spec file from its path relative to `specs/` (`helpers/bpf_x.yaml` →
/// `helpers`, `sections.yaml` → `sections`).
pub fn kind_of(relative_path: &str) -> &str {
    match relative_path.split_once('/') {
        Some((folder, _)) => folder,
        None => relative_path.trim_end_matches(".yaml"),
    }
}

/// The first line of a spec file at `relative_path` (relative to `specs/`): where its schema is,
/// relative to the file, for editors that read `yaml-language-server` modelines.
pub fn schema_comment(relative_path: &str) -> String {
    let up = "../".repeat(relative_path.matches('/').count());
    let folder = FOLDER.path.strip_prefix("specs/").expect("the schemas live in specs/");
    format!("# yaml-language-server: $schema={up}{folder}/{}.json", kind_of(relative_path))
}

/// Draft 7: the draft YAML editors' language servers read best.
fn root<T: JsonSchema>() -> schemars::Schema {
    SchemaSettings::draft07().into_generator().into_root_schema_for::<T>()
}
