//! Size limits on everything the CLI reads. Every file and stream has a
//! size a real one of its kind never comes near; past it medcode says which
//! limit and which file, and stops, instead of reading `/dev/zero` until the
//! machine runs out of memory. Reads go through `Read::take(limit + 1)`, so
//! at most `limit + 1` bytes are ever held.

use std::io::{BufRead, Read};
use std::path::Path;

/// `medcode.idx` is about 12 MB.
pub const INDEX_MAX: u64 = 64 << 20;
/// `ncci.idx`: about 2 MB bundled; the CMS practitioner tables a few times that.
pub const NCCI_MAX: u64 = 64 << 20;
/// A claim as JSON: 12 diagnoses and 50 lines take a few KB.
pub const CLAIM_MAX: u64 = 1 << 20;
/// One `search --batch` query line (search reads the first 512 bytes).
pub const QUERY_LINE_MAX: usize = 64 << 10;
/// An evaluation file (JSON lines).
pub const EVAL_MAX: u64 = 64 << 20;
/// A source file for `build-index` (the CDC tabular XML is about 10 MB, the
/// I/OCE NCCI table about 37 MB).
pub const SOURCE_MAX: u64 = 160 << 20;
/// Past this many bytes without a line end, a stream is not lines of text.
pub const LINE_END_MAX: u64 = 64 << 20;

/// `1 MiB`, `64 MiB`, `64 KiB`.
pub fn human(n: u64) -> String {
    if n >= 1 << 20 && n % (1 << 20) == 0 {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n % (1 << 10) == 0 {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

/// Reads at most `limit` bytes; `name` and `what` go in the message.
pub fn read_capped(
    mut r: impl Read,
    limit: u64,
    name: &str,
    what: &str,
) -> Result<Vec<u8>, String> {
    // Capacity is only address space until written: a short file costs its size.
    let mut buf = Vec::with_capacity((limit + 1).min(1 << 20) as usize);
    r.by_ref()
        .take(limit + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read {name}: {e}"))?;
    if buf.len() as u64 > limit {
        return Err(too_large(name, limit, what));
    }
    Ok(buf)
}

/// A whole file, at most `limit` bytes.
pub fn read_file(path: &Path, limit: u64, what: &str) -> Result<Vec<u8>, String> {
    let name = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| format!("cannot read {name}: {e}"))?;
    // A regular file says its size: refuse it before reading a byte, so an
    // oversized file costs nothing (a device or pipe is read up to the limit).
    if let Ok(m) = f.metadata() {
        if m.is_file() && m.len() > limit {
            return Err(too_large(&name, limit, what));
        }
    }
    read_capped(f, limit, &name, what)
}

fn too_large(name: &str, limit: u64, what: &str) -> String {
    format!(
        "{name} is larger than {}, the most medcode reads for {what}; check that it is the right file",
        human(limit)
    )
}

/// A whole file as UTF-8 text, at most `limit` bytes.
pub fn read_text(path: &Path, limit: u64, what: &str) -> Result<String, String> {
    let mut bytes = read_file(path, limit, what)?;
    if medcode::userdata::text::looks_utf16(&bytes)
        || bytes.starts_with(&[0xff, 0xfe])
        || bytes.starts_with(&[0xfe, 0xff])
    {
        return Err(format!(
            "{}: UTF-16 text; save it as UTF-8 and try again",
            path.display()
        ));
    }
    // a UTF-8 byte-order mark (Notepad's "UTF-8 with BOM") is not text
    if bytes.starts_with(b"\xef\xbb\xbf") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{}: not UTF-8 text (byte {}; Latin-1 / Windows-1252?); save it as UTF-8 and try again",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })
}

/// One line of a stream.
pub enum Line {
    /// The line's bytes, without the line end.
    Bytes,
    /// Longer than the limit: the rest of it was read and dropped.
    TooLong,
    Eof,
}

/// Reads one line into `buf` (cleared first), keeping at most `limit` bytes:
/// an endless line costs `limit` bytes of memory, not all of it.
pub fn read_line_capped(
    r: &mut impl BufRead,
    buf: &mut Vec<u8>,
    limit: usize,
) -> std::io::Result<Line> {
    buf.clear();
    let mut too_long = false;
    let mut any = false;
    let mut seen = 0u64;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (take, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        if !too_long {
            if buf.len() + take > limit {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        r.consume(take + usize::from(done));
        if done {
            break;
        }
        seen += take as u64;
        if seen > LINE_END_MAX {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "no line end within {}: not lines of text",
                    human(LINE_END_MAX)
                ),
            ));
        }
    }
    if !any {
        return Ok(Line::Eof);
    }
    if too_long {
        return Ok(Line::TooLong);
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Line::Bytes)
}
