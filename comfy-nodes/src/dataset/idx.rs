//! The IDX format of MNIST (raw or gzipped): a checked header, then the values.
//!
//! Nothing is allocated from the header's claims: the whole (decompressed) file is read first,
//! under a size limit, and the header's dimensions are checked against its real length.
use super::error::DatasetError;
use flate2::read::MultiGzDecoder;
use std::io::Read;
use std::path::Path;

/// The largest decompressed IDX file accepted: 1 GiB (full MNIST's largest file is 47 MB).
/// A gzip bomb is cut off here with [`DatasetError::TooLarge`].
pub const MAX_IDX_BYTES: u64 = 1 << 30;

/// The most dimensions an IDX header may declare.
pub const MAX_IDX_DIMS: usize = 8;

/// An IDX array of unsigned bytes (the only element type MNIST uses).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdxArray {
    /// The dimensions, outermost first.
    pub dims: Vec<usize>,
    /// The values, row-major.
    pub data: Vec<u8>,
}

/// Reads an IDX file from disk, gunzipping it if it starts with the gzip magic bytes.
pub fn read_idx(path: &Path) -> Result<IdxArray, DatasetError> {
    let bytes = read_maybe_gzipped(path, MAX_IDX_BYTES)?;
    parse_idx(bytes, path)
}

/// Reads a whole file, decompressing gzip, and refuses more than `limit` bytes of output.
pub fn read_maybe_gzipped(path: &Path, limit: u64) -> Result<Vec<u8>, DatasetError> {
    let io = |source| DatasetError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    // The first two bytes tell gzip from raw; they are put back in front of the rest.
    let mut head = Vec::with_capacity(GZIP_MAGIC.len());
    (&mut file).take(2).read_to_end(&mut head).map_err(io)?;
    let gzipped = head == GZIP_MAGIC;
    let whole = std::io::Cursor::new(head).chain(file);
    if gzipped {
        return gunzip_bounded(whole, limit, path);
    }
    let mut out = Vec::new();
    whole.take(limit + 1).read_to_end(&mut out).map_err(io)?;
    check_limit(out, limit, path)
}

/// Parses an IDX file's bytes as they are on disk: gzipped (by its magic bytes) or raw, with
/// the same decompression limit as [`read_idx`]. `path` only names the source in errors.
pub fn idx_from_file_bytes(bytes: &[u8], path: &Path) -> Result<IdxArray, DatasetError> {
    let raw = if bytes.starts_with(&GZIP_MAGIC) {
        gunzip_bounded(bytes, MAX_IDX_BYTES, path)?
    } else {
        check_limit(bytes.to_vec(), MAX_IDX_BYTES, path)?
    };
    parse_idx(raw, path)
}

/// The first two bytes of a gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Decompresses every gzip member of `input`, stopping past `limit` bytes of output.
fn gunzip_bounded(input: impl Read, limit: u64, path: &Path) -> Result<Vec<u8>, DatasetError> {
    let mut out = Vec::new();
    MultiGzDecoder::new(input)
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| DatasetError::Gzip {
            path: path.to_path_buf(),
            msg: e.to_string(),
        })?;
    check_limit(out, limit, path)
}

fn check_limit(out: Vec<u8>, limit: u64, path: &Path) -> Result<Vec<u8>, DatasetError> {
    if out.len() as u64 > limit {
        return Err(DatasetError::TooLarge {
            path: path.to_path_buf(),
            limit,
        });
    }
    Ok(out)
}

/// Parses IDX bytes. `path` only names the source in errors.
pub fn parse_idx(mut bytes: Vec<u8>, path: &Path) -> Result<IdxArray, DatasetError> {
    let format = |msg: String| DatasetError::Format {
        path: path.to_path_buf(),
        msg,
    };
    if bytes.len() < 4 {
        return Err(format(format!("{} bytes is too short for an IDX header", bytes.len())));
    }
    let (zeros, kind, ndims) = ([bytes[0], bytes[1]], bytes[2], bytes[3] as usize);
    if zeros != [0, 0] {
        let magic = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        return Err(format(format!("bad magic number 0x{magic:08x}: not an IDX file")));
    }
    if kind != 0x08 {
        return Err(format(format!(
            "element type 0x{kind:02x} is not supported (only unsigned bytes, 0x08)"
        )));
    }
    if ndims == 0 || ndims > MAX_IDX_DIMS {
        return Err(format(format!("{ndims} dimensions (expected 1 to {MAX_IDX_DIMS})")));
    }
    let header = 4 + 4 * ndims;
    if bytes.len() < header {
        return Err(format(format!(
            "file ends inside the header ({} of {header} bytes)",
            bytes.len()
        )));
    }
    let dims: Vec<usize> = bytes[4..header]
        .chunks_exact(4)
        .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]) as usize)
        .collect();
    // Eight u32 factors can overflow u64: saturate (no real file is that long).
    let expected = dims.iter().fold(1u64, |acc, &d| acc.saturating_mul(d as u64));
    let actual = (bytes.len() - header) as u64;
    if expected != actual {
        return Err(DatasetError::LengthMismatch {
            path: path.to_path_buf(),
            expected,
            actual,
        });
    }
    bytes.drain(..header);
    Ok(IdxArray { dims, data: bytes })
}

/// Encodes an array as IDX bytes (unsigned bytes), for tests and for writing datasets.
pub fn encode_idx(array: &IdxArray) -> Vec<u8> {
    let mut out = vec![0, 0, 0x08, array.dims.len() as u8];
    for &d in &array.dims {
        out.extend_from_slice(&(d as u32).to_be_bytes());
    }
    out.extend_from_slice(&array.data);
    out
}
