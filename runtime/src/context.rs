//! What every program context has: its program type, and the helpers that do not depend on the
//! context's shape, each bounded by its gate.

use core::ffi::c_void;

use crate::gates::*;
use crate::sys;

/// A program's context: the pointer the kernel passes to the program, typed.
///
/// # Safety
/// `Program` must be the program type the kernel runs programs with this context as, and
/// `from_ptr` must only wrap a pointer the kernel handed to such a program.
pub unsafe trait ProgramContext: Sized {
    /// The program type (a marker from [`crate::gates::program`]); helpers are gated on it.
    type Program: ProgramType + BaseHelpers;

    /// Wrap the kernel's context pointer.
    ///
    /// # Safety
    /// `ptr` must be the context pointer of a program of type `Self::Program`.
    unsafe fn from_ptr(ptr: *mut c_void) -> Self;

    /// The raw context pointer, for helpers that take it.
    fn as_ptr(&self) -> *mut c_void;
}

/// The helpers that typed maps call without a context (lookups, updates, queue operations,
/// ring buffers). Every context type must be of a program type that may call all of them; the
/// bound on [`ProgramContext::Program`] makes that a compile-time fact checked against the specs,
/// so `map.get(&key)` needs no context argument to be safe to offer.
pub trait BaseHelpers:
    CanCall_bpf_map_lookup_elem
    + CanCall_bpf_map_update_elem
    + CanCall_bpf_map_delete_elem
    + CanCall_bpf_map_push_elem
    + CanCall_bpf_map_pop_elem
    + CanCall_bpf_map_peek_elem
    + CanCall_bpf_map_lookup_percpu_elem
    + CanCall_bpf_ringbuf_output
    + CanCall_bpf_ringbuf_reserve
    + CanCall_bpf_ringbuf_submit
    + CanCall_bpf_ringbuf_discard
    + CanCall_bpf_ringbuf_query
{
}

impl<P> BaseHelpers for P where
    P: CanCall_bpf_map_lookup_elem
        + CanCall_bpf_map_update_elem
        + CanCall_bpf_map_delete_elem
        + CanCall_bpf_map_push_elem
        + CanCall_bpf_map_pop_elem
        + CanCall_bpf_map_peek_elem
        + CanCall_bpf_map_lookup_percpu_elem
        + CanCall_bpf_ringbuf_output
        + CanCall_bpf_ringbuf_reserve
        + CanCall_bpf_ringbuf_submit
        + CanCall_bpf_ringbuf_discard
        + CanCall_bpf_ringbuf_query
{
}

/// A task's identity as `bpf_get_current_pid_tgid()` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PidTgid {
    /// The thread id (`pid` in kernel terms).
    pub pid: u32,
    /// The process id (`tgid` in kernel terms).
    pub tgid: u32,
}

/// Helpers that take no context-specific argument, as methods on every context. Each is
/// bounded by its gate, so a program type that cannot call one does not compile:
///
/// ```text
/// error[E0277]: program type `SchedCls` cannot call `bpf_get_current_pid_tgid`
/// ```
pub trait Helpers: ProgramContext {
    /// `bpf_ktime_get_ns`: monotonic time in nanoseconds, not counting suspend.
    #[doc = example!("bpf_ktime_get_ns")]
    #[inline(always)]
    fn ktime_get_ns(&self) -> u64
    where
        Self::Program: CanCall_bpf_ktime_get_ns,
    {
        unsafe { sys::bpf_ktime_get_ns() }
    }

    /// `bpf_ktime_get_boot_ns`: monotonic time in nanoseconds, counting suspend.
    #[doc = example!("bpf_ktime_get_boot_ns")]
    #[inline(always)]
    fn ktime_get_boot_ns(&self) -> u64
    where
        Self::Program: CanCall_bpf_ktime_get_boot_ns,
    {
        unsafe { sys::bpf_ktime_get_boot_ns() }
    }

    /// `bpf_get_smp_processor_id`: the CPU the program runs on.
    #[doc = example!("bpf_get_smp_processor_id")]
    #[inline(always)]
    fn smp_processor_id(&self) -> u32
    where
        Self::Program: CanCall_bpf_get_smp_processor_id,
    {
        unsafe { sys::bpf_get_smp_processor_id() }
    }

    /// `bpf_get_prandom_u32`: a pseudo-random number (not for cryptography).
    #[doc = example!("bpf_get_prandom_u32")]
    #[inline(always)]
    fn prandom_u32(&self) -> u32
    where
        Self::Program: CanCall_bpf_get_prandom_u32,
    {
        unsafe { sys::bpf_get_prandom_u32() }
    }

    /// `bpf_jiffies64`.
    #[doc = example!("bpf_jiffies64")]
    #[inline(always)]
    fn jiffies64(&self) -> u64
    where
        Self::Program: CanCall_bpf_jiffies64,
    {
        unsafe { sys::bpf_jiffies64() }
    }

