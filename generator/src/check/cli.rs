//! `bpfspec check`: reading the files (several in parallel), running the checker, filling in
//! source lines from disk, printing, and the exit code.

use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;

use crate::model::Model;
use crate::version::KernelVersion;

use super::input::{read_input_into, NotRead, MAX_INPUT_BYTES};
pub use super::render::DEFAULT_SITE_URL;
use super::render::{self, SarifOptions, Tally};
use super::report::{ObjectReport, Report, Severity};
use super::rules::{Checker, Options, Override, Scratch};
use super::source::{self, SourceCache, SourcePolicy};

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

    /// Also read source lines from files under DIR (repeatable). Without it, only files under
    /// the object's folder and the current directory are read.
    #[arg(long = "source-root", value_name = "DIR")]
    pub source_root: Vec<PathBuf>,

    /// Read no source files; show the source lines as the object's BTF recorded them.
    #[arg(long)]
    pub no_source: bool,

    /// SARIF: artifact URIs are relative to this folder (default: the current directory).
    #[arg(long, value_name = "DIR")]
    pub sarif_root: Option<PathBuf>,

    /// SARIF: where the reference site (`bpfspec site`) is published; rules link to its pages.
    #[arg(long, value_name = "URL", default_value = DEFAULT_SITE_URL)]
    pub site_url: String,

    /// Check against this machine: its kernel release (unless --kernel is given), its kernel
    /// config (/proc/config.gz or /boot/config-RELEASE), lockdown level and the capabilities
    /// of this process.
    #[arg(long)]
    pub host: bool,

    /// The target's kernel config (`.config`, or gzip-compressed like /proc/config.gz): decides
    /// the helpers that need config options.
    #[arg(long, value_name = "FILE")]
    pub kernel_config: Option<PathBuf>,

    /// The target's lockdown level: none, integrity or confidentiality.
    #[arg(long, value_name = "LEVEL")]
    pub lockdown: Option<String>,

    /// The capabilities the loader will hold, comma-separated (`CAP_BPF,CAP_PERFMON`; empty
    /// for none).
    #[arg(long, value_name = "LIST")]
    pub capabilities: Option<String>,

    /// Print the lowest kernel release each object and program loads on, and what decides it
    /// (the JSON output always has it, as `min_kernel`).
    #[arg(long)]
    pub min_kernel: bool,
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
    let (kernel, machine) = match super::target::from_args(args, model) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let options = Options { kernel, license: args.license.clone(), overrides };
    let policy = match SourcePolicy::new(&args.source_root, args.no_source) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let sarif = match SarifOptions::new(args.sarif_root.as_deref(), &args.site_url) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let checker = Checker::new(model, options).with_machine(machine);
    if args.format == Format::Human && !args.min_kernel {
        return run_human(&checker, args, &policy, color);
    }
    let report = match check_paths_with(&checker, &args.files, args.jobs, &policy) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let (text, to_stdout) = match args.format {
        // The plain human output went through `run_human` above.
        Format::Human => (super::min_kernel::human(&report), true),
        Format::Json => (render::json(&report), true),
        Format::Sarif => (render::sarif_with(&report, &sarif), true),
    };
    if let Err(code) = write_report(text.as_bytes(), to_stdout) {
        return code;
    }
    let code = if args.min_kernel && args.format == Format::Human {
        super::min_kernel::exit_code(&report)
    } else {
        exit_code(&report)
    };
    // The process ends here: freeing the report and its text one allocation at a time would
    // only cost time (a few per cent of a large run), so the operating system takes them back.
    std::mem::forget((report, text));
    code
}

