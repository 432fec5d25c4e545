//! BPF instructions: decoding the 8-byte slots of either byte order, and the small set of
//! effects ([`Op`]) the analysis cares about.

use crate::model::HelperId;
use crate::version::{KernelVersion, Since};

/// A code location: an executable section (index into [`super::elf::BpfObject::code`]) and an
/// instruction slot inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    pub section: u32,
    pub insn: u32,
}

/// One raw instruction slot, fields already in host order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Insn {
    pub code: u8,
    pub dst: u8,
    pub src: u8,
    pub off: i16,
    pub imm: i32,
}

impl Insn {
    /// Decodes one slot. In big-endian objects the register nibbles are swapped too: the
    /// `dst_reg:4, src_reg:4` bitfields are allocated from the most significant bit.
    #[inline]
    pub fn decode(bytes: [u8; 8], big_endian: bool) -> Insn {
        // One load of the whole slot; the fields are where the byte order puts them.
        let (code, regs, off, imm) = if big_endian {
            let w = u64::from_be_bytes(bytes);
            ((w >> 56) as u8, (w >> 48) as u8, (w >> 32) as u16, w as u32)
        } else {
            let w = u64::from_le_bytes(bytes);
            (w as u8, (w >> 8) as u8, (w >> 16) as u16, (w >> 32) as u32)
        };
        let (dst, src) = if big_endian { (regs >> 4, regs & 0xf) } else { (regs & 0xf, regs >> 4) };
        Insn { code, dst, src, off: off as i16, imm: imm as i32 }
    }

    pub fn class(self) -> u8 {
        self.code & 0x07
    }

    /// `ld_imm64`, the only instruction that takes two slots.
    pub fn is_ld_imm64(self) -> bool {
        self.code == LD_IMM64
    }

    /// A `call` of any kind (helper, bpf-to-bpf, kfunc).
    pub fn is_call(self) -> bool {
        self.code == CALL
    }
}

pub const LD_IMM64: u8 = 0x18;
pub const CALL: u8 = 0x85;

/// `call` src_reg values.
pub const PSEUDO_CALL: u8 = 1;
pub const PSEUDO_KFUNC_CALL: u8 = 2;
/// `ld_imm64` src_reg value for the address of a function (callbacks).
pub const PSEUDO_FUNC: u8 = 4;

const CLASS_LD: u8 = 0x00;
const CLASS_LDX: u8 = 0x01;
const CLASS_ST: u8 = 0x02;
const CLASS_STX: u8 = 0x03;
const CLASS_ALU: u8 = 0x04;
const CLASS_JMP: u8 = 0x05;
const CLASS_JMP32: u8 = 0x06;
const CLASS_ALU64: u8 = 0x07;

const MODE_MEM: u8 = 0x60;
const MODE_ATOMIC: u8 = 0xc0;
const MODE_MEMSX: u8 = 0x80;
const SIZE_DW: u8 = 0x18;
const SRC_X: u8 = 0x08;

const ATOMIC_FETCH: i32 = 0x01;
const ATOMIC_CMPXCHG: i32 = 0xf0 | ATOMIC_FETCH;
const LOAD_ACQ: i32 = 0x100;
const STORE_REL: i32 = 0x110;

/// Instructions some kernels do not know: the verifier of an older kernel refuses them
/// ("uses reserved fields", "unknown opcode") whatever the helpers. Each adds its release to a
/// program's `min_kernel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IsaFeature {
    /// `call` of a function of the object (`src_reg` 1).
    BpfToBpfCall,
    /// The `BPF_JMP32` class: jumps comparing 32-bit halves.
    Jmp32,
    /// Atomic operations other than the plain add: fetch variants, and/or/xor, xchg, cmpxchg.
    AtomicOps,
    /// `call` of a kernel function (`src_reg` 2).
    KfuncCall,
    /// The "v4" instructions: sign-extending loads and moves, signed division and modulo,
    /// unconditional byte swaps, 32-bit-offset jumps (`gotol`).
    Cpuv4,
    /// Load-acquire and store-release atomics.
    LoadAcquireStoreRelease,
}

