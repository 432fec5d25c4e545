//! Read a verdict out of an errno and a verifier log.
//!
//! `bpftool feature probe` only knows `invalid func` and `unknown func`; 6.18 says `program of
//! this type cannot use helper`, so bpftool reports every helper as available everywhere. Here
//! every message the verifier uses to refuse a helper call, on old and new kernels, has a
//! verdict, and the line that decided it is kept as evidence.

use std::sync::LazyLock;

use memchr::memmem::{Finder, FinderRev};
use serde::{Serialize, Serializer};

use crate::model::HelperId;
/// What the verifier said about one helper call (or one map passed to a helper).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Loaded, or refused for a reason that proves the helper's prototype was found (an
    /// argument of the wrong type, a reference left unreleased after the call, ...).
    Allowed,
    /// The prototype was found, but the helper's `allowed()` callback refused this program's
    /// attach target (`helper call is not allowed in probe`): callable from some targets.
    TargetRestricted,
    /// The program type (with this attach type, capabilities and config) has no prototype for
    /// the helper: `program of this type cannot use helper` (6.x), `unknown func` (older).
    NotAllowed,
    /// The kernel does not know this helper ID: `invalid func unknown#N`.
    UnknownHelper,
    /// `cannot call GPL-restricted function from non-GPL compatible program`.
    GplOnly,
    /// `helper call might sleep in a non-sleepable prog`.
    SleepableOnly,
    /// The helper (or the program) does not accept this map type.
    MapRejected,
    /// `EPERM` with an empty log: this program type or target cannot be loaded here at all.
    Denied,
    /// Anything else; carries the deciding line.
    Other(String),
}

impl Verdict {
    /// The stable name used in JSON and tables.
    pub fn tag(&self) -> &'static str {
        match self {
            Verdict::Allowed => "allowed",
            Verdict::TargetRestricted => "target_restricted",
            Verdict::NotAllowed => "not_allowed",
            Verdict::UnknownHelper => "unknown_helper",
            Verdict::GplOnly => "gpl_only",
            Verdict::SleepableOnly => "sleepable_only",
            Verdict::MapRejected => "map_rejected",
            Verdict::Denied => "denied",
            Verdict::Other(_) => "other",
        }
    }

    /// The helper's prototype exists for this program: the call is possible, perhaps only from
    /// some attach targets.
    pub fn callable(&self) -> bool {
        matches!(self, Verdict::Allowed | Verdict::TargetRestricted)
    }

    /// Did the verifier give an answer about the helper (as opposed to about the program)?
    pub fn is_conclusive(&self) -> bool {
        !matches!(self, Verdict::Denied | Verdict::Other(_))
    }
}

impl Serialize for Verdict {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.tag())
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}

/// A verdict and the log line (or errno) it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    pub verdict: Verdict,
    pub evidence: String,
}

/// Messages that refuse a helper call, most specific first. Each is matched against the log's
/// lines; the first pattern found anywhere decides.
const HELPER_MESSAGES: &[(&str, Verdict)] = &[
    // 6.18 check_helper_call(): the ID is past __BPF_FUNC_MAX_ID.
    ("invalid func ", Verdict::UnknownHelper),
    // 6.x: get_func_proto() returned NULL.
    ("program of this type cannot use helper ", Verdict::NotAllowed),
    // Before 6.x (and in 4.x/5.x for both unknown IDs and disallowed ones).
    ("unknown func ", Verdict::NotAllowed),
    ("cannot call GPL-restricted function from non-GPL compatible program", Verdict::GplOnly),
    ("helper call might sleep in a non-sleepable prog", Verdict::SleepableOnly),
    // 7.2: `sleepable helper bpf_copy_from_user#148 in non-sleepable prog`
    (" in non-sleepable prog", Verdict::SleepableOnly),
    ("helper call is not allowed in probe", Verdict::TargetRestricted),
];

