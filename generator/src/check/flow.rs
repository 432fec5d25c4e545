//! What each program reaches, and which maps can be in a helper's map argument: a forward
//! data flow over the control-flow graph, as the verifier's register tracking does in the
//! small.
//!
//! Values are tracked as "may be one of these maps" and "is the frame pointer plus a known
//! offset", through register moves, stack spills and fills, branches and loops (a join where
//! paths meet, until nothing changes) and into bpf-to-bpf calls (map arguments flow
//! into the callee, per program). Each function is analysed once per calling context and the
//! result is shared by every program that reaches it. A work budget keeps hostile input from
//! running long; running out marks the result incomplete.
//!
//! The verifier skips branches that are dead once the program is loaded: libbpf patches CO-RE
//! relocations (`bpf_core_type_exists()`, ...) into constants, and `.rodata` / `__kconfig`
//! values are frozen. The flow marks values derived from those ("load-time constants") and
//! records, for each path, the branches on such values it took; a call reached only through
//! such a branch is *guarded*, and may be dead code on the target kernel.

use std::collections::hash_map::Entry;
use std::collections::VecDeque;
use std::rc::Rc;

use rustc_hash::FxHashMap;

use super::elf::{BpfObject, FuncSym, ProgramDef};
use super::insn::{Loc, Op};
use crate::model::HelperId;

/// Instruction visits allowed per object, beyond a multiple of its size.
const BUDGET_BASE: u64 = 2_000_000;
const BUDGET_PER_INSN: u64 = 32;
/// No object gets more, whatever its size (real objects need under 4 visits per instruction).
const BUDGET_MAX: u64 = 64_000_000;
/// Function analyses (function and calling context) kept per object.
const MAX_FUNCTION_ANALYSES: usize = 1 << 16;
/// The verifier's stack is 512 bytes; offsets further out are not tracked.
const STACK_MIN: i32 = -512;

/// A set of map indices: a bitmap for the first 64, a sorted list for the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct MapSet {
    bits: u64,
    more: Vec<u32>,
}

impl MapSet {
    pub fn one(map: u32) -> MapSet {
        let mut s = MapSet::default();
        if map < 64 {
            s.bits = 1 << map;
        } else {
            s.more.push(map);
        }
        s
    }

    pub fn is_empty(&self) -> bool {
        self.bits == 0 && self.more.is_empty()
    }

    /// Adds `other`; true when that changed `self`.
    fn union_with(&mut self, other: &MapSet) -> bool {
        let before = self.bits;
        self.bits |= other.bits;
        let mut changed = before != self.bits;
        for &m in &other.more {
            if let Err(at) = self.more.binary_search(&m) {
                self.more.insert(at, m);
                changed = true;
            }
        }
        changed
    }

    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let mut bits = self.bits;
        let low = std::iter::from_fn(move || {
            let i = (bits != 0).then(|| bits.trailing_zeros())?;
            bits &= bits - 1;
            Some(i)
        });
        low.chain(self.more.iter().copied())
    }

    /// The maps, in increasing order.
    pub fn to_vec(&self) -> Vec<u32> {
        let mut v = Vec::with_capacity(self.bits.count_ones() as usize + self.more.len());
        v.extend(self.iter());
        v
    }
}

/// Interned map sets, so that abstract values are small and `Copy`: ID 0 is the empty set,
/// unions are memoized. The keys are IDs and sets this analysis made: a fast hash is enough.
struct Sets {
    sets: Vec<MapSet>,
    /// Every set but the empty one, which is ID 0.
    index: FxHashMap<MapSet, u32>,
    unions: FxHashMap<(u32, u32), u32>,
    /// A set could not be interned: some maps are missing from the values.
    full: bool,
}

impl Default for Sets {
    fn default() -> Self {
        Sets { sets: vec![MapSet::default()], index: FxHashMap::default(), unions: FxHashMap::default(), full: false }
    }
}

impl Sets {
    fn intern(&mut self, set: MapSet) -> u32 {
        if set.is_empty() {
            return 0;
        }
        if let Some(&id) = self.index.get(&set) {
            return id;
        }
        let id = match u32::try_from(self.sets.len()) {
            Ok(id) if id <= MAPS_MASK => id,
            // More sets than a value can name (a hostile object, long past any real one's
            // hundreds): the map is dropped and the analysis marked incomplete.
            _ => {
                self.full = true;
                return 0;
            }
        };
        self.sets.push(set.clone());
        self.index.insert(set, id);
        id
    }

    /// Back to only the empty set, keeping the memory.
    fn clear(&mut self) {
        self.sets.truncate(1);
        self.index.clear();
        self.unions.clear();
        self.full = false;
    }

    fn one(&mut self, map: u32) -> u32 {
        self.intern(MapSet::one(map))
    }

    #[inline]
    fn union(&mut self, a: u32, b: u32) -> u32 {
        if a == b || b == 0 {
            return a;
        }
        if a == 0 {
            return b;
        }
        self.union_of_two(a, b)
    }

    fn union_of_two(&mut self, a: u32, b: u32) -> u32 {
        let key = (a.min(b), a.max(b));
        if let Some(&u) = self.unions.get(&key) {
            return u;
        }
        let mut set = self.sets[a as usize].clone();
        set.union_with(&self.sets[b as usize]);
        let u = self.intern(set);
        self.unions.insert(key, u);
        u
    }

    fn get(&self, id: u32) -> &MapSet {
        &self.sets[id as usize]
    }
}

/// What we know of a frame-pointer-derived value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
enum Fp {
    #[default]
    No,
    At(i32),
    Any,
}

/// What we know of a value, in one word so that register files compare and copy as integers:
/// the interned map set ([`Sets`]) and two flags in the high half, the frame pointer in the
/// low half. All zero is "nothing known".
#[derive(Clone, Copy, Default, PartialEq, Eq)]
struct Val(u64);

/// Fixed at load time (CO-RE relocated constant, read from `.rodata` or `.kconfig`).
const LOAD_TIME: u64 = 1 << 62;
/// Points into read-only data.
const READ_ONLY: u64 = 1 << 63;
/// Map set IDs fit below the flags.
const MAPS_MASK: u32 = (1 << 30) - 1;
/// The low half: [`Fp::No`] is 0, [`Fp::Any`] 1, `Fp::At(o)` is `o` with its sign bit
/// flipped. The two offsets that would collide (`i32::MIN`, `i32::MIN + 1`) become `Any`: the
/// verifier refuses stack pointers further than 2^29 bytes out.
const FP_NO: u32 = 0;
const FP_ANY: u32 = 1;
const FP_SIGN: u32 = 1 << 31;

impl std::fmt::Debug for Val {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Val")
            .field("maps", &self.maps())
            .field("fp", &self.fp())
            .field("load_time", &self.load_time())
            .field("read_only", &self.read_only())
            .finish()
    }
}

