//! `bpfspec serve` stays up: idle connections, a missing folder, hostile file names and
//! process limits do not stop it answering.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support;

/// Kills the server when the test ends, however it ends.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `[wrapper...] bpfspec serve --port 0 ARGS` and waits for its banner.
fn start(wrapper: &[&str], args: &[&str]) -> Server {
    let mut cmd = match wrapper.split_first() {
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg(support::bpfspec_bin());
            c
        }
        None => Command::new(support::bpfspec_bin()),
    };
    let mut child = cmd
        .args(["serve", "--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start bpfspec serve");
    let stdout = child.stdout.take().expect("piped");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("read the serve banner");
    let addr = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("http://"))
        .unwrap_or_else(|| panic!("no address in `{line}`"))
        .trim_end_matches('/')
        .to_owned();
    Server { child, addr }
}

/// One GET; the whole raw answer.
fn get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").expect("send");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("read the answer");
    String::from_utf8_lossy(&answer).into_owned()
}

fn status(answer: &str) -> &str {
    answer.lines().next().unwrap_or("")
}

/// A folder to serve, readable by every user (the limit test runs the server as nobody).
fn site_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("serve-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("helpers")).expect("mkdir");
    std::fs::write(dir.join("index.html"), "<!doctype html><title>home</title>\n").expect("write");
    std::fs::write(dir.join("helpers/bpf_x.html"), "<!doctype html><title>x</title>\n").expect("write");
    dir
}

fn idle_connections(addr: &str, n: usize) -> Vec<TcpStream> {
    (0..n).filter_map(|_| TcpStream::connect(addr).ok()).collect()
}

#[test]
fn serve_of_a_missing_folder_is_an_error() {
    let out = Command::new(support::bpfspec_bin())
        .args(["serve", "--port", "0", "--dir", "/nonexistent/bpfspec-site"])
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("`/nonexistent/bpfspec-site` is not a folder to serve"), "{stderr}");
    assert!(out.stdout.is_empty(), "no server started");
}

/// 150 connections that never send a byte, and some that send half a request, do not keep
/// other clients from being answered at once.
#[test]
fn idle_connections_do_not_stop_other_clients() {
    let dir = site_dir("idle");
    let server = start(&[], &["--dir", dir.to_str().expect("utf-8")]);
    let idle = idle_connections(&server.addr, 150);
    assert_eq!(idle.len(), 150);
    let mut slow: Vec<TcpStream> = idle_connections(&server.addr, 20);
    for s in &mut slow {
        s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").expect("half a request");
    }
    let start = Instant::now();
    for _ in 0..20 {
        let answer = get(&server.addr, "/helpers/bpf_x.html");
        assert_eq!(status(&answer), "HTTP/1.1 200 OK", "{answer}");
    }
    let took = start.elapsed();
    eprintln!("20 requests beside 170 idle or slow connections: {took:?}");
    assert!(took < Duration::from_secs(5), "answers were held up: {took:?}");
    drop((idle, slow));
}