/// Messages that reject a map, for the helper or for the program as a whole.
const MAP_MESSAGES: &[&str] = &[
    // check_map_func_compatibility()
    "cannot pass map_type ",
    // devmaps and similar are read-only to programs
    "write into map forbidden",
    "expected prog array map for tail call",
    "invalid arg_type for sockmap/sockhash",
    "cannot update sockmap in this context",
    // check_map_prog_compatibility(): the program cannot use this map at all
    "bpf_struct_ops map cannot be used in prog",
    "tracing progs cannot use bpf_",
    "only one cgroup storage of each type is allowed",
    "cannot be used with bpf_arena",
    // bpf_for_each_map_elem on a map type without a for-each iterator
    "callback function not allowed for map",
    // an access of the map's key or value size where that size is 0 (queue, stack, ringbuf...)
    "invalid zero-sized read",
];

/// The verifier's own lines, without the explanation blocks 7.3 writes into the log: a line
/// `Verification failed: <category>: <problem>`, then blank lines, section titles (`Reason:`,
/// `Suggestion:`, `At:`, ...) and indented text and source lanes, in words that are not the
/// verifier's message. A block can sit between two verifier lines (`Unreleased reference ...`,
/// block, `BPF_EXIT instruction ... reference leak`), so only the block is dropped.
pub fn verifier_lines(log: &str) -> Vec<&str> {
    let is_title = |l: &str| l.len() < 40 && l.ends_with(':') && !l.contains(['=', '(', '#']);
    let mut out = Vec::new();
    let mut in_block = false;
    for line in log.lines() {
        if line.starts_with("Verification failed:") {
            in_block = true;
            continue;
        }
        if in_block {
            if line.trim().is_empty() || line.starts_with([' ', '\t']) || is_title(line) {
                continue;
            }
            in_block = false;
        }
        out.push(line);
    }
    out
}

/// `haystack.contains(needle)`, by memchr's searcher rather than a two-way searcher built for
/// each call; for the patterns matched against every line, [`finders`] builds theirs once.
pub fn contains(haystack: &str, needle: &str) -> bool {
    find(haystack, needle).is_some()
}

/// A searcher for each pattern: the probe matches tens of thousands of short lines against a
/// dozen patterns.
pub fn finders<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Vec<Finder<'a>> {
    patterns.into_iter().map(Finder::new).collect()
}

static HELPER_FINDERS: LazyLock<Vec<Finder<'static>>> = LazyLock::new(|| finders(HELPER_MESSAGES.iter().map(|m| m.0)));
static MAP_FINDERS: LazyLock<Vec<Finder<'static>>> = LazyLock::new(|| finders(MAP_MESSAGES.iter().copied()));
static PROCESSED: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new("processed "));
// `memmem::rfind` builds its searcher on every call; these are built once.
static LAST_PROCESSED: LazyLock<FinderRev<'static>> = LazyLock::new(|| FinderRev::new("processed "));
static LAST_VERIFICATION_TIME: LazyLock<FinderRev<'static>> = LazyLock::new(|| FinderRev::new("verification time "));

/// `haystack.find(needle)`, as [`contains`].
pub fn find(haystack: &str, needle: &str) -> Option<usize> {
    memchr::memmem::find(haystack.as_bytes(), needle.as_bytes())
}

/// The log's lines (the verifier's: see [`verifier_lines`]), with the statistics the kernel
/// sometimes appends without a newline (`expected prog array map for tail callprocessed 9 insns
/// ...`) cut off.
fn lines(log: &str) -> impl DoubleEndedIterator<Item = &str> {
    verifier_lines(log).into_iter().map(|l| {
        let l = l.trim();
        match PROCESSED.find(l.as_bytes()) {
            Some(at) if at > 0 && contains(&l[at..], " insns") => l[..at].trim_end(),
            _ => l,
        }
    })
}

/// Lines of a level-1 log that are trace, not diagnosis.
fn is_trace(line: &str) -> bool {
    let line = line.trim();
    line.is_empty()
        || line.starts_with("processed ")
        || line.starts_with("verification time")
        || line.starts_with("stack depth")
        || line.starts_with("func#")
        || line.starts_with("; ")
        || instruction(line).is_some()
        // `0: R1=ctx() R10=fp0`: the state at entry
        || line.split_once(": R").is_some_and(|(n, _)| n.bytes().all(|b| b.is_ascii_digit()))
}

