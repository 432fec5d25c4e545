//! Fuzzes the analysis on well-formed objects with arbitrary code: the input becomes the
//! instructions of a program section and of `.text`, with function symbols, map and function
//! relocations on every `ld_imm64` and bpf-to-bpf call, and legacy map definitions of several
//! types. Reaches the data flow, layout and rules far more often than byte-level ELF mutation.
//!
//!     cd fuzz && cargo +nightly fuzz run check_code -- -max_len=4096
#![no_main]

use std::sync::OnceLock;

use bpfspec::check::{render, Checker, Options, Report};
use bpfspec::model::Model;
use bpfspec::version::KernelVersion;
use libfuzzer_sys::fuzz_target;
use object::write::{Object, Relocation, Symbol, SymbolSection};
use object::{
    elf, Architecture, BinaryFormat, Endianness, RelocationFlags, SectionKind, SymbolFlags, SymbolKind,
    SymbolScope,
};

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(bpfspec::embedded::model)
}

const SECTIONS: [&str; 8] =
    ["xdp", "tc", "kprobe/x", "tp_btf/sched_switch", "iter.s/task", "cgroup/connect4", "sk_msg", "unknown"];
/// hash, array, prog_array, perf_event_array, ringbuf, cgrp_storage, devmap, sockmap
const MAP_TYPES: [u32; 8] = [1, 2, 3, 4, 27, 32, 14, 15];

fn build(data: &[u8]) -> Option<Vec<u8>> {
    let (&selector, rest) = data.split_first()?;
    let big = selector & 0x80 != 0;
    let endian = if big { Endianness::Big } else { Endianness::Little };
    let split = (rest.len() / 2) & !7;
    let (prog_code, text_code) = rest.split_at(split);
    let text_code = &text_code[..text_code.len() & !7];

    let mut obj = Object::new(BinaryFormat::Elf, Architecture::Bpf, endian);
    let prog_name = SECTIONS[usize::from(selector & 7)];
    let prog = obj.add_section(Vec::new(), prog_name.as_bytes().to_vec(), SectionKind::Text);
    obj.append_section_data(prog, prog_code, 8);
    let text = obj.add_section(Vec::new(), b".text".to_vec(), SectionKind::Text);
    obj.append_section_data(text, text_code, 8);
    let maps = obj.add_section(Vec::new(), b"maps".to_vec(), SectionKind::Data);
    let license = obj.add_section(Vec::new(), b"license".to_vec(), SectionKind::Data);
    obj.append_section_data(license, if selector & 0x40 != 0 { b"GPL\0" } else { b"MIT\0" }, 1);

    let mut map_syms = Vec::new();
    for (i, t) in MAP_TYPES.iter().enumerate() {
        let mut def = [0u8; 20];
        let words = [*t, 4, 8, 16, 0];
        for (w, v) in words.iter().enumerate() {
            let b = if big { v.to_be_bytes() } else { v.to_le_bytes() };
            def[w * 4..w * 4 + 4].copy_from_slice(&b);
        }
        let off = obj.append_section_data(maps, &def, 4);
        map_syms.push(obj.add_symbol(Symbol {
            name: format!("m{i}").into_bytes(),
            value: off,
            size: 20,
            kind: SymbolKind::Data,
            scope: SymbolScope::Compilation,
            weak: false,
            section: SymbolSection::Section(maps),
            flags: SymbolFlags::None,
        }));
    }
    let func = |obj: &mut Object, name: String, section, value: u64, size: u64| {
        obj.add_symbol(Symbol {
            name: name.into_bytes(),
            value,
            size,
            kind: SymbolKind::Text,
            scope: SymbolScope::Linkage,
            weak: false,
            section: SymbolSection::Section(section),
            flags: SymbolFlags::None,
        })
    };
    if !prog_code.is_empty() {
        func(&mut obj, "prog".into(), prog, 0, prog_code.len() as u64);
    }
    // .text functions every 16 instructions
    let mut text_funcs = Vec::new();
    let mut at = 0u64;
    while (at as usize) < text_code.len() {
        let size = (text_code.len() as u64 - at).min(128);
        text_funcs.push(func(&mut obj, format!("f{}", at / 8), text, at, size));
        at += 128;
    }
    let kfunc = obj.add_symbol(Symbol {
        name: b"bpf_rcu_read_lock".to_vec(),
        value: 0,
        size: 0,
        kind: SymbolKind::Text,
        scope: SymbolScope::Dynamic,
        weak: false,
        section: SymbolSection::Undefined,
        flags: SymbolFlags::None,
    });

    for (section, code) in [(prog, prog_code), (text, text_code)] {
        for (i, insn) in code.chunks_exact(8).enumerate() {
            let (opcode, regs, imm) = (insn[0], insn[1], insn[4]);
            let src = if big { regs & 0xf } else { regs >> 4 };
            let offset = (i * 8) as u64;
            let symbol = match (opcode, src) {
                (0x18, 4) if !text_funcs.is_empty() => text_funcs[usize::from(imm) % text_funcs.len()],
                (0x18, _) => map_syms[usize::from(imm) % map_syms.len()],
                (0x85, 1) if imm & 1 == 1 && !text_funcs.is_empty() => {
                    text_funcs[usize::from(imm >> 1) % text_funcs.len()]
                }
                (0x85, 1) if imm & 2 == 2 => kfunc,
                _ => continue,
            };
            let r_type = if opcode == 0x18 { elf::R_BPF_64_64 } else { elf::R_BPF_64_32 };
            obj.add_relocation(
                section,
                Relocation { offset, symbol, addend: 0, flags: RelocationFlags::Elf { r_type } },
            )
            .ok()?;
        }
    }
    obj.write().ok()
}

fuzz_target!(|data: &[u8]| {
    let Some(elf) = build(data) else { return };
    let model = model();
    let options = Options { kernel: KernelVersion::new(5, 15), license: None, overrides: Vec::new() };
    let checker = Checker::new(model, options);
    let objects = checker.check_file("fuzz.o", &elf);
    for o in &objects {
        assert!(o.error.is_none(), "a well-formed object must be readable: {:?}", o.error);
    }
    let report = Report { kernel: "5.15".into(), objects };
    let _ = render::json(&report);
    let _ = render::sarif(&report);
    let _ = render::human(&report, false, true);
});
