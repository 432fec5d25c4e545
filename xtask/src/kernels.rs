//! `cargo xtask kernels`: boot Debian's kernels under qemu and ask each one's verifier what
//! `bpfspec probe` asks the host's.
//!
//! For each kernel: resolve the suite's `linux-image-amd64` to the package that carries the
//! kernel (on 7.x `linux-image-*` is a meta package and the kernel is in `linux-binary-*`, its
//! config in `linux-base-*`), download it with apt through a sources list and state of our own
//! under `target/kernels/apt` (the system's apt configuration is read, never changed), unpack it
//! with `dpkg-deb -x`, build an initramfs (busybox from `busybox-static`, the `bpfspec` release
//! binary and the libraries it links, the kernel's config, an init script), boot it with
//! `qemu-system-x86_64 -accel tcg` and read the probe's JSON back from the second serial port.
//! The report becomes `specs/kernels/<release>.json` ([`bpfspec::probe::measurement`]).
//!
//! Everything downloaded or built stays under `target/kernels/`, so a second run needs no
//! network unless `--refresh` is given.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bpfspec::probe::kernel::KernelConfig;
use bpfspec::probe::measurement::{Measurement, Package};

use crate::{err, Error, Result};

/// Debian's kernels the harness knows: the suite to take `linux-image-amd64` from, and the
/// series it is expected to carry (a name the command line also accepts).
pub const KERNELS: &[(&str, &str)] =
    &[("bullseye", "5.10"), ("bookworm", "6.1"), ("trixie", "6.12"), ("sid", "7.2"), ("experimental", "7.3")];

/// The suite busybox-static comes from (any suite works: it is static).
const BUSYBOX_SUITE: &str = "trixie";
const MIRROR: &str = "http://deb.debian.org/debian";

/// Options of `cargo xtask kernels`.
#[derive(Debug, Clone)]
pub struct Options {
    /// Suites or series to boot (`bullseye`, `5.10`); empty means all of [`KERNELS`].
    pub kernels: Vec<String>,
    /// Also probe the running kernel natively.
    pub host: bool,
    /// Where measurements go (default `specs/kernels`).
    pub out: Option<PathBuf>,
    /// Run `apt-get update` even when package lists are cached.
    pub refresh: bool,
    /// Give up on a guest after this long.
    pub timeout: Duration,
    /// Use this `bpfspec` binary instead of building the release binary of this worktree.
    pub bpfspec: Option<PathBuf>,
    /// Make the measurements from the reports the last boots left in `target/kernels/<suite>/`
    /// instead of booting (after a change of the measurement format).
    pub reuse_reports: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            kernels: Vec::new(),
            host: false,
            out: None,
            refresh: false,
            timeout: Duration::from_secs(40 * 60),
            bpfspec: None,
            reuse_reports: false,
        }
    }
}

/// What one kernel gave.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub name: String,
    pub package: Option<Package>,
    pub release: String,
    /// Boot, probe and power-off, as the host saw it.
    pub wall: Duration,
    /// The probe's own duration inside the guest.
    pub probe_ms: u64,
    pub loads: usize,
    pub measurement: PathBuf,
}

/// apt with our own sources list, lists, cache and archives, all under `dir`.
pub(crate) struct Apt {
    pub(crate) dir: PathBuf,
}

impl Apt {
    fn options(&self) -> Vec<String> {
        let d = |p: &str| self.dir.join(p).display().to_string();
        vec![
            format!("-oDir::Etc::sourcelist={}", d("sources.list")),
            "-oDir::Etc::sourceparts=/dev/null".to_owned(),
            format!("-oDir::State::Lists={}", d("lists")),
            format!("-oDir::Cache={}", d("cache")),
            format!("-oDir::Cache::archives={}", d("archives")),
            // Downloads land in our own directories, which apt's sandbox user may not write.
            "-oAPT::Sandbox::User=root".to_owned(),
        ]
    }

    fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.args(self.options());
        c
    }

    /// Write the sources list and fetch the package lists (once, or again with `refresh`).
    pub(crate) fn prepare(&self, refresh: bool) -> Result<()> {
        for sub in ["lists/partial", "cache", "archives/partial"] {
            mkdir(&self.dir.join(sub))?;
        }
        let keyring = "/usr/share/keyrings/debian-archive-keyring.gpg";
        let suites: BTreeSet<&str> = KERNELS.iter().map(|(s, _)| *s).chain([BUSYBOX_SUITE]).collect();
        let list: String =
            suites.iter().map(|s| format!("deb [signed-by={keyring}] {MIRROR} {s} main\n")).collect::<String>();
        let path = self.dir.join("sources.list");
        let changed = fs::read_to_string(&path).ok().as_deref() != Some(list.as_str());
        if changed {
            write_atomic(&path, list.as_bytes())?;
        }
        let have_lists = fs::read_dir(self.dir.join("lists"))
            .map(|d| d.flatten().any(|e| e.file_name().to_string_lossy().contains("_Packages")))
            .unwrap_or(false);
        if refresh || changed || !have_lists {
            eprintln!("xtask: apt-get update (lists in {})", self.dir.join("lists").display());
            let mut c = self.command("apt-get");
            c.args(["-q", "update"]);
            run_quiet(c, "apt-get update")?;
        }
        Ok(())
    }

    /// `apt-cache show PKG` fields of the first paragraph.
    fn show(&self, spec: &str) -> Result<Paragraph> {
        let mut c = self.command("apt-cache");
        c.args(["show", spec]);
        let text = capture(c, &format!("apt-cache show {spec}"))?;
        let para = text.split("\n\n").next().unwrap_or("");
        let field = |name: &str| {
            para.lines().find_map(|l| l.strip_prefix(&format!("{name}: ")).map(str::to_owned)).unwrap_or_default()
        };
        let p = Paragraph {
            package: field("Package"),
            version: field("Version"),
            depends: field("Depends"),
            sha256: field("SHA256"),
        };
        if p.package.is_empty() || p.version.is_empty() {
            return err(format!("apt-cache show {spec}: no package paragraph"));
        }
        Ok(p)
    }

    /// Download one package version into `dir/<name>_<version>/` (once) and check its sha256
    /// against the index apt verified.
    fn download(&self, p: &Paragraph, debs: &Path) -> Result<PathBuf> {
        let dir = debs.join(format!("{}_{}", p.package, p.version.replace(':', "%3a")));
        if let Some(deb) = single_deb(&dir)? {
            if sha256(&deb)? == p.sha256 {
                return Ok(deb);
            }
            fs::remove_file(&deb).map_err(|e| Error(format!("removing {}: {e}", deb.display())))?;
        }
        mkdir(&dir)?;
        eprintln!("xtask: downloading {} {}", p.package, p.version);
        let mut c = self.command("apt-get");
        c.args(["-q", "download", &format!("{}={}", p.package, p.version)]).current_dir(&dir);
        run_quiet(c, &format!("apt-get download {}", p.package))?;
        let deb =
            single_deb(&dir)?.ok_or_else(|| Error(format!("apt-get download left no .deb in {}", dir.display())))?;
        let sum = sha256(&deb)?;
        if !p.sha256.is_empty() && sum != p.sha256 {
            return err(format!("{}: sha256 {sum} does not match the index's {}", deb.display(), p.sha256));
        }
        Ok(deb)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Paragraph {
    package: String,
    version: String,
    depends: String,
    sha256: String,
}

impl Paragraph {
    /// Package names in `Depends` (alternatives included) that start with `prefix`.
    fn depends_on(&self, prefix: &str) -> Vec<String> {
        self.depends
            .split([',', '|'])
            .filter_map(|d| d.split_whitespace().next())
            .filter(|d| d.starts_with(prefix))
            .map(str::to_owned)
            .collect()
    }
}

/// The packages of one suite's kernel: the one that carries the kernel image (whose name,
/// version and sha256 a measurement records), and the others to unpack beside it.
fn resolve(apt: &Apt, suite: &str) -> Result<(Paragraph, Vec<Paragraph>)> {
    let meta = apt.show(&format!("linux-image-amd64/{suite}"))?;
    let image_name = meta
        .depends_on("linux-image-")
        .into_iter()
        .find(|d| d != "linux-image-amd64")
        .ok_or_else(|| Error(format!("linux-image-amd64/{suite} depends on no linux-image-<abi> package")))?;
    let image = apt.show(&format!("{image_name}={}", meta.version))?;
    // 7.x: linux-image-<abi> only depends on the packages with the files.
    let Some(binary) = image.depends_on("linux-binary-").into_iter().next() else { return Ok((image, Vec::new())) };
    let binary = apt.show(&format!("{binary}={}", image.version))?;
    let mut extra = Vec::new();
    for base in image.depends_on("linux-base-").into_iter().filter(|b| b != "linux-base") {
        extra.push(apt.show(&format!("{base}={}", image.version))?);
    }
    // The modules that carry kfunc sets (nf_conntrack, tcp_bbr, ...) are in their own package.
    for modules in image.depends_on("linux-modules-") {
        extra.push(apt.show(&format!("{modules}={}", image.version))?);
    }
    Ok((binary, extra))
}

/// Run the harness.
pub fn kernels(root: &Path, opts: &Options) -> Result<Vec<Outcome>> {
    let work = root.join("target/kernels");
    let out_dir = opts.out.clone().unwrap_or_else(|| root.join("specs/kernels"));
    mkdir(&out_dir)?;
    let selected: Vec<(&str, &str)> = if opts.kernels.is_empty() && !opts.host {
        KERNELS.to_vec()
    } else {
        let mut v = Vec::new();
        for k in &opts.kernels {
            match KERNELS.iter().find(|(suite, series)| k == suite || k == series) {
                Some(entry) => v.push(*entry),
                None => {
                    let known: Vec<String> = KERNELS.iter().map(|(s, v)| format!("{s} ({v})")).collect();
                    return err(format!("unknown kernel `{k}`; known: {}", known.join(", ")));
                }
            }
        }
        v
    };
    let bpfspec_bin = match &opts.bpfspec {
        Some(p) => p.clone(),
        None => build_bpfspec(root)?,
    };
    let extra_config = spec_kconfig(root);
    let mut outcomes = Vec::new();
    if opts.host {
        outcomes.push(probe_host(&bpfspec_bin, &out_dir, &extra_config)?);
    }
    if selected.is_empty() {
        return Ok(outcomes);
    }
    for tool in ["qemu-system-x86_64", "apt-get", "dpkg-deb"] {
        if which(tool).is_none() {
            return err(format!("`{tool}` not found (Debian: apt-get install qemu-system-x86 apt dpkg)"));
        }
    }
    let apt = Apt { dir: work.join("apt") };
    apt.prepare(opts.refresh)?;
    let debs = work.join("debs");
    let busybox = fetch_busybox(&apt, &debs, &work)?;
    for (suite, series) in selected {
        let started = Instant::now();
        eprintln!("xtask: kernel {suite} ({series})");
        let o = boot_one(
            &apt,
            &work,
            &debs,
            suite,
            &busybox,
            &bpfspec_bin,
            &out_dir,
            &extra_config,
            &spec_modules(root),
            opts.timeout,
            opts.reuse_reports,
        )?;
        eprintln!(
            "xtask: {suite}: {} ({} {}), {} loads, probe {:.1} s, boot+probe {:.1} s",
            o.release,
            o.package.as_ref().map_or("", |p| p.name.as_str()),
            o.package.as_ref().map_or("", |p| p.version.as_str()),
            o.loads,
            o.probe_ms as f64 / 1000.0,
            started.elapsed().as_secs_f64()
        );
        outcomes.push(o);
    }
    Ok(outcomes)
}

/// The release build of this worktree's `bpfspec`.
fn build_bpfspec(root: &Path) -> Result<PathBuf> {
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    c.args(["build", "--release", "--locked", "-p", "bpfspec"]).current_dir(root);
    crate::run(c, "cargo build --release -p bpfspec")?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    Ok(target.join("release/bpfspec"))
}

/// Every kconfig option the specs name, so that a measurement answers each of them.
/// The kernel modules that carry kfunc sets (`module:` of `specs/kfuncs/*.yaml`): the guest
/// loads them before the probe, so their kfuncs are in its BTF.
fn spec_modules(root: &Path) -> BTreeSet<String> {
    let Ok(entries) = fs::read_dir(root.join("specs/kfuncs")) else { return BTreeSet::new() };
    let mut out = BTreeSet::new();
    for e in entries.flatten() {
        let Ok(text) = fs::read_to_string(e.path()) else { continue };
        for line in text.lines() {
            if let Some(name) = line.strip_prefix("module:").map(str::trim).filter(|n| !n.is_empty()) {
                out.insert(name.to_owned());
            }
        }
    }
    out
}

/// The named modules of an unpacked kernel (`usr/lib/modules/<release>/kernel`), each after the
/// modules it depends on (`depends=` of its `.modinfo`), decompressed: (name, bytes) in load
/// order. Modules the kernel does not have (built in, or off) are left out.
fn guest_modules(tree: &Path, release: &str, wanted: &BTreeSet<String>) -> Result<Vec<(String, Vec<u8>)>> {
    let norm = |s: &str| s.replace('-', "_");
    let mut index: BTreeMap<String, PathBuf> = BTreeMap::new();
    for base in ["usr/lib/modules", "lib/modules"] {
        let mut stack = vec![tree.join(base).join(release).join("kernel")];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = fs::read_dir(&dir) else { continue };
            for e in entries.flatten() {
                let path = e.path();
                let name = e.file_name().to_string_lossy().into_owned();
                if path.is_dir() {
                    stack.push(path);
                } else if let Some(stem) = name.split(".ko").next().filter(|_| name.contains(".ko")) {
                    index.insert(norm(stem), path);
                }
            }
        }
    }
    let mut order: Vec<(String, Vec<u8>)> = Vec::new();
    let mut seen = BTreeSet::new();
    // Depth first, dependencies before their users.
    fn visit(
        name: &str,
        index: &BTreeMap<String, PathBuf>,
        seen: &mut BTreeSet<String>,
        order: &mut Vec<(String, Vec<u8>)>,
    ) -> Result<()> {
        if !seen.insert(name.to_owned()) {
            return Ok(());
        }
        let Some(path) = index.get(name) else { return Ok(()) };
        let bytes = decompress_module(path)?;
        // `softdep=pre: crc32c`: what its init needs loaded first, often a crypto algorithm by
        // its name (`crc32c`), which the generic implementation's module carries.
        let softdep = modinfo(&bytes, "softdep");
        let pre = softdep.split("post:").next().unwrap_or("").trim().strip_prefix("pre:").unwrap_or("");
        for dep in pre.split_whitespace().map(|d| d.replace('-', "_")) {
            let dep = if index.contains_key(&dep) { dep } else { format!("{dep}_generic") };
            visit(&dep, index, seen, order)?;
        }
        for dep in modinfo(&bytes, "depends").split(',').map(|d| d.trim().replace('-', "_")).filter(|d| !d.is_empty()) {
            visit(&dep, index, seen, order)?;
        }
        order.push((name.to_owned(), bytes));
        Ok(())
    }
    for w in wanted {
        visit(&norm(w), &index, &mut seen, &mut order)?;
    }
    Ok(order)
}

