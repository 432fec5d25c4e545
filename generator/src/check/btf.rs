//! Just enough of an object's `.BTF` and `.BTF.ext` sections: the map type of each BTF-defined
//! map, function names, and line info (source file, line, column and text per instruction).
//!
//! Either byte order (the magic tells). Every read is bounds-checked; a corrupt blob yields an
//! error or fewer facts, never a panic.

use std::collections::HashMap;

const MAGIC: u16 = 0xeb9f;

/// Reads integers of one byte order from a byte slice, returning `None` past the end.
#[derive(Debug, Clone, Copy)]
struct Bytes<'a> {
    data: &'a [u8],
    big: bool,
}

impl<'a> Bytes<'a> {
    fn u32(self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.data.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.big { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) })
    }
}

/// The byte order of a BTF or BTF.ext blob, from its magic.
fn byte_order(data: &[u8]) -> Option<bool> {
    let raw: [u8; 2] = data.get(..2)?.try_into().ok()?;
    if u16::from_le_bytes(raw) == MAGIC {
        Some(false)
    } else if u16::from_be_bytes(raw) == MAGIC {
        Some(true)
    } else {
        None
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

const KIND_PTR: u8 = 2;
const KIND_ARRAY: u8 = 3;
const KIND_STRUCT: u8 = 4;
const KIND_UNION: u8 = 5;
const KIND_TYPEDEF: u8 = 8;
const KIND_VOLATILE: u8 = 9;
const KIND_CONST: u8 = 10;
const KIND_RESTRICT: u8 = 11;
const KIND_FUNC: u8 = 12;
const KIND_VAR: u8 = 14;
const KIND_DATASEC: u8 = 15;
const KIND_TYPE_TAG: u8 = 18;

#[derive(Debug, Clone, Copy)]
struct TypeEntry {
    kind: u8,
    vlen: u16,
    name_off: u32,
    /// `size` or `type`, depending on the kind.
    size_or_type: u32,
    /// Offset of the kind-specific data after the 12-byte common header, in `types`.
    extra: usize,
}

/// A parsed `.BTF` section.
#[derive(Debug, Clone)]
pub struct Btf<'a> {
    bytes: Bytes<'a>,
    types: Vec<TypeEntry>,
    strings: &'a [u8],
}

impl<'a> Btf<'a> {
    pub fn parse(data: &'a [u8]) -> Result<Btf<'a>, BtfError> {
        let big = byte_order(data).ok_or(BtfError::Magic)?;
        let b = Bytes { data, big };
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
        let mut types = Vec::new();
        let mut at = t_start;
        while at < t_end {
            let id = u32::try_from(types.len() + 1).map_err(|_| BtfError::Type(u32::MAX))?;
            let bad = || BtfError::Type(id);
            let name_off = b.u32(at).ok_or_else(bad)?;
            let info = b.u32(at + 4).ok_or_else(bad)?;
            let size_or_type = b.u32(at + 8).ok_or_else(bad)?;
            let kind = ((info >> 24) & 0x1f) as u8;
            let vlen = (info & 0xffff) as u16;
            let extra = at + 12;
            let per_member = |n: usize| usize::from(vlen) * n;
            let extra_len = match kind {
                1 => 4,                                      // int
                2 | 7 | 8 | 9 | 10 | 11 | 12 | 16 | 18 => 0, // ptr fwd typedef volatile const restrict func float type_tag
                3 => 12,                                     // array
                4 | 5 => per_member(12),                     // struct union
                6 => per_member(8),                          // enum
                13 => per_member(8),                         // func_proto
                14 => 4,                                     // var
                15 => per_member(12),                        // datasec
                17 => 4,                                     // decl_tag
                19 => per_member(12),                        // enum64
                _ => return Err(bad()),
            };
            let next = extra.checked_add(extra_len).ok_or_else(bad)?;
            if next > t_end {
                return Err(bad());
            }
            types.push(TypeEntry { kind, vlen, name_off, size_or_type, extra });
            at = next;
        }
        Ok(Btf { bytes: b, types, strings })
    }

    /// A string of the string section.
    pub fn string(&self, off: u32) -> Option<&'a str> {
        let rest = self.strings.get(off as usize..)?;
        let end = rest.iter().position(|&c| c == 0)?;
        std::str::from_utf8(&rest[..end]).ok()
    }

    fn ty(&self, id: u32) -> Option<&TypeEntry> {
        self.types.get((id as usize).checked_sub(1)?)
    }

    pub fn name(&self, id: u32) -> Option<&'a str> {
        self.string(self.ty(id)?.name_off).filter(|n| !n.is_empty())
    }

    /// Follows typedefs and qualifiers; `None` for unknown IDs and overly long chains.
    fn resolve(&self, mut id: u32) -> Option<(u32, &TypeEntry)> {
        for _ in 0..32 {
            let t = self.ty(id)?;
            match t.kind {
                KIND_TYPEDEF | KIND_VOLATILE | KIND_CONST | KIND_RESTRICT | KIND_TYPE_TAG => {
                    id = t.size_or_type;
                }
                _ => return Some((id, t)),
            }
        }
        None
    }

    /// The name of a `FUNC` type (kfunc calls carry one in linked objects).
    pub fn func_name(&self, id: u32) -> Option<&'a str> {
        let t = self.ty(id)?;
        if t.kind == KIND_FUNC {
            self.string(t.name_off)
        } else {
            None
        }
    }

    /// The variables of a `DATASEC` named `section`: (name, offset in the section, map type)
    /// where the map type is the length of the array that the `type` member points to, as
    /// libbpf's `__uint(type, ...)` encodes it.
    pub fn datasec_vars(&self, section: &str) -> Vec<BtfVar<'a>> {
        let Some(sec) = self.types.iter().find(|t| t.kind == KIND_DATASEC && self.string(t.name_off) == Some(section))
        else {
            return Vec::new();
        };
        let mut vars = Vec::new();
        for i in 0..usize::from(sec.vlen) {
            let at = sec.extra + i * 12;
            let (Some(var), Some(offset)) = (self.bytes.u32(at), self.bytes.u32(at + 4)) else {
                break;
            };
            let Some(v) = self.ty(var).filter(|v| v.kind == KIND_VAR) else { continue };
            let Some(name) = self.string(v.name_off) else { continue };
            vars.push(BtfVar { name, offset, map_type: self.map_type(v.size_or_type) });
        }
        vars
    }

    fn map_type(&self, def: u32) -> Option<u32> {
        let (_, def) = self.resolve(def)?;
        if def.kind != KIND_STRUCT && def.kind != KIND_UNION {
            return None;
        }
        let member = (0..usize::from(def.vlen)).find_map(|i| {
            let at = def.extra + i * 12;
            (self.string(self.bytes.u32(at)?) == Some("type")).then(|| self.bytes.u32(at + 4))?
        })?;
        let (_, ptr) = self.resolve(member)?;
        if ptr.kind != KIND_PTR {
            return None;
        }
        let (_, array) = self.resolve(ptr.size_or_type)?;
        if array.kind != KIND_ARRAY {
            return None;
        }
        self.bytes.u32(array.extra + 8)
    }
}

