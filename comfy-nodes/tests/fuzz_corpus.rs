//! The fuzz targets' seed corpus (`fuzz/corpus/<target>/`) and every input a fuzzer found a
//! crash, hang or leak with (`fuzz/regressions/<target>/`), run through the same checks on
//! stable Rust: each must give an answer, not a panic. (A hang would show as this test not
//! finishing; leaks are the fuzzer's to find, under its sanitizer.)
use comfy_nodes::fuzz_checks;
use std::path::{Path, PathBuf};

fn inputs(target: &str) -> Vec<PathBuf> {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut files = Vec::new();
    for kind in ["corpus", "regressions"] {
        if let Ok(entries) = std::fs::read_dir(fuzz.join(kind).join(target)) {
            files.extend(entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file()));
        }
    }
    files.sort();
    files
}

fn run(target: &str, check: fn(&[u8])) {
    let files = inputs(target);
    assert!(!files.is_empty(), "no corpus for the `{target}` target");
    for file in files {
        let data = std::fs::read(&file).expect("corpus file");
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(outcome.is_ok(), "{} panicked", file.display());
    }
}

#[test]
fn idx_corpus() {
    run("idx", fuzz_checks::idx);
}

#[test]
fn workflow_corpus() {
    run("workflow", fuzz_checks::workflow);
}

#[test]
fn safetensors_corpus() {
    run("safetensors", fuzz_checks::safetensors);
}

#[test]
fn image_corpus() {
    run("image", fuzz_checks::image);
}