/// A `.ko`, `.ko.xz`, `.ko.zst` or `.ko.gz` file's module image.
fn decompress_module(path: &Path) -> Result<Vec<u8>> {
    let name = path.to_string_lossy();
    let tool = if name.ends_with(".xz") {
        "xz"
    } else if name.ends_with(".zst") {
        "zstd"
    } else if name.ends_with(".gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&read(path)?[..])
            .read_to_end(&mut out)
            .map_err(|e| Error(format!("decompressing {}: {e}", path.display())))?;
        return Ok(out);
    } else {
        return read(path);
    };
    let out = Command::new(tool)
        .args(["-dc"])
        .arg(path)
        .output()
        .map_err(|e| Error(format!("{tool} -dc {}: {e}", path.display())))?;
    if !out.status.success() {
        return err(format!("{tool} -dc {} failed: {}", path.display(), String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(out.stdout)
}

/// The value of `key` in a module's `.modinfo` section (NUL-separated `key=value` strings);
/// empty when absent. 64-bit little-endian ELF, as x86-64 modules are.
fn modinfo(elf: &[u8], key: &str) -> String {
    let u16_at = |o: usize| elf.get(o..o + 2).map(|b| u16::from_le_bytes([b[0], b[1]]) as usize);
    let u32_at = |o: usize| elf.get(o..o + 4).map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")) as usize);
    let u64_at = |o: usize| elf.get(o..o + 8).map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")) as usize);
    let section = || -> Option<&[u8]> {
        if elf.get(..4)? != b"\x7fELF" || elf.get(4)? != &2 {
            return None;
        }
        let (shoff, shentsize, shnum, shstrndx) = (u64_at(0x28)?, u16_at(0x3a)?, u16_at(0x3c)?, u16_at(0x3e)?);
        let sh = |i: usize| shoff.checked_add(i.checked_mul(shentsize)?);
        let strtab = u64_at(sh(shstrndx)? + 0x18)?;
        for i in 0..shnum {
            let h = sh(i)?;
            let name_at = strtab.checked_add(u32_at(h)?)?;
            let name = elf.get(name_at..)?.split(|&c| c == 0).next()?;
            if name == b".modinfo" {
                let (off, size) = (u64_at(h + 0x18)?, u64_at(h + 0x20)?);
                return elf.get(off..off.checked_add(size)?);
            }
        }
        None
    };
    let prefix = format!("{key}=");
    section()
        .into_iter()
        .flat_map(|s| s.split(|&c| c == 0))
        .filter_map(|kv| std::str::from_utf8(kv).ok())
        .find_map(|kv| kv.strip_prefix(&prefix).map(str::to_owned))
        .unwrap_or_default()
}

fn spec_kconfig(root: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![root.join("specs")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != "kernels") {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|x| x == "yaml") {
                let Ok(text) = fs::read_to_string(&p) else { continue };
                for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                    if word.starts_with("CONFIG_") && word.len() > 7 {
                        out.insert(word.to_owned());
                    }
                }
            }
        }
    }
    out
}

