//! What to load: the targets of each program type, the parameters of each map type, and the
//! argument shapes that let a map-taking helper reach the verifier's map checks.
//!
//! These are facts about how to *construct* a valid load (a cgroup_sock_addr program needs an
//! expected attach type, a tp_btf program a `btf_trace_*` typedef, an sk_storage map BTF), not
//! facts the probe reports: the verdicts all come from the kernel. Kernel enum values are stable
//! ABI, so they are written as numbers here; names come from the kernel's BTF or the specs.

use crate::model::{AttachTypeId, HelperId, MapTypeId, Model, ProgramTypeId};

use crate::btf::{Btf, Kind};

/// The highest program type ID tried; IDs the kernel does not know fail with EINVAL.
pub const MAX_PROG_TYPE: u32 = 40;
/// The highest map type ID tried.
pub const MAX_MAP_TYPE: u32 = 40;
/// The highest attach type ID reported on (6.18 has 0..=57; 7.x adds a few).
pub const MAX_ATTACH_TYPE: u32 = 72;
/// The highest helper ID tried: 211 is the last helper (6.2), a few more notice new ones.
pub const MAX_HELPER_ID: u32 = 220;

/// `BPF_PROG_TYPE_TRACING`.
pub const TRACING: ProgramTypeId = ProgramTypeId::new(26);
/// `BPF_PROG_TYPE_STRUCT_OPS`.
pub const STRUCT_OPS: ProgramTypeId = ProgramTypeId::new(27);
/// `BPF_PROG_TYPE_EXT`.
pub const EXT: ProgramTypeId = ProgramTypeId::new(28);

