//! Tests of `bpfspec-runtime` live in `tests/runtime.rs`: compile-fail cases for the gates, and
//! the example programs built, checked, loaded and run in the kernel.
