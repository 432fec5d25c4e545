//! The probe's BTF: the kernel's `/sys/kernel/btf/vmlinux` (read with [`crate::btf`]), the
//! struct_ops types it defines, and the tiny BTF blob that local-storage maps need.
//!
//! The probe needs type IDs for attach targets (`btf_trace_sched_switch` for `tp_btf`,
//! `bpf_iter_task` for iterators, a function for fentry/LSM, `tcp_congestion_ops` for
//! struct_ops) and the kernel's own enums (`bpf_func_id`, `bpf_prog_type`, ...) for names.

use crate::btf::{Btf, Kind, MAGIC};

/// The bytes of `/sys/kernel/btf/vmlinux`, to parse with [`Btf::parse`].
pub fn read_vmlinux() -> std::io::Result<Vec<u8>> {
    std::fs::read("/sys/kernel/btf/vmlinux")
}

/// The values of a named enum or enum64 (`bpf_func_id`), in declaration order.
pub fn enum_values(btf: &Btf<'_>, name: &str) -> Option<Vec<(String, i64)>> {
    let id = btf.find(Kind::Enum, name).or_else(|| btf.find(Kind::Enum64, name))?;
    Some(btf.enum_values(id)?.map(|v| (v.name.to_owned(), v.value)).collect())
}

/// Is this type a pointer to a function prototype (a struct_ops callback slot)?
pub fn is_func_ptr(btf: &Btf<'_>, id: u32) -> bool {
    let Some(t) = btf.resolve(id).and_then(|ptr| btf.get(ptr)) else { return false };
    t.kind == Kind::Ptr && btf.resolve(t.size_or_type).and_then(|p| btf.kind(p)) == Some(Kind::FuncProto)
}

/// The struct_ops type `inner` (`tcp_congestion_ops`): its ID and that of its
/// `bpf_struct_ops_` wrapper, when the kernel defines both and the wrapper's last member is it.
pub fn struct_ops_type(btf: &Btf<'_>, inner: &str) -> Option<(u32, u32)> {
    let wrapper = btf.find(Kind::Struct, &format!("bpf_struct_ops_{inner}"))?;
    let inner_id = btf.find(Kind::Struct, inner)?;
    let last = btf.members(wrapper)?.last()?.type_id;
    (btf.resolve(last)? == inner_id).then_some((inner_id, wrapper))
}

/// struct_ops types the kernel defines: every `X` with a `bpf_struct_ops_X` wrapper whose last
/// member is an `X`. Returns `(name, X's id, the wrapper's id)`, sorted by name.
pub fn struct_ops_types(btf: &Btf<'_>) -> Vec<(String, u32, u32)> {
    let mut out: Vec<(String, u32, u32)> = btf
        .types()
        .filter(|(_, t)| t.kind == Kind::Struct)
        .filter_map(|(id, _)| {
            let inner = btf.name(id)?.strip_prefix("bpf_struct_ops_")?;
            let (inner_id, wrapper) = struct_ops_type(btf, inner)?;
            // A name may repeat; the first struct of it is the one `find` knows.
            (wrapper == id).then(|| (inner.to_owned(), inner_id, wrapper))
        })
        .collect();
    out.sort();
    out
}

/// A hand-built BTF blob for what the probe loads itself:
///
/// - `[1] int` and `[2] struct probe_value { int a; int b; }`: local-storage maps (sk, inode,
///   task, cgroup) require BTF for their key and value;
/// - `[6] int probe_fn(struct __sk_buff *ctx)`, a global function: the BTF of a program that an
///   `ext` (freplace) program can target, and of the freplace program itself;
/// - `[9] static int probe_main(void)` and `[8] static int probe_cb(void)`: callbacks (of
///   `bpf_for_each_map_elem`, `bpf_user_ringbuf_drain`) need BTF func info for every function.
pub struct LocalBtf;

impl LocalBtf {
    pub const INT_ID: u32 = 1;
    pub const VALUE_ID: u32 = 2;
    pub const VALUE_SIZE: u32 = 8;
    pub const FUNC_ID: u32 = 6;
    pub const CALLBACK_ID: u32 = 8;
    pub const MAIN_ID: u32 = 9;

