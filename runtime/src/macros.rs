//! Program declaration, license, and gated raw helper calls.

/// Declare a BPF program: the function goes into the named ELF section with the C signature the
/// kernel calls, receives its typed context, and the section name is checked at compile time
/// against the context's program type, attach type and sleepability (the specs' libbpf section
/// table).
///
/// ```ignore
/// program! {
///     #[section = "xdp"]
///     fn count(ctx: XdpContext) -> u32 { xdp_action::XDP_PASS }
/// }
/// program! {
///     #[section = "cgroup/connect4"]
///     fn redirect(ctx: SockAddrContext<attach::CgroupInet4Connect>) -> i32 { 1 }
/// }
/// ```
#[macro_export]
macro_rules! program {
    (
        $(#[doc = $doc:literal])*
        #[section = $section:literal]
        $(#[$attr:meta])*
        fn $name:ident($ctx:ident : $ctx_ty:ty) -> $ret:ty $body:block
    ) => {
        $(#[doc = $doc])*
        #[unsafe(no_mangle)]
        #[unsafe(link_section = $section)]
        #[allow(
            clippy::not_unsafe_ptr_arg_deref,
            reason = "only the kernel calls a program, with the context pointer its section promises"
        )]
        $(#[$attr])*
        pub extern "C" fn $name(raw_ctx: *mut ::core::ffi::c_void) -> $ret {
            const _: () = $crate::section::assert_fits::<
                <$ctx_ty as $crate::ProgramContext>::Program,
            >($section);
            #[inline(always)]
            fn body($ctx: $ctx_ty) -> $ret $body
            // SAFETY: the section makes the kernel run this function as a program whose context
            // is `$ctx_ty` (checked above against the specs' section table).
            body(unsafe { <$ctx_ty as $crate::ProgramContext>::from_ptr(raw_ctx) })
        }
    };
}

/// Declare the program's license (the `license` section the kernel reads to allow GPL-only
/// helpers): `license!("GPL");`, `license!("Dual MIT/GPL");`.
#[macro_export]
macro_rules! license {
    ($license:literal) => {
        #[unsafe(no_mangle)]
        #[unsafe(link_section = "license")]
        #[used]
        static _license: [u8; $license.len() + 1] = $crate::macros::nul_terminated($license);
    };
}

/// Call any helper of the generated bindings, gated on the context's program type:
/// `unsafe { helper!(ctx, bpf_get_current_pid_tgid()) }`. For helpers the typed API does not
/// wrap; the call itself stays `unsafe`.
#[macro_export]
macro_rules! helper {
    ($ctx:expr, $name:ident($($arg:expr),* $(,)?)) => {{
        #[inline(always)]
        fn gate<C: $crate::ProgramContext>(_: &C)
        where
            C::Program: $crate::gates::can_call::$name,
        {
        }
        gate(&$ctx);
        $crate::sys::$name($($arg),*)
    }};
}

/// Call a kfunc of the generated bindings, gated on the context's program type (with its attach
/// type and sleepability) like [`helper!`]: `unsafe { kfunc!(ctx, bpf_rcu_read_lock()) }`. The
/// call stays `unsafe`; the object needs the kfunc's BTF (`tests/kfunc-e2e/ksyms_btf.py` adds it
/// after bpf-linker, see the README).
#[macro_export]
macro_rules! kfunc {
    ($ctx:expr, $name:ident($($arg:expr),* $(,)?)) => {{
        #[inline(always)]
        fn gate<C: $crate::ProgramContext>(_: &C)
        where
            C::Program: $crate::gates::can_call_kfunc::$name,
        {
        }
        gate(&$ctx);
        $crate::kfuncs::$name($($arg),*)
    }};
}

/// `"GPL"` → `*b"GPL\0"`, at compile time.
#[doc(hidden)]
pub const fn nul_terminated<const N: usize>(s: &str) -> [u8; N] {
    let bytes = s.as_bytes();
    assert!(bytes.len() + 1 == N, "license length mismatch");
    let mut out = [0u8; N];
    let mut i = 0;
    while i < bytes.len() {
        out[i] = bytes[i];
        i += 1;
    }
    out
}
