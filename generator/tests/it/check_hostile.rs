//! `bpfspec check` on hostile input, generated in memory: each case runs the binary in a child
//! process and must finish within a time limit and a peak RSS limit (from `wait4`'s rusage),
//! with bounded output and a clear diagnostic where it gives up. Also: files that must never be
//! read (devices, FIFOs, huge files) and source lines that must never be disclosed.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::elfgen::{asm, Elf, Insn, R_BPF_64_64};
use crate::support;

/// Generous for a debug build on a shared 2-core machine; the release build's figures are in
/// BENCHMARKS.md.
const TIME_LIMIT: Duration = Duration::from_secs(20);
const RSS_LIMIT_KIB: i64 = 400 << 10;
const OUTPUT_LIMIT: u64 = 16 << 20;

pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("bpfspec-hostile-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("create temp dir");
        TempDir(std::fs::canonicalize(&p).expect("canonical temp dir"))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The binary under test: `BPFSPEC_CHECK_BIN` (e.g. a release build, for the figures in
/// BENCHMARKS.md), else the one cargo built for the tests.
fn bin() -> PathBuf {
    std::env::var_os("BPFSPEC_CHECK_BIN").map_or_else(support::bpfspec_bin, PathBuf::from)
}

/// What a child run of `bpfspec check` did.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub elapsed: Duration,
    pub max_rss_kib: i64,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}); stderr:\n{}", self.stderr))
    }
}

/// Runs `bpfspec check ARGS` in `cwd` with output to files, killing it after twice the time
/// limit; peak RSS from `wait4`.
pub fn run_check(cwd: &Path, args: &[&str]) -> Run {
    let out_dir = TempDir::new("out");
    let (out_path, err_path) = (out_dir.0.join("stdout"), out_dir.0.join("stderr"));
    let stdout = std::fs::File::create(&out_path).expect("stdout file");
    let stderr = std::fs::File::create(&err_path).expect("stderr file");
    let start = Instant::now();
    // The child's peak RSS: wait4's ru_maxrss of a child forked from this (large) test process
    // includes the test process's pages from before the exec, so `/usr/bin/time` (small) starts
    // bpfspec and reports its own child's peak; without it, wait4's figure is an upper bound.
    let rss_file = out_dir.0.join("rss");
    let time = Path::new("/usr/bin/time");
    let mut cmd = if time.exists() {
        let mut c = Command::new(time);
        c.arg("-f").arg("%M").arg("-o").arg(&rss_file).arg(bin());
        c
    } else {
        Command::new(bin())
    };
    // Reaped by wait4 below.
    #[allow(clippy::zombie_processes)]
    let child = cmd
        .arg("check")
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .process_group(0)
        .spawn()
        .expect("spawn bpfspec");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data that wait4 fills in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: pid is our child, status and usage point to valid memory.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        assert!(r == 0, "wait4 failed: {}", std::io::Error::last_os_error());
        if start.elapsed() > TIME_LIMIT * 2 {
            // SAFETY: the child's process group is ours (the child and what it started).
            unsafe { libc::kill(-pid, libc::SIGKILL) };
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let elapsed = start.elapsed();
    // /usr/bin/time exits 128 + N when its child dies of signal N.
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)).filter(|c| *c < 128);
    let max_rss_kib = std::fs::read_to_string(&rss_file)
        .ok()
        .and_then(|t| t.lines().last().and_then(|l| l.trim().parse::<i64>().ok()))
        .unwrap_or(usage.ru_maxrss);
    let out_len = std::fs::metadata(&out_path).map(|m| m.len()).unwrap_or(0);
    let err_len = std::fs::metadata(&err_path).map(|m| m.len()).unwrap_or(0);
    assert!(out_len + err_len <= OUTPUT_LIMIT, "output of {args:?} is {} bytes", out_len + err_len);
    Run {
        code,
        elapsed,
        max_rss_kib,
        stdout: std::fs::read(&out_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
    }
}

/// Checks `bytes` as `name` in a fresh folder and asserts the bounds.
fn bounded(case: &str, bytes: &[u8], extra: &[&str]) -> Run {
    bounded_in(&TempDir::new(case), case, bytes, extra)
}