/// How a target finds its BTF attach point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BtfAttach {
    /// A `btf_trace_<tracepoint>` typedef (tp_btf).
    Typedef(&'static str),
    /// A kernel function (fentry, fexit, fmod_ret, lsm, iter).
    Func(&'static str),
}

/// Attach types and BTF targets of one program type, as the kernel wants them at load time.
/// `None` is "no expected attach type" (0 in the attribute).
pub fn kernel_targets(prog_type: ProgramTypeId) -> Vec<(Option<AttachTypeId>, Option<BtfAttach>)> {
    kernel_target_table(prog_type.get()).into_iter().map(|(a, btf)| (a.map(AttachTypeId::new), btf)).collect()
}

/// [`kernel_targets`] in kernel numbers.
fn kernel_target_table(prog_type: u32) -> Vec<(Option<u32>, Option<BtfAttach>)> {
    use BtfAttach::*;
    let plain = |ats: &[u32]| ats.iter().map(|&a| (Some(a), None)).collect::<Vec<_>>();
    match prog_type {
        // kprobe: plain kprobes/uprobes, kprobe_multi, uprobe_multi, kprobe/uprobe session
        2 => {
            let mut v = vec![(None, None)];
            v.extend(plain(&[42, 48, 56, 57]));
            v
        }
        // sched_cls: classic tc, tcx ingress/egress, netkit primary/peer
        3 => {
            let mut v = vec![(None, None)];
            v.extend(plain(&[46, 47, 54, 55]));
            v
        }
        // xdp: generic/native, devmap and cpumap programs
        6 => {
            let mut v = vec![(None, None)];
            v.extend(plain(&[37, 33, 35]));
            v
        }
        // perf_event
        7 => vec![(None, None), (Some(41), None)],
        // cgroup_skb: ingress, egress
        8 => plain(&[0, 1]),
        // cgroup_sock: create, release, post_bind4/6
        9 => plain(&[2, 34, 12, 13]),
        // sock_ops
        13 => plain(&[3]),
        // sk_skb: stream parser, stream verdict, skb verdict
        14 => plain(&[4, 5, 38]),
        // cgroup_device
        15 => plain(&[6]),
        // sk_msg
        16 => plain(&[7]),
        // cgroup_sock_addr: every bind/connect/sendmsg/recvmsg/getpeername/getsockname hook
        18 => plain(&[8, 9, 10, 11, 14, 15, 19, 20, 29, 30, 31, 32, 49, 50, 51, 52, 53]),
        // lirc_mode2
        20 => plain(&[16]),
        // sk_reuseport: select, select_or_migrate
        21 => plain(&[39, 40]),
        // flow_dissector
        22 => plain(&[17]),
        // cgroup_sysctl
        23 => plain(&[18]),
        // cgroup_sockopt: getsockopt, setsockopt
        25 => plain(&[21, 22]),
        // tracing: tp_btf, fentry, fexit, fmod_ret, iter
        26 => vec![
            (Some(23), Some(Typedef("btf_trace_sched_switch"))),
            (Some(24), Some(Func("bpf_fentry_test1"))),
            (Some(25), Some(Func("bpf_fentry_test1"))),
            (Some(26), Some(Func("bpf_modify_return_test"))),
            (Some(28), Some(Func("bpf_iter_task"))),
            // The tcp iterator lends bpf_setsockopt/bpf_getsockopt to its programs.
            (Some(28), Some(Func("bpf_iter_tcp"))),
        ],
        // lsm: lsm_mac, lsm_cgroup
        29 => vec![(Some(27), Some(Func("bpf_lsm_file_open"))), (Some(43), Some(Func("bpf_lsm_socket_post_create")))],
        // sk_lookup
        30 => plain(&[36]),
        // netfilter
        32 => plain(&[45]),
        // struct_ops and ext are expanded from BTF and a target program; see run.rs.
        _ => vec![(None, None)],
    }
}

/// Attach types the specs list for a program type that the kernel table above lacks (so a new
/// spec'd attach type is probed without touching this file). Only for program types that need
/// no BTF target.
pub fn extra_spec_targets(model: &Model, prog_type: ProgramTypeId) -> Vec<AttachTypeId> {
    // tracing, struct_ops, ext, lsm: their targets need BTF.
    if matches!(prog_type.get(), 26..=29) {
        return Vec::new();
    }
    let known: Vec<Option<AttachTypeId>> = kernel_targets(prog_type).into_iter().map(|(a, _)| a).collect();
    model
        .program_type(prog_type)
        .map(|p| p.attach_types.iter().copied().filter(|a| !known.contains(&Some(*a))).collect())
        .unwrap_or_default()
}

/// Resolve a BTF attach point to a type ID in vmlinux.
pub fn resolve_btf(btf: &Btf<'_>, attach: &BtfAttach) -> Option<u32> {
    match attach {
        BtfAttach::Typedef(name) => btf.find(Kind::Typedef, name),
        BtfAttach::Func(name) => btf.find(Kind::Func, name),
    }
}

/// How to fill one argument register before a helper call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgShape {
    /// The program's context (saved from r1 at entry).
    Ctx,
    /// The map under test.
    Map,
    /// A pointer to an initialised stack buffer (keys, values, memory to read or write).
    Stack,
    /// A pointer to an uninitialised 16-byte stack slot for a `bpf_dynptr`.
    Dynptr,
    /// A constant size.
    Size(i32),
    /// A pointer to a callback subprogram.
    Callback,
    /// Scalar zero: flags, indexes, nullable pointers.
    Zero,
}

impl ArgShape {
    /// The shape for a verifier argument class (`ARG_PTR_TO_MAP_KEY`, ...).
    pub fn from_class(base: &str) -> ArgShape {
        match base {
            "ARG_PTR_TO_CTX" => ArgShape::Ctx,
            "ARG_CONST_MAP_PTR" => ArgShape::Map,
            "ARG_PTR_TO_MAP_KEY"
            | "ARG_PTR_TO_MAP_VALUE"
            | "ARG_PTR_TO_UNINIT_MAP_VALUE"
            | "ARG_PTR_TO_MEM"
            | "ARG_PTR_TO_UNINIT_MEM"
            | "ARG_PTR_TO_STACK"
            | "ARG_PTR_TO_LONG"
            | "ARG_PTR_TO_INT"
            | "ARG_PTR_TO_FIXED_SIZE_MEM" => ArgShape::Stack,
            "ARG_PTR_TO_DYNPTR" => ArgShape::Dynptr,
            "ARG_CONST_SIZE" | "ARG_CONST_SIZE_OR_ZERO" | "ARG_CONST_ALLOC_SIZE_OR_ZERO" => ArgShape::Size(8),
            "ARG_PTR_TO_FUNC" => ArgShape::Callback,
            _ => ArgShape::Zero,
        }
    }
}