pub(crate) fn fetch_busybox(apt: &Apt, debs: &Path, work: &Path) -> Result<PathBuf> {
    let p = apt.show(&format!("busybox-static/{BUSYBOX_SUITE}"))?;
    let deb = apt.download(&p, debs)?;
    let dir = work.join("busybox");
    let bin = dir.join("usr/bin/busybox");
    if !bin.exists() {
        extract(&deb, &dir)?;
    }
    if !bin.exists() {
        return err(format!("{} has no usr/bin/busybox", deb.display()));
    }
    Ok(bin)
}

/// One suite's kernel, downloaded and unpacked under `work/<suite>/package`.
pub(crate) struct Unpacked {
    /// The package that carries the kernel image, and its `.deb`.
    pub carrier: Paragraph,
    pub deb: PathBuf,
    /// `work/<suite>`: what the harness keeps for this kernel.
    pub kdir: PathBuf,
    pub vmlinuz: PathBuf,
    pub release: String,
    pub config_text: String,
}

/// Resolve, download (once) and unpack (once per package version) one suite's kernel.
pub(crate) fn unpack(apt: &Apt, work: &Path, debs: &Path, suite: &str) -> Result<Unpacked> {
    let (carrier, extra) = resolve(apt, suite)?;
    let deb = apt.download(&carrier, debs)?;
    let mut extra_debs = Vec::new();
    for p in &extra {
        extra_debs.push(apt.download(p, debs)?);
    }
    let kdir = work.join(suite);
    let tree = kdir.join("package");
    let stamp = tree.join(".xtask-unpacked");
    let want_stamp: String =
        std::iter::once(&carrier).chain(&extra).map(|p| format!("{} {}\n", p.package, p.version)).collect();
    if fs::read_to_string(&stamp).ok().as_deref() != Some(want_stamp.as_str()) {
        if tree.exists() {
            fs::remove_dir_all(&tree).map_err(|e| Error(format!("removing {}: {e}", tree.display())))?;
        }
        for d in std::iter::once(&deb).chain(&extra_debs) {
            extract(d, &tree)?;
        }
        fs::write(&stamp, &want_stamp).map_err(|e| Error(format!("writing {}: {e}", stamp.display())))?;
    }
    let (vmlinuz, config_path, release) = find_kernel(&tree)?;
    let config_text =
        fs::read_to_string(&config_path).map_err(|e| Error(format!("reading {}: {e}", config_path.display())))?;
    Ok(Unpacked { carrier, deb, kdir, vmlinuz, release, config_text })
}

