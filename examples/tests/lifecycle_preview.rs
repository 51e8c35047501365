//! Runs the `lifecycle_preview` program on the shared fixtures: output shapes and exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../ecr-core/tests/support/mod.rs"]
mod support;

use std::process::Command;

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_lifecycle_preview");

fn write(dir: &tempfile::TempDir, name: &str, v: &Value) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, serde_json::to_string_pretty(v).unwrap()).unwrap();
    path.display().to_string()
}

fn run(args: &[&str]) -> (i32, Value, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (
        out.status.code().unwrap(),
        json,
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn case(name: &str) -> Value {
    let doc = support::fixture_json("lifecycle/evaluation.json");
    doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap()
        .clone()
}

#[test]
fn previews_a_documented_example_in_ecr_shape() {
    let dir = tempfile::tempdir().unwrap();
    let c = case("all images, example B");
    let policy = write(&dir, "policy.json", &c["policy"]);
    let images = write(&dir, "images.json", &c["images"]);
    let (code, out, err) = run(&[
        "--policy",
        &policy,
        "--images",
        &images,
        "--now",
        c["now"].as_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out["previewResults"], c["expect"]["previewResults"]);
    assert_eq!(out["summary"], c["expect"]["summary"]);
    for key in [
        "reclaimedBytes",
        "protectedImages",
        "blockedImages",
        "collateralTags",
        "followingSubject",
        "warnings",
    ] {
        assert!(out.get(key).is_some(), "{key} missing from {out}");
    }
}

#[test]
fn reads_describe_images_output_with_epoch_seconds_and_protects_digests() {
    let dir = tempfile::tempdir().unwrap();
    let c = case("all images, example A");
    // The CLI's shape, timestamps as epoch seconds (the API's wire form).
    let details: Vec<Value> = c["images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let mut i = i.clone();
            let t = ecr_core::time::from_json(&i["imagePushedAt"]).unwrap();
            i["imagePushedAt"] = json!(t.timestamp());
            i
        })
        .collect();
    let policy = write(&dir, "policy.json", &c["policy"]);
    let images = write(&dir, "images.json", &json!({ "imageDetails": details }));
    let now = c["now"].as_str().unwrap();
    let (code, out, err) = run(&["--policy", &policy, "--images", &images, "--now", now]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out["previewResults"], c["expect"]["previewResults"]);
    let (code, out, _) = run(&[
        "--policy",
        &policy,
        "--images",
        &images,
        "--now",
        now,
        "--protect",
        "sha256:a",
    ]);
    assert_eq!(code, 0);
    let digests: Vec<&str> = out["previewResults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["imageDigest"].as_str().unwrap())
        .collect();
    assert_eq!(digests, ["sha256:b", "sha256:c"]);
    assert_eq!(out["protectedImages"][0]["imageDigest"], "sha256:a");
    assert_eq!(out["protectedImages"][0]["rulePriority"], 1);
}

#[test]
fn invalid_policy_exits_2_with_every_error() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write(
        &dir,
        "policy.json",
        &json!({"rules": [
            {"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "sinceImagePulled", "countNumber": 0},
             "action": {"type": "expire"}},
            {"rulePriority": 1, "selection": {"tagStatus": "tagged", "countType": "imageCountMoreThan",
             "countNumber": 1}, "action": {"type": "expire"}}]}),
    );
    let images = write(&dir, "images.json", &json!([]));
    let (code, out, _) = run(&["--policy", &policy, "--images", &images]);
    assert_eq!(code, 2);
    let paths: Vec<&str> = out["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"rules[0].selection.countUnit"), "{paths:?}");
    assert!(paths.contains(&"rules[0].selection.countNumber"), "{paths:?}");
    assert!(paths.contains(&"rules[1].selection"), "{paths:?}");
    assert_eq!(out["warnings"], json!([]));
    let (code, out2, _) = run(&["--policy", &policy, "--validate-only"]);
    assert_eq!(code, 2);
    assert_eq!(out2, out);
}

#[test]
fn validate_only_prints_warnings_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let policy = write(
        &dir,
        "policy.json",
        &json!({"rules": [{"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPrefixList": ["prod", "staging"],
            "countType": "imageCountMoreThan", "countNumber": 10}, "action": {"type": "expire"}}]}),
    );
    let (code, out, err) = run(&["--policy", &policy, "--validate-only"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out["errors"], json!([]));
    assert_eq!(out["warnings"][0]["kind"], "andSemantics");
    assert_eq!(out["warnings"][0]["path"], "rules[0].selection.tagPrefixList");
}

#[test]
fn unreadable_inputs_exit_2() {
    let (code, _, err) = run(&[
        "--policy",
        "/nonexistent/policy.json",
        "--images",
        "/nonexistent/i.json",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/policy.json"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let c = case("all images, example A");
    let policy = write(&dir, "policy.json", &c["policy"]);
    let images = write(&dir, "images.json", &json!({"images": []}));
    let (code, _, err) = run(&["--policy", &policy, "--images", &images]);
    assert_eq!(code, 2);
    assert!(err.contains("imageDetails") && err.contains(&images), "{err}");
    let (code, _, err) = run(&["--policy", &policy, "--images", &images, "--now", "yesterday"]);
    assert_eq!(code, 2);
    assert!(err.contains("--now"), "{err}");
}

#[tokio::test]
async fn previews_a_repository_of_the_emulator() {
    use sha2_free::digest_of;
    let emulator = support::emulator();
    let client = emulator.client().await;
    let repo = support::unique("lifecycle-demo");
    client
        .create_repository(&repo, &ecr_core::types::RepositorySettings::recommended())
        .await
        .unwrap();
    for (i, tag) in ["build-1", "build-2", "build-3"].iter().enumerate() {
        let body = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":{i},"digest":"sha256:{i:064x}"}},"layers":[]}}"#
        );
        // Moto reports real digests only when they are passed explicitly (a known emulator gap).
        client
            .put_image(&repo, &body, None, Some(tag), Some(&digest_of(&body)))
            .await
            .unwrap();
    }
    let policy = r#"{"rules":[{"rulePriority":1,"description":"keep the newest build","selection":{"tagStatus":"tagged","tagPatternList":["build-*"],"countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}"#;
    client.put_lifecycle_policy(&repo, policy).await.unwrap();

    let out = emulator.command(BIN).args(["--repository", &repo]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["expiringImageTotalCount"], 2);
    assert_eq!(doc["previewResults"].as_array().unwrap().len(), 2);

    let out = emulator
        .command(BIN)
        .args(["--repository", &repo, "--text"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().filter(|l| l.starts_with("EXPIRE ")).count(), 2, "{text}");
    assert!(text.contains("by rule 1 (keep the newest build)"), "{text}");
}

/// sha256 of a manifest, via the `sha256sum` tool (the examples crate has no hashing dependency).
mod sha2_free {
    pub fn digest_of(body: &str) -> String {
        use std::io::Write;
        let mut child = std::process::Command::new("sha256sum")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(body.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        let hex = String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned();
        format!("sha256:{hex}")
    }
}
