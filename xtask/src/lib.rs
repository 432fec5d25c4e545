//! Repository tasks, as a library so tests can call them without a nested `cargo run`.
//!
//! - [`toolchain`]: the pinned nightly with `rust-src`, and bpf-linker built against that
//!   nightly's own libLLVM (Debian has no LLVM new enough and nothing prebuilt can be fetched),
//!   installed into `target/tools`. Idempotent.
//! - [`build_ebpf`]: the toolchain, then every program of `examples/` to `target/bpf/<name>.o`,
//!   and the C twins in `examples/c/` (for the zero-cost comparison) to `target/bpf/c/<name>.o`.
//! - [`kernels::kernels`]: Debian's kernels booted under qemu, each probed by `bpfspec probe`,
//!   the answers written to `specs/kernels/<release>.json`.
//! - [`guest_examples::guest_examples`]: the C examples this machine cannot load, loaded in
//!   those kernels, the outcome recorded in `examples/c/verified.json`.
//! - [`bless::bless`]: the tests that own golden files, run with their update switch.

pub mod bless;
pub mod dist;
pub mod guest_examples;
pub mod kernels;

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The bpf-linker release that is known to build against the nightly's libLLVM.
pub const BPF_LINKER_VERSION: &str = "0.13.0";

/// Something the task could not do, with what to do about it.
#[derive(Debug)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

type Result<T> = std::result::Result<T, Error>;

fn err<T>(msg: impl Into<String>) -> Result<T> {
    Err(Error(msg.into()))
}

/// The repository root (the parent of `xtask/`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the repository root")
        .to_path_buf()
}

/// What [`toolchain`] found or installed.
#[derive(Debug, Clone)]
pub struct Toolchain {
    /// The rustup toolchain name (`nightly`), from `examples/rust-toolchain.toml`.
    pub name: String,
    /// `rustc +<name> --version`.
    pub rustc_version: String,
    /// Path of the bpf-linker binary.
    pub linker: PathBuf,
}

/// The toolchain the BPF crates pin, read from `examples/rust-toolchain.toml`.
pub fn pinned_toolchain(root: &Path) -> Result<String> {
    let path = root.join("examples/rust-toolchain.toml");
    let text = fs::read_to_string(&path).map_err(|e| Error(format!("reading {}: {e}", path.display())))?;
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("channel"))
        .filter_map(|rest| rest.split('"').nth(1))
        .map(str::to_string)
        .next()
        .ok_or_else(|| Error(format!("no `channel = \"...\"` in {}", path.display())))
}