impl IsaFeature {
    /// Every feature, oldest first.
    pub const ALL: [IsaFeature; 6] = [
        IsaFeature::BpfToBpfCall,
        IsaFeature::Jmp32,
        IsaFeature::AtomicOps,
        IsaFeature::KfuncCall,
        IsaFeature::Cpuv4,
        IsaFeature::LoadAcquireStoreRelease,
    ];

    /// The name a `min_kernel_by` list shows.
    pub fn name(self) -> &'static str {
        match self {
            IsaFeature::BpfToBpfCall => "bpf-to-bpf calls",
            IsaFeature::Jmp32 => "BPF_JMP32 instructions",
            IsaFeature::AtomicOps => "atomic fetch/and/or/xor/xchg/cmpxchg instructions",
            IsaFeature::KfuncCall => "kfunc calls",
            IsaFeature::Cpuv4 => "cpu v4 instructions (sign extension, signed division, bswap, gotol)",
            IsaFeature::LoadAcquireStoreRelease => "load-acquire/store-release instructions",
        }
    }

    /// The release whose verifier first accepts it (`-mcpu=v3` needs 5.1, `v4` 6.6).
    pub fn since(self) -> Since {
        let v = |major, minor| Since::exact(KernelVersion::new(major, minor));
        match self {
            IsaFeature::BpfToBpfCall => v(4, 16),
            IsaFeature::Jmp32 => v(5, 1),
            IsaFeature::AtomicOps => v(5, 12),
            IsaFeature::KfuncCall => v(5, 13),
            IsaFeature::Cpuv4 => v(6, 6),
            // Absent in the measured 6.12, present in 7.2; the release between is not pinned.
            IsaFeature::LoadAcquireStoreRelease => {
                Since { at_least: Some(KernelVersion::new(6, 13)), at_most: KernelVersion::new(7, 2) }
            }
        }
    }

    /// The features one instruction slot uses, as bits (`1 << feature as u8`). Calls go by
    /// their decoded `op`: in a relocatable object clang encodes a kfunc call like a call of
    /// the object's own function (`src_reg` 1, relocated against the extern); libbpf rewrites it.
    #[inline]
    pub fn bits_of(insn: Insn, decoded: Op) -> u8 {
        if !MAY_NEED_FEATURE[usize::from(insn.code)] {
            return 0;
        }
        IsaFeature::bits_of_any(insn, decoded)
    }

    /// [`IsaFeature::bits_of`] for any opcode.
    fn bits_of_any(insn: Insn, decoded: Op) -> u8 {
        let bit = |f: IsaFeature| 1u8 << f as u8;
        let (class, op) = (insn.class(), insn.code & 0xf0);
        match class {
            CLASS_JMP if insn.code == CALL => match decoded {
                Op::CallSub(_) => bit(IsaFeature::BpfToBpfCall),
                Op::Kfunc(_) => bit(IsaFeature::KfuncCall),
                _ => 0,
            },
            // `gotol`: BPF_JA in the JMP32 class.
            CLASS_JMP32 if op == 0x00 => bit(IsaFeature::Cpuv4),
            CLASS_JMP32 => bit(IsaFeature::Jmp32),
            CLASS_STX if insn.code & 0xe0 == MODE_ATOMIC => match insn.imm {
                0 => 0,
                LOAD_ACQ | STORE_REL => bit(IsaFeature::LoadAcquireStoreRelease),
                _ => bit(IsaFeature::AtomicOps),
            },
            CLASS_LDX if insn.code & 0xe0 == MODE_MEMSX => bit(IsaFeature::Cpuv4),
            CLASS_ALU | CLASS_ALU64 => {
                let sign_ext_move = op == 0xb0 && insn.off != 0;
                let signed_div = (op == 0x30 || op == 0x90) && insn.off == 1;
                let bswap = class == CLASS_ALU64 && op == 0xd0;
                if sign_ext_move || signed_div || bswap {
                    bit(IsaFeature::Cpuv4)
                } else {
                    0
                }
            }
            _ => 0,
        }
    }

    /// The features whose bits are set in `bits`.
    pub fn from_bits(bits: u8) -> impl Iterator<Item = IsaFeature> {
        IsaFeature::ALL.into_iter().filter(move |f| bits & (1 << *f as u8) != 0)
    }
}

