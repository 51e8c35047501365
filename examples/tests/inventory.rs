//! Runs the `inventory` program offline on the shared fixtures (`fixtures/inventory/`, the golden document)
//! and live against the local emulator (moto's server: discovery with a file of image URIs resolved in the
//! emulated ECR, then the registry-wide lifecycle report), and `lifecycle_preview --inventory`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../ecr-core/tests/support/mod.rs"]
mod support;

use std::process::Command;

use serde_json::{Value, json};
use sha2::Digest;

const BIN: &str = env!("CARGO_BIN_EXE_inventory");

fn output(mut command: Command) -> (i32, Value, String) {
    let out = command.output().unwrap();
    (
        out.status.code().unwrap(),
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn offline(args: &[&str]) -> (i32, Value, String) {
    let mut c = Command::new(BIN);
    c.args(args).current_dir(support::project_root());
    output(c)
}

#[test]
fn files_give_the_golden_document_and_exit_1_as_tags_stay_unresolved() {
    let (code, out, err) = offline(&[
        "files",
        "--kubernetes",
        "fixtures/inventory/kubernetes.json",
        "--uris",
        "fixtures/inventory/uris.json",
    ]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(out, support::fixture_json("inventory/expected-offline.json"));
}

#[test]
fn a_missing_file_exits_2_naming_it() {
    let (code, out, err) = offline(&["files", "--uris", "fixtures/inventory/absent.json"]);
    assert_eq!(code, 2);
    assert_eq!(out, Value::Null);
    let err: Value = serde_json::from_str(err.trim()).unwrap();
    assert!(
        err["error"]["message"].as_str().unwrap().contains("absent.json"),
        "{err}"
    );
}

#[test]
fn lifecycle_preview_spares_the_inventory_and_names_the_users() {
    let dir = tempfile::tempdir().unwrap();
    let digest = |c: char| format!("sha256:{}", c.to_string().repeat(64));
    let images = json!([
        {"imageDigest": digest('a'), "imageTags": ["1.4.2"], "imagePushedAt": "2026-01-01T00:00:00Z"},
        {"imageDigest": digest('d'), "imageTags": ["old"], "imagePushedAt": "2026-01-01T00:00:00Z"},
        {"imageDigest": digest('9'), "imageTags": [format!("sha256-{}.sig", "a".repeat(64))], "imagePushedAt": "2026-01-01T00:00:00Z"}
    ]);
    let policy = json!({"rules": [{"rulePriority": 1, "description": "expire everything older than a day",
        "selection": {"tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1},
        "action": {"type": "expire"}}]});
    let write = |name: &str, v: &Value| {
        let p = dir.path().join(name);
        std::fs::write(&p, v.to_string()).unwrap();
        p.display().to_string()
    };
    let (images, policy) = (write("images.json", &images), write("policy.json", &policy));
    let inventory = support::project_root().join("fixtures/inventory/expected-offline.json");
    let mut c = Command::new(env!("CARGO_BIN_EXE_lifecycle_preview"));
    c.args([
        "--policy",
        &policy,
        "--images",
        &images,
        "--now",
        "2026-12-01T00:00:00Z",
        "--inventory",
    ])
    .arg(&inventory);
    let (code, out, err) = output(c);
    assert_eq!(code, 0, "{err}");
    let expiring: Vec<&str> = out["previewResults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["imageDigest"].as_str().unwrap())
        .collect();
    assert_eq!(
        expiring,
        [digest('d')],
        "the in-use image and its cosign signature stay"
    );
    assert_eq!(out["inventoryComplete"], false);
    let hits = out["inUse"][0]["images"].as_array().unwrap();
    let hit = |d: &str| {
        hits.iter()
            .find(|h| h["imageDigest"] == d)
            .unwrap_or_else(|| panic!("{d}: {hits:?}"))
    };
    assert_eq!(hit(&digest('a'))["uses"][0]["name"], "shop/Pod/api-7c9f8d6b5-x2x7q");
    assert_eq!(hit(&digest('9'))["uses"][0]["kind"], "referrer");
}

#[test]
fn discover_then_report_against_the_emulator() {
    let emulator = support::emulator();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let repo = support::unique("inventory-program");
    let (uri, digest) = rt.block_on(async {
        let client = emulator.client().await;
        let uri = client
            .create_repository(&repo, &ecr_core::types::RepositorySettings::recommended())
            .await
            .unwrap()
            .repository_uri;
        let body = r#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":7,"digest":"sha256:0000000000000000000000000000000000000000000000000000000000000007"},"layers":[]}"#;
        let digest = format!("sha256:{}", hex::encode(sha2::Sha256::digest(body.as_bytes())));
        client.put_image(&repo, body, None, Some("v1"), Some(&digest)).await.unwrap();
        client
            .put_lifecycle_policy(
                &repo,
                r#"{"rules":[{"rulePriority":1,"description":"expire everything older than a day","selection":{"tagStatus":"any","countType":"sinceImagePushed","countUnit":"days","countNumber":1},"action":{"type":"expire"}}]}"#,
            )
            .await
            .unwrap();
        (uri, digest)
    });
    let dir = tempfile::tempdir().unwrap();
    let uris = dir.path().join("uris.json");
    std::fs::write(&uris, json!([format!("{uri}:v1")]).to_string()).unwrap();
    let inventory = dir.path().join("inventory.json");
    let mut c = emulator.command(BIN);
    c.args([
        "discover",
        "--service",
        "ecs",
        "--service",
        "lambda",
        "--no-referrers-api",
        // Moto has no ListServiceDeployments.
        "--no-service-deployments",
        "--uris",
    ])
    .arg(&uris)
    .arg("--output")
    .arg(&inventory);
    let (code, _, err) = output(c);
    assert_eq!(code, 0, "complete: {err}");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&inventory).unwrap()).unwrap();
    let entry = doc["images"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["digest"] == digest.as_str());
    assert!(entry.is_some(), "the tag resolved to its digest: {doc}");

    // The repository's own preview with the inventory: nothing expires, the image in use is reported.
    let mut c = emulator.command(env!("CARGO_BIN_EXE_lifecycle_preview"));
    c.args(["--repository", &repo, "--now", "2099-01-01T00:00:00Z", "--inventory"])
        .arg(&inventory);
    let (code, out, err) = output(c);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out["previewResults"], json!([]));
    assert_eq!(out["inUse"][0]["images"][0]["imageDigest"], digest.as_str());
    assert_eq!(out["inventoryComplete"], true);

    // Long after the push the policy would expire the image in use: the report says so and exits 1.
    let mut c = emulator.command(BIN);
    c.args(["report", "--now", "2099-01-01T00:00:00Z", "--inventory"])
        .arg(&inventory);
    let (code, out, err) = output(c);
    assert_eq!(code, 1, "{err}");
    let row = out["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["repository"] == repo.as_str())
        .unwrap();
    assert_eq!(row["inUseHits"], 1);
    assert_eq!(row["rules"][0]["images"][0]["imageDigest"], digest.as_str());
    assert_eq!(row["rules"][0]["images"][0]["uses"][0]["kind"], "file");
}
