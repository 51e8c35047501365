//! Tests of the scan capability, one file per module it tests. Shared helpers live here.
//!
//! Moto (the emulator) cannot paginate findings, cannot return a different result for the same image on
//! later polls of the same request, and has no index manifests with scans per child; those paths are covered
//! with replayed responses instead (see `ecr-core/tests/scan_emulator.rs` for the emulator tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod ecr;
mod finding;
mod gate;
mod policy;
mod report;
mod wait;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use super::finding::*;
use super::gate::*;
use super::policy::*;
use super::wait::*;
use crate::error::Error;
use crate::time::parse_str;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/scan")
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(name)).unwrap()
}

fn fixture(name: &str) -> Value {
    serde_json::from_str(&fixture_text(name)).unwrap()
}

fn now() -> crate::time::Timestamp {
    parse_str("2026-06-01T00:00:00Z").unwrap()
}

fn counts_json(c: &SeverityCounts) -> Value {
    serde_json::to_value(c).unwrap()
}
