//! The `policy_parser` fuzz target: the oracle is `ecr_core_fuzz_oracles::policy_parser` (shared with the regression test
//! that replays `ecr-core/fuzz/regressions/policy_parser/`). Run with `scripts/fuzz policy_parser`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ecr_core_fuzz_oracles::policy_parser::run(data));
