//! The scan gate's live path against the emulator (moto's server).
//!
//! Moto's `moto-api/static/ecr/scan-finding-results` endpoint queues exact DescribeImageScanFindings responses
//! per image. Moto gaps worked around here, each named where it matters:
//! - a queued result sticks to the first request that takes it (same repository + imageId), so a later poll
//!   cannot see a new status; to test IN_PROGRESS → COMPLETE the progress callback (which runs between polls)
//!   deletes and re-pushes the image and queues the next result;
//! - no pagination and no enhanced scanning configuration per repository: those paths are tested with
//!   replayed responses (`ecr-core/src/scan/tests.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ecr_core::EcrClient;
use ecr_core::scan::{GateOptions, ScanPolicy, ScanType, WaitOptions};
use ecr_core::types::{ImageId, RepositorySettings, TagMutability};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const MANIFEST_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
const INDEX_TYPE: &str = "application/vnd.oci.image.index.v1+json";

/// Queues exact DescribeImageScanFindings responses in moto.
fn queue_results(results: Vec<Value>) {
    let em = support::emulator();
    let host = em
        .endpoint()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let body = json!({"results": results, "region": em.region()}).to_string();
    let mut s = TcpStream::connect(&host).unwrap();
    write!(
        s,
        "POST /moto-api/static/ecr/scan-finding-results HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    assert!(
        reply.starts_with("HTTP/1.1 201") || reply.starts_with("HTTP/1.0 201"),
        "{reply}"
    );
}

/// A raw SDK client for what ecr-core does not expose (deleting images).
fn sdk_client() -> aws_sdk_ecr::Client {
    let em = support::emulator();
    let conf = aws_sdk_ecr::Config::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(em.region().to_owned()))
        .endpoint_url(em.endpoint())
        .credentials_provider(aws_credential_types::Credentials::new(
            em.var("AWS_ACCESS_KEY_ID"),
            em.var("AWS_SECRET_ACCESS_KEY"),
            Some(em.var("AWS_SESSION_TOKEN").to_owned()),
            None,
            "emulator",
        ))
        .build();
    aws_sdk_ecr::Client::from_conf(conf)
}

fn manifest(seed: &str) -> (String, String) {
    let m = json!({"schemaVersion": 2, "mediaType": MANIFEST_TYPE,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 2,
                   "digest": format!("sha256:{}", hex::encode(Sha256::digest(seed.as_bytes())))},
        "layers": []})
    .to_string();
    let digest = format!("sha256:{}", hex::encode(Sha256::digest(m.as_bytes())));
    (m, digest)
}

async fn repo_with_image(client: &EcrClient, prefix: &str) -> (String, String, String) {
    let repo = support::unique(prefix);
    let settings = RepositorySettings {
        tag_mutability: TagMutability::Mutable,
        ..RepositorySettings::recommended()
    };
    client.create_repository(&repo, &settings).await.unwrap();
    let (m, digest) = manifest(&repo);
    client
        .put_image(&repo, &m, Some(MANIFEST_TYPE), Some("v1"), Some(&digest))
        .await
        .unwrap();
    (repo, digest, m)
}

fn response(repo: &str, digest: &str, status: &str, findings: Value) -> Value {
    json!({"registryId": "123456789012", "repositoryName": repo, "imageId": {"imageDigest": digest},
        "imageScanStatus": {"status": status, "description": format!("{status} (emulated)")},
        "imageScanFindings": findings})
}

fn fixture_findings(name: &str) -> Value {
    support::fixture_json(&format!("scan/{name}"))["imageScanFindings"].clone()
}

fn quick(scan_type: Option<ScanType>) -> GateOptions {
    GateOptions {
        wait: WaitOptions {
            timeout: Duration::from_secs(20),
            poll_interval: Duration::from_millis(100),
            max_poll_interval: Duration::from_millis(400),
            ..WaitOptions::default()
        },
        platforms: Vec::new(),
        scan_type,
    }
}

