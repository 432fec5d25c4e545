//! `cargo xtask <task>`: see `cargo xtask help`.

use std::process::ExitCode;

const HELP: &str = "\
usage: cargo xtask <task>

tasks:
  toolchain                 install what the BPF build needs, if missing: the nightly pinned in
                            examples/rust-toolchain.toml with rust-src, and bpf-linker (built
                            against that nightly's libLLVM) in target/tools
  build-ebpf [--skip-c] [EXAMPLE...]
                            the toolchain, then each example program to target/bpf/<name>.o
                            and the C twins in examples/c to target/bpf/c/<name>.o
  kernels [--kernel NAME]... [--host] [--out DIR] [--refresh] [--timeout MINUTES] [--bpfspec BIN]
          [--reuse-reports]
                            boot Debian's kernels (bullseye 5.10, bookworm 6.1, trixie 6.12,
                            sid 7.2, experimental 7.3; all by default) under qemu (TCG), run
                            `bpfspec probe` in each and write specs/kernels/<release>.json;
                            --host also probes the running kernel natively; --reuse-reports
                            remakes the measurements from the last boots' reports. Downloads
                            and images are cached in target/kernels
  guest-examples [--kernel NAME]... [--all] [--filter TEXT] [--timeout MINUTES] [--dry-run]
                            build the check-only examples, C and Rust (every one with --all;
                            those whose path from the repository root contains TEXT with
                            --filter), boot a Debian kernel (6.12 unless --kernel names others)
                            under qemu with them and bpftool, load each with `bpftool prog
                            loadall`, and record which guest kernel loaded it, or why not, in
                            examples/c/verified.json (C) and examples/verified.json (Rust)
                            (--dry-run: only print)
  dist [--no-pgo] [--pie] [--install]
                            the bpfspec binary as we ship and measure it: static, position-
                            dependent, `dist` profile, optimized with a profile of a training
                            run of `check` (PGO; needs clang for the training corpus, adds
                            rustup's llvm-tools if missing; two builds, ~15 min), to
                            target/x86_64-unknown-linux-gnu/dist/bpfspec; --no-pgo: one build
                            without the profile; --pie: a static-pie (random load address,
                            slower start, see BENCHMARKS.md); --install: also copy it to
                            $CARGO_HOME/bin
  bless [goldens] [compile-fail] [verified]
                            rewrite golden files from what the code now produces: the tests that
                            own them, under UPDATE_EXPECT=1 (expect-test) or TRYBUILD=overwrite
                            (trybuild); `cargo xtask bless --help` lists each step's files and
                            command";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = xtask::repo_root();
    let result = match args.first().map(String::as_str) {
        Some("toolchain") => xtask::toolchain(&root).map(|tc| {
            eprintln!("xtask: {} with rust-src; bpf-linker at {}", tc.rustc_version, tc.linker.display());
        }),
        Some("build-ebpf") => {
            let mut opts = xtask::BuildOptions::default();
            for arg in &args[1..] {
                match arg.as_str() {
                    "--skip-c" => opts.skip_c = true,
                    flag if flag.starts_with('-') => {
                        eprintln!("error: unknown flag `{flag}`\n\n{HELP}");
                        return ExitCode::from(2);
                    }
                    name => opts.examples.push(name.to_string()),
                }
            }
            xtask::build_ebpf(&root, &opts).map(|_| ())
        }
        Some("kernels") => match kernels_options(&args[1..]) {
            Ok(opts) => xtask::kernels::kernels(&root, &opts).map(|outcomes| {
                for o in outcomes {
                    eprintln!(
                        "xtask: {:<12} {:<28} {:>6} loads  probe {:>6.1} s  wall {:>6.1} s  -> {}",
                        o.name,
                        o.release,
                        o.loads,
                        o.probe_ms as f64 / 1000.0,
                        o.wall.as_secs_f64(),
                        o.measurement.display()
                    );
                }
            }),
            Err(e) => {
                eprintln!("error: {e}\n\n{HELP}");
                return ExitCode::from(2);
            }
        },
        Some("guest-examples") => match guest_examples_options(&args[1..]) {
            Ok(opts) => xtask::guest_examples::guest_examples(&root, &opts).map(|outcomes| {
                for o in outcomes {
                    let loaded = o.loads.values().filter(|g| g.loaded).count();
                    eprintln!(
                        "xtask: {:<12} {:<28} {loaded:>4} of {:<4} loaded  wall {:>6.1} s",
                        o.suite,
                        o.release,
                        o.loads.len(),
                        o.wall.as_secs_f64()
                    );
                    for (rel, g) in o.loads.iter().filter(|(_, g)| !g.loaded) {
                        eprintln!("  refused {rel}: {}", g.reason.as_deref().unwrap_or(""));
                    }
                }
            }),
            Err(e) => {
                eprintln!("error: {e}\n\n{HELP}");
                return ExitCode::from(2);
            }
        },
        Some("dist") => {
            let mut opts = xtask::dist::DistOptions::default();
            for arg in &args[1..] {
                match arg.as_str() {
                    "--no-pgo" => opts.no_pgo = true,
                    "--install" => opts.install = true,
                    "--pie" => opts.pie = true,
                    other => {
                        eprintln!("error: unknown argument `{other}` for `dist`\n\n{HELP}");
                        return ExitCode::from(2);
                    }
                }
            }
            xtask::dist::dist(&root, &opts).map(|_| ())
        }
        Some("bless") => {
            if args[1..].iter().any(|a| matches!(a.as_str(), "--help" | "-h" | "help")) {
                println!("{}", xtask::bless::help());
                return ExitCode::SUCCESS;
            }
            if let Some(flag) = args[1..].iter().find(|a| a.starts_with('-')) {
                eprintln!("error: unknown flag `{flag}`\n\n{}", xtask::bless::help());
                return ExitCode::from(2);
            }
            xtask::bless::select(&args[1..]).and_then(|steps| xtask::bless::bless(&root, &steps)).map(|ran| {
                for r in ran {
                    eprintln!(
                        "xtask: blessed {:<12} {:>6.1} s  {}",
                        r.step.name,
                        r.wall.as_secs_f64(),
                        r.step.command_line()
                    );
                }
            })
        }
        Some("help" | "--help" | "-h") | None => {
            println!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("error: unknown task `{other}`\n\n{HELP}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn kernels_options(args: &[String]) -> Result<xtask::kernels::Options, String> {
    let mut opts = xtask::kernels::Options::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| it.next().cloned().ok_or_else(|| format!("`{flag}` needs a value"));
        match arg.as_str() {
            "--kernel" => opts.kernels.push(value("--kernel")?),
            "--host" => opts.host = true,
            "--refresh" => opts.refresh = true,
            "--reuse-reports" => opts.reuse_reports = true,
            "--out" => opts.out = Some(value("--out")?.into()),
            "--bpfspec" => opts.bpfspec = Some(value("--bpfspec")?.into()),
            "--timeout" => {
                let v = value("--timeout")?;
                let minutes: u64 = v.parse().map_err(|_| format!("`--timeout {v}`: expected whole minutes"))?;
                opts.timeout = std::time::Duration::from_secs(minutes * 60);
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(opts)
}

fn guest_examples_options(args: &[String]) -> Result<xtask::guest_examples::Options, String> {
    let mut opts = xtask::guest_examples::Options::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| it.next().cloned().ok_or_else(|| format!("`{flag}` needs a value"));
        match arg.as_str() {
            "--kernel" => opts.kernels.push(value("--kernel")?),
            "--all" => opts.all = true,
            "--dry-run" => opts.dry_run = true,
            "--filter" => opts.filter = Some(value("--filter")?),
            "--timeout" => {
                let v = value("--timeout")?;
                let minutes: u64 = v.parse().map_err(|_| format!("`--timeout {v}`: expected whole minutes"))?;
                opts.timeout = std::time::Duration::from_secs(minutes * 60);
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(opts)
}
