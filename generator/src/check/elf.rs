//! Reading a relocatable BPF ELF object (as clang and bpf-linker write them, either byte order)
//! into what the analysis needs: code sections with decoded instructions, programs, maps,
//! license, relocations resolved to maps/code/externs, BTF and line info.
//!
//! The ELF structure is read with the `object` crate's low-level ELF API, which checks every
//! offset; what we read ourselves (section contents, BTF) is bounds-checked too.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use object::elf;
use object::read::elf::{FileHeader, Rel, SectionHeader, Sym};
use object::{Endianness, SectionIndex};
use rustc_hash::FxHashMap;

use super::btf::{self, LineInfo};
use super::insn::{decode_op, Insn, IsaFeature, Loc, Op, Target};
use super::{lossy_str, lossy_string};
use crate::btf::Btf;
use crate::model::MapTypeId;

/// The longest license libbpf passes to the kernel (its buffer is 64 bytes with the NUL).
const LICENSE_MAX: usize = 63;
/// Warnings kept per object; the rest are counted in one last warning.
const MAX_WARNINGS: usize = 64;

/// An object's warnings, capped: a hostile object can have millions of bad relocations.
#[derive(Debug, Default)]
struct Warnings {
    list: Vec<String>,
    more: usize,
}

impl Warnings {
    fn push(&mut self, w: String) {
        if self.list.len() < MAX_WARNINGS {
            self.list.push(w);
        } else {
            self.more += 1;
        }
    }

    fn finish(mut self) -> Vec<String> {
        if self.more > 0 {
            self.list.push(format!("{} more problem(s) of this kind and others not listed", self.more));
        }
        self.list
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("not an ELF file")]
    NotElf,
    #[error("32-bit ELF file; BPF objects are 64-bit")]
    Elf32,
    #[error("not a BPF object (ELF machine {0})")]
    NotBpf(u16),
    #[error("malformed ELF: {0}")]
    Malformed(String),
}

fn malformed(e: object::read::Error) -> ReadError {
    ReadError::Malformed(e.to_string())
}

/// An executable section.
#[derive(Debug, Clone)]
pub struct CodeSection<'d> {
    pub name: Cow<'d, str>,
    /// One per instruction slot (the second slot of `ld_imm64` is [`Op::Nop`]).
    pub ops: Vec<Op>,
    /// The slots of `ops` that call a function of the object or take its address
    /// ([`Op::CallSub`], [`Op::LdFunc`]), in order, with the function's location.
    pub refs: Vec<(u32, Loc)>,
    /// Function symbols, sorted by start.
    pub funcs: Vec<FuncSym<'d>>,
    /// The slots whose instruction needs more than the first eBPF instruction set, in order,
    /// with its [`IsaFeature`] bits.
    pub features: Vec<(u32, u8)>,
}

impl CodeSection<'_> {
    /// The function symbol whose range holds `insn`.
    pub fn func_at(&self, insn: u32) -> Option<&FuncSym<'_>> {
        self.funcs.get(self.func_index(insn)?)
    }

    /// The index in `funcs` of the function symbol whose range holds `insn`.
    pub fn func_index(&self, insn: u32) -> Option<usize> {
        let i = self.funcs.partition_point(|f| f.start <= insn).checked_sub(1)?;
        let f = &self.funcs[i];
        (insn < f.start.saturating_add(f.len.max(1))).then_some(i)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FuncSym<'d> {
    pub name: Cow<'d, str>,
    /// First instruction slot.
    pub start: u32,
    /// Length in slots.
    pub len: u32,
}

/// An entry point: a function symbol in an executable section other than `.text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramDef<'d> {
    pub name: Cow<'d, str>,
    /// Index into [`BpfObject::code`].
    pub section: u32,
    pub start: u32,
    pub len: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapDef<'d> {
    pub name: Cow<'d, str>,
    /// `.maps` (BTF-defined) or `maps` (legacy `struct bpf_map_def`).
    pub section: &'static str,
    /// `BPF_MAP_TYPE_*` value, when it could be read.
    pub map_type: Option<MapTypeId>,
    /// For a map-in-map: the index of the entry standing for its inner maps (named
    /// `OUTER.inner`, as libbpf names the inner map it creates).
    pub inner: Option<u32>,
    /// For such an entry: the index of the outer map.
    pub inner_of: Option<u32>,
}

