//! The fault matrix: every capability that talks to ECR (auth, tagging checks, push verification, scan
//! gating, lifecycle preview, the deletion executor) driven through a fault-injecting loopback proxy in
//! front of the emulator (moto's server), so that the REAL AWS SDK retry and timeout path runs: clients are
//! built with the proxy as endpoint, 3 attempts, a 200 ms attempt timeout and a 10 ms backoff base.
//!
//! Expected in every cell: a bounded number of attempts (counted by the proxy) then success, or a typed
//! error with its code and a clear message; never a PASS from a gate that did not see all findings; the
//! executor reports exactly which digests were deleted and which were not.
//!
//! Moto gaps worked around here, each named where it matters:
//! - no pagination: the proxy makes pages itself (page 1 = part of moto's answer plus a `nextToken`; page 2
//!   = the request forwarded without the token, the rest of moto's answer), so faults can hit page 2;
//! - GetAuthorizationToken answers `expiresAt` = 2015-01-01: tokens are judged with a ManualClock before it;
//! - moto never checks signatures or credential expiry: the proxy plays AWS's `ExpiredTokenException` for
//!   the access key that has expired.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/fault_proxy.rs"]
mod fault_proxy;
mod support;

use std::collections::{BTreeSet, VecDeque};
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::TimeZone as _;
use ecr_core::auth::{Authenticator, ManualClock};
use ecr_core::lifecycle::{ExpireOptions, LifecyclePreviewOptions};
use ecr_core::scan::{GateOptions, ScanPolicy, ScanType, WaitOptions};
use ecr_core::types::{ImageId, RepositorySettings, TagMutability};
use ecr_core::{EcrClient, Error};
use fault_proxy::{Fault, FaultProxy, Seen, closed_port_url};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

const ATTEMPTS: usize = 3;
/// Generous enough for moto on a loaded 2-core machine (its first answers can take a few hundred ms).
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(1);
/// Longer than the attempt timeout.
const SLOW: Duration = Duration::from_millis(1600);
const MANIFEST_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
const MOTO_PASSWORD: &str = "123456789012-auth-token";

/// A client through `url` with the matrix's small limits.
async fn client_via(url: &str) -> EcrClient {
    support::emulator()
        .client_builder()
        .endpoint_url(url)
        .max_attempts(ATTEMPTS as u32)
        .attempt_timeout(Some(ATTEMPT_TIMEOUT))
        .operation_timeout(Duration::from_secs(5))
        .connect_timeout(ATTEMPT_TIMEOUT)
        .initial_backoff(Duration::from_millis(10))
        .build()
        .await
        .unwrap()
}

/// A proxy in front of the emulator and a client through it.
async fn proxied() -> (FaultProxy, EcrClient) {
    let proxy = FaultProxy::start(support::emulator().endpoint()).await;
    let client = client_via(&proxy.url).await;
    (proxy, client)
}