/// [`bounded`] with the object written to `dir`.
fn bounded_in(dir: &TempDir, case: &str, bytes: &[u8], extra: &[&str]) -> Run {
    let path = dir.0.join("x.o");
    std::fs::write(&path, bytes).expect("write object");
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    args.push("x.o");
    let run = run_check(&dir.0, &args);
    eprintln!(
        "hostile {case}: {} KiB object, exit {:?}, {:.2} s, {} MiB peak RSS, {} KiB output",
        bytes.len() >> 10,
        run.code,
        run.elapsed.as_secs_f64(),
        run.max_rss_kib >> 10,
        run.stdout.len() >> 10
    );
    assert!(run.code.is_some(), "{case}: killed or crashed after {:?}; stderr:\n{}", run.elapsed, run.stderr);
    assert!(run.elapsed < TIME_LIMIT, "{case}: took {:?}", run.elapsed);
    assert!(run.max_rss_kib < RSS_LIMIT_KIB, "{case}: peak RSS {} MiB", run.max_rss_kib >> 10);
    run
}

fn diagnostics(run: &Run) -> Vec<Value> {
    let r = run.json();
    r["objects"][0]["diagnostics"].as_array().cloned().unwrap_or_default()
}

fn codes(run: &Run) -> Vec<String> {
    diagnostics(run).iter().filter_map(|d| d["code"].as_str().map(str::to_owned)).collect()
}

/// Function symbols at every instruction of one `xdp` section whose code falls through from
/// one into the next, each instruction a helper call XDP may not make: every program reaches
/// every later call.
#[test]
fn fall_through_programs() {
    let n = 24_000;
    let mut code: Vec<Insn> = vec![asm::call(4); n];
    code.push(asm::exit());
    let mut e = Elf::new();
    let s = e.code("xdp", &code);
    for i in 0..n as u64 {
        e.func(&format!("p{i}"), s, i, 1);
    }
    e.license("GPL");
    let run = bounded("fall-through", &e.build(), &[]);
    assert_eq!(run.code, Some(1));
    let c = codes(&run);
    assert!(c.len() <= 501, "diagnostics are capped: {}", c.len());
    assert_eq!(c.last().map(String::as_str), Some("too-many-diagnostics"), "one summary at the end");
}

/// Every instruction a bpf-to-bpf call of the next one.
#[test]
fn every_instruction_a_call() {
    let n = 1 << 20;
    let mut code: Vec<Insn> = vec![asm::call_sub(0); n];
    code.push(asm::call(4));
    code.push(asm::exit());
    let mut e = Elf::new();
    let s = e.code("xdp", &code);
    e.func("prog", s, 0, code.len() as u64);
    e.license("GPL");
    let run = bounded("every-insn-a-call", &e.build(), &[]);
    assert!(run.code == Some(0) || run.code == Some(1), "{}", run.stderr);
    let c = codes(&run);
    assert!(c.iter().any(|c| c == "analysis-incomplete"), "gives up with a diagnostic: {c:?}");
}

/// 65,536 code sections with names that are no program type.
#[test]
fn many_unknown_sections() {
    let mut e = Elf::new();
    for i in 0..65_536 {
        e.code(&format!("s{i}"), &[asm::exit()]);
    }
    e.license("GPL");
    let run = bounded("unknown-sections", &e.build(), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let c = codes(&run);
    assert!(c.iter().filter(|c| *c == "unknown-section").count() <= 500);
    assert_eq!(c.last().map(String::as_str), Some("too-many-diagnostics"));
}

/// `.BTF` with `count` map variables in DATASEC `.maps`, each `struct { int (*type)[1]; }`.
fn btf_maps(e: &Elf, count: u32) -> Vec<u8> {
    let put = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&if e.big { x.to_be_bytes() } else { x.to_le_bytes() });
    let mut strings = b"\0int\0type\0def\0.maps\0".to_vec();
    let mut t = Vec::new();
    for x in [1, 1 << 24, 4, 32] {
        put(&mut t, x); // 1: int
    }
    for x in [0, 3 << 24, 0, 1, 1, 1] {
        put(&mut t, x); // 2: int[1]
    }
    for x in [0, 2 << 24, 2] {
        put(&mut t, x); // 3: int (*)[1]
    }
    for x in [10, (4 << 24) | 1, 8, 5, 3, 0] {
        put(&mut t, x); // 4: struct def { type }
    }
    // 5..5+count: vars m{i}; then the datasec
    for i in 0..count {
        let off = strings.len() as u32;
        strings.extend_from_slice(format!("m{i}\0").as_bytes());
        for x in [off, 14 << 24, 4, 1] {
            put(&mut t, x);
        }
    }
    for x in [14, (15 << 24) | count, 8 * count] {
        put(&mut t, x);
    }
    for i in 0..count {
        for x in [5 + i, 8 * i, 8] {
            put(&mut t, x);
        }
    }
    let mut v = Vec::new();
    v.extend_from_slice(&if e.big { 0xeb9fu16.to_be_bytes() } else { 0xeb9fu16.to_le_bytes() });
    v.extend_from_slice(&[1, 0]);
    for x in [24, 0, t.len() as u32, t.len() as u32, strings.len() as u32] {
        put(&mut v, x);
    }
    v.extend_from_slice(&t);
    v.extend_from_slice(&strings);
    v
}