impl Val {
    fn new(maps: u32, fp: Fp, load_time: bool, read_only: bool) -> Val {
        let fp = match fp {
            Fp::No => FP_NO,
            Fp::Any => FP_ANY,
            Fp::At(o) => match o as u32 ^ FP_SIGN {
                FP_NO | FP_ANY => FP_ANY,
                code => code,
            },
        };
        debug_assert!(maps <= MAPS_MASK);
        let flags = if load_time { LOAD_TIME } else { 0 } | if read_only { READ_ONLY } else { 0 };
        Val(u64::from(fp) | u64::from(maps & MAPS_MASK) << 32 | flags)
    }

    fn with_maps(maps: u32) -> Val {
        Val::new(maps, Fp::No, false, false)
    }

    fn maps(self) -> u32 {
        (self.0 >> 32) as u32 & MAPS_MASK
    }

    fn fp(self) -> Fp {
        match self.0 as u32 {
            FP_NO => Fp::No,
            FP_ANY => Fp::Any,
            code => Fp::At((code ^ FP_SIGN) as i32),
        }
    }

    fn load_time(self) -> bool {
        self.0 & LOAD_TIME != 0
    }

    fn read_only(self) -> bool {
        self.0 & READ_ONLY != 0
    }

    fn is_bottom(self) -> bool {
        self.0 == 0
    }

    fn load_time_const() -> Val {
        Val(LOAD_TIME)
    }

    #[inline]
    fn join(&mut self, other: &Val, sets: &mut Sets) -> bool {
        if self == other {
            return false;
        }
        let maps = sets.union(self.maps(), other.maps());
        let fp = match (self.fp(), other.fp()) {
            (a, b) if a == b => a,
            (Fp::No, b) => b,
            (a, Fp::No) => a,
            _ => Fp::Any,
        };
        let v = Val::new(maps, fp, self.load_time() || other.load_time(), self.read_only() || other.read_only());
        let changed = v != *self;
        *self = v;
        changed
    }
}

/// Branches on load-time constants taken to get somewhere: (branch location, taken), sorted.
pub type Assumptions = Vec<(Loc, bool)>;

/// Keeps the assumptions both sides share; true when that changed `a`.
fn intersect(a: &mut Assumptions, b: &Assumptions) -> bool {
    if a.is_empty() || a == b {
        return false;
    }
    // Both sorted: a merge walk keeps what `b` has too.
    let before = a.len();
    let mut j = 0;
    a.retain(|x| {
        while j < b.len() && b[j] < *x {
            j += 1;
        }
        j < b.len() && b[j] == *x
    });
    a.len() != before
}

/// Registers r0-r10, the 8-byte stack slots holding something we track (by offset), and
/// the load-time branches every path here took.
#[derive(Debug, PartialEq, Eq)]
struct State {
    regs: [Val; 11],
    stack: Vec<(i32, Val)>,
    assume: Assumptions,
}

/// The map sets of r1-r5 at a call (interned).
pub type Args = [u32; 5];

/// What a function is analysed for: the maps in its arguments and the load-time branches
/// every call to it is under.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Context {
    args: Args,
    assume: Assumptions,
}

impl Context {
    /// Adds the calls of `other`; true when that changed `self`.
    fn join(&mut self, other: &Context, sets: &mut Sets) -> bool {
        let mut changed = false;
        for (a, b) in self.args.iter_mut().zip(&other.args) {
            let u = sets.union(*a, *b);
            changed |= u != *a;
            *a = u;
        }
        changed | intersect(&mut self.assume, &other.assume)
    }
}

impl Clone for State {
    fn clone(&self) -> State {
        State { regs: self.regs, stack: self.stack.clone(), assume: self.assume.clone() }
    }

    /// Reuses `self`'s allocations: block entry states are copied into one scratch state.
    fn clone_from(&mut self, other: &State) {
        self.regs = other.regs;
        self.stack.clone_from(&other.stack);
        self.assume.clone_from(&other.assume);
    }
}

impl State {
    fn empty() -> State {
        State { regs: [Val::default(); 11], stack: Vec::new(), assume: Vec::new() }
    }

    /// Becomes the state at the entry of a function called in `ctx`.
    fn enter(&mut self, ctx: &Context) {
        self.regs = Default::default();
        for (i, maps) in ctx.args.iter().enumerate() {
            self.regs[i + 1] = Val::with_maps(*maps);
        }
        self.regs[10] = Val::new(0, Fp::At(0), false, false);
        self.stack.clear();
        self.assume.clone_from(&ctx.assume);
    }

    /// Records that this path took (or did not take) a branch on a load-time constant.
    fn assume(&mut self, branch: Loc, taken: bool) {
        // Entries for one branch are adjacent: (branch, false) sorts before (branch, true).
        let at = self.assume.partition_point(|x| x.0 < branch);
        let end = at + self.assume[at..].iter().take_while(|x| x.0 == branch).count();
        self.assume.splice(at..end, [(branch, taken)]);
    }

    fn join(&mut self, other: &State, sets: &mut Sets) -> bool {
        let mut changed = intersect(&mut self.assume, &other.assume);
        if self.regs != other.regs {
            for (a, b) in self.regs.iter_mut().zip(&other.regs) {
                changed |= a.join(b, sets);
            }
        }
        for (k, v) in &other.stack {
            match self.stack.binary_search_by_key(k, |(k, _)| *k) {
                Ok(i) => changed |= self.stack[i].1.join(v, sets),
                Err(i) => {
                    self.stack.insert(i, (*k, *v));
                    changed = true;
                }
            }
        }
        changed
    }

    fn reg(&self, r: u8) -> Val {
        self.regs[usize::from(r)]
    }

    fn set(&mut self, r: u8, v: Val) {
        self.regs[usize::from(r)] = v;
    }

    /// The stack offset `base + off` addresses, when `base` is the frame pointer plus a
    /// known offset inside the stack.
    fn slot(&self, base: u8, off: i16) -> Option<i32> {
        match self.reg(base).fp() {
            Fp::At(o) => o.checked_add(i32::from(off)).filter(|k| (STACK_MIN..0).contains(k)),
            _ => None,
        }
    }

    /// Drops the slots that a store of `size` bytes at `key` overwrites (in part or whole).
    fn forget(&mut self, key: i32, size: i32) {
        let from = self.stack.partition_point(|(k, _)| *k + 8 <= key);
        let to = self.stack.partition_point(|(k, _)| *k < key + size);
        if from < to {
            self.stack.drain(from..to);
        }
    }

    fn clobber_caller_saved(&mut self) {
        for r in 0..=5 {
            self.regs[r] = Val::default();
        }
    }
}

/// A helper call as one function context sees it.
#[derive(Debug)]
struct CallRecord {
    helper: HelperId,
    /// Maps possibly in the map argument (interned).
    maps: u32,
    /// Load-time branches every path to the call took.
    assume: Assumptions,
}

/// What one function does, in one context. Calls are appended as the flow visits them and
/// merged per instruction by [`Summary::normalize`] (a call in a loop is visited more than
/// once).
#[derive(Debug, Default)]
struct Summary {
    /// By instruction, after `normalize`.
    helpers: Vec<(u32, CallRecord)>,
    kfuncs: Vec<(u32, Option<u32>)>,
    /// Functions called (bpf-to-bpf) or referenced as callbacks, with their contexts.
    callees: Vec<(Loc, Context)>,
    reached: usize,
    incomplete: bool,
    /// [`IsaFeature`](super::insn::IsaFeature) bits of the instructions reached.
    features: u8,
}

