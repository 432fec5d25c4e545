//! Just enough BTF: find named types in the kernel's `/sys/kernel/btf/vmlinux`, read enums and
//! struct members, and build the tiny BTF blob that local-storage maps need.
//!
//! The probe needs type IDs for attach targets (`btf_trace_sched_switch` for `tp_btf`,
//! `bpf_iter_task` for iterators, a function for fentry/LSM, `tcp_congestion_ops` for
//! struct_ops) and the kernel's own enums (`bpf_func_id`, `bpf_prog_type`, ...) for names.
//! Parsing is defensive: a truncated or corrupt blob gives an error, never a panic.

use std::collections::HashMap;

const BTF_MAGIC: u16 = 0xeb9f;

/// BTF kinds (`BTF_KIND_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Int,
    Ptr,
    Array,
    Struct,
    Union,
    Enum,
    Fwd,
    Typedef,
    Volatile,
    Const,
    Restrict,
    Func,
    FuncProto,
    Var,
    Datasec,
    Float,
    DeclTag,
    TypeTag,
    Enum64,
}

impl Kind {
    fn from_raw(k: u32) -> Option<Kind> {
        Some(match k {
            1 => Kind::Int,
            2 => Kind::Ptr,
            3 => Kind::Array,
            4 => Kind::Struct,
            5 => Kind::Union,
            6 => Kind::Enum,
            7 => Kind::Fwd,
            8 => Kind::Typedef,
            9 => Kind::Volatile,
            10 => Kind::Const,
            11 => Kind::Restrict,
            12 => Kind::Func,
            13 => Kind::FuncProto,
            14 => Kind::Var,
            15 => Kind::Datasec,
            16 => Kind::Float,
            17 => Kind::DeclTag,
            18 => Kind::TypeTag,
            19 => Kind::Enum64,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BtfError {
    #[error("BTF is truncated at byte {0}")]
    Truncated(usize),
    #[error("not BTF (bad magic {0:#06x})")]
    BadMagic(u16),
    #[error("unknown BTF kind {kind} for type {id}")]
    UnknownKind { id: u32, kind: u32 },
    #[error("cannot read BTF: {0}")]
    Io(String),
}

#[derive(Debug, Clone)]
struct TypeEntry {
    kind: Kind,
    name_off: u32,
    vlen: u16,
    /// `size` or `type`, depending on the kind.
    size_or_type: u32,
    /// Offset of the kind-specific data that follows `struct btf_type`, in `types`.
    extra: usize,
}

/// A parsed BTF blob. Type IDs start at 1 (0 is `void`).
#[derive(Debug, Clone)]
pub struct Btf {
    types_data: Vec<u8>,
    strings: Vec<u8>,
    types: Vec<TypeEntry>,
    by_name: HashMap<(Kind, String), u32>,
}

fn read_u32(buf: &[u8], at: usize) -> Result<u32, BtfError> {
    let bytes = buf.get(at..at + 4).ok_or(BtfError::Truncated(at))?;
    Ok(u32::from_ne_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

impl Btf {
    /// Read and parse `/sys/kernel/btf/vmlinux`.
    pub fn vmlinux() -> Result<Btf, BtfError> {
        let bytes = std::fs::read("/sys/kernel/btf/vmlinux")
            .map_err(|e| BtfError::Io(format!("/sys/kernel/btf/vmlinux: {e}")))?;
        Btf::parse(&bytes)
    }

    pub fn parse(bytes: &[u8]) -> Result<Btf, BtfError> {
        let magic = bytes.get(0..2).ok_or(BtfError::Truncated(0))?;
        let magic = u16::from_ne_bytes([magic[0], magic[1]]);
        if magic != BTF_MAGIC {
            return Err(BtfError::BadMagic(magic));
        }
        let hdr_len = read_u32(bytes, 4)? as usize;
        let type_off = read_u32(bytes, 8)? as usize;
        let type_len = read_u32(bytes, 12)? as usize;
        let str_off = read_u32(bytes, 16)? as usize;
        let str_len = read_u32(bytes, 20)? as usize;
        let section = |off: usize, len: usize| -> Result<Vec<u8>, BtfError> {
            let start = hdr_len.checked_add(off).ok_or(BtfError::Truncated(usize::MAX))?;
            let end = start.checked_add(len).ok_or(BtfError::Truncated(usize::MAX))?;
            Ok(bytes.get(start..end).ok_or(BtfError::Truncated(end))?.to_vec())
        };
        let types_data = section(type_off, type_len)?;
        let strings = section(str_off, str_len)?;

        let mut types = Vec::new();
        let mut at = 0usize;
        while at < types_data.len() {
            let name_off = read_u32(&types_data, at)?;
            let info = read_u32(&types_data, at + 4)?;
            let size_or_type = read_u32(&types_data, at + 8)?;
            let raw_kind = (info >> 24) & 0x1f;
            let id = types.len() as u32 + 1;
            let kind = Kind::from_raw(raw_kind).ok_or(BtfError::UnknownKind { id, kind: raw_kind })?;
            let vlen = (info & 0xffff) as u16;
            let extra = at + 12;
            let extra_len = match kind {
                Kind::Int | Kind::Var | Kind::DeclTag => 4,
                Kind::Array => 12,
                Kind::Struct | Kind::Union | Kind::Datasec | Kind::Enum64 => 12 * vlen as usize,
                Kind::Enum | Kind::FuncProto => 8 * vlen as usize,
                _ => 0,
            };
            if extra + extra_len > types_data.len() {
                return Err(BtfError::Truncated(extra + extra_len));
            }
            types.push(TypeEntry { kind, name_off, vlen, size_or_type, extra });
            at = extra + extra_len;
        }
        let mut btf = Btf { types_data, strings, types, by_name: HashMap::new() };
        let mut by_name = HashMap::new();
        for (i, t) in btf.types.iter().enumerate() {
            let name = btf.string(t.name_off);
            if !name.is_empty() {
                by_name.entry((t.kind, name.to_owned())).or_insert(i as u32 + 1);
            }
        }
        btf.by_name = by_name;
        Ok(btf)
    }

    fn string(&self, off: u32) -> &str {
        let Some(rest) = self.strings.get(off as usize..) else { return "" };
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        std::str::from_utf8(&rest[..end]).unwrap_or("")
    }

    fn entry(&self, id: u32) -> Option<&TypeEntry> {
        self.types.get((id as usize).checked_sub(1)?)
    }

    /// The ID of the first type of this kind and name.
    pub fn find(&self, kind: Kind, name: &str) -> Option<u32> {
        self.by_name.get(&(kind, name.to_owned())).copied()
    }

    pub fn name(&self, id: u32) -> Option<&str> {
        self.entry(id).map(|t| self.string(t.name_off))
    }

    /// The byte size of a struct, union, int, enum or float.
    pub fn size(&self, id: u32) -> Option<u32> {
        let t = self.entry(id)?;
        matches!(t.kind, Kind::Struct | Kind::Union | Kind::Int | Kind::Enum | Kind::Enum64 | Kind::Float)
            .then_some(t.size_or_type)
    }

    /// The values of a named enum (`bpf_func_id`), in declaration order.
    pub fn enum_values(&self, name: &str) -> Option<Vec<(String, i64)>> {
        let (id, kind) = match self.find(Kind::Enum, name) {
            Some(id) => (id, Kind::Enum),
            None => (self.find(Kind::Enum64, name)?, Kind::Enum64),
        };
        let t = self.entry(id)?;
        let mut out = Vec::with_capacity(t.vlen as usize);
        for i in 0..t.vlen as usize {
            let (name_off, value) = if kind == Kind::Enum {
                let at = t.extra + 8 * i;
                (read_u32(&self.types_data, at).ok()?, i64::from(read_u32(&self.types_data, at + 4).ok()? as i32))
            } else {
                let at = t.extra + 12 * i;
                let lo = read_u32(&self.types_data, at + 4).ok()?;
                let hi = read_u32(&self.types_data, at + 8).ok()?;
                (read_u32(&self.types_data, at).ok()?, ((u64::from(hi) << 32) | u64::from(lo)) as i64)
            };
            out.push((self.string(name_off).to_owned(), value));
        }
        Some(out)
    }

    /// The member names of a struct or union, in order (their index is what struct_ops
    /// programs pass as `expected_attach_type`).
    pub fn members(&self, id: u32) -> Option<Vec<String>> {
        let t = self.entry(id)?;
        if !matches!(t.kind, Kind::Struct | Kind::Union) {
            return None;
        }
        (0..t.vlen as usize)
            .map(|i| read_u32(&self.types_data, t.extra + 12 * i).ok().map(|off| self.string(off).to_owned()))
            .collect()
    }
}

impl Btf {
    /// The member types of a struct or union, in order.
    pub fn member_types(&self, id: u32) -> Option<Vec<u32>> {
        let t = self.entry(id)?;
        if !matches!(t.kind, Kind::Struct | Kind::Union) {
            return None;
        }
        (0..t.vlen as usize).map(|i| read_u32(&self.types_data, t.extra + 12 * i + 4).ok()).collect()
    }

    pub fn kind(&self, id: u32) -> Option<Kind> {
        self.entry(id).map(|t| t.kind)
    }

    /// Follow typedefs and qualifiers to the underlying type.
    pub fn resolve(&self, mut id: u32) -> Option<u32> {
        for _ in 0..32 {
            let t = self.entry(id)?;
            match t.kind {
                Kind::Typedef | Kind::Volatile | Kind::Const | Kind::Restrict | Kind::TypeTag => id = t.size_or_type,
                _ => return Some(id),
            }
        }
        None
    }

    /// Is this type a pointer to a function prototype (a struct_ops callback slot)?
    pub fn is_func_ptr(&self, id: u32) -> bool {
        let Some(ptr) = self.resolve(id) else { return false };
        let Some(t) = self.entry(ptr) else { return false };
        t.kind == Kind::Ptr && self.resolve(t.size_or_type).and_then(|p| self.kind(p)) == Some(Kind::FuncProto)
    }

    /// struct_ops types the kernel defines: every `X` with a `bpf_struct_ops_X` wrapper whose
    /// last member is an `X`. Returns `(name, X's id, the wrapper's id)`, sorted by name.
    pub fn struct_ops_types(&self) -> Vec<(String, u32, u32)> {
        let mut out: Vec<(String, u32, u32)> = self
            .by_name
            .iter()
            .filter(|((kind, _), _)| *kind == Kind::Struct)
            .filter_map(|((_, name), &wrapper)| {
                let inner = name.strip_prefix("bpf_struct_ops_")?;
                let inner_id = self.find(Kind::Struct, inner)?;
                let last = *self.member_types(wrapper)?.last()?;
                (self.resolve(last)? == inner_id).then(|| (inner.to_owned(), inner_id, wrapper))
            })
            .collect();
        out.sort();
        out
    }
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
        blob.extend(BTF_MAGIC.to_ne_bytes());
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
        assert_eq!(btf.members(LocalBtf::VALUE_ID), Some(vec!["a".to_owned(), "b".to_owned()]));
        assert_eq!(btf.find(Kind::Struct, "nothing"), None);
        assert_eq!(btf.find(Kind::Func, "probe_fn"), Some(LocalBtf::FUNC_ID));
        assert_eq!(btf.name(LocalBtf::FUNC_ID), Some("probe_fn"));
        assert_eq!(btf.name(LocalBtf::CALLBACK_ID), Some("probe_cb"));
        assert_eq!(btf.name(LocalBtf::MAIN_ID), Some("probe_main"));
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        let blob = LocalBtf::blob();
        for len in 0..blob.len() {
            // Every truncation either parses (the string section was cut) or fails cleanly.
            let _ = Btf::parse(&blob[..len]);
        }
        assert!(matches!(Btf::parse(b"\0\0\0\0"), Err(BtfError::BadMagic(0))));
        let mut huge = blob.clone();
        huge[12..16].copy_from_slice(&u32::MAX.to_ne_bytes());
        assert!(Btf::parse(&huge).is_err());
        let mut bad_kind = blob;
        bad_kind[24 + 4..24 + 8].copy_from_slice(&(31u32 << 24).to_ne_bytes());
        assert!(matches!(Btf::parse(&bad_kind), Err(BtfError::UnknownKind { id: 1, kind: 31 })));
    }

    #[test]
    fn vmlinux_when_present() {
        let Ok(btf) = Btf::vmlinux() else {
            eprintln!("SKIP: /sys/kernel/btf/vmlinux not readable");
            return;
        };
        let funcs = btf.enum_values("bpf_func_id").expect("vmlinux has enum bpf_func_id");
        assert!(funcs.iter().any(|(n, v)| n == "BPF_FUNC_map_lookup_elem" && *v == 1));
    }
}
