//! The `scan_findings` fuzz target: the oracle is `ecr_core_fuzz_oracles::scan_findings` (shared with the regression test
//! that replays `ecr-core/fuzz/regressions/scan_findings/`). Run with `scripts/fuzz scan_findings`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ecr_core_fuzz_oracles::scan_findings::run(data));
