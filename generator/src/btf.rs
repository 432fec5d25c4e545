//! The BTF type section: header, strings and a table of types, read from a borrowed blob.
//!
//! One reader for every consumer: `probe` reads the kernel's `/sys/kernel/btf/vmlinux`, `check`
//! reads an object's `.BTF` (either byte order, the magic tells) and the layout test compares
//! the kernel's structs with the specs. Every read is bounds-checked; a corrupt blob yields an
//! error or fewer facts, never a panic (check's fuzz targets feed this arbitrary bytes).

use std::collections::HashMap;
use std::sync::OnceLock;

pub const MAGIC: u16 = 0xeb9f;

/// Reads integers of one byte order from a byte slice, returning `None` past the end.
#[derive(Debug, Clone, Copy)]
pub struct Bytes<'a> {
    data: &'a [u8],
    big: bool,
}

impl<'a> Bytes<'a> {
    /// Reads a blob in the byte order its BTF magic (`.BTF` or `.BTF.ext`) says; `None`
    /// without the magic.
    pub fn from_magic(data: &'a [u8]) -> Option<Bytes<'a>> {
        let raw: [u8; 2] = data.get(..2)?.try_into().ok()?;
        let big = if u16::from_le_bytes(raw) == MAGIC {
            false
        } else if u16::from_be_bytes(raw) == MAGIC {
            true
        } else {
            return None;
        };
        Some(Bytes { data, big })
    }

    pub fn u32(self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.data.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.big { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) })
    }

    pub fn is_big_endian(self) -> bool {
        self.big
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BtfError {
    #[error("bad BTF magic")]
    Magic,
    #[error("BTF header out of bounds")]
    Header,
    #[error("BTF type {0} is malformed or of unknown kind")]
    Type(u32),
}

/// BTF kinds (`BTF_KIND_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
    pub fn from_raw(k: u32) -> Option<Kind> {
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

    /// Bytes of kind-specific data after the 12-byte `struct btf_type`.
    #[inline]
    fn extra_len(self, vlen: u16) -> Option<usize> {
        let per_entry = |n: usize| usize::from(vlen).checked_mul(n);
        match self {
            Kind::Int | Kind::Var | Kind::DeclTag => Some(4),
            Kind::Array => Some(12),
            Kind::Struct | Kind::Union | Kind::Datasec | Kind::Enum64 => per_entry(12),
            Kind::Enum | Kind::FuncProto => per_entry(8),
            _ => Some(0),
        }
    }

    /// Typedefs and qualifiers: kinds that only name or qualify the type they point to.
    fn is_alias(self) -> bool {
        matches!(self, Kind::Typedef | Kind::Volatile | Kind::Const | Kind::Restrict | Kind::TypeTag)
    }
}

/// One `struct btf_type`.
#[derive(Debug, Clone, Copy)]
pub struct Type {
    pub kind: Kind,
    pub name_off: u32,
    pub vlen: u16,
    pub kflag: bool,
    /// `size` or `type`, depending on the kind.
    pub size_or_type: u32,
    /// Offset of the kind-specific data, in the blob.
    extra: u32,
}

/// A member of a struct or union.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member<'a> {
    /// Empty for anonymous members (and unreadable names).
    pub name: &'a str,
    pub type_id: u32,
    pub bit_offset: u32,
    /// Bit-field width, 0 for ordinary members.
    pub bitfield_size: u32,
}

/// A value of an enum or enum64. 32-bit values are sign-extended, whatever the kflag says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnumValue<'a> {
    pub name: &'a str,
    pub value: i64,
}

/// The kind-specific data of an array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Array {
    pub elem_type: u32,
    pub index_type: u32,
    pub nelems: u32,
}

/// A variable of a `DATASEC` (`struct btf_var_secinfo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VarSecinfo {
    pub type_id: u32,
    pub offset: u32,
    pub size: u32,
}

/// A parameter of a `FUNC_PROTO`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param<'a> {
    /// Empty for unnamed parameters (and unreadable names).
    pub name: &'a str,
    pub type_id: u32,
}

