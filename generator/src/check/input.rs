//! Opening the files to check: regular files only (a FIFO, a device or a folder named `x.o` is
//! refused, never read or waited on), the size checked before anything is read, and a file that
//! does not start like an ELF file rejected after its first bytes.

use std::io::Read;
use std::path::Path;

/// Largest input read; larger files are refused with a clear error.
pub const MAX_INPUT_BYTES: u64 = 256 << 20;

/// The bytes of input `path`, or why it cannot be checked.
pub fn read_input(path: &Path) -> Result<Vec<u8>, String> {
    read_input_limited(path, MAX_INPUT_BYTES)
}

pub fn read_input_limited(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
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
    let mut head = [0u8; 4];
    let mut reader = file.take(limit.saturating_add(1));
    let n = read_full(&mut reader, &mut head).map_err(|e| format!("cannot read: {e}"))?;
    if n < 4 || head != *b"\x7fELF" {
        return Err("not an ELF file".into());
    }
    if meta.len() > limit {
        return Err(format!("the file is {} bytes; files over {} MiB are not checked", meta.len(), limit >> 20));
    }
    let mut data = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    data.extend_from_slice(&head);
    reader.read_to_end(&mut data).map_err(|e| format!("cannot read: {e}"))?;
    if data.len() as u64 > limit {
        return Err(format!("the file grew past {} MiB while being read", limit >> 20));
    }
    Ok(data)
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