/// 65,535 map symbols (the most one BTF `DATASEC` can list), each named in BTF's `.maps`.
#[test]
fn many_btf_maps() {
    let n = 65_535u32;
    let mut e = Elf::new();
    let btf = btf_maps(&e, n);
    e.data(".BTF", btf);
    let maps = e.data(".maps", vec![0; 8 * n as usize]);
    let mut syms = Vec::new();
    for i in 0..n {
        syms.push(e.object(&format!("m{i}"), maps, 8 * u64::from(i), 8));
    }
    let mut code = Vec::new();
    code.extend(asm::ld_imm64(1));
    code.push(asm::call(1));
    code.push(asm::exit());
    let s = e.code("xdp", &code);
    e.func("prog", s, 0, code.len() as u64);
    e.reloc(s, 0, syms[n as usize - 1], R_BPF_64_64);
    e.license("GPL");
    let run = bounded("btf-maps", &e.build(), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let r = run.json();
    let maps = r["objects"][0]["maps"].as_array().expect("maps");
    assert_eq!(maps.len(), n as usize);
    assert_eq!(maps[n as usize - 1]["type"], "BPF_MAP_TYPE_HASH", "map types come from BTF");
}

/// Relocations that point nowhere: offsets beyond 32 bits and past the section, a section
/// that applies to a section that does not exist, a size past the end of the file, a size
/// that is not a multiple of 16, and a million of them.
#[test]
fn malformed_relocations() {
    let mut e = Elf::new();
    let code = [asm::call(1), asm::exit()];
    let s = e.code("xdp", &code);
    e.func("prog", s, 0, 2);
    let m = e.legacy_maps(&[("m", 1)]);
    e.license("GPL");
    e.raw_reloc(s, 1 << 40, u64::from(m[0]), R_BPF_64_64);
    e.raw_reloc(s, 64, u64::from(m[0]), R_BPF_64_64);
    e.raw_rel_section(9999, vec![0; 16]);
    e.raw_rel_section(s, vec![0; 24]);
    let run = bounded("relocations", &e.build(), &[]);
    let r = run.json();
    let warnings: Vec<&str> = r["objects"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "malformed-object")
        .filter_map(|d| d["message"].as_str())
        .collect();
    for want in
        ["offset 0x10000000000", "offset 0x40", "section 9999, which does not exist", "not a whole number of 16-byte"]
    {
        assert!(warnings.iter().any(|w| w.contains(want)), "no warning with `{want}`: {warnings:#?}");
    }

    // a relocation section whose size runs past the end of the file
    let mut e = Elf::new();
    let s = e.code("xdp", &code);
    e.func("prog", s, 0, 2);
    e.license("GPL");
    e.raw_rel_section(s, vec![0; 16]);
    let mut bytes = e.build();
    patch_last_rel_size(&mut bytes, 1 << 40);
    let run = bounded("relocation-size", &bytes, &[]);
    let r = run.json();
    let text = r["objects"][0]["diagnostics"].to_string();
    assert!(text.contains("malformed-object") && text.contains("cannot be read"), "{text}");

    // a million bad relocations: a bounded list of warnings
    let mut e = Elf::new();
    let s = e.code("xdp", &code);
    e.func("prog", s, 0, 2);
    e.license("GPL");
    for i in 0..1_000_000u64 {
        e.raw_reloc(s, (1 << 33) + i * 8, 1, R_BPF_64_64);
    }
    let run = bounded("relocations-many", &e.build(), &[]);
    let n = codes(&run).iter().filter(|c| *c == "malformed-object").count();
    assert!((1..=100).contains(&n), "{n} malformed-object warnings");
}

/// Sets `sh_size` of the last SHT_REL section header of a little-endian object we built.
fn patch_last_rel_size(bytes: &mut [u8], size: u64) {
    let shoff = u64::from_le_bytes(bytes[40..48].try_into().expect("8 bytes")) as usize;
    let shnum = u16::from_le_bytes(bytes[60..62].try_into().expect("2 bytes")) as usize;
    let last = (0..shnum)
        .map(|i| shoff + i * 64)
        .rfind(|&h| u32::from_le_bytes(bytes[h + 4..h + 8].try_into().expect("4 bytes")) == 9)
        .expect("a relocation section");
    bytes[last + 32..last + 40].copy_from_slice(&size.to_le_bytes());
}

/// Inputs that must not be read: a symlink to `/dev/zero` in a folder, a FIFO, a 3 GiB sparse
/// file (not an ELF file, and an ELF file over the size limit).
#[test]
fn devices_fifos_and_huge_files() {
    let dir = TempDir::new("files");
    let objs = dir.0.join("objs");
    std::fs::create_dir(&objs).expect("mkdir");
    std::os::unix::fs::symlink("/dev/zero", objs.join("zero.o")).expect("symlink");
    let fifo = std::ffi::CString::new(objs.join("fifo.o").to_str().expect("utf-8").as_bytes()).expect("c string");
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0, "mkfifo");
    let run = run_check(&dir.0, &["--format", "json", "objs"]);
    assert!(run.elapsed < TIME_LIMIT, "took {:?}", run.elapsed);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let r = run.json();
    let errors: Vec<String> = r["objects"]
        .as_array()
        .expect("objects")
        .iter()
        .map(|o| o["error"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("a device")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("a FIFO")), "{errors:?}");

    for (name, head) in [("huge.o", b"text".as_slice()), ("huge-elf.o", b"\x7fELF\x02\x01\x01".as_slice())] {
        let path = dir.0.join(name);
        let f = std::fs::File::create(&path).expect("create");
        std::io::Write::write_all(&mut &f, head).expect("write");
        f.set_len(3 << 30).expect("sparse 3 GiB");
        let run = run_check(&dir.0, &["--format", "json", name]);
        eprintln!("hostile {name}: {:.2} s, {} MiB peak RSS", run.elapsed.as_secs_f64(), run.max_rss_kib >> 10);
        assert_eq!(run.code, Some(2));
        assert!(run.elapsed < Duration::from_secs(5) && run.max_rss_kib < RSS_LIMIT_KIB, "{run:?}");
        let e = run.json()["objects"][0]["error"].as_str().unwrap_or("").to_owned();
        assert!(e.contains("not an ELF file") || e.contains("not checked"), "{e}");
    }

    // a folder without objects is an error
    std::fs::create_dir(dir.0.join("empty")).expect("mkdir");
    let run = run_check(&dir.0, &["empty"]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("no BPF object"), "{}", run.stderr);
}

