//! Properties of the IDX reader: what `encode_idx` writes, raw or gzipped, reads back the same,
//! and no byte string — random, or a valid file cut short or corrupted — makes it panic.
use comfy_nodes::dataset::idx::{encode_idx, read_idx, IdxArray};
use comfy_nodes::dataset::DatasetError;
use flate2::write::GzEncoder;
use proptest::prelude::*;
use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh file path in this process's own temporary directory.
fn temp_file() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!("comfy-prop-idx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{}.idx", NEXT.fetch_add(1, Ordering::Relaxed)))
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// Writes `bytes` to a fresh file, reads it with `read_idx`, and removes it.
fn read_bytes(bytes: &[u8]) -> Result<IdxArray, DatasetError> {
    let path = temp_file();
    std::fs::write(&path, bytes).unwrap();
    let result = read_idx(&path);
    let _ = std::fs::remove_file(&path);
    result
}

/// 1 to 4 dimensions of 0 to 5, with matching random data.
fn array() -> impl Strategy<Value = IdxArray> {
    prop::collection::vec(0usize..6, 1..=4).prop_flat_map(|dims| {
        let n = dims.iter().product::<usize>();
        prop::collection::vec(any::<u8>(), n).prop_map(move |data| IdxArray {
            dims: dims.clone(),
            data,
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn write_then_read_round_trips(array in array(), gzipped in any::<bool>()) {
        let bytes = encode_idx(&array);
        let bytes = if gzipped { gz(&bytes) } else { bytes };
        prop_assert_eq!(read_bytes(&bytes).unwrap(), array);
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64), gzipped in any::<bool>()) {
        let bytes = if gzipped { gz(&bytes) } else { bytes };
        let _ = read_bytes(&bytes);
    }

    #[test]
    fn random_headers_never_panic(
        kind in prop_oneof![Just(0x08u8), any::<u8>()],
        dims in prop::collection::vec(prop_oneof![0u32..4, Just(u32::MAX), any::<u32>()], 0..10),
        data in prop::collection::vec(any::<u8>(), 0..32),
    ) {
        let mut bytes = vec![0, 0, kind, dims.len() as u8];
        for d in &dims {
            bytes.extend_from_slice(&d.to_be_bytes());
        }
        bytes.extend_from_slice(&data);
        if let Ok(a) = read_bytes(&bytes) {
            // Accepted only when the header matches the data exactly. (The product of the
            // dimensions may overflow part way, e.g. [2, u32::MAX, u32::MAX, 0]: the array is
            // then empty.)
            let product = a.dims.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d as u64));
            let zero = a.dims.contains(&0);
            prop_assert_eq!(if zero { Some(0) } else { product }, Some(a.data.len() as u64));
            prop_assert_eq!(a.data, data);
        }
    }

    #[test]
    fn truncated_or_corrupted_files_never_panic(
        array in array(),
        gzipped in any::<bool>(),
        cut in any::<usize>(),
        flips in prop::collection::vec((any::<usize>(), any::<u8>()), 0..4),
    ) {
        let full = encode_idx(&array);
        let mut bytes = if gzipped { gz(&full) } else { full.clone() };
        let len = bytes.len();
        for (at, x) in &flips {
            bytes[at % len] ^= x;
        }
        bytes.truncate(cut % (len + 1));
        let result = read_bytes(&bytes);
        // An untouched raw file cut short never reads as anything but an error.
        if !gzipped && flips.is_empty() && bytes.len() < full.len() {
            prop_assert!(result.is_err());
        }
    }
}