/// By opcode: whether an instruction with it can need an [`IsaFeature`] (the others need
/// none, whatever their other fields), so that [`IsaFeature::bits_of`] looks no further.
const MAY_NEED_FEATURE: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        let code = i as u8;
        let (class, op) = (code & 0x07, code & 0xf0);
        table[i] = match class {
            CLASS_JMP => code == CALL,
            CLASS_JMP32 => true,
            CLASS_STX => code & 0xe0 == MODE_ATOMIC,
            CLASS_LDX => code & 0xe0 == MODE_MEMSX,
            CLASS_ALU | CLASS_ALU64 => op == 0xb0 || op == 0x30 || op == 0x90 || (class == CLASS_ALU64 && op == 0xd0),
            _ => false,
        };
        i += 1;
    }
    table
};

/// Where a relocation on an instruction points, resolved by the object reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A map definition (index into [`super::elf::BpfObject::maps`]).
    Map(u32),
    /// Code: an executable section and the symbol's byte offset in it.
    Code { section: u32, byte_off: u64 },
    /// An undefined symbol (kfunc or ksym), by name.
    Extern(String),
    /// Data fixed at load time: `.rodata*`, `__kconfig` externs.
    ReadOnly,
    /// Anything else: global data, BTF-less externs, symbols we cannot place.
    Other,
}

/// The effect of one instruction, as far as the map-tracking data flow and the call graph
/// are concerned. Registers are numbered 0..=10; anything else has been turned into
/// [`Op::Invalid`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// No effect on tracked state.
    Nop,
    /// `dst` gets a value we do not track.
    Clobber(u8),
    /// `dst = src` (64-bit move).
    Mov(u8, u8),
    /// `wdst = wsrc` (32-bit move): keeps only whether the value is fixed at load time.
    Mov32(u8, u8),
    /// `dst += imm` (64-bit): moves a frame pointer.
    AddImm(u8, i32),
    /// `dst += src` or `dst -= src`: a frame pointer becomes a stack address we cannot place.
    AddReg(u8, u8),
    /// Other arithmetic: `dst op= src` (or an immediate when `src` is `None`).
    Alu {
        dst: u8,
        src: Option<u8>,
    },
    /// `ld_imm64 dst, map`.
    LdMap(u8, u32),
    /// `ld_imm64 dst, function`: a callback, which the verifier checks as part of the program.
    LdFunc(u8, Loc),
    /// `ld_imm64 dst, read-only data` (`.rodata`, a `__kconfig` extern): loads through it
    /// yield values fixed at load time.
    LdReadOnly(u8),
    /// Any other `ld_imm64`.
    LdImm64(u8),
    /// A constant that a CO-RE relocation patches at load time (`bpf_core_type_exists()`, ...).
    LoadTimeConst {
        dst: u8,
        wide: bool,
    },
    /// `dst = *(size *)(base + off)`.
    Load {
        dst: u8,
        base: u8,
        off: i16,
        size: u8,
    },
    /// `*(u64 *)(base + off) = src`.
    Store {
        base: u8,
        off: i16,
        src: u8,
    },
    /// A store we do not track the value of (immediate, narrower, atomic).
    StoreOther {
        base: u8,
        off: i16,
        size: u8,
    },
    /// An atomic read-modify-write; `fetch` is the register that receives the old value.
    Atomic {
        base: u8,
        off: i16,
        size: u8,
        fetch: Option<u8>,
    },
    /// `call helper`.
    Helper(HelperId),
    /// bpf-to-bpf call.
    CallSub(Loc),
    /// kfunc call; the name's index in [`super::elf::BpfObject::externs`], if known.
    Kfunc(Option<u32>),
    /// A call we cannot resolve (callx, bad target): clobbers r0-r5.
    CallOther,
    /// Legacy packet loads (`ld_abs`/`ld_ind`): clobber r0-r5 like a call.
    LdPacket,
    Exit,
    /// Unconditional jump.
    Ja(u32),
    /// Conditional jump: falls through or jumps to `target`, testing `a` (and `b`).
    Jcond {
        target: u32,
        a: Option<u8>,
        b: Option<u8>,
    },
    /// Malformed (bad register, jump out of the section, truncated `ld_imm64`): ends the path,
    /// as the verifier would refuse it.
    Invalid,
}