/// An argument named like an object that is a folder stands for the objects in it, as any
/// folder does (it is found to be one only when opened); a symlink to a folder inside it is
/// not entered, so a loop ends.
#[test]
fn a_folder_named_like_an_object() {
    let dir = TempDir::new("folder-o");
    let objs = dir.0.join("objs.o");
    std::fs::create_dir_all(objs.join("sub")).expect("mkdir");
    let mut e = Elf::new();
    let s = e.code("xdp", &[asm::call(4), asm::exit()]);
    e.func("prog", s, 0, 2);
    e.license("GPL");
    let object = e.build();
    std::fs::write(objs.join("sub/a.o"), &object).expect("write object");
    std::fs::write(objs.join("b.o"), &object).expect("write object");
    std::os::unix::fs::symlink(".", objs.join("loop.o")).expect("symlink");
    let paths = |run: &Run| -> Vec<(String, String)> {
        let r = run.json();
        r["objects"]
            .as_array()
            .expect("objects")
            .iter()
            .map(|o| (o["path"].as_str().unwrap_or("").to_owned(), o["error"].as_str().unwrap_or("").to_owned()))
            .collect()
    };
    let named = run_check(&dir.0, &["--format", "json", "objs.o"]);
    let slash = run_check(&dir.0, &["--format", "json", "objs.o/"]);
    assert!(named.elapsed < TIME_LIMIT, "took {:?}", named.elapsed);
    let want = [
        ("objs.o/b.o".to_owned(), String::new()),
        ("objs.o/loop.o".to_owned(), "not read: a folder, not a regular file".to_owned()),
        ("objs.o/sub/a.o".to_owned(), String::new()),
    ];
    assert_eq!(paths(&named), want, "{}", named.stderr);
    assert_eq!(named.code, Some(2), "loop.o is not read: {}", named.stderr);
    let slashed: Vec<(String, String)> =
        paths(&slash).into_iter().map(|(p, e)| (p.replacen("objs.o//", "objs.o/", 1), e)).collect();
    assert_eq!(slashed, want, "the same with a trailing slash, which `expand` looks into: {}", slash.stderr);
}

