//! The live path over `aws-smithy-mocks` replaying HTTP responses shaped like AWS's documented examples.

use super::wait::fast;
use super::*;

use crate::EcrClient;
use crate::scan::GateOptions;
use crate::types::ImageId;
use aws_sdk_ecr::Client;
use aws_smithy_mocks::{MockResponse, MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock};
use aws_smithy_runtime_api::http::{Response as HttpResponse, StatusCode};
use aws_smithy_types::body::SdkBody;

const DIGEST: &str = "sha256:74b2c688c700ec95a93e478cdb959737c148df3fbf5ea706abe0318726e885e6";

fn client(rules: &[Rule]) -> EcrClient {
    let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for r in rules {
        interceptor = interceptor.with_rule(r);
    }
    let conf = aws_sdk_ecr::Config::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_credential_types::Credentials::new(
            "AKID", "SECRET", None, None, "test",
        ))
        .http_client(create_mock_http_client())
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .interceptor(interceptor)
        .build();
    let sdk = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .build();
    EcrClient::from_sdk_client(Client::from_conf(conf), sdk)
}

fn ok(body: &Value) -> HttpResponse {
    HttpResponse::new(StatusCode::try_from(200).unwrap(), SdkBody::from(body.to_string()))
}

fn aws_error(code: &str, message: &str) -> HttpResponse {
    let body = json!({"__type": code, "message": message});
    HttpResponse::new(StatusCode::try_from(400).unwrap(), SdkBody::from(body.to_string()))
}

/// (nextToken, maxResults) of each request.
type Calls = Arc<Mutex<Vec<(Option<String>, Option<i32>)>>>;

/// 250 enhanced findings as ECR pages them: 100 per page whatever maxResults says (boto3#3449).
fn enhanced_pages() -> Vec<Value> {
    let template = fixture("enhanced_page.json")["imageScanFindings"]["enhancedFindings"][0].clone();
    let all: Vec<Value> = (0..250)
        .map(|i| {
            let mut f = template.clone();
            f["packageVulnerabilityDetails"]["vulnerabilityId"] = json!(format!("CVE-2025-{i:05}"));
            f["severity"] = json!(if i % 50 == 0 { "CRITICAL" } else { "MEDIUM" });
            f
        })
        .collect();
    all.chunks(100)
        .enumerate()
        .map(|(n, chunk)| {
            let mut page = json!({"registryId": "123456789012", "repositoryName": "sample-repo",
                "imageId": {"imageDigest": DIGEST},
                "imageScanStatus": {"status": "ACTIVE", "description": "Continuous scan is selected for image."},
                "imageScanFindings": {"imageScanCompletedAt": 1749452920.144, "enhancedFindings": chunk}});
            if n == 0 {
                page["imageScanFindings"]["findingSeverityCounts"] = json!({"CRITICAL": 5, "MEDIUM": 245});
            }
            if n < 2 {
                page["nextToken"] = json!(format!("token-{}", n + 1));
            }
            page
        })
        .collect()
}

fn paged_rule(pages: Vec<Value>, calls: Calls) -> Rule {
    mock!(Client::describe_image_scan_findings).then_compute_response(move |req| {
        calls
            .lock()
            .unwrap()
            .push((req.next_token().map(str::to_owned), req.max_results()));
        let idx = match req.next_token() {
            None => 0,
            Some(t) => t.trim_start_matches("token-").parse().unwrap(),
        };
        MockResponse::Http(ok(&pages[idx]))
    })
}

#[tokio::test]
async fn every_page_is_read_even_when_max_results_is_ignored() {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let c = client(&[paged_rule(enhanced_pages(), calls.clone())]);
    let scan = c
        .describe_scan_findings("sample-repo", &ImageId::digest(DIGEST), Some(1000))
        .await
        .unwrap();
    assert_eq!(scan.findings.len(), 250);
    assert_eq!(scan.pages, 3);
    assert_eq!(scan.computed_counts().get(&Severity::Critical), Some(&5));
    assert_eq!(scan.count_mismatch(), None);
    let calls = calls.lock().unwrap();
    assert_eq!(
        *calls,
        vec![
            (None, Some(1000)),
            (Some("token-1".to_owned()), Some(1000)),
            (Some("token-2".to_owned()), Some(1000))
        ]
    );
    // The raw JSON is what ECR sent.
    let raw: Value = serde_json::from_str(scan.findings[0].raw.get()).unwrap();
    assert_eq!(raw["packageVulnerabilityDetails"]["vulnerabilityId"], "CVE-2025-00000");
}

#[tokio::test]
async fn documented_basic_example_through_the_sdk() {
    let page = fixture("basic_page.json");
    let c = client(&[mock!(Client::describe_image_scan_findings).then_http_response(move || ok(&page))]);
    let scan = c
        .describe_scan_findings("sample-repo", &ImageId::tag("latest"), None)
        .await
        .unwrap();
    assert_eq!(scan.scan_type, Some(ScanType::Basic));
    assert_eq!(scan.findings[1].score, Some(9.8));
}

