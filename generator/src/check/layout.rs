//! The instruction numbers the verifier prints. libbpf loads a program as its own instructions
//! followed by each subprogram it calls or takes the address of, appended depth-first in order
//! of first reference (`bpf_object__reloc_code`); the verifier numbers that sequence from 0.

use std::collections::BTreeMap;

use super::elf::{BpfObject, ProgramDef};
use super::insn::Loc;

#[derive(Debug, Clone, Copy)]
struct Segment {
    section: u32,
    start: u32,
    len: u32,
    base: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// By (section, start).
    segments: BTreeMap<(u32, u32), Segment>,
}

impl Layout {
    /// Numbers `prog` and the subprograms it references, scanning at most `budget` instruction
    /// slots (decremented); when it runs out the remaining subprograms are not numbered.
    pub fn new(obj: &BpfObject<'_>, prog: &ProgramDef, budget: &mut usize) -> Layout {
        let mut layout = Layout::default();
        let main = Segment { section: prog.section, start: prog.start, len: prog.len, base: 0 };
        layout.segments.insert((main.section, main.start), main);
        let mut total = main.len;
        // (segment, next offset in it, next of its section's references): an explicit stack
        // for libbpf's recursion. Only the slots that reference a function need looking at;
        // the budget is spent as if every slot were.
        let mut stack = vec![(main, 0u32, None::<usize>)];
        while let Some((seg, k, next_ref)) = stack.last_mut() {
            let refs = obj.code.get(seg.section as usize).map_or(&[][..], |c| c.refs.as_slice());
            let at = u64::from(seg.start) + u64::from(*k);
            let r = *next_ref.get_or_insert_with(|| refs.partition_point(|(slot, _)| u64::from(*slot) < at));
            // Slots past u32::MAX are not scanned.
            let end = (u64::from(seg.start) + u64::from(seg.len)).min(u64::from(u32::MAX) + 1);
            let found = refs.get(r).filter(|(slot, _)| u64::from(*slot) < end);
            let Some(&(slot, target)) = found else {
                // No more references in this segment: scan to its end.
                let rest = usize::try_from(end.saturating_sub(at)).unwrap_or(usize::MAX);
                if *budget < rest {
                    *budget = 0;
                    break;
                }
                *budget -= rest;
                stack.pop();
                continue;
            };
            let need = usize::try_from(u64::from(slot) - at + 1).unwrap_or(usize::MAX);
            if *budget < need {
                *budget = 0;
                break;
            }
            *budget -= need;
            *k = slot - seg.start + 1;
            *next_ref = Some(r + 1);
            if layout.segment(target).is_some() {
                continue;
            }
            let Some(code) = obj.code.get(target.section as usize) else { continue };
            let n = u32::try_from(code.ops.len()).unwrap_or(u32::MAX);
            if target.insn >= n {
                continue;
            }
            let (start, len) = match code.func_at(target.insn) {
                Some(f) => (f.start, f.len.max(1).min(n - f.start)),
                None => (target.insn, n - target.insn),
            };
            let sub = Segment { section: target.section, start, len, base: total };
            total = total.saturating_add(len);
            layout.segments.insert((sub.section, sub.start), sub);
            stack.push((sub, 0, None));
        }
        layout
    }

    fn segment(&self, loc: Loc) -> Option<&Segment> {
        let (_, seg) = self.segments.range(..=(loc.section, loc.insn)).next_back()?;
        (seg.section == loc.section && loc.insn < seg.start.saturating_add(seg.len)).then_some(seg)
    }

