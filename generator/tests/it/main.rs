//! The integration tests of the `bpfspec` crate, in one binary to keep link times down.
//!
//! Tests that need the `bpf()` syscall or files of this machine print `SKIP: <reason>` when
//! those are missing, and never pass silently.

mod support;

mod bindings;
mod check;
mod check_hostile;
mod check_kfuncs;
mod check_rules;
mod check_target;
mod elfgen;
mod examples;
mod kernels;
mod kfuncs;
mod output;
mod probe;
mod serve;
mod site;
mod specs;
mod specs_hostile;
