//! Writing files so that a crash or a kill never leaves a half-written one behind.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `bytes` to `path` atomically: into a temporary file in the same directory, flushed
/// to disk, then renamed over `path`. Readers see the old file or the new one, never a part.
/// Parent directories are created.
///
/// The temporary file is `.NAME.PID.N.tmp` (unique per process and write, so concurrent writes
/// of one path from several threads do not collide). A process killed mid-write leaves its
/// temporary behind; on Linux, the next successful write of the same path removes those of
/// processes that no longer run.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = WRITES.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}.{n}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        // Persist the rename itself; not every platform can open a directory, so best effort.
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    } else {
        remove_orphans(&dir, &name);
    }
    result
}

/// Removes `.NAME.PID.N.tmp` files in `dir` whose process is gone (Linux: no `/proc/PID`,
/// where `/proc/self` shows that `/proc` is there to ask). A writer in another PID namespace
/// (another container sharing the folder) cannot be seen this way; do not share one output
/// folder between containers.
fn remove_orphans(dir: &Path, name: &str) {
    if !cfg!(target_os = "linux") || !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(middle) = file.strip_prefix(&prefix).and_then(|r| r.strip_suffix(".tmp")) else {
            continue;
        };
        let Some((pid, n)) = middle.split_once('.') else {
            continue;
        };
        let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if numeric(pid) && numeric(n) && !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orphaned_temporaries_are_removed_and_live_ones_kept() {
        let dir = std::env::temp_dir().join(format!("comfy-atomic-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("state.bin");
        // A pid far above any pid_max (2^22) belongs to no process; ours is alive.
        let orphan = dir.join(".state.bin.999999999.0.tmp");
        let live = dir.join(format!(".state.bin.{}.999.tmp", std::process::id()));
        let other = dir.join(".other.bin.999999999.0.tmp");
        for f in [&orphan, &live, &other] {
            std::fs::write(f, b"partial").unwrap();
        }
        atomic_write(&target, b"complete").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"complete");
        assert_eq!(orphan.exists(), !cfg!(target_os = "linux"));
        assert!(live.exists() && other.exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
