//! `bpfspec serve`: a small static file server on loopback for the reference site.
//!
//! It stays up under idle, slow and numerous clients and when threads or descriptors run out.
//! One thread (the caller's) accepts connections and reads request heads without blocking,
//! with a deadline per connection, so an idle client costs a descriptor and a few bytes, never
//! a thread. Complete requests go through a bounded queue to a fixed pool of workers, which
//! answer with a write timeout. When the queue is full the client gets `503`; when no
//! descriptor is left, the connection idle longest is closed to make room; when no worker
//! thread can be started, the accepting thread answers requests itself.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::emit::Output;

/// Where the served files come from.
pub enum Source {
    /// A site rendered in memory: path → contents.
    Memory(BTreeMap<String, Vec<u8>>),
    /// A folder on disk (its canonical path), such as one `bpfspec site` wrote.
    Dir(PathBuf),
}

/// Files larger than this are not served from a folder (the site's largest is under 1 MiB).
const MAX_FILE: u64 = 256 << 20;

impl Source {
    pub fn from_outputs(outputs: Vec<Output>) -> Self {
        Source::Memory(outputs.into_iter().map(|o| (o.path, o.contents.into_bytes())).collect())
    }

    /// A folder to serve; an error when it is missing or not a folder, so a typo does not
    /// start a server that answers 404 to everything.
    pub fn dir(path: &Path) -> io::Result<Self> {
        let not_a_folder =
            |e: io::Error| io::Error::new(e.kind(), format!("`{}` is not a folder to serve: {e}", path.display()));
        let root = path.canonicalize().map_err(not_a_folder)?;
        if !root.is_dir() {
            return Err(not_a_folder(io::Error::new(io::ErrorKind::NotADirectory, "not a directory")));
        }
        Ok(Source::Dir(root))
    }

    fn get(&self, rel: &str) -> Lookup<'_> {
        match self {
            Source::Memory(files) => match files.get(rel) {
                Some(bytes) => Lookup::File(Cow::Borrowed(bytes)),
                None if files.contains_key(&format!("{rel}/index.html")) => Lookup::Dir,
                None => Lookup::Missing,
            },
            Source::Dir(root) => {
                let Ok(path) = root.join(rel).canonicalize() else { return Lookup::Missing };
                if !path.starts_with(root) {
                    return Lookup::Missing;
                }
                match std::fs::metadata(&path) {
                    Ok(m) if m.is_dir() => Lookup::Dir,
                    // Only regular files: a FIFO or a device would block a worker or never end.
                    Ok(m) if m.is_file() && m.len() <= MAX_FILE => {
                        match std::fs::read(&path) {
                            Ok(b) => Lookup::File(Cow::Owned(b)),
                            // Out of descriptors or memory: the file is there, we cannot send it now.
                            Err(e) if matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE | libc::ENOMEM)) => {
                                Lookup::Busy
                            }
                            Err(_) => Lookup::Missing,
                        }
                    }
                    _ => Lookup::Missing,
                }
            }
        }
    }

    /// `helpers/x` and `helpers/x/` name the page `helpers/x.html`.
    fn page_of(&self, rel: &str) -> Option<String> {
        let page = format!("{}.html", rel.trim_end_matches('/'));
        match self.get(&page) {
            Lookup::File(_) => Some(page),
            _ => None,
        }
    }
}

enum Lookup<'a> {
    File(Cow<'a, [u8]>),
    /// A folder: redirect to its address with a trailing slash.
    Dir,
    /// A page's address without `.html`: redirect to the page.
    Moved(String),
    Missing,
    /// The file exists but cannot be read for want of descriptors or memory: `503`.
    Busy,
}

/// Binds the loopback address only: the site is for local browsing. Port 0 picks a free one.
pub fn bind(port: u16) -> io::Result<TcpListener> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port))
}

/// How much of the machine `serve` may take.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Worker threads answering requests.
    pub workers: usize,
    /// Complete requests waiting for a worker; beyond this a client gets `503`.
    pub queue: usize,
    /// Connections whose request head is still being read; beyond this the oldest is closed.
    pub pending: usize,
    /// Time a client has to send its whole request head.
    pub head_timeout: Duration,
    /// Time a client may take to accept each part of the answer.
    pub write_timeout: Duration,
    /// Longest request head read.
    pub max_head: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            workers: 8,
            queue: 256,
            pending: 1024,
            head_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(10),
            max_head: 16 * 1024,
        }
    }
}

