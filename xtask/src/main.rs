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
                            and the C twins in examples/c to target/bpf/c/<name>.o";

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