/// Argument shapes of the map-taking helpers (those with an `ARG_CONST_MAP_PTR`), used when the
/// specs do not describe a helper's arguments yet. From the kernel's `bpf_func_proto`s.
pub fn builtin_map_helper_args(id: HelperId) -> Option<&'static [ArgShape]> {
    use ArgShape::*;
    Some(match id.get() {
        1 | 3 | 88 | 89 => &[Map, Stack], // map_lookup_elem, map_delete_elem, map_pop/peek_elem
        2 => &[Map, Stack, Stack, Zero],  // map_update_elem
        12 => &[Ctx, Map, Zero],          // tail_call
        22 | 37 | 81 | 134 => &[Map, Zero], // perf_event_read, current_task_under_cgroup, get_local_storage, ringbuf_query
        25 | 111 | 121 => &[Ctx, Map, Zero, Stack, Size(8)], // perf_event_output, skb_output, xdp_output
        27 | 33 => &[Ctx, Map, Zero],       // get_stackid, skb_under_cgroup
        51 => &[Map, Zero, Zero],           // redirect_map
        52 | 60 => &[Ctx, Map, Zero, Zero], // sk_redirect_map, msg_redirect_map
        53 | 70 | 71 | 72 | 82 => &[Ctx, Map, Stack, Zero], // sock_map/hash_update, *_redirect_hash, sk_select_reuseport
        55 => &[Map, Zero, Stack, Size(24)],                // perf_event_read_value
        87 => &[Map, Stack, Zero],                          // map_push_elem
        107 | 145 | 156 | 210 => &[Map, Zero, Zero, Zero],  // *_storage_get
        108 | 146 | 157 | 211 => &[Map, Zero],              // *_storage_delete
        130 => &[Map, Stack, Size(8), Zero],                // ringbuf_output
        131 => &[Map, Size(8), Zero],                       // ringbuf_reserve
        164 | 209 => &[Map, Callback, Zero, Zero],          // for_each_map_elem, user_ringbuf_drain
        169 => &[Zero, Map, Zero],                          // timer_init
        195 => &[Map, Stack, Zero],                         // map_lookup_percpu_elem
        198 => &[Map, Size(8), Zero, Dynptr],               // ringbuf_reserve_dynptr
        _ => return None,
    })
}

/// The argument shapes for a map-taking helper: from the specs when they describe its
/// arguments, else from the built-in table. `None` when the helper takes no map.
pub fn map_helper_args(model: &Model, id: HelperId) -> Option<Vec<ArgShape>> {
    if let Some(h) = model.helper(id) {
        if h.map_arg().is_some() {
            return Some(h.args.iter().map(|a| ArgShape::from_class(&a.class.base)).collect());
        }
        if !h.args.is_empty() {
            return None;
        }
    }
    builtin_map_helper_args(id).map(<[ArgShape]>::to_vec)
}

/// IDs of every helper that takes a map, according to the specs and the built-in table.
pub fn map_helpers(model: &Model) -> Vec<HelperId> {
    let mut ids: Vec<HelperId> =
        (1..=MAX_HELPER_ID).map(HelperId::new).filter(|&id| map_helper_args(model, id).is_some()).collect();
    ids.dedup();
    ids
}

