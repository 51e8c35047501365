//! The `lifecycle_images` fuzz target: the oracle is `ecr_core_fuzz_oracles::lifecycle_images` (shared with the regression test
//! that replays `ecr-core/fuzz/regressions/lifecycle_images/`). Run with `scripts/fuzz lifecycle_images`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ecr_core_fuzz_oracles::lifecycle_images::run(data));