fn throttles(n: usize) -> Vec<Fault> {
    vec![Fault::Throttle; n]
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

/// A repository (created directly on the emulator) with `tags.len()` images, one tag each; their digests.
async fn repo_with_images(prefix: &str, tags: &[&str]) -> (String, Vec<String>) {
    let client = support::emulator().client().await;
    let repo = support::unique(prefix);
    let settings = RepositorySettings {
        tag_mutability: TagMutability::Mutable,
        ..RepositorySettings::recommended()
    };
    client.create_repository(&repo, &settings).await.unwrap();
    let mut digests = Vec::new();
    for tag in tags {
        let (m, d) = manifest(&format!("{repo}/{tag}"));
        client
            .put_image(&repo, &m, Some(MANIFEST_TYPE), Some(tag), Some(&d))
            .await
            .unwrap();
        digests.push(d);
    }
    (repo, digests)
}

/// Makes the proxy serve `operation` in two pages (moto has no pagination): page 1 is moto's answer cut by
/// `cut(answer, 1)` plus a `nextToken`; the page-2 request goes to moto without the token and its answer is
/// cut by `cut(answer, 2)`. `page_two` faults hit the page-2 requests first.
fn paginate(proxy: &FaultProxy, operation: &'static str, cut: fn(&mut Value, u8), page_two: Vec<Fault>) {
    const TOKEN: &str = "fault-matrix-page-2";
    let faults = Arc::new(Mutex::new(VecDeque::from(page_two)));
    proxy.rule(move |seen: &Seen| {
        if seen.operation != operation {
            return None;
        }
        if !seen.body.contains(TOKEN) {
            return Some(Fault::response(move |mut v| {
                cut(&mut v, 1);
                v["nextToken"] = json!(TOKEN);
                v
            }));
        }
        Some(faults.lock().unwrap().pop_front().unwrap_or_else(|| Fault::Rewrite {
            request: Some(Arc::new(|mut v: Value| {
                v.as_object_mut().unwrap().remove("nextToken");
                v
            })),
            response: Some(Arc::new(move |mut v: Value| {
                cut(&mut v, 2);
                v
            })),
        }))
    });
}

/// DescribeImages pages: page 1 = the first image, page 2 = the others.
fn cut_images(v: &mut Value, page: u8) {
    let list = v["imageDetails"].as_array_mut().unwrap();
    if page == 1 {
        list.truncate(1);
    } else {
        list.remove(0);
    }
}

fn expect_err<T: std::fmt::Debug>(r: ecr_core::Result<T>, code: &str) -> Error {
    let err = r.expect_err("a fault must not produce a result");
    assert_eq!(err.code(), code, "{err} / {err:?}");
    err
}

// ------------------------------------------------------------------------------------------------
// auth: GetAuthorizationToken (and the AWS credentials behind it)
// ------------------------------------------------------------------------------------------------

/// Moto's token expires 2015-01-01: judge it the day before.
fn authenticator(client: EcrClient) -> Authenticator {
    let clock = ManualClock::new(chrono::Utc.with_ymd_and_hms(2014, 12, 31, 12, 0, 0).unwrap());
    Authenticator::builder(client).clock(clock).build()
}

#[tokio::test]
async fn auth_throttled_twice_then_token_on_the_third_attempt() {
    let (proxy, client) = proxied().await;
    proxy.on("GetAuthorizationToken", throttles(2));
    let creds = authenticator(client).credentials_for_region(None).await.unwrap();
    assert_eq!(creds.password.expose(), MOTO_PASSWORD);
    assert_eq!(proxy.attempts("GetAuthorizationToken"), 3);
}

#[tokio::test]
async fn auth_throttled_in_adaptive_mode_is_bounded_by_the_operation_timeout() {
    // Adaptive mode's client-side rate limiter holds a retry back after a throttle, on a fresh client for
    // many seconds (measured: about 14 s per retry, 30 s for this cell with the default 60 s operation
    // timeout). The operation timeout bounds it: a typed Timeout naming the 2 s limit, or the token.
    let proxy = FaultProxy::start(support::emulator().endpoint()).await;
    let client = support::emulator()
        .client_builder()
        .endpoint_url(&proxy.url)
        .retry_mode(ecr_core::RetryMode::Adaptive)
        .max_attempts(ATTEMPTS as u32)
        .attempt_timeout(Some(ATTEMPT_TIMEOUT))
        .operation_timeout(Duration::from_secs(2))
        .initial_backoff(Duration::from_millis(10))
        .build()
        .await
        .unwrap();
    proxy.on("GetAuthorizationToken", throttles(2));
    let started = std::time::Instant::now();
    let r = authenticator(client).credentials_for_region(None).await;
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    match r {
        Ok(creds) => {
            assert_eq!(creds.password.expose(), MOTO_PASSWORD);
            assert_eq!(proxy.attempts("GetAuthorizationToken"), 3);
        }
        Err(err) => {
            assert!(
                matches!(&err, Error::Timeout { after, .. } if *after == Duration::from_secs(2)),
                "{err:?}"
            );
            assert!(err.to_string().contains("operation timeout"), "{err}");
            assert!(proxy.attempts("GetAuthorizationToken") < 3);
        }
    }
}

#[tokio::test]
async fn auth_throttled_beyond_max_attempts_is_throttled_with_advice() {
    let (proxy, client) = proxied().await;
    proxy.on("GetAuthorizationToken", throttles(10));
    let err = expect_err(authenticator(client).credentials_for_region(None).await, "Throttled");
    assert_eq!(proxy.attempts("GetAuthorizationToken"), ATTEMPTS);
    let text = err.to_string();
    assert!(text.contains("Rate exceeded") && text.contains("disk cache"), "{text}");
    assert_eq!(err.request_id(), Some("fault-proxy-request"));
}

#[tokio::test]
async fn auth_500_then_503_then_token() {
    let (proxy, client) = proxied().await;
    proxy.on(
        "GetAuthorizationToken",
        [
            Fault::Status(500),
            Fault::Error {
                status: 503,
                code: "ServiceUnavailableException",
            },
        ],
    );
    let creds = authenticator(client).credentials_for_region(None).await.unwrap();
    assert_eq!(creds.username, "AWS");
    assert_eq!(proxy.attempts("GetAuthorizationToken"), 3);
}

#[tokio::test]
async fn auth_503_every_time_is_a_service_error_naming_the_code() {
    let (proxy, client) = proxied().await;
    proxy.on(
        "GetAuthorizationToken",
        vec![
            Fault::Error {
                status: 503,
                code: "ServiceUnavailableException",
            };
            10
        ],
    );
    let err = expect_err(authenticator(client).credentials_for_region(None).await, "ServiceError");
    assert!(
        matches!(&err, Error::Service { aws_code, .. } if aws_code == "ServiceUnavailableException"),
        "{err:?}"
    );
    assert_eq!(proxy.attempts("GetAuthorizationToken"), ATTEMPTS);
}

#[tokio::test]
async fn auth_plain_500_every_time_names_the_http_status() {
    let (proxy, client) = proxied().await;
    proxy.on("GetAuthorizationToken", vec![Fault::Status(500); 10]);
    let err = authenticator(client).credentials_for_region(None).await.unwrap_err();
    assert_eq!(proxy.attempts("GetAuthorizationToken"), ATTEMPTS);
    // A load balancer's page carries no AWS error code: the message must still say what happened.
    assert!(err.to_string().contains("500"), "{err} / {err:?}");
}

#[tokio::test]
async fn auth_slower_than_the_attempt_timeout_once_then_token() {
    let (proxy, client) = proxied().await;
    proxy.on("GetAuthorizationToken", [Fault::Delay(SLOW)]);
    let creds = authenticator(client).credentials_for_region(None).await.unwrap();
    assert_eq!(creds.password.expose(), MOTO_PASSWORD);
    assert_eq!(proxy.attempts("GetAuthorizationToken"), 2);
}

#[tokio::test]
async fn auth_always_slow_is_a_timeout_after_bounded_attempts() {
    let (proxy, client) = proxied().await;
    proxy.on("GetAuthorizationToken", vec![Fault::Delay(SLOW); 10]);
    let started = std::time::Instant::now();
    let err = expect_err(authenticator(client).credentials_for_region(None).await, "Timeout");
    assert_eq!(proxy.attempts("GetAuthorizationToken"), ATTEMPTS);
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert!(
        matches!(&err, Error::Timeout { after, .. } if *after == ATTEMPT_TIMEOUT),
        "names the limit: {err}"
    );
    assert!(err.to_string().contains("attempt timeout"), "{err}");
}

#[tokio::test]
async fn auth_connection_reset_mid_response_then_token() {
    let (proxy, client) = proxied().await;
    proxy.on("GetAuthorizationToken", [Fault::Reset]);
    let creds = authenticator(client).credentials_for_region(None).await.unwrap();
    assert_eq!(creds.password.expose(), MOTO_PASSWORD);
    assert_eq!(proxy.attempts("GetAuthorizationToken"), 2);
}

#[tokio::test]
async fn auth_malformed_json_every_time_is_a_transport_error() {
    let (proxy, client) = proxied().await;
    proxy.on("GetAuthorizationToken", vec![Fault::Malformed; 10]);
    let err = expect_err(authenticator(client).credentials_for_region(None).await, "Transport");
    // The SDK does not retry a 200 whose body it cannot read (an answer arrived; retrying a write could
    // repeat it): one attempt, then the typed error naming the HTTP status.
    assert_eq!(proxy.attempts("GetAuthorizationToken"), 1);
    assert!(
        err.to_string()
            .contains("invalid or truncated response from AWS (HTTP 200)"),
        "{err}"
    );
}

#[tokio::test]
async fn auth_against_a_stopped_emulator_is_a_quick_transport_error() {
    let client = client_via(&closed_port_url()).await;
    let started = std::time::Instant::now();
    let err = expect_err(authenticator(client).credentials_for_region(None).await, "Transport");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    assert!(err.to_string().contains("connection"), "{err}");
}

#[tokio::test]
async fn auth_with_expired_aws_credentials_is_invalid_credentials_without_retries() {
    let (proxy, client) = proxied().await;
    proxy.rule(|_| {
        Some(Fault::Error {
            status: 400,
            code: "ExpiredTokenException",
        })
    });
    let err = expect_err(
        authenticator(client).credentials_for_region(None).await,
        "InvalidCredentials",
    );
    assert_eq!(proxy.attempts("GetAuthorizationToken"), 1, "not retried");
    assert!(err.to_string().contains("refresh the AWS session"), "{err}");
}

/// A refresh that fails when the old token is still valid keeps serving it; once the token is past its
/// refresh point and the service is down, the error surfaces (never an expired token).
#[tokio::test]
async fn auth_cache_never_serves_a_token_past_its_expiry_when_refresh_fails() {
    let (proxy, client) = proxied().await;
    let clock = ManualClock::new(chrono::Utc.with_ymd_and_hms(2014, 12, 31, 12, 0, 0).unwrap());
    let auth = Authenticator::builder(client).clock(clock.clone()).build();
    auth.credentials_for_region(None).await.unwrap();
    proxy.on("GetAuthorizationToken", throttles(10));
    // 11.5 h into the 12 h token: refresh due, refresh throttled, token still valid for 30 min → served.
    clock.advance(Duration::from_secs(11 * 3600 + 1800));
    let kept = auth.credentials_for_region(None).await.unwrap();
    assert_eq!(kept.password.expose(), MOTO_PASSWORD);
    assert_eq!(proxy.attempts("GetAuthorizationToken"), 1 + ATTEMPTS);
    // 30 s before expiry (less than the 60 s minimum): the throttling error, not the token.
    clock.advance(Duration::from_secs(1800 - 30));
    expect_err(auth.credentials_for_region(None).await, "Throttled");
    assert_eq!(proxy.attempts("GetAuthorizationToken"), 1 + 2 * ATTEMPTS);
}

// ------------------------------------------------------------------------------------------------
// tagging checks: DescribeRepositories + DescribeImages (all pages)
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn tagging_state_survives_throttling_and_a_reset() {
    let (repo, digests) = repo_with_images("faults-tag", &["v1", "v2", "v3"]).await;
    let (proxy, client) = proxied().await;
    proxy.on("DescribeRepositories", [Fault::Reset]);
    proxy.on("DescribeImages", throttles(2));
    let state = client.repository_tag_state(&repo).await.unwrap();
    let got: BTreeSet<String> = state.images.unwrap().into_iter().map(|i| i.image_digest).collect();
    assert_eq!(got, digests.into_iter().collect());
    assert_eq!(proxy.attempts("DescribeRepositories"), 2);
    assert_eq!(proxy.attempts("DescribeImages"), 3);
}

#[tokio::test]
async fn tagging_state_reads_page_two_after_a_transient_fault_on_it() {
    let (repo, digests) = repo_with_images("faults-tagpg", &["a", "b", "c"]).await;
    let (proxy, client) = proxied().await;
    paginate(&proxy, "DescribeImages", cut_images, vec![Fault::Status(500)]);
    let state = client.repository_tag_state(&repo).await.unwrap();
    let got: Vec<String> = state.images.unwrap().into_iter().map(|i| i.image_digest).collect();
    assert_eq!(got.len(), 3, "no image lost or duplicated: {got:?}");
    assert_eq!(got.into_iter().collect::<BTreeSet<_>>(), digests.into_iter().collect());
    assert_eq!(proxy.attempts("DescribeImages"), 3, "page 1, page 2 failed, page 2");
}

#[tokio::test]
async fn tagging_check_fails_when_page_two_never_arrives() {
    let (repo, _) = repo_with_images("faults-tagpg2", &["a", "b"]).await;
    let (proxy, client) = proxied().await;
    paginate(&proxy, "DescribeImages", cut_images, vec![Fault::Malformed; 10]);
    // Never a state built from page 1 alone (a tag on page 2 could be overwritten).
    let err = expect_err(client.repository_tag_state(&repo).await, "Transport");
    assert!(err.to_string().contains("truncated"), "{err}");
    assert_eq!(
        proxy.attempts("DescribeImages"),
        2,
        "page 1, then page 2 once (a 200 is not retried)"
    );
}

// ------------------------------------------------------------------------------------------------
// push verification: BatchGetImage
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn verify_partial_failures_name_each_tag_after_a_throttled_attempt() {
    let (repo, digests) = repo_with_images("faults-verify", &["v1"]).await;
    let (proxy, client) = proxied().await;
    proxy.on("BatchGetImage", throttles(1));
    // Moto answers a real `failures` entry for the missing tag.
    let resolved = client
        .resolve_tags(&repo, &["v1".to_owned(), "missing".to_owned()], &digests[0])
        .await
        .unwrap();
    let (lookup, res) = (resolved.lookup, resolved.resolution);
    assert_eq!(res.ok, ["v1"]);
    assert!(
        matches!(
            res.problems.get("missing"),
            Some(ecr_core::verify::TagProblem::NotFound { .. })
        ),
        "{res:?}"
    );
    assert_eq!(lookup.failures.len(), 1, "{lookup:?}");
    assert_eq!(proxy.attempts("BatchGetImage"), 2);
}

#[tokio::test]
async fn verify_rewritten_failure_is_reported_not_passed() {
    let (repo, digests) = repo_with_images("faults-verify2", &["v1"]).await;
    let (proxy, client) = proxied().await;
    // ECR answers the tag with a KMS failure instead of the image.
    proxy.on(
        "BatchGetImage",
        [Fault::response(|mut v| {
            v["images"] = json!([]);
            v["failures"] = json!([{"imageId": {"imageTag": "v1"}, "failureCode": "KmsError",
                "failureReason": "injected KMS failure"}]);
            v
        })],
    );
    let resolved = client
        .resolve_tags(&repo, &["v1".to_owned()], &digests[0])
        .await
        .unwrap();
    let (lookup, res) = (resolved.lookup, resolved.resolution);
    assert!(res.ok.is_empty());
    assert!(
        matches!(res.problems.get("v1"), Some(ecr_core::verify::TagProblem::Failure { code, .. }) if code == "KmsError"),
        "{res:?}"
    );
    let integrity = ecr_core::verify::check_integrity(&lookup.images, &digests[0]);
    assert!(!integrity.ok, "{integrity:?}");
}

#[tokio::test]
async fn verify_malformed_and_stopped_emulator_are_typed_errors() {
    let (repo, digests) = repo_with_images("faults-verify3", &["v1"]).await;
    let (proxy, client) = proxied().await;
    proxy.on("BatchGetImage", vec![Fault::Malformed; 10]);
    expect_err(
        client.resolve_tags(&repo, &["v1".to_owned()], &digests[0]).await,
        "Transport",
    );
    assert_eq!(proxy.attempts("BatchGetImage"), 1, "a 200 is not retried");
    let down = client_via(&closed_port_url()).await;
    expect_err(
        down.resolve_tags(&repo, &["v1".to_owned()], &digests[0]).await,
        "Transport",
    );
}

// ------------------------------------------------------------------------------------------------
// scan gating: DescribeImageScanFindings, with a fault on page 2
// ------------------------------------------------------------------------------------------------

/// Queues one exact DescribeImageScanFindings response in moto (see `scan_emulator.rs`).
fn queue_scan_result(repo: &str, digest: &str, findings: Value) {
    use std::io::{Read as _, Write as _};
    let em = support::emulator();
    let host = em
        .endpoint()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let result = json!({"registryId": "123456789012", "repositoryName": repo, "imageId": {"imageDigest": digest},
        "imageScanStatus": {"status": "COMPLETE", "description": "complete (emulated)"},
        "imageScanFindings": findings});
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
}

/// A scanned image whose findings are one LOW (page 1) and one CRITICAL (page 2).
async fn scanned_image(prefix: &str) -> (String, String) {
    let (repo, digests) = repo_with_images(prefix, &["v1"]).await;
    let client = support::emulator().client().await;
    client
        .start_image_scan(&repo, &ImageId::digest(&digests[0]))
        .await
        .unwrap();
    let finding = |name: &str, severity: &str| {
        json!({"name": name, "severity": severity, "uri": format!("https://cve.example/{name}"),
            "attributes": [{"key": "package_name", "value": "openssl"}, {"key": "package_version", "value": "1.0"}]})
    };
    queue_scan_result(
        &repo,
        &digests[0],
        json!({
            "imageScanCompletedAt": 1700000000, "vulnerabilitySourceUpdatedAt": 1700000000,
            "findingSeverityCounts": {"LOW": 1, "CRITICAL": 1},
            "findings": [finding("CVE-2024-0001", "LOW"), finding("CVE-2024-9999", "CRITICAL")]
        }),
    );
    (repo, digests[0].clone())
}

fn cut_findings(v: &mut Value, page: u8) {
    let list = v["imageScanFindings"]["findings"].as_array_mut().unwrap();
    if page == 1 {
        list.truncate(1);
    } else {
        list.remove(0);
    }
}

async fn gate(client: &EcrClient, repo: &str) -> ecr_core::Result<ecr_core::scan::GateDecision> {
    let policy = ScanPolicy::from_value(&json!({"failOn": {"CRITICAL": 0}})).unwrap();
    let opts = GateOptions {
        wait: WaitOptions {
            timeout: Duration::from_secs(5),
            poll_interval: Duration::from_millis(50),
            ..WaitOptions::default()
        },
        platforms: Vec::new(),
        scan_type: Some(ScanType::Basic),
    };
    client
        .gate_image(repo, &ImageId::tag("v1"), &policy, &opts, chrono::Utc::now())
        .await
}

#[tokio::test]
async fn scan_gate_sees_the_critical_on_page_two_after_a_throttled_attempt() {
    let (repo, digest) = scanned_image("faults-scan").await;
    let (proxy, client) = proxied().await;
    paginate(&proxy, "DescribeImageScanFindings", cut_findings, throttles(2));
    let d = gate(&client, &repo).await.unwrap();
    assert!(!d.passed, "the CRITICAL finding is on page 2");
    assert_eq!(d.findings.len(), 2);
    assert_eq!(d.reasons[0].finding_ids, ["CVE-2024-9999"]);
    assert_eq!(d.images[0].digest.as_deref(), Some(digest.as_str()));
    assert_eq!(proxy.attempts("DescribeImageScanFindings"), 1 + 3);
}

#[tokio::test]
async fn scan_gate_decides_with_a_warning_when_the_scan_type_cannot_be_read() {
    let (repo, _) = scanned_image("faults-scan3").await;
    let (proxy, client) = proxied().await;
    proxy.on("GetRegistryScanningConfiguration", vec![Fault::Status(503); 10]);
    let policy = ScanPolicy::from_value(&json!({"failOn": {"CRITICAL": 0}})).unwrap();
    let opts = GateOptions {
        wait: WaitOptions {
            timeout: Duration::from_secs(5),
            poll_interval: Duration::from_millis(50),
            ..WaitOptions::default()
        },
        platforms: Vec::new(),
        scan_type: None,
    };
    let d = client
        .gate_image(&repo, &ImageId::tag("v1"), &policy, &opts, chrono::Utc::now())
        .await
        .unwrap();
    // The optional read failed after its retries: the gate still read every finding and failed on the
    // CRITICAL one, and says why the scan type is a guess.
    assert_eq!(proxy.attempts("GetRegistryScanningConfiguration"), ATTEMPTS);
    assert!(!d.passed);
    assert_eq!(d.findings.len(), 2);
    let w = d
        .warnings
        .iter()
        .find(|w| w.code == "scanType")
        .expect("a scanType warning");
    assert!(w.message.contains("503"), "{}", w.message);
}

#[tokio::test]
async fn scan_gate_without_page_two_is_an_error_never_a_pass() {
    let (repo, _) = scanned_image("faults-scan2").await;
    for (faults, code, attempts) in [
        (throttles(10), "Throttled", ATTEMPTS),
        (vec![Fault::Status(503); 10], "ServiceError", ATTEMPTS),
        (vec![Fault::Malformed; 10], "Transport", 1),
        (vec![Fault::Reset; 10], "Transport", ATTEMPTS),
        (vec![Fault::Delay(SLOW); 10], "Timeout", ATTEMPTS),
    ] {
        let (proxy, client) = proxied().await;
        paginate(&proxy, "DescribeImageScanFindings", cut_findings, faults);
        let r = gate(&client, &repo).await;
        let err = r
            .map(|d| d.passed)
            .expect_err("a gate that missed page 2 must not decide");
        assert_eq!(err.code(), code, "{err}");
        assert_eq!(proxy.attempts("DescribeImageScanFindings"), 1 + attempts, "{code}");
    }
}

// ------------------------------------------------------------------------------------------------
// lifecycle preview: GetLifecyclePolicy, DescribeImages (all pages)
// ------------------------------------------------------------------------------------------------

const EXPIRE_ALL_AFTER_A_DAY: &str = r#"{"rules":[{"rulePriority":1,"description":"old","selection":{"tagStatus":"any","countType":"sinceImagePushed","countUnit":"days","countNumber":1},"action":{"type":"expire"}}]}"#;

fn in_three_days() -> LifecyclePreviewOptions {
    LifecyclePreviewOptions {
        now: Some(chrono::Utc::now() + chrono::Duration::days(3)),
        ..LifecyclePreviewOptions::default()
    }
}

#[tokio::test]
async fn lifecycle_preview_survives_faults_on_policy_and_page_two() {
    let (repo, digests) = repo_with_images("faults-lc", &["a", "b", "c"]).await;
    support::emulator()
        .client()
        .await
        .put_lifecycle_policy(&repo, EXPIRE_ALL_AFTER_A_DAY)
        .await
        .unwrap();
    let (proxy, client) = proxied().await;
    proxy.on("GetLifecyclePolicy", [Fault::Throttle, Fault::Delay(SLOW)]);
    paginate(&proxy, "DescribeImages", cut_images, vec![Fault::Reset]);
    let report = client.lifecycle_preview(&repo, &in_three_days()).await.unwrap();
    let expiring: BTreeSet<&str> = report.preview.expiring_digests().into_iter().collect();
    assert_eq!(expiring, digests.iter().map(String::as_str).collect());
    assert_eq!(proxy.attempts("GetLifecyclePolicy"), 3);
    assert_eq!(proxy.attempts("DescribeImages"), 3);
}

#[tokio::test]
async fn lifecycle_preview_errors_when_images_cannot_all_be_read() {
    let (repo, _) = repo_with_images("faults-lc2", &["a", "b"]).await;
    let (proxy, client) = proxied().await;
    paginate(&proxy, "DescribeImages", cut_images, vec![Fault::Status(503); 10]);
    let opts = LifecyclePreviewOptions {
        policy_text: Some(EXPIRE_ALL_AFTER_A_DAY.to_owned()),
        ..in_three_days()
    };
    // A preview of page 1 alone would expire images and leave the rest unjudged: an error instead.
    let err = client.lifecycle_preview(&repo, &opts).await.unwrap_err();
    assert!(err.to_string().contains("503"), "{err} / {err:?}");
    assert_eq!(proxy.attempts("DescribeImages"), 1 + ATTEMPTS);
    let (proxy, client) = proxied().await;
    proxy.on(
        "GetLifecyclePolicy",
        [Fault::Error {
            status: 400,
            code: "LifecyclePolicyNotFoundException",
        }],
    );
    expect_err(
        client.lifecycle_preview(&repo, &in_three_days()).await,
        "LifecyclePolicyNotFound",
    );
    assert_eq!(
        proxy.attempts("GetLifecyclePolicy"),
        1,
        "a modelled error is not retried"
    );
}

// ------------------------------------------------------------------------------------------------
// deletion executor: BatchDeleteImage
// ------------------------------------------------------------------------------------------------

/// A repository with three images and the (offline) preview that expires all of them.
async fn expiring_repo(prefix: &str) -> (String, Vec<String>, ecr_core::lifecycle::Preview<'static>) {
    let (repo, digests) = repo_with_images(prefix, &["a", "b", "c"]).await;
    let opts = LifecyclePreviewOptions {
        policy_text: Some(EXPIRE_ALL_AFTER_A_DAY.to_owned()),
        ..in_three_days()
    };
    let report = support::emulator()
        .client()
        .await
        .lifecycle_preview(&repo, &opts)
        .await
        .unwrap();
    assert_eq!(report.preview.expiring_digests().len(), 3);
    (repo, digests, report.preview)
}

fn deleting() -> ExpireOptions {
    ExpireOptions {
        dry_run: false,
        ..ExpireOptions::default()
    }
}

/// The digests still in the repository (read directly from the emulator).
async fn remaining(repo: &str) -> BTreeSet<String> {
    support::emulator()
        .client()
        .await
        .describe_images(repo, &[])
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.image_digest)
        .collect()
}