#[tokio::test]
async fn service_errors_map_to_typed_errors() {
    for (code, want) in [
        ("ScanNotFoundException", "ScanNotFound"),
        ("RepositoryNotFoundException", "RepositoryNotFound"),
        ("ImageNotFoundException", "ImageNotFound"),
        ("InvalidParameterException", "ServiceError"),
        ("ValidationException", "ServiceError"),
    ] {
        let c = client(&[mock!(Client::describe_image_scan_findings)
            .then_http_response(move || aws_error(code, "The specified image scan could not be found."))]);
        let e = c
            .describe_scan_findings("r", &ImageId::digest(DIGEST), None)
            .await
            .unwrap_err();
        assert_eq!(e.code(), want, "{code}");
    }
}

#[tokio::test]
async fn repeated_next_token_is_an_error_not_a_loop() {
    let page = json!({"imageScanStatus": {"status": "COMPLETE"}, "imageScanFindings": {"findings": []},
        "nextToken": "same"});
    let c = client(&[mock!(Client::describe_image_scan_findings).then_http_response(move || ok(&page))]);
    let e = c
        .describe_scan_findings("r", &ImageId::digest(DIGEST), None)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("same nextToken"), "{e}");
}

#[tokio::test(start_paused = true)]
async fn waiter_every_status_through_the_sdk() {
    for entry in fixture("statuses.json").as_array().unwrap() {
        let status = entry["status"].as_str().unwrap().to_owned();
        let resp = entry["response"].clone();
        let c = client(&[mock!(Client::describe_image_scan_findings).then_http_response(move || ok(&resp))]);
        let opts = fast().timeout(Duration::from_secs(30));
        let r = c.wait_for_scan("sample-repo", DIGEST, None, &opts).await;
        match entry["waiter"].as_str().unwrap() {
            "wait" => assert_eq!(r.unwrap_err().code(), "ScanTimeout", "{status}"),
            "done" | "final" => assert_eq!(r.unwrap().scan.status.unwrap().as_str(), status),
            other => panic!("{other}"),
        }
    }
}

#[tokio::test(start_paused = true)]
async fn scan_not_found_after_push_then_limit_exceeded_start_then_findings() {
    let complete = fixture("basic_page.json");
    let describe = mock!(Client::describe_image_scan_findings)
        .sequence()
        .http_response(|| aws_error("ScanNotFoundException", "The specified image scan could not be found."))
        .http_response(|| ok(&json!({"imageScanStatus": {"status": "IN_PROGRESS"}})))
        .http_response(move || ok(&complete))
        .build();
    let starts = Arc::new(AtomicUsize::new(0));
    let s2 = starts.clone();
    let start = mock!(Client::start_image_scan).then_compute_response(move |_| {
        s2.fetch_add(1, Ordering::SeqCst);
        MockResponse::Http(aws_error(
            "LimitExceededException",
            "The scan quota per image has been exceeded. Wait and try again.",
        ))
    });
    let c = client(&[describe, start]);
    let out = c
        .wait_for_scan(
            "sample-repo",
            DIGEST,
            Some(ScanType::Basic),
            &fast().start_basic_scan(true),
        )
        .await
        .unwrap();
    assert_eq!(starts.load(Ordering::SeqCst), 1);
    assert_eq!(out.scan.findings.len(), 2);
    assert_eq!(out.polls, 3);
}

fn describe_images_rule(media_type: &'static str, digest: &'static str) -> Rule {
    mock!(Client::describe_images).then_http_response(move || {
        ok(
            &json!({"imageDetails": [{"registryId": "123456789012", "repositoryName": "sample-repo",
            "imageDigest": digest, "imageTags": ["v1"], "imageSizeInBytes": 1234,
            "imagePushedAt": 1749452920.0, "imageManifestMediaType": media_type}]}),
        )
    })
}

const INDEX: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
const AMD: &str = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const ARM: &str = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const ATT: &str = "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

fn index_manifest() -> String {
    json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": AMD, "size": 1,
         "platform": {"os": "linux", "architecture": "amd64"}},
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": ARM, "size": 1,
         "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}},
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": ATT, "size": 1,
         "platform": {"os": "unknown", "architecture": "unknown"},
         "annotations": {"vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": AMD}}]})
    .to_string()
}