impl Summary {
    fn normalize(&mut self, sets: &mut Sets) {
        // Stable sorts: the copies of one instruction merge in the order visited.
        self.helpers.sort_by_key(|(i, _)| *i);
        self.helpers.dedup_by(|(i, rec), (last, prev)| {
            if i != last {
                return false;
            }
            prev.maps = sets.union(prev.maps, rec.maps);
            intersect(&mut prev.assume, &rec.assume);
            true
        });
        self.kfuncs.sort_by_key(|(i, _)| *i);
        self.kfuncs.dedup_by_key(|(i, _)| *i);
        self.callees.sort_by_key(|(l, _)| *l);
        self.callees.dedup_by(|(l, ctx), (last, prev)| {
            if l != last {
                return false;
            }
            prev.join(ctx, sets);
            true
        });
    }
}

/// A helper call a program can reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelperCall {
    pub loc: Loc,
    pub helper: HelperId,
    /// Maps that may be in the helper's map argument (indices into the object's maps).
    pub maps: Vec<u32>,
    /// The number of that set of maps: across the programs of one object (one [`Analyzer`]),
    /// two calls have the same number exactly when their `maps` are the same.
    pub map_set: u32,
    /// Reached only through branches on load-time constants: may be dead on the target.
    pub guarded: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KfuncCall {
    pub loc: Loc,
    /// Index into [`BpfObject::externs`].
    pub name: Option<u32>,
}

/// What a program reaches.
#[derive(Debug, Clone, Default)]
pub struct ProgramFlow {
    pub helper_calls: Vec<HelperCall>,
    pub kfunc_calls: Vec<KfuncCall>,
    /// Functions reached (bpf-to-bpf calls and callbacks), the program's own included.
    pub functions: usize,
    pub reached_insns: usize,
    /// The work budget ran out: some calls may be missing.
    pub incomplete: bool,
    /// Instructions that need a newer kernel than the first eBPF ones
    /// ([`IsaFeature`](super::insn::IsaFeature) bits).
    pub isa_features: u8,
}

/// The memory of an [`Analyzer`], handed from one object's to the next so that a worker
/// checking many objects allocates it once ([`Analyzer::with_scratch`]).
#[derive(Default)]
pub struct Scratch {
    cache: FxHashMap<(Loc, Context), Rc<Summary>>,
    sets: Sets,
    buffers: Buffers,
    /// Block tables of earlier objects' sections, for their memory.
    spare: Vec<SectionBlocks>,
    /// The per-map and per-section tables of [`Analyzer`], emptied.
    inner: Vec<Option<u32>>,
    entries: Vec<Option<Vec<u32>>>,
    blocks: Vec<Option<SectionBlocks>>,
}

/// Buffers of [`Analyzer::analyze`] and [`Analyzer::program`], kept between functions and
/// programs to spare allocations.
struct Buffers {
    /// The blocks of the function being analysed.
    blocks: FunctionBlocks,
    work: VecDeque<usize>,
    st: State,
    program: ProgramBuffers,
}

/// The tables of [`Analyzer::program`], for the program being analysed.
#[derive(Default)]
struct ProgramBuffers {
    /// The functions it reaches, in the order found.
    funcs: Vec<ProgramFunction>,
    /// Where each of them is in `funcs`.
    index: FxHashMap<Loc, usize>,
    /// The functions of `funcs` whose summary is not up to date with their context.
    work: Vec<usize>,
    /// Its helper calls: location, helper, maps (interned), guarded.
    helpers: Vec<(Loc, HelperId, u32, bool)>,
}

/// A function a program reaches: its entry, the context it is analysed in (every call's,
/// joined) and its summary in that context, once analysed.
struct ProgramFunction {
    entry: Loc,
    ctx: Context,
    summary: Option<Rc<Summary>>,
}

impl Default for Buffers {
    fn default() -> Self {
        Buffers {
            blocks: FunctionBlocks::default(),
            work: VecDeque::new(),
            st: State::empty(),
            program: ProgramBuffers::default(),
        }
    }
}

/// Analyses the programs of one object. Summaries are cached across programs.
pub struct Analyzer<'o, 'd> {
    obj: &'o BpfObject<'d>,
    /// `map_arg[helper]`: the argument index (0-based) of the helper's map argument.
    map_arg: &'o [Option<u8>],
    /// By map: the entry standing for its inner maps (map-in-map), which
    /// `bpf_map_lookup_elem` on it returns.
    inner: Vec<Option<u32>>,
    cache: FxHashMap<(Loc, Context), Rc<Summary>>,
    sets: Sets,
    buffers: Buffers,
    /// Per code section, sorted: where functions start (see [`Analyzer::function_end`]).
    entries: Vec<Option<Vec<u32>>>,
    /// Per code section, found when a function of it is first analysed.
    blocks: Vec<Option<SectionBlocks>>,
    spare: Vec<SectionBlocks>,
    /// Where the object's calls and callback references lead, sorted; found with the first
    /// block table.
    ref_targets: Option<Vec<Loc>>,
    budget: u64,
    initial_budget: u64,
}

impl<'o, 'd> Analyzer<'o, 'd> {
    pub fn new(obj: &'o BpfObject<'d>, map_arg: &'o [Option<u8>]) -> Self {
        Analyzer::with_scratch(obj, map_arg, Scratch::default())
    }

    /// An analyzer working in the memory of an earlier one ([`Analyzer::into_scratch`]).
    pub fn with_scratch(obj: &'o BpfObject<'d>, map_arg: &'o [Option<u8>], scratch: Scratch) -> Self {
        let size = u64::try_from(obj.insn_count).unwrap_or(u64::MAX);
        let budget = BUDGET_BASE.saturating_add(size.saturating_mul(BUDGET_PER_INSN)).min(BUDGET_MAX);
        let Scratch { mut cache, mut sets, buffers, spare, mut inner, mut entries, mut blocks } = scratch;
        cache.clear();
        sets.clear();
        inner.clear();
        inner.extend(obj.maps.iter().map(|m| m.inner));
        entries.clear();
        entries.resize(obj.code.len(), None);
        blocks.clear();
        blocks.resize_with(obj.code.len(), || None);
        Analyzer {
            obj,
            map_arg,
            inner,
            cache,
            sets,
            buffers,
            entries,
            blocks,
            spare,
            ref_targets: None,
            budget,
            initial_budget: budget,
        }
    }

    /// The memory of this analyzer, for the next object's.
    pub fn into_scratch(self) -> Scratch {
        let Analyzer { cache, sets, buffers, mut blocks, mut spare, inner, entries, .. } = self;
        spare.extend(blocks.drain(..).flatten().take(SPARE_KEPT.saturating_sub(spare.len())));
        Scratch { cache, sets, buffers, spare, inner, entries, blocks }
    }

    /// Function analyses done so far (one per function and calling context).
    pub fn functions_analysed(&self) -> usize {
        self.cache.len()
    }

