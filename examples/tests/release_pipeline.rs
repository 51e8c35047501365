//! `release_pipeline` against the emulator and the local registry, the way `scripts/demo` runs it: an OCI image
//! built by `examples/oci/build_image.py`, copied with skopeo, findings registered in moto (which has no scanner).
//! The success path's `--json` summary is checked field by field; a failing required step exits 1, names the
//! step, and reports the later steps as skipped.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../ecr-core/tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

const PIPELINE: &str = env!("CARGO_BIN_EXE_release_pipeline");
const REVISION: &str = "4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

fn check(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Builds the demo image (the demo context's OCI labels, a non-root user) into `dir`, copies it into the
/// local registry as `repo`, registers the demo findings for it in moto; returns the digest.
fn build_push_and_register(dir: &Path, repo: &str, user: &str) -> String {
    let emu = support::emulator();
    let labels = [
        format!("--label=org.opencontainers.image.revision={REVISION}"),
        "--label=org.opencontainers.image.source=https://github.com/acme/shop".to_owned(),
        "--label=org.opencontainers.image.created=2026-03-04T05:06:07Z".to_owned(),
    ];
    let digest = check(
        Command::new("python3")
            .arg(root().join("examples/oci/build_image.py"))
            .arg(dir)
            .args(["--tag", "build", "--user", user])
            .args(&labels),
    )
    .trim()
    .to_owned();
    check(
        Command::new("skopeo")
            .args(["copy", "--quiet", "--dest-tls-verify=false", "--dest-creds"])
            .arg(format!(
                "{}:{}",
                emu.var("LOCAL_REGISTRY_USER"),
                emu.var("LOCAL_REGISTRY_PASSWORD")
            ))
            .arg(format!("oci:{}:build", dir.display()))
            .arg(format!("docker://{}/{repo}:build", emu.registry_host())),
    );
    check(
        emu.command("python3")
            .arg(root().join("examples/demo/register_findings.py"))
            .args([repo, &digest])
            .arg(root().join("examples/demo/findings.json")),
    );
    digest
}

fn run_pipeline(repo: &str, digest: &str, tmp: &Path, scan_policy: &Path) -> (i32, Value, String) {
    run_pipeline_with(repo, digest, tmp, scan_policy, &[])
}

fn run_pipeline_with(repo: &str, digest: &str, tmp: &Path, scan_policy: &Path, extra: &[&str]) -> (i32, Value, String) {
    let emu = support::emulator();
    let out = emu
        .command(PIPELINE)
        .args(["--repository", repo, "--mutable-tag", "stable", "--digest", digest])
        .args([
            "--registry-url",
            emu.registry_url(),
            "--assume-now",
            "2014-12-31T12:00:00Z",
        ])
        .arg("--ci-context")
        .arg(root().join("fixtures/tagging/demo/context.json"))
        .arg("--tag-strategy")
        .arg(root().join("fixtures/tagging/demo/strategy.json"))
        .args([
            "--platform",
            "linux/amd64",
            "--start-scan",
            "--poll-interval",
            "0.2",
            "--scan-timeout",
            "20",
        ])
        .arg("--scan-policy")
        .arg(scan_policy)
        .arg("--docker-config")
        .arg(tmp.join("docker/config.json"))
        .arg("--record")
        .arg(tmp.join("record.json"))
        .arg("--json")
        .args(extra)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    (
        out.status.code().unwrap_or(-1),
        json,
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn step<'a>(summary: &'a Value, name: &str) -> &'a Value {
    summary["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step {name} in {summary}"))
}

#[test]
fn the_whole_pipeline_passes_and_reports_every_step() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = support::unique("pipeline/ok");
    let digest = build_push_and_register(&tmp.path().join("image"), &repo, "10001:10001");
    let policy = root().join("examples/demo/scan-policy.json");
    let (code, summary, stderr) = run_pipeline(&repo, &digest, tmp.path(), &policy);
    assert_eq!(code, 0, "{summary:#}\n{stderr}");
    assert_eq!(summary["passed"], true);
    assert_eq!(summary["failedStep"], Value::Null);
    assert_eq!(summary["repository"], repo.as_str());
    let names: Vec<&str> = summary["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "repository",
            "credentials",
            "tag plan",
            "push",
            "verify",
            "signatures",
            "scan",
            "lifecycle",
            "record"
        ]
    );
    for s in summary["steps"].as_array().unwrap() {
        assert!(["ok", "warn"].contains(&s["status"].as_str().unwrap()), "{s:#}");
        assert!(s["durationMs"].is_u64(), "{s:#}");
    }

    let repository = step(&summary, "repository");
    assert_eq!(repository["details"]["created"], true);
    assert!(
        repository["details"]["uri"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/{repo}"))
    );

    let creds = step(&summary, "credentials");
    assert_eq!(creds["status"], "ok");
    assert_eq!(creds["details"]["username"], "AWS");
    let config: Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("docker/config.json")).unwrap()).unwrap();
    let registry = creds["details"]["registry"].as_str().unwrap();
    assert!(config["auths"][registry]["auth"].is_string(), "{config:#}");
    assert!(
        !summary.to_string().contains("auth-token"),
        "the password leaked into the summary"
    );

    let plan = &step(&summary, "tag plan")["details"]["plan"];
    let tags: Vec<&str> = plan["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["value"].as_str().unwrap())
        .collect();
    assert_eq!(tags, ["1.2.3", "stable", "sha-4f2a9c1"]);
    assert_eq!(plan["violations"], serde_json::json!([]));

    let push = &step(&summary, "push")["details"];
    assert_eq!(push["digest"], digest.as_str());
    assert_eq!(push["added"], serde_json::json!(["1.2.3", "stable", "sha-4f2a9c1"]));

    let verify = step(&summary, "verify");
    assert_eq!(verify["details"]["passed"], true);
    let status_of = |check: &str| {
        verify["details"]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == check)
            .map(|c| c["status"].as_str().unwrap().to_owned())
            .unwrap()
    };
    for check in ["tags", "integrity", "platforms", "non-root", "labels"] {
        assert_eq!(status_of(check), "passed", "{check}: {verify:#}");
    }

    let scan = &step(&summary, "scan")["details"];
    assert_eq!(scan["passed"], true);
    assert_eq!(scan["counted"]["HIGH"], 2);
    assert_eq!(scan["notCounted"]["CRITICAL"], 1, "the ignored CVE: {scan:#}");

    let lifecycle = &step(&summary, "lifecycle")["details"];
    let expiring = lifecycle["previewResults"].as_array().unwrap();
    assert!(expiring.iter().all(|r| r["imageDigest"] != digest.as_str()));

    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("record.json")).unwrap()).unwrap();
    assert_eq!(record["subject"][0]["digest"]["sha256"], &digest[7..]);
    assert_eq!(record["predicate"]["revision"], REVISION);
    assert_eq!(record["predicate"]["verified"], true);
}