/// A command with the variables of an enclosing cargo/rustup invocation removed, so the pinned
/// toolchain and the examples' own configuration apply.
fn clean(mut cmd: Command) -> Command {
    for var in [
        "RUSTUP_TOOLCHAIN",
        "RUSTC",
        "RUSTDOC",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_MAKEFLAGS",
        "CARGO_MANIFEST_DIR",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

fn rustup(args: &[&str]) -> Command {
    let mut cmd = clean(Command::new("rustup"));
    cmd.args(args);
    cmd
}

fn output(mut cmd: Command, what: &str) -> Result<String> {
    let out = cmd.output().map_err(|e| Error(format!("{what}: cannot run: {e}")))?;
    if !out.status.success() {
        return err(format!("{what} failed ({}): {}", out.status, String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn run(mut cmd: Command, what: &str) -> Result<()> {
    eprintln!("xtask: {what}");
    let status = cmd.status().map_err(|e| Error(format!("{what}: cannot run: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        err(format!("{what} failed ({status})"))
    }
}

/// Make sure the pinned nightly (with `rust-src`) and bpf-linker are there; install what is not.
pub fn toolchain(root: &Path) -> Result<Toolchain> {
    let name = pinned_toolchain(root)?;
    let installed = output(rustup(&["toolchain", "list"]), "rustup toolchain list")
        .map_err(|e| Error(format!("{e}\nhelp: the BPF build needs rustup (https://rustup.rs)")))?;
    if !installed.lines().any(|l| l.starts_with(&format!("{name}-")) || l.split_whitespace().next() == Some(&name)) {
        run(
            rustup(&["toolchain", "install", &name, "--profile", "minimal", "--component", "rust-src"]),
            &format!("installing the {name} toolchain"),
        )?;
    }
    let components =
        output(rustup(&["component", "list", "--toolchain", &name, "--installed"]), "rustup component list")?;
    if !components.lines().any(|l| l.starts_with("rust-src")) {
        run(rustup(&["component", "add", "rust-src", "--toolchain", &name]), "installing rust-src")?;
    }
    let rustc_version = output(rustup(&["run", &name, "rustc", "--version"]), "rustc --version")?;
    let linker = bpf_linker(root, &name, &rustc_version)?;
    Ok(Toolchain { name, rustc_version, linker })
}

/// bpf-linker in `target/tools`, built against the nightly's libLLVM. A stamp file records
/// which nightly it was built for (same format as `tests/bpf-smoke/install-linker.sh`, so the
/// two share one build); it is rebuilt when the nightly changes.
fn bpf_linker(root: &Path, toolchain: &str, rustc_version: &str) -> Result<PathBuf> {
    let tools = root.join("target/tools");
    let linker = tools.join("bin/bpf-linker");
    let stamp = tools.join("bpf-linker.stamp");
    let want = format!("bpf-linker {BPF_LINKER_VERSION} for {rustc_version}");
    if linker.is_file() && fs::read_to_string(&stamp).map(|s| s.trim() == want).unwrap_or(false) {
        return Ok(linker);
    }
    let sysroot =
        PathBuf::from(output(rustup(&["run", toolchain, "rustc", "--print", "sysroot"]), "rustc --print sysroot")?);
    let libllvm = fs::read_dir(sysroot.join("lib"))
        .map_err(|e| Error(format!("reading {}: {e}", sysroot.join("lib").display())))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("libLLVM.so.") && n.contains("-rust-"))
        })
        .ok_or_else(|| Error(format!("no libLLVM.so.*-rust-* in {}/lib", sysroot.display())))?;
    let file_name = libllvm.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
    // libLLVM.so.22.1-rust-1.97.0-nightly → 22
    let major = file_name
        .strip_prefix("libLLVM.so.")
        .and_then(|v| v.split('.').next())
        .filter(|m| m.chars().all(|c| c.is_ascii_digit()))
        .ok_or_else(|| Error(format!("cannot read the LLVM version from {file_name}")))?;
    let prefix = tools.join("llvm");
    let lib = prefix.join("lib");
    fs::create_dir_all(&lib).map_err(|e| Error(format!("creating {}: {e}", lib.display())))?;
    for link in [lib.join("libLLVM.so"), lib.join(&file_name)] {
        let _ = fs::remove_file(&link);
        std::os::unix::fs::symlink(&libllvm, &link).map_err(|e| Error(format!("linking {}: {e}", link.display())))?;
    }
    let mut cmd = clean(Command::new("rustup"));
    cmd.args(["run", toolchain, "cargo", "install", &format!("bpf-linker@{BPF_LINKER_VERSION}"), "--locked"])
        .args(["--no-default-features", "--features", &format!("llvm-{major}"), "--force", "--root"])
        .arg(&tools)
        .env("LLVM_PREFIX", &prefix);
    run(cmd, &format!("building bpf-linker {BPF_LINKER_VERSION} against LLVM {major} (about a minute)"))?;
    fs::write(&stamp, format!("{want}\n")).map_err(|e| Error(format!("writing {}: {e}", stamp.display())))?;
    Ok(linker)
}

/// Options of [`build_ebpf`].
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Only these examples (binary names); all when empty.
    pub examples: Vec<String>,
    /// Skip the C programs even when clang is there.
    pub skip_c: bool,
}

/// What [`build_ebpf`] produced.
#[derive(Debug, Clone)]
pub struct Built {
    /// `target/bpf/<name>.o`, one per Rust example.
    pub rust: Vec<PathBuf>,
    /// `target/bpf/c/<name>.o`, one per C program; empty when clang is missing.
    pub c: Vec<PathBuf>,
    /// Why the C programs were not built, if they were not.
    pub c_skipped: Option<String>,
}

/// The Rust example programs: the binaries of `examples/src/bin`.
pub fn example_names(root: &Path) -> Result<Vec<String>> {
    let dir = root.join("examples/src/bin");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .map_err(|e| Error(format!("reading {}: {e}", dir.display())))?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".rs")).map(str::to_string))
        .collect();
    names.sort();
    Ok(names)
}

/// Build the toolchain if needed, then every example to `target/bpf/<name>.o`.
pub fn build_ebpf(root: &Path, opts: &BuildOptions) -> Result<Built> {
    let tc = toolchain(root)?;
    let names = if opts.examples.is_empty() { example_names(root)? } else { opts.examples.clone() };
    let mut cmd = clean(Command::new("rustup"));
    cmd.args(["run", &tc.name, "cargo", "build", "--release", "--locked"])
        .current_dir(root.join("examples"))
        .env("CARGO_TARGET_BPFEL_UNKNOWN_NONE_LINKER", &tc.linker);
    for name in &names {
        cmd.args(["--bin", name]);
    }
    run(cmd, &format!("building {} BPF example(s) with {}", names.len(), tc.rustc_version))?;
    let out_dir = root.join("target/bpf");
    fs::create_dir_all(&out_dir).map_err(|e| Error(format!("creating {}: {e}", out_dir.display())))?;
    let build_dir = root.join("target/bpf-build/bpfel-unknown-none/release");
    let mut rust = Vec::new();
    for name in &names {
        let from = build_dir.join(name);
        let to = out_dir.join(format!("{name}.o"));
        fs::copy(&from, &to).map_err(|e| Error(format!("copying {} to {}: {e}", from.display(), to.display())))?;
        rust.push(to);
    }
    let (c, c_skipped) = if opts.skip_c { (Vec::new(), Some("--skip-c".to_string())) } else { build_c(root)? };
    if let Some(why) = &c_skipped {
        eprintln!("xtask: C programs not built: {why}");
    }
    for p in rust.iter().chain(&c) {
        eprintln!("xtask: wrote {}", p.strip_prefix(root).unwrap_or(p).display());
    }
    Ok(Built { rust, c, c_skipped })
}

/// `examples/c/*.bpf.c` → `target/bpf/c/<name>.o` with `clang -O2 -g -target bpf`.
fn build_c(root: &Path) -> Result<(Vec<PathBuf>, Option<String>)> {
    if Command::new("clang").arg("--version").output().map(|o| !o.status.success()).unwrap_or(true) {
        return Ok((Vec::new(), Some("clang is not installed".to_string())));
    }
    let src_dir = root.join("examples/c");
    let out_dir = root.join("target/bpf/c");
    fs::create_dir_all(&out_dir).map_err(|e| Error(format!("creating {}: {e}", out_dir.display())))?;
    let mut sources: Vec<PathBuf> = fs::read_dir(&src_dir)
        .map_err(|e| Error(format!("reading {}: {e}", src_dir.display())))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.to_str().is_some_and(|s| s.ends_with(".bpf.c")))
        .collect();
    sources.sort();
    let arch_include = format!("/usr/include/{}-linux-gnu", std::env::consts::ARCH);
    let mut built = Vec::new();
    for src in sources {
        let name = src.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".bpf.c")).unwrap_or("prog");
        let out = out_dir.join(format!("{name}.o"));
        let mut cmd = Command::new("clang");
        cmd.args(["-O2", "-g", "-target", "bpf", "-Wall", "-Werror"])
            .arg(format!("-I{arch_include}"))
            .arg("-c")
            .arg(&src)
            .arg("-o")
            .arg(&out);
        run(cmd, &format!("clang {}", src.strip_prefix(root).unwrap_or(&src).display()))?;
        built.push(out);
    }
    Ok((built, None))
}