impl Op {
    /// The instruction slots this op takes.
    pub fn width(self) -> u32 {
        match self {
            Op::LdMap(..) | Op::LdFunc(..) | Op::LdImm64(..) | Op::LdReadOnly(..) => 2,
            Op::LoadTimeConst { wide: true, .. } => 2,
            _ => 1,
        }
    }
}

/// Decodes the effect of `insn`, slot `idx` of the `len` slots of section `section`. `target`
/// looks up the relocation on an instruction slot; `core` tells whether a CO-RE relocation
/// patches it.
#[inline]
pub fn decode_op<'t>(
    insn: Insn,
    len: usize,
    section: u32,
    idx: usize,
    target: impl Fn(usize) -> Option<&'t Target>,
    core: impl Fn(usize) -> bool,
) -> Op {
    if idx >= len || insn.dst > 10 || insn.src > 10 {
        return Op::Invalid;
    }
    // A jump target `idx + 1 + delta`, if it lies inside the section.
    let jump = |delta: i64| -> Option<u32> {
        let t = i64::try_from(idx).ok()?.checked_add(1)?.checked_add(delta)?;
        if t >= 0 && (t as u64) < len as u64 {
            u32::try_from(t).ok()
        } else {
            None
        }
    };
    let dst = insn.dst;
    match insn.class() {
        CLASS_LD => {
            if insn.is_ld_imm64() {
                if idx + 1 >= len {
                    return Op::Invalid;
                }
                if core(idx) {
                    return Op::LoadTimeConst { dst, wide: true };
                }
                return match target(idx) {
                    Some(&Target::Map(m)) => Op::LdMap(dst, m),
                    Some(Target::ReadOnly) => Op::LdReadOnly(dst),
                    Some(&Target::Code { section: s, byte_off }) => {
                        let at = byte_off.checked_add_signed(i64::from(insn.imm)).map(|b| b / 8);
                        match at.and_then(|a| u32::try_from(a).ok()) {
                            Some(a) => Op::LdFunc(dst, Loc { section: s, insn: a }),
                            None => Op::LdImm64(dst),
                        }
                    }
                    Some(_) => Op::LdImm64(dst),
                    None if insn.src == PSEUDO_FUNC => match jump(i64::from(insn.imm)) {
                        Some(a) => Op::LdFunc(dst, Loc { section, insn: a }),
                        None => Op::LdImm64(dst),
                    },
                    None => Op::LdImm64(dst),
                };
            }
            match insn.code & 0xe0 {
                0x20 | 0x40 => Op::LdPacket,
                _ => Op::Nop,
            }
        }
        CLASS_LDX => match insn.code & 0xe0 {
            MODE_MEM => Op::Load { dst, base: insn.src, off: insn.off, size: access_size(insn.code) },
            _ => Op::Clobber(dst),
        },
        CLASS_ST => Op::StoreOther { base: dst, off: insn.off, size: access_size(insn.code) },
        CLASS_STX => match insn.code & 0xe0 {
            MODE_MEM if insn.code & 0x18 == SIZE_DW => Op::Store { base: dst, off: insn.off, src: insn.src },
            MODE_ATOMIC => {
                let fetch = if insn.imm == ATOMIC_CMPXCHG {
                    Some(0)
                } else if insn.imm == LOAD_ACQ {
                    // load-acquire: dst = *(src + off)
                    return Op::Clobber(dst);
                } else if insn.imm & ATOMIC_FETCH != 0 {
                    Some(insn.src)
                } else {
                    None
                };
                Op::Atomic { base: dst, off: insn.off, size: access_size(insn.code), fetch }
            }
            _ => Op::StoreOther { base: dst, off: insn.off, size: access_size(insn.code) },
        },
        CLASS_ALU | CLASS_ALU64 => {
            let op = insn.code & 0xf0;
            let reg = insn.code & SRC_X != 0;
            let wide = insn.class() == CLASS_ALU64;
            match (op, reg) {
                (0xb0, false) if core(idx) => Op::LoadTimeConst { dst, wide: false },
                (0xb0, false) => Op::Clobber(dst),
                // mov; `off != 0` is movsx or an address-space cast
                (0xb0, true) if wide && insn.off == 0 => Op::Mov(dst, insn.src),
                (0xb0, true) => Op::Mov32(dst, insn.src),
                (0x00, false) if wide => Op::AddImm(dst, insn.imm),
                (0x10, false) if wide => match insn.imm.checked_neg() {
                    Some(neg) => Op::AddImm(dst, neg),
                    None => Op::Alu { dst, src: None },
                },
                (0x00 | 0x10, true) if wide => Op::AddReg(dst, insn.src),
                (_, true) => Op::Alu { dst, src: Some(insn.src) },
                (_, false) => Op::Alu { dst, src: None },
            }
        }
        CLASS_JMP | CLASS_JMP32 => {
            let op = insn.code & 0xf0;
            let jmp32 = insn.class() == CLASS_JMP32;
            match op {
                0x00 => {
                    // `ja`; JMP32 `ja` (gotol) takes its offset from imm
                    let delta = if jmp32 { i64::from(insn.imm) } else { i64::from(insn.off) };
                    jump(delta).map_or(Op::Invalid, Op::Ja)
                }
                0x80 if !jmp32 => call_op(insn, section, idx, &target, jump),
                0x90 if !jmp32 => Op::Exit,
                0xf0 => Op::Invalid,
                // may_goto: no registers tested
                0xe0 => jump(i64::from(insn.off)).map_or(Op::Invalid, |t| Op::Jcond { target: t, a: None, b: None }),
                _ => {
                    let b = (insn.code & SRC_X != 0).then_some(insn.src);
                    jump(i64::from(insn.off)).map_or(Op::Invalid, |t| Op::Jcond { target: t, a: Some(dst), b })
                }
            }
        }
        _ => Op::Invalid,
    }
}

