//! The instruction numbers the verifier prints. libbpf loads a program as its own instructions
//! followed by each subprogram it calls or takes the address of, appended depth-first in order
//! of first reference (`bpf_object__reloc_code`); the verifier numbers that sequence from 0.

use std::collections::BTreeMap;

use super::elf::{BpfObject, ProgramDef};
use super::insn::{Loc, Op};

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
        // (segment, next offset in it): an explicit stack for libbpf's recursion
        let mut stack = vec![(main, 0u32)];
        while let Some((seg, k)) = stack.last_mut() {
            if *k >= seg.len {
                stack.pop();
                continue;
            }
            let Some(i) = seg.start.checked_add(*k) else {
                stack.pop();
                continue;
            };
            *k += 1;
            match budget.checked_sub(1) {
                Some(b) => *budget = b,
                None => break,
            }
            let section = seg.section;
            let op = obj.code.get(section as usize).and_then(|s| s.ops.get(i as usize));
            let target = match op {
                Some(Op::CallSub(t) | Op::LdFunc(_, t)) => *t,
                _ => continue,
            };
            if layout.segment(target).is_some() {
                continue;
            }
            let Some(code) = obj.code.get(target.section as usize) else { continue };
            let n = u32::try_from(code.insns.len()).unwrap_or(u32::MAX);
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
            stack.push((sub, 0));
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