    /// `bpf_get_current_pid_tgid`, split into thread and process id.
    #[doc = example!("bpf_get_current_pid_tgid")]
    #[inline(always)]
    fn current_pid_tgid(&self) -> PidTgid
    where
        Self::Program: CanCall_bpf_get_current_pid_tgid,
    {
        let v = unsafe { sys::bpf_get_current_pid_tgid() };
        PidTgid { pid: v as u32, tgid: (v >> 32) as u32 }
    }

    /// `bpf_get_current_pid_tgid`, raw: `tgid << 32 | pid`.
    #[inline(always)]
    fn get_current_pid_tgid(&self) -> u64
    where
        Self::Program: CanCall_bpf_get_current_pid_tgid,
    {
        unsafe { sys::bpf_get_current_pid_tgid() }
    }

    /// `bpf_get_current_uid_gid`: `gid << 32 | uid`.
    #[doc = example!("bpf_get_current_uid_gid")]
    #[inline(always)]
    fn get_current_uid_gid(&self) -> u64
    where
        Self::Program: CanCall_bpf_get_current_uid_gid,
    {
        unsafe { sys::bpf_get_current_uid_gid() }
    }

    /// `bpf_get_current_comm` straight into `buf` (no zeroing pass, no byte-by-byte copy: the
    /// helper writes the NUL-padded name itself).
    #[doc = example!("bpf_get_current_comm")]
    #[inline(always)]
    fn current_comm_into(&self, buf: &mut [u8; 16]) -> Result<(), i64>
    where
        Self::Program: CanCall_bpf_get_current_comm,
    {
        let r = unsafe { sys::bpf_get_current_comm(buf.as_mut_ptr().cast(), 16) };
        if r == 0 {
            Ok(())
        } else {
            Err(r)
        }
    }

    /// `bpf_get_current_cgroup_id`: the cgroup v2 id of the current task.
    #[doc = example!("bpf_get_current_cgroup_id")]
    #[inline(always)]
    fn current_cgroup_id(&self) -> u64
    where
        Self::Program: CanCall_bpf_get_current_cgroup_id,
    {
        unsafe { sys::bpf_get_current_cgroup_id() }
    }

    /// `bpf_get_current_task_btf`: the current task as a BTF pointer.
    #[doc = example!("bpf_get_current_task_btf")]
    #[inline(always)]
    fn current_task_btf(&self) -> *mut sys::task_struct
    where
        Self::Program: CanCall_bpf_get_current_task_btf,
    {
        unsafe { sys::bpf_get_current_task_btf() }
    }

    /// `bpf_probe_read_kernel` of one `T`.
    ///
    /// # Safety
    /// `src` is read as a `T`; any bit pattern must be a valid `T`.
    #[doc = example!("bpf_probe_read_kernel")]
    #[inline(always)]
    unsafe fn probe_read_kernel<T>(&self, src: *const T) -> Result<T, i64>
    where
        Self::Program: CanCall_bpf_probe_read_kernel,
    {
        unsafe { read_one(|dst, len| sys::bpf_probe_read_kernel(dst, len, src.cast())) }
    }

    /// `bpf_probe_read_user` of one `T`.
    ///
    /// # Safety
    /// `src` is read as a `T`; any bit pattern must be a valid `T`.
    #[doc = example!("bpf_probe_read_user")]
    #[inline(always)]
    unsafe fn probe_read_user<T>(&self, src: *const T) -> Result<T, i64>
    where
        Self::Program: CanCall_bpf_probe_read_user,
    {
        unsafe { read_one(|dst, len| sys::bpf_probe_read_user(dst, len, src.cast())) }
    }

    /// `bpf_probe_read_user_str` into `buf`; the string's length including the NUL.
    ///
    /// # Safety
    /// `src` must be a user-space address (the helper handles faults).
    #[doc = example!("bpf_probe_read_user_str")]
    #[inline(always)]
    unsafe fn probe_read_user_str(&self, src: *const u8, buf: &mut [u8]) -> Result<usize, i64>
    where
        Self::Program: CanCall_bpf_probe_read_user_str,
    {
        let r = unsafe { sys::bpf_probe_read_user_str(buf.as_mut_ptr().cast(), buf.len() as u32, src.cast()) };
        if r >= 0 {
            Ok(r as usize)
        } else {
            Err(r)
        }
    }

    /// `bpf_copy_from_user` of one `T`: may fault pages in, so only sleepable programs may call it.
    ///
    /// # Safety
    /// Any bit pattern must be a valid `T`.
    #[doc = example!("bpf_copy_from_user")]
    #[inline(always)]
    unsafe fn copy_from_user<T>(&self, src: *const T) -> Result<T, i64>
    where
        Self::Program: CanCall_bpf_copy_from_user,
    {
        unsafe { read_one(|dst, len| sys::bpf_copy_from_user(dst, len, src.cast())) }
    }

    /// `bpf_send_signal` to the current process.
    #[doc = example!("bpf_send_signal")]
    #[inline(always)]
    fn send_signal(&self, sig: u32) -> Result<(), i64>
    where
        Self::Program: CanCall_bpf_send_signal,
    {
        let r = unsafe { sys::bpf_send_signal(sig) };
        if r == 0 {
            Ok(())
        } else {
            Err(r)
        }
    }