/// A folder name with CR/LF reaches the `Location` header only percent-encoded.
#[test]
fn redirects_do_not_inject_headers() {
    let dir = site_dir("inject");
    let evil = "a\r\nSet-Cookie: pwned=1\r\nX: ";
    std::fs::create_dir_all(dir.join(evil)).expect("a folder named with CR/LF");
    let server = start(&[], &["--dir", dir.to_str().expect("utf-8")]);
    let answer = get(&server.addr, "/a%0D%0ASet-Cookie:%20pwned=1%0D%0AX:%20");
    assert_eq!(status(&answer), "HTTP/1.1 301 Moved Permanently", "{answer}");
    let head = answer.split("\r\n\r\n").next().unwrap_or("");
    assert!(head.lines().all(|l| !l.starts_with("Set-Cookie")), "header injected:\n{head}");
    assert!(head.lines().any(|l| l == "Location: /a%0D%0ASet-Cookie%3A%20pwned%3D1%0D%0AX%3A%20/"), "{head}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Under a process limit that leaves no room for worker threads and a descriptor limit below
/// the number of idle clients, `serve` keeps answering (it ran as `nobody`, since root is not
/// held to RLIMIT_NPROC).
#[test]
fn serve_keeps_answering_under_resource_limits() {
    let test = "serve_keeps_answering_under_resource_limits";
    let (Some(prlimit), Some(setpriv)) = (which("prlimit"), which("setpriv")) else {
        support::skip(test, "prlimit or setpriv (util-linux) is not installed");
        return;
    };
    if !is_root() {
        support::skip(test, "needs root to run the server as another user");
        return;
    }
    if !readable_by_all(&support::bpfspec_bin()) {
        support::skip(test, "the bpfspec binary is not reachable by user nobody");
        return;
    }
    let dir = site_dir("limits");
    let (prlimit, setpriv) = (prlimit.to_string_lossy().into_owned(), setpriv.to_string_lossy().into_owned());
    // nproc=1: no worker thread can start; nproc=2: one of the eight can.
    for nproc in ["--nproc=1:1", "--nproc=2:2"] {
        let wrapper = [
            prlimit.as_str(),
            nproc,
            "--nofile=48:48",
            setpriv.as_str(),
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
        ];
        let mut server = start(&wrapper, &["--dir", dir.to_str().expect("utf-8")]);
        assert_eq!(status(&get(&server.addr, "/")), "HTTP/1.1 200 OK");
        let idle = idle_connections(&server.addr, 150);
        let start = Instant::now();
        for _ in 0..10 {
            let answer = get(&server.addr, "/helpers/bpf_x.html");
            assert_eq!(status(&answer), "HTTP/1.1 200 OK", "{nproc}: {answer}");
        }
        eprintln!("{nproc} --nofile=48: 10 requests beside {} idle connections took {:?}", idle.len(), start.elapsed());
        assert!(server.child.try_wait().expect("wait").is_none(), "{nproc}: serve is still running");
        drop(idle);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join(name)).find(|p| p.is_file())
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).map(|l| l.split_whitespace().nth(1) == Some("0")))
        .unwrap_or(false)
}

/// Whether every folder above `path` lets others in and the file lets others run it.
fn readable_by_all(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).map(|m| m.permissions().mode()).unwrap_or(0);
    mode(path) & 0o005 == 0o005 && path.ancestors().skip(1).all(|a| a.as_os_str().is_empty() || mode(a) & 0o001 != 0)
}

/// A client that sends nothing, or only part of its request, is closed at the head deadline;
/// one that reads its answer slowly still gets all of it.
#[test]
fn idle_and_slow_clients_are_timed_out() {
    let listener = bpfspec::serve::bind(0).expect("bind");
    let addr = listener.local_addr().expect("address").to_string();
    let files = vec![bpfspec::emit::Output { path: "index.html".into(), contents: "x".repeat(4 << 20) }];
    let limits = bpfspec::serve::Limits { head_timeout: Duration::from_millis(300), ..Default::default() };
    // Runs until the test binary exits.
    std::thread::spawn(move || {
        bpfspec::serve::serve_with(listener, bpfspec::serve::Source::from_outputs(files), &limits)
    });
    let mut idle = TcpStream::connect(&addr).expect("connect");
    let mut partial = TcpStream::connect(&addr).expect("connect");
    partial.write_all(b"GET / HTTP/1.1\r\n").expect("half a request");
    let start = Instant::now();
    for s in [&mut idle, &mut partial] {
        s.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
        let mut buf = [0u8; 16];
        assert_eq!(s.read(&mut buf).expect("closed, not timed out"), 0, "the server closes the connection");
    }
    let took = start.elapsed();
    assert!(took < Duration::from_secs(2), "closed after {took:?}");
    // A slow reader: the 4 MiB answer arrives whole.
    let mut slow = TcpStream::connect(&addr).expect("connect");
    write!(slow, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").expect("send");
    std::thread::sleep(Duration::from_millis(500));
    let mut answer = Vec::new();
    slow.read_to_end(&mut answer).expect("read");
    assert!(answer.starts_with(b"HTTP/1.1 200 OK") && answer.ends_with(&[b'x'; 64]), "{} bytes", answer.len());
}
