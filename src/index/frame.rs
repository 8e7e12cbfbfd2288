//! The frame every medcode data file starts with (`medcode.idx`, `ncci.idx`),
//! so each is checked the same way before its payload is decoded.
//!
//! ```text
//! offset  size  field
//! 0       8     magic (names the kind of file)
//! 8       4     format version, u32 little-endian
//! 12      4     CRC-32 (IEEE) of the payload, u32 little-endian
//! 16      8     payload length in bytes, u64 little-endian
//! 24      n     payload
//! ```

pub const HEADER_LEN: usize = 24;

/// Why a frame is not what it should be. Each file type turns these into
/// its own error with its own advice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    TooShort(usize),
    BadMagic,
    UnsupportedVersion { found: u32, expected: u32 },
    LengthMismatch { declared: u64, actual: usize },
    Checksum { stored: u32, computed: u32 },
}

/// Frames a payload.
pub fn wrap(magic: &[u8; 8], version: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(magic);
    out.extend_from_slice(&version.to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

/// Checks a frame and returns its payload.
pub fn unwrap<'a>(bytes: &'a [u8], magic: &[u8; 8], version: u32) -> Result<&'a [u8], FrameError> {
    if bytes.len() < HEADER_LEN {
        return Err(FrameError::TooShort(bytes.len()));
    }
    if bytes[..8] != magic[..] {
        return Err(FrameError::BadMagic);
    }
    let u32_at =
        |i: usize| u32::from_le_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    let found = u32_at(8);
    if found != version {
        return Err(FrameError::UnsupportedVersion {
            found,
            expected: version,
        });
    }
    let stored = u32_at(12);
    let mut len = [0u8; 8];
    len.copy_from_slice(&bytes[16..24]);
    let declared = u64::from_le_bytes(len);
    let payload = &bytes[HEADER_LEN..];
    if declared != payload.len() as u64 {
        return Err(FrameError::LengthMismatch {
            declared,
            actual: payload.len(),
        });
    }
    let computed = crc32fast::hash(payload);
    if computed != stored {
        return Err(FrameError::Checksum { stored, computed });
    }
    Ok(payload)
}

/// Appends `v` as a LEB128 varint (7 bits a byte, low first, high bit =
/// more follows): the one writer for every varint in medcode's files.
pub fn write_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}
