//! `bpfspec probe`: ask the running kernel's verifier what it allows, and diff it with the specs.
pub mod btf;
pub mod sys;