/// A parsed BTF blob. Type IDs start at 1 (0 is `void`).
#[derive(Debug, Clone)]
pub struct Btf<'a> {
    bytes: Bytes<'a>,
    types: Vec<Type>,
    strings: &'a [u8],
    /// (kind, name) → first ID, built on the first [`Btf::find`]: objects seldom need it.
    by_name: OnceLock<HashMap<(Kind, &'a str), u32>>,
}

impl<'a> Btf<'a> {
    pub fn parse(data: &'a [u8]) -> Result<Btf<'a>, BtfError> {
        Btf::parse_into(data, Vec::new())
    }

    /// [`Btf::parse`], filling the memory of `types` (a table [`Btf::into_types`] gave back)
    /// instead of a new one.
    pub fn parse_into(data: &'a [u8], mut types: Vec<Type>) -> Result<Btf<'a>, BtfError> {
        let b = Bytes::from_magic(data).ok_or(BtfError::Magic)?;
        let hdr_len = b.u32(4).ok_or(BtfError::Header)? as usize;
        let field = |n: usize| b.u32(8 + 4 * n).map(|v| v as usize).ok_or(BtfError::Header);
        let (type_off, type_len, str_off, str_len) = (field(0)?, field(1)?, field(2)?, field(3)?);
        let range = |off: usize, len: usize| -> Result<(usize, usize), BtfError> {
            let start = hdr_len.checked_add(off).ok_or(BtfError::Header)?;
            let end = start.checked_add(len).ok_or(BtfError::Header)?;
            if end > data.len() {
                return Err(BtfError::Header);
            }
            Ok((start, end))
        };
        let (t_start, t_end) = range(type_off, type_len)?;
        let (s_start, s_end) = range(str_off, str_len)?;
        let strings = &data[s_start..s_end];
        // Sized for types of 16 bytes on average (a header and one entry): fewer regrowths.
        types.clear();
        types.reserve((t_end - t_start) / 16);
        let mut at = t_start;
        while at < t_end {
            let id = u32::try_from(types.len() + 1).map_err(|_| BtfError::Type(u32::MAX))?;
            let bad = || BtfError::Type(id);
            // The three words of the header, with one bounds check.
            let header = data.get(at..).and_then(<[u8]>::first_chunk::<12>).ok_or_else(bad)?;
            let word = |i: usize| [header[i], header[i + 1], header[i + 2], header[i + 3]];
            // The byte order tested once per type, so that each word is one load.
            let (name_off, info, size_or_type) = if b.big {
                (u32::from_be_bytes(word(0)), u32::from_be_bytes(word(4)), u32::from_be_bytes(word(8)))
            } else {
                (u32::from_le_bytes(word(0)), u32::from_le_bytes(word(4)), u32::from_le_bytes(word(8)))
            };
            let kind = Kind::from_raw((info >> 24) & 0x1f).ok_or_else(bad)?;
            let vlen = (info & 0xffff) as u16;
            let extra = at + 12;
            let next = kind.extra_len(vlen).and_then(|n| extra.checked_add(n)).ok_or_else(bad)?;
            if next > t_end {
                return Err(bad());
            }
            let extra = u32::try_from(extra).map_err(|_| bad())?;
            types.push(Type { kind, name_off, vlen, kflag: info >> 31 == 1, size_or_type, extra });
            at = next;
        }
        Ok(Btf { bytes: b, types, strings, by_name: OnceLock::new() })
    }

    pub fn is_big_endian(&self) -> bool {
        self.bytes.big
    }

    /// The type table's memory, for the next [`Btf::parse_into`].
    pub fn into_types(self) -> Vec<Type> {
        self.types
    }

    /// A string of the string section; `None` out of bounds, unterminated or not UTF-8.
    pub fn string(&self, off: u32) -> Option<&'a str> {
        let rest = self.strings.get(off as usize..)?;
        let end = rest.iter().position(|&c| c == 0)?;
        std::str::from_utf8(&rest[..end]).ok()
    }

    /// Whether the string at `off` is `name`: [`Btf::string`] without the UTF-8 check, for
    /// looking a name up.
    pub fn string_is(&self, off: u32, name: &str) -> bool {
        let rest = self.strings.get(off as usize..).unwrap_or_default();
        rest.strip_prefix(name.as_bytes()).is_some_and(|after| after.first() == Some(&0))
    }

    /// The length of the string section: where a split BTF's (a module's) own strings start.
    pub fn strings_len(&self) -> usize {
        self.strings.len()
    }

    /// The number of types (the highest ID).
    pub fn len(&self) -> usize {
        self.types.len()
    }

    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }

    pub fn get(&self, id: u32) -> Option<&Type> {
        self.types.get((id as usize).checked_sub(1)?)
    }

    /// Every type with its ID, in ID order.
    pub fn types(&self) -> impl Iterator<Item = (u32, &Type)> {
        (1u32..).zip(&self.types)
    }

    pub fn kind(&self, id: u32) -> Option<Kind> {
        self.get(id).map(|t| t.kind)
    }

    /// The name of a type; `None` for anonymous types.
    pub fn name(&self, id: u32) -> Option<&'a str> {
        self.string(self.get(id)?.name_off).filter(|n| !n.is_empty())
    }

    /// The ID of the first type of this kind and name.
    pub fn find(&self, kind: Kind, name: &str) -> Option<u32> {
        let by_name = self.by_name.get_or_init(|| {
            let mut by_name = HashMap::new();
            for (id, t) in self.types() {
                if let Some(name) = self.string(t.name_off).filter(|n| !n.is_empty()) {
                    by_name.entry((t.kind, name)).or_insert(id);
                }
            }
            by_name
        });
        by_name.get(&(kind, name)).copied()
    }

    /// The byte size of a struct, union, int, enum or float.
    pub fn size(&self, id: u32) -> Option<u32> {
        let t = self.get(id)?;
        matches!(t.kind, Kind::Struct | Kind::Union | Kind::Int | Kind::Enum | Kind::Enum64 | Kind::Float)
            .then_some(t.size_or_type)
    }

    /// Follows typedefs and qualifiers to the underlying type; `None` for unknown IDs and
    /// overly long chains.
    pub fn resolve(&self, mut id: u32) -> Option<u32> {
        for _ in 0..32 {
            let t = self.get(id)?;
            if !t.kind.is_alias() {
                return Some(id);
            }
            id = t.size_or_type;
        }
        None
    }

    /// The name of a `FUNC` type (kfunc calls carry one in linked objects).
    pub fn func_name(&self, id: u32) -> Option<&'a str> {
        let t = self.get(id)?;
        if t.kind == Kind::Func {
            self.string(t.name_off)
        } else {
            None
        }
    }

    /// The `vlen` entries of `N` words after a type of one of `kinds`.
    fn entries<const N: usize>(&self, id: u32, kinds: &[Kind]) -> Option<(Type, Entries<'a, N>)> {
        let t = *self.get(id).filter(|t| kinds.contains(&t.kind))?;
        Some((t, Entries { bytes: self.bytes, at: t.extra as usize, left: usize::from(t.vlen) }))
    }

    /// The members of a struct or union, in order.
    pub fn members(&self, id: u32) -> Option<impl Iterator<Item = Member<'a>> + '_> {
        let (t, entries) = self.entries(id, &[Kind::Struct, Kind::Union])?;
        Some(entries.map(move |[name, type_id, offset]| {
            let (bit_offset, bitfield_size) = if t.kflag { (offset & 0xff_ffff, offset >> 24) } else { (offset, 0) };
            Member { name: self.string(name).unwrap_or_default(), type_id, bit_offset, bitfield_size }
        }))
    }

    /// The first member of a struct or union named `name`.
    pub fn member_named(&self, id: u32, name: &str) -> Option<Member<'a>> {
        let (t, mut entries) = self.entries::<3>(id, &[Kind::Struct, Kind::Union])?;
        let [name_off, type_id, offset] = entries.find(|&[off, _, _]| self.string_is(off, name))?;
        let (bit_offset, bitfield_size) = if t.kflag { (offset & 0xff_ffff, offset >> 24) } else { (offset, 0) };
        Some(Member { name: self.string(name_off).unwrap_or_default(), type_id, bit_offset, bitfield_size })
    }

    /// The values of an enum or enum64, in declaration order.
    pub fn enum_values(&self, id: u32) -> Option<Box<dyn Iterator<Item = EnumValue<'a>> + '_>> {
        let name = |off: u32| self.string(off).unwrap_or_default();
        if self.kind(id)? == Kind::Enum {
            let (_, entries) = self.entries(id, &[Kind::Enum])?;
            Some(Box::new(
                entries.map(move |[off, value]| EnumValue { name: name(off), value: i64::from(value as i32) }),
            ))
        } else {
            let (_, entries) = self.entries(id, &[Kind::Enum64])?;
            Some(Box::new(entries.map(move |[off, lo, hi]| EnumValue {
                name: name(off),
                value: ((u64::from(hi) << 32) | u64::from(lo)) as i64,
            })))
        }
    }

    /// The variables of a `DATASEC`, in order.
    pub fn datasec_vars(&self, id: u32) -> Option<impl Iterator<Item = VarSecinfo> + '_> {
        let (_, entries) = self.entries(id, &[Kind::Datasec])?;
        Some(entries.map(|[type_id, offset, size]| VarSecinfo { type_id, offset, size }))
    }

    /// The parameters of a `FUNC_PROTO`, in order (its return type is `size_or_type`).
    pub fn params(&self, id: u32) -> Option<impl Iterator<Item = Param<'a>> + '_> {
        let (_, entries) = self.entries(id, &[Kind::FuncProto])?;
        Some(entries.map(|[name, type_id]| Param { name: self.string(name).unwrap_or_default(), type_id }))
    }

    pub fn array(&self, id: u32) -> Option<Array> {
        let t = self.get(id).filter(|t| t.kind == Kind::Array)?;
        let mut entries = Entries::<3> { bytes: self.bytes, at: t.extra as usize, left: 1 };
        let [elem_type, index_type, nelems] = entries.next()?;
        Some(Array { elem_type, index_type, nelems })
    }
}

