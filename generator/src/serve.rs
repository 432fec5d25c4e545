//! The reference site on disk and on loopback: the apply step of [`crate::emit::site`]
//! ([`publish`]) and the small static file server behind `bpfspec serve` ([`serve`]).

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::emit::Output;

/// Marks a folder as a site that `publish` built, and so may replace.
pub const MARKER: &str = ".bpfspec-site";

/// Writes a site into `out_dir`, all or nothing: the files go into a temporary folder next to
/// it, which then replaces the old site. A failed run leaves the previous site as it was.
///
/// Refuses to replace a non-empty folder that `publish` did not build (one without [`MARKER`]).
pub fn publish(outputs: &[Output], out_dir: &Path) -> io::Result<()> {
    let parent = match out_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = out_dir
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, format!("`{}` names no folder", out_dir.display())))?
        .to_string_lossy()
        .into_owned();
    if out_dir.exists() && !out_dir.join(MARKER).exists() && std::fs::read_dir(out_dir)?.next().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("refusing to replace `{}`: it is not empty and not a site bpfspec built", out_dir.display()),
        ));
    }
    std::fs::create_dir_all(&parent)?;
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)?;
    }
    if let Err(e) = write_all(outputs, &tmp) {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if out_dir.exists() {
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        std::fs::rename(out_dir, &old)?;
        if let Err(e) = std::fs::rename(&tmp, out_dir) {
            let _ = std::fs::rename(&old, out_dir);
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
        std::fs::remove_dir_all(&old)?;
    } else {
        std::fs::rename(&tmp, out_dir)?;
    }
    Ok(())
}

fn write_all(outputs: &[Output], dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(MARKER), "built by `bpfspec site`; the next build replaces this whole folder\n")?;
    for o in outputs {
        let rel = Path::new(&o.path);
        if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("output path `{}` leaves the site", o.path),
            ));
        }
        let path = dir.join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)?;
        }
        std::fs::write(&path, &o.contents)?;
    }
    Ok(())
}

/// Where the served files come from.
pub enum Source {
    /// A site rendered in memory: path → contents.
    Memory(BTreeMap<String, Vec<u8>>),
    /// A folder on disk, such as one [`publish`] wrote.
    Dir(PathBuf),
}

impl Source {
    pub fn from_outputs(outputs: Vec<Output>) -> Self {
        Source::Memory(outputs.into_iter().map(|o| (o.path, o.contents.into_bytes())).collect())
    }

    fn get(&self, rel: &str) -> Lookup {
        match self {
            Source::Memory(files) => match files.get(rel) {
                Some(bytes) => Lookup::File(bytes.clone()),
                None if files.contains_key(&format!("{rel}/index.html")) => Lookup::Dir,
                None => Lookup::Missing,
            },
            Source::Dir(root) => {
                let Ok(root) = root.canonicalize() else { return Lookup::Missing };
                let Ok(path) = root.join(rel).canonicalize() else { return Lookup::Missing };
                if !path.starts_with(&root) {
                    return Lookup::Missing;
                }
                if path.is_dir() {
                    Lookup::Dir
                } else {
                    std::fs::read(&path).map(Lookup::File).unwrap_or(Lookup::Missing)
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

enum Lookup {
    File(Vec<u8>),
    /// A folder: redirect to its address with a trailing slash.
    Dir,
    /// A page's address without `.html`: redirect to the page.
    Moved(String),
    Missing,
}

/// Binds the loopback address only: the site is for local browsing. Port 0 picks a free one.
pub fn bind(port: u16) -> io::Result<TcpListener> {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port))
}

/// Serves `source` until the process ends, one thread per connection.
pub fn serve(listener: TcpListener, source: Source) -> io::Result<()> {
    let source = Arc::new(source);
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let source = Arc::clone(&source);
        std::thread::spawn(move || {
            let _ = handle(stream, &source);
        });
    }
    Ok(())
}

fn handle(mut stream: TcpStream, source: &Source) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.by_ref().take(8192).read_line(&mut request_line)?;
    // Skip the headers; nothing in them changes the answer.
    let mut header = String::new();
    for _ in 0..100 {
        header.clear();
        if reader.by_ref().take(8192).read_line(&mut header)? == 0 || header == "\r\n" || header == "\n" {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
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
        Lookup::Dir => {
            let location = format!("/{rel}/");
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
            let location = format!("/{page}");
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
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

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
}
