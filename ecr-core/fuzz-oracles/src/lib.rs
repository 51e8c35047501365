//! The oracles of ecr-core's fuzz targets: each module checks one input of its target and panics when the
//! library breaks a promise (a panic of its own, an untyped error, a round trip that changes the value, a
//! secret echoed). The cargo-fuzz targets in `ecr-core/fuzz/` call them, and `tests/regressions.rs` replays
//! the seeds and every input that once found a bug or an oracle false positive through them, in the normal
//! test run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod docker_config;
pub mod lifecycle_images;
pub mod policy_parser;
pub mod references;
pub mod scan_findings;
pub mod scan_policy;
pub mod tag_plan;