fn set(items: &[&String]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).clone()).collect()
}

#[tokio::test]
async fn executor_reports_moto_partial_failure_exactly_after_a_throttled_attempt() {
    let (repo, digests, preview) = expiring_repo("faults-exec").await;
    // One image disappears between preview and execution: moto answers a real ImageNotFound failure.
    let direct = support::emulator().client().await;
    let other_preview = ecr_core::lifecycle::Preview {
        preview_results: preview
            .preview_results
            .iter()
            .filter(|r| r.image_digest == digests[1])
            .cloned()
            .collect(),
        ..preview.clone()
    };
    let gone = direct.expire_images(&repo, &other_preview, &deleting()).await.unwrap();
    assert_eq!(gone.deleted, [digests[1].clone()]);
    let (proxy, client) = proxied().await;
    proxy.on("BatchDeleteImage", throttles(1));
    let report = client.expire_images(&repo, &preview, &deleting()).await.unwrap();
    assert_eq!(
        set(&report.deleted.iter().collect::<Vec<_>>()),
        set(&[&digests[0], &digests[2]])
    );
    assert_eq!(report.failures.len(), 1, "{report:?}");
    assert_eq!(report.failures[0].image_digest, digests[1]);
    assert_eq!(report.failures[0].failure_code, "ImageNotFound");
    assert_eq!(proxy.attempts("BatchDeleteImage"), 2);
    assert!(remaining(&repo).await.is_empty());
}