#[allow(clippy::too_many_arguments)]
fn boot_one(
    apt: &Apt,
    work: &Path,
    debs: &Path,
    suite: &str,
    busybox: &Path,
    bpfspec_bin: &Path,
    out_dir: &Path,
    extra_config: &BTreeSet<String>,
    modules: &BTreeSet<String>,
    timeout: Duration,
    reuse: bool,
) -> Result<Outcome> {
    let Unpacked { carrier, deb, kdir, vmlinuz, release, config_text } = unpack(apt, work, debs, suite)?;

    let saved = kdir.join("report.json");
    let (json, wall) = if reuse && saved.exists() {
        let json = fs::read_to_string(&saved).map_err(|e| Error(format!("reading {}: {e}", saved.display())))?;
        (json, Duration::ZERO)
    } else {
        let initrd = kdir.join("initramfs.cpio.gz");
        let modules = guest_modules(&kdir.join("package"), &release, modules)?;
        eprintln!(
            "xtask: {suite}: modules for the guest: {}",
            if modules.is_empty() {
                "none".to_owned()
            } else {
                modules.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(" ")
            }
        );
        build_initramfs(&initrd, busybox, bpfspec_bin, &release, &config_text, modules)?;
        let (json, wall) = boot(suite, &vmlinuz, &initrd, &kdir, timeout)?;
        write_atomic(&saved, json.as_bytes())?;
        (json, wall)
    };
    let package = Package {
        suite: suite.to_owned(),
        name: carrier.package.clone(),
        version: carrier.version.clone(),
        sha256: sha256(&deb)?,
    };
    let config = KernelConfig::parse(&format!("/boot/config-{release}"), &config_text);
    let m = Measurement::from_report_json(&json, Some(&config), extra_config, Some(package.clone()))
        .map_err(|e| Error(format!("{suite}: {e}")))?;
    let probe_ms = serde_json::from_str::<serde_json::Value>(&json)
        .ok()
        .and_then(|v| v.get("duration_ms").and_then(|d| d.as_u64()))
        .unwrap_or(0);
    let path = out_dir.join(format!("{}.json", m.kernel.release));
    write_atomic(&path, m.to_json().as_bytes())?;
    let timing = format!(
        "release {release}\nboot+probe+poweroff {:.1} s\nprobe {probe_ms} ms\nloads {}\n",
        wall.as_secs_f64(),
        m.loads
    );
    if wall > Duration::ZERO {
        write_atomic(&kdir.join("timing.txt"), timing.as_bytes())?;
    }
    Ok(Outcome {
        name: suite.to_owned(),
        package: Some(package),
        release,
        wall,
        probe_ms,
        loads: m.loads,
        measurement: path,
    })
}

/// Boot one kernel with its initramfs and bring back the probe's JSON report.
pub(crate) fn boot(
    suite: &str,
    vmlinuz: &Path,
    initrd: &Path,
    kdir: &Path,
    timeout: Duration,
) -> Result<(String, Duration)> {
    let console = kdir.join("console.log");
    let serial = kdir.join("report.b64");
    let _ = fs::remove_file(&serial);
    let started = Instant::now();
    let mut qemu = Command::new("qemu-system-x86_64");
    qemu.args(["-accel", "tcg", "-m", "2G", "-smp", "1", "-nographic", "-no-reboot", "-net", "none"])
        .arg("-kernel")
        .arg(vmlinuz)
        .arg("-initrd")
        .arg(initrd)
        .args(["-append", "console=ttyS0 panic=-1 quiet"])
        .args(["-serial", "mon:stdio"])
        .arg("-serial")
        .arg(format!("file:{}", serial.display()))
        .stdin(Stdio::null());
    let log = fs::File::create(&console).map_err(|e| Error(format!("creating {}: {e}", console.display())))?;
    let log2 = log.try_clone().map_err(|e| Error(format!("{}: {e}", console.display())))?;
    qemu.stdout(log).stderr(log2);
    let mut child = qemu.spawn().map_err(|e| Error(format!("starting qemu-system-x86_64: {e}")))?;
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return err(format!(
                    "{suite}: the guest did not power off within {} s (console: {})",
                    timeout.as_secs(),
                    console.display()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(200)),
            Err(e) => return err(format!("waiting for qemu: {e}")),
        }
    }
    let wall = started.elapsed();
    let console_text = fs::read_to_string(&console).unwrap_or_default();
    let json = read_report(&serial).map_err(|e| {
        let tail: Vec<&str> = console_text.lines().rev().take(15).collect::<Vec<_>>().into_iter().rev().collect();
        Error(format!("{suite}: {}; last console lines:\n{}", e.0, tail.join("\n")))
    })?;
    Ok((json, wall))
}