fn policy(v: Value) -> ScanPolicy {
    ScanPolicy::from_value(&v).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_progress_then_complete_through_the_live_path() {
    let client = support::emulator().client().await;
    let (repo, digest, m) = repo_with_image(&client, "scan-progress").await;
    client.start_image_scan(&repo, &ImageId::digest(&digest)).await.unwrap();
    queue_results(vec![response(&repo, &digest, "IN_PROGRESS", json!({}))]);

    let statuses = Arc::new(Mutex::new(Vec::new()));
    let switched = Arc::new(AtomicBool::new(false));
    let mut opts = quick(None);
    {
        let (statuses, switched, repo, digest, client) = (
            statuses.clone(),
            switched.clone(),
            repo.clone(),
            digest.clone(),
            client.clone(),
        );
        opts.wait = opts.wait.on_progress(move |p| {
            statuses.lock().unwrap().push(p.status.clone());
            if p.status == "IN_PROGRESS" && !switched.swap(true, Ordering::SeqCst) {
                // Moto gap: the IN_PROGRESS result sticks to this image; re-push it so the next poll reads
                // the queued COMPLETE result. Runs between polls, so the waiter never sees the gap.
                let (repo, digest, m, client) = (repo.clone(), digest.clone(), m.clone(), client.clone());
                tokio::task::block_in_place(|| {
                    tokio::runtime::Handle::current().block_on(async move {
                        sdk_client()
                            .batch_delete_image()
                            .repository_name(&repo)
                            .image_ids(
                                aws_sdk_ecr::types::ImageIdentifier::builder()
                                    .image_digest(&digest)
                                    .build(),
                            )
                            .send()
                            .await
                            .unwrap();
                        queue_results(vec![response(
                            &repo,
                            &digest,
                            "COMPLETE",
                            fixture_findings("basic_page.json"),
                        )]);
                        client
                            .put_image(&repo, &m, Some(MANIFEST_TYPE), Some("v1"), Some(&digest))
                            .await
                            .unwrap();
                        client.start_image_scan(&repo, &ImageId::digest(&digest)).await.unwrap();
                    })
                });
            }
        });
    }
    let d = client
        .gate_image(
            &repo,
            &ImageId::tag("v1"),
            &policy(json!({"failOn": {"CRITICAL": 0}})),
            &opts,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    assert_eq!(*statuses.lock().unwrap(), ["IN_PROGRESS", "COMPLETE"]);
    assert!(!d.passed);
    assert_eq!(d.images[0].digest.as_deref(), Some(digest.as_str()));
    assert_eq!(d.images[0].status.as_ref().unwrap().as_str(), "COMPLETE");
    assert_eq!(d.reasons[0].finding_ids, ["CVE-2023-45871"]);
    assert_eq!(d.findings.len(), 2);
}

#[tokio::test]
async fn active_enhanced_findings_after_stable_polls() {
    let client = support::emulator().client().await;
    let (repo, digest, _) = repo_with_image(&client, "scan-active").await;
    client.start_image_scan(&repo, &ImageId::digest(&digest)).await.unwrap();
    queue_results(vec![response(
        &repo,
        &digest,
        "ACTIVE",
        fixture_findings("enhanced_page.json"),
    )]);
    let polls = Arc::new(Mutex::new(0u32));
    let mut opts = quick(Some(ScanType::Enhanced));
    let p2 = polls.clone();
    opts.wait = opts.wait.on_progress(move |p| *p2.lock().unwrap() = p.polls);
    let pol = policy(json!({"failOn": {"CRITICAL": 0}, "ignore": [{"id": "CVE-2024-0001", "reason": "accepted"}]}));
    let d = client
        .gate_image(&repo, &ImageId::digest(&digest), &pol, &opts, chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(*polls.lock().unwrap(), 2, "enhanced: done after two identical polls");
    assert!(d.passed, "{:?}", d.reasons);
    assert_eq!(d.images[0].scan_type, Some(ScanType::Enhanced));
    assert_eq!(d.findings.len(), 6);
    assert_eq!(d.counted_findings().count(), 3);
}

#[tokio::test]
async fn failed_scan_fails_the_gate() {
    let client = support::emulator().client().await;
    let (repo, digest, _) = repo_with_image(&client, "scan-failed").await;
    client.start_image_scan(&repo, &ImageId::digest(&digest)).await.unwrap();
    queue_results(vec![response(&repo, &digest, "FAILED", json!({}))]);
    let d = client
        .gate_image(
            &repo,
            &ImageId::tag("v1"),
            &policy(json!({})),
            &quick(None),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    assert!(!d.passed);
    assert_eq!(d.reasons[0].code, "scanError");
    assert!(d.reasons[0].message.contains("FAILED"));
    let lenient = policy(json!({"onScanError": "warn"}));
    let d = client
        .gate_image(&repo, &ImageId::tag("v1"), &lenient, &quick(None), chrono::Utc::now())
        .await
        .unwrap();
    assert!(d.passed);
}

#[tokio::test]
async fn scan_not_found_starts_a_basic_scan_and_limit_exceeded_is_typed() {
    let client = support::emulator().client().await;
    let (repo, digest, _) = repo_with_image(&client, "scan-start").await;
    // No scan yet: moto answers ScanNotFoundException until one is started.
    let e = client
        .describe_scan_findings(&repo, &ImageId::digest(&digest), None)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "ScanNotFound");
    queue_results(vec![response(
        &repo,
        &digest,
        "COMPLETE",
        fixture_findings("basic_page.json"),
    )]);
    let mut opts = quick(Some(ScanType::Basic));
    opts.wait.start_basic_scan = true;
    let d = client
        .gate_image(
            &repo,
            &ImageId::tag("v1"),
            &policy(json!({"minScore": 9.0})),
            &opts,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    assert!(!d.passed);
    assert_eq!(d.reasons[0].code, "minScore");
    // A second scan the same day: LimitExceededException, which the waiter reads as "a scan exists".
    let e = client
        .start_image_scan(&repo, &ImageId::digest(&digest))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "LimitExceeded");
}

#[tokio::test]
async fn index_children_are_gated_per_platform() {
    let client = support::emulator().client().await;
    let repo = support::unique("scan-index");
    client
        .create_repository(&repo, &RepositorySettings::recommended())
        .await
        .unwrap();
    let (amd_m, amd) = manifest(&format!("{repo}-amd64"));
    let (arm_m, arm) = manifest(&format!("{repo}-arm64"));
    client
        .put_image(&repo, &amd_m, Some(MANIFEST_TYPE), None, Some(&amd))
        .await
        .unwrap();
    client
        .put_image(&repo, &arm_m, Some(MANIFEST_TYPE), None, Some(&arm))
        .await
        .unwrap();
    let index = json!({"schemaVersion": 2, "mediaType": INDEX_TYPE, "manifests": [
        {"mediaType": MANIFEST_TYPE, "digest": amd, "size": amd_m.len(), "platform": {"os": "linux", "architecture": "amd64"}},
        {"mediaType": MANIFEST_TYPE, "digest": arm, "size": arm_m.len(), "platform": {"os": "linux", "architecture": "arm64"}}]})
    .to_string();
    let index_digest = format!("sha256:{}", hex::encode(Sha256::digest(index.as_bytes())));
    client
        .put_image(&repo, &index, Some(INDEX_TYPE), Some("multi"), Some(&index_digest))
        .await
        .unwrap();
    for d in [&amd, &arm] {
        client.start_image_scan(&repo, &ImageId::digest(d)).await.unwrap();
    }
    queue_results(vec![
        response(&repo, &amd, "COMPLETE", fixture_findings("basic_page.json")),
        response(
            &repo,
            &arm,
            "COMPLETE",
            json!({"findings": [], "findingSeverityCounts": {}}),
        ),
    ]);
    let resolved = client.resolve_image(&repo, &ImageId::tag("multi")).await.unwrap();
    assert!(resolved.is_index());
    assert_eq!(resolved.children.len(), 2);
    let pol = policy(json!({"failOn": {"CRITICAL": 0}}));
    let d = client
        .gate_image(
            &repo,
            &ImageId::tag("multi"),
            &pol,
            &quick(Some(ScanType::Basic)),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    assert!(!d.passed);
    let per: Vec<(Option<&str>, bool)> = d.images.iter().map(|i| (i.platform.as_deref(), i.passed)).collect();
    assert_eq!(per, [(Some("linux/amd64"), false), (Some("linux/arm64"), true)]);
    assert_eq!(d.reasons[0].platform.as_deref(), Some("linux/amd64"));
}
