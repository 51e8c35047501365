//! The programs under faults, end to end: `scan_gate` in live mode through the fault-injecting proxy (moto
//! has no pagination, so the proxy cuts the findings in two pages and faults page 2) and the credential
//! helper against a stopped emulator. The programs use the library's default retry settings (3 attempts).
//!
//! Asserted: a gate that could not read page 2 exits 2 (error) with the reason on stderr and prints no
//! decision, never 0; after a transient fault on page 2 it sees the CRITICAL finding there and exits 1; the
//! helper fails with the protocol's exit code 1 and a typed reason, promptly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../ecr-core/tests/support/fault_proxy.rs"]
mod fault_proxy;
#[path = "../../ecr-core/tests/support/mod.rs"]
mod support;

use std::collections::VecDeque;
use std::io::{Read as _, Write as _};
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ecr_core::types::{ImageId, RepositorySettings};
use fault_proxy::{Fault, FaultProxy};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

const SCAN_GATE: &str = env!("CARGO_BIN_EXE_scan_gate");
const HELPER: &str = env!("CARGO_BIN_EXE_docker-credential-ecr-core");
const MANIFEST_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";

/// A scanned image whose findings are one LOW and one CRITICAL (queued in moto's scan-results API).
async fn scanned_image() -> String {
    let em = support::emulator();
    let client = em.client().await;
    let repo = support::unique("faults-program");
    client
        .create_repository(&repo, &RepositorySettings::recommended())
        .await
        .unwrap();
    let manifest = json!({"schemaVersion": 2, "mediaType": MANIFEST_TYPE,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 2,
                   "digest": format!("sha256:{}", hex::encode(Sha256::digest(repo.as_bytes())))},
        "layers": []})
    .to_string();
    let digest = format!("sha256:{}", hex::encode(Sha256::digest(manifest.as_bytes())));
    client
        .put_image(&repo, &manifest, Some(MANIFEST_TYPE), Some("v1"), Some(&digest))
        .await
        .unwrap();
    client.start_image_scan(&repo, &ImageId::digest(&digest)).await.unwrap();
    let finding =
        |name: &str, severity: &str| json!({"name": name, "severity": severity, "uri": "https://cve.example/"});
    let result = json!({"registryId": "123456789012", "repositoryName": repo, "imageId": {"imageDigest": digest},
        "imageScanStatus": {"status": "COMPLETE", "description": "complete (emulated)"},
        "imageScanFindings": {"findingSeverityCounts": {"LOW": 1, "CRITICAL": 1},
            "findings": [finding("CVE-2024-0001", "LOW"), finding("CVE-2024-9999", "CRITICAL")]}});
    let host = em
        .endpoint()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let body = json!({"results": [result], "region": em.region()}).to_string();
    let mut s = std::net::TcpStream::connect(&host).unwrap();
    write!(
        s,
        "POST /moto-api/static/ecr/scan-finding-results HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    assert!(reply.contains(" 201 "), "{reply}");
    repo
}

/// Page 1 = the LOW finding + a nextToken; page 2 (after `page_two` faults) = the CRITICAL one.
fn paginate_findings(proxy: &FaultProxy, page_two: Vec<Fault>) {
    const TOKEN: &str = "fault-programs-page-2";
    let faults = Arc::new(Mutex::new(VecDeque::from(page_two)));
    proxy.rule(move |seen| {
        if seen.operation != "DescribeImageScanFindings" {
            return None;
        }
        if !seen.body.contains(TOKEN) {
            return Some(Fault::response(|mut v: Value| {
                v["imageScanFindings"]["findings"].as_array_mut().unwrap().truncate(1);
                v["nextToken"] = json!(TOKEN);
                v
            }));
        }
        Some(faults.lock().unwrap().pop_front().unwrap_or_else(|| Fault::Rewrite {
            request: Some(Arc::new(|mut v: Value| {
                v.as_object_mut().unwrap().remove("nextToken");
                v
            })),
            response: Some(Arc::new(|mut v: Value| {
                v["imageScanFindings"]["findings"].as_array_mut().unwrap().remove(0);
                v
            })),
        }))
    });
}

async fn gate_through(proxy: &FaultProxy, repo: &str) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("policy.json");
    std::fs::write(&policy, r#"{"failOn": {"CRITICAL": 0}}"#).unwrap();
    let mut cmd = support::emulator().command(SCAN_GATE);
    cmd.env("AWS_ENDPOINT_URL", &proxy.url).args([
        "--policy",
        policy.to_str().unwrap(),
        "--repository",
        repo,
        "--tag",
        "v1",
        "--scan-type",
        "basic",
        "--timeout",
        "20",
        "--poll-interval",
        "0.1",
    ]);
    tokio::process::Command::from(cmd).output().await.unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scan_gate_program_never_passes_without_page_two() {
    let repo = scanned_image().await;
    let proxy = FaultProxy::start(support::emulator().endpoint()).await;
    paginate_findings(&proxy, vec![Fault::Throttle; 10]);
    let o = gate_through(&proxy, &repo).await;
    assert_eq!(
        o.status.code(),
        Some(2),
        "stdout {} stderr {}",
        text(&o.stdout),
        text(&o.stderr)
    );
    assert!(o.stdout.is_empty(), "no decision printed: {}", text(&o.stdout));
    assert!(text(&o.stderr).contains("throttled"), "{}", text(&o.stderr));
    assert_eq!(
        proxy.attempts("DescribeImageScanFindings"),
        1 + 3,
        "page 1, then 3 attempts at page 2"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scan_gate_program_sees_page_two_after_a_transient_fault() {
    let repo = scanned_image().await;
    let proxy = FaultProxy::start(support::emulator().endpoint()).await;
    paginate_findings(&proxy, vec![Fault::Status(503)]);
    let o = gate_through(&proxy, &repo).await;
    assert_eq!(
        o.status.code(),
        Some(1),
        "stdout {} stderr {}",
        text(&o.stdout),
        text(&o.stderr)
    );
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["passed"], false);
    assert_eq!(r["reasons"][0]["findingIds"], json!(["CVE-2024-9999"]));
    assert_eq!(proxy.attempts("DescribeImageScanFindings"), 1 + 2);
}

#[test]
fn credential_helper_against_a_stopped_emulator_fails_promptly_with_a_typed_reason() {
    let closed = fault_proxy::closed_port_url();
    let mut cmd = support::emulator().command(HELPER);
    let started = Instant::now();
    let mut child = cmd
        .arg("get")
        .env("AWS_ENDPOINT_URL", &closed)
        .env("ECR_CORE_DISABLE_CACHE", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"123456789012.dkr.ecr.us-east-1.amazonaws.com")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("[Transport]"), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("connection"), "{}", text(&o.stderr));
    assert!(started.elapsed() < Duration::from_secs(15), "{:?}", started.elapsed());
}
