//! Tracing program types: kprobe/uprobe, tracepoint, raw tracepoint, perf event,
//! fentry/fexit/fmod_ret/tp_btf/iterators, LSM and syscall programs.

use core::marker::PhantomData;

use super::{check, context, field};
use crate::gates::*;
use crate::sys;

macro_rules! generic_context {
    ($(#[$m:meta])* $name:ident<$($p:ident: $bound:path),*>, $raw:ty, $program:ty) => {
        $(#[$m])*
        #[repr(transparent)]
        pub struct $name<$($p),*> {
            ctx: *mut $raw,
            _marker: PhantomData<($($p,)*)>,
        }

        unsafe impl<$($p: $bound),*> crate::ProgramContext for $name<$($p),*> {
            type Program = $program;
            #[inline(always)]
            unsafe fn from_ptr(ptr: *mut core::ffi::c_void) -> Self {
                Self { ctx: ptr.cast(), _marker: PhantomData }
            }
            #[inline(always)]
            fn as_ptr(&self) -> *mut core::ffi::c_void {
                self.ctx.cast()
            }
        }
    };
}

generic_context!(
    /// Context of `kprobe` programs: kprobes, kretprobes, uprobes (`S = Sleepable` for `uprobe.s`).
    /// Register layout is x86-64's.
    ProbeContext<S: Sleepability>,
    sys::PtRegs,
    program::Kprobe<S>
);

/// A kprobe or kretprobe (sections `kprobe/...`, `kretprobe/...`).
pub type KProbeContext = ProbeContext<NonSleepable>;
/// A uprobe or uretprobe; `UProbeContext<Sleepable>` for `uprobe.s/...`.
pub type UProbeContext<S = NonSleepable> = ProbeContext<S>;

impl<S: Sleepability> ProbeContext<S> {
    /// The registers at the probe.
    #[inline(always)]
    pub fn regs(&self) -> *mut sys::PtRegs {
        self.ctx
    }
    /// Argument `n` (0-based, up to 5) of the probed function, by the x86-64 calling convention.
    #[inline(always)]
    pub fn arg(&self, n: usize) -> Option<u64> {
        Some(match n {
            0 => field!(self.rdi),
            1 => field!(self.rsi),
            2 => field!(self.rdx),
            3 => field!(self.rcx),
            4 => field!(self.r8),
            5 => field!(self.r9),
            _ => return None,
        })
    }
    /// Return value (in a kretprobe/uretprobe).
    #[inline(always)]
    pub fn ret(&self) -> u64 {
        field!(self.rax)
    }
    /// `bpf_override_return`: make the probed function return `rc` (error-injection targets).
    #[doc = example!("bpf_override_return")]
    #[inline(always)]
    pub fn override_return(&self, rc: u64) -> Result<(), i64>
    where
        program::Kprobe<S>: CanCall_bpf_override_return,
    {
        check(unsafe { sys::bpf_override_return(self.ctx.cast(), rc) })
    }
}

context!(
    /// Context of `tracepoint` programs (section `tracepoint/<category>/<name>`): the raw trace
    /// record, laid out as the tracepoint's `format` file says.
    TracePointContext,
    u8,
    program::Tracepoint
);

impl TracePointContext {
    /// Read a `T` at `offset` of the trace record (a direct context load: `offset` must be
    /// aligned for `T` and inside the record).
    ///
    /// # Safety
    /// `offset` and `T` must match the tracepoint's format.
    #[inline(always)]
    pub unsafe fn read_at<T: Copy>(&self, offset: usize) -> T {
        unsafe { (self.ctx.add(offset) as *const T).read_volatile() }
    }
}

context!(
    /// Context of `raw_tracepoint` programs (section `raw_tracepoint/<name>`): the tracepoint's
    /// arguments as `u64`s.
    RawTracePointContext,
    sys::bpf_raw_tracepoint_args,
    program::RawTracepoint
);

impl RawTracePointContext {
    /// Argument `n` of the tracepoint.
    #[inline(always)]
    pub fn arg(&self, n: usize) -> u64 {
        unsafe { (self.ctx as *const u64).add(n).read_volatile() }
    }
}

context!(
    /// Context of `perf_event` programs (section `perf_event`).
    PerfEventContext,
    sys::PerfEventData,
    program::PerfEvent
);

impl PerfEventContext {
    /// The sample period of the event.
    #[inline(always)]
    pub fn sample_period(&self) -> u64 {
        field!(self.sample_period)
    }
    /// The sampled address, for events that have one.
    #[inline(always)]
    pub fn addr(&self) -> u64 {
        field!(self.addr)
    }
    /// `bpf_perf_prog_read_value`: counter, enabled and running time of the event.
    #[doc = example!("bpf_perf_prog_read_value")]
    #[inline(always)]
    pub fn read_value(&self) -> Result<sys::bpf_perf_event_value, i64>
    where
        program::PerfEvent: CanCall_bpf_perf_prog_read_value,
    {
        // Not `default()`: zeroing a struct whose address escapes compiles to a `memset` call,
        // and the examples link without the memory builtins, so the object would not load.
        // The helper writes every field (it zeroes them itself on failure).
        let mut v = core::mem::MaybeUninit::<sys::bpf_perf_event_value>::uninit();
        check(unsafe {
            sys::bpf_perf_prog_read_value(
                self.ctx.cast(),
                v.as_mut_ptr(),
                size_of::<sys::bpf_perf_event_value>() as u32,
            )
        })?;
        Ok(unsafe { v.assume_init() })
    }
}

generic_context!(
    /// Context of `tracing` programs: an array of `u64` arguments typed by the target's BTF.
    /// `A` is the attach type (fentry, fexit, fmod_ret, tp_btf, iterators), `S` the sleepability.
    TracingContext<A: attach::ForTracing, S: Sleepability>,
    u64,
    program::Tracing<A, S>
);

/// fentry (`fentry/<function>`; `FEntryContext<Sleepable>` for `fentry.s/<function>`).
pub type FEntryContext<S = NonSleepable> = TracingContext<attach::TraceFentry, S>;
/// fexit (`fexit/<function>`; `FExitContext<Sleepable>` for `fexit.s/<function>`).
pub type FExitContext<S = NonSleepable> = TracingContext<attach::TraceFexit, S>;
/// fmod_ret (`fmod_ret/<function>`).
pub type FModRetContext<S = NonSleepable> = TracingContext<attach::ModifyReturn, S>;
/// BTF tracepoint (`tp_btf/<tracepoint>`).
pub type BtfTracePointContext = TracingContext<attach::TraceRawTp, NonSleepable>;
/// BPF iterator (`iter/<target>`; `IterContext<Sleepable>` for `iter.s/<target>`).
pub type IterContext<S = NonSleepable> = TracingContext<attach::TraceIter, S>;

impl<A: attach::ForTracing, S: Sleepability> TracingContext<A, S> {
    /// Argument `n` as its raw `u64` slot (a direct context load the verifier types by BTF).
    #[inline(always)]
    pub fn arg(&self, n: usize) -> u64 {
        unsafe { self.ctx.add(n).read_volatile() }
    }
    /// `bpf_get_func_arg`: argument `n`, checked against the argument count. Only programs run
    /// from a trampoline (fentry, fexit, fmod_ret) may call it.
    #[doc = example!("bpf_get_func_arg")]
    #[inline(always)]
    pub fn func_arg(&self, n: u32) -> Result<u64, i64>
    where
        program::Tracing<A, S>: CanCall_bpf_get_func_arg,
    {
        let mut v = 0u64;
        check(unsafe { sys::bpf_get_func_arg(self.ctx.cast(), n, &mut v) })?;
        Ok(v)
    }
    /// `bpf_get_func_ret`: the traced function's return value (fexit and fmod_ret).
    #[doc = example!("bpf_get_func_ret")]
    #[inline(always)]
    pub fn func_ret(&self) -> Result<u64, i64>
    where
        program::Tracing<A, S>: CanCall_bpf_get_func_ret,
    {
        let mut v = 0u64;
        check(unsafe { sys::bpf_get_func_ret(self.ctx.cast(), &mut v) })?;
        Ok(v)
    }
    /// `bpf_get_func_arg_cnt`.
    #[doc = example!("bpf_get_func_arg_cnt")]
    #[inline(always)]
    pub fn func_arg_cnt(&self) -> u64
    where
        program::Tracing<A, S>: CanCall_bpf_get_func_arg_cnt,
    {
        unsafe { sys::bpf_get_func_arg_cnt(self.ctx.cast()) as u64 }
    }
}

generic_context!(
    /// Context of `lsm` programs: the hook's arguments as `u64`s. `A` is `attach::LsmMac`
    /// (system-wide, `lsm/<hook>`) or `attach::LsmCgroup` (`lsm_cgroup/<hook>`).
    LsmContext<A: attach::ForLsm, S: Sleepability>,
    u64,
    program::Lsm<A, S>
);

/// A system-wide LSM program (`lsm/<hook>`; `LsmMacContext<Sleepable>` for `lsm.s/<hook>`).
pub type LsmMacContext<S = NonSleepable> = LsmContext<attach::LsmMac, S>;
/// A per-cgroup LSM program (`lsm_cgroup/<hook>`).
pub type LsmCgroupContext = LsmContext<attach::LsmCgroup, NonSleepable>;

impl<A: attach::ForLsm, S: Sleepability> LsmContext<A, S> {
    /// Argument `n` of the hook (the last slot holds the return value of earlier programs).
    #[inline(always)]
    pub fn arg(&self, n: usize) -> u64 {
        unsafe { self.ctx.add(n).read_volatile() }
    }
}

generic_context!(
    /// Context of `syscall` programs (section `syscall`), run with `BPF_PROG_TEST_RUN`; the
    /// context is the caller's input buffer. Always sleepable.
    SyscallContextOf<S: Sleepability>,
    u8,
    program::Syscall<S>
);

/// The syscall program context (syscall programs must be sleepable).
pub type SyscallContext = SyscallContextOf<Sleepable>;

impl<S: Sleepability> SyscallContextOf<S> {
    /// The input buffer as a `T`.
    ///
    /// # Safety
    /// The caller's buffer must hold a `T` (the verifier checks the size against `ctx_size_in`).
    #[inline(always)]
    pub unsafe fn args<T>(&self) -> *mut T {
        self.ctx.cast()
    }
}
