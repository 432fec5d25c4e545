//! Opening the files to check: regular files only (a FIFO, a device or a folder named `x.o` is
//! refused, never read or waited on), the size checked before anything is read, and a file that
//! does not start like an ELF file rejected after its first bytes.

use std::io::Read;
use std::path::Path;

/// Largest input read; larger files are refused with a clear error.
pub const MAX_INPUT_BYTES: u64 = 256 << 20;

/// Why an input was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotRead {
    /// A folder: it stands for the objects in it, which the caller checks instead.
    Folder,
    /// Anything else, worded for the report.
    Problem(String),
}

impl std::fmt::Display for NotRead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotRead::Folder => f.write_str("not read: a folder, not a regular file"),
            NotRead::Problem(why) => f.write_str(why),
        }
    }
}

impl From<String> for NotRead {
    fn from(why: String) -> NotRead {
        NotRead::Problem(why)
    }
}

/// The bytes of input `path`, or why it cannot be checked.
pub fn read_input(path: &Path) -> Result<Vec<u8>, NotRead> {
    let mut buf = Vec::new();
    let n = read_input_into(path, MAX_INPUT_BYTES, &mut buf)?.len();
    buf.truncate(n);
    Ok(buf)
}

/// Bytes read at once before the ELF magic is checked: a small file is read in one call, a
/// large one that is not an ELF file costs no more than this.
const FIRST_READ: usize = 64 << 10;

/// The bytes of input `path`, read into `buf`, a buffer a worker passes for every file: it
/// grows to the largest file read and is never cleared, so that reading a file neither
/// allocates nor zeroes memory once a larger one was read.
pub fn read_input_into<'b>(path: &Path, limit: u64, buf: &'b mut Vec<u8>) -> Result<&'b [u8], NotRead> {
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| format!("cannot read: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    let t = meta.file_type();
    if t.is_dir() {
        return Err(NotRead::Folder);
    }
    if !t.is_file() {
        let what = if t.is_fifo() {
            "a FIFO"
        } else if t.is_char_device() || t.is_block_device() {
            "a device"
        } else if t.is_socket() {
            "a socket"
        } else {
            "not a regular file"
        };
        return Err(format!("not read: {what}, not a regular file").into());
    }
    let cannot = |e: std::io::Error| format!("cannot read: {e}");
    let mut reader = file.take(limit.saturating_add(1));
    let size = usize::try_from(meta.len().min(limit)).unwrap_or(usize::MAX);
    // The first read: a small file whole and one byte more (so that one `read` call both reads
    // it and shows it did not grow since the stat), and at least the four magic bytes.
    let first = size.saturating_add(1).clamp(4, FIRST_READ);
    grow(buf, first);
    let n = read_at_least(&mut reader, &mut buf[..first], size.clamp(4, first)).map_err(cannot)?;
    if n < 4 || buf[..4] != *b"\x7fELF" {
        return Err(NotRead::Problem("not an ELF file".into()));
    }
    if meta.len() > limit {
        return Err(format!("the file is {} bytes; files over {} MiB are not checked", meta.len(), limit >> 20).into());
    }
    let mut len = n;
    if n == first {
        // The rest, and one byte more: reading it means the file grew since the stat.
        let end = size.max(n) + 1;
        grow(buf, end);
        len += read_full(&mut reader, &mut buf[n..end]).map_err(cannot)?;
        if len == end {
            buf.truncate(len);
            reader.read_to_end(buf).map_err(cannot)?;
            len = buf.len();
        }
    }
    if len as u64 > limit {
        return Err(format!("the file grew past {} MiB while being read", limit >> 20).into());
    }
    Ok(&buf[..len])
}

/// Makes `buf` at least `len` bytes long.
fn grow(buf: &mut Vec<u8>, len: usize) {
    if buf.len() < len {
        buf.resize(len, 0);
    }
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let len = buf.len();
    read_at_least(r, buf, len)
}

/// Reads into `buf` until at least `want` bytes are in or the file ends; returns how many.
/// A read that returns fewer bytes than asked for ends a regular file's contents as they are
/// at that moment, so once `want` bytes are in, no further read is made.
fn read_at_least(r: &mut impl Read, buf: &mut [u8], want: usize) -> std::io::Result<usize> {
    let mut n = 0;
    while n < want.min(buf.len()) {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct TempDir(std::path::PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let dir = std::env::temp_dir().join(format!("bpfspec-input-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("temp folder");
            TempDir(dir)
        }

        fn file(&self, name: &str, bytes: &[u8]) -> std::path::PathBuf {
            let p = self.0.join(name);
            std::fs::write(&p, bytes).expect("write temp file");
            p
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn elf(len: usize) -> Vec<u8> {
        let mut v: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        v[..4].copy_from_slice(b"\x7fELF");
        v
    }

    #[test]
    fn files_of_every_size_around_the_first_read_come_back_whole() {
        let dir = TempDir::new("sizes");
        let mut buf = Vec::new();
        // Largest first, so the buffer is reused (never cleared) for the smaller ones.
        for len in [3 * FIRST_READ + 7, FIRST_READ + 1, FIRST_READ, FIRST_READ - 1, 4096, 5, 4] {
            let want = elf(len);
            let p = dir.file("x.o", &want);
            let got = read_input_into(&p, MAX_INPUT_BYTES, &mut buf).expect("reads");
            assert_eq!(got.len(), len);
            assert!(got == want.as_slice(), "{len} bytes");
        }
    }

    #[test]
    fn what_is_not_an_elf_file_or_too_large_is_refused() {
        let dir = TempDir::new("refused");
        let mut buf = Vec::new();
        for bytes in [&b""[..], b"\x7fEL", b"ELF\x7f and more", b"#!/bin/sh\n"] {
            let p = dir.file("x.o", bytes);
            assert_eq!(
                read_input_into(&p, MAX_INPUT_BYTES, &mut buf),
                Err(NotRead::Problem("not an ELF file".to_owned()))
            );
        }
        let p = dir.file("big.o", &elf(1000));
        let e = read_input_into(&p, 999, &mut buf).expect_err("over the limit").to_string();
        assert!(e.starts_with("the file is 1000 bytes"), "{e}");
        assert_eq!(read_input_into(&p, 1000, &mut buf).map(<[u8]>::len), Ok(1000));
        let e = read_input_into(&dir.0, MAX_INPUT_BYTES, &mut buf).expect_err("a folder");
        assert_eq!(e, NotRead::Folder);
        assert_eq!(e.to_string(), "not read: a folder, not a regular file");
        let e = read_input_into(&dir.0.join("missing.o"), MAX_INPUT_BYTES, &mut buf).expect_err("missing").to_string();
        assert!(e.starts_with("cannot read: "), "{e}");
    }

    #[test]
    fn a_fifo_is_refused_without_waiting_for_a_writer() {
        let dir = TempDir::new("fifo");
        let p = dir.0.join("pipe.o");
        let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).expect("no NUL");
        // SAFETY: `c` is a NUL-terminated path; mkfifo only reads it.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
        let e = read_input_into(&p, MAX_INPUT_BYTES, &mut Vec::new()).expect_err("a FIFO").to_string();
        assert_eq!(e, "not read: a FIFO, not a regular file");
    }
}
