//! Shared-fixture replays (`fixtures/verify/`) and replayed ECR responses (aws-smithy-mocks) for what the
//! moto emulator cannot do: replication status, referrers, the effective scanning configuration, and
//! BatchGetImage's `ImageTagDoesNotMatchDigest` failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::time::Duration;

use aws_sdk_ecr::Client;
use aws_sdk_ecr::types::{
    ArtifactStatus, Image, ImageFailure, ImageFailureCode, ImageIdentifier, ImageReferrer, ImageReplicationStatus,
    RepositoryScanningConfiguration, RepositoryScanningConfigurationFailure, ScanFrequency,
    ScanningConfigurationFailureCode,
};
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use serde_json::Value;

use super::*;
use crate::EcrClient;

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/verify")
}

fn fixture(name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(fixture_dir().join(name)).unwrap()).unwrap()
}

fn client(sdk: Client) -> EcrClient {
    EcrClient::from_sdk_client(sdk, aws_config::SdkConfig::builder().build())
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect()
}

// ---- fixture replays (the same files drive the Python and Node suites) ----

#[test]
fn manifest_fixtures_hash_and_parse_as_recorded() {
    for case in fixture("manifest_cases.json")["cases"].as_array().unwrap() {
        let bytes = std::fs::read(fixture_dir().join(case["file"].as_str().unwrap())).unwrap();
        assert_eq!(sha256_digest(&bytes), case["digest"], "{}", case["file"]);
        let parsed = ParsedManifest::parse(&bytes).unwrap();
        assert_eq!(parsed.media_type(), case["mediaType"]);
        match (&parsed, case["kind"].as_str().unwrap()) {
            (ParsedManifest::Index { .. }, "index") => {
                let platforms: Vec<String> = parsed
                    .platform_entries()
                    .iter()
                    .map(|e| e.platform.as_ref().unwrap().to_string())
                    .collect();
                assert_eq!(platforms, strs(&case["platforms"]));
                assert_eq!(
                    parsed.attestation_count() as u64,
                    case["attestations"].as_u64().unwrap()
                );
            }
            (ParsedManifest::Image { config_digest, .. }, "image") => assert_eq!(config_digest, &case["configDigest"]),
            (p, kind) => panic!("{} parsed as {p:?}, expected {kind}", case["file"]),
        }
    }
}

#[test]
fn config_fixtures_give_the_recorded_outcomes() {
    for case in fixture("config_cases.json")["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let cfg = ImageConfig::parse(case["config"].to_string().as_bytes()).unwrap();
        assert_eq!(cfg.platform.as_ref().unwrap().to_string(), case["platform"], "{name}");
        let findings = [
            ("non-root", check_non_root(&cfg)),
            ("labels", check_labels(&cfg)),
            ("no-secrets", check_secrets(&cfg)),
            ("healthcheck", check_healthcheck(&cfg)),
        ];
        for (check, f) in &findings {
            assert_eq!(
                Value::Bool(f.ok),
                case["expected"][check],
                "{name}: {check}: {}",
                f.message
            );
        }
        assert_eq!(secret_like_env_names(&cfg.env), strs(&case["secretNames"]), "{name}");
        assert_eq!(findings[1].1.details["missing"], case["missingLabels"], "{name}");
        let shown = format!("{cfg:?} {}", serde_json::to_string(&cfg).unwrap())
            + &findings
                .iter()
                .map(|(_, f)| format!("{} {}", f.message, f.details))
                .collect::<String>();
        for v in case["secretValues"].as_array().into_iter().flatten() {
            assert!(!shown.contains(v.as_str().unwrap()), "{name}: secret value leaked");
        }
    }
}

#[test]
fn platform_fixtures_compare_as_recorded() {
    for case in fixture("platform_cases.json")["cases"].as_array().unwrap() {
        let parse = |v: &Value| -> Vec<Platform> { strs(v).iter().map(|s| s.parse().unwrap()).collect() };
        let f = compare_platforms(&parse(&case["expected"]), &parse(&case["found"]), 0);
        assert_eq!(Value::Bool(f.ok), case["ok"], "{}: {}", case["name"], f.message);
        assert_eq!(f.details["missing"], case["missing"], "{}", case["name"]);
        assert_eq!(f.details["extra"], case["extra"], "{}", case["name"]);
    }
}

#[test]
fn policy_fixtures_flag_the_recorded_principals() {
    for case in fixture("policy_cases.json")["cases"].as_array().unwrap() {
        let findings =
            analyse_repository_policy(&case["policy"].to_string(), case["accountId"].as_str().unwrap()).unwrap();
        let got: Vec<Value> = findings
            .iter()
            .map(|f| serde_json::json!({"statement": f.statement, "principal": f.principal}))
            .collect();
        assert_eq!(Value::Array(got), case["flagged"], "{}", case["name"]);
    }
}

