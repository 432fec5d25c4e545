//! The `bpfspec` command line: the specs of Linux eBPF helpers and what is built from them.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use bpfspec::load::{self, LoadError};
use bpfspec::model::Model;

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
    after_help = "Examples:\n  bpfspec validate --specs specs/     check a specs folder, rustc-style errors\n  \
bpfspec export --format json | jq '.helpers[] | select(.gpl_only) | .name'\n  \
bpfspec probe --diff                 compare the specs with the running kernel"
)]
struct Cli {
    /// Read specs from this folder instead of the copy embedded in the binary.
    #[arg(long, global = true, value_name = "DIR")]
    specs: Option<PathBuf>,

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
enum Command {
    /// Check the specs: every name resolves, IDs are unique and contiguous, versions are
    /// well-formed. Exit 0 when clean, 1 with diagnostics on stderr.
    Validate,
    /// Print the whole model as one JSON document (schema documented in the README).
    Export {
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
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
    match &cli.command {
        Command::Validate => {
            eprintln!(
                "specs are valid: {} helpers, {} program types, {} map types, {} attach types, {} section names",
                model.helpers.len(),
                model.program_types.len(),
                model.map_types.len(),
                model.attach_types.len(),
                model.sections.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Export { format: ExportFormat::Json } => {
            let json = bpfspec::emit::json::export(&model);
            std::io::stdout().lock().write_all(json.as_bytes()).context("writing to stdout")?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn load_model(cli: &Cli) -> Result<Model, LoadError> {
    match &cli.specs {
        Some(dir) => load::load_dir(dir),
        None => load::embedded(),
    }
}