/// The human output, rendered object by object as they are checked: each report is dropped
/// once rendered, so memory stays that of one object per worker however many are checked.
/// The bytes are those of [`render::human`] on the whole report.
fn run_human(checker: &Checker<'_>, args: &CheckArgs, policy: &SourcePolicy, color: bool) -> ExitCode {
    let verbose = args.verbose;
    let mut tally = Tally::default();
    let mut text = String::new();
    // Only `-v` lists the programs, after every object's diagnostics.
    let mut programs = String::new();
    let checked = check_each(
        checker,
        &args.files,
        args.jobs,
        policy,
        |objects| {
            let mut tally = Tally::default();
            for o in &objects {
                tally.add(o);
            }
            let programs = if verbose { render::human_programs(&objects) } else { String::new() };
            (render::human_diagnostics(&objects, color), programs, tally)
        },
        |(diagnostics, listed, t)| {
            text.push_str(&diagnostics);
            programs.push_str(&listed);
            tally.merge(&t);
        },
    );
    if let Err(e) = checked {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    text.push_str(&programs);
    text.push_str(&tally.summary(&checker.options().kernel.to_string()));
    if let Err(code) = write_report(text.as_bytes(), false) {
        return code;
    }
    std::mem::forget(text);
    exit_status(tally.unreadable > 0, tally.errors)
}

/// Writes the report to stdout or stderr; a closed pipe is not an error.
fn write_report(bytes: &[u8], to_stdout: bool) -> Result<(), ExitCode> {
    let written =
        if to_stdout { std::io::stdout().lock().write_all(bytes) } else { std::io::stderr().lock().write_all(bytes) };
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("error: writing the report: {e}");
            Err(ExitCode::from(2))
        }
        _ => Ok(()),
    }
}

pub fn exit_code(report: &Report) -> ExitCode {
    exit_status(report.unreadable(), report.count(Severity::Error))
}

/// The exit status of a check: 2 when an input could not be read, 1 when there are errors.
fn exit_status(unreadable: bool, errors: usize) -> ExitCode {
    if unreadable {
        ExitCode::from(2)
    } else if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Checks files and folders, in parallel on `jobs` threads (default: all cores), keeping the
/// order of the arguments; source lines are read from the object's folder and the current
/// directory.
pub fn check_paths(checker: &Checker<'_>, paths: &[PathBuf], jobs: Option<usize>) -> Result<Report, String> {
    check_paths_with(checker, paths, jobs, &SourcePolicy::new(&[], false)?)
}

/// [`check_paths`] with an explicit source-line policy.
pub fn check_paths_with(
    checker: &Checker<'_>,
    paths: &[PathBuf],
    jobs: Option<usize>,
    policy: &SourcePolicy,
) -> Result<Report, String> {
    let mut objects = Vec::new();
    check_each(checker, paths, jobs, policy, |reports| reports, |reports| objects.extend(reports))?;
    Ok(Report { kernel: checker.options().kernel.to_string(), objects })
}

/// Checks files and folders as [`check_paths_with`] does, handing the reports of each file (an
/// object, or every object embedded in it) to `each` as soon as they are made, and what `each`
/// makes of them to `consume`, in the order of the arguments. On one thread nothing is kept
/// from one file to the next: memory stays that of one object however many are checked.
pub fn check_each<T: Send>(
    checker: &Checker<'_>,
    paths: &[PathBuf],
    jobs: Option<usize>,
    policy: &SourcePolicy,
    each: impl Fn(Vec<ObjectReport>) -> T + Sync,
    mut consume: impl FnMut(T),
) -> Result<(), String> {
    let mut inputs = Vec::new();
    for p in paths {
        expand(p, &mut inputs);
    }
    let cache = SourceCache::default();
    let check_input = |input: &Input<'_>, worker: &mut Worker| {
        let f = match input {
            Input::File(f) => f,
            Input::Problem(p, why) => {
                return each(vec![ObjectReport::unreadable(p.display().to_string(), why.clone())])
            }
        };
        let mut reports = Vec::new();
        check_file(checker, f, true, worker, policy, &cache, &mut reports);
        each(reports)
    };
    if inputs.len() <= 1 || jobs == Some(1) {
        // One file, or one thread asked for: this thread checks them all (starting a worker
        // thread would cost more than checking a small object does).
        let mut worker = Worker::default();
        for input in &inputs {
            consume(check_input(input, &mut worker));
        }
    } else {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.unwrap_or(0))
            .build()
            .map_err(|e| format!("cannot start worker threads: {e}"))?;
        // Each worker keeps its memory from one file to the next.
        let per_file: Vec<T> = pool.install(|| {
            inputs.par_iter().map_init(Worker::default, |worker, input| check_input(input, worker)).collect()
        });
        per_file.into_iter().for_each(consume);
    }
    Ok(())
}