// ---- replayed responses ----

fn manifest_bytes(file: &str) -> String {
    std::fs::read_to_string(fixture_dir().join("manifests").join(file)).unwrap()
}

/// Emulator gap: moto never returns `ImageTagDoesNotMatchDigest` (it matches an id by tag OR digest). Replays
/// the failure shape of AWS's BatchGetImage documentation for a `{imageTag, imageDigest}` id, and an index
/// with an attestation entry for the platform check.
#[tokio::test]
async fn tag_does_not_match_digest_is_a_typed_tag_failure() {
    let index = manifest_bytes("oci-index-multiarch.json");
    let digest = sha256_digest(index.as_bytes());
    let d2 = digest.clone();
    let rule = mock!(Client::batch_get_image)
        .match_requests(|r| r.accepted_media_types().len() == 4 && r.image_ids().len() == 3)
        .then_output(move || {
            aws_sdk_ecr::operation::batch_get_image::BatchGetImageOutput::builder()
                .images(
                    Image::builder()
                        .repository_name("app")
                        .image_id(ImageIdentifier::builder().image_tag("v1.2.3").image_digest(&d2).build())
                        .image_manifest(&index)
                        .image_manifest_media_type(OCI_INDEX)
                        .build(),
                )
                .images(
                    Image::builder()
                        .image_id(ImageIdentifier::builder().image_digest(&d2).build())
                        .image_manifest(&index)
                        .image_manifest_media_type(OCI_INDEX)
                        .build(),
                )
                .failures(
                    ImageFailure::builder()
                        .image_id(ImageIdentifier::builder().image_tag("latest").build())
                        .failure_code(ImageFailureCode::ImageTagDoesNotMatchDigest)
                        .failure_reason("Requested image tag does not match requested digest")
                        .build(),
                )
                .build()
        });
    let ecr = client(mock_client!(aws_sdk_ecr, RuleMode::MatchAny, [&rule]));
    let req = VerifyPushRequest {
        registry_host: "123456789012.dkr.ecr.us-east-1.amazonaws.com".into(),
        repository: "app".into(),
        tags: vec!["v1.2.3".into(), "latest".into()],
        digest: digest.clone(),
        platforms: vec!["linux/amd64".parse().unwrap(), "linux/arm64".parse().unwrap()],
        checks: CheckPolicy::default()
            .with_list("non-root,labels,no-secrets,healthcheck", CheckLevel::Skip)
            .unwrap(),
        ..Default::default()
    };
    let v = ecr.verify_push(&req).await.unwrap();
    assert_eq!(rule.num_calls(), 1, "one BatchGetImage for every tag and the digest");
    let r = &v.report;
    assert_eq!(r.status("tags"), Some(CheckStatus::Failed));
    assert_eq!(
        r.get("tags").unwrap().details["problems"]["latest"]["problem"],
        "tagDoesNotMatchDigest"
    );
    assert_eq!(r.get("tags").unwrap().details["ok"][0], "v1.2.3");
    assert_eq!(r.status("integrity"), Some(CheckStatus::Passed));
    assert_eq!(
        r.status("platforms"),
        Some(CheckStatus::Passed),
        "{:?}",
        r.get("platforms")
    );
    assert_eq!(r.get("platforms").unwrap().details["attestationsSkipped"], 1);
    assert_eq!(r.status("non-root"), Some(CheckStatus::Skipped));
    assert!(!r.passed);
    assert_eq!(v.platforms.len(), 2);
    assert_eq!(v.media_type.as_deref(), Some(OCI_INDEX));
}

/// Emulator gap: moto has no DescribeImageReplicationStatus. Replays IN_PROGRESS then COMPLETE (the shapes
/// of the API reference) and checks the wait polls until done; then a FAILED destination.
#[tokio::test]
async fn replication_wait_polls_until_complete_and_reports_failures() {
    let status = |region: &str, s: aws_sdk_ecr::types::ReplicationStatus| {
        ImageReplicationStatus::builder()
            .region(region)
            .registry_id("123456789012")
            .status(s)
            .build()
    };
    use aws_sdk_ecr::operation::describe_image_replication_status::DescribeImageReplicationStatusOutput as Out;
    use aws_sdk_ecr::types::ReplicationStatus as S;
    let rule = mock!(Client::describe_image_replication_status)
        .sequence()
        .output(move || {
            Out::builder()
                .replication_statuses(status("eu-west-1", S::InProgress))
                .replication_statuses(status("us-west-2", S::Complete))
                .build()
        })
        .output(move || {
            Out::builder()
                .replication_statuses(status("eu-west-1", S::Complete))
                .replication_statuses(status("us-west-2", S::Complete))
                .build()
        })
        .output(move || {
            Out::builder()
                .replication_statuses(
                    ImageReplicationStatus::builder()
                        .region("eu-west-1")
                        .status(S::Failed)
                        .failure_code("KMS_KEY_NOT_FOUND")
                        .build(),
                )
                .build()
        })
        .build();
    let ecr = client(mock_client!(aws_sdk_ecr, RuleMode::Sequential, [&rule]));
    let wait = ReplicationWait {
        regions: vec!["eu-west-1".into()],
        timeout: Duration::from_secs(5),
        interval: Duration::from_millis(1),
    };
    let digest = format!("sha256:{}", "b".repeat(64));
    let statuses = ecr.wait_for_replication("app", &digest, &wait).await.unwrap();
    assert_eq!(rule.num_calls(), 2);
    assert!(check_replication(&statuses, &wait.regions).ok);
    let statuses = ecr.image_replication_status("app", &digest).await.unwrap();
    let f = check_replication(&statuses, &wait.regions);
    assert!(!f.ok);
    assert!(f.message.contains("KMS_KEY_NOT_FOUND"), "{}", f.message);
}

