//! Hostile spec folders and files: every one ends quickly, bounded, with a clear error (issue 13).
//! Each case runs `bpfspec validate` in a child with a wall-clock limit, so a hang fails the test
//! instead of blocking it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{bpfspec_bin, repo_root};

struct Run {
    code: Option<i32>,
    stderr: String,
    took: Duration,
}

/// `bpfspec --specs DIR validate`, killed after `limit`.
fn validate(dir: &Path, limit: Duration) -> Run {
    let start = Instant::now();
    let mut child = Command::new(bpfspec_bin())
        .arg("--specs")
        .arg(dir)
        .arg("validate")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bpfspec runs");
    // Read stderr while the child runs: a full pipe would block it.
    let mut pipe = child.stderr.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut stderr = String::new();
        use std::io::Read as _;
        let _ = pipe.read_to_string(&mut stderr);
        stderr
    });
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let stderr = reader.join().expect("reader");
            return Run { code: status.code(), stderr, took: start.elapsed() };
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`bpfspec validate --specs {}` still running after {limit:?}", dir.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A copy of the repository's specs in a fresh temporary folder.
fn specs_copy(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bpfspec-hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let status = Command::new("cp").arg("-r").arg(repo_root().join("specs")).arg(&dir).status().expect("cp");
    assert!(status.success());
    dir
}

const LIMIT: Duration = Duration::from_secs(20);

#[test]
fn symlink_loops_are_walked_once() {
    let dir = specs_copy("loops");
    std::os::unix::fs::symlink(".", dir.join("helpers/again")).unwrap();
    std::os::unix::fs::symlink("..", dir.join("helpers/up")).unwrap();
    let run = validate(&dir, LIMIT);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.took < Duration::from_secs(5), "took {:?}", run.took);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn devices_fifos_and_huge_files_are_refused() {
    for (case, make) in [
        ("zero", (|p: &Path| std::os::unix::fs::symlink("/dev/zero", p).unwrap()) as fn(&Path)),
        ("fifo", |p: &Path| {
            let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
            // SAFETY: a valid NUL-terminated path.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        }),
        ("huge", |p: &Path| {
            let f = std::fs::File::create(p).unwrap();
            f.set_len(64 << 20).unwrap();
        }),
    ] {
        let dir = specs_copy(case);
        make(&dir.join("helpers/bpf_zzz.yaml"));
        let run = validate(&dir, LIMIT);
        assert_eq!(run.code, Some(2), "{case}: {}", run.stderr);
        assert!(run.stderr.contains("bpf_zzz.yaml"), "{case}: names the file: {}", run.stderr);
        assert!(run.stderr.len() < 2_000, "{case}: a short message, said once: {}", run.stderr);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn deep_nesting_bom_long_lines_and_bad_identifiers() {
    let dir = specs_copy("text");
    // 200 KB of nested `[`: refused by the parser's depth budget, fast.
    std::fs::write(dir.join("map-types/array.yaml"), "[".repeat(200_000)).unwrap();
    // A byte-order mark before a valid file is accepted.
    let hash = std::fs::read_to_string(dir.join("map-types/hash.yaml")).unwrap();
    std::fs::write(dir.join("map-types/hash.yaml"), format!("\u{feff}{hash}")).unwrap();
    // A 10 MB line is never echoed whole (and the file is over the size bound anyway).
    std::fs::write(dir.join("map-types/queue.yaml"), format!("id: 22\nname: {}\n", "x".repeat(3 << 20))).unwrap();
    // An argument name that is not an identifier is a diagnostic at lowering, not a panic later.
    let path = dir.join("helpers/bpf_get_prandom_u32.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let bad = if text.contains("args: []") {
        text.replace(
            "args: []",
            "args:\n  - name: \"not an ident\"\n    type: \"__u64\"\n    class: ARG_ANYTHING\n    doc: x",
        )
    } else {
        text
    };
    std::fs::write(&path, bad).unwrap();
    let run = validate(&dir, LIMIT);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.took < Duration::from_secs(5), "took {:?}", run.took);
    assert!(run.stderr.contains("array.yaml"), "{}", run.stderr);
    assert!(!run.stderr.contains("hash.yaml"), "a BOM is accepted: {}", run.stderr);
    assert!(run.stderr.len() < 20_000, "no long line echoed: {} bytes", run.stderr.len());
    assert!(run.stderr.contains("argument name `not an ident` is not an identifier"), "{}", run.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}
