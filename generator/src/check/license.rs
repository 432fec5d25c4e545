//! Which `license` strings the kernel counts as GPL-compatible (helpers and kfuncs share it).

/// The licenses the kernel's `license_is_gpl_compatible()` accepts, compared exactly.
pub const GPL_COMPATIBLE: [&str; 6] =
    ["GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"];

/// Whether the kernel lets a program with this `license` call GPL-only helpers and kfuncs.
pub fn is_gpl_compatible(license: &str) -> bool {
    GPL_COMPATIBLE.contains(&license)
}