/// Serves `source` until the process ends.
pub fn serve(listener: TcpListener, source: Source) -> io::Result<()> {
    serve_with(listener, source, &Limits::default())
}

/// A request whose head has been read: what the workers get.
struct Request {
    stream: TcpStream,
    method: String,
    target: String,
}

/// A connection still sending its request head.
struct Pending {
    stream: TcpStream,
    head: Vec<u8>,
    since: Instant,
}

pub fn serve_with(listener: TcpListener, source: Source, limits: &Limits) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    let source = Arc::new(source);
    let (queue, receiver) = mpsc::sync_channel::<Request>(limits.queue.max(1));
    let receiver = Arc::new(Mutex::new(receiver));
    let mut workers = 0;
    for i in 0..limits.workers {
        let (source, receiver, timeout) = (Arc::clone(&source), Arc::clone(&receiver), limits.write_timeout);
        let spawned =
            std::thread::Builder::new().name(format!("serve-{i}")).spawn(move || work(&source, &receiver, timeout));
        // Out of threads (RLIMIT_NPROC, memory): serve with the workers there are.
        if spawned.is_ok() {
            workers += 1;
        }
    }
    let queue = (workers > 0).then_some(queue);
    // Idle connections may not take the descriptors that answering needs (a worker holds a
    // connection and a file): under a low RLIMIT_NOFILE the pending list is cut to fit.
    let limits = &Limits { pending: limits.pending.min(pending_budget(workers)), ..limits.clone() };
    let mut pending: Vec<Pending> = Vec::new();
    loop {
        let ready = wait(&listener, &pending, limits);
        // Back to front, so removing one does not shift those still to visit.
        for i in (0..pending.len()).rev() {
            if !ready[i] {
                continue;
            }
            match read_head(&mut pending[i], limits) {
                HeadState::Waiting => {}
                state => conclude(state, pending.remove(i), queue.as_ref(), &source, limits),
            }
        }
        let now = Instant::now();
        pending.retain(|p| now.duration_since(p.since) < limits.head_timeout);
        accept(&listener, &mut pending, limits, &mut |p| serve_if_complete(p, queue.as_ref(), &source, limits));
    }
}

/// Reads what a connection sent so far; a complete head is dispatched (`None`), anything else
/// stays pending. Called on every new connection at once, so a client that sent its request
/// with the connect is answered before later arrivals can push it out of the pending list.
fn serve_if_complete(
    mut p: Pending,
    queue: Option<&SyncSender<Request>>,
    source: &Source,
    limits: &Limits,
) -> Option<Pending> {
    match read_head(&mut p, limits) {
        HeadState::Waiting => Some(p),
        state => {
            conclude(state, p, queue, source, limits);
            None
        }
    }
}

/// A connection whose head reading ended: its request dispatched, an answer to a head too
/// long, or nothing when the client left.
fn conclude(state: HeadState, p: Pending, queue: Option<&SyncSender<Request>>, source: &Source, limits: &Limits) {
    match state {
        HeadState::Waiting | HeadState::Gone => {}
        HeadState::Complete(method, target) => {
            dispatch(Request { stream: p.stream, method, target }, queue, source, limits);
        }
        HeadState::TooLong => {
            let mut stream = p.stream;
            let _ = answer_now(&mut stream, "431 Request Header Fields Too Large", b"request head too long\n");
        }
    }
}

/// How many connections may wait for their request head: the descriptor limit less what the
/// process already holds (standard streams, the listener, a few for libraries) and two per
/// worker, at least one.
fn pending_budget(workers: usize) -> usize {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit writes one rlimit struct, which `limit` is.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 || limit.rlim_cur == libc::RLIM_INFINITY {
        return usize::MAX;
    }
    let soft = usize::try_from(limit.rlim_cur).unwrap_or(usize::MAX);
    soft.saturating_sub(16 + 2 * workers.max(1)).max(1)
}