/// One large source file named by many spellings in line info is read once; its lines are
/// cut when shown.
#[test]
fn large_source_file_many_spellings() {
    let dir = TempDir::new("spellings");
    let mut text = String::new();
    text.push_str(&"x".repeat(5 << 20));
    text.push('\n');
    while text.len() < (15 << 20) {
        text.push_str("int filler_line_of_source_code_here;\n");
    }
    std::fs::write(dir.0.join("big.c"), &text).expect("write source");
    let n = 64;
    let code: Vec<Insn> = (0..n).map(|_| asm::call(4)).chain([asm::exit()]).collect();
    let spellings: Vec<String> = (0..n).map(|i| format!("{}big.c", "./".repeat(i))).collect();
    let records: Vec<(&str, u32, &str, u32, u32, &str)> =
        spellings.iter().enumerate().map(|(i, s)| ("xdp", i as u32, s.as_str(), 1, 1, "btf text")).collect();
    let mut e = Elf::new();
    let s = e.code("xdp", &code);
    e.func("prog", s, 0, code.len() as u64);
    e.license("GPL");
    e.line_info(&records);
    let run = bounded_in(&dir, "spellings", &e.build(), &[]);
    let ds = diagnostics(&run);
    assert!(!ds.is_empty());
    for d in &ds {
        let t = d["source"]["text"].as_str().unwrap_or("");
        assert!(t.starts_with("xxx") && t.chars().count() <= 301, "line read and cut: {} chars", t.len());
    }
}

/// A hostile object's line info names `/etc/passwd`, `../../x` and a symlink out of the
/// object's folder: none of them is read, in any format; the BTF copy of the line is shown.
#[test]
fn source_lines_are_not_disclosed() {
    let dir = TempDir::new("disclose");
    let secret = "SECRET-LINE-do-not-print";
    std::fs::write(dir.0.join("x"), format!("{secret}\n")).expect("write secret");
    let objdir = dir.0.join("a/b");
    std::fs::create_dir_all(&objdir).expect("mkdir");
    std::os::unix::fs::symlink(dir.0.join("x"), objdir.join("link.c")).expect("symlink");
    std::fs::write(objdir.join("ok.c"), "int ok;\nbpf_probe_read(...); // from the file\n").expect("write ok.c");
    let code: Vec<Insn> = (0..4).map(|_| asm::call(4)).chain([asm::exit()]).collect();
    let mut e = Elf::new();
    let s = e.code("xdp", &code);
    e.func("prog", s, 0, code.len() as u64);
    e.license("GPL");
    e.line_info(&[
        ("xdp", 0, "/etc/passwd", 1, 1, "btf copy one"),
        ("xdp", 1, "../../x", 1, 1, "btf copy two"),
        ("xdp", 2, "link.c", 1, 1, "btf copy three"),
        ("xdp", 3, "ok.c", 2, 1, "btf copy four"),
    ]);
    std::fs::write(objdir.join("x.o"), e.build()).expect("write object");
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let passwd_line = passwd.lines().next().unwrap_or("root:x:0:0").to_owned();
    for format in ["human", "json", "sarif"] {
        let run = run_check(&objdir, &["--format", format, "--color", "never", "x.o"]);
        let all = format!("{}{}", String::from_utf8_lossy(&run.stdout), run.stderr);
        assert_eq!(run.code, Some(1), "{all}");
        assert!(!all.contains(secret), "{format}: the secret was read:\n{all}");
        assert!(passwd_line.is_empty() || !all.contains(&passwd_line), "{format}: /etc/passwd was read");
        for want in ["btf copy one", "btf copy two", "btf copy three", "from the file"] {
            assert!(all.contains(want), "{format}: missing `{want}`:\n{all}");
        }
    }
    // --no-source reads nothing, not even the allowed file
    let run = run_check(&objdir, &["--format", "json", "--no-source", "x.o"]);
    let all = String::from_utf8_lossy(&run.stdout);
    assert!(all.contains("btf copy four") && !all.contains("from the file"), "{all}");
    // --source-root allows a folder outside: then `../../x` resolves inside it
    let root = dir.0.to_str().expect("utf-8");
    let run = run_check(&objdir, &["--format", "json", "--source-root", root, "x.o"]);
    let all = String::from_utf8_lossy(&run.stdout);
    assert!(all.contains(secret), "--source-root {root} allows it: {all}");
    // run from elsewhere: the object's folder is still a root, the current directory too
    let run = run_check(&dir.0, &["--format", "json", "a/b/x.o"]);
    let all = String::from_utf8_lossy(&run.stdout);
    assert!(all.contains("from the file"), "{all}");
    assert!(all.contains(secret), "../../x from a/b is ./x, inside the current directory");
}

