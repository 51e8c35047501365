//! The `conformance` program: its refusals (no region, no `--yes`), its exit codes and JSON report against the
//! local ECR emulator (moto's server), and its cleanup when interrupted with SIGINT.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../ecr-core/tests/support/mod.rs"]
mod support;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_conformance");

fn fixtures() -> String {
    support::fixtures().display().to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The program against the emulator, agreeing to run, writing its report to `json`, polling every 0.1 s.
fn live_command(json: &std::path::Path) -> Command {
    let em = support::emulator();
    let mut c = em.command(BIN);
    c.args([
        "--region",
        em.region(),
        "--yes",
        "--fixtures",
        &fixtures(),
        "--poll-interval",
        "0.1",
    ])
    .args(["--json", json.to_str().unwrap()]);
    c
}

/// Runs the program against the emulator with `args`; returns its output and JSON report.
fn run_live(args: &[&str]) -> (Output, Value) {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    let out = live_command(&json).args(args).output().unwrap();
    let report = serde_json::from_str(&std::fs::read_to_string(&json).unwrap_or_else(|e| {
        panic!("no report ({e}): {}", stderr(&out));
    }))
    .unwrap();
    (out, report)
}

#[test]
fn refuses_without_a_region_or_without_yes() {
    let o = Command::new(BIN)
        .args(["--yes", "--fixtures", &fixtures()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("conformance: ") && err.contains("--region"), "{err}");

    let o = Command::new(BIN)
        .args(["--region", "eu-west-1", "--fixtures", &fixtures()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    // The cost is stated before the refusal, and nothing was created.
    assert!(
        err.contains("This run creates") && err.contains("eu-west-1") && err.contains("Cost:"),
        "{err}"
    );
    assert!(err.lines().last().unwrap().contains("--yes"), "{err}");
    assert!(o.stdout.is_empty());
}

#[test]
fn version_help_and_bad_flags() {
    let v = Command::new(BIN).arg("--version").output().unwrap();
    assert_eq!(v.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&v.stdout).starts_with("conformance "));
    let h = Command::new(BIN).arg("--help").output().unwrap();
    assert_eq!(h.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&h.stdout).contains("conformance --region eu-west-1 --yes"));
    let bad = Command::new(BIN)
        .args(["--region", "eu-west-1", "--yes", "--areas", "lifecycle,colour"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("colour"), "{}", stderr(&bad));
}

#[test]
fn exit_0_when_all_agree_and_1_on_a_disagreement() {
    let (o, report) = run_live(&["--areas", "scan"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(report["cases"][0]["verdict"], "agree", "{report:#}");
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(
        table.starts_with("area") && table.contains("1 agree, 0 disagree"),
        "{table}"
    );

    // moto's tokens expire in 2015: the authenticator refuses them, a disagreement with exit status 1.
    let (o, report) = run_live(&["--areas", "auth"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let cases = report["cases"].as_array().unwrap();
    let expiry = cases.iter().find(|c| c["case"] == "auth: token expiry").unwrap();
    assert_eq!(expiry["verdict"], "disagree", "{report:#}");
    assert!(
        report["cleanup"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c.get("error").unwrap().is_null())
    );
    assert!(stderr(&o).contains("deleted ecr-core-conformance-"), "{}", stderr(&o));
}

#[test]
fn sigint_stops_the_run_and_deletes_everything() {
    let em = support::emulator();
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    let child = live_command(&json)
        .args(["--areas", "lifecycle", "--push-gap", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the run has created something, then interrupt it as Ctrl-C would.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let client = rt.block_on(em.client());
    let started = Instant::now();
    loop {
        let repos = rt.block_on(client.list_repositories()).unwrap();
        // Only this test runs lifecycle cases (the others in this file share the emulator).
        let ours = |name: &str| name.starts_with("ecr-core-conformance-") && name.contains("-lifecycle-");
        if repos.iter().any(|r| ours(&r.repository_name)) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no scratch repository appeared"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("INTERRUPTED"));
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["interrupted"], true);
    let cleanup = report["cleanup"].as_array().unwrap();
    assert!(!cleanup.is_empty());
    for c in cleanup {
        assert!(c["error"].is_null(), "{c}");
        let name = c["repository"].as_str().unwrap();
        let err = rt.block_on(client.describe_repository(name)).unwrap_err();
        assert_eq!(err.code(), "RepositoryNotFound", "{name} still exists");
    }
}
