//! Runs the `registry_settings` program offline over the shared snapshot (`fixtures/settings/`): the
//! effective settings equal the resolver's golden outputs, the audit exits 1 naming each failed check, bad
//! input exits 2 with the field at fault.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../ecr-core/tests/support/mod.rs"]
mod support;

use std::process::Command;

use serde_json::Value;

fn settings(rel: &str) -> String {
    support::fixtures().join("settings").join(rel).display().to_string()
}

fn run(args: &[&str]) -> (i32, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_registry_settings"))
        .args(args)
        .output()
        .unwrap();
    let stdout: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap(),
        stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn effective_settings_equal_the_golden_outputs() {
    let golden = support::fixture_json("settings/effective.json");
    for case in golden["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["existing"].is_null())
    {
        let name = case["name"].as_str().unwrap();
        let (code, out, err) = run(&[
            "effective",
            "--repository",
            name,
            "--snapshot",
            &settings("snapshot.json"),
        ]);
        assert_eq!(code, 0, "{name}: {err}");
        assert_eq!(out, case["expected"], "{name}");
    }
}

#[test]
fn audit_fails_on_the_snapshots_problems() {
    let (code, out, err) = run(&[
        "audit",
        "--snapshot",
        &settings("snapshot.json"),
        "--repositories",
        &settings("repositories.json"),
        "--rolling-tag",
        "stable",
    ]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(out["passed"], false);
    let failed: Vec<&str> = out["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "failed")
        .map(|c| c["check"].as_str().unwrap())
        .collect();
    assert_eq!(
        failed,
        [
            "template-rolling-tags[team]",
            "template-lifecycle-policy[team/payments]",
            "template-rolling-tags[team/payments]",
            "cache-rule-credential[ghcr]",
            "enhanced-scanning-coverage"
        ]
    );
}

#[test]
fn bad_input_exits_2_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"scanningConfiguration": {"scanType": "DEEP"}}"#).unwrap();
    let (code, _, err) = run(&["effective", "--repository", "a/b", "--snapshot", bad.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("PolicyValidation") && err.contains("scanningConfiguration.scanType"),
        "{err}"
    );
    let (code, _, err) = run(&[
        "effective",
        "--repository",
        "a/b",
        "--snapshot",
        "/nonexistent/snapshot.json",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/snapshot.json"), "{err}");
}

/// `audit_repository --registry-settings` against the emulator: a repository ensured with the safe
/// defaults under `team/` differs from the `team` creation template, and both the audit and the ensure
/// step say so (exit 1).
#[test]
fn audit_repository_checks_the_template_covering_the_name() {
    let emu = support::emulator();
    let name = format!("team/{}", support::unique("audit"));
    let out = emu
        .command(env!("CARGO_BIN_EXE_audit_repository"))
        .args([
            "--repository",
            &name,
            "--ensure",
            "--apply",
            "--registry-settings",
            &settings("snapshot.json"),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let template = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "template")
        .unwrap();
    assert_eq!(template["status"], "failed");
    assert_eq!(template["details"]["template"], "team");
    assert_eq!(report["ensure"]["created"], true);
    assert_eq!(report["ensure"]["template"]["ok"], false);
}