/// `5: (85) call bpf_skb_load_bytes#26` → `(5, "85", rest)`.
fn instruction(line: &str) -> Option<(usize, &str, &str)> {
    let (idx, rest) = line.split_once(": (")?;
    let idx = idx.trim().parse().ok()?;
    let (opcode, rest) = rest.split_once(')')?;
    (opcode.len() == 2 && opcode.bytes().all(|b| b.is_ascii_hexdigit())).then_some((idx, opcode, rest))
}

/// The line that decided the outcome: the last line that is not trace or statistics.
pub fn deciding_line(log: &str) -> Option<&str> {
    lines(log).rev().find(|l| !is_trace(l))
}

/// Classify the outcome of loading a program that calls one helper.
///
/// `errno` is 0 for a successful load.
pub fn classify(errno: i32, log: &str) -> Classified {
    if errno == 0 {
        return loaded();
    }
    if let Some(c) = helper_message(log) {
        return c;
    }
    let deciding = deciding_line(log);
    match deciding {
        None if errno == libc::EPERM => {
            Classified { verdict: Verdict::Denied, evidence: "EPERM with an empty verifier log".to_owned() }
        }
        None => {
            let evidence = format!("{} with an empty verifier log", errno_name(errno));
            Classified { verdict: Verdict::Other(evidence.clone()), evidence }
        }
        Some(line) if reached_call(log) => {
            // The verifier got past the prototype lookup (every refusal of the helper itself is
            // matched above), so the helper is callable; it only disliked an argument or what
            // followed the call.
            Classified { verdict: Verdict::Allowed, evidence: line.to_owned() }
        }
        Some(line) => Classified { verdict: Verdict::Other(line.to_owned()), evidence: line.to_owned() },
    }
}

/// [`classify`] from a messages-only log ([`Log::Messages`](super::sys::Log::Messages)) of a
/// load that calls at most one helper, on one straight path: the verdict and evidence the
/// level-1 log of the same load gives, or `None` when only that log can tell.
///
/// Why they agree: the verifier's decisions do not depend on the log level, and every line of
/// a messages-only log is a line of the level-1 log (`verbose()` writes at any level), which
/// adds only the trace (instructions and register states, which `is_trace` skips and no
/// message pattern matches) and lacks the two statistics lines (removed here). So the first
/// line that matches a message, and the last line that is not trace, are the same lines. What
/// the trace alone shows is whether the call was reached (`reached_call`); `do_check()`
/// counts an instruction (`processed N insns`) just before it prints it, so the call was
/// reached when the count exceeds `visits_before_call` ([`super::sys::visits_before_call`];
/// `None` for a program without a call). Errnos of a load cut short for want of memory or by a
/// signal, between the count and the print, are left to the level-1 log.
pub fn classify_messages(errno: i32, log: &str, visits_before_call: Option<usize>) -> Option<Classified> {
    if errno == 0 {
        return Some(loaded());
    }
    if cut_short(errno) {
        return None;
    }
    let log = without_stats(log)?;
    if let Some(c) = helper_message(&log) {
        return Some(c);
    }
    let Some(line) = deciding_line(&log) else { return Some(classify(errno, "")) };
    let reached = match visits_before_call {
        Some(before) => processed_insns(&log)? > before,
        None => false,
    };
    let verdict = if reached { Verdict::Allowed } else { Verdict::Other(line.to_owned()) };
    Some(Classified { verdict, evidence: line.to_owned() })
}

/// Errnos of a load the verifier gave up on for want of memory or time, or whose log did not
/// fit: the level-1 log of the same load may have stopped elsewhere.
pub fn cut_short(errno: i32) -> bool {
    matches!(errno, libc::ENOMEM | libc::EAGAIN | libc::ENOSPC | libc::E2BIG | libc::EINTR)
}