    /// Instruction visits spent so far (discovery and data flow).
    pub fn work_done(&self) -> u64 {
        self.initial_budget - self.budget
    }

    pub fn program(&mut self, prog: &ProgramDef) -> ProgramFlow {
        let entry = Loc { section: prog.section, insn: prog.start };
        let mut buffers = std::mem::take(&mut self.buffers.program);
        let ProgramBuffers { funcs, index, work, helpers } = &mut buffers;
        funcs.clear();
        index.clear();
        work.clear();
        helpers.clear();
        funcs.push(ProgramFunction { entry, ctx: Context::default(), summary: None });
        index.insert(entry, 0);
        work.push(0);
        while let Some(f) = work.pop() {
            let (at, ctx) = (funcs[f].entry, funcs[f].ctx.clone());
            let summary = self.summary(at, &ctx);
            for (callee, callee_ctx) in &summary.callees {
                match index.entry(*callee) {
                    Entry::Vacant(v) => {
                        v.insert(funcs.len());
                        work.push(funcs.len());
                        funcs.push(ProgramFunction { entry: *callee, ctx: callee_ctx.clone(), summary: None });
                    }
                    Entry::Occupied(o) => {
                        let c = *o.get();
                        if funcs[c].ctx.join(callee_ctx, &mut self.sets) && !work.contains(&c) {
                            work.push(c);
                        }
                    }
                }
            }
            funcs[f].summary = Some(summary);
            if self.budget == 0 {
                break;
            }
        }

        let mut flow = ProgramFlow { functions: funcs.len(), ..ProgramFlow::default() };
        let done = || funcs.iter().filter_map(|f| Some((f.entry, f.summary.as_deref()?)));
        let mut kfuncs: Vec<KfuncCall> = Vec::with_capacity(done().map(|(_, s)| s.kfuncs.len()).sum());
        // In the order found; the calls are sorted by location below.
        for (f, s) in done() {
            flow.reached_insns += s.reached;
            flow.incomplete |= s.incomplete;
            flow.isa_features |= s.features;
            let at = |insn| Loc { section: f.section, insn };
            helpers.extend(s.helpers.iter().map(|(i, r)| (at(*i), r.helper, r.maps, !r.assume.is_empty())));
            kfuncs.extend(s.kfuncs.iter().map(|&(i, name)| KfuncCall { loc: at(i), name }));
        }
        flow.incomplete |= self.budget == 0;
        // Two functions of a program can share code (a jump into another's body): merge.
        helpers.sort_by_key(|h| h.0);
        let sets = &mut self.sets;
        helpers.dedup_by(|h, last| {
            if h.0 != last.0 {
                return false;
            }
            last.2 = sets.union(last.2, h.2);
            last.3 &= h.3;
            true
        });
        flow.helper_calls = helpers
            .drain(..)
            .map(|(loc, helper, maps, guarded)| HelperCall {
                loc,
                helper,
                maps: self.sets.get(maps).to_vec(),
                map_set: maps,
                guarded,
            })
            .collect();
        kfuncs.sort_by_key(|k| k.loc);
        kfuncs.dedup_by_key(|k| k.loc);
        flow.kfunc_calls = kfuncs;
        self.buffers.program = buffers;
        flow
    }

    /// Where the function entered at `insn` of `section` ends: at the next function entry
    /// (a function symbol or the target of a call or callback reference in this section), or
    /// the end of the function symbol holding it, or of the section.
    fn function_end(&mut self, section: u32, insn: u32, n: u32) -> u32 {
        let obj = self.obj;
        let Some(entries) = self.entries.get_mut(section as usize) else { return n };
        let entries = entries.get_or_insert_with(|| {
            let Some(code) = obj.code.get(section as usize) else { return Vec::new() };
            let mut e: Vec<u32> = code.funcs.iter().map(|f| f.start).collect();
            e.extend(code.refs.iter().filter(|(_, t)| t.section == section).map(|(_, t)| t.insn));
            e.sort_unstable();
            e.dedup();
            e
        });
        let next = entries.get(entries.partition_point(|&e| e <= insn)).copied().unwrap_or(n);
        let symbol_end = obj
            .code
            .get(section as usize)
            .and_then(|c| c.func_at(insn))
            .map_or(n, |f| f.start.saturating_add(f.len.max(1)));
        next.min(symbol_end).min(n)
    }

    fn summary(&mut self, entry: Loc, ctx: &Context) -> Rc<Summary> {
        let key = (entry, ctx.clone());
        if let Some(s) = self.cache.get(&key) {
            return Rc::clone(s);
        }
        if self.cache.len() >= MAX_FUNCTION_ANALYSES {
            // Memory stays bounded: no more summaries are kept; the program is incomplete.
            return Rc::new(Summary { incomplete: true, ..Summary::default() });
        }
        let s = Rc::new(self.analyze(entry, ctx));
        self.cache.insert(key, Rc::clone(&s));
        s
    }