/// `BPF_MAP_TYPE_ARRAY_OF_MAPS` and `BPF_MAP_TYPE_HASH_OF_MAPS`: values are maps.
pub const MAP_IN_MAP_TYPES: [MapTypeId; 2] = [MapTypeId::new(12), MapTypeId::new(13)];

#[derive(Debug)]
pub struct BpfObject<'d> {
    pub big_endian: bool,
    pub code: Vec<CodeSection<'d>>,
    pub programs: Vec<ProgramDef<'d>>,
    /// The license string as libbpf hands it to the kernel; `None` without a `license` section.
    pub license: Option<String>,
    pub maps: Vec<MapDef<'d>>,
    /// Names of undefined symbols that calls refer to (kfuncs).
    pub externs: Vec<String>,
    /// Names of `__weak` undefined symbols, sorted (a loader resolves a missing one to 0).
    pub weak_externs: Vec<String>,
    pub btf: Option<Btf<'d>>,
    /// BTF line info, parsed when a diagnostic first needs it.
    pub lines: Lines<'d>,
    /// Problems that do not stop the check.
    pub warnings: Vec<String>,
    /// Instruction slots in all code sections.
    pub insn_count: usize,
}

/// The `.BTF.ext` line info of an object, read on first use: most objects check clean and
/// never need it.
#[derive(Debug, Default)]
pub struct Lines<'d> {
    ext: &'d [u8],
    parsed: OnceLock<LineInfo>,
}

impl Lines<'_> {
    fn info(&self, btf: &Btf<'_>) -> &LineInfo {
        self.parsed.get_or_init(|| LineInfo::parse(self.ext, btf).unwrap_or_default())
    }

    /// The BTF file name offset and line of instruction `insn` of `section`: equal for the
    /// copies of one source line.
    pub fn lookup_key(&self, btf: &Btf<'_>, section: &str, insn: u32) -> Option<(u32, u32)> {
        if self.ext.is_empty() {
            return None;
        }
        let r = self.info(btf).record(section, insn)?;
        (r.line != 0).then_some((r.file_off, r.line))
    }

    /// The source line of instruction `insn` of `section`.
    pub fn lookup(&self, btf: &Btf<'_>, section: &str, insn: u32) -> Option<super::btf::SourceLine> {
        if self.ext.is_empty() {
            return None;
        }
        self.info(btf).lookup(btf, section, insn)
    }
}

/// Where a section's contents matter to us.
enum Role {
    Code(u32),
    /// `.rodata*`: `const` and `const volatile` data, fixed once loaded.
    ReadOnly,
    Maps,
    LegacyMaps,
    Other,
}

/// Buffers of [`read`] kept from one object to the next ([`BpfObject::recycle`]): a worker
/// checking many objects then allocates its largest tables once.
#[derive(Default)]
pub struct Buffers {
    ops: Vec<Vec<Op>>,
    btf_types: Option<Vec<crate::btf::Type>>,
}

/// Instruction and op tables kept, at most: one per code section of a large object.
const BUFFERS_KEPT: usize = 64;

impl BpfObject<'_> {
    /// Gives this object's tables back to `buffers` for the next [`read_with`].
    pub fn recycle(self, buffers: &mut Buffers) {
        for section in self.code {
            if buffers.ops.len() < BUFFERS_KEPT {
                buffers.ops.push(section.ops);
            }
        }
        if let Some(btf) = self.btf {
            buffers.btf_types = Some(btf.into_types());
        }
    }
}

pub fn read(data: &[u8]) -> Result<BpfObject<'_>, ReadError> {
    read_with(data, &mut Buffers::default())
}