/// Emulator gap: moto has no ListImageReferrers. Replays two pages; the signature is on the second, so
/// the check passes only if every page is read.
#[tokio::test]
async fn referrers_are_read_across_pages() {
    use aws_sdk_ecr::operation::list_image_referrers::ListImageReferrersOutput as Out;
    let referrer = |t: &str, d: char| {
        ImageReferrer::builder()
            .digest(format!("sha256:{}", d.to_string().repeat(64)))
            .media_type(OCI_MANIFEST)
            .artifact_type(t)
            .size(700)
            .artifact_status(ArtifactStatus::Active)
            .build()
            .unwrap()
    };
    let page1 = mock!(Client::list_image_referrers)
        .match_requests(|r| r.next_token().is_none() && r.subject_id().is_some())
        .then_output(move || {
            Out::builder()
                .referrers(referrer("application/vnd.example.other", 'c'))
                .next_token("page-2")
                .build()
        });
    let page2 = mock!(Client::list_image_referrers)
        .match_requests(|r| r.next_token() == Some("page-2"))
        .then_output(move || {
            Out::builder()
                .referrers(referrer("application/vnd.dev.cosign.artifact.sig.v1+json", 'd'))
                .build()
        });
    let ecr = client(mock_client!(aws_sdk_ecr, RuleMode::MatchAny, [&page1, &page2]));
    let digest = format!("sha256:{}", "a".repeat(64));
    let refs = ecr.list_image_referrers("app", &digest).await.unwrap();
    assert_eq!(refs.len(), 2);
    assert_eq!(refs[1].artifact_status.as_deref(), Some("ACTIVE"));
    assert!(check_referrers(&refs, &[]).ok);
    assert!(!check_referrers(&refs[..1], &[]).ok);
}

/// Emulator gap: moto's effective scanning configuration only follows registry rules (its scanOnPush is
/// always false). Replays CONTINUOUS_SCAN, MANUAL and a REPOSITORY_NOT_FOUND failure.
#[tokio::test]
async fn effective_scanning_configuration_is_read_and_failures_are_typed() {
    use aws_sdk_ecr::operation::batch_get_repository_scanning_configuration::BatchGetRepositoryScanningConfigurationOutput as Out;
    let cfg = |name: &str, f: ScanFrequency, on_push: bool| {
        RepositoryScanningConfiguration::builder()
            .repository_name(name)
            .scan_frequency(f)
            .scan_on_push(on_push)
            .build()
    };
    let rule = mock!(Client::batch_get_repository_scanning_configuration)
        .sequence()
        .output(move || {
            Out::builder()
                .scanning_configurations(cfg("a", ScanFrequency::ContinuousScan, false))
                .build()
        })
        .output(move || {
            Out::builder()
                .scanning_configurations(cfg("b", ScanFrequency::Manual, false))
                .build()
        })
        .output(|| {
            Out::builder()
                .failures(
                    RepositoryScanningConfigurationFailure::builder()
                        .repository_name("c")
                        .failure_code(ScanningConfigurationFailureCode::RepositoryNotFound)
                        .failure_reason("REPOSITORY_NOT_FOUND")
                        .build(),
                )
                .build()
        })
        .build();
    let ecr = client(mock_client!(aws_sdk_ecr, RuleMode::Sequential, [&rule]));
    let a = ecr.repository_scanning("a").await.unwrap();
    assert!(super::audit::check_scanning(&a).ok);
    let b = ecr.repository_scanning("b").await.unwrap();
    let finding = super::audit::check_scanning(&b);
    assert!(!finding.ok);
    assert!(finding.message.contains("MANUAL"));
    assert_eq!(
        ecr.repository_scanning("c").await.unwrap_err().code(),
        "RepositoryNotFound"
    );
}