/// Map parameters that the kernel accepts for each map type. BTF-dependent fields are filled in
/// by the caller (`needs_btf`, `needs_inner_map`, `struct_ops`).
#[derive(Debug, Clone, Copy, Default)]
pub struct MapParams {
    pub key_size: u32,
    pub value_size: u32,
    pub max_entries: u32,
    pub map_flags: u32,
    pub map_extra: u64,
    /// Local storage: key `int`, value `struct probe_value`, from our BTF.
    pub needs_btf: bool,
    /// Map of maps: an inner array map.
    pub needs_inner_map: bool,
    /// struct_ops: a vmlinux `bpf_struct_ops_*` value type.
    pub struct_ops: bool,
}

/// Other parameters to try when a map type refuses [`map_params`]: map types newer than this
/// table (7.x's `BPF_MAP_TYPE_INSN_ARRAY` wants 16-byte values, `BPF_MAP_TYPE_RHASH`
/// `BPF_F_NO_PREALLOC`) still get created, and their existence is measured, not assumed.
pub fn map_params_fallbacks(map_type: MapTypeId) -> Vec<MapParams> {
    use super::sys::BPF_F_NO_PREALLOC;
    let base = map_params(map_type);
    if base.needs_btf || base.needs_inner_map || base.struct_ops {
        return Vec::new();
    }
    let kv =
        |k, v, flags| MapParams { key_size: k, value_size: v, max_entries: 1, map_flags: flags, ..Default::default() };
    vec![
        kv(4, 8, BPF_F_NO_PREALLOC),
        kv(4, 16, 0),
        kv(4, 16, BPF_F_NO_PREALLOC),
        kv(4, 4, 0),
        kv(8, 8, BPF_F_NO_PREALLOC),
    ]
}

pub fn map_params(map_type: MapTypeId) -> MapParams {
    use super::sys::{BPF_F_MMAPABLE, BPF_F_NO_PREALLOC};
    let kv = |k, v| MapParams { key_size: k, value_size: v, max_entries: 1, ..Default::default() };
    match map_type.get() {
        3 | 4 | 8 | 14 | 15 | 16 | 17 | 18 | 25 => kv(4, 4), // prog/perf/cgroup array, dev/sock/cpu/xsk maps
        7 => kv(4, 8),                                       // stack_trace: value is u64 ips
        11 => MapParams { map_flags: BPF_F_NO_PREALLOC, ..kv(8, 8) }, // lpm_trie: prefixlen + 4 bytes
        12 | 13 => MapParams { needs_inner_map: true, ..kv(4, 4) },
        19 | 21 => MapParams { max_entries: 0, ..kv(8, 8) }, // cgroup storage: u64 cgroup id key
        20 => kv(4, 8),                                      // reuseport_sockarray: u64 socket cookie value
        22 | 23 => kv(0, 8),                                 // queue, stack
        24 | 28 | 29 | 32 => MapParams {
            map_flags: BPF_F_NO_PREALLOC,
            max_entries: 0,
            needs_btf: true,
            ..kv(4, super::btf::LocalBtf::VALUE_SIZE)
        },
        26 => MapParams { struct_ops: true, ..kv(4, 0) },
        27 | 31 => MapParams { max_entries: 4096, ..kv(0, 0) }, // ringbuf, user_ringbuf: one page
        30 => kv(0, 8),                                         // bloom_filter
        // arena: one page, at a fixed user address so that no mmap() is needed
        33 => MapParams { map_flags: BPF_F_MMAPABLE, map_extra: 1 << 32, ..kv(0, 0) },
        _ => kv(4, 8),
    }
}

/// Program types, in the order the map-compatibility probe prefers them as callers: types
/// whose context and map rules are least restrictive first.
/// Kernel numbers, like the tables above.
pub const CALLER_PREFERENCE: &[u32] =
    &[3, 6, 1, 26, 2, 5, 17, 14, 16, 13, 8, 21, 9, 18, 4, 7, 25, 23, 15, 22, 30, 32, 31, 27];