/// A minimal x86-64 ELF header: the start of a host binary, or a lookalike inside one.
fn x86_64_elf_header() -> Vec<u8> {
    let mut h = vec![0u8; 64];
    h[..7].copy_from_slice(b"\x7fELF\x02\x01\x01");
    h[18] = 62; // EM_X86_64
    h
}

/// An object embedded at an odd offset of another ELF file (as bpftop's is) is found.
#[test]
fn embedded_object_at_odd_offset() {
    let inner = crate::elfgen::program("xdp", &[asm::call(4), asm::exit()]);
    // A minimal x86-64 ELF header, then padding to an odd offset, then the object.
    let mut host = x86_64_elf_header();
    host.extend_from_slice(&[0xaa; 3]);
    let at = host.len();
    host.extend_from_slice(&inner);
    host.extend_from_slice(&[0x55; 5]);
    let dir = TempDir::new("embedded");
    std::fs::write(dir.0.join("tool"), &host).expect("write");
    let run = run_check(&dir.0, &["--format", "json", "tool"]);
    let r = run.json();
    let o = &r["objects"][0];
    assert_eq!(o["path"], format!("tool@{at:#x}"), "{r}");
    assert!(o["error"].is_null(), "{o}");
    assert_eq!(o["diagnostics"][0]["code"], "helper-not-allowed");
    assert_eq!(run.code, Some(1));
}

/// Every embedded object is found among bytes that look like the start of one: 0x7f bytes
/// everywhere (as in machine code), ELF headers for other machines, a magic cut short at the
/// end, and two objects back to back at odd offsets.
#[test]
fn embedded_objects_among_lookalikes() {
    let inner = crate::elfgen::program("xdp", &[asm::call(4), asm::exit()]);
    let mut host = x86_64_elf_header();
    for i in 0..4096 {
        host.push(if i % 3 == 0 { 0x7f } else { b"ELF"[i % 3 - 1] ^ 1 });
    }
    // An x86-64 ELF header inside: not a BPF object.
    host.extend_from_slice(&x86_64_elf_header());
    host.extend_from_slice(b"\x7f\x7fE");
    let first = host.len();
    host.extend_from_slice(&inner);
    host.push(0x7f);
    let second = host.len();
    host.extend_from_slice(&inner);
    host.extend_from_slice(b"\x7fEL");
    assert!(first % 2 == 1 || second % 2 == 1, "at least one odd offset");
    let dir = TempDir::new("embedded-lookalikes");
    std::fs::write(dir.0.join("tool"), &host).expect("write");
    let run = run_check(&dir.0, &["--format", "json", "tool"]);
    let r = run.json();
    let paths: Vec<&str> =
        r["objects"].as_array().expect("objects").iter().filter_map(|o| o["path"].as_str()).collect();
    assert_eq!(paths, [format!("tool@{first:#x}"), format!("tool@{second:#x}")], "{r}");
}