/// Blocks until the listener or a pending connection is readable, or the next deadline;
/// returns which pending connections have something to read (or were closed).
fn wait(listener: &TcpListener, pending: &[Pending], limits: &Limits) -> Vec<bool> {
    let mut fds = Vec::with_capacity(pending.len() + 1);
    fds.push(libc::pollfd { fd: listener.as_raw_fd(), events: libc::POLLIN, revents: 0 });
    fds.extend(pending.iter().map(|p| libc::pollfd { fd: p.stream.as_raw_fd(), events: libc::POLLIN, revents: 0 }));
    let now = Instant::now();
    let next = pending.iter().map(|p| (p.since + limits.head_timeout).saturating_duration_since(now)).min();
    let timeout = next.unwrap_or(Duration::from_secs(1)).min(Duration::from_secs(1));
    let ms = libc::c_int::try_from(timeout.as_millis()).unwrap_or(1000).max(1);
    // SAFETY: `fds` is a live array of `fds.len()` pollfd structs for the whole call.
    let rc = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
    if rc < 0 {
        // EINTR or ENOMEM: try every connection once, which costs a read that would block.
        return vec![true; pending.len()];
    }
    fds[1..].iter().map(|f| f.revents != 0).collect()
}

/// Accepts what is waiting, without blocking. When descriptors run out, the connection that
/// has been idle longest makes room; nothing here can fail the server.
fn accept(
    listener: &TcpListener,
    pending: &mut Vec<Pending>,
    limits: &Limits,
    first_read: &mut dyn FnMut(Pending) -> Option<Pending>,
) {
    for _ in 0..256 {
        match listener.accept() {
            Ok((stream, _)) => {
                if stream.set_nonblocking(true).is_err() {
                    continue;
                }
                let fresh = Pending { stream, head: Vec::new(), since: Instant::now() };
                if let Some(waiting) = first_read(fresh) {
                    if pending.len() >= limits.pending.max(1) {
                        drop(pending.remove(0));
                    }
                    pending.push(waiting);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
            Err(e) if matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM)) => {
                if pending.is_empty() {
                    // Nothing of ours to close: let the system breathe rather than spin.
                    std::thread::sleep(Duration::from_millis(20));
                    return;
                }
                drop(pending.remove(0));
            }
            // The client gave up before we took it (ECONNABORTED) and the like.
            Err(_) => {}
        }
    }
}

enum HeadState {
    Waiting,
    Gone,
    TooLong,
    Complete(String, String),
}