/// A variable of a BTF `DATASEC`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BtfVar<'a> {
    pub name: &'a str,
    pub offset: u32,
    pub map_type: Option<u32>,
}

/// One line-info record: where the instruction at `insn_off` (bytes, section-relative) came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineRecord {
    pub insn_off: u32,
    pub file_off: u32,
    pub line_off: u32,
    pub line: u32,
    pub column: u32,
}

/// The source position of an instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    pub file: String,
    pub line: u32,
    /// 1-based; 0 when unknown.
    pub column: u32,
    /// The line as BTF recorded it.
    pub text: String,
}

/// Line info of `.BTF.ext`, by section name, sorted by instruction offset.
#[derive(Debug, Clone, Default)]
pub struct LineInfo {
    by_section: HashMap<String, Vec<LineRecord>>,
}

/// The per-section record blocks of one `.BTF.ext` part: (section name offset, record size,
/// byte range of the records).
type ExtBlocks = Vec<(u32, usize, std::ops::Range<usize>)>;

/// Reads the part of `.BTF.ext` whose offset and length sit at `field` and `field + 4` of the
/// header; `Ok(empty)` when the header is too short to have that part.
fn ext_blocks(ext: &[u8], field: usize, min_rec: usize) -> Result<ExtBlocks, BtfError> {
    let big = byte_order(ext).ok_or(BtfError::Magic)?;
    let b = Bytes { data: ext, big };
    let hdr_len = b.u32(4).ok_or(BtfError::Header)? as usize;
    if hdr_len < field + 8 {
        return Ok(Vec::new());
    }
    let off = b.u32(field).ok_or(BtfError::Header)? as usize;
    let len = b.u32(field + 4).ok_or(BtfError::Header)? as usize;
    let start = hdr_len.checked_add(off).ok_or(BtfError::Header)?;
    let end = start.checked_add(len).ok_or(BtfError::Header)?;
    if end > ext.len() {
        return Err(BtfError::Header);
    }
    let mut blocks = Vec::new();
    if len == 0 {
        return Ok(blocks);
    }
    let rec_size = b.u32(start).ok_or(BtfError::Header)? as usize;
    if rec_size < min_rec {
        return Err(BtfError::Header);
    }
    let mut at = start + 4;
    while at < end {
        let sec_name = b.u32(at).ok_or(BtfError::Header)?;
        let count = b.u32(at + 4).ok_or(BtfError::Header)? as usize;
        at += 8;
        let records_end = count
            .checked_mul(rec_size)
            .and_then(|n| at.checked_add(n))
            .filter(|&e| e <= end)
            .ok_or(BtfError::Header)?;
        blocks.push((sec_name, rec_size, at..records_end));
        at = records_end;
    }
    Ok(blocks)
}