/// A messages-only log without the lines only `BPF_LOG_STATS` writes, from
/// `verification time N usec` to just before `processed N insns` (`stack depth N[+N...]`;
/// 7.2 writes `stack depth N max N` and `insns processed N`, 7.3 `stack depth max N` and a line
/// per subprogram), so that it reads as a level-1 log without the trace; a message the kernel
/// ended without a newline is then followed by `processed`, as in a level-1 log. `None` when
/// the two lines that bound them are not there.
pub fn without_stats(log: &str) -> Option<String> {
    let Some(at) = LAST_VERIFICATION_TIME.rfind(log.as_bytes()) else {
        return Some(log.to_owned());
    };
    let (time, mut rest) = log[at..].split_once('\n')?;
    let usec = time.strip_prefix("verification time ")?.strip_suffix(" usec")?;
    if usec.is_empty() || !usec.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // print_verification_stats() writes the statistics and then `processed`, nothing between.
    while !rest.starts_with("processed ") {
        rest = rest.split_once('\n')?.1;
    }
    processed_insns(rest)?;
    Some(format!("{}{rest}", &log[..at]))
}

/// `N` of the statistics line `processed N insns (limit ...)`: instructions the verifier visited.
pub fn processed_insns(log: &str) -> Option<usize> {
    let at = LAST_PROCESSED.rfind(log.as_bytes())?;
    let (n, rest) = log[at + "processed ".len()..].split_once(' ')?;
    rest.starts_with("insns").then(|| n.parse().ok()).flatten()
}

/// The verdict of a load that succeeded.
fn loaded() -> Classified {
    Classified { verdict: Verdict::Allowed, evidence: "loaded".to_owned() }
}

/// The first line that refuses the helper call itself ([`HELPER_MESSAGES`]).
fn helper_message(log: &str) -> Option<Classified> {
    lines(log).find_map(|line| {
        let i = HELPER_FINDERS.iter().position(|f| f.find(line.as_bytes()).is_some())?;
        Some(Classified { verdict: HELPER_MESSAGES[i].1.clone(), evidence: line.to_owned() })
    })
}

/// The first line that rejects the map ([`MAP_MESSAGES`]).
fn map_message(log: &str) -> Option<Classified> {
    lines(log)
        .find(|line| MAP_FINDERS.iter().any(|f| f.find(line.as_bytes()).is_some()))
        .map(|line| Classified { verdict: Verdict::MapRejected, evidence: line.to_owned() })
}

/// Did verification reach a helper call instruction? Level-1 logs print the instructions of the
/// failing path, so a `(85) call` line means the call was being (or had been) checked.
fn reached_call(log: &str) -> bool {
    verifier_lines(log)
        .into_iter()
        .filter_map(|l| instruction(l.trim()))
        .any(|(_, op, rest)| op == "85" && contains(rest, "call "))
}

/// Did the failure happen after the helper call (with this ID) had been fully checked? True when
/// the failing path shows an instruction after the call. Used by map probes: an error there
/// means the map was accepted.
pub fn failed_after_call(log: &str, helper_id: HelperId) -> bool {
    let suffix = format!("#{helper_id}");
    let mut seen_call = false;
    let mut after = false;
    for (_, op, rest) in verifier_lines(log).into_iter().filter_map(|l| instruction(l.trim())) {
        // `call bpf_ringbuf_reserve#131      ; R0=ringbuf_mem_or_null(...)`
        let insn = rest.split(';').next().unwrap_or(rest).trim_end();
        if op == "85" && insn.ends_with(&suffix) {
            seen_call = true;
            after = false;
        } else if seen_call {
            after = true;
        }
    }
    seen_call && after
}

/// Classify the outcome of loading a program that passes a map to a helper. The map was
/// accepted when the load succeeded or failed only after the call had been checked; it was
/// rejected when the verifier said so. Anything else (an argument the probe could not make
/// valid) is inconclusive.
pub fn classify_map_probe(errno: i32, log: &str, helper_id: HelperId) -> Classified {
    if errno == 0 {
        return loaded();
    }
    if let Some(c) = map_message(log) {
        return c;
    }
    let c = classify(errno, log);
    if matches!(c.verdict, Verdict::Allowed) && failed_after_call(log, helper_id) {
        return Classified { verdict: Verdict::Allowed, evidence: format!("map accepted; later: {}", c.evidence) };
    }
    match c.verdict {
        Verdict::Allowed => Classified { verdict: Verdict::Other(c.evidence.clone()), evidence: c.evidence },
        _ => c,
    }
}

