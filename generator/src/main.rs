//! The `bpfspec` command line: the specs of Linux eBPF helpers and what is built from them.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use bpfspec::examples::Examples;
use bpfspec::load::LoadError;
use bpfspec::model::Model;
use bpfspec::output;
use bpfspec::pipeline;

/// mimalloc rather than the system allocator: `check` makes about a hundred small allocations
/// per object, and glibc's spend about 200 instructions on each (BENCHMARKS.md, "Throughput,
/// third round"). Built without transparent huge pages (`no_thp`): faulting in 2 MiB pages
/// made a one-object check 0.6 ms slower.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "bpfspec",
    version,
    about = "The reference for Linux eBPF helpers, program types and map types",
    long_about = "bpfspec keeps one source of truth about Linux eBPF — every helper (ID, C signature, \
verifier argument classes, since-version, GPL-only, which program types may call it and under \
which conditions, which map types it accepts), every program type, map type and attach type — \
and builds from it: Rust bindings, verifier-style checks of BPF objects, a kernel probe and an \
offline reference site.\n\nThe specs are embedded in this binary; --specs DIR reads a specs folder instead.",
    after_help = "Examples:\n  bpfspec validate --specs specs/      check a specs folder, rustc-style errors\n  \
bpfspec check --kernel 5.15 prog.o    would Linux 5.15's verifier accept prog.o's helper calls?\n  \
bpfspec export | jq '.helpers[] | select(.gpl_only) | .name'\n  \
sudo bpfspec probe --diff             compare the specs with the running kernel\n  \
bpfspec serve                         browse the reference at http://127.0.0.1:8000/"
)]
struct Cli {
    /// Read specs from this folder instead of the copy embedded in the binary.
    #[arg(long, global = true, value_name = "DIR")]
    specs: Option<PathBuf>,

    /// Read the site's example programs (helpers/, maps/, verified.json) from this folder
    /// instead of the copy of examples/c/ embedded in the binary.
    #[arg(long, global = true, value_name = "DIR")]
    examples: Option<PathBuf>,

