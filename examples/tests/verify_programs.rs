//! The `verify_push` and `audit_repository` programs against the emulator and the local registry:
//! JSON on stdout, exit 0 (all required checks pass), 1 (a check failed), 2 (bad input or error).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../ecr-core/tests/support/mod.rs"]
mod support;
#[path = "../../ecr-core/tests/verify_support/mod.rs"]
mod verify_support;

use serde_json::{Value, json};
use verify_support::{ImageSpec, Layout, push_and_mirror};

fn run(program: &str, args: &[&str]) -> (i32, Value, String) {
    let out = support::emulator().command(program).args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap_or(-1), json, stderr)
}

const VERIFY: &str = env!("CARGO_BIN_EXE_verify_push");
const AUDIT: &str = env!("CARGO_BIN_EXE_audit_repository");

#[tokio::test]
async fn verify_push_exit_codes_and_build_record() {
    let emu = support::emulator();
    let client = emu.client().await;
    let layout = Layout::new();
    let runtime = json!({"User": "app", "Labels": {
        "org.opencontainers.image.revision": "4f2c9e1d",
        "org.opencontainers.image.source": "https://github.com/example/app",
        "org.opencontainers.image.created": "2026-11-23T10:00:00Z"},
        "Healthcheck": {"Test": ["CMD", "/bin/true"]}});
    let amd = layout.image(&ImageSpec {
        arch: "amd64",
        runtime: runtime.clone(),
    });
    let arm = layout.image(&ImageSpec { arch: "arm64", runtime });
    let index = layout.index(vec![amd, arm]);
    layout.tag(index, "1.4.0");
    let repo = support::unique("verify-prog");
    let digest = push_and_mirror(emu, &client, &layout, &repo, "1.4.0").await;
    // The image is named by its ECR reference; --registry-url points the registry protocol at the local registry.
    let image = format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/{repo}:1.4.0");
    let record = tempfile::NamedTempFile::new().unwrap();
    let record_path = record.path().to_str().unwrap();

    let (code, report, err) = run(
        VERIFY,
        &[
            "--image",
            &image,
            "--digest",
            &digest,
            "--platform",
            "linux/amd64",
            "--platform",
            "linux/arm64",
            "--registry-url",
            emu.registry_url(),
            "--record",
            record_path,
            "--revision",
            "4f2c9e1d",
            "--source",
            "https://github.com/example/app",
            "--run-id",
            "ci-42",
            "--build-time",
            "2026-11-23T10:00:00Z",
        ],
    );
    assert_eq!(code, 0, "{report:#}\n{err}");
    assert_eq!(report["passed"], true);
    let rec: Value = serde_json::from_str(&std::fs::read_to_string(record.path()).unwrap()).unwrap();
    assert_eq!(rec["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(
        rec["subject"][0]["digest"]["sha256"],
        digest.trim_start_matches("sha256:")
    );
    assert_eq!(
        rec["subject"].as_array().unwrap().len(),
        3,
        "index + two platform manifests"
    );
    assert_eq!(rec["predicate"]["revision"], "4f2c9e1d");
    assert_eq!(rec["predicate"]["runId"], "ci-42");
    assert_eq!(rec["predicate"]["tags"][0], "1.4.0");
    assert_eq!(rec["predicate"]["verified"], true);

    // Only amd64 expected: the arm64 entry is unexpected → exit 1.
    let (code, report, _) = run(
        VERIFY,
        &[
            "--image",
            &image,
            "--digest",
            &digest,
            "--platform",
            "linux/amd64",
            "--registry-url",
            emu.registry_url(),
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(report["checks"][2]["check"], "platforms");
    assert_eq!(report["checks"][2]["status"], "failed");

    // A tag that was never pushed → exit 1; bad input → exit 2 with a typed error on stderr.
    let (code, report, _) = run(
        VERIFY,
        &[
            "--image",
            &image,
            "--tag",
            "nope",
            "--digest",
            &digest,
            "--registry-url",
            emu.registry_url(),
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(
        report["checks"][0]["details"]["problems"]["nope"]["problem"],
        "notFound"
    );
    let (code, _, err) = run(VERIFY, &["--image", &image, "--digest", "sha256:123"]);
    assert_eq!(code, 2);
    assert!(err.contains("InvalidReference"), "{err}");
    let pinned = format!(
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/{repo}@sha256:{}",
        "0".repeat(64)
    );
    let (code, _, err) = run(VERIFY, &["--image", &pinned, "--digest", &digest]);
    assert_eq!(code, 2);
    assert!(err.contains("differs"), "{err}");
    let (code, _, err) = run(VERIFY, &["--image", &image, "--digest", &digest, "--require", "bogus"]);
    assert_eq!(code, 2);
    assert!(err.contains("bogus"), "{err}");
    let (code, _, err) = run(VERIFY, &["--image", "127.0.0.1:5000/not-ecr:1", "--digest", &digest]);
    assert_eq!(code, 2);
    assert!(err.contains("InvalidReference"), "{err}");
}

#[tokio::test]
async fn audit_repository_exit_codes() {
    let repo = support::unique("verify-prog-audit");
    // --ensure creates it with the defaults. The emulator's effective scanning follows registry rules only
    // (MANUAL unless a rule matches), so scanning is the one check that may fail here.
    let (code, out, err) = run(AUDIT, &["--repository", &repo, "--ensure"]);
    assert_eq!(out["ensure"]["created"], true, "{out:#}\n{err}");
    let failed: Vec<&str> = out["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "failed")
        .map(|c| c["check"].as_str().unwrap())
        .collect();
    assert!(failed.iter().all(|c| *c == "scanning"), "{failed:?}");
    assert_eq!(code, if failed.is_empty() { 0 } else { 1 });
    assert_eq!(out["checks"].as_array().unwrap().len(), 5);
    let (code, out, _) = run(AUDIT, &["--all"]);
    assert!(code == 0 || code == 1);
    assert_eq!(code == 0, out["passed"] == true);
    assert!(
        out["repositories"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["subject"] == repo.as_str())
    );
    let (code, _, err) = run(AUDIT, &["--repository", &support::unique("verify-prog-none")]);
    assert_eq!(code, 2);
    assert!(err.contains("RepositoryNotFound"), "{err}");
    let (code, _, _) = run(AUDIT, &[]);
    assert_eq!(code, 2, "neither --repository nor --all");
}