/// [`read`] in the memory of objects read before.
pub fn read_with<'d>(data: &'d [u8], buffers: &mut Buffers) -> Result<BpfObject<'d>, ReadError> {
    if data.get(..4) != Some(&elf::ELFMAG[..]) {
        return Err(ReadError::NotElf);
    }
    if data.get(4) == Some(&elf::ELFCLASS32) {
        return Err(ReadError::Elf32);
    }
    let header = elf::FileHeader64::<Endianness>::parse(data).map_err(malformed)?;
    let endian = header.endian().map_err(malformed)?;
    let big_endian = header.is_big_endian();
    let machine = header.e_machine(endian);
    if machine != elf::EM_BPF {
        return Err(ReadError::NotBpf(machine));
    }
    let sections = header.sections(endian, data).map_err(malformed)?;
    let symbols = sections.symbols(endian, data, elf::SHT_SYMTAB).map_err(malformed)?;
    let section_names = SectionNames::new(header, endian, data, &sections);
    let mut warnings = Warnings::default();

    let mut roles = Vec::with_capacity(sections.len());
    let mut code = Vec::new();
    // By code section: its instruction slots, decoded when their relocations are known.
    let mut code_slots: Vec<&[[u8; 8]]> = Vec::new();
    let mut license = None;
    let mut btf_data = None;
    let mut ext_data = None;
    let mut maps_data: FxHashMap<usize, &[u8]> = FxHashMap::default();
    let mut insn_count = 0usize;
    for (index, section) in sections.enumerate() {
        // Matched as bytes: only code sections keep their name.
        let raw_name = section_names.get(section.sh_name(endian));
        let sh_type = section.sh_type(endian);
        let contents = || -> &[u8] {
            if sh_type == elf::SHT_NOBITS {
                &[]
            } else {
                section.data(endian, data).unwrap_or_default()
            }
        };
        let executable = section.sh_flags(endian) & u64::from(elf::SHF_EXECINSTR) != 0;
        let role = if executable && sh_type == elf::SHT_PROGBITS {
            let bytes = section.data(endian, data).map_err(malformed)?;
            let name = lossy_str(raw_name);
            if bytes.len() % 8 != 0 {
                warnings.push(format!("section `{name}` is {} bytes, not a whole number of instructions", bytes.len()));
            }
            let (slots, _) = bytes.as_chunks::<8>();
            if u32::try_from(slots.len()).is_err() {
                return Err(ReadError::Malformed(format!("section `{name}` has more than 2^32 instruction slots")));
            }
            insn_count = insn_count.saturating_add(slots.len());
            let id = u32::try_from(code.len()).map_err(|_| ReadError::Malformed("too many sections".into()))?;
            code_slots.push(slots);
            code.push(CodeSection { name, ops: Vec::new(), refs: Vec::new(), funcs: Vec::new(), features: Vec::new() });
            Role::Code(id)
        } else {
            match raw_name {
                b"license" => {
                    let bytes = contents();
                    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len()).min(LICENSE_MAX);
                    license = Some(lossy_string(&bytes[..end]));
                    Role::Other
                }
                b".BTF" => {
                    btf_data = Some(contents());
                    Role::Other
                }
                b".BTF.ext" => {
                    ext_data = Some(contents());
                    Role::Other
                }
                b".maps" => Role::Maps,
                _ if raw_name.starts_with(b".rodata") => Role::ReadOnly,
                b"maps" => {
                    maps_data.insert(index.0, contents());
                    Role::LegacyMaps
                }
                _ => Role::Other,
            }
        };
        roles.push(role);
    }

    let btf = btf_data.and_then(|d| match Btf::parse_into(d, buffers.btf_types.take().unwrap_or_default()) {
        Ok(btf) => Some(btf),
        Err(e) => {
            warnings.push(format!("cannot read `.BTF`: {e}"));
            None
        }
    });
    let lines = Lines { ext: ext_data.unwrap_or_default(), parsed: OnceLock::new() };
    let core = match (&btf, ext_data) {
        (Some(btf), Some(ext)) => btf::core_relocated(ext, btf).unwrap_or_else(|e| {
            warnings.push(format!("cannot read the CO-RE relocations of `.BTF.ext`: {e}"));
            HashMap::new()
        }),
        _ => HashMap::new(),
    };
    let datasecs = btf.as_ref().map(btf::Datasecs::find).unwrap_or_default();
    let btf_maps = match (&btf, datasecs.maps) {
        (Some(b), Some(sec)) => btf::map_vars(b, sec),
        _ => Vec::new(),
    };
    // By name and by offset, sorted for lookup, the first of equal keys winning (stable sorts):
    // objects can have many thousands of maps.
    let types = |v: &btf::BtfVar<'_>| (v.map_type, v.inner_map_type);
    let mut btf_map_by_name: Vec<(&str, _)> = btf_maps.iter().map(|v| (v.name, types(v))).collect();
    btf_map_by_name.sort_by_key(|e| e.0);
    btf_map_by_name.dedup_by_key(|e| e.0);
    let mut btf_map_by_offset: Vec<(u32, _)> = btf_maps.iter().map(|v| (v.offset, types(v))).collect();
    btf_map_by_offset.sort_by_key(|e| e.0);
    btf_map_by_offset.dedup_by_key(|e| e.0);
    fn find<K: Ord + Copy, V: Copy>(table: &[(K, V)], key: K) -> Option<V> {
        table.binary_search_by_key(&key, |e| e.0).ok().map(|i| table[i].1)
    }
    let kconfig: HashSet<&str> = match (&btf, datasecs.kconfig) {
        (Some(b), Some(sec)) => btf::var_names(b, sec).collect(),
        _ => HashSet::new(),
    };

    // Symbols: functions per code section, map definitions.
    let role_of = |i: SectionIndex| roles.get(i.0);
    let mut maps = Vec::new();
    let mut map_at: FxHashMap<(usize, u64), u32> = FxHashMap::default();
    for (sym_index, sym) in symbols.enumerate() {
        let Ok(Some(shndx)) = symbols.symbol_section(endian, sym, sym_index) else { continue };
        let st_type = sym.st_type();
        let value = sym.st_value(endian);
        let name = || lossy_str(symbols.symbol_name(endian, sym).unwrap_or_default());
        match role_of(shndx) {
            Some(Role::Code(id)) if st_type == elf::STT_FUNC => {
                let (Ok(start), Ok(len)) = (u32::try_from(value / 8), u32::try_from(sym.st_size(endian) / 8)) else {
                    continue;
                };
                code[*id as usize].funcs.push(FuncSym { name: name(), start, len });
            }
            Some(role @ (Role::Maps | Role::LegacyMaps)) if st_type != elf::STT_SECTION => {
                let name = name();
                let mut inner_type = None;
                let (section, map_type) = match role {
                    Role::Maps => {
                        let by_name = find(&btf_map_by_name, &*name);
                        let by_offset = || u32::try_from(value).ok().and_then(|v| find(&btf_map_by_offset, v));
                        let (map_type, inner) = by_name.or_else(by_offset).unwrap_or_default();
                        inner_type = inner;
                        (".maps", map_type)
                    }
                    _ => {
                        let bytes = maps_data.get(&shndx.0).copied().unwrap_or_default();
                        let at = usize::try_from(value).ok();
                        let raw = at.and_then(|a| bytes.get(a..a.checked_add(4)?));
                        let map_type = raw.map(|b| {
                            let b: [u8; 4] = b.try_into().expect("slice of 4 bytes");
                            MapTypeId::new(if big_endian { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) })
                        });
                        ("maps", map_type)
                    }
                };
                if map_at.contains_key(&(shndx.0, value)) {
                    continue;
                }
                let Ok(id) = u32::try_from(maps.len()) else { continue };
                map_at.insert((shndx.0, value), id);
                let map_in_map = map_type.is_some_and(|t| MAP_IN_MAP_TYPES.contains(&t));
                let inner_name = map_in_map.then(|| format!("{name}.inner"));
                maps.push(MapDef { name, section, map_type, inner: None, inner_of: None });
                // The inner maps' entry follows its outer map; its type stays unknown when
                // the definition has no `values` (or is a legacy one).
                if let Some(inner_name) = inner_name {
                    if let Ok(inner_id) = u32::try_from(maps.len()) {
                        maps[id as usize].inner = Some(inner_id);
                        maps.push(MapDef {
                            name: Cow::Owned(inner_name),
                            section,
                            map_type: inner_type,
                            inner: None,
                            inner_of: Some(id),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    for (section, slots) in code.iter_mut().zip(&code_slots) {
        section.funcs.sort_by(|a, b| (a.start, &a.name).cmp(&(b.start, &b.name)));
        section.funcs.dedup_by_key(|f| f.start);
        // A symbol without a size runs to the next one (or the end of the section).
        let total = u32::try_from(slots.len()).unwrap_or(u32::MAX);
        let starts: Vec<u32> = section.funcs.iter().map(|f| f.start).skip(1).chain([total]).collect();
        for (f, next) in section.funcs.iter_mut().zip(starts) {
            if f.len == 0 {
                f.len = next.saturating_sub(f.start);
            }
        }
    }

    // Relocations, resolved to what they point at.
    let mut externs = Externs::default();
    // Per code section, (instruction, target) in the order read; see `Relocs`.
    let mut relocs: Vec<Vec<(u32, Target)>> = vec![Vec::new(); code.len()];
    let mut weak_externs: Vec<String> = Vec::new();
    let section_count = sections.len();
    for (rel_index, section) in sections.enumerate() {
        if section.sh_type(endian) != elf::SHT_REL {
            continue;
        }
        let rel_name = section_names.shown(section.sh_name(endian));
        let info = section.sh_info(endian) as usize;
        if info == 0 || info >= section_count {
            warnings.push(format!(
                "relocation section `{rel_name}` (section {}) applies to section {info}, which does not exist",
                rel_index.0
            ));
            continue;
        }
        if section.sh_size(endian) % 16 != 0 {
            warnings.push(format!(
                "relocation section `{rel_name}` is {} bytes, not a whole number of 16-byte entries; ignored",
                section.sh_size(endian)
            ));
            continue;
        }
        let rels = match section.rel(endian, data) {
            Ok(Some((rels, _))) => rels,
            Ok(None) => continue,
            Err(e) => {
                let size = section.sh_size(endian);
                warnings.push(format!("relocation section `{rel_name}` ({size} bytes) cannot be read: {e}"));
                continue;
            }
        };
        let Some(Role::Code(target_id)) = role_of(SectionIndex(info)) else {
            continue;
        };
        let target_slots = code_slots[*target_id as usize].len() as u64;
        let table = &mut relocs[*target_id as usize];
        for rel in rels {
            let offset = rel.r_offset(endian);
            let sym_index = object::SymbolIndex(rel.r_sym(endian) as usize);
            let insn = match u32::try_from(offset / 8) {
                Ok(i) if offset / 8 < target_slots => i,
                _ => {
                    warnings.push(format!(
                        "relocation in `{rel_name}` at offset {offset:#x} lies past the end of its section; ignored"
                    ));
                    continue;
                }
            };
            if offset % 8 != 0 {
                warnings.push(format!("relocation at unaligned offset {offset:#x} ignored"));
                continue;
            }
            let Ok(sym) = symbols.symbol(sym_index) else {
                warnings.push(format!("relocation refers to missing symbol {}", sym_index.0));
                continue;
            };
            let value = sym.st_value(endian);
            let target = match symbols.symbol_section(endian, sym, sym_index) {
                Ok(None) => {
                    let name = lossy_string(symbols.symbol_name(endian, sym).unwrap_or_default());
                    if kconfig.contains(name.as_str()) {
                        Target::ReadOnly
                    } else {
                        if sym.st_bind() == object::elf::STB_WEAK {
                            weak_externs.push(name.clone());
                        }
                        Target::Extern(name)
                    }
                }
                Ok(Some(shndx)) => match role_of(shndx) {
                    Some(Role::Code(id)) => Target::Code { section: *id, byte_off: value },
                    Some(Role::ReadOnly) => Target::ReadOnly,
                    Some(Role::Maps | Role::LegacyMaps) => match map_at.get(&(shndx.0, value)) {
                        Some(&m) => Target::Map(m),
                        None => Target::Other,
                    },
                    _ => Target::Other,
                },
                Err(_) => Target::Other,
            };
            table.push((insn, target));
        }
    }
    let relocs: Vec<Relocs> = relocs.into_iter().map(Relocs::new).collect();

    // Decode the effects of every instruction.
    for ((id, section), slots) in code.iter_mut().enumerate().zip(&code_slots) {
        let table = &relocs[id];
        let core = core.get(&*section.name).map(Vec::as_slice).unwrap_or_default();
        let id = u32::try_from(id).expect("code sections were counted in u32");
        let mut ops = buffers.ops.pop().unwrap_or_default();
        ops.clear();
        let n = slots.len();
        ops.reserve(n);
        let mut i = 0;
        while i < n {
            // Sections of more slots than a u32 counts were refused when read.
            let at = i as u32;
            let insn = Insn::decode(slots[i], big_endian);
            let mut op = decode_op(
                insn,
                n,
                id,
                i,
                |at| u32::try_from(at).ok().and_then(|a| table.get(a)),
                |at| u32::try_from(at).is_ok_and(|a| core.binary_search(&a).is_ok()),
            );
            if matches!(op, Op::Kfunc(None)) {
                op = Op::Kfunc(kfunc_name(table, i, &insn, btf.as_ref(), &mut externs));
            }
            if let Op::CallSub(t) | Op::LdFunc(_, t) = op {
                section.refs.push((at, t));
            }
            let bits = IsaFeature::bits_of(insn, op);
            if bits != 0 {
                section.features.push((at, bits));
            }
            ops.push(op);
            let width = op.width();
            if width == 2 {
                ops.push(Op::Nop);
            }
            i += width as usize;
        }
        ops.truncate(n);
        section.ops = ops;
    }

    // Programs: every function of an executable section other than `.text`; a section
    // without function symbols is one program.
    let mut programs = Vec::new();
    for (id, section) in code.iter().enumerate() {
        if section.name == ".text" || section.ops.is_empty() {
            continue;
        }
        let id = u32::try_from(id).expect("code sections were counted in u32");
        let total = u32::try_from(section.ops.len()).unwrap_or(u32::MAX);
        if section.funcs.is_empty() {
            programs.push(ProgramDef { name: section.name.clone(), section: id, start: 0, len: total });
        }
        for f in &section.funcs {
            if f.start < total {
                let len = f.len.min(total - f.start);
                programs.push(ProgramDef { name: f.name.clone(), section: id, start: f.start, len });
            }
        }
    }

    let warnings = warnings.finish();
    let externs = externs.names;
    weak_externs.sort();
    weak_externs.dedup();
    Ok(BpfObject { big_endian, code, programs, license, maps, externs, weak_externs, btf, lines, warnings, insn_count })
}

/// Names of kfuncs called, each once, with their index.
#[derive(Default)]
struct Externs {
    names: Vec<String>,
    index: HashMap<String, u32>,
}

/// The section header string table, as the `object` crate reads it (the bytes of the
/// `e_shstrndx` section's file range; none when that is not in the file).
struct SectionNames<'d>(&'d [u8]);

impl<'d> SectionNames<'d> {
    fn new(
        header: &elf::FileHeader64<Endianness>,
        endian: Endianness,
        data: &'d [u8],
        sections: &object::read::elf::SectionTable<'d, elf::FileHeader64<Endianness>>,
    ) -> SectionNames<'d> {
        let table = header
            .shstrndx(endian, data)
            .ok()
            .and_then(|i| sections.section(SectionIndex(i as usize)).ok())
            .and_then(|s| s.file_range(endian))
            .and_then(|(offset, size)| {
                data.get(usize::try_from(offset).ok()?..usize::try_from(offset.checked_add(size)?).ok()?)
            });
        SectionNames(table.unwrap_or_default())
    }

    /// The name at `offset`: empty where it is out of the table or not NUL-terminated.
    fn get(&self, offset: u32) -> &'d [u8] {
        let rest = self.0.get(offset as usize..).unwrap_or_default();
        memchr::memchr(0, rest).map_or(&[], |end| &rest[..end])
    }

    /// The name at `offset`, for a message.
    fn shown(&self, offset: u32) -> ShownName<'_, 'd> {
        ShownName(self, offset)
    }
}

/// A section name, read and shown as UTF-8 (lossily) only when a message needs it.
struct ShownName<'n, 'd>(&'n SectionNames<'d>, u32);

impl std::fmt::Display for ShownName<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&String::from_utf8_lossy(self.0.get(self.1)))
    }
}