/// Probe the running kernel natively and write its measurement.
fn probe_host(bpfspec_bin: &Path, out_dir: &Path, extra_config: &BTreeSet<String>) -> Result<Outcome> {
    let started = Instant::now();
    let mut c = Command::new(bpfspec_bin);
    c.args(["probe", "--format", "json"]);
    let json = capture(c, "bpfspec probe --format json")?;
    let wall = started.elapsed();
    let release = serde_json::from_str::<serde_json::Value>(&json)
        .ok()
        .and_then(|v| v["kernel"]["release"].as_str().map(str::to_owned))
        .ok_or_else(|| Error("the probe report has no kernel release".to_owned()))?;
    let config = KernelConfig::read(&release);
    let m = Measurement::from_report_json(&json, config.as_ref(), extra_config, None)
        .map_err(|e| Error(format!("host: {e}")))?;
    let path = out_dir.join(format!("{}.json", m.kernel.release));
    write_atomic(&path, m.to_json().as_bytes())?;
    let probe_ms = serde_json::from_str::<serde_json::Value>(&json)
        .ok()
        .and_then(|v| v.get("duration_ms").and_then(|d| d.as_u64()))
        .unwrap_or(0);
    eprintln!("xtask: host: {release}, {} loads, probe {:.2} s", m.loads, probe_ms as f64 / 1000.0);
    Ok(Outcome { name: "host".to_owned(), package: None, release, wall, probe_ms, loads: m.loads, measurement: path })
}

/// The kernel image, its config and its release in an unpacked package tree: `boot/vmlinuz-R`
/// and `boot/config-R` (up to 6.x), or `usr/lib/modules/R/{vmlinuz,config}` (7.x).
fn find_kernel(tree: &Path) -> Result<(PathBuf, PathBuf, String)> {
    if let Ok(entries) = fs::read_dir(tree.join("boot")) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(release) = name.strip_prefix("vmlinuz-") {
                let config = tree.join("boot").join(format!("config-{release}"));
                if config.exists() {
                    return Ok((e.path(), config, release.to_owned()));
                }
            }
        }
    }
    for base in ["usr/lib/modules", "lib/modules"] {
        let Ok(entries) = fs::read_dir(tree.join(base)) else { continue };
        for e in entries.flatten() {
            let (vmlinuz, config) = (e.path().join("vmlinuz"), e.path().join("config"));
            if vmlinuz.exists() && config.exists() {
                return Ok((vmlinuz, config, e.file_name().to_string_lossy().into_owned()));
            }
        }
    }
    err(format!("no kernel image with its config in {}", tree.display()))
}

/// The guest's init: mount what the probe reads, run it, send the JSON (gzip, base64) to the
/// second serial port between markers, power off.
const INIT: &str = r#"#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mount -t bpf bpf /sys/fs/bpf
mount -t securityfs securityfs /sys/kernel/security
mount -t debugfs debugfs /sys/kernel/debug
ulimit -l unlimited
echo "harness: $(uname -r) up, lockdown: $(cat /sys/kernel/security/lockdown 2>/dev/null)"
for m in $(cat /lib/modules/order 2>/dev/null); do
  insmod /lib/modules/$m.ko && echo "harness: module $m loaded" || echo "harness: module $m refused"
done
/bin/bpfspec probe --format json > /tmp/report.json 2> /tmp/probe.err
rc=$?
echo "harness: probe exit $rc, $(wc -c < /tmp/report.json) bytes"
cat /tmp/probe.err
{ echo BPFSPEC-REPORT-BEGIN; gzip -c /tmp/report.json | base64; echo BPFSPEC-REPORT-END; } > /dev/ttyS1
echo "harness: report sent"
poweroff -f
"#;

fn build_initramfs(
    path: &Path,
    busybox: &Path,
    bpfspec_bin: &Path,
    release: &str,
    config: &str,
    modules: Vec<(String, Vec<u8>)>,
) -> Result<()> {
    let mut files = vec![(format!("boot/config-{release}"), 0o100644, config.as_bytes().to_vec())];
    if !modules.is_empty() {
        let order: String = modules.iter().map(|(n, _)| format!("{n}\n")).collect();
        files.push(("lib/modules".to_owned(), 0o040755, Vec::new()));
        files.push(("lib/modules/order".to_owned(), 0o100644, order.into_bytes()));
        files.extend(modules.into_iter().map(|(n, b)| (format!("lib/modules/{n}.ko"), 0o100644, b)));
    }
    write_initramfs(path, busybox, INIT, &[("bin/bpfspec", bpfspec_bin)], files)
}

