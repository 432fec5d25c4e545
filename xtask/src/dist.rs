//! `cargo xtask dist`: the `bpfspec` binary as we ship and measure it (BENCHMARKS.md): static,
//! in the `dist` profile (whole-program optimization), and optimized with a profile of its own
//! `check` runs (PGO).
//!
//! The profile comes from a training run on objects that are *not* the benchmark's: the
//! truth corpus of `tests/check-corpus` (built with clang, both byte orders) and, when
//! installed, the libbpf-tools binaries. The xdp-tools objects the throughput is measured on
//! are left out, so the figures are those of objects the profile has not seen.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{clean, err, output, run, Error, Result};

/// The host target the shipped binary is built for (glibc, linked statically).
const TARGET: &str = "x86_64-unknown-linux-gnu";

/// What `cargo xtask dist` is asked to do.
#[derive(Debug, Default, Clone)]
pub struct DistOptions {
    /// Skip the profile: one build (about 8 minutes instead of 16).
    pub no_pgo: bool,
    /// Also copy the binary to `$CARGO_HOME/bin/bpfspec`.
    pub install: bool,
    /// A static-pie binary (loaded at a random address) instead of a position-dependent one.
    pub pie: bool,
}

/// The code generation flags of the shipped binary, with `extra` (the PGO flags) appended.
/// `crt-static` with `--target` applies to the binary only: build scripts and proc-macros are
/// built as usual (crt-static would break the proc-macro crates).
///
/// Position-dependent unless `pie`: a static-pie relocates itself at every start, writing
/// ~60 pages of relocated pointers (~63 of a check's ~300 page faults), and without that one
/// `check` of a small object starts faster than the kernel loads it (BENCHMARKS.md,
/// "Throughput, fifth round" and "sixth round"). What that gives up is the random load address
/// of the binary's own code and data; the heap, the stack and mmaps stay randomized.
fn rustflags(pie: bool, extra: &[String]) -> String {
    let mut flags = vec!["-C".to_string(), "target-feature=+crt-static".to_string()];
    if !pie {
        flags.extend(["-C".to_string(), "relocation-model=static".to_string()]);
    }
    flags.extend(extra.iter().cloned());
    let flags: Vec<String> = flags.iter().map(|f| format!("'{f}'")).collect();
    format!("target.{TARGET}.rustflags = [{}]", flags.join(", "))
}

/// `cargo build --profile dist` of `bpfspec` into `target_dir` with `extra` code generation
/// flags; the path of the binary.
fn build(root: &Path, target_dir: &Path, pie: bool, extra: &[String], what: &str) -> Result<PathBuf> {
    let mut cmd = clean(Command::new("cargo"));
    cmd.current_dir(root)
        .args(["build", "--profile", "dist", "--locked", "-p", "bpfspec", "--target", TARGET, "--config"])
        .arg(rustflags(pie, extra))
        .env("CARGO_TARGET_DIR", target_dir)
        // mimalloc reserves its first arena at 16 MiB instead of 1 GiB: the bitmaps of a 1 GiB
        // arena cost one `check` ~40 of its ~250 page faults at start (BENCHMARKS.md). Later
        // arenas grow as before. `cc` reads this for the target's C code only (mimalloc's).
        .env(format!("CFLAGS_{}", TARGET.replace('-', "_")), "-DMI_DEFAULT_ARENA_RESERVE=16384");
    run(cmd, what)?;
    Ok(target_dir.join(TARGET).join("dist/bpfspec"))
}

/// `llvm-profdata` of the toolchain that builds the binary (the profile format follows the
/// LLVM version): from rustup's `llvm-tools` component, added when missing.
fn llvm_profdata(root: &Path) -> Result<PathBuf> {
    let mut sysroot = clean(Command::new("rustc"));
    sysroot.current_dir(root).args(["--print", "sysroot"]);
    let sysroot = PathBuf::from(output(sysroot, "rustc --print sysroot")?);
    let tool = sysroot.join("lib/rustlib").join(TARGET).join("bin/llvm-profdata");
    if !tool.exists() {
        let mut add = clean(Command::new("rustup"));
        add.current_dir(root).args(["component", "add", "llvm-tools"]);
        run(add, "adding rustup's llvm-tools component (llvm-profdata)")?;
    }
    if tool.exists() {
        Ok(tool)
    } else {
        err(format!("no {} after `rustup component add llvm-tools`", tool.display()))
    }
}

