//! The `references` fuzz target: the oracle is `ecr_core_fuzz_oracles::references` (shared with the regression test
//! that replays `ecr-core/fuzz/regressions/references/`). Run with `scripts/fuzz references`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ecr_core_fuzz_oracles::references::run(data));
