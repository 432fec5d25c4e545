//! A small raw `bpf()` syscall layer: load programs, create maps, load BTF, drop capabilities.
//!
//! Why raw syscalls rather than `libbpf-rs` or `aya`:
//! - no C dependency (libbpf-rs builds and links libbpf, which pins us to a libbpf release and
//!   its idea of which attributes exist);
//! - no version constraints from aya, whose loader hides `attach_btf_id`, `expected_attach_type`
//!   and `prog_flags` behind object-file conventions: the probe must set each of them by hand, for
//!   program types and attach types no section name describes;
//! - speed: a probe is tens of thousands of tiny loads; a direct syscall with one reused log
//!   buffer per thread costs a few microseconds of overhead each;
//! - the attribute layout is stable kernel ABI (`union bpf_attr`): fields are only ever appended,
//!   and the kernel accepts a larger attribute whose tail is zero.
//!
//! Every file descriptor comes back as an [`OwnedFd`], so it is closed when dropped; nothing here
//! pins or attaches anything.

use std::ffi::CStr;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::model::{HelperId, ProgramTypeId};

/// `BPF_PSEUDO_KFUNC_CALL`: `src_reg` of a call to a kfunc by BTF ID.
pub const BPF_PSEUDO_KFUNC_CALL: u8 = 2;

const BPF_MAP_CREATE: libc::c_long = 0;
const BPF_PROG_LOAD: libc::c_long = 5;
const BPF_BTF_LOAD: libc::c_long = 18;
const BPF_OBJ_GET_INFO_BY_FD: libc::c_long = 15;
const BPF_BTF_GET_FD_BY_ID: libc::c_long = 19;
const BPF_BTF_GET_NEXT_ID: libc::c_long = 23;

/// `BPF_F_SLEEPABLE`, a `prog_flags` bit.
pub const BPF_F_SLEEPABLE: u32 = 1 << 4;
/// `BPF_F_NO_PREALLOC`, a `map_flags` bit.
pub const BPF_F_NO_PREALLOC: u32 = 1;
/// `BPF_F_MMAPABLE`, a `map_flags` bit (required for arena maps).
pub const BPF_F_MMAPABLE: u32 = 1 << 10;

/// `BPF_PSEUDO_MAP_FD`: the `src_reg` of an `ld_imm64` whose immediate is a map fd.
const BPF_PSEUDO_MAP_FD: u8 = 1;
/// `BPF_PSEUDO_FUNC`: the `src_reg` of an `ld_imm64` whose immediate is a relative insn offset.
const BPF_PSEUDO_FUNC: u8 = 4;
/// `BPF_PSEUDO_CALL`: the `src_reg` of a call to a subprogram.
const BPF_PSEUDO_CALL: u8 = 1;

/// One eBPF instruction, `struct bpf_insn`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Insn {
    pub code: u8,
    /// `dst_reg` in the low nibble, `src_reg` in the high nibble.
    pub regs: u8,
    pub off: i16,
    pub imm: i32,
}

/// Registers, as the ISA numbers them.
pub const R0: u8 = 0;
pub const R1: u8 = 1;
pub const R6: u8 = 6;
pub const R10: u8 = 10;

// Opcode parts (linux/bpf_common.h, linux/bpf.h).
const BPF_LD: u8 = 0x00;
const BPF_STX: u8 = 0x03;
const BPF_ST: u8 = 0x02;
const BPF_ALU64: u8 = 0x07;
const BPF_JMP: u8 = 0x05;
const BPF_DW: u8 = 0x18;
const BPF_IMM: u8 = 0x00;
const BPF_MEM: u8 = 0x60;
const BPF_MOV: u8 = 0xb0;
const BPF_ADD: u8 = 0x00;
const BPF_K: u8 = 0x00;
const BPF_X: u8 = 0x08;
const BPF_CALL: u8 = 0x80;
const BPF_EXIT: u8 = 0x90;