fn index_rules(calls: Arc<Mutex<Vec<String>>>) -> Vec<Rule> {
    let manifest = index_manifest();
    let batch = mock!(Client::batch_get_image).then_http_response(move || {
        ok(
            &json!({"images": [{"registryId": "123456789012", "repositoryName": "sample-repo",
            "imageId": {"imageDigest": INDEX}, "imageManifest": manifest,
            "imageManifestMediaType": "application/vnd.oci.image.index.v1+json"}], "failures": []}),
        )
    });
    let findings = mock!(Client::describe_image_scan_findings).then_compute_response(move |req| {
        let digest = req.image_id().unwrap().image_digest().unwrap().to_owned();
        calls.lock().unwrap().push(digest.clone());
        let mut page = fixture("enhanced_page.json");
        page["imageId"] = json!({"imageDigest": digest});
        if digest == ARM {
            // The arm64 image has no openssl finding.
            page["imageScanFindings"]["enhancedFindings"]
                .as_array_mut()
                .unwrap()
                .remove(1);
            page["imageScanFindings"]["findingSeverityCounts"] =
                json!({"CRITICAL": 1, "HIGH": 2, "MEDIUM": 1, "UNTRIAGED": 1});
        }
        MockResponse::Http(ok(&page))
    });
    let config = mock!(Client::get_registry_scanning_configuration).then_http_response(|| {
        ok(&json!({"registryId": "123456789012", "scanningConfiguration": {"scanType": "ENHANCED", "rules": []}}))
    });
    vec![
        describe_images_rule("application/vnd.oci.image.index.v1+json", INDEX),
        batch,
        findings,
        config,
    ]
}

#[tokio::test]
async fn index_resolves_to_platform_children() {
    let c = client(&index_rules(Arc::default()));
    let r = c.resolve_image("sample-repo", &ImageId::tag("v1")).await.unwrap();
    assert!(r.is_index());
    assert_eq!(r.digest, INDEX);
    let plats: Vec<(&str, &str)> = r
        .children
        .iter()
        .map(|c| (c.digest.as_str(), c.platform.as_str()))
        .collect();
    assert_eq!(plats, [(AMD, "linux/amd64"), (ARM, "linux/arm64/v8")]);
}

#[tokio::test(start_paused = true)]
async fn gate_image_gates_every_platform() {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let c = client(&index_rules(calls.clone()));
    let policy = ScanPolicy::from_value(&json!({"failOn": {"CRITICAL": 0}})).unwrap();
    let opts = GateOptions {
        wait: fast(),
        ..Default::default()
    };
    let d = c
        .gate_image("sample-repo", &ImageId::tag("v1"), &policy, &opts, now())
        .await
        .unwrap();
    assert!(!d.passed);
    assert_eq!(d.images.len(), 2);
    assert_eq!(d.images[0].platform.as_deref(), Some("linux/amd64"));
    assert_eq!(d.images[0].digest.as_deref(), Some(AMD));
    assert!(!d.images[0].passed);
    assert!(d.images[1].passed, "{:?}", d.images[1].reasons);
    assert_eq!(d.reasons.len(), 1);
    // Enhanced (from the registry): two identical polls per child.
    let calls = calls.lock().unwrap().clone();
    assert_eq!(calls.iter().filter(|d| *d == AMD).count(), 2);
    assert_eq!(calls.iter().filter(|d| *d == ARM).count(), 2);
    assert!(!calls.contains(&ATT.to_owned()) && !calls.contains(&INDEX.to_owned()));

    // Only one platform.
    let c = client(&index_rules(Arc::default()));
    let opts = GateOptions {
        wait: fast(),
        platforms: vec!["linux/arm64/v8".into()],
        ..Default::default()
    };
    let d = c
        .gate_image("sample-repo", &ImageId::tag("v1"), &policy, &opts, now())
        .await
        .unwrap();
    assert!(d.passed);
    assert_eq!(d.images.len(), 1);
    let opts = GateOptions {
        wait: fast(),
        platforms: vec!["windows/amd64".into()],
        ..Default::default()
    };
    let e = c
        .gate_image("sample-repo", &ImageId::tag("v1"), &policy, &opts, now())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("linux/amd64"), "{e}");
}

#[tokio::test(start_paused = true)]
async fn gate_single_image_warns_when_scan_config_unreadable() {
    let page = fixture("basic_page.json");
    let c = client(&[
        describe_images_rule("application/vnd.oci.image.manifest.v1+json", DIGEST),
        mock!(Client::describe_image_scan_findings).then_http_response(move || ok(&page)),
        mock!(Client::get_registry_scanning_configuration).then_http_response(|| {
            aws_error(
                "AccessDeniedException",
                "not authorized to perform ecr:GetRegistryScanningConfiguration",
            )
        }),
    ]);
    let policy = ScanPolicy::from_value(&json!({"failOn": {"HIGH": 0}})).unwrap();
    let opts = GateOptions {
        wait: fast(),
        ..Default::default()
    };
    let d = c
        .gate_image("sample-repo", &ImageId::tag("v1"), &policy, &opts, now())
        .await
        .unwrap();
    assert!(d.passed);
    assert_eq!(d.images[0].platform, None);
    assert!(d.warnings.iter().any(|w| w.code == "scanType"), "{:?}", d.warnings);
}

#[test]
fn index_parsing_errors() {
    assert!(crate::scan::ecr::index_children("nope").is_err());
    assert!(crate::scan::ecr::index_children("{}").is_err());
    assert!(crate::scan::ecr::index_children(r#"{"manifests":[{"platform":{}}]}"#).is_err());
    let m = crate::scan::ecr::index_children(r#"{"manifests":[]}"#).unwrap();
    assert!(m.is_empty());
}
