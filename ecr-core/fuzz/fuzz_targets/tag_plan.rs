//! The `tag_plan` fuzz target: the oracle is `ecr_core_fuzz_oracles::tag_plan` (shared with the regression test
//! that replays `ecr-core/fuzz/regressions/tag_plan/`). Run with `scripts/fuzz tag_plan`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ecr_core_fuzz_oracles::tag_plan::run(data));