    /// `bpf_get_socket_cookie` of the context's socket.
    #[doc = example!("bpf_get_socket_cookie")]
    #[inline(always)]
    fn socket_cookie(&self) -> u64
    where
        Self::Program: CanCall_bpf_get_socket_cookie,
    {
        unsafe { sys::bpf_get_socket_cookie(self.as_ptr()) }
    }

    /// `bpf_get_netns_cookie` of the context's network namespace.
    #[doc = example!("bpf_get_netns_cookie")]
    #[inline(always)]
    fn netns_cookie(&self) -> u64
    where
        Self::Program: CanCall_bpf_get_netns_cookie,
    {
        unsafe { sys::bpf_get_netns_cookie(self.as_ptr()) }
    }

    /// `bpf_get_attach_cookie`: the cookie user space gave the attachment.
    #[doc = example!("bpf_get_attach_cookie")]
    #[inline(always)]
    fn attach_cookie(&self) -> u64
    where
        Self::Program: CanCall_bpf_get_attach_cookie,
    {
        unsafe { sys::bpf_get_attach_cookie(self.as_ptr()) }
    }

    /// `bpf_get_func_ip`: address of the traced function.
    #[doc = example!("bpf_get_func_ip")]
    #[inline(always)]
    fn func_ip(&self) -> u64
    where
        Self::Program: CanCall_bpf_get_func_ip,
    {
        unsafe { sys::bpf_get_func_ip(self.as_ptr()) }
    }

    /// `bpf_loop`: call `callback(i, data)` for `i` in `0..n` (at most 8 Mi iterations), stopping
    /// early when it returns 1; the number of calls made. The verifier checks the callback once,
    /// whatever `n` is, so this is the loop to use for large or data-dependent bounds.
    #[doc = example!("bpf_loop")]
    #[inline(always)]
    fn loop_n<T>(&self, n: u32, callback: extern "C" fn(u32, &mut T) -> i64, data: &mut T) -> Result<u32, i64>
    where
        Self::Program: CanCall_bpf_loop,
    {
        let r = unsafe { sys::bpf_loop(n, callback as *mut c_void, (data as *mut T).cast(), 0) };
        if r >= 0 {
            Ok(r as u32)
        } else {
            Err(r)
        }
    }

    /// `bpf_spin_lock`: take the lock embedded in a map value; it is released (`bpf_spin_unlock`)
    /// when the guard is dropped. The value's type must carry the lock as a field of type
    /// [`sys::bpf_spin_lock`](struct@sys::bpf_spin_lock) (the verifier finds it by that BTF name), and while the guard lives
    /// the program may not call helpers or functions, nor take a second lock.
    #[doc = example!("bpf_spin_lock")]
    #[inline(always)]
    fn spin_lock<'a>(&self, lock: &'a mut sys::bpf_spin_lock) -> SpinLockGuard<'a>
    where
        Self::Program: CanCall_bpf_spin_lock + CanCall_bpf_spin_unlock,
    {
        unsafe { sys::bpf_spin_lock(lock) };
        SpinLockGuard { lock }
    }

    /// `bpf_trace_printk` with up to three arguments; `fmt` must end in NUL.
    #[doc = example!("bpf_trace_printk")]
    #[inline(always)]
    fn trace_printk(&self, fmt: &[u8], args: [u64; 3]) -> i64
    where
        Self::Program: CanCall_bpf_trace_printk,
    {
        unsafe { sys::bpf_trace_printk(fmt.as_ptr().cast(), fmt.len() as u32, args[0], args[1], args[2]) }
    }
}

impl<C: ProgramContext> Helpers for C {}

/// A held [`Helpers::spin_lock`]; dropping it unlocks. Only made by `spin_lock`, which checked
/// that the program type may call both helpers.
#[doc = example!("bpf_spin_unlock")]
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct SpinLockGuard<'a> {
    lock: &'a mut sys::bpf_spin_lock,
}

impl Drop for SpinLockGuard<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        unsafe { sys::bpf_spin_unlock(self.lock) };
    }
}

/// Runs a helper that fills one `T` (`bpf_probe_read_*`, `bpf_copy_from_user`) and returns the
/// `T` when the helper reports 0, or the helper's negative error.
///
/// # Safety
/// `read` must write `len` bytes to `dst` when it returns 0, and any bit pattern must be a
/// valid `T`.
#[inline(always)]
unsafe fn read_one<T>(read: impl FnOnce(*mut c_void, u32) -> i64) -> Result<T, i64> {
    let mut v = core::mem::MaybeUninit::<T>::uninit();
    let r = read(v.as_mut_ptr().cast(), size_of::<T>() as u32);
    if r == 0 {
        // SAFETY: the helper filled all of `v`, per this function's contract.
        Ok(unsafe { v.assume_init() })
    } else {
        Err(r)
    }
}