fn read_head(p: &mut Pending, limits: &Limits) -> HeadState {
    let mut buf = [0u8; 4096];
    loop {
        match p.stream.read(&mut buf) {
            Ok(0) => return HeadState::Gone,
            Ok(n) => {
                p.head.extend_from_slice(&buf[..n]);
                if let Some(end) = head_end(&p.head) {
                    let line_end = p.head.iter().position(|&b| b == b'\n').unwrap_or(end);
                    let line = String::from_utf8_lossy(&p.head[..line_end]);
                    let mut parts = line.split_whitespace();
                    let method = parts.next().unwrap_or("").to_owned();
                    let target = parts.next().unwrap_or("").to_owned();
                    return HeadState::Complete(method, target);
                }
                if p.head.len() > limits.max_head {
                    return HeadState::TooLong;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return HeadState::Waiting,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return HeadState::Gone,
        }
    }
}

/// Where the head ends (the blank line), if it has.
fn head_end(head: &[u8]) -> Option<usize> {
    let crlf = head.windows(4).position(|w| w == b"\r\n\r\n");
    let lf = head.windows(2).position(|w| w == b"\n\n");
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn dispatch(request: Request, queue: Option<&SyncSender<Request>>, source: &Source, limits: &Limits) {
    let Some(queue) = queue else {
        // No worker could be started: answer here, with a short timeout so one slow reader
        // cannot hold up the others for long.
        let _ = respond_to(request, source, limits.write_timeout.min(Duration::from_secs(2)));
        return;
    };
    match queue.try_send(request) {
        Ok(()) => {}
        Err(TrySendError::Full(mut r) | TrySendError::Disconnected(mut r)) => {
            let _ = answer_now(&mut r.stream, "503 Service Unavailable", b"busy, try again\n");
        }
    }
}

fn work(source: &Source, receiver: &Mutex<Receiver<Request>>, timeout: Duration) {
    loop {
        let next = match receiver.lock() {
            Ok(r) => r.recv(),
            Err(poisoned) => poisoned.into_inner().recv(),
        };
        let Ok(request) = next else { return };
        let _ = respond_to(request, source, timeout);
    }
}

/// A short answer from the accepting thread, which must never wait on a client.
fn answer_now(stream: &mut TcpStream, status: &str, body: &[u8]) -> io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_write_timeout(Some(Duration::from_millis(100)))?;
    respond(stream, status, "text/plain; charset=utf-8", body, &[], false)
}

fn respond_to(request: Request, source: &Source, timeout: Duration) -> io::Result<()> {
    let Request { mut stream, method, target } = request;
    stream.set_nonblocking(false)?;
    stream.set_write_timeout(Some(timeout))?;
    let head_only = method == "HEAD";
    if method != "GET" && !head_only {
        return respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain; charset=utf-8",
            b"only GET and HEAD\n",
            &[],
            head_only,
        );
    }
    let path = target.split(['?', '#']).next().unwrap_or("");
    let Some(rel) = clean_path(path) else {
        return respond(&mut stream, "400 Bad Request", "text/plain; charset=utf-8", b"bad path\n", &[], head_only);
    };
    let file = if rel.is_empty() || rel.ends_with('/') { format!("{rel}index.html") } else { rel.clone() };
    let found = match source.get(&file) {
        Lookup::Missing if !rel.is_empty() => source.page_of(&rel).map_or(Lookup::Missing, Lookup::Moved),
        other => other,
    };
    match found {
        Lookup::File(bytes) => respond(&mut stream, "200 OK", content_type(&file), &bytes, &[], head_only),
        Lookup::Busy => respond(
            &mut stream,
            "503 Service Unavailable",
            "text/plain; charset=utf-8",
            b"busy, try again\n",
            &[],
            head_only,
        ),
        Lookup::Dir => {
            let location = location(&format!("/{}/", rel.trim_end_matches('/')));
            respond(
                &mut stream,
                "301 Moved Permanently",
                "text/plain; charset=utf-8",
                b"",
                &[("Location", &location)],
                head_only,
            )
        }
        Lookup::Moved(page) => {
            let location = location(&format!("/{page}"));
            respond(
                &mut stream,
                "301 Moved Permanently",
                "text/plain; charset=utf-8",
                b"",
                &[("Location", &location)],
                head_only,
            )
        }
        Lookup::Missing => {
            respond(&mut stream, "404 Not Found", "text/plain; charset=utf-8", b"not found\n", &[], head_only)
        }
    }
}

/// A path as a `Location` value: every byte but unreserved characters and `/` percent-encoded,
/// so a file name with CR, LF or anything else cannot end the header or add one.
fn location(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The request path as a relative path inside the site, or `None` if it tries to leave it.
fn clean_path(path: &str) -> Option<String> {
    let decoded = percent_decode(path.strip_prefix('/')?)?;
    let trailing = decoded.ends_with('/');
    let mut segments = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s if s.contains('\\') || s.contains('\0') => return None,
            s => segments.push(s),
        }
    }
    let mut rel = segments.join("/");
    if trailing && !rel.is_empty() {
        rel.push('/');
    }
    Some(rel)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

fn respond(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    body: &[u8],
    extra: &[(&str, &str)],
    head_only: bool,
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in extra {
        // Callers encode values; a control character here is a bug, and must not reach the wire.
        if v.bytes().any(|b| b.is_ascii_control()) {
            return Err(io::Error::new(io::ErrorKind::InvalidData, format!("header {k} holds a control character")));
        }
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if !head_only {
        // The write timeout bounds each write; this bounds the whole answer, so a client
        // reading a byte at a time cannot hold a worker for long.
        let deadline = Instant::now() + ANSWER_DEADLINE;
        for chunk in body.chunks(64 * 1024) {
            if Instant::now() > deadline {
                return Err(io::Error::new(io::ErrorKind::TimedOut, "the client reads too slowly"));
            }
            stream.write_all(chunk)?;
        }
    }
    stream.flush()
}

/// The longest time one answer may take to send.
const ANSWER_DEADLINE: Duration = Duration::from_secs(30);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside() {
        assert_eq!(clean_path("/").as_deref(), Some(""));
        assert_eq!(clean_path("/helpers/bpf_x/").as_deref(), Some("helpers/bpf_x/"));
        assert_eq!(clean_path("/a%20b").as_deref(), Some("a b"));
        assert_eq!(clean_path("/../etc/passwd"), None);
        assert_eq!(clean_path("/a/%2e%2e/%2e%2e/x"), None);
        assert_eq!(clean_path("relative"), None);
    }

    #[test]
    fn locations_are_encoded() {
        assert_eq!(location("/helpers/bpf_x/"), "/helpers/bpf_x/");
        assert_eq!(location("/a\r\nSet-Cookie: x/"), "/a%0D%0ASet-Cookie%3A%20x/");
        assert_eq!(location("/é"), "/%C3%A9");
    }
}