    fn analyze(&mut self, entry: Loc, ctx: &Context) -> Summary {
        let mut summary = Summary::default();
        let obj = self.obj;
        let Some(section) = obj.code.get(entry.section as usize) else { return summary };
        let ops = &section.ops;
        let n = u32::try_from(ops.len()).unwrap_or(u32::MAX);
        if entry.insn >= n {
            return summary;
        }
        // The function's instructions: from its entry to the next function entry (or the end
        // of its symbol). libbpf loads no more, and the verifier refuses paths that leave a
        // subprogram other than by exit; so each instruction is analysed for one function,
        // never again for every function that could fall into it.
        let (lo, hi) = (entry.insn, self.function_end(entry.section, entry.insn, n));
        let (ref_targets, spare) = (&mut self.ref_targets, &mut self.spare);
        let sb = &*self.blocks[entry.section as usize].get_or_insert_with(|| {
            let targets = ref_targets.get_or_insert_with(|| {
                let mut t: Vec<Loc> = obj.code.iter().flat_map(|c| c.refs.iter().map(|r| r.1)).collect();
                t.sort_unstable();
                t.dedup();
                t
            });
            let from = targets.partition_point(|t| t.section < entry.section);
            let to = targets.partition_point(|t| t.section <= entry.section);
            SectionBlocks::new(&section.ops, &section.funcs, &targets[from..to], spare.pop().unwrap_or_default())
        });
        let (blo, bhi) = match sb.at.get(lo as usize) {
            Some(&b) if b != NO_BLOCK => (b as usize, sb.blocks.partition_point(|b| b.start < hi)),
            // Every function entry starts a block ([`SectionBlocks::new`]): not taken.
            _ => {
                summary.incomplete = true;
                return summary;
            }
        };
        let func_blocks = &sb.blocks[blo..bhi];
        let Buffers { blocks, work, st, .. } = &mut self.buffers;
        let sets = &mut self.sets;
        let budget = &mut self.budget;
        blocks.start(func_blocks);
        work.clear();
        // The block of this function (numbered from its first) that starts at slot `t`.
        let block_of = |t: u32| -> Option<usize> {
            let b = *sb.at.get(t as usize)?;
            (b as usize).checked_sub(blo).filter(|&b| b < func_blocks.len())
        };
        let mut lost_edge = false;
        st.enter(ctx);
        if blocks.flags[0] & KEEPS_STATE != 0 {
            blocks.states[0].clone_from(st);
            blocks.flags[0] |= PRESENT;
        }

        // Forward data flow to a fixed point, block by block: the block an edge leads to is
        // analysed next, in the state that edge left (no copy), when that is its entry state;
        // other blocks wait in `work`.
        let mut next = Some(0);
        'blocks: loop {
            let b = match next.take() {
                Some(b) => b,
                None => loop {
                    let Some(b) = work.pop_front() else { break 'blocks };
                    if blocks.flags[b] & QUEUED == 0 {
                        continue; // analysed directly since it was queued
                    }
                    blocks.flags[b] &= !QUEUED;
                    if blocks.flags[b] & KEEPS_STATE != 0 {
                        st.clone_from(&blocks.states[b]);
                    } else {
                        std::mem::swap(st, &mut blocks.states[b]);
                    }
                    break b;
                },
            };
            let block = func_blocks[b];
            match budget.checked_sub(u64::from(block.insns)) {
                Some(left) => *budget = left,
                None => {
                    *budget = 0;
                    summary.incomplete = true;
                    break 'blocks;
                }
            }
            blocks.flags[b] |= SEEN;
            let slots = &ops[block.start as usize..=block.last as usize];
            for (i, &op) in (block.start..).zip(slots) {
                transfer((self.map_arg, &self.inner), sets, st, op, i, &mut summary);
            }
            let i = block.last;
            let op = ops[i as usize];
            let (fall, jump) = successors_in(op, i, lo, hi);
            // A branch on a load-time constant: each side remembers which way it went.
            let branch = Loc { section: entry.section, insn: i };
            let on_load_time = matches!(op, Op::Jcond { a, b, .. }
                if [a, b].into_iter().flatten().any(|r| st.reg(r).load_time()));
            if let Some(t) = jump {
                if on_load_time {
                    st.assume(branch, true);
                }
                next = send(blocks, work, sets, block_of(t), st, fall.is_none(), &mut lost_edge);
            }
            if let Some(t) = fall {
                if on_load_time {
                    st.assume(branch, false);
                }
                next = send(blocks, work, sets, block_of(t), st, true, &mut lost_edge);
            }
        }
        // What the flow reached, and the instruction set features that needs.
        for (block, flags) in func_blocks.iter().zip(&blocks.flags) {
            if flags & SEEN != 0 {
                summary.reached += block.insns as usize;
            }
        }
        let features = &section.features[section.features.partition_point(|f| f.0 < lo)..];
        for &(slot, bits) in features.iter().take_while(|f| f.0 < hi) {
            let b = func_blocks.partition_point(|b| b.start <= slot) - 1;
            if blocks.flags[b] & SEEN != 0 {
                summary.features |= bits;
            }
        }
        // An edge to a slot where no block starts: the block table is wrong.
        debug_assert!(!lost_edge, "an edge of the flow leads to no block");
        summary.incomplete |= lost_edge;
        summary.incomplete |= sets.full;
        summary.normalize(sets);
        summary
    }
}

/// Sends the state `st` along an edge to block `to` of the function (`None`: an edge to a
/// slot where no block starts). `last`: no other edge needs `st` afterwards, so the block it
/// leads to can be analysed in it directly; that block is returned when it should be.
#[inline(always)]
fn send(
    blocks: &mut FunctionBlocks,
    work: &mut VecDeque<usize>,
    sets: &mut Sets,
    to: Option<usize>,
    st: &mut State,
    last: bool,
    lost_edge: &mut bool,
) -> Option<usize> {
    let Some(tb) = to else {
        *lost_edge = true;
        return None;
    };
    if blocks.flags[tb] & KEEPS_STATE == 0 {
        if blocks.flags[tb] & QUEUED != 0 {
            // A state from an earlier visit of the predecessor waits there.
            if last {
                st.join(&blocks.states[tb], sets);
                blocks.flags[tb] &= !QUEUED;
                return Some(tb);
            }
            blocks.states[tb].join(st, sets);
            return None;
        }
        if last {
            return Some(tb);
        }
        blocks.states[tb].clone_from(st);
    } else {
        let joined = blocks.flags[tb] & PRESENT != 0;
        let changed = if joined {
            blocks.states[tb].join(st, sets)
        } else {
            blocks.states[tb].clone_from(st);
            blocks.flags[tb] |= PRESENT;
            true
        };
        if !changed {
            return None;
        }
        if last {
            if joined {
                st.clone_from(&blocks.states[tb]);
            }
            blocks.flags[tb] &= !QUEUED;
            return Some(tb);
        }
    }
    if blocks.flags[tb] & QUEUED == 0 {
        blocks.flags[tb] |= QUEUED;
        work.push_back(tb);
    }
    None
}

/// The basic blocks of one code section, found once, when a function of it is first
/// analysed. A block starts at every function entry and symbol end, every jump target, after
/// every jump, exit or invalid instruction, and after an `ld_imm64` whose second slot starts
/// one; it runs to the next start. (Its slots are analysed in order: the second slot of an
/// `ld_imm64` is an [`Op::Nop`].)
#[derive(Default)]
struct SectionBlocks {
    /// By slot: the index of the block starting there, or [`NO_BLOCK`].
    at: Vec<u32>,
    /// In order of their starts.
    blocks: Vec<Block>,
    /// By slot, while the table is made: [`Mark`] bits.
    marks: Vec<u8>,
}

const NO_BLOCK: u32 = u32::MAX;

/// Section block tables kept for their memory between objects.
const SPARE_KEPT: usize = 64;

/// What [`SectionBlocks::new`] notes of a slot: how many jumps lead there (up to 2, in the
/// low bits), and these flags.
struct Mark;

impl Mark {
    const JUMPS: u8 = 3;
    const START: u8 = 4;
    /// The second slot of an `ld_imm64`.
    const SECOND: u8 = 8;
    /// Its instruction does not fall through to the next (`ja`, `exit`, invalid).
    const NO_FALL: u8 = 16;
}

#[derive(Debug, Clone, Copy)]
struct Block {
    start: u32,
    last: u32,
    /// Instructions in it: its slots but the second ones of `ld_imm64`s.
    insns: u32,
    /// A jump leads to its start.
    jumped: bool,
    /// More than one edge of the section may lead to its start: jumps, and the fall from the
    /// slot before it.
    many: bool,
}