/// A gzipped initramfs: the usual directories, `init`, busybox, each binary (stripped of debug
/// info) at its place with the shared libraries `ldd` names for it, and `files` as given
/// (name, mode, bytes; their parent directories must be listed before them).
pub(crate) fn write_initramfs(
    path: &Path,
    busybox: &Path,
    init: &str,
    binaries: &[(&str, &Path)],
    files: Vec<(String, u32, Vec<u8>)>,
) -> Result<()> {
    let mut all: Vec<(String, u32, Vec<u8>)> = Vec::new();
    for dir in ["bin", "boot", "dev", "proc", "sys", "tmp", "lib", "lib64", "lib/x86_64-linux-gnu"] {
        all.push((dir.to_owned(), 0o040755, Vec::new()));
    }
    all.push(("init".to_owned(), 0o100755, init.as_bytes().to_vec()));
    all.push(("bin/busybox".to_owned(), 0o100755, read(busybox)?));
    let mut libs = BTreeSet::new();
    for (name, bin) in binaries {
        all.push(((*name).to_owned(), 0o100755, stripped(bin)?));
        libs.extend(shared_libraries(bin)?);
    }
    for lib in libs {
        let rel = lib.to_string_lossy().trim_start_matches('/').to_owned();
        if let Some(parent) = Path::new(&rel).parent().filter(|p| !p.as_os_str().is_empty()) {
            let parent = parent.to_string_lossy().into_owned();
            if !all.iter().any(|(n, _, _)| *n == parent) {
                all.push((parent, 0o040755, Vec::new()));
            }
        }
        all.push((rel, 0o100755, read(&lib)?));
    }
    all.extend(files);
    let cpio = newc(&all);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&cpio).map_err(|e| Error(format!("compressing the initramfs: {e}")))?;
    let bytes = gz.finish().map_err(|e| Error(format!("compressing the initramfs: {e}")))?;
    write_atomic(path, &bytes)
}

/// The binary without debug info (the release profile keeps line tables), to keep the
/// initramfs small.
fn stripped(bin: &Path) -> Result<Vec<u8>> {
    let tmp = std::env::temp_dir().join(format!("xtask-bpfspec-{}", std::process::id()));
    let status = Command::new("strip").arg("--strip-debug").arg("-o").arg(&tmp).arg(bin).status();
    let bytes = match status {
        Ok(s) if s.success() => read(&tmp),
        _ => read(bin),
    };
    let _ = fs::remove_file(&tmp);
    bytes
}

/// The shared libraries `ldd` names for a binary (absolute paths, the loader included).
fn shared_libraries(bin: &Path) -> Result<Vec<PathBuf>> {
    let mut c = Command::new("ldd");
    c.arg(bin);
    let text = capture(c, "ldd")?;
    let mut libs: Vec<PathBuf> =
        text.lines().filter_map(|l| l.split_whitespace().find(|w| w.starts_with('/'))).map(PathBuf::from).collect();
    libs.sort();
    libs.dedup();
    Ok(libs)
}

/// A `newc` cpio archive (what the kernel unpacks as an initramfs), with every timestamp and
/// owner zero so that the same inputs give the same bytes.
fn newc(files: &[(String, u32, Vec<u8>)]) -> Vec<u8> {
    fn pad(out: &mut Vec<u8>) {
        while !out.len().is_multiple_of(4) {
            out.push(0);
        }
    }
    let mut out = Vec::new();
    let entry = |out: &mut Vec<u8>, ino: usize, name: &str, mode: u32, data: &[u8]| {
        let header = format!(
            "070701{ino:08x}{mode:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}{:08x}",
            0,
            0,
            if mode & 0o040000 != 0 { 2 } else { 1 },
            0,
            data.len(),
            0,
            0,
            0,
            0,
            name.len() + 1,
            0
        );
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(name.as_bytes());
        out.push(0);
        pad(out);
        out.extend_from_slice(data);
        pad(out);
    };
    for (i, (name, mode, data)) in files.iter().enumerate() {
        entry(&mut out, i + 1, name, *mode, data);
    }
    entry(&mut out, 0, "TRAILER!!!", 0, &[]);
    out
}

/// The JSON between the markers of the second serial port: base64 of gzip. The tty turned
/// `\n` into `\r\n`.
fn read_report(serial: &Path) -> Result<String> {
    let text = fs::read_to_string(serial).map_err(|e| Error(format!("no report ({}: {e})", serial.display())))?;
    let body = text
        .split_once("BPFSPEC-REPORT-BEGIN")
        .and_then(|(_, rest)| rest.split_once("BPFSPEC-REPORT-END"))
        .map(|(body, _)| body)
        .ok_or_else(|| Error("the guest sent no complete report".to_owned()))?;
    let gz = base64_decode(body).ok_or_else(|| Error("the report is not valid base64".to_owned()))?;
    let mut json = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut json)
        .map_err(|e| Error(format!("the report does not decompress: {e}")))?;
    Ok(json)
}

/// Standard base64, whitespace ignored; `None` on any other character.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        if c.is_ascii_whitespace() {
            continue;
        }
        if c == b'=' {
            break;
        }
        acc = (acc << 6) | value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn extract(deb: &Path, into: &Path) -> Result<()> {
    mkdir(into)?;
    let mut c = Command::new("dpkg-deb");
    c.arg("-x").arg(deb).arg(into);
    run_quiet(c, &format!("dpkg-deb -x {}", deb.display()))
}