/// The relocations of one code section by instruction, sorted; where several apply to one
/// instruction the last one read wins.
struct Relocs(Vec<(u32, Target)>);

impl Relocs {
    fn new(mut list: Vec<(u32, Target)>) -> Relocs {
        // Stable: the relocations of one instruction stay in the order read.
        list.sort_by_key(|(insn, _)| *insn);
        let mut kept: Vec<(u32, Target)> = Vec::with_capacity(list.len());
        for (insn, target) in list {
            match kept.last_mut() {
                Some(last) if last.0 == insn => last.1 = target,
                _ => kept.push((insn, target)),
            }
        }
        Relocs(kept)
    }

    fn get(&self, insn: u32) -> Option<&Target> {
        let i = self.0.binary_search_by_key(&insn, |(i, _)| *i).ok()?;
        Some(&self.0[i].1)
    }
}

fn kfunc_name(table: &Relocs, i: usize, insn: &Insn, btf: Option<&Btf<'_>>, externs: &mut Externs) -> Option<u32> {
    let name = match u32::try_from(i).ok().and_then(|i| table.get(i)) {
        Some(Target::Extern(name)) => name.clone(),
        // Linked objects carry the kfunc's BTF ID in imm.
        _ => btf?.func_name(u32::try_from(insn.imm).ok()?)?.to_owned(),
    };
    if let Some(&index) = externs.index.get(&name) {
        return Some(index);
    }
    let index = u32::try_from(externs.names.len()).ok()?;
    externs.names.push(name.clone());
    externs.index.insert(name, index);
    Some(index)
}