fn call_op<'t>(
    insn: Insn,
    section: u32,
    idx: usize,
    target: &impl Fn(usize) -> Option<&'t Target>,
    jump: impl Fn(i64) -> Option<u32>,
) -> Op {
    if insn.code & SRC_X != 0 {
        return Op::CallOther; // callx
    }
    match insn.src {
        0 => match u32::try_from(insn.imm) {
            Ok(id) => Op::Helper(HelperId::new(id)),
            Err(_) => Op::Helper(HelperId::new(u32::MAX)),
        },
        PSEUDO_CALL => match target(idx) {
            Some(&Target::Code { section: s, byte_off }) => {
                // libbpf: the callee starts at `sym_off / 8 + imm + 1`
                let at = i64::try_from(byte_off / 8)
                    .ok()
                    .and_then(|b| b.checked_add(i64::from(insn.imm)))
                    .and_then(|b| b.checked_add(1))
                    .and_then(|b| u32::try_from(b).ok());
                at.map_or(Op::CallOther, |a| Op::CallSub(Loc { section: s, insn: a }))
            }
            // clang emits calls of `__ksym` functions as bpf-to-bpf calls of an undefined
            // symbol; libbpf turns them into kfunc calls.
            Some(Target::Extern(_)) => Op::Kfunc(None),
            Some(_) => Op::CallOther,
            None => jump(i64::from(insn.imm)).map_or(Op::CallOther, |a| Op::CallSub(Loc { section, insn: a })),
        },
        PSEUDO_KFUNC_CALL => Op::Kfunc(None),
        _ => Op::CallOther,
    }
}