fn single_deb(dir: &Path) -> Result<Option<PathBuf>> {
    let Ok(entries) = fs::read_dir(dir) else { return Ok(None) };
    let debs: Vec<PathBuf> =
        entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "deb")).collect();
    match debs.len() {
        0 => Ok(None),
        1 => Ok(debs.into_iter().next()),
        _ => err(format!("{} holds several .deb files; remove it", dir.display())),
    }
}

fn sha256(path: &Path) -> Result<String> {
    let mut c = Command::new("sha256sum");
    c.arg(path);
    let out = capture(c, "sha256sum")?;
    out.split_whitespace().next().map(str::to_owned).ok_or_else(|| Error("sha256sum printed nothing".to_owned()))
}

pub(crate) fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(tool)).find(|p| p.is_file())
}

pub(crate) fn mkdir(dir: &Path) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| Error(format!("creating {}: {e}", dir.display())))
}

pub(crate) fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| Error(format!("reading {}: {e}", path.display())))
}

/// Write through a temporary file in the same directory and rename, so a reader never sees
/// half a file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    mkdir(dir)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    fs::write(&tmp, bytes).map_err(|e| Error(format!("writing {}: {e}", tmp.display())))?;
    fs::rename(&tmp, path).map_err(|e| Error(format!("renaming {} to {}: {e}", tmp.display(), path.display())))
}

pub(crate) fn capture(mut cmd: Command, what: &str) -> Result<String> {
    let out = cmd.output().map_err(|e| Error(format!("{what}: {e}")))?;
    if !out.status.success() {
        return err(format!("{what} failed ({}): {}", out.status, String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn run_quiet(cmd: Command, what: &str) -> Result<()> {
    capture(cmd, what).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trip() {
        assert_eq!(base64_decode("aGVsbG8=\r\n").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64_decode("aGVs\r\nbG8h").as_deref(), Some(&b"hello!"[..]));
        assert_eq!(base64_decode("a$"), None);
    }

    /// A 64-bit ELF with a `.shstrtab` and a `.modinfo` section holding `info`.
    fn elf_with_modinfo(info: &[u8]) -> Vec<u8> {
        let shstrtab = b"\0.shstrtab\0.modinfo\0";
        let mut e = vec![0u8; 64];
        e[..4].copy_from_slice(b"\x7fELF");
        e[4] = 2;
        let (str_off, info_off) = (64usize, 64 + shstrtab.len());
        e.extend(shstrtab);
        e.extend(info);
        let shoff = e.len();
        e[0x28..0x30].copy_from_slice(&(shoff as u64).to_le_bytes());
        e[0x3a..0x3c].copy_from_slice(&64u16.to_le_bytes());
        e[0x3c..0x3e].copy_from_slice(&3u16.to_le_bytes());
        e[0x3e..0x40].copy_from_slice(&1u16.to_le_bytes());
        for (name, off, size) in [(0u32, 0usize, 0usize), (1, str_off, shstrtab.len()), (11, info_off, info.len())] {
            let mut h = vec![0u8; 64];
            h[..4].copy_from_slice(&name.to_le_bytes());
            h[0x18..0x20].copy_from_slice(&(off as u64).to_le_bytes());
            h[0x20..0x28].copy_from_slice(&(size as u64).to_le_bytes());
            e.extend(h);
        }
        e
    }

    #[test]
    fn modinfo_reads_depends_and_softdep() {
        let elf = elf_with_modinfo(b"softdep=pre: crc32c\0license=GPL\0depends=nf_defrag_ipv6,libcrc32c\0");
        assert_eq!(modinfo(&elf, "depends"), "nf_defrag_ipv6,libcrc32c");
        assert_eq!(modinfo(&elf, "softdep"), "pre: crc32c");
        assert_eq!(modinfo(&elf, "alias"), "");
        assert_eq!(modinfo(b"\x7fELF short", "depends"), "");
        assert_eq!(modinfo(&elf[..100], "depends"), "");
    }

    #[test]
    fn cpio_is_aligned_and_terminated() {
        let c = newc(&[("init".to_owned(), 0o100755, b"#!/bin/sh\n".to_vec())]);
        assert!(c.starts_with(b"070701"));
        assert_eq!(c.len() % 4, 0);
        assert!(c.windows(10).any(|w| w == b"TRAILER!!!"));
    }

    #[test]
    fn depends_are_split() {
        let p = Paragraph {
            package: "linux-image-7.3-amd64".into(),
            version: "1".into(),
            depends: "dracut | initramfs-tools (>= 0.120), linux-base-7.3-amd64 (= 1), linux-binary-7.3-amd64 (= 1)"
                .into(),
            sha256: String::new(),
        };
        assert_eq!(p.depends_on("linux-binary-"), vec!["linux-binary-7.3-amd64"]);
        assert_eq!(p.depends_on("linux-base-"), vec!["linux-base-7.3-amd64"]);
    }
}