/// The training inputs: the truth corpus built into `dir` (little- and big-endian objects, and
/// the extra ones), then the libbpf-tools binaries when the package is installed.
fn training_inputs(root: &Path, dir: &Path) -> Result<Vec<PathBuf>> {
    let script = root.join("tests/check-corpus/build.sh");
    let mut inputs = Vec::new();
    for target in ["bpfel", "bpfeb"] {
        let out = dir.join(target);
        let _ = fs::remove_dir_all(&out);
        let mut cmd = Command::new(&script);
        cmd.arg(&out).env("BPF_TARGET", target);
        run(cmd, &format!("building the training corpus ({target}) with clang"))
            .map_err(|e| Error(format!("{e}\nhelp: the profile needs clang (tests/check-corpus/setup.sh installs it), or build without it: cargo xtask dist --no-pgo")))?;
        for sub in [out.clone(), out.join("extra")] {
            let mut objects: Vec<PathBuf> = fs::read_dir(&sub)
                .map_err(|e| Error(format!("reading {}: {e}", sub.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "o"))
                .collect();
            objects.sort();
            inputs.extend(objects);
        }
    }
    let tools = Command::new("dpkg").args(["-L", "libbpf-tools"]).output();
    if let Ok(out) = tools.as_ref().map(|o| String::from_utf8_lossy(&o.stdout).into_owned()) {
        inputs.extend(out.lines().filter(|l| l.starts_with("/usr/sbin/")).map(PathBuf::from));
    }
    Ok(inputs)
}

/// The training run: `check` of `inputs` in every output format and option set that changes
/// what runs, a few times over for weight, and the other read-only commands once.
fn train(bin: &Path, inputs: &[PathBuf]) -> Result<()> {
    let sets: &[&[&str]] = &[
        &[],
        &["--format", "json"],
        &["--format", "sarif"],
        &["--min-kernel"],
        &["-v", "--kernel", "5.10"],
        &["--kernel", "5.4", "--no-source"],
        &[],
        &[],
        &[],
    ];
    for args in sets {
        let mut cmd = Command::new(bin);
        cmd.args(["check", "-j", "1"]).args(*args).args(inputs);
        cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
        let status = cmd.status().map_err(|e| Error(format!("training run: cannot run {}: {e}", bin.display())))?;
        // 1: the corpus has objects the verifier rejects, and `check` says so.
        if !matches!(status.code(), Some(0 | 1)) {
            return err(format!("training run `check {}` failed ({status})", args.join(" ")));
        }
    }
    for args in [&["validate"][..], &["export"]] {
        let mut cmd = Command::new(bin);
        cmd.args(args).stdout(std::process::Stdio::null());
        run(cmd, &format!("training run `{}`", args.join(" ")))?;
    }
    Ok(())
}

/// Builds the shipped binary; returns its path.
pub fn dist(root: &Path, opts: &DistOptions) -> Result<PathBuf> {
    let target_dir = root.join("target");
    let bin = if opts.no_pgo {
        build(root, &target_dir, opts.pie, &[], "building bpfspec (dist profile, static, no PGO)")?
    } else {
        let work = target_dir.join("pgo");
        let raw = work.join("raw");
        let _ = fs::remove_dir_all(&raw);
        let profdata = llvm_profdata(root)?;
        let inputs = training_inputs(root, &work.join("corpus"))?;
        let generate = [format!("-Cprofile-generate={}", raw.display())];
        let instrumented =
            build(root, &work.join("build"), opts.pie, &generate, "building an instrumented bpfspec (PGO, 1 of 2)")?;
        eprintln!("xtask: training run: check of {} objects", inputs.len());
        train(&instrumented, &inputs)?;
        let merged = work.join("bpfspec.profdata");
        let mut merge = Command::new(&profdata);
        merge.arg("merge").arg("-o").arg(&merged).arg(&raw);
        run(merge, "merging the profile")?;
        let use_profile = [format!("-Cprofile-use={}", merged.display())];
        build(root, &target_dir, opts.pie, &use_profile, "building bpfspec with the profile (PGO, 2 of 2)")?
    };
    eprintln!("xtask: wrote {}", bin.strip_prefix(root).unwrap_or(&bin).display());
    if opts.install {
        let home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
            .ok_or_else(|| Error("neither CARGO_HOME nor HOME is set: nowhere to install".into()))?;
        let dir = home.join("bin");
        fs::create_dir_all(&dir).map_err(|e| Error(format!("creating {}: {e}", dir.display())))?;
        // Copied next to its place and renamed: a running bpfspec is never overwritten in place.
        let tmp = dir.join(".bpfspec.xtask-install");
        let to = dir.join("bpfspec");
        fs::copy(&bin, &tmp).map_err(|e| Error(format!("copying to {}: {e}", tmp.display())))?;
        fs::rename(&tmp, &to).map_err(|e| Error(format!("installing {}: {e}", to.display())))?;
        eprintln!("xtask: installed {}", to.display());
    }
    Ok(bin)
}