impl Insn {
    const fn new(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> Insn {
        Insn { code, regs: (src << 4) | (dst & 0x0f), off, imm }
    }

    /// `dst = imm`
    pub const fn mov64_imm(dst: u8, imm: i32) -> Insn {
        Insn::new(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
    }

    /// `dst = src`
    pub const fn mov64_reg(dst: u8, src: u8) -> Insn {
        Insn::new(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
    }

    /// `dst += imm`
    pub const fn add64_imm(dst: u8, imm: i32) -> Insn {
        Insn::new(BPF_ALU64 | BPF_ADD | BPF_K, dst, 0, 0, imm)
    }

    /// `*(u64 *)(dst + off) = imm`
    pub const fn st_dw(dst: u8, off: i16, imm: i32) -> Insn {
        Insn::new(BPF_ST | BPF_MEM | BPF_DW, dst, 0, off, imm)
    }

    /// `*(u64 *)(dst + off) = src`
    pub const fn stx_dw(dst: u8, src: u8, off: i16) -> Insn {
        Insn::new(BPF_STX | BPF_MEM | BPF_DW, dst, src, off, 0)
    }

    /// `call helper#id`
    pub const fn call(helper: HelperId) -> Insn {
        // The immediate holds the ID's bits.
        Insn::new(BPF_JMP | BPF_CALL, 0, 0, 0, helper.get() as i32)
    }

    /// `call kfunc`: a kernel function by its vmlinux BTF ID.
    pub const fn kfunc_call(btf_id: i32) -> Insn {
        Insn::new(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, btf_id)
    }

    /// `call` of a kfunc of a module's BTF: `off` is the index of that BTF's fd in `fd_array`.
    pub const fn kfunc_call_in(btf_id: i32, fd_index: i16) -> Insn {
        Insn::new(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, fd_index, btf_id)
    }

    /// `call pc+off+1`, a call to a subprogram.
    pub const fn call_subprog(off: i32) -> Insn {
        Insn::new(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, off)
    }

    /// A call of a helper, kfunc or subprogram.
    pub const fn is_call(&self) -> bool {
        self.code == BPF_JMP | BPF_CALL
    }

    pub const fn exit() -> Insn {
        Insn::new(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)
    }

    /// `dst = map_by_fd(fd)`: two instructions.
    pub const fn ld_map_fd(dst: u8, fd: RawFd) -> [Insn; 2] {
        [Insn::new(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, fd), Insn::new(0, 0, 0, 0, 0)]
    }

    /// `dst = &subprog` where the subprogram starts `off + 1` instructions after this one:
    /// two instructions.
    pub const fn ld_func(dst: u8, off: i32) -> [Insn; 2] {
        [Insn::new(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_FUNC, 0, off), Insn::new(0, 0, 0, 0, 0)]
    }
}

/// `union bpf_attr` for `BPF_PROG_LOAD`, up to `fd_array_cnt` (6.14), zero-padded.
#[repr(C)]
#[derive(Default)]
struct ProgLoadAttr {
    prog_type: u32,
    insn_cnt: u32,
    insns: u64,
    license: u64,
    log_level: u32,
    log_size: u32,
    log_buf: u64,
    kern_version: u32,
    prog_flags: u32,
    prog_name: [u8; 16],
    prog_ifindex: u32,
    expected_attach_type: u32,
    prog_btf_fd: u32,
    func_info_rec_size: u32,
    func_info: u64,
    func_info_cnt: u32,
    line_info_rec_size: u32,
    line_info: u64,
    line_info_cnt: u32,
    attach_btf_id: u32,
    /// `attach_prog_fd` or `attach_btf_obj_fd`.
    attach_fd: u32,
    core_relo_cnt: u32,
    fd_array: u64,
    core_relos: u64,
    core_relo_rec_size: u32,
    log_true_size: u32,
    prog_token_fd: i32,
    fd_array_cnt: u32,
}

/// `union bpf_attr` for `BPF_MAP_CREATE`.
#[repr(C)]
#[derive(Default)]
struct MapCreateAttr {
    map_type: u32,
    key_size: u32,
    value_size: u32,
    max_entries: u32,
    map_flags: u32,
    inner_map_fd: u32,
    numa_node: u32,
    map_name: [u8; 16],
    map_ifindex: u32,
    btf_fd: u32,
    btf_key_type_id: u32,
    btf_value_type_id: u32,
    btf_vmlinux_value_type_id: u32,
    map_extra: u64,
    value_type_btf_obj_fd: i32,
    map_token_fd: i32,
}

/// `union bpf_attr` for `BPF_BTF_LOAD`.
#[repr(C)]
#[derive(Default)]
struct BtfLoadAttr {
    btf: u64,
    btf_log_buf: u64,
    btf_size: u32,
    btf_log_size: u32,
    btf_log_level: u32,
    btf_log_true_size: u32,
    btf_flags: u32,
    btf_token_fd: i32,
}

/// `BPF_PROG_LOAD` calls made by this process, for the probe's statistics.
static PROG_LOAD_CALLS: AtomicUsize = AtomicUsize::new(0);

/// How many `BPF_PROG_LOAD` calls this process has made so far.
pub fn prog_load_calls() -> usize {
    PROG_LOAD_CALLS.load(Ordering::Relaxed)
}

/// User and system CPU time of this process so far, every thread's included.
pub fn process_cpu_time() -> std::time::Duration {
    // SAFETY: a zeroed rusage is a valid value for getrusage to overwrite.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to an rusage struct.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return std::time::Duration::ZERO;
    }
    let time = |t: libc::timeval| {
        std::time::Duration::from_secs(t.tv_sec as u64) + std::time::Duration::from_micros(t.tv_usec as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// Raise `RLIMIT_MEMLOCK` as far as this process may (to infinity as root). Kernels before 5.11
/// charge BPF maps and programs to it; failing to raise it only leaves the old limit.
pub fn raise_memlock_limit() {
    let unlimited = libc::rlimit { rlim_cur: libc::RLIM_INFINITY, rlim_max: libc::RLIM_INFINITY };
    // SAFETY: a valid rlimit struct.
    if unsafe { libc::setrlimit(libc::RLIMIT_MEMLOCK, &unlimited) } == 0 {
        return;
    }
    let mut current = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: valid pointers to rlimit structs.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_MEMLOCK, &mut current) == 0 {
            current.rlim_cur = current.rlim_max;
            libc::setrlimit(libc::RLIMIT_MEMLOCK, &current);
        }
    }
}

/// `bpf()` for the commands that answer in `attr` and return 0.
fn bpf_query<T>(cmd: libc::c_long, attr: &mut T) -> io::Result<()> {
    // SAFETY: as in `bpf`: a live `#[repr(C)]` prefix of `union bpf_attr`, its size passed along,
    // its pointers into memory the caller keeps alive.
    let ret =
        unsafe { libc::syscall(libc::SYS_bpf, cmd, attr as *mut T as *mut libc::c_void, std::mem::size_of::<T>()) };
    if ret < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[repr(C)]
#[derive(Default)]
struct GetIdAttr {
    /// `start_id`, or `btf_id` for `BPF_BTF_GET_FD_BY_ID`.
    id: u32,
    next_id: u32,
    open_flags: u32,
}

#[repr(C)]
#[derive(Default)]
struct InfoAttr {
    bpf_fd: u32,
    info_len: u32,
    info: u64,
}

/// `struct bpf_btf_info`.
#[repr(C)]
#[derive(Default)]
struct BtfInfo {
    btf: u64,
    btf_size: u32,
    id: u32,
    name: u64,
    name_len: u32,
    kernel_btf: u32,
}

/// A file descriptor of every kernel module's BTF the kernel holds, by module name (what
/// `/sys/kernel/btf/<name>` is called). Needs CAP_SYS_ADMIN; empty when refused.
pub fn module_btf_fds() -> std::collections::BTreeMap<String, OwnedFd> {
    let mut out = std::collections::BTreeMap::new();
    let mut id = 0u32;
    loop {
        let mut next = GetIdAttr { id, ..Default::default() };
        if bpf_query(BPF_BTF_GET_NEXT_ID, &mut next).is_err() {
            break;
        }
        id = next.next_id;
        let mut by_id = GetIdAttr { id, ..Default::default() };
        let Ok(fd) = bpf(BPF_BTF_GET_FD_BY_ID, &mut by_id) else { continue };
        let mut name = [0u8; 64];
        let mut info = BtfInfo { name: name.as_mut_ptr() as u64, name_len: name.len() as u32, ..Default::default() };
        let mut attr = InfoAttr {
            bpf_fd: fd.as_raw_fd() as u32,
            info_len: std::mem::size_of::<BtfInfo>() as u32,
            info: &mut info as *mut BtfInfo as u64,
        };
        if bpf_query(BPF_OBJ_GET_INFO_BY_FD, &mut attr).is_err() || info.kernel_btf == 0 {
            continue;
        }
        let len = name.iter().position(|&c| c == 0).unwrap_or(name.len());
        let name = String::from_utf8_lossy(&name[..len]).into_owned();
        if name != "vmlinux" && !name.is_empty() {
            out.insert(name, fd);
        }
    }
    out
}

fn bpf<T>(cmd: libc::c_long, attr: &mut T) -> io::Result<OwnedFd> {
    if cmd == BPF_PROG_LOAD {
        PROG_LOAD_CALLS.fetch_add(1, Ordering::Relaxed);
    }
    // SAFETY: `attr` is a live, fully initialised `#[repr(C)]` prefix of `union bpf_attr` and
    // its size is passed along; every pointer inside it points into memory the caller keeps
    // alive for the duration of the call.
    let ret =
        unsafe { libc::syscall(libc::SYS_bpf, cmd, attr as *mut T as *mut libc::c_void, std::mem::size_of::<T>()) };
    if ret < 0 {
        return Err(io::Error::last_os_error());
    }
    let fd = RawFd::try_from(ret).map_err(|_| io::Error::other("bpf() returned an fd out of range"))?;
    // SAFETY: on success these commands return a new file descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// A program to load.
#[derive(Debug, Clone, Copy)]
pub struct ProgLoad<'a> {
    pub prog_type: ProgramTypeId,
    /// An attach type, or for `struct_ops` the member index.
    pub expected_attach_type: u32,
    pub insns: &'a [Insn],
    pub license: &'a CStr,
    pub prog_flags: u32,
    pub attach_btf_id: u32,
    /// `attach_prog_fd` (for `ext`) or `attach_btf_obj_fd` (a module's BTF).
    pub attach_fd: Option<RawFd>,
    pub prog_btf_fd: Option<RawFd>,
    /// `struct bpf_func_info` records: (insn_off, type_id).
    pub func_info: &'a [[u32; 2]],
    /// `fd_array`: a kfunc call's `off` indexes it for the BTF (a module's) its ID is in.
    pub fd_array: &'a [RawFd],
}

impl<'a> ProgLoad<'a> {
    pub fn new(prog_type: ProgramTypeId, insns: &'a [Insn], license: &'a CStr) -> Self {
        ProgLoad {
            prog_type,
            expected_attach_type: 0,
            insns,
            license,
            prog_flags: 0,
            attach_btf_id: 0,
            attach_fd: None,
            prog_btf_fd: None,
            func_info: &[],
            fd_array: &[],
        }
    }
}

/// Why a load failed: the errno and the verifier log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub errno: i32,
    pub log: String,
}

/// How much of the verifier's log a load asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Log {
    /// No log: the cheapest load, when the errno alone may answer.
    None,
    /// `log_level` `BPF_LOG_STATS` alone: the verifier's messages and its statistics
    /// (`processed N insns`), without the instruction trace. Formatting the trace (every
    /// instruction of the path and the registers after it) is most of the cost of a logged load
    /// of a small program; the messages cost about as much as no log.
    Messages,
    /// `log_level` 1: the trace, then the messages.
    Trace,
}

impl Log {
    /// The next, larger log; `None` after the trace.
    pub fn more(self) -> Option<Log> {
        match self {
            Log::None => Some(Log::Messages),
            Log::Messages => Some(Log::Trace),
            Log::Trace => None,
        }
    }
}

/// `BPF_LOG_STATS`, a `log_level` bit (5.2).
const BPF_LOG_STATS: u32 = 4;

/// Load a program; on a refusal the error carries a level-1 verifier log, written into
/// `log_buf` (reused between calls: the probe makes tens of thousands of loads). The first
/// load asks for no log: a load that succeeds needs no explanation. The program is closed when
/// the returned fd drops.
pub fn prog_load(p: &ProgLoad<'_>, log_buf: &mut Vec<u8>) -> Result<OwnedFd, LoadError> {
    match prog_load_once(p, log_buf, Log::None) {
        Ok(fd) => Ok(fd),
        Err(_) => prog_load_once(p, log_buf, Log::Trace),
    }
}

/// Load a program once, with the log `log` asks for (empty in the error for [`Log::None`]).
pub fn prog_load_once(p: &ProgLoad<'_>, log_buf: &mut Vec<u8>, log: Log) -> Result<OwnedFd, LoadError> {
    let mut attr = ProgLoadAttr {
        prog_type: p.prog_type.get(),
        insn_cnt: p.insns.len() as u32,
        insns: p.insns.as_ptr() as u64,
        license: p.license.as_ptr() as u64,
        prog_flags: p.prog_flags,
        expected_attach_type: p.expected_attach_type,
        attach_btf_id: p.attach_btf_id,
        attach_fd: p.attach_fd.map_or(0, |fd| fd as u32),
        prog_btf_fd: p.prog_btf_fd.map_or(0, |fd| fd as u32),
        ..Default::default()
    };
    if !p.fd_array.is_empty() {
        attr.fd_array = p.fd_array.as_ptr() as u64;
    }
    if !p.func_info.is_empty() {
        attr.func_info_rec_size = 8;
        attr.func_info = p.func_info.as_ptr() as u64;
        attr.func_info_cnt = p.func_info.len() as u32;
    }
    let level = match log {
        Log::None => {
            return bpf(BPF_PROG_LOAD, &mut attr)
                .map_err(|e| LoadError { errno: e.raw_os_error().unwrap_or(0), log: String::new() });
        }
        Log::Messages => BPF_LOG_STATS,
        Log::Trace => 1,
    };
    if log_buf.len() < 4096 {
        log_buf.resize(64 * 1024, 0);
    }
    log_buf[0] = 0;
    attr.log_level = level;
    attr.log_size = log_buf.len() as u32;
    attr.log_buf = log_buf.as_mut_ptr() as u64;
    let mut result = bpf(BPF_PROG_LOAD, &mut attr);
    if let Err(e) = &result {
        // A log that did not fit must not hide the verdict: retry once with a larger buffer.
        if e.raw_os_error() == Some(libc::ENOSPC) && log_buf.len() < 16 << 20 {
            log_buf.resize(16 << 20, 0);
            log_buf[0] = 0;
            attr.log_size = log_buf.len() as u32;
            attr.log_buf = log_buf.as_mut_ptr() as u64;
            result = bpf(BPF_PROG_LOAD, &mut attr);
        }
    }
    result.map_err(|e| LoadError { errno: e.raw_os_error().unwrap_or(0), log: c_string(log_buf) })
}

/// How many instructions the verifier visits before it reaches the program's only call, when
/// the program is one straight path (no jumps, no subprograms): what `processed N insns` must
/// exceed for the call to have been reached. `None` for any other program.
pub fn visits_before_call(insns: &[Insn]) -> Option<usize> {
    const BPF_JMP32: u8 = 0x06;
    let mut visits = 0;
    let mut call = None;
    let mut i = 0;
    while i < insns.len() {
        let code = insns[i].code;
        let class = code & 0x07;
        if class == BPF_JMP || class == BPF_JMP32 {
            let op = code & 0xf0;
            let pseudo_call = (insns[i].regs >> 4) == BPF_PSEUDO_CALL;
            match op {
                BPF_CALL if class == BPF_JMP && !pseudo_call && call.is_none() => call = Some(visits),
                BPF_EXIT if i + 1 == insns.len() => {}
                _ => return None,
            }
        }
        // `ld_imm64` is two slots and one visit.
        i += if code == BPF_LD | BPF_DW | BPF_IMM { 2 } else { 1 };
        visits += 1;
    }
    call
}

/// A map to create.
#[derive(Debug, Clone, Copy, Default)]
pub struct MapCreate {
    /// The kernel number of the map type.
    pub map_type: u32,
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub map_flags: u32,
    pub inner_map_fd: Option<RawFd>,
    pub btf_fd: Option<RawFd>,
    pub btf_key_type_id: u32,
    pub btf_value_type_id: u32,
    pub btf_vmlinux_value_type_id: u32,
    pub map_extra: u64,
}

pub fn map_create(m: &MapCreate) -> io::Result<OwnedFd> {
    let mut attr = MapCreateAttr {
        map_type: m.map_type,
        key_size: m.key_size,
        value_size: m.value_size,
        max_entries: m.max_entries,
        map_flags: m.map_flags,
        inner_map_fd: m.inner_map_fd.map_or(0, |fd| fd as u32),
        btf_fd: m.btf_fd.map_or(0, |fd| fd as u32),
        btf_key_type_id: m.btf_key_type_id,
        btf_value_type_id: m.btf_value_type_id,
        btf_vmlinux_value_type_id: m.btf_vmlinux_value_type_id,
        map_extra: m.map_extra,
        ..Default::default()
    };
    bpf(BPF_MAP_CREATE, &mut attr)
}

/// Load a BTF blob; on failure the error carries the kernel's BTF log.
pub fn btf_load(blob: &[u8]) -> Result<OwnedFd, LoadError> {
    let mut log = vec![0u8; 64 * 1024];
    let mut attr = BtfLoadAttr {
        btf: blob.as_ptr() as u64,
        btf_size: blob.len() as u32,
        btf_log_buf: log.as_mut_ptr() as u64,
        btf_log_size: log.len() as u32,
        btf_log_level: 1,
        ..Default::default()
    };
    bpf(BPF_BTF_LOAD, &mut attr).map_err(|e| LoadError { errno: e.raw_os_error().unwrap_or(0), log: c_string(&log) })
}

/// The NUL-terminated string at the start of a buffer, lossily decoded.
fn c_string(buf: &[u8]) -> String {
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// Capability numbers (linux/capability.h).
pub const CAP_NET_ADMIN: u32 = 12;
pub const CAP_SYS_ADMIN: u32 = 21;
pub const CAP_PERFMON: u32 = 38;
pub const CAP_BPF: u32 = 39;

const LINUX_CAPABILITY_VERSION_3: u32 = 0x2008_0522;

#[repr(C)]
struct CapHeader {
    version: u32,
    pid: i32,
}

#[repr(C)]
#[derive(Default, Clone, Copy)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

/// The calling thread's effective capability set as a bit mask.
pub fn effective_caps() -> io::Result<u64> {
    let (data, _) = capget()?;
    Ok(u64::from(data[0].effective) | (u64::from(data[1].effective) << 32))
}

fn capget() -> io::Result<([CapData; 2], CapHeader)> {
    let mut header = CapHeader { version: LINUX_CAPABILITY_VERSION_3, pid: 0 };
    let mut data = [CapData::default(); 2];
    // SAFETY: header and a two-element data array, as capget(2) wants for version 3.
    let ret = unsafe { libc::syscall(libc::SYS_capget, &mut header as *mut CapHeader, data.as_mut_ptr()) };
    if ret != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok((data, header))
}

/// Remove capabilities from the *calling thread's* effective set.
///
/// Linux keeps credentials per thread and the raw `capset` syscall (unlike glibc's set*id
/// wrappers) changes only the caller, so a dedicated worker thread can probe "without
/// CAP_PERFMON" while the rest of the process keeps its privileges; `bpf()` checks the
/// credentials of the calling thread. The permitted set is left alone.
pub fn drop_effective_caps(caps: &[u32]) -> io::Result<()> {
    let (mut data, mut header) = capget()?;
    for &cap in caps {
        let (word, bit) = ((cap / 32) as usize, cap % 32);
        if let Some(d) = data.get_mut(word) {
            d.effective &= !(1 << bit);
        }
    }
    header.pid = 0;
    // SAFETY: as for capget.
    let ret = unsafe { libc::syscall(libc::SYS_capset, &mut header as *mut CapHeader, data.as_ptr()) };
    if ret != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Names of the capabilities set in a mask that matter to BPF.
pub fn bpf_cap_names(mask: u64) -> Vec<&'static str> {
    [
        (CAP_NET_ADMIN, "CAP_NET_ADMIN"),
        (CAP_SYS_ADMIN, "CAP_SYS_ADMIN"),
        (CAP_PERFMON, "CAP_PERFMON"),
        (CAP_BPF, "CAP_BPF"),
    ]
    .into_iter()
    .filter(|(n, _)| mask & (1u64 << n) != 0)
    .map(|(_, name)| name)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attr_layouts_match_the_uapi() {
        // Offsets from linux/bpf.h; a wrong offset would silently load garbage.
        assert_eq!(std::mem::size_of::<Insn>(), 8);
        assert_eq!(std::mem::offset_of!(ProgLoadAttr, expected_attach_type), 68);
        assert_eq!(std::mem::offset_of!(ProgLoadAttr, attach_btf_id), 108);
        assert_eq!(std::mem::offset_of!(ProgLoadAttr, fd_array), 120);
        assert_eq!(std::mem::offset_of!(ProgLoadAttr, fd_array_cnt), 148);
        assert_eq!(std::mem::offset_of!(MapCreateAttr, btf_fd), 48);
        assert_eq!(std::mem::offset_of!(MapCreateAttr, map_extra), 64);
        assert_eq!(std::mem::offset_of!(MapCreateAttr, map_token_fd), 76);
        assert_eq!(std::mem::offset_of!(BtfLoadAttr, btf_token_fd), 36);
    }

    #[test]
    fn visits_before_the_call() {
        let zeros = (1..=5).map(|r| Insn::mov64_imm(r, 0));
        let helper: Vec<Insn> =
            zeros.chain([Insn::call(HelperId::new(7)), Insn::mov64_imm(R0, 0), Insn::exit()]).collect();
        assert_eq!(visits_before_call(&helper), Some(5));
        // `ld_imm64` is one visit.
        let mut map = vec![Insn::mov64_reg(R6, R1)];
        map.extend(Insn::ld_map_fd(R1, 3));
        map.extend([Insn::call(HelperId::new(1)), Insn::exit()]);
        assert_eq!(visits_before_call(&map), Some(2));
        assert_eq!(visits_before_call(&[Insn::mov64_imm(R0, 0), Insn::exit()]), None);
        // A callback subprogram after the exit: not one straight path.
        let mut callback = vec![];
        callback.extend(Insn::ld_func(R1, 2));
        callback.extend([Insn::call(HelperId::new(181)), Insn::exit(), Insn::mov64_imm(R0, 0), Insn::exit()]);
        assert_eq!(visits_before_call(&callback), None);
        let two_calls = [Insn::call(HelperId::new(7)), Insn::call(HelperId::new(7)), Insn::exit()];
        assert_eq!(visits_before_call(&two_calls), None);
    }

    #[test]
    fn instruction_encoding() {
        assert_eq!(Insn::mov64_imm(R0, 0), Insn { code: 0xb7, regs: 0, off: 0, imm: 0 });
        assert_eq!(Insn::call(HelperId::new(1)), Insn { code: 0x85, regs: 0, off: 0, imm: 1 });
        assert_eq!(Insn::exit(), Insn { code: 0x95, regs: 0, off: 0, imm: 0 });
        assert_eq!(Insn::ld_map_fd(R1, 7)[0], Insn { code: 0x18, regs: 0x11, off: 0, imm: 7 });
        assert_eq!(Insn::stx_dw(R10, R1, -8), Insn { code: 0x7b, regs: 0x1a, off: -8, imm: 0 });
    }
}
