//! The `docker_config` fuzz target: the oracle is `ecr_core_fuzz_oracles::docker_config` (shared with the regression test
//! that replays `ecr-core/fuzz/regressions/docker_config/`). Run with `scripts/fuzz docker_config`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| ecr_core_fuzz_oracles::docker_config::run(data));