    /// When to color diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,

    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
#[allow(clippy::large_enum_variant, reason = "parsed once per process; boxing would only add noise")]
enum Command {
    /// Check the specs and report every problem, rustc-style.
    ///
    /// Every name resolves, IDs are unique and contiguous, versions are well-formed. Exit 0
    /// when clean, 1 with diagnostics on stderr.
    Validate,
    /// Regenerate the bindings crate (generated/) and the runtime's gates.
    ///
    /// Writes generated/src/ (package bpfspec-bindings; all but lib.rs) and runtime/generated/,
    /// all or nothing: each folder is built beside itself and swapped in with one rename. Files
    /// there that it did not produce are deleted. With --check, write nothing: exit 1 and print
    /// a diff when anything there is stale.
    Generate {
        /// Compare with the files on disk instead of writing them.
        #[arg(long)]
        check: bool,
        /// The repository checkout to write into (its root).
        #[arg(long, value_name = "DIR", default_value = ".")]
        out: PathBuf,
    },
    /// Validate, regenerate generated/ and the gates, render the site (the main job).
    ///
    /// Run from the repository root; the site goes to target/site unless --site says otherwise.
    Build {
        #[arg(long, value_name = "DIR", default_value = "target/site")]
        site: PathBuf,
    },
    /// Print the whole model as one JSON document.
    ///
    /// The schema (schema_version 1) is documented in the README; fields keep their meaning.
    Export {
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
    },
    /// Check compiled BPF objects as the verifier would, before loading them.
    ///
    /// Reports helpers the program type may not call, attach type and sleepable rules, kernel
    /// versions, GPL-only helpers and map types. Exit 0 when clean, 1 with errors, 2 when an
    /// input is unreadable.
    Check(bpfspec::check::CheckArgs),
    /// Measure the running kernel's verifier and compare it with the specs.
    ///
    /// Asks which helpers each program type (and attach type, sleepable or not, GPL or not,
    /// with and without CAP_PERFMON) may call and which map types each helper accepts; with
    /// --diff, lists every disagreement with the specs. Exit 0 when they agree, 1 when they
    /// disagree, 2 when bpf() is not permitted.
    Probe(bpfspec::probe::ProbeArgs),
    /// Render the offline HTML reference site.
    ///
    /// Open DIR/index.html; no network needed. The new site replaces DIR in one step once it is
    /// complete, so DIR is never missing; a DIR holding files no `bpfspec site` run wrote (its
    /// manifest, DIR/.bpfspec-site, lists every file written) is refused, not emptied.
    Site {
        #[arg(long, value_name = "DIR", default_value = "target/site")]
        out: PathBuf,
    },
    /// Serve the reference site on 127.0.0.1 for local browsing.
    ///
    /// Rendered from the specs in memory, or the folder given with --dir. Idle and slow
    /// clients are timed out; a bounded pool of threads answers.
    Serve {
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Serve this folder (e.g. one `bpfspec site` wrote) instead of rendering.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal(),
    };
    let model = match load_model(cli) {
        Ok(model) => model,
        Err(LoadError::Invalid(invalid)) => {
            eprint!("{}", invalid.render(color));
            eprintln!("error: the specs have {} error(s)", invalid.error_count());
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.into()),
    };
    // The model lives until the process exits: freeing its ~13,000 allocations one by one would
    // cost a short command more than the rest of its exit.
    let model = std::mem::ManuallyDrop::new(model);
    match &cli.command {
        Command::Generate { check, out } => generate(&model, out, *check),
        Command::Build { site: site_dir } => {
            eprintln!(
                "specs are valid: {} helpers, {} program types, {} map types, {} attach types",
                model.helpers.len(),
                model.program_types.len(),
                model.map_types.len(),
                model.attach_types.len()
            );
            let code = generate(&model, std::path::Path::new("."), false)?;
            if code != ExitCode::SUCCESS {
                return Ok(code);
            }
            site(&model, &load_examples(cli)?, site_dir)
        }
        Command::Validate => {
            eprintln!(
                "specs are valid: {} helpers, {} program types, {} map types, {} attach types, {} section names, {} kfuncs in {} sets",
                model.helpers.len(),
                model.program_types.len(),
                model.map_types.len(),
                model.attach_types.len(),
                model.sections.len(),
                model.kfuncs.len(),
                model.kfunc_sets.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Export { format: ExportFormat::Json } => {
            let mut stdout = std::io::stdout().lock();
            for file in bpfspec::emit::json::emit(&model) {
                stdout.write_all(file.contents.as_bytes()).context("writing to stdout")?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Site { out } => site(&model, &load_examples(cli)?, out),
        Command::Check(args) => Ok(bpfspec::check::run_cli(args, &model, color)),
        Command::Probe(args) => bpfspec::probe::run(args, &model),
        Command::Serve { port, dir } => {
            let source = match dir {
                Some(dir) => bpfspec::serve::Source::dir(dir)?,
                None => {
                    bpfspec::serve::Source::from_outputs(bpfspec::emit::site::site_with(&model, &load_examples(cli)?))
                }
            };
            let listener = bpfspec::serve::bind(*port).with_context(|| format!("listening on 127.0.0.1:{port}"))?;
            let addr = listener.local_addr().context("reading the bound address")?;
            println!("serving the reference site at http://{addr}/ (Ctrl-C to stop)");
            std::io::stdout().flush().context("writing to stdout")?;
            bpfspec::serve::serve(listener, source).context("serving")?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Write (or with `check`, compare) the bindings crate and the runtime's gates.
fn generate(model: &Model, root: &Path, check: bool) -> anyhow::Result<ExitCode> {
    // Files on disk that the fingerprints show current are reused, not printed again.
    let outputs = bpfspec::emit::generated_reusing(model, &output::reader(root));
    let folders = bpfspec::emit::GENERATED_FOLDERS;
    let shown = root.display();
    if check {
        let report = output::check(root, folders, &outputs)?;
        if report.is_current() {
            eprintln!("generated files are up to date: {} files in {shown}", report.files);
            return Ok(ExitCode::SUCCESS);
        }
        let prefix = format!("{shown}/").trim_start_matches("./").to_owned();
        print!("{}", output::diff(&report.changes, &prefix));
        eprintln!("error: generated files in {shown} are stale: {}", report.changed_paths());
        eprintln!("help: regenerate them with `{}`", bpfspec::emit::REGENERATE);
        return Ok(ExitCode::from(1));
    }
    let report = output::write(root, folders, &outputs)?;
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    for dir in &report.cleaned {
        eprintln!("removed {}, left by a run that did not finish", dir.display());
    }
    if report.is_current() {
        eprintln!("generated files are up to date: {} files in {shown}", report.files);
    } else {
        eprintln!(
            "generated {} files in {shown} ({} changed: {})",
            report.files,
            report.changes.len(),
            report.changed_paths()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Render the reference site into `out`, replacing it in one step once complete.
fn site(model: &Model, examples: &Examples, out: &Path) -> anyhow::Result<ExitCode> {
    let start = std::time::Instant::now();
    let files = bpfspec::emit::site::site_with(model, examples);
    let rendered = start.elapsed();
    let report = output::publish(&files, out).with_context(|| format!("writing the site to `{}`", out.display()))?;
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    for dir in &report.cleaned {
        eprintln!("removed {}, left by a run that did not finish", dir.display());
    }
    for dir in &report.kept {
        eprintln!("warning: kept {}: it holds files no `bpfspec site` run wrote", dir.display());
    }
    eprintln!(
        "wrote {} files ({} KiB) to {} (rendered in {} ms, written in {} ms); open {}",
        report.files,
        report.bytes / 1024,
        out.display(),
        rendered.as_millis(),
        (start.elapsed() - rendered).as_millis(),
        out.join("index.html").display()
    );
    Ok(ExitCode::SUCCESS)
}

fn load_examples(cli: &Cli) -> anyhow::Result<Examples> {
    Ok(match &cli.examples {
        Some(dir) => Examples::load_dir(dir)?,
        None => Examples::embedded().context("the examples embedded in this binary")?,
    })
}

fn load_model(cli: &Cli) -> Result<Model, LoadError> {
    match &cli.specs {
        Some(dir) => pipeline::load_dir(dir),
        None => Ok(bpfspec::embedded::model()),
    }
}