#[tokio::test]
async fn executor_under_persistent_503_deletes_nothing_and_says_so() {
    let (repo, digests, preview) = expiring_repo("faults-exec2").await;
    let (proxy, client) = proxied().await;
    proxy.on("BatchDeleteImage", vec![Fault::Status(503); 10]);
    let report = client.expire_images(&repo, &preview, &deleting()).await.unwrap();
    assert!(report.deleted.is_empty());
    let failed: BTreeSet<String> = report.failures.iter().map(|f| f.image_digest.clone()).collect();
    assert_eq!(failed, digests.iter().cloned().collect());
    assert!(
        report.failures.iter().all(|f| f.failure_reason.contains("503")),
        "{report:?}"
    );
    assert_eq!(proxy.attempts("BatchDeleteImage"), ATTEMPTS);
    assert_eq!(remaining(&repo).await, digests.into_iter().collect());
}

#[tokio::test]
async fn executor_counts_an_unconfirmed_digest_as_not_deleted() {
    let (repo, digests, preview) = expiring_repo("faults-exec3").await;
    let (proxy, client) = proxied().await;
    let dropped = digests[2].clone();
    proxy.on(
        "BatchDeleteImage",
        [Fault::response(move |mut v| {
            v["imageIds"]
                .as_array_mut()
                .unwrap()
                .retain(|id| id["imageDigest"] != json!(dropped));
            v
        })],
    );
    let report = client.expire_images(&repo, &preview, &deleting()).await.unwrap();
    assert_eq!(
        set(&report.deleted.iter().collect::<Vec<_>>()),
        set(&[&digests[0], &digests[1]])
    );
    assert_eq!(report.failures.len(), 1);
    assert_eq!(report.failures[0].image_digest, digests[2]);
    assert_eq!(report.failures[0].failure_code, "Unconfirmed");
}

