//! The `scan_policy` fuzz target: the oracle is `ecr_core_fuzz_oracles::scan_policy` (shared with the regression test
//! that replays `ecr-core/fuzz/regressions/scan_policy/`). Run with `scripts/fuzz scan_policy`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ecr_core_fuzz_oracles::scan_policy::run(data));