    /// The verifier's index of an instruction, when libbpf loads it with this program.
    pub fn index(&self, loc: Loc) -> Option<u32> {
        let seg = self.segment(loc)?;
        seg.base.checked_add(loc.insn - seg.start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::elf::{CodeSection, FuncSym, Lines};
    use crate::check::insn::Op;

    /// The numbering as libbpf walks it, one slot at a time: what [`Layout::new`] must match,
    /// budget included.
    fn slot_by_slot(obj: &BpfObject<'_>, prog: &ProgramDef, budget: &mut usize) -> Layout {
        let mut layout = Layout::default();
        let main = Segment { section: prog.section, start: prog.start, len: prog.len, base: 0 };
        layout.segments.insert((main.section, main.start), main);
        let mut total = main.len;
        let mut stack = vec![(main, 0u32)];
        while let Some((seg, k)) = stack.last_mut() {
            if *k >= seg.len {
                stack.pop();
                continue;
            }
            let i = seg.start + *k;
            *k += 1;
            match budget.checked_sub(1) {
                Some(b) => *budget = b,
                None => break,
            }
            let target = match obj.code[seg.section as usize].ops.get(i as usize) {
                Some(Op::CallSub(t) | Op::LdFunc(_, t)) => *t,
                _ => continue,
            };
            if layout.segment(target).is_some() {
                continue;
            }
            let code = &obj.code[target.section as usize];
            let n = code.ops.len() as u32;
            if target.insn >= n {
                continue;
            }
            let (start, len) = match code.func_at(target.insn) {
                Some(f) => (f.start, f.len.max(1).min(n - f.start)),
                None => (target.insn, n - target.insn),
            };
            let sub = Segment { section: target.section, start, len, base: total };
            total += len;
            layout.segments.insert((sub.section, sub.start), sub);
            stack.push((sub, 0));
        }
        layout
    }

    fn section(name: &'static str, ops: Vec<Op>, funcs: &[(u32, u32)]) -> CodeSection<'static> {
        let refs = (0..)
            .zip(&ops)
            .filter_map(|(i, op)| match op {
                Op::CallSub(t) | Op::LdFunc(_, t) => Some((i, *t)),
                _ => None,
            })
            .collect();
        CodeSection {
            name: name.into(),
            ops,
            refs,
            funcs: funcs.iter().map(|&(start, len)| FuncSym { name: format!("f{start}").into(), start, len }).collect(),
            features: Vec::new(),
        }
    }

    #[test]
    fn skipping_to_references_numbers_and_spends_as_slot_by_slot() {
        let at = |section, insn| Loc { section, insn };
        let call = |s, i| Op::CallSub(at(s, i));
        let n = Op::Nop;
        // A program calling into .text twice (one callee calls another, and back), taking a
        // callback's address, and calling past the end of a section.
        let prog = vec![n, call(1, 0), n, Op::LdFunc(0, at(1, 6)), Op::Nop, call(1, 3), call(1, 99), n, Op::Exit];
        let text = vec![n, call(1, 3), Op::Exit, n, call(1, 0), Op::Exit, n, n, Op::Exit];
        let obj = BpfObject {
            big_endian: false,
            code: vec![section("xdp", prog, &[(0, 9)]), section(".text", text, &[(0, 3), (3, 3), (6, 3)])],
            programs: vec![ProgramDef { name: "p".into(), section: 0, start: 0, len: 9 }],
            license: None,
            maps: Vec::new(),
            externs: Vec::new(),
            weak_externs: Vec::new(),
            btf: None,
            lines: Lines::default(),
            warnings: Vec::new(),
            insn_count: 18,
        };
        for budget in 0..30 {
            let (mut a, mut b) = (budget, budget);
            let fast = Layout::new(&obj, &obj.programs[0], &mut a);
            let slow = slot_by_slot(&obj, &obj.programs[0], &mut b);
            let segs =
                |l: &Layout| l.segments.values().map(|s| (s.section, s.start, s.len, s.base)).collect::<Vec<_>>();
            assert_eq!((segs(&fast), a), (segs(&slow), b), "budget {budget}");
        }
        assert_eq!(Layout::new(&obj, &obj.programs[0], &mut 100).index(at(1, 7)), Some(16));
    }
}