/// [`classify_map_probe`] from a messages-only log: the same verdict and evidence, or `None`
/// when only the level-1 log can tell. A message decides as in the level-1 log (see
/// [`classify_messages`] for why the lines agree); otherwise, in a program of one straight path
/// (`visits_before_call`, `None` for others), the count of visited instructions tells whether
/// the verifier reached the call and whether it went past it, as the trace would show
/// ([`failed_after_call`]).
pub fn classify_map_probe_messages(errno: i32, log: &str, visits_before_call: Option<usize>) -> Option<Classified> {
    if errno == 0 {
        return Some(loaded());
    }
    if cut_short(errno) {
        return None;
    }
    let log = without_stats(log)?;
    if let Some(c) = map_message(&log).or_else(|| helper_message(&log)) {
        return Some(c);
    }
    let Some(line) = deciding_line(&log) else { return Some(classify(errno, "")) };
    let visited = processed_insns(&log)?;
    let before = visits_before_call?;
    let evidence = line.to_owned();
    Some(if visited > before + 1 {
        Classified { verdict: Verdict::Allowed, evidence: format!("map accepted; later: {evidence}") }
    } else {
        Classified { verdict: Verdict::Other(evidence.clone()), evidence }
    })
}

/// The lowest return value the verifier wants, from `At program exit the register R0 has
/// smin=0 smax=0 should have been in [1, 1]` (6.x) or `... should have been in (0x1; 0x1)`
/// (5.x): some attach types must return 1.
pub fn wanted_return(log: &str) -> Option<i32> {
    const WANTED: &str = "should have been in ";
    let rest = log.lines().find_map(|l| find(l, WANTED).map(|at| &l[at + WANTED.len()..]))?;
    let first = rest.trim_start_matches(['[', '(']).split([',', ';']).next()?.trim();
    match first.strip_prefix("0x") {
        Some(hex) => i32::from_str_radix(hex, 16).ok(),
        None => first.parse().ok(),
    }
}