impl SectionBlocks {
    /// The blocks of a code section of `ops`, with function symbols `funcs`, where the
    /// object's calls and callback references lead to `targets` (in memory of `table`).
    fn new(ops: &[Op], funcs: &[FuncSym], targets: &[Loc], mut table: SectionBlocks) -> SectionBlocks {
        let n = ops.len();
        let SectionBlocks { at, blocks, marks } = &mut table;
        at.clear();
        at.resize(n, NO_BLOCK);
        blocks.clear();
        marks.clear();
        marks.resize(n + 1, 0); // a slot past the end, so that "the next slot" always exists
        if n == 0 {
            return table;
        }
        for (i, op) in ops.iter().enumerate() {
            let jump = |marks: &mut Vec<u8>, t: u32| {
                if let Some(m) = marks[..n].get_mut(t as usize) {
                    *m = (*m & !Mark::JUMPS) | ((*m & Mark::JUMPS) + 1).min(2) | Mark::START;
                }
            };
            match *op {
                Op::Ja(t) => {
                    jump(marks, t);
                    marks[i] |= Mark::NO_FALL;
                    marks[i + 1] |= Mark::START;
                }
                Op::Jcond { target, .. } => {
                    jump(marks, target);
                    marks[i + 1] |= Mark::START;
                }
                Op::Exit | Op::Invalid => {
                    marks[i] |= Mark::NO_FALL;
                    marks[i + 1] |= Mark::START;
                }
                op if op.width() == 2 => marks[i + 1] |= Mark::SECOND,
                _ => {}
            }
        }
        let mut start = |slot: u32| {
            if let Some(m) = marks[..n].get_mut(slot as usize) {
                *m |= Mark::START;
            }
        };
        start(0);
        for f in funcs {
            start(f.start);
            start(f.start.saturating_add(f.len.max(1)));
        }
        for target in targets {
            start(target.insn);
        }
        for i in 0..n {
            let m = marks[i];
            if m & Mark::START == 0 {
                let block = blocks.last_mut().expect("slot 0 starts a block");
                block.last = i as u32;
                block.insns += u32::from(m & Mark::SECOND == 0);
                continue;
            }
            if m & Mark::SECOND != 0 {
                // A jump into the second slot of an `ld_imm64`: the falls from both slots
                // meet at the next one.
                marks[i + 1] |= Mark::START;
            }
            at[i] = u32::try_from(blocks.len()).unwrap_or(NO_BLOCK);
            let jumps = m & Mark::JUMPS;
            let falls = u8::from(i > 0 && marks[i - 1] & Mark::NO_FALL == 0);
            blocks.push(Block {
                start: i as u32,
                last: i as u32,
                insns: 1,
                jumped: jumps != 0,
                many: jumps + falls > 1,
            });
        }
        table
    }
}

/// The blocks of one function's flow, numbered from its first.
#[derive(Default)]
struct FunctionBlocks {
    /// By block: its entry state where it keeps one and is [`PRESENT`], or the state waiting
    /// for it where it is [`QUEUED`].
    states: Vec<State>,
    flags: Vec<u8>,
}

impl FunctionBlocks {
    /// Ready for a function made of `blocks`, its entry first. A block keeps its entry state
    /// when more than one edge of the section can lead to it (the entry: when a jump leads
    /// there); a block with one predecessor takes the state that edge brings, and is analysed
    /// again each time one comes.
    fn start(&mut self, blocks: &[Block]) {
        self.flags.clear();
        self.flags.extend(blocks.iter().map(|b| if b.many { KEEPS_STATE } else { 0 }));
        if let (Some(f), Some(b)) = (self.flags.first_mut(), blocks.first()) {
            *f = if b.jumped { KEEPS_STATE } else { 0 };
        }
        if self.states.len() < blocks.len() {
            self.states.resize_with(blocks.len(), State::empty);
        }
    }
}

/// Flags of a block during one function's flow.
const PRESENT: u8 = 1;
const QUEUED: u8 = 2;
const SEEN: u8 = 4;
const KEEPS_STATE: u8 = 8;

/// `BPF_FUNC_map_lookup_elem`: on a map-in-map it returns an inner map.
const MAP_LOOKUP_ELEM: HelperId = HelperId::new(1);

type Tables<'a> = (&'a [Option<u8>], &'a [Option<u32>]);

fn transfer((map_arg, inner): Tables<'_>, sets: &mut Sets, st: &mut State, op: Op, i: u32, summary: &mut Summary) {
    match op {
        Op::Nop | Op::Exit | Op::Ja(_) | Op::Jcond { .. } | Op::Invalid => {}
        Op::Clobber(d) | Op::LdImm64(d) => st.set(d, Val::default()),
        Op::LoadTimeConst { dst, .. } => st.set(dst, Val::load_time_const()),
        Op::LdReadOnly(d) => st.set(d, Val::new(0, Fp::No, false, true)),
        Op::Mov(d, s) => {
            let v = st.reg(s);
            st.set(d, v);
        }
        Op::Mov32(d, s) => {
            let load_time = st.reg(s).load_time();
            st.set(d, Val::new(0, Fp::No, load_time, false));
        }
        Op::AddImm(d, imm) => {
            let old = st.reg(d);
            let fp = match old.fp() {
                Fp::At(o) => o.checked_add(imm).map_or(Fp::Any, Fp::At),
                other => other,
            };
            st.set(d, Val::new(0, fp, old.load_time(), old.read_only()));
        }
        Op::AddReg(d, s) => {
            let (old, src) = (st.reg(d), st.reg(s));
            let fp = if old.fp() == Fp::No { Fp::No } else { Fp::Any };
            // A read-only table indexed by a run-time value yields run-time values.
            let v = Val::new(0, fp, old.load_time() && src.load_time(), old.read_only() && src.load_time());
            st.set(d, v);
        }
        Op::Alu { dst, src } => {
            let load_time = st.reg(dst).load_time() && src.is_none_or(|s| st.reg(s).load_time());
            st.set(dst, Val::new(0, Fp::No, load_time, false));
        }
        Op::LdMap(d, m) => {
            let maps = sets.one(m);
            st.set(d, Val::with_maps(maps));
        }
        Op::LdFunc(d, target) => {
            st.set(d, Val::default());
            let ctx = Context { args: Args::default(), assume: st.assume.clone() };
            join_callee(summary, target, ctx);
        }
        Op::Load { dst, base, off, size } => {
            let b = st.reg(base);
            let v = if b.read_only() {
                Val::load_time_const()
            } else if size != 8 {
                Val::default()
            } else {
                match (b.fp(), st.slot(base, off)) {
                    (_, Some(k)) => match st.stack.binary_search_by_key(&k, |(k, _)| *k) {
                        Ok(at) => st.stack[at].1,
                        Err(_) => Val::default(),
                    },
                    (Fp::Any, None) => {
                        let mut v = Val::default();
                        for (_, s) in &st.stack {
                            v.join(s, sets);
                        }
                        v
                    }
                    _ => Val::default(),
                }
            };
            st.set(dst, v);
        }
        Op::Store { base, off, src } => {
            if let Some(k) = st.slot(base, off) {
                st.forget(k, 8);
                let v = st.reg(src);
                if !v.is_bottom() {
                    let at = st.stack.partition_point(|(key, _)| *key < k);
                    st.stack.insert(at, (k, v));
                }
            }
        }
        Op::StoreOther { base, off, size } => {
            if let Some(k) = st.slot(base, off) {
                st.forget(k, i32::from(size));
            }
        }
        Op::Atomic { base, off, size, fetch } => {
            if let Some(k) = st.slot(base, off) {
                st.forget(k, i32::from(size));
            }
            if let Some(r) = fetch {
                st.set(r, Val::default());
            }
        }
        Op::Helper(id) => {
            let arg = map_arg.get(id.index()).copied().flatten();
            let maps = arg.map_or(0, |a| st.reg(a + 1).maps());
            summary.helpers.push((i, CallRecord { helper: id, maps, assume: st.assume.clone() }));
            st.clobber_caller_saved();
            if id == MAP_LOOKUP_ELEM && maps != 0 {
                let inner_maps: Vec<u32> =
                    sets.get(maps).iter().filter_map(|m| inner.get(m as usize).copied().flatten()).collect();
                let mut r0 = 0;
                for m in inner_maps {
                    let one = sets.one(m);
                    r0 = sets.union(r0, one);
                }
                st.set(0, Val::with_maps(r0));
            }
        }
        Op::CallSub(target) => {
            let args: Args = std::array::from_fn(|a| st.regs[a + 1].maps());
            join_callee(summary, target, Context { args, assume: st.assume.clone() });
            st.clobber_caller_saved();
        }
        Op::Kfunc(name) => {
            summary.kfuncs.push((i, name));
            st.clobber_caller_saved();
        }
        Op::CallOther | Op::LdPacket => st.clobber_caller_saved(),
    }
}

