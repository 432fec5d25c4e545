//! Opening the files to check: regular files only (a FIFO, a device or a folder named `x.o` is
//! refused, never read or waited on), the size checked before anything is read, and a file that
//! does not start like an ELF file rejected after its first bytes.

use std::io::Read;
use std::path::Path;

/// Largest input read; larger files are refused with a clear error.
pub const MAX_INPUT_BYTES: u64 = 256 << 20;

/// The bytes of input `path`, or why it cannot be checked.
pub fn read_input(path: &Path) -> Result<Vec<u8>, String> {
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
pub fn read_input_into<'b>(path: &Path, limit: u64, buf: &'b mut Vec<u8>) -> Result<&'b [u8], String> {
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| format!("cannot read: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    let t = meta.file_type();
    if !t.is_file() {
        let what = if t.is_dir() {
            "a folder"
        } else if t.is_fifo() {
            "a FIFO"
        } else if t.is_char_device() || t.is_block_device() {
            "a device"
        } else if t.is_socket() {
            "a socket"
        } else {
            "not a regular file"
        };
        return Err(format!("not read: {what}, not a regular file"));
    }
    let cannot = |e: std::io::Error| format!("cannot read: {e}");
    let mut reader = file.take(limit.saturating_add(1));
    let size = usize::try_from(meta.len().min(limit)).unwrap_or(usize::MAX);
    // The first read: the whole file when it is small, and at least the four magic bytes.
    let first = size.clamp(4, FIRST_READ);
    grow(buf, first);
    let n = read_full(&mut reader, &mut buf[..first]).map_err(cannot)?;
    if n < 4 || buf[..4] != *b"\x7fELF" {
        return Err("not an ELF file".into());
    }
    if meta.len() > limit {
        return Err(format!("the file is {} bytes; files over {} MiB are not checked", meta.len(), limit >> 20));
    }
    // The rest, and one byte more: reading it means the file grew since the stat.
    let end = size.max(n) + 1;
    grow(buf, end);
    let mut len = n + read_full(&mut reader, &mut buf[n..end]).map_err(cannot)?;
    if len == end {
        buf.truncate(len);
        reader.read_to_end(buf).map_err(cannot)?;
        len = buf.len();
    }
    if len as u64 > limit {
        return Err(format!("the file grew past {} MiB while being read", limit >> 20));
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
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}
