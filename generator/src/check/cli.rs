//! `bpfspec check`: reading the files (several in parallel), running the checker, filling in
//! source lines from disk, printing, and the exit code.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;

use crate::model::Model;
use crate::version::KernelVersion;

use super::render;
use super::report::{ObjectReport, Report, Severity};
use super::rules::{Checker, Options, Override};

/// Largest source file read to show a line from.
const MAX_SOURCE_BYTES: u64 = 16 << 20;

#[derive(Debug, Clone, clap::Args)]
#[command(after_help = "Examples:\n  bpfspec check prog.bpf.o\n  \
bpfspec check --kernel 5.15 --format json build/*.o\n  \
bpfspec check --program-type mysec=xdp --license 'Dual BSD/GPL' prog.o\n\n\
Exit status: 0 no errors, 1 errors found, 2 an input could not be read.")]
pub struct CheckArgs {
    /// BPF object files, folders (every `*.o` inside, recursively), or other ELF files to
    /// search for embedded BPF objects (libbpf skeletons).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Target kernel, `X.Y` (a `uname -r` string works too). Default: the newest in the specs.
    #[arg(long, value_name = "X.Y", value_parser = parse_kernel)]
    pub kernel: Option<KernelVersion>,

    /// Check as if the object declared this license.
    #[arg(long, value_name = "LICENSE")]
    pub license: Option<String>,

    /// Program type of programs in SECTION (exact name), e.g. `mysec=xdp`,
    /// `mysec=cgroup_sock_addr:cgroup_inet4_connect`, `mysec=tracing:trace_iter:sleepable`.
    #[arg(long = "program-type", value_name = "SECTION=TYPE[:ATTACH_TYPE][:sleepable]")]
    pub program_type: Vec<String>,

    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Worker threads (default: one per core).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,

    /// Also list every program with its helper and kfunc calls (human format).
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

fn parse_kernel(s: &str) -> Result<KernelVersion, String> {
    s.parse::<KernelVersion>()
        .or_else(|e| {
            if s.starts_with(|c: char| c.is_ascii_digit()) {
                KernelVersion::from_release(s).ok_or(e)
            } else {
                Err(e)
            }
        })
        .map_err(|e| e.to_string())
}

/// Parses `SECTION=TYPE[:ATTACH_TYPE][:sleepable]` against the model.
pub fn parse_override(model: &Model, arg: &str) -> Result<Override, String> {
    let (section, spec) =
        arg.rsplit_once('=').ok_or_else(|| format!("`{arg}`: expected SECTION=TYPE, e.g. `mysec=xdp`"))?;
    let mut parts = spec.split(':');
    let ty = parts.next().unwrap_or_default();
    let program_type = model.program_type_by_name(ty).ok_or_else(|| {
        let names = model.program_types.iter().map(|p| p.short_name.as_str());
        match crate::diagnostics::closest(ty, names) {
            Some(c) => format!("unknown program type `{ty}`; did you mean `{c}`?"),
            None => format!("unknown program type `{ty}`"),
        }
    })?;
    let mut o =
        Override { section: section.to_owned(), program_type: program_type.id, attach_type: None, sleepable: false };
    for part in parts {
        if part == "sleepable" {
            o.sleepable = true;
        } else {
            let at = model.attach_type_by_name(part).ok_or_else(|| {
                let names = model.attach_types.iter().map(|a| a.short_name.as_str());
                match crate::diagnostics::closest(part, names) {
                    Some(c) => format!("unknown attach type `{part}`; did you mean `{c}`?"),
                    None => format!("unknown attach type `{part}`"),
                }
            })?;
            o.attach_type = Some(at.id);
        }
    }
    Ok(o)
}

/// Runs `bpfspec check`; prints the report and returns the exit code.
pub fn run_cli(args: &CheckArgs, model: &Model, color: bool) -> ExitCode {
    let mut overrides = Vec::new();
    for arg in &args.program_type {
        match parse_override(model, arg) {
            Ok(o) => overrides.push(o),
            Err(e) => {
                eprintln!("error: --program-type {e}");
                return ExitCode::from(2);
            }
        }
    }
    let options = Options {
        kernel: args.kernel.unwrap_or_else(|| model.newest_kernel()),
        license: args.license.clone(),
        overrides,
    };
    let checker = Checker::new(model, options);
    let report = match check_paths(&checker, &args.files, args.jobs) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let (text, to_stdout) = match args.format {
        Format::Human => (render::human(&report, color, args.verbose), false),
        Format::Json => (render::json(&report), true),
        Format::Sarif => (render::sarif(&report), true),
    };
    let written = if to_stdout {
        std::io::stdout().lock().write_all(text.as_bytes())
    } else {
        std::io::stderr().lock().write_all(text.as_bytes())
    };
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: writing the report: {e}");
            return ExitCode::from(2);
        }
    }
    exit_code(&report)
}

pub fn exit_code(report: &Report) -> ExitCode {
    if report.unreadable() {
        ExitCode::from(2)
    } else if report.count(Severity::Error) > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Checks files and folders, in parallel on `jobs` threads (default: all cores), keeping the
/// order of the arguments.
pub fn check_paths(checker: &Checker<'_>, paths: &[PathBuf], jobs: Option<usize>) -> Result<Report, String> {
    let mut files = Vec::new();
    for p in paths {
        expand(p, &mut files);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))?;
    let per_file: Vec<Vec<ObjectReport>> = pool.install(|| {
        files
            .par_iter()
            .map(|f| {
                let name = f.display().to_string();
                let mut reports = match std::fs::read(f) {
                    Ok(data) => checker.check_file(&name, &data),
                    Err(e) => vec![ObjectReport::unreadable(name, format!("cannot read: {e}"))],
                };
                let base = f.parent().map(Path::to_path_buf).unwrap_or_default();
                for r in &mut reports {
                    fill_source_text(r, &base);
                }
                reports
            })
            .collect()
    });
    Ok(Report { kernel: checker.options().kernel.to_string(), objects: per_file.into_iter().flatten().collect() })
}

/// A folder stands for every `*.o` file below it, sorted; anything else for itself.
fn expand(path: &Path, out: &mut Vec<PathBuf>) {
    if !path.is_dir() {
        out.push(path.to_owned());
        return;
    }
    let mut found = Vec::new();
    let mut stack = vec![path.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            found.push(dir); // reported as unreadable
            continue;
        };
        for entry in entries.flatten() {
            let p = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => stack.push(p),
                Ok(_) if p.extension().is_some_and(|e| e == "o") => found.push(p),
                _ => {}
            }
        }
    }
    found.sort();
    out.extend(found);
}

/// Replaces the BTF copy of each diagnostic's source line with the line from the source file
/// when it can be found (as recorded, or relative to the object's folder).
fn fill_source_text(report: &mut ObjectReport, object_dir: &Path) {
    let mut files: HashMap<String, Option<Vec<String>>> = HashMap::new();
    for d in &mut report.diagnostics {
        let Some(src) = &mut d.source else { continue };
        let lines = files.entry(src.file.clone()).or_insert_with(|| read_lines(&src.file, object_dir));
        let line = lines.as_ref().and_then(|l| l.get((src.line as usize).checked_sub(1)?));
        if let Some(line) = line {
            src.text = line.clone();
        }
    }
}

fn read_lines(file: &str, object_dir: &Path) -> Option<Vec<String>> {
    let path = Path::new(file);
    let candidates =
        if path.is_absolute() { vec![path.to_owned()] } else { vec![path.to_owned(), object_dir.join(path)] };
    for c in candidates {
        let Ok(meta) = std::fs::metadata(&c) else { continue };
        if !meta.is_file() || meta.len() > MAX_SOURCE_BYTES {
            continue;
        }
        if let Ok(bytes) = std::fs::read(&c) {
            return Some(String::from_utf8_lossy(&bytes).lines().map(str::to_owned).collect());
        }
    }
    None
}
