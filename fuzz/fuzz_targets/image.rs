//! Fuzz target: see `comfy_nodes::fuzz_checks::image` for what it checks on each input.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| comfy_nodes::fuzz_checks::image(data));