/// Reads `left` entries of `N` words from `at` on; stops early at the end of the data.
struct Entries<'a, const N: usize> {
    bytes: Bytes<'a>,
    at: usize,
    left: usize,
}

impl<const N: usize> Iterator for Entries<'_, N> {
    type Item = [u32; N];

    fn next(&mut self) -> Option<[u32; N]> {
        self.left = self.left.checked_sub(1)?;
        let mut out = [0; N];
        for (j, w) in out.iter_mut().enumerate() {
            let Some(word) = self.at.checked_add(4 * j).and_then(|at| self.bytes.u32(at)) else {
                self.left = 0;
                return None;
            };
            *w = word;
        }
        self.at += 4 * N;
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `[1] int`, `[2] struct s { int a; int b:3 (bit 35); }` with kflag, `[3] enum e { X = -1 }`,
    /// `[4] enum64 f { Y = 1 << 40 }`, `[5] typedef t = const s`, `[6] const s`,
    /// `[7] int (*)(int x)` proto, `[8] int[4]`.
    fn blob(big: bool) -> Vec<u8> {
        let strings = b"\0int\0s\0a\0b\0e\0X\0f\0Y\0t\0x\0";
        let put = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&if big { x.to_be_bytes() } else { x.to_le_bytes() });
        let mut t = Vec::new();
        let words: &[&[u32]] = &[
            &[1, 1 << 24, 4, 32],
            &[5, (1 << 31) | (4 << 24) | 2, 8, 7, 1, 0, 9, 1, (3 << 24) | 35],
            &[11, (6 << 24) | 1, 4, 13, u32::MAX],
            &[15, (19 << 24) | 1, 8, 17, 0, 1 << 8],
            &[19, 8 << 24, 6],
            &[0, 10 << 24, 2],
            &[0, (13 << 24) | 1, 1, 21, 1],
            &[0, 3 << 24, 0, 1, 1, 4],
        ];
        for x in words.iter().flat_map(|w| w.iter()) {
            put(&mut t, *x);
        }
        let mut v = Vec::new();
        v.extend_from_slice(&if big { MAGIC.to_be_bytes() } else { MAGIC.to_le_bytes() });
        v.extend_from_slice(&[1, 0]);
        for x in [24, 0, t.len() as u32, t.len() as u32, strings.len() as u32] {
            put(&mut v, x);
        }
        v.extend_from_slice(&t);
        v.extend_from_slice(strings);
        v
    }

    #[test]
    fn reads_types_in_both_byte_orders() {
        for big in [false, true] {
            let data = blob(big);
            let btf = Btf::parse(&data).expect("the test blob parses");
            assert_eq!(btf.is_big_endian(), big);
            assert_eq!(btf.len(), 8);
            assert_eq!(btf.find(Kind::Struct, "s"), Some(2));
            assert_eq!(btf.find(Kind::Union, "s"), None);
            assert_eq!(btf.name(2), Some("s"));
            assert_eq!(btf.name(6), None);
            assert_eq!(btf.size(2), Some(8));
            let members: Vec<_> = btf.members(2).expect("a struct").collect();
            assert_eq!(
                members,
                [
                    Member { name: "a", type_id: 1, bit_offset: 0, bitfield_size: 0 },
                    Member { name: "b", type_id: 1, bit_offset: 35, bitfield_size: 3 },
                ]
            );
            let values = |id| btf.enum_values(id).expect("an enum").map(|v| (v.name, v.value)).collect::<Vec<_>>();
            assert_eq!(values(3), [("X", -1)]);
            assert_eq!(values(4), [("Y", 1 << 40)]);
            assert_eq!(btf.resolve(5), Some(2));
            assert_eq!(btf.params(7).expect("a proto").collect::<Vec<_>>(), [Param { name: "x", type_id: 1 }]);
            assert_eq!(btf.array(8), Some(Array { elem_type: 1, index_type: 1, nelems: 4 }));
            assert!(btf.members(1).is_none() && btf.enum_values(1).is_none() && btf.array(1).is_none());
            for m in &members {
                assert_eq!(btf.member_named(2, m.name).as_ref(), Some(m));
            }
            assert!(btf.member_named(2, "no such member").is_none() && btf.member_named(1, "a").is_none());
        }
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        let data = blob(false);
        for len in 0..data.len() {
            // Every truncation either parses (only strings were cut) or fails cleanly.
            if let Ok(btf) = Btf::parse(&data[..len]) {
                for id in 0..=btf.len() as u32 + 1 {
                    let _ = (btf.name(id), btf.resolve(id), btf.array(id), btf.find(Kind::Struct, "s"));
                    let _ = btf.members(id).map(Iterator::count);
                    let _ = btf.enum_values(id).map(Iterator::count);
                }
            }
        }
        assert_eq!(Btf::parse(b"\0\0\0\0").err(), Some(BtfError::Magic));
        let mut huge = data.clone();
        huge[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(Btf::parse(&huge).err(), Some(BtfError::Header));
        let mut bad_kind = data;
        bad_kind[24 + 4..24 + 8].copy_from_slice(&(31u32 << 24).to_le_bytes());
        assert_eq!(Btf::parse(&bad_kind).err(), Some(BtfError::Type(1)));
    }

    #[test]
    fn a_typedef_cycle_does_not_hang() {
        let mut data = blob(false);
        // Point `[6] const` back at `[5] typedef`.
        let at = 24 + 16 + 36 + 20 + 24 + 12 + 8;
        data[at..at + 4].copy_from_slice(&5u32.to_le_bytes());
        let btf = Btf::parse(&data).expect("still parses");
        assert_eq!(btf.resolve(5), None);
    }
}
