//! bpfspec: the specs of Linux eBPF helpers, program types, map types and attach types, and
//! everything built from them (bindings, checks, probe, reference site).

pub mod btf;
pub mod check;
pub mod diagnostics;
pub mod embedded;
pub mod emit;
pub mod examples;
pub mod load;
pub mod lower;
pub mod lower_kfuncs;
pub mod model;
pub mod names;
pub mod output;
pub mod parse;
pub mod pipeline;
pub mod probe;
pub mod serve;
pub mod spec;
pub mod types;
pub mod version;