fn access_size(code: u8) -> u8 {
    match code & 0x18 {
        0x00 => 4,
        0x08 => 2,
        0x10 => 1,
        _ => 8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn insn(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> Insn {
        Insn { code, dst, src, off, imm }
    }

    #[test]
    fn opcodes_passed_over_need_no_feature() {
        let decoded = [Op::CallSub(Loc { section: 0, insn: 0 }), Op::Kfunc(None), Op::Nop];
        for code in 0..=255u8 {
            if MAY_NEED_FEATURE[usize::from(code)] {
                continue;
            }
            for (src, off, imm) in [(0, 0, 0), (1, 1, 1), (2, -1, -1), (1, 8, LOAD_ACQ), (0, 16, STORE_REL)] {
                for op in decoded {
                    let i = insn(code, 1, src, off, imm);
                    assert_eq!(IsaFeature::bits_of_any(i, op), 0, "{i:?}");
                }
            }
        }
    }

    #[test]
    fn isa_features_of_instructions() {
        let features = |i: Insn| {
            let op = decode_op(i, 1, 0, 0, |_| None, |_| false);
            IsaFeature::from_bits(IsaFeature::bits_of(i, op)).collect::<Vec<_>>()
        };
        // Plain eBPF: mov, add, exit, helper call, xadd, ld_imm64 and its second slot.
        for plain in [
            insn(0xb7, 0, 0, 0, 1),
            insn(0x07, 1, 0, 0, 8),
            insn(0x95, 0, 0, 0, 0),
            insn(CALL, 0, 0, 0, 1),
            insn(0xdb, 1, 2, 0, 0),
            insn(LD_IMM64, 1, 1, 0, 0),
            insn(0, 0, 0, 0, 0),
        ] {
            assert_eq!(features(plain), [], "{plain:?}");
        }
        let call =
            |src, op| IsaFeature::from_bits(IsaFeature::bits_of(insn(CALL, 0, src, 0, -1), op)).collect::<Vec<_>>();
        assert_eq!(call(PSEUDO_CALL, Op::CallSub(Loc { section: 0, insn: 3 })), [IsaFeature::BpfToBpfCall]);
        // clang's encoding of a kfunc extern call (src_reg 1), and libbpf's (src_reg 2).
        assert_eq!(call(PSEUDO_CALL, Op::Kfunc(None)), [IsaFeature::KfuncCall]);
        assert_eq!(call(PSEUDO_KFUNC_CALL, Op::Kfunc(None)), [IsaFeature::KfuncCall]);
        assert_eq!(call(0, Op::Helper(HelperId::new(1))), []);
        assert_eq!(features(insn(0x16, 1, 0, 2, 0)), [IsaFeature::Jmp32], "jeq32 r1, 0");
        assert_eq!(features(insn(0x06, 0, 0, 0, 100)), [IsaFeature::Cpuv4], "gotol");
        assert_eq!(features(insn(0xdb, 1, 2, 0, 0x01)), [IsaFeature::AtomicOps], "fetch_add");
        assert_eq!(features(insn(0xdb, 1, 2, 0, 0xf1)), [IsaFeature::AtomicOps], "cmpxchg");
        assert_eq!(features(insn(0xc3, 1, 2, 0, 0x50)), [IsaFeature::AtomicOps], "32-bit atomic and");
        assert_eq!(features(insn(0xdb, 1, 2, 0, 0x100)), [IsaFeature::LoadAcquireStoreRelease]);
        assert_eq!(features(insn(0x91, 1, 2, 0, 0)), [IsaFeature::Cpuv4], "ldsx b");
        assert_eq!(features(insn(0xbf, 1, 2, 8, 0)), [IsaFeature::Cpuv4], "movsx8");
        assert_eq!(features(insn(0x3f, 1, 2, 1, 0)), [IsaFeature::Cpuv4], "sdiv");
        assert_eq!(features(insn(0xd7, 1, 0, 0, 16)), [IsaFeature::Cpuv4], "bswap16");
        assert_eq!(features(insn(0xd4, 1, 0, 0, 16)), [], "le16 (ALU class): old");
        assert!(IsaFeature::ALL.windows(2).all(|w| w[0].since().at_most <= w[1].since().at_most));
    }

    #[test]
    fn decodes_both_byte_orders() {
        let le = [0x85, 0x00, 0, 0, 14, 0, 0, 0];
        let be = [0x85, 0x00, 0, 0, 0, 0, 0, 14];
        assert_eq!(Insn::decode(le, false), insn(0x85, 0, 0, 0, 14));
        assert_eq!(Insn::decode(be, true), insn(0x85, 0, 0, 0, 14));
        // r1 = r6: dst 1, src 6
        assert_eq!(Insn::decode([0xbf, 0x61, 0, 0, 0, 0, 0, 0], false).dst, 1);
        assert_eq!(Insn::decode([0xbf, 0x16, 0, 0, 0, 0, 0, 0], true).dst, 1);
        assert_eq!(Insn::decode([0xbf, 0x16, 0, 0, 0, 0, 0, 0], true).src, 6);
        // *(u64 *)(r10 - 8) = r2; and r3 += -2 (negative fields, every byte used)
        assert_eq!(Insn::decode([0x7b, 0x2a, 0xf8, 0xff, 0, 0, 0, 0], false), insn(0x7b, 10, 2, -8, 0));
        assert_eq!(Insn::decode([0x7b, 0xa2, 0xff, 0xf8, 0, 0, 0, 0], true), insn(0x7b, 10, 2, -8, 0));
        assert_eq!(Insn::decode([0x07, 0x03, 0x34, 0x12, 0xfe, 0xff, 0xff, 0xff], false), insn(0x07, 3, 0, 0x1234, -2));
        assert_eq!(Insn::decode([0x07, 0x30, 0x12, 0x34, 0xff, 0xff, 0xff, 0xfe], true), insn(0x07, 3, 0, 0x1234, -2));
    }

    #[test]
    fn effects() {
        let none = |_| None;
        let no_core = |_| false;
        let prog = [
            insn(0xbf, 1, 6, 0, 0),   // r1 = r6
            insn(0x07, 10, 0, 0, -8), // r10 += -8 (never valid, decoded anyway)
            insn(0x7b, 10, 1, -8, 0), // *(u64 *)(r10 - 8) = r1
            insn(0x79, 2, 10, -8, 0), // r2 = *(u64 *)(r10 - 8)
            insn(0x85, 0, 0, 0, 1),   // call 1
            insn(0x85, 0, 1, 0, 1),   // call pc+1
            insn(0x15, 1, 0, 100, 0), // if r1 == 0 goto out of range
            insn(0x95, 0, 0, 0, 0),   // exit
        ];
        let ops: Vec<Op> = (0..prog.len()).map(|i| decode_op(prog[i], prog.len(), 0, i, none, no_core)).collect();
        assert_eq!(
            ops,
            [
                Op::Mov(1, 6),
                Op::AddImm(10, -8),
                Op::Store { base: 10, off: -8, src: 1 },
                Op::Load { dst: 2, base: 10, off: -8, size: 8 },
                Op::Helper(HelperId::new(1)),
                Op::CallSub(Loc { section: 0, insn: 7 }),
                Op::Invalid,
                Op::Exit,
            ]
        );
    }
}
