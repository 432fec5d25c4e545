//! Emitters: pure functions from the [`crate::model::Model`] to output files.

pub mod bindings;
pub mod gates;
pub mod json;
pub mod site;

/// One file an emitter produces, relative to its output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub path: String,
    pub contents: String,
}