impl LineInfo {
    /// Parses the line-info part of `.BTF.ext`; names come from `btf`'s strings.
    pub fn parse(ext: &[u8], btf: &Btf<'_>) -> Result<LineInfo, BtfError> {
        let b = Bytes { data: ext, big: byte_order(ext).ok_or(BtfError::Magic)? };
        let mut info = LineInfo::default();
        for (sec_name, rec_size, range) in ext_blocks(ext, 16, 16)? {
            let name = btf.string(sec_name).unwrap_or_default().to_owned();
            let records = info.by_section.entry(name).or_default();
            let mut at = range.start;
            while at < range.end {
                let f = |n: usize| b.u32(at + 4 * n).ok_or(BtfError::Header);
                let line_col = f(3)?;
                records.push(LineRecord {
                    insn_off: f(0)?,
                    file_off: f(1)?,
                    line_off: f(2)?,
                    line: line_col >> 10,
                    column: line_col & 0x3ff,
                });
                at += rec_size;
            }
        }
        for records in info.by_section.values_mut() {
            records.sort_by_key(|r| r.insn_off);
        }
        Ok(info)
    }

    /// The source line of the instruction at `insn` (index) of `section`: the last record at
    /// or before it.
    pub fn lookup(&self, btf: &Btf<'_>, section: &str, insn: u32) -> Option<SourceLine> {
        let records = self.by_section.get(section)?;
        let byte = u64::from(insn) * 8;
        let i = records.partition_point(|r| u64::from(r.insn_off) <= byte);
        let r = records.get(i.checked_sub(1)?)?;
        let file = btf.string(r.file_off)?;
        if file.is_empty() || r.line == 0 {
            return None;
        }
        Some(SourceLine {
            file: file.to_owned(),
            line: r.line,
            column: r.column,
            text: btf.string(r.line_off).unwrap_or_default().to_owned(),
        })
    }
}

/// The instructions that CO-RE relocations patch, by section name (instruction indices,
/// sorted). Their immediates are decided by libbpf at load time.
pub fn core_relocated(ext: &[u8], btf: &Btf<'_>) -> Result<HashMap<String, Vec<u32>>, BtfError> {
    let b = Bytes { data: ext, big: byte_order(ext).ok_or(BtfError::Magic)? };
    let mut out: HashMap<String, Vec<u32>> = HashMap::new();
    for (sec_name, rec_size, range) in ext_blocks(ext, 24, 16)? {
        let name = btf.string(sec_name).unwrap_or_default().to_owned();
        let insns = out.entry(name).or_default();
        let mut at = range.start;
        while at < range.end {
            insns.push(b.u32(at).ok_or(BtfError::Header)? / 8);
            at += rec_size;
        }
    }
    for insns in out.values_mut() {
        insns.sort_unstable();
        insns.dedup();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A little-endian BTF blob with `int`, `int[N]`, `int (*)[N]`, a struct with member
    /// `type`, a var `m` of that struct and DATASEC `.maps`.
    fn blob(big: bool, map_type: u32) -> Vec<u8> {
        let strings = b"\0int\0type\0s\0m\0.maps\0";
        let put = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&if big { x.to_be_bytes() } else { x.to_le_bytes() });
        let mut t = Vec::new();
        // 1: int
        for x in [1, 1 << 24, 4, 32] {
            put(&mut t, x);
        }
        // 2: array of int, index int, nelems map_type
        for x in [0, 3 << 24, 0, 1, 1, map_type] {
            put(&mut t, x);
        }
        // 3: ptr to 2
        for x in [0, 2 << 24, 2] {
            put(&mut t, x);
        }
        // 4: struct s { type: 3 }
        for x in [10, (4 << 24) | 1, 8, 5, 3, 0] {
            put(&mut t, x);
        }
        // 5: var m: 4
        for x in [12, 14 << 24, 4, 1] {
            put(&mut t, x);
        }
        // 6: datasec .maps { 5 @ 0 }
        for x in [14, (15 << 24) | 1, 8, 5, 0, 8] {
            put(&mut t, x);
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
    fn reads_map_types_in_both_byte_orders() {
        for big in [false, true] {
            let data = blob(big, 27);
            let btf = Btf::parse(&data).unwrap();
            assert_eq!(
                btf.datasec_vars(".maps"),
                [BtfVar { name: "m", offset: 0, map_type: Some(27) }],
                "big endian: {big}"
            );
        }
    }

    #[test]
    fn truncation_is_an_error_not_a_panic() {
        let data = blob(false, 1);
        for len in 0..data.len() {
            if let Ok(btf) = Btf::parse(&data[..len]) {
                let _ = btf.datasec_vars(".maps");
            }
        }
    }
}
