//! `cargo xtask bless`: rewrites the golden files from what the code now produces, by running
//! the tests that own them with their tool's update switch: expect-test's `UPDATE_EXPECT=1`
//! (the generator's golden files, `examples/c/verified.json` and `examples/verified.json`) and
//! trybuild's `TRYBUILD=overwrite` (the runtime's compile-fail `*.stderr`).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::{err, Error, Result};

/// One group of golden files and the test run that rewrites it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// The name `cargo xtask bless` takes on its command line.
    pub name: &'static str,
    /// What the run rewrites.
    pub blesses: &'static str,
    /// The update switch: an environment variable and its value.
    pub env: (&'static str, &'static str),
    /// The arguments of `cargo`.
    pub args: &'static [&'static str],
    /// Whether a bare `cargo xtask bless` runs it.
    pub by_default: bool,
}

impl Step {
    /// The command as a shell line, as it is printed before it runs.
    pub fn command_line(&self) -> String {
        format!("{}={} cargo {}", self.env.0, self.env.1, self.args.join(" "))
    }
}

/// Every step, in the order they run. `verified` and `verified-rust` are only run when named:
/// they record what this machine measured loading the C and the Rust examples, which needs
/// root (and bpftool and a bpffs for C; the nightly and bpf-linker for Rust).
pub const STEPS: &[Step] = &[
    Step {
        name: "goldens",
        blesses: "the generator's expect-test golden files: site snapshots \
                  (generator/tests/fixtures/site-snapshots/), spec diagnostics \
                  (generator/tests/ui/cases/*.stderr) and the bindings emitter's output on the fixture \
                  specs (generator/tests/fixtures/bindings-expected/src/)",
        env: ("UPDATE_EXPECT", "1"),
        // Exact names: a filter like `bindings::golden` would also run the test that compiles
        // the fixture crate while this one rewrites it.
        args: &[
            "test",
            "-p",
            "bpfspec",
            "--test",
            "it",
            "--",
            "--exact",
            "site::site_snapshots",
            "specs::ui_broken_specs_give_expected_diagnostics",
            "bindings::golden_fixture_output",
        ],
        by_default: true,
    },
    Step {
        name: "compile-fail",
        blesses: "the runtime's compile-fail diagnostics (tests/runtime-e2e/tests/ui/*.stderr, trybuild)",
        env: ("TRYBUILD", "overwrite"),
        args: &["test", "-p", "runtime-e2e", "--test", "runtime", "compile_fail"],
        by_default: true,
    },
    Step {
        name: "verified",
        blesses: "examples/c/verified.json: what this machine measured compiling, checking, loading and \
                  running the C examples (run as root on a machine that can load BPF programs; \
                  BPFSPEC_EXAMPLES=TEXT limits it to some examples)",
        env: ("UPDATE_EXPECT", "1"),
        args: &[
            "test",
            "-p",
            "bpfspec",
            "--test",
            "it",
            "--",
            "--exact",
            "examples::examples_compile_check_load_and_run",
            "--nocapture",
        ],
        by_default: false,
    },
    Step {
        name: "verified-rust",
        blesses: "examples/verified.json: the same for the Rust examples (built, checked, loaded and run \
                  by the Rust examples test; run as root on a machine that can load BPF programs)",
        env: ("UPDATE_EXPECT", "1"),
        args: &[
            "test",
            "-p",
            "runtime-e2e",
            "--test",
            "examples",
            "--",
            "--exact",
            "every_example_is_checked_loaded_and_run",
            "--nocapture",
        ],
        by_default: false,
    },
];

/// `cargo xtask bless --help`: every step, what it rewrites and the exact command it runs.
pub fn help() -> String {
    let mut out = String::from(
        "usage: cargo xtask bless [STEP...]\n\n\
         Rewrites golden files from what the code now produces, by running the tests that own them\n\
         with their update switch. Without STEP: every step but `verified` and `verified-rust`.\n\
         Review the result with `git diff` before committing it.\n\nsteps:\n",
    );
    for s in STEPS {
        let default = if s.by_default { "" } else { " (only when named)" };
        out.push_str(&format!("  {}{default}\n", s.name));
        out.push_str(&wrap(&format!("blesses: {}", s.blesses), "      ", "               "));
        out.push_str(&format!("      runs:    {}\n", s.command_line()));
    }
    out
}

/// `text` in lines of at most 100 columns (a longer word stays whole), the first line after
/// `first`, the others after `rest`.
fn wrap(text: &str, first: &str, rest: &str) -> String {
    let mut out = String::new();
    let mut line = first.to_owned();
    for word in text.split_whitespace() {
        let started = !line.trim().is_empty();
        if started && line.len() + 1 + word.len() > 100 {
            out.push_str(&line);
            out.push('\n');
            line = rest.to_owned();
        } else if started {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// The steps named on the command line (each once, in [`STEPS`] order), or the default ones.
pub fn select(names: &[String]) -> Result<Vec<&'static Step>> {
    for name in names {
        if !STEPS.iter().any(|s| s.name == name) {
            let known: Vec<&str> = STEPS.iter().map(|s| s.name).collect();
            return err(format!("unknown bless step `{name}` (known: {})", known.join(", ")));
        }
    }
    Ok(STEPS
        .iter()
        .filter(|s| if names.is_empty() { s.by_default } else { names.iter().any(|n| n == s.name) })
        .collect())
}

/// A step that ran, and how long it took.
#[derive(Debug)]
pub struct Ran {
    /// The step.
    pub step: &'static Step,
    /// Its test run's wall-clock time, build included.
    pub wall: Duration,
}

/// Runs each step's test in the workspace at `root`, stopping at the first that fails.
pub fn bless(root: &Path, steps: &[&'static Step]) -> Result<Vec<Ran>> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut ran = Vec::new();
    for &step in steps {
        eprintln!("xtask: bless {}: {}", step.name, step.command_line());
        let start = Instant::now();
        let status = Command::new(&cargo)
            .args(step.args)
            .env(step.env.0, step.env.1)
            .current_dir(root)
            .status()
            .map_err(|e| Error(format!("{}: cannot run cargo: {e}", step.command_line())))?;
        if !status.success() {
            return err(format!("bless {}: `{}` failed ({status})", step.name, step.command_line()));
        }
        ran.push(Ran { step, wall: start.elapsed() });
    }
    Ok(ran)
}