/// `EPERM`, `EINVAL`, ... for the errnos a load returns.
pub fn errno_name(errno: i32) -> String {
    let name = match errno {
        libc::EPERM => "EPERM",
        libc::ENOENT => "ENOENT",
        libc::E2BIG => "E2BIG",
        libc::EBADF => "EBADF",
        libc::EAGAIN => "EAGAIN",
        libc::ENOMEM => "ENOMEM",
        libc::EACCES => "EACCES",
        libc::EFAULT => "EFAULT",
        libc::EBUSY => "EBUSY",
        libc::EEXIST => "EEXIST",
        libc::EINVAL => "EINVAL",
        libc::ENOSPC => "ENOSPC",
        libc::ERANGE => "ERANGE",
        libc::ENOSYS => "ENOSYS",
        libc::EOPNOTSUPP => "EOPNOTSUPP",
        524 => "ENOTSUPP",
        _ => return format!("errno {errno}"),
    };
    name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fixture is `errno: N` on its first line, then the verifier log as the kernel wrote it.
    fn fixture(text: &str) -> Classified {
        let (head, log) = text.split_once('\n').unwrap_or((text, ""));
        let errno =
            head.strip_prefix("errno: ").and_then(|n| n.trim().parse().ok()).expect("fixture starts with `errno: N`");
        classify(errno, log)
    }

    macro_rules! fixture {
        ($name:literal) => {
            fixture(include_str!(concat!("../../tests/fixtures/verifier-logs/", $name, ".log")))
        };
    }

    #[test]
    fn not_allowed_6_18() {
        let c = fixture!("not-allowed-6.18");
        assert_eq!(c.verdict, Verdict::NotAllowed);
        assert_eq!(c.evidence, "program of this type cannot use helper bpf_skb_load_bytes#26");
    }

    #[test]
    fn not_allowed_before_6_x() {
        // The wording of kernels before 6.x (and of bpftool's era), reconstructed from their
        // source: the same outcome, a different message.
        let c = fixture!("unknown-func-5.15");
        assert_eq!(c.verdict, Verdict::NotAllowed);
        assert_eq!(c.evidence, "unknown func bpf_skb_load_bytes#26");
    }

    #[test]
    fn unknown_helper() {
        let c = fixture!("invalid-func-6.18");
        assert_eq!(c.verdict, Verdict::UnknownHelper);
        assert_eq!(c.evidence, "invalid func unknown#212");
        let c = fixture!("invalid-func-4.19");
        assert_eq!(c.verdict, Verdict::UnknownHelper);
        assert_eq!(c.evidence, "invalid func unknown#150");
    }

    #[test]
    fn sleepable_only_7_2() {
        let c = fixture!("sleepable-only-7.2");
        assert_eq!(c.verdict, Verdict::SleepableOnly);
        assert_eq!(c.evidence, "sleepable helper bpf_copy_from_user#148 in non-sleepable prog");
    }

    #[test]
    fn explanation_block_of_7_3_is_not_the_verdict() {
        let c = fixture!("arg-type-hint-7.3");
        assert_eq!(c.verdict, Verdict::Allowed, "{c:?}");
        assert_eq!(c.evidence, "R1 type=scalar expected=map_ptr");
        let c = fixture!("not-allowed-hint-7.3");
        assert_eq!(c.verdict, Verdict::NotAllowed, "{c:?}");
        assert_eq!(c.evidence, "program of this type cannot use helper bpf_skb_load_bytes#26");
        let c = fixture!("reference-leak-hint-7.3");
        assert_eq!(c.evidence, "BPF_EXIT instruction in main prog would lead to reference leak");
        assert_eq!(verifier_lines("a\n\nVerification failed: x\n\nReason:\n  y\n\nb\n"), vec!["a", "", "b"]);
        assert_eq!(verifier_lines("a\nb\n"), vec!["a", "b"]);
    }

    #[test]
    fn loaded() {
        assert_eq!(fixture!("loaded-6.18"), Classified { verdict: Verdict::Allowed, evidence: "loaded".into() });
    }

    #[test]
    fn gpl_only() {
        let c = fixture!("gpl-only-6.18");
        assert_eq!(c.verdict, Verdict::GplOnly);
    }

    #[test]
    fn sleepable_only() {
        let c = fixture!("sleepable-only-6.18");
        assert_eq!(c.verdict, Verdict::SleepableOnly);
        assert_eq!(c.evidence, "helper call might sleep in a non-sleepable prog");
    }

    #[test]
    fn argument_error_proves_the_prototype() {
        let c = fixture!("arg-type-6.18");
        assert_eq!(c.verdict, Verdict::Allowed);
        assert_eq!(c.evidence, "R1 type=scalar expected=ctx");
    }

    #[test]
    fn target_restricted() {
        let c = fixture!("not-allowed-in-probe-6.18");
        assert_eq!(c.verdict, Verdict::TargetRestricted);
    }

    /// Like `fixture`, for a program that passes a map to helper `id`.
    fn map_fixture(text: &str, id: u32) -> Classified {
        let (head, log) = text.split_once('\n').unwrap_or((text, ""));
        let errno =
            head.strip_prefix("errno: ").and_then(|n| n.trim().parse().ok()).expect("fixture starts with `errno: N`");
        classify_map_probe(errno, log, HelperId::new(id))
    }

    macro_rules! map_fixture {
        ($name:literal, $id:expr) => {
            map_fixture(include_str!(concat!("../../tests/fixtures/verifier-logs/", $name, ".log")), $id)
        };
    }

    #[test]
    fn map_rejections() {
        for (name, c) in [
            ("cannot-pass-map-type", map_fixture!("cannot-pass-map-type-6.18", 51)),
            ("tail-call", map_fixture!("tail-call-not-prog-array-6.18", 12)),
            ("write-forbidden", map_fixture!("write-into-map-forbidden-6.18", 2)),
            ("sockmap", map_fixture!("sockmap-arg-type-6.18", 53)),
            ("struct-ops", map_fixture!("struct-ops-map-in-prog-6.18", 1)),
            ("zero-sized", map_fixture!("zero-sized-key-6.18", 1)),
            ("callback", map_fixture!("callback-not-allowed-for-map-6.18", 164)),
        ] {
            assert_eq!(c.verdict, Verdict::MapRejected, "{name}: {c:?}");
        }
        // The kernel printed the statistics without a newline; the evidence must not carry them.
        assert_eq!(map_fixture!("tail-call-not-prog-array-6.18", 12).evidence, "expected prog array map for tail call");
    }

    #[test]
    fn map_accepted_or_inconclusive() {
        let c = map_fixture!("unreleased-after-call-6.18", 131);
        assert_eq!(c.verdict, Verdict::Allowed, "{c:?}");
        assert!(c.evidence.starts_with("map accepted; later: "), "{c:?}");
        // An argument the probe could not make valid says nothing about the map.
        let c = map_fixture!("map-arg-inconclusive-6.18", 2);
        assert!(matches!(c.verdict, Verdict::Other(_)), "{c:?}");
    }

    #[test]
    fn return_value_range() {
        let log = include_str!("../../tests/fixtures/verifier-logs/return-range-6.18.log");
        assert_eq!(wanted_return(log), Some(1));
        assert_eq!(
            wanted_return("At program exit the register R0 has value (0x0; 0x0) should have been in (0x1; 0x1)"),
            Some(1)
        );
        assert_eq!(wanted_return("R1 type=scalar expected=ctx"), None);
    }

    #[test]
    fn map_accepted_when_failing_after_the_call() {
        let text = include_str!("../../tests/fixtures/verifier-logs/unreleased-after-call-6.18.log");
        let log = text.split_once('\n').map_or("", |(_, l)| l);
        assert!(failed_after_call(log, HelperId::new(131)));
        let log = include_str!("../../tests/fixtures/verifier-logs/arg-type-6.18.log");
        assert!(!failed_after_call(log, HelperId::new(44)));
    }

    #[test]
    fn denied_and_empty_logs() {
        assert_eq!(fixture!("denied-fentry-6.18").verdict, Verdict::Denied);
        assert_eq!(fixture!("denied-no-perfmon-6.18").verdict, Verdict::Denied);
        let c = classify(libc::EINVAL, "");
        assert_eq!(c.verdict, Verdict::Other("EINVAL with an empty verifier log".to_owned()));
        assert_eq!(classify(0, "").verdict, Verdict::Allowed);
    }

    #[test]
    fn program_level_refusal_is_not_about_the_helper() {
        let c = fixture!("sleepable-refused-6.18");
        assert_eq!(
            c.verdict,
            Verdict::Other(
                "Only fentry/fexit/fmod_ret, lsm, iter, uprobe, and struct_ops programs can be sleepable".to_owned()
            )
        );
    }

    /// A fixture's errno and log.
    fn parts(text: &str) -> (i32, &str) {
        let (head, log) = text.split_once('\n').unwrap_or((text, ""));
        (head.strip_prefix("errno: ").and_then(|n| n.trim().parse().ok()).expect("fixture starts with `errno: N`"), log)
    }

    #[test]
    fn messages_only_logs_read_as_level_one_logs() {
        let pairs = [
            (
                include_str!("../../tests/fixtures/verifier-logs/not-allowed-6.18.messages.log"),
                fixture!("not-allowed-6.18"),
            ),
            (include_str!("../../tests/fixtures/verifier-logs/arg-type-6.18.messages.log"), fixture!("arg-type-6.18")),
        ];
        for (messages, traced) in pairs {
            let (errno, log) = parts(messages);
            // r1..r5 = 0 (five visits), then the call.
            assert_eq!(classify_messages(errno, log, Some(5)), Some(traced));
        }
        // Without the statistics line nothing tells whether the call was reached.
        assert_eq!(classify_messages(libc::EACCES, "R1 type=scalar expected=ctx\n", Some(5)), None);
        // Short of the call: the line is not about the helper.
        let c = classify_messages(libc::EINVAL, "bad\nprocessed 3 insns (limit 1000000)\n", Some(5));
        assert_eq!(c, Some(Classified { verdict: Verdict::Other("bad".into()), evidence: "bad".into() }));
        // A load cut short is left to the level-1 log.
        assert_eq!(classify_messages(libc::ENOMEM, "x\nprocessed 6 insns\n", Some(5)), None);
        assert_eq!(classify_messages(0, "", Some(5)), Some(classify(0, "")));
    }

    #[test]
    fn map_probes_from_messages_only_logs() {
        let text = include_str!("../../tests/fixtures/verifier-logs/tail-call-not-prog-array-6.18.messages.log");
        let (errno, log) = parts(text);
        let traced = map_fixture!("tail-call-not-prog-array-6.18", 12);
        assert_eq!(classify_map_probe_messages(errno, log, None), Some(traced));
        // Past the call (four visits before it): the map was accepted.
        let later = "BPF_EXIT instruction in main prog would lead to reference leak\nprocessed 7 insns\n";
        let c = classify_map_probe_messages(libc::EINVAL, later, Some(4)).expect("decided");
        assert_eq!(c.verdict, Verdict::Allowed);
        assert!(c.evidence.starts_with("map accepted; later: "), "{c:?}");
        // At the call: an argument the probe could not make valid.
        let at = "R1 type=scalar expected=map_value\nprocessed 5 insns\n";
        assert!(matches!(
            classify_map_probe_messages(libc::EACCES, at, Some(4)).map(|c| c.verdict),
            Some(Verdict::Other(_))
        ));
        assert_eq!(classify_map_probe_messages(libc::EACCES, at, None), None);
    }

    #[test]
    fn statistics_lines_are_removed() {
        let log = "msgverification time 8 usec\nstack depth 0+16\nprocessed 9 insns (limit 1000000)\n";
        assert_eq!(without_stats(log).as_deref(), Some("msgprocessed 9 insns (limit 1000000)\n"));
        assert_eq!(without_stats("a\nprocessed 1 insns\n").as_deref(), Some("a\nprocessed 1 insns\n"));
        // 7.2's and 7.3's statistics.
        let v72 = "Program of this type cannot be sleepable\nverification time 227 usec\nstack depth 0 max 0\n\
                   insns processed 0\nprocessed 0 insns (limit 1000000) max_states_per_insn 0\n";
        let plain =
            "Program of this type cannot be sleepable\nprocessed 0 insns (limit 1000000) max_states_per_insn 0\n";
        assert_eq!(without_stats(v72).as_deref(), Some(plain));
        let v73 = "x\nverification time 302 usec\nstack depth max 0\n\
                   subprog 0 (<unknown>) main insns_self 0 insns_total 0 stack 0\nprocessed 0 insns (limit 1000000)\n";
        assert_eq!(without_stats(v73).as_deref(), Some("x\nprocessed 0 insns (limit 1000000)\n"));
        assert_eq!(without_stats("verification time soon\nstack depth 0\nprocessed 1 insns\n"), None);
        assert_eq!(without_stats("verification time 8 usec\nstack depth 0\n"), None);
        assert_eq!(processed_insns(log), Some(9));
        assert_eq!(processed_insns("processed many insns"), None);
        assert_eq!(processed_insns("R1 !read_ok"), None);
    }

    #[test]
    fn deciding_line_skips_trace_and_stats() {
        let log = "0: R1=ctx() R10=fp0\n0: (b7) r1 = 0                        ; R1=0\n\
                   1: (85) call bpf_xdp_adjust_head#44\nR1 type=scalar expected=ctx\n\
                   processed 2 insns (limit 1000000) max_states_per_insn 0\n\n";
        assert_eq!(deciding_line(log), Some("R1 type=scalar expected=ctx"));
        assert_eq!(deciding_line("processed 0 insns\n"), None);
    }
}