#[test]
fn a_failing_scan_gate_stops_the_pipeline_and_names_the_step() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = support::unique("pipeline/fail");
    let digest = build_push_and_register(&tmp.path().join("image"), &repo, "10001:10001");
    let policy = tmp.path().join("strict.json");
    std::fs::write(&policy, r#"{"failOn": {"HIGH": 0}}"#).unwrap();
    let (code, summary, stderr) = run_pipeline(&repo, &digest, tmp.path(), &policy);
    assert_eq!(code, 1, "{summary:#}");
    assert!(stderr.contains("step 'scan' failed"), "{stderr}");
    assert_eq!(summary["passed"], false);
    assert_eq!(summary["failedStep"], "scan");
    assert_eq!(step(&summary, "scan")["status"], "failed");
    assert_eq!(
        step(&summary, "verify")["status"],
        "warn",
        "passed with the healthcheck warning"
    );
    for later in ["lifecycle", "record"] {
        assert_eq!(step(&summary, later)["status"], "skipped", "{later}");
    }
    assert!(
        !tmp.path().join("record.json").exists(),
        "no build record for a failed pipeline"
    );
}

#[test]
fn a_root_image_fails_verification() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = support::unique("pipeline/root");
    let digest = build_push_and_register(&tmp.path().join("image"), &repo, "0");
    let policy = root().join("examples/demo/scan-policy.json");
    let (code, summary, stderr) = run_pipeline(&repo, &digest, tmp.path(), &policy);
    assert_eq!(code, 1, "{summary:#}");
    assert!(stderr.contains("step 'verify' failed"), "{stderr}");
    assert_eq!(summary["failedStep"], "verify");
    let checks = step(&summary, "verify")["details"]["checks"].as_array().unwrap();
    let non_root = checks.iter().find(|c| c["check"] == "non-root").unwrap();
    assert_eq!(non_root["status"], "failed");
    assert_eq!(step(&summary, "scan")["status"], "skipped");
}

/// With a signature policy, an unsigned image stops the pipeline at `signatures` (nothing attached: fail
/// closed), before the scan. The emulator has no ListImageReferrers, so signatures are looked up through the
/// registry protocol only.
#[test]
fn an_unsigned_image_fails_the_signature_policy() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = support::unique("pipeline/unsigned");
    let digest = build_push_and_register(&tmp.path().join("image"), &repo, "10001:10001");
    let policy = root().join("examples/demo/scan-policy.json");
    let signatures = tmp.path().join("signatures.json");
    std::fs::write(&signatures, r#"{"signers": [{"type": "key", "key": "release"}]}"#).unwrap();
    let key = tmp.path().join("cosign.pub");
    std::fs::write(&key, "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEYO2RVJUK4jlSBH3dCDaOolkEqtKM\nV7c9rQno95bg2NfYxg3LdIYngZ+aa0VX54vPojAxXTYczZ/kjfhjOWVLDg==\n-----END PUBLIC KEY-----\n").unwrap();
    let (code, summary, stderr) = run_pipeline_with(
        &repo,
        &digest,
        tmp.path(),
        &policy,
        &[
            "--signature-policy",
            signatures.to_str().unwrap(),
            "--signature-key",
            &format!("release={}", key.display()),
            "--signatures-registry-only",
        ],
    );
    assert_eq!(code, 1, "{summary:#}\n{stderr}");
    assert_eq!(summary["failedStep"], "signatures");
    let details = &step(&summary, "signatures")["details"];
    assert_eq!(details["requirements"][0]["reason"], "missing");
    assert_eq!(step(&summary, "scan")["status"], "skipped");
}
