//! The integration tests of the `bpfspec` crate, in one binary to keep link times down.
//!
//! Tests that need the `bpf()` syscall or files of this machine print `SKIP: <reason>` when
//! those are missing, and never pass silently.

mod support;

mod bindings;
mod check;
mod kfuncs;
mod probe;
mod site;
mod specs;