    pub fn blob() -> Vec<u8> {
        let strings: &[u8] = b"\0int\0probe_value\0a\0b\0__sk_buff\0ctx\0probe_fn\0probe_cb\0probe_main\0";
        let (int_name, value_name, a_name, b_name) = (1u32, 5u32, 17u32, 19u32);
        let (skb_name, ctx_name, fn_name, cb_name, main_name) = (21u32, 31u32, 35u32, 44u32, 53u32);
        let mut types: Vec<u32> = Vec::new();
        // [1] INT 'int' size=4 bits_offset=0 nr_bits=32 encoding=SIGNED
        types.extend([int_name, 1 << 24, 4, (1 << 24) | 32]);
        // [2] STRUCT 'probe_value' size=8 vlen=2
        types.extend([value_name, (4 << 24) | 2, 8]);
        types.extend([a_name, LocalBtf::INT_ID, 0]);
        types.extend([b_name, LocalBtf::INT_ID, 32]);
        // [3] PTR -> [4]
        types.extend([0, 2 << 24, 4]);
        // [4] STRUCT '__sk_buff' size=0 vlen=0
        types.extend([skb_name, 4 << 24, 0]);
        // [5] FUNC_PROTO int (ctx: [3])
        types.extend([0, (13 << 24) | 1, LocalBtf::INT_ID]);
        types.extend([ctx_name, 3]);
        // [6] FUNC 'probe_fn' linkage=global -> [5]
        types.extend([fn_name, (12 << 24) | 1, 5]);
        // [7] FUNC_PROTO int (void)
        types.extend([0, 13 << 24, LocalBtf::INT_ID]);
        // [8] FUNC 'probe_cb' linkage=static -> [7]
        types.extend([cb_name, 12 << 24, 7]);
        // [9] FUNC 'probe_main' linkage=static -> [7]
        types.extend([main_name, 12 << 24, 7]);
        let type_bytes: Vec<u8> = types.iter().flat_map(|w| w.to_ne_bytes()).collect();

        let mut blob = Vec::new();
        blob.extend(MAGIC.to_ne_bytes());
        blob.push(1); // version
        blob.push(0); // flags
        let hdr_len = 24u32;
        blob.extend(hdr_len.to_ne_bytes());
        blob.extend(0u32.to_ne_bytes()); // type_off
        blob.extend((type_bytes.len() as u32).to_ne_bytes());
        blob.extend((type_bytes.len() as u32).to_ne_bytes()); // str_off
        blob.extend((strings.len() as u32).to_ne_bytes());
        blob.extend(type_bytes);
        blob.extend_from_slice(strings);
        blob
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_blob_round_trips() {
        let blob = LocalBtf::blob();
        let btf = Btf::parse(&blob).expect("our own blob parses");
        assert_eq!(btf.find(Kind::Int, "int"), Some(LocalBtf::INT_ID));
        assert_eq!(btf.find(Kind::Struct, "probe_value"), Some(LocalBtf::VALUE_ID));
        assert_eq!(btf.size(LocalBtf::VALUE_ID), Some(LocalBtf::VALUE_SIZE));
        let members: Vec<_> = btf.members(LocalBtf::VALUE_ID).expect("a struct").map(|m| m.name).collect();
        assert_eq!(members, ["a", "b"]);
        assert_eq!(btf.find(Kind::Struct, "nothing"), None);
        assert_eq!(btf.find(Kind::Func, "probe_fn"), Some(LocalBtf::FUNC_ID));
        assert_eq!(btf.name(LocalBtf::FUNC_ID), Some("probe_fn"));
        assert_eq!(btf.name(LocalBtf::CALLBACK_ID), Some("probe_cb"));
        assert_eq!(btf.name(LocalBtf::MAIN_ID), Some("probe_main"));
        let params: Vec<_> = btf.params(5).expect("a proto").map(|p| p.name).collect();
        assert_eq!(params, ["ctx"]);
        assert!(!is_func_ptr(&btf, 3) && struct_ops_types(&btf).is_empty());
    }

    #[test]
    fn vmlinux_when_present() {
        let Ok(bytes) = read_vmlinux() else {
            eprintln!("SKIP: /sys/kernel/btf/vmlinux not readable");
            return;
        };
        let btf = Btf::parse(&bytes).expect("the kernel's BTF parses");
        let funcs = enum_values(&btf, "bpf_func_id").expect("vmlinux has enum bpf_func_id");
        assert!(funcs.iter().any(|(n, v)| n == "BPF_FUNC_map_lookup_elem" && *v == 1));
        let ops = struct_ops_types(&btf);
        let (_, tcp, _) = ops.iter().find(|(n, ..)| n == "tcp_congestion_ops").expect("tcp_congestion_ops");
        assert!(btf.members(*tcp).expect("a struct").any(|m| is_func_ptr(&btf, m.type_id)));
        assert_eq!(struct_ops_type(&btf, "tcp_congestion_ops").map(|(id, _)| id), Some(*tcp));
    }
}
