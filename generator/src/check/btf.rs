//! What check reads from an object's BTF beyond the type section (see [`crate::btf`]): the map
//! type of each BTF-defined map, and from `.BTF.ext` line info (source file, line, column and
//! text per instruction) and the instructions CO-RE relocations patch.
//!
//! Either byte order (the magic tells). Every read is bounds-checked; a corrupt blob yields an
//! error or fewer facts, never a panic.

use std::collections::HashMap;

use crate::btf::{Btf, BtfError, Bytes, Kind};
use crate::model::MapTypeId;

/// The `DATASEC`s check reads, found in one walk over the types: `.maps` (BTF-defined maps)
/// and `.kconfig` (`__kconfig` externs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Datasecs {
    pub maps: Option<u32>,
    pub kconfig: Option<u32>,
}

impl Datasecs {
    pub fn find(btf: &Btf<'_>) -> Datasecs {
        let mut found = Datasecs::default();
        for (id, t) in btf.types().filter(|(_, t)| t.kind == Kind::Datasec) {
            let slot = if btf.string_is(t.name_off, ".maps") {
                &mut found.maps
            } else if btf.string_is(t.name_off, ".kconfig") {
                &mut found.kconfig
            } else {
                continue;
            };
            slot.get_or_insert(id); // the first one of each name counts
            if found.maps.is_some() && found.kconfig.is_some() {
                break;
            }
        }
        found
    }
}

/// The variables of the `.maps` `DATASEC` `sec`: (name, offset in the section, map type)
/// where the map type is the length of the array that the `type` member points to, as
/// libbpf's `__uint(type, ...)` encodes it.
pub fn map_vars<'a>(btf: &Btf<'a>, sec: u32) -> Vec<BtfVar<'a>> {
    let mut vars = Vec::new();
    for (v, offset) in vars_of(btf, sec) {
        let Some(name) = btf.string(v.name_off) else { continue };
        vars.push(BtfVar {
            name,
            offset,
            map_type: map_type(btf, v.size_or_type),
            inner_map_type: inner_map_type(btf, v.size_or_type),
        });
    }
    vars
}

/// The names of the variables of the `DATASEC` `sec`.
pub fn var_names<'b, 'a>(btf: &'b Btf<'a>, sec: u32) -> impl Iterator<Item = &'a str> + use<'b, 'a> {
    vars_of(btf, sec).filter_map(|(v, _)| btf.string(v.name_off))
}

/// The `VAR` types of a `DATASEC` with their offsets in the section.
fn vars_of<'b, 'a>(btf: &'b Btf<'a>, sec: u32) -> impl Iterator<Item = (&'b crate::btf::Type, u32)> + use<'b, 'a> {
    btf.datasec_vars(sec)
        .into_iter()
        .flatten()
        .filter_map(|entry| Some((btf.get(entry.type_id).filter(|v| v.kind == Kind::Var)?, entry.offset)))
}

fn map_type(btf: &Btf<'_>, def: u32) -> Option<MapTypeId> {
    let def = btf.resolve(def)?;
    let member = btf.member_named(def, "type")?;
    let ptr = btf.get(btf.resolve(member.type_id)?)?;
    if ptr.kind != Kind::Ptr {
        return None;
    }
    Some(MapTypeId::new(btf.array(btf.resolve(ptr.size_or_type)?)?.nelems))
}

/// The map type of the inner maps of a map-in-map, from the `values` member that libbpf's
/// `__array(values, struct inner)` declares: an array of pointers to the inner map's
/// definition, whose own `type` member gives it.
fn inner_map_type(btf: &Btf<'_>, def: u32) -> Option<MapTypeId> {
    let def = btf.resolve(def)?;
    let member = btf.member_named(def, "values")?;
    let array = btf.array(btf.resolve(member.type_id)?)?;
    let ptr = btf.get(btf.resolve(array.elem_type)?)?;
    if ptr.kind != Kind::Ptr {
        return None;
    }
    // Bounded: a hostile `values` pointing back at the outer definition is read once.
    map_type(btf, ptr.size_or_type)
}

/// A variable of a BTF `DATASEC`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BtfVar<'a> {
    pub name: &'a str,
    pub offset: u32,
    pub map_type: Option<MapTypeId>,
    /// For a map-in-map declared with `__array(values, ...)`: the inner maps' type.
    pub inner_map_type: Option<MapTypeId>,
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
    let b = Bytes::from_magic(ext).ok_or(BtfError::Magic)?;
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
        let b = Bytes::from_magic(ext).ok_or(BtfError::Magic)?;
        let mut info = LineInfo::default();
        for (sec_name, rec_size, range) in ext_blocks(ext, 16, 16)? {
            let name = btf.string(sec_name).unwrap_or_default().to_owned();
            let records = info.by_section.entry(name).or_default();
            records.reserve((range.end - range.start) / rec_size);
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
        // One offset per file name, so that equal names compare equal by offset even where the
        // string table repeats them. Each offset's name is read once (records of one file run
        // in long stretches: the last one is kept at hand).
        let mut first: HashMap<&str, u32> = HashMap::new();
        let mut canonical: HashMap<u32, u32> = HashMap::new();
        let mut last: Option<(u32, u32)> = None;
        for records in info.by_section.values_mut() {
            records.sort_by_key(|r| r.insn_off);
            for r in records.iter_mut() {
                let off = r.file_off;
                r.file_off = match last {
                    Some((from, to)) if from == off => to,
                    _ => {
                        let to = *canonical
                            .entry(off)
                            .or_insert_with(|| btf.string(off).map_or(off, |name| *first.entry(name).or_insert(off)));
                        last = Some((off, to));
                        to
                    }
                };
            }
        }
        Ok(info)
    }

    /// The record that covers instruction `insn` (index) of `section`: the last at or before it.
    pub fn record(&self, section: &str, insn: u32) -> Option<&LineRecord> {
        let records = self.by_section.get(section)?;
        let byte = u64::from(insn) * 8;
        let i = records.partition_point(|r| u64::from(r.insn_off) <= byte);
        records.get(i.checked_sub(1)?)
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
    let b = Bytes::from_magic(ext).ok_or(BtfError::Magic)?;
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
        v.extend_from_slice(&if big { crate::btf::MAGIC.to_be_bytes() } else { crate::btf::MAGIC.to_le_bytes() });
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
                map_vars(&btf, Datasecs::find(&btf).maps.unwrap()),
                [BtfVar { name: "m", offset: 0, map_type: Some(MapTypeId::new(27)), inner_map_type: None }],
                "big endian: {big}"
            );
        }
    }

    #[test]
    fn truncation_is_an_error_not_a_panic() {
        let data = blob(false, 1);
        for len in 0..data.len() {
            if let Ok(btf) = Btf::parse(&data[..len]) {
                if let Some(sec) = Datasecs::find(&btf).maps {
                    let _ = map_vars(&btf, sec);
                }
            }
        }
    }
}
