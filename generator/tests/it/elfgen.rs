//! A small writer of relocatable BPF ELF objects, for tests that must not need clang: code
//! sections, data sections, symbols, relocations, BTF strings and `.BTF.ext` line info, and
//! deliberate damage (wrong sizes, odd relocation sections, huge section counts).

/// One instruction slot.
#[derive(Debug, Clone, Copy)]
pub struct Insn {
    pub code: u8,
    pub dst: u8,
    pub src: u8,
    pub off: i16,
    pub imm: i32,
}

pub const fn insn(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> Insn {
    Insn { code, dst, src, off, imm }
}

/// Assembler shorthands.
pub mod asm {
    use super::{insn, Insn};

    pub const fn call(helper: i32) -> Insn {
        insn(0x85, 0, 0, 0, helper)
    }
    /// bpf-to-bpf call, `delta` instructions after the next one.
    pub const fn call_sub(delta: i32) -> Insn {
        insn(0x85, 0, 1, 0, delta)
    }
    pub const fn exit() -> Insn {
        insn(0x95, 0, 0, 0, 0)
    }
    pub const fn mov_imm(dst: u8, imm: i32) -> Insn {
        insn(0xb7, dst, 0, 0, imm)
    }
    /// `ld_imm64 dst, 0`: two slots; relocate the first to load a map or data address.
    pub const fn ld_imm64(dst: u8) -> [Insn; 2] {
        [insn(0x18, dst, 0, 0, 0), insn(0, 0, 0, 0, 0)]
    }
    /// `ld_imm64 dst, callback` at `delta` instructions after the next slot (no relocation).
    pub const fn ld_func(dst: u8, delta: i32) -> [Insn; 2] {
        [insn(0x18, dst, 4, 0, delta), insn(0, 0, 0, 0, 0)]
    }
    /// `*(u64 *)(base + off) = src`
    pub const fn stx_dw(base: u8, off: i16, src: u8) -> Insn {
        insn(0x7b, base, src, off, 0)
    }
    /// `dst = *(u64 *)(base + off)`
    pub const fn ldx_dw(dst: u8, base: u8, off: i16) -> Insn {
        insn(0x79, dst, base, off, 0)
    }
    /// `dst = *(u32 *)(base + off)`
    pub const fn ldx_w(dst: u8, base: u8, off: i16) -> Insn {
        insn(0x61, dst, base, off, 0)
    }
    /// `if dst == imm goto +off`
    pub const fn jeq_imm(dst: u8, imm: i32, off: i16) -> Insn {
        insn(0x15, dst, 0, off, imm)
    }
}

pub const SHT_PROGBITS: u32 = 1;
pub const SHT_SYMTAB: u32 = 2;
pub const SHT_STRTAB: u32 = 3;
pub const SHT_REL: u32 = 9;
pub const SHF_ALLOC: u64 = 2;
pub const SHF_EXECINSTR: u64 = 4;
pub const STT_OBJECT: u8 = 1;
pub const STT_FUNC: u8 = 2;
pub const STB_GLOBAL: u8 = 1;
pub const R_BPF_64_64: u32 = 1;
pub const R_BPF_64_32: u32 = 10;

#[derive(Debug, Clone)]
pub struct Section {
    pub name: Vec<u8>,
    pub sh_type: u32,
    pub flags: u64,
    pub data: Vec<u8>,
    /// Written as `sh_size` instead of the data's length (damage).
    pub size_override: Option<u64>,
    pub link: u32,
    pub info: u32,
    pub entsize: u64,
}

#[derive(Debug, Clone)]
struct Symbol {
    name: Vec<u8>,
    info: u8,
    shndx: u16,
    value: u64,
    size: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Elf {
    pub big: bool,
    sections: Vec<Section>,
    symbols: Vec<Symbol>,
    /// Per target section index: raw relocation entries.
    rels: Vec<(u32, Vec<u8>)>,
}

impl Elf {
    pub fn new() -> Elf {
        Elf::default()
    }

    pub fn big_endian() -> Elf {
        Elf { big: true, ..Elf::default() }
    }

    fn u16b(&self, v: u16) -> [u8; 2] {
        if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
    fn u32b(&self, v: u32) -> [u8; 4] {
        if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }
    fn u64b(&self, v: u64) -> [u8; 8] {
        if self.big {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    }

    /// Encodes instructions in this object's byte order.
    pub fn encode(&self, insns: &[Insn]) -> Vec<u8> {
        let mut out = Vec::with_capacity(insns.len() * 8);
        for i in insns {
            let regs = if self.big { (i.dst << 4) | i.src } else { (i.src << 4) | i.dst };
            out.push(i.code);
            out.push(regs);
            out.extend_from_slice(&self.u16b(i.off as u16));
            out.extend_from_slice(&self.u32b(i.imm as u32));
        }
        out
    }

    /// Adds a section; returns its ELF index.
    pub fn section(&mut self, s: Section) -> u32 {
        self.sections.push(s);
        self.sections.len() as u32
    }

    pub fn code(&mut self, name: &str, insns: &[Insn]) -> u32 {
        let data = self.encode(insns);
        self.section(Section {
            name: name.as_bytes().to_vec(),
            sh_type: SHT_PROGBITS,
            flags: SHF_ALLOC | SHF_EXECINSTR,
            data,
            size_override: None,
            link: 0,
            info: 0,
            entsize: 0,
        })
    }

    pub fn data(&mut self, name: &str, data: Vec<u8>) -> u32 {
        self.section(Section {
            name: name.as_bytes().to_vec(),
            sh_type: SHT_PROGBITS,
            flags: SHF_ALLOC,
            data,
            size_override: None,
            link: 0,
            info: 0,
            entsize: 0,
        })
    }

    pub fn license(&mut self, license: &str) -> u32 {
        let mut d = license.as_bytes().to_vec();
        d.push(0);
        self.data("license", d)
    }

    /// Legacy `struct bpf_map_def` entries in a `maps` section, with one symbol each; returns
    /// the symbols.
    pub fn legacy_maps(&mut self, maps: &[(&str, u32)]) -> Vec<u32> {
        let mut data = Vec::new();
        for &(_, t) in maps {
            for w in [t, 4, 8, 16, 0] {
                data.extend_from_slice(&self.u32b(w));
            }
        }
        let sec = self.data("maps", data);
        maps.iter().enumerate().map(|(i, (name, _))| self.object(name, sec, i as u64 * 20, 20)).collect()
    }

    fn symbol(&mut self, name: &str, info: u8, shndx: u16, value: u64, size: u64) -> u32 {
        self.symbols.push(Symbol { name: name.as_bytes().to_vec(), info, shndx, value, size });
        self.symbols.len() as u32 // index 0 is the null symbol
    }

    /// A function symbol over instructions `start..start + len` of `section`.
    pub fn func(&mut self, name: &str, section: u32, start: u64, len: u64) -> u32 {
        self.symbol(name, (STB_GLOBAL << 4) | STT_FUNC, section as u16, start * 8, len * 8)
    }

    pub fn object(&mut self, name: &str, section: u32, value: u64, size: u64) -> u32 {
        self.symbol(name, (STB_GLOBAL << 4) | STT_OBJECT, section as u16, value, size)
    }

    /// An undefined symbol (a kfunc or extern).
    pub fn undefined(&mut self, name: &str) -> u32 {
        self.symbol(name, STB_GLOBAL << 4, 0, 0, 0)
    }

    /// An undefined `__weak` symbol (`extern ... __ksym __weak`).
    pub fn undefined_weak(&mut self, name: &str) -> u32 {
        self.symbol(name, 2 << 4, 0, 0, 0)
    }

    /// A relocation on instruction `insn` of `section` against symbol `sym`.
    pub fn reloc(&mut self, section: u32, insn: u64, sym: u32, r_type: u32) {
        self.raw_reloc(section, insn * 8, u64::from(sym), r_type);
    }

    /// A relocation entry with any offset and symbol index.
    pub fn raw_reloc(&mut self, section: u32, offset: u64, sym: u64, r_type: u32) {
        let mut entry = Vec::with_capacity(16);
        entry.extend_from_slice(&self.u64b(offset));
        entry.extend_from_slice(&self.u64b((sym << 32) | u64::from(r_type)));
        match self.rels.iter_mut().find(|(t, _)| *t == section) {
            Some((_, bytes)) => bytes.extend_from_slice(&entry),
            None => self.rels.push((section, entry)),
        }
    }

    /// A relocation section with these raw bytes for target section `info`.
    pub fn raw_rel_section(&mut self, info: u32, bytes: Vec<u8>) {
        self.rels.push((info, bytes));
    }

    /// Adds `.BTF` with `strings` (and no types) and `.BTF.ext` with line info records
    /// `(section name, insn index, file, line, column, text)`.
    pub fn line_info(&mut self, records: &[(&str, u32, &str, u32, u32, &str)]) {
        let mut strings: Vec<u8> = vec![0];
        let mut intern = |s: &str| -> u32 {
            let off = strings.len() as u32;
            strings.extend_from_slice(s.as_bytes());
            strings.push(0);
            off
        };
        let mut by_section: Vec<(u32, Vec<[u32; 4]>)> = Vec::new();
        let mut names: Vec<(&str, u32)> = Vec::new();
        for &(section, insn, file, line, col, text) in records {
            let sec_off = match names.iter().find(|(n, _)| *n == section) {
                Some(&(_, o)) => o,
                None => {
                    let o = intern(section);
                    names.push((section, o));
                    by_section.push((o, Vec::new()));
                    o
                }
            };
            let rec = [insn * 8, intern(file), intern(text), (line << 10) | (col & 0x3ff)];
            by_section.iter_mut().find(|(o, _)| *o == sec_off).expect("added above").1.push(rec);
        }
        let mut btf = Vec::new();
        btf.extend_from_slice(&self.u16b(0xeb9f));
        btf.extend_from_slice(&[1, 0]);
        for v in [24u32, 0, 0, 0, strings.len() as u32] {
            btf.extend_from_slice(&self.u32b(v));
        }
        btf.extend_from_slice(&strings);
        self.data(".BTF", btf);

        let mut lines = Vec::new();
        lines.extend_from_slice(&self.u32b(16));
        for (sec, recs) in &by_section {
            lines.extend_from_slice(&self.u32b(*sec));
            lines.extend_from_slice(&self.u32b(recs.len() as u32));
            for r in recs {
                for v in r {
                    lines.extend_from_slice(&self.u32b(*v));
                }
            }
        }
        let mut ext = Vec::new();
        ext.extend_from_slice(&self.u16b(0xeb9f));
        ext.extend_from_slice(&[1, 0]);
        // hdr_len, func_info off/len, line_info off/len, core_relo off/len
        for v in [32u32, 0, 0, 0, lines.len() as u32, lines.len() as u32, 0] {
            ext.extend_from_slice(&self.u32b(v));
        }
        ext.extend_from_slice(&lines);
        self.data(".BTF.ext", ext);
    }

    /// The object's bytes.
    pub fn build(&self) -> Vec<u8> {
        let mut shstr: Vec<u8> = vec![0];
        let mut name_off = |n: &[u8]| -> u32 {
            let off = shstr.len() as u32;
            shstr.extend_from_slice(n);
            shstr.push(0);
            off
        };
        let user = self.sections.len() as u32;
        let symtab_index = user + 1;
        let strtab_index = user + 2;
        let mut all: Vec<(u32, Section)> = Vec::new();
        for s in &self.sections {
            all.push((name_off(&s.name), s.clone()));
        }
        // symbol table
        let mut strtab = vec![0u8];
        let mut symtab = vec![0u8; 24];
        for s in &self.symbols {
            let off = strtab.len() as u32;
            strtab.extend_from_slice(&s.name);
            strtab.push(0);
            symtab.extend_from_slice(&self.u32b(off));
            symtab.push(s.info);
            symtab.push(0);
            symtab.extend_from_slice(&self.u16b(s.shndx));
            symtab.extend_from_slice(&self.u64b(s.value));
            symtab.extend_from_slice(&self.u64b(s.size));
        }
        let plain = |name: u32, sh_type: u32, data: Vec<u8>, link: u32, info: u32, entsize: u64| {
            (name, Section { name: Vec::new(), sh_type, flags: 0, data, size_override: None, link, info, entsize })
        };
        all.push(plain(name_off(b".symtab"), SHT_SYMTAB, symtab, strtab_index, 1, 24));
        all.push(plain(name_off(b".strtab"), SHT_STRTAB, strtab, 0, 0, 0));
        for (target, bytes) in &self.rels {
            let name = match self.sections.get((*target as usize).wrapping_sub(1)) {
                Some(s) => [b".rel".as_slice(), &s.name].concat(),
                None => b".rel.bogus".to_vec(),
            };
            all.push(plain(name_off(&name), SHT_REL, bytes.clone(), symtab_index, *target, 16));
        }
        let shstr_name = name_off(b".shstrtab");
        let shstrndx = all.len() as u32 + 1;
        all.push(plain(shstr_name, SHT_STRTAB, shstr.clone(), 0, 0, 0));

        let mut out = vec![0u8; 64];
        let mut offsets = Vec::with_capacity(all.len());
        for (_, s) in &all {
            while !out.len().is_multiple_of(8) {
                out.push(0);
            }
            offsets.push(out.len() as u64);
            out.extend_from_slice(&s.data);
        }
        while !out.len().is_multiple_of(8) {
            out.push(0);
        }
        let shoff = out.len() as u64;
        let shnum = all.len() as u64 + 1;
        // Section 0 carries the real counts when they do not fit the header's 16 bits.
        let mut null = vec![0u8; 64];
        if shnum >= 0xff00 {
            null[32..40].copy_from_slice(&self.u64b(shnum));
        }
        if shstrndx >= 0xff00 {
            null[40..44].copy_from_slice(&self.u32b(shstrndx));
        }
        out.extend_from_slice(&null);
        for ((name, s), off) in all.iter().zip(&offsets) {
            out.extend_from_slice(&self.u32b(*name));
            out.extend_from_slice(&self.u32b(s.sh_type));
            out.extend_from_slice(&self.u64b(s.flags));
            out.extend_from_slice(&self.u64b(0));
            out.extend_from_slice(&self.u64b(*off));
            out.extend_from_slice(&self.u64b(s.size_override.unwrap_or(s.data.len() as u64)));
            out.extend_from_slice(&self.u32b(s.link));
            out.extend_from_slice(&self.u32b(s.info));
            out.extend_from_slice(&self.u64b(8));
            out.extend_from_slice(&self.u64b(s.entsize));
        }
        // ELF header
        let mut h = Vec::with_capacity(64);
        h.extend_from_slice(b"\x7fELF");
        h.push(2); // 64-bit
        h.push(if self.big { 2 } else { 1 });
        h.push(1);
        h.extend_from_slice(&[0; 9]);
        h.extend_from_slice(&self.u16b(1)); // ET_REL
        h.extend_from_slice(&self.u16b(247)); // EM_BPF
        h.extend_from_slice(&self.u32b(1));
        h.extend_from_slice(&self.u64b(0));
        h.extend_from_slice(&self.u64b(0));
        h.extend_from_slice(&self.u64b(shoff));
        h.extend_from_slice(&self.u32b(0));
        h.extend_from_slice(&self.u16b(64));
        h.extend_from_slice(&self.u16b(0));
        h.extend_from_slice(&self.u16b(0));
        h.extend_from_slice(&self.u16b(64));
        h.extend_from_slice(&self.u16b(if shnum >= 0xff00 { 0 } else { shnum as u16 }));
        h.extend_from_slice(&self.u16b(if shstrndx >= 0xff00 { 0xffff } else { shstrndx as u16 }));
        out[..64].copy_from_slice(&h);
        out
    }
}

/// `prog` as one program section `section` with a GPL license: the simplest checkable object.
pub fn program(section: &str, insns: &[Insn]) -> Vec<u8> {
    let mut e = Elf::new();
    let s = e.code(section, insns);
    e.func("prog", s, 0, insns.len() as u64);
    e.license("GPL");
    e.build()
}
