//! Replays every regression input (`ecr-core/fuzz/regressions/<target>/`) and seed (`ecr-core/fuzz/seeds/<target>/`)
//! through its fuzz target's oracle, so an input that once found a bug keeps being checked in every test run.

use std::path::{Path, PathBuf};

use ecr_core_fuzz_oracles as oracles;

type Oracle = fn(&[u8]);

const TARGETS: &[(&str, Oracle)] = &[
    ("docker_config", oracles::docker_config::run),
    ("lifecycle_images", oracles::lifecycle_images::run),
    ("policy_parser", oracles::policy_parser::run),
    ("references", oracles::references::run),
    ("scan_findings", oracles::scan_findings::run),
    ("scan_policy", oracles::scan_policy::run),
    ("tag_plan", oracles::tag_plan::run),
];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The files of `dir/<target>/`, sorted (none when the folder does not exist).
fn inputs(dir: &str, target: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(fuzz_dir().join(dir).join(target)) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn replay(dir: &str) -> usize {
    let mut replayed = 0;
    for (target, oracle) in TARGETS {
        for path in inputs(dir, target) {
            let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let outcome = std::panic::catch_unwind(|| oracle(&data));
            assert!(outcome.is_ok(), "{target}: {} fails its oracle", path.display());
            replayed += 1;
        }
    }
    replayed
}

#[test]
fn regression_inputs_pass_their_oracles() {
    assert!(
        inputs("regressions", "references").len() >= 8,
        "the references regressions are missing"
    );
    assert!(
        inputs("regressions", "scan_policy").len() >= 2,
        "the scan_policy regressions are missing"
    );
    assert!(replay("regressions") >= 10);
}

#[test]
fn seed_inputs_pass_their_oracles() {
    assert!(replay("seeds") >= 10, "the seed inputs are missing");
}

/// The bug behind `scan_policy/toml-nan-min-score` stays fixed in the library itself, not only in the oracle.
#[test]
fn toml_nan_is_a_policy_error() {
    let err = ecr_core::scan::ScanPolicy::from_toml_str("minScore = nan\n").expect_err("nan must not load");
    assert_eq!(err.code(), "PolicyValidation");
}