/// BPF objects embedded in another file (libbpf skeletons inside a tool's binary): their
/// offsets and bytes. Each candidate starts with an ELF header for `EM_BPF`; its length runs
/// to the end of its section header table or of its last section, whichever is later.
pub fn embedded_objects(data: &[u8]) -> Vec<(usize, &[u8])> {
    // The magic's first byte (0x7f) is common in machine code: a vectorised substring search
    // skips the host code many times faster than stopping at every 0x7f.
    let magic = memchr::memmem::Finder::new(&elf::ELFMAG);
    let mut found = Vec::new();
    let mut at = 1; // offset 0 is the file itself
    while let Some(pos) = data.get(at..).and_then(|rest| magic.find(rest)).map(|p| p + at) {
        at = pos + 4;
        if let Some(len) = embedded_len(&data[pos..]) {
            found.push((pos, &data[pos..pos + len]));
            at = pos + len.max(4);
        }
    }
    found
}

/// The length of the BPF object at the start of `data`, read from its header and section
/// headers by hand: `data` may sit at any offset of the file (the `object` crate wants its
/// headers aligned).
fn embedded_len(data: &[u8]) -> Option<usize> {
    if data.get(4) != Some(&elf::ELFCLASS64) {
        return None;
    }
    let big = match data.get(5)? {
        1 => false,
        2 => true,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = data.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if big { u16::from_be_bytes(b) } else { u16::from_le_bytes(b) })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = data.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if big { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) })
    };
    let u64_at = |at: usize| -> Option<u64> {
        let b: [u8; 8] = data.get(at..at.checked_add(8)?)?.try_into().ok()?;
        Some(if big { u64::from_be_bytes(b) } else { u64::from_le_bytes(b) })
    };
    if u16_at(18)? != elf::EM_BPF {
        return None;
    }
    let shoff = usize::try_from(u64_at(40)?).ok()?;
    let shentsize = usize::from(u16_at(58)?);
    let mut shnum = usize::from(u16_at(60)?);
    if shentsize < 64 {
        return None;
    }
    if shnum == 0 {
        // Extended numbering: the count is in section 0's `sh_size`.
        shnum = usize::try_from(u64_at(shoff.checked_add(32)?)?).ok()?;
    }
    let table_end = shoff.checked_add(shnum.checked_mul(shentsize)?)?;
    if table_end > data.len() || shnum == 0 {
        return None;
    }
    let mut end = table_end;
    for i in 0..shnum {
        let at = shoff + i * shentsize;
        if u32_at(at + 4)? == elf::SHT_NOBITS {
            continue;
        }
        let (offset, size) = (u64_at(at + 24)?, u64_at(at + 32)?);
        let section_end = usize::try_from(offset.checked_add(size)?).ok()?;
        end = end.max(section_end);
    }
    (end <= data.len()).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_names_end_at_their_nul_and_are_empty_out_of_the_table() {
        let names = SectionNames(b"\0.text\0license\0.rodata.str1.1\0unterminated");
        assert_eq!(names.get(1), b".text");
        assert_eq!(names.get(7), b"license");
        assert_eq!(names.get(3), b"ext"); // an offset into a name, as ELF allows
        assert_eq!(names.get(0), b"");
        assert_eq!(names.get(30), b"", "no NUL after it: no name");
        assert_eq!(names.get(1000), b"", "past the table");
        assert_eq!(SectionNames(b"").get(0), b"");
        assert_eq!(names.shown(15).to_string(), ".rodata.str1.1");
        assert_eq!(SectionNames(b"a\xffb\0").shown(0).to_string(), "a\u{fffd}b");
    }

    #[test]
    fn names_become_utf8_with_invalid_bytes_replaced() {
        assert_eq!(lossy_string(b"xdp_prog"), "xdp_prog");
        assert_eq!(lossy_string(b""), "");
        assert_eq!(lossy_string(b"sec\xc3("), "sec\u{fffd}(");
        assert_eq!(lossy_string("m\u{e4}p".as_bytes()), "m\u{e4}p");
    }
}