fn join_callee(summary: &mut Summary, target: Loc, ctx: Context) {
    summary.callees.push((target, ctx));
}

/// Fall-through and jump successors of instruction `i`, within `lo..hi`.
fn successors_in(op: Op, i: u32, lo: u32, hi: u32) -> (Option<u32>, Option<u32>) {
    let (fall, jump) = successors(op, i, hi);
    (fall, jump.filter(|&t| t >= lo && t < hi))
}

/// Fall-through and jump successors of instruction `i`, within `0..n`.
fn successors(op: Op, i: u32, n: u32) -> (Option<u32>, Option<u32>) {
    let next = i.checked_add(op.width()).filter(|&t| t < n);
    match op {
        Op::Exit | Op::Invalid => (None, None),
        Op::Ja(t) => (None, Some(t)),
        Op::Jcond { target, .. } => (next, Some(target)),
        _ => (next, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::elf::{CodeSection, Lines, MapDef};
    use std::collections::HashMap;

    use crate::check::insn::{decode_op, Insn, IsaFeature, Target};

    fn insn(code: u8, dst: u8, src: u8, off: i16, imm: i32) -> Insn {
        Insn { code, dst, src, off, imm }
    }

    /// One code section; `maps[i]` is loaded by `ld_imm64` at the instruction `maps_at[i]`.
    fn object(insns: Vec<Insn>, map_loads: &[(u32, u32)], nmaps: usize) -> BpfObject<'static> {
        let relocs: HashMap<u32, Target> = map_loads.iter().map(|&(at, m)| (at, Target::Map(m))).collect();
        let mut ops = Vec::new();
        let mut i = 0;
        while i < insns.len() {
            let op = decode_op(insns[i], insns.len(), 0, i, |a| relocs.get(&(a as u32)), |_| false);
            ops.push(op);
            if op.width() == 2 {
                ops.push(Op::Nop);
            }
            i += op.width() as usize;
        }
        let n = insns.len();
        let features = (0..)
            .zip(insns.iter().zip(&ops))
            .map(|(i, (&insn, &op))| (i, IsaFeature::bits_of(insn, op)))
            .filter(|f| f.1 != 0)
            .collect();
        let refs = (0..)
            .zip(&ops)
            .filter_map(|(i, op)| match op {
                Op::CallSub(t) | Op::LdFunc(_, t) => Some((i, *t)),
                _ => None,
            })
            .collect();
        BpfObject {
            big_endian: false,
            code: vec![CodeSection { name: "xdp".into(), refs, ops, funcs: Vec::new(), features }],
            programs: vec![ProgramDef { name: "p".into(), section: 0, start: 0, len: n as u32 }],
            license: Some("GPL".into()),
            maps: (0..nmaps)
                .map(|i| MapDef {
                    name: format!("m{i}").into(),
                    section: ".maps",
                    map_type: Some(crate::model::MapTypeId::new(1)),
                    inner: None,
                    inner_of: None,
                })
                .collect(),
            externs: Vec::new(),
            weak_externs: Vec::new(),
            btf: None,
            lines: Lines::default(),
            warnings: Vec::new(),
            insn_count: n,
        }
    }

    fn ld_map(dst: u8) -> [Insn; 2] {
        [insn(0x18, dst, 0, 0, 0), insn(0, 0, 0, 0, 0)]
    }

    /// Helper 1 takes its map in r1.
    const MAP_ARG: [Option<u8>; 3] = [None, Some(0), None];

    #[test]
    fn maps_flow_through_spills_branches_and_calls() {
        let mut p = Vec::new();
        p.extend(ld_map(2)); // 0: r2 = m0
        p.push(insn(0x7b, 10, 2, -16, 0)); // 2: *(u64 *)(r10 - 16) = r2
        p.push(insn(0x15, 1, 0, 3, 0)); // 3: if r1 == 0 goto 7
        p.extend(ld_map(3)); // 4: r3 = m1
        p.push(insn(0x7b, 10, 3, -16, 0)); // 6: *(u64 *)(r10 - 16) = r3
        p.push(insn(0x79, 1, 10, -16, 0)); // 7: r1 = *(u64 *)(r10 - 16)
        p.push(insn(0xbf, 6, 1, 0, 0)); // 8: r6 = r1
        p.push(insn(0xbf, 1, 6, 0, 0)); // 9: r1 = r6
        p.push(insn(0x85, 0, 0, 0, 1)); // 10: call 1
        p.push(insn(0x85, 0, 1, 0, 1)); // 11: call pc+1 (subprogram at 13)
        p.push(insn(0x95, 0, 0, 0, 0)); // 12: exit
        p.push(insn(0x85, 0, 0, 0, 1)); // 13: call 1; r1 was clobbered by the call at 10
        p.push(insn(0x95, 0, 0, 0, 0)); // 14: exit
        let obj = object(p, &[(0, 0), (4, 1)], 2);
        let mut a = Analyzer::new(&obj, &MAP_ARG);
        let flow = a.program(&obj.programs[0]);
        let calls: Vec<(u32, Vec<u32>)> = flow.helper_calls.iter().map(|c| (c.loc.insn, c.maps.clone())).collect();
        // At 10 the slot holds m0 (jump taken) or m1 (fall-through).
        assert_eq!(calls, [(10, vec![0, 1]), (13, vec![])]);
        assert_eq!(flow.functions, 2);
        assert!(!flow.incomplete);
    }

    #[test]
    fn overwritten_spill_slot_forgets_the_map() {
        let mut p = Vec::new();
        p.extend(ld_map(2)); // 0
        p.push(insn(0x7b, 10, 2, -8, 0)); // 2: spill m0
        p.push(insn(0x62, 10, 0, -8, 0)); // 3: *(u32 *)(r10 - 8) = 0 overwrites half of it
        p.push(insn(0x79, 1, 10, -8, 0)); // 4: fill
        p.push(insn(0x85, 0, 0, 0, 1)); // 5: call 1
        p.push(insn(0x95, 0, 0, 0, 0)); // 6
        let obj = object(p, &[(0, 0)], 1);
        let flow = Analyzer::new(&obj, &MAP_ARG).program(&obj.programs[0]);
        assert_eq!(flow.helper_calls[0].maps, Vec::<u32>::new());
    }

    #[test]
    fn endless_loops_terminate() {
        let p = vec![
            insn(0x07, 1, 0, 0, 1),  // 0: r1 += 1
            insn(0x05, 0, 0, -2, 0), // 1: goto 0
        ];
        let obj = object(p, &[], 0);
        let flow = Analyzer::new(&obj, &MAP_ARG).program(&obj.programs[0]);
        assert_eq!(flow.reached_insns, 2);
    }

    #[test]
    fn maps_join_around_a_loop() {
        let mut p = Vec::new();
        p.extend(ld_map(6)); // 0: r6 = m0
        p.push(insn(0xb7, 7, 0, 0, 0)); // 2: r7 = 0
        p.push(insn(0x15, 7, 0, 3, 5)); // 3: if r7 == 5 goto 7
        p.extend(ld_map(6)); // 4: r6 = m1 (the loop body: one predecessor)
        p.push(insn(0x05, 0, 0, -4, 0)); // 6: goto 3
        p.push(insn(0xbf, 1, 6, 0, 0)); // 7: r1 = r6
        p.push(insn(0x85, 0, 0, 0, 1)); // 8: call 1
        p.push(insn(0x95, 0, 0, 0, 0)); // 9: exit
        let obj = object(p, &[(0, 0), (4, 1)], 2);
        let flow = Analyzer::new(&obj, &MAP_ARG).program(&obj.programs[0]);
        assert_eq!(flow.helper_calls.len(), 1);
        // Out of the loop at once (m0) or after its body ran (m1).
        assert_eq!(flow.helper_calls[0].maps, [0, 1]);
        assert_eq!(flow.reached_insns, 8); // an `ld_imm64` is one instruction in two slots
        assert!(!flow.incomplete);
    }

    #[test]
    fn block_table() {
        let mut p = Vec::new();
        p.push(insn(0x15, 1, 0, 1, 0)); // 0: if r1 == 0 goto 2 (the second slot of 1)
        p.extend(ld_map(2)); // 1-2: r2 = m0
        p.push(insn(0xbf, 1, 2, 0, 0)); // 3: r1 = r2
        p.push(insn(0x05, 0, 0, 1, 0)); // 4: goto 6
        p.push(insn(0xb7, 0, 0, 0, 0)); // 5: r0 = 0 (unreached: after a `goto`, and no jump here)
        p.push(insn(0x15, 0, 0, -3, 0)); // 6: if r0 == 0 goto 4
        p.push(insn(0x95, 0, 0, 0, 0)); // 7: exit
        let obj = object(p, &[(1, 0)], 1);
        let code = &obj.code[0];
        let table = SectionBlocks::new(&code.ops, &code.funcs, &[], SectionBlocks::default());
        let blocks: Vec<(u32, u32, u32, bool, bool)> =
            table.blocks.iter().map(|b| (b.start, b.last, b.insns, b.jumped, b.many)).collect();
        assert_eq!(
            blocks,
            [
                (0, 0, 1, false, false),
                // The fall from the conditional jump; the `ld_imm64` ends it, as its second
                // slot is jumped into.
                (1, 1, 1, false, false),
                (2, 2, 1, true, true),
                // Where the falls from both slots of the `ld_imm64` meet (no jump leads
                // here: one state per fall, not a join).
                (3, 3, 1, false, false),
                (4, 4, 1, true, true),
                (5, 5, 1, false, false),
                (6, 6, 1, true, true),
                (7, 7, 1, false, false),
            ]
        );
        for (i, &at) in table.at.iter().enumerate() {
            let starts = table.blocks.iter().position(|b| b.start as usize == i);
            assert_eq!(starts.map(|b| b as u32), (at != NO_BLOCK).then_some(at), "slot {i}");
        }
    }

    #[test]
    fn isa_features_count_where_reached() {
        let p = vec![
            insn(0x16, 1, 0, 0, 0),   // 0: if w1 == 0 goto 1 (JMP32)
            insn(0x95, 0, 0, 0, 0),   // 1: exit
            insn(0xdb, 10, 1, -8, 1), // 2: r1 = atomic_fetch_add((u64 *)(r10 - 8), r1): unreached
            insn(0x95, 0, 0, 0, 0),   // 3: exit
        ];
        let obj = object(p, &[], 0);
        let flow = Analyzer::new(&obj, &MAP_ARG).program(&obj.programs[0]);
        assert_eq!(IsaFeature::from_bits(flow.isa_features).collect::<Vec<_>>(), [IsaFeature::Jmp32]);
        assert_eq!(flow.reached_insns, 2);
        // Both features are in the section; only the reached one counts.
        assert_eq!(obj.code[0].features.len(), 2);
    }

    #[test]
    fn a_jump_into_the_second_slot_of_ld_imm64() {
        let mut p = Vec::new();
        p.push(insn(0x15, 1, 0, 1, 0)); // 0: if r1 == 0 goto 2 (the second slot)
        p.extend(ld_map(2)); // 1: r2 = m0
        p.push(insn(0xbf, 1, 2, 0, 0)); // 3: r1 = r2, also reached from 5
        p.push(insn(0x85, 0, 0, 0, 1)); // 4: call 1
        p.push(insn(0x15, 4, 0, -3, 0)); // 5: if r4 == 0 goto 3
        p.push(insn(0x95, 0, 0, 0, 0)); // 6: exit
        let obj = object(p, &[(1, 0)], 1);
        let flow = Analyzer::new(&obj, &MAP_ARG).program(&obj.programs[0]);
        assert_eq!(flow.helper_calls.len(), 1);
        assert_eq!(flow.helper_calls[0].maps, [0]);
        assert!(!flow.incomplete);
    }

    #[test]
    fn values_keep_their_parts_in_one_word() {
        let mut sets = Sets::default();
        let m = sets.one(3);
        for fp in [Fp::No, Fp::Any, Fp::At(0), Fp::At(-8), Fp::At(-512), Fp::At(i32::MAX), Fp::At(i32::MIN + 2)] {
            for (load_time, read_only) in [(false, false), (true, false), (false, true), (true, true)] {
                let v = Val::new(m, fp, load_time, read_only);
                assert_eq!((v.maps(), v.fp(), v.load_time(), v.read_only()), (m, fp, load_time, read_only));
            }
        }
        // The two offsets the packing cannot hold are "somewhere on the stack".
        assert_eq!(Val::new(0, Fp::At(i32::MIN), false, false).fp(), Fp::Any);
        assert_eq!(Val::new(0, Fp::At(i32::MIN + 1), false, false).fp(), Fp::Any);
        assert!(Val::default().is_bottom());
        assert_eq!(Val::default().fp(), Fp::No);
    }
}
