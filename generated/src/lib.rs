//! Typed bindings to every Linux eBPF helper, generated from the bpfspec specs.
//!
//! - [`helpers`]: one `unsafe fn` per helper, calling it by its `BPF_FUNC_*` ID, documented
//!   with its arguments and their verifier classes, return value, flags, kernel version,
//!   GPL-only status and the program types (and conditions) that may call it.
//! - [`ids`]: helper IDs, and program, map and attach types with their kernel values.
//! - [`flags`]: the flag values helper arguments accept.
//! - [`kfuncs`]: one `extern "C"` declaration per kfunc, with its flags, program types and
//!   kernel version in the docs.
//! - [`types`]: `#[repr(C)]` layouts of the uapi structs helpers and program contexts use,
//!   and opaque kernel structs.
//! - [`compat`]: the compatibility tables as `const` data with `const fn` queries, e.g.
//!   `const _: () = assert!(compat::allowed(ids::BPF_FUNC_map_lookup_elem, ids::BPF_PROG_TYPE_XDP));`
//!
//! Everything but this file is written by `bpfspec generate`; do not edit it by hand.
//! Layouts are those of 64-bit targets (BPF itself, and the hosts the kernel runs on).

#![no_std]
#![allow(
    non_camel_case_types,
    reason = "C struct names (`__sk_buff`, `bpf_sock`) are the API and stay as the kernel spells them"
)]
#![allow(non_snake_case, reason = "C member names such as `h_vlan_TCI` stay as the kernel spells them")]
#![allow(non_upper_case_globals, reason = "helper IDs keep their kernel names, such as `BPF_FUNC_map_lookup_elem`")]
#![allow(
    clippy::missing_safety_doc,
    reason = "every helper documents its safety contract in its own `# Safety` section"
)]
#![allow(
    clippy::too_many_arguments,
    clippy::unnecessary_cast,
    reason = "generated code mirrors C signatures and casts uniformly"
)]

#[cfg(not(target_pointer_width = "64"))]
compile_error!("bpfspec-bindings describes 64-bit layouts (BPF and the kernels it runs in)");

pub mod compat;
#[rustfmt::skip]
pub mod flags;
#[rustfmt::skip]
pub mod helpers;
#[rustfmt::skip]
pub mod ids;
#[rustfmt::skip]
pub mod kfuncs;
#[rustfmt::skip]
pub mod types;