#[tokio::test]
async fn executor_after_a_reset_reports_what_the_retry_learned() {
    let (repo, digests, preview) = expiring_repo("faults-exec4").await;
    let (proxy, client) = proxied().await;
    // Moto deletes, the answer is cut, the SDK retries: the images are already gone.
    proxy.on("BatchDeleteImage", [Fault::Reset]);
    let report = client.expire_images(&repo, &preview, &deleting()).await.unwrap();
    assert_eq!(proxy.attempts("BatchDeleteImage"), 2);
    assert!(remaining(&repo).await.is_empty());
    // Every digest is accounted for exactly once, and none is claimed deleted without ECR confirming it.
    let mut all: Vec<String> = report.deleted.clone();
    all.extend(report.failures.iter().map(|f| f.image_digest.clone()));
    all.sort();
    let mut want = digests.clone();
    want.sort();
    assert_eq!(all, want, "{report:?}");
    assert!(report.deleted.is_empty(), "{report:?}");
    assert!(
        report
            .failures
            .iter()
            .all(|f| f.failure_code == "ImageNotFound" && f.failure_reason.contains("earlier attempt")),
        "{report:?}"
    );
}

#[tokio::test]
async fn executor_against_a_stopped_emulator_deletes_nothing() {
    let (repo, digests, preview) = expiring_repo("faults-exec5").await;
    let client = client_via(&closed_port_url()).await;
    let report = client.expire_images(&repo, &preview, &deleting()).await.unwrap();
    assert!(report.deleted.is_empty());
    assert_eq!(report.failures.len(), 3);
    assert!(
        report.failures.iter().all(|f| f.failure_code == "Transport"),
        "{report:?}"
    );
    assert_eq!(remaining(&repo).await, digests.into_iter().collect());
}