/// Checks file `f`, adding its reports to `out`. Where `f` is an argument, a folder named
/// like an object (which [`expand`] did not look into) stands for the objects in it, checked
/// here in order; a folder found in a folder is not entered (it is a symlink, which
/// [`expand_folder`] leaves alone).
fn check_file(
    checker: &Checker<'_>,
    f: &Path,
    argument: bool,
    worker: &mut Worker,
    policy: &SourcePolicy,
    cache: &SourceCache,
    out: &mut Vec<ObjectReport>,
) {
    // What `Path::display` shows, without the formatting machinery.
    let name = super::lossy_string(f.as_os_str().as_encoded_bytes());
    let mut reports = match read_input_into(f, MAX_INPUT_BYTES, &mut worker.data) {
        Ok(data) => checker.check_file_with(&name, data, &mut worker.scratch),
        Err(NotRead::Folder) if argument => {
            let mut inputs = Vec::new();
            expand_folder(f, &mut inputs);
            for input in inputs {
                match input {
                    Input::File(inner) => check_file(checker, &inner, false, worker, policy, cache, out),
                    Input::Problem(p, why) => out.push(ObjectReport::unreadable(p.display().to_string(), why)),
                }
            }
            return;
        }
        Err(e) => vec![ObjectReport::unreadable(name, e.to_string())],
    };
    if reports.iter().any(|r| r.diagnostics.iter().any(|d| d.source.is_some())) {
        let dir = cache.object_dir(f);
        for r in &mut reports {
            source::fill(r, dir.as_deref(), policy, cache);
        }
    }
    out.append(&mut reports);
}

/// The memory a worker thread keeps from one file to the next: the analysis's scratch and the
/// buffer files are read into.
#[derive(Default)]
struct Worker {
    scratch: Scratch,
    data: Vec<u8>,
}

/// What an argument stands for: a file to check (the argument itself, or a file found in the
/// folder it names), or a problem to report in its place.
enum Input<'a> {
    File(Cow<'a, Path>),
    Problem(PathBuf, String),
}

/// A folder stands for every `*.o` file below it, sorted (symlinked folders are not entered);
/// a folder without any is an error, so that a mistyped path fails. Anything else stands for
/// itself. A name ending in `.o` is taken for a file without asking the file system (a `stat`
/// per argument is a tenth of the time of checking a small object); should it be a folder
/// after all, [`check_file`] finds out when it opens it.
fn expand<'a>(path: &'a Path, out: &mut Vec<Input<'a>>) {
    if path.extension().is_some_and(|e| e == "o") || !path.is_dir() {
        out.push(Input::File(Cow::Borrowed(path)));
        return;
    }
    expand_folder(path, out);
}

/// The objects of folder `path`, as [`expand`] describes.
fn expand_folder(path: &Path, out: &mut Vec<Input<'_>>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let mut stack = vec![path.to_owned()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                problems.push(Input::Problem(dir, format!("cannot read the folder: {e}")));
                continue;
            }
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
    if found.is_empty() && problems.is_empty() {
        out.push(Input::Problem(path.to_owned(), "no BPF object (`*.o` file) in this folder".into()));
        return;
    }
    found.sort();
    out.extend(found.into_iter().map(|p| Input::File(Cow::Owned(p))));
    out.extend(problems);
}