// ------------------------------------------------------------------------------------------------
// AWS credentials expiring mid-operation (a credential_process profile; runs in a child process, since
// the profile comes from the environment)
// ------------------------------------------------------------------------------------------------

const CREDS_CHILD: &str = "FAULT_MATRIX_CREDS_CHILD";

/// Prints a new key pair on every call (`ASIAFAULTSKEY000N`), expiring in 5 s, i.e. already inside the
/// SDK's 10 s refresh buffer: a correct SDK fetches new credentials for every request. Fails once
/// `<dir>/fail` exists.
const CREDENTIAL_PROCESS: &str = r#"#!/bin/sh
dir="$1"
[ -e "$dir/fail" ] && { echo "credential source unavailable" >&2; exit 1; }
n=$(( $(cat "$dir/count" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$dir/count"
exp=$(date -u -d '+5 seconds' +%Y-%m-%dT%H:%M:%SZ)
printf '{"Version":1,"AccessKeyId":"ASIAFAULTSKEY%04d","SecretAccessKey":"secret-%d","SessionToken":"session-%d","Expiration":"%s"}\n' "$n" "$n" "$n" "$exp"
"#;

/// The child: an auth flow (GetCallerIdentity for the disk cache key, then GetAuthorizationToken) and an
/// ECR call, through a proxy playing AWS's ExpiredTokenException for every key already used once.
fn creds_child() {
    let dir = PathBuf::from(std::env::var("FAULT_MATRIX_DIR").unwrap());
    let upstream = std::env::var("FAULT_MATRIX_UPSTREAM").unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let proxy = FaultProxy::start(&upstream).await;
        let used = Arc::new(Mutex::new(BTreeSet::new()));
        {
            let used = used.clone();
            proxy.rule(move |seen| {
                let key = seen.access_key.clone()?;
                (!used.lock().unwrap().insert(key)).then_some(Fault::Error {
                    status: 400,
                    code: "ExpiredTokenException",
                })
            });
        }
        let client = EcrClient::builder()
            .region("us-east-1")
            .endpoint_url(&proxy.url)
            .profile("faults")
            .max_attempts(ATTEMPTS as u32)
            .initial_backoff(Duration::from_millis(10))
            .build()
            .await
            .unwrap();
        let clock = ManualClock::new(chrono::Utc.with_ymd_and_hms(2014, 12, 31, 12, 0, 0).unwrap());
        let auth = Authenticator::builder(client.clone())
            .clock(clock)
            .disk_cache(Some(ecr_core::auth::DiskCache::new(dir.join("cache"))))
            .build();
        let creds = auth.credentials_for_region(None).await.unwrap();
        assert_eq!(creds.password.expose(), MOTO_PASSWORD);
        client.list_repositories().await.unwrap();
        let seen = proxy.seen();
        let ops: Vec<&str> = seen.iter().map(|s| s.operation.as_str()).collect();
        assert_eq!(
            ops,
            ["GetCallerIdentity", "GetAuthorizationToken", "DescribeRepositories"]
        );
        let keys: BTreeSet<_> = seen.iter().map(|s| s.access_key.clone().unwrap()).collect();
        assert_eq!(
            keys.len(),
            3,
            "every request signed with refreshed credentials: {keys:?}"
        );
        assert!(seen.iter().all(|s| s.fault == "Pass"), "{seen:?}");

        // The credential source fails at the next refresh: a typed error naming the cause, no request sent.
        std::fs::write(dir.join("fail"), b"").unwrap();
        let err = client.list_repositories().await.unwrap_err();
        assert_eq!(err.code(), "NoCredentials", "{err} / {err:?}");
        assert!(err.to_string().contains("credential"), "{err}");
        assert_eq!(proxy.seen().len(), 3, "nothing sent without credentials");
        println!("CREDS_CHILD_OK");
    });
}

#[test]
fn credentials_expiring_mid_operation_are_refreshed_by_the_sdk() {
    if std::env::var_os(CREDS_CHILD).is_some() {
        return creds_child();
    }
    let emu = support::emulator();
    let tmp = tempfile::tempdir().unwrap();
    let script = tmp.path().join("creds.sh");
    std::fs::write(&script, CREDENTIAL_PROCESS).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let config = tmp.path().join("config");
    std::fs::write(
        &config,
        format!(
            "[profile faults]\nregion = us-east-1\ncredential_process = {} {}\n",
            script.display(),
            tmp.path().display()
        ),
    )
    .unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "credentials_expiring_mid_operation_are_refreshed_by_the_sdk",
            "--nocapture",
        ])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env(CREDS_CHILD, "1")
        .env("FAULT_MATRIX_DIR", tmp.path())
        .env("FAULT_MATRIX_UPSTREAM", emu.endpoint())
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", tmp.path().join("no-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("CREDS_CHILD_OK"),
        "child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let calls: u32 = std::fs::read_to_string(tmp.path().join("count"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // Once for the authenticator's credential-policy check, then once per request.
    assert_eq!(
        calls, 4,
        "the credential process ran for every use of the expiring credentials"
    );
}

// ------------------------------------------------------------------------------------------------
// the emulator stopped entirely, for every capability
// ------------------------------------------------------------------------------------------------

#[tokio::test]
async fn every_capability_against_a_stopped_emulator_is_a_transport_error() {
    let (repo, digests) = repo_with_images("faults-down", &["v1"]).await;
    let down = client_via(&closed_port_url()).await;
    let started = std::time::Instant::now();
    let errors = [
        ("tagging", down.repository_tag_state(&repo).await.map(|_| ())),
        (
            "verify",
            down.resolve_tags(&repo, &["v1".to_owned()], &digests[0])
                .await
                .map(|_| ()),
        ),
        ("scan", gate(&down, &repo).await.map(|_| ())),
        (
            "lifecycle",
            down.lifecycle_preview(&repo, &in_three_days()).await.map(|_| ()),
        ),
    ];
    for (what, r) in errors {
        let err = r.expect_err(what);
        assert_eq!(err.code(), "Transport", "{what}: {err}");
        assert!(err.to_string().contains("connection"), "{what}: {err}");
    }
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}
