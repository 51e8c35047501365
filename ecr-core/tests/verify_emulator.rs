//! Push verification and repository audit against the ECR emulator (moto). Images are put with explicit
//! digests (moto does not hash the manifest itself). Config checks need the registry protocol and are
//! covered by `verify_registry.rs`; here they are skipped.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use ecr_core::types::{RepositorySettings, TagMutability};
use ecr_core::verify::{CheckLevel, CheckPolicy, CheckStatus, EnsureOptions, VerifyPushRequest, sha256_digest};
use ecr_core::{EcrClient, Error};

const ACCOUNT: &str = "123456789012";

fn manifest(file: &str) -> String {
    std::fs::read_to_string(support::fixtures().join("verify/manifests").join(file)).unwrap()
}

/// Puts `manifest` under each tag with its true digest.
async fn put(client: &EcrClient, repo: &str, manifest: &str, media_type: &str, tags: &[&str]) -> String {
    let digest = sha256_digest(manifest.as_bytes());
    for t in tags {
        client
            .put_image(repo, manifest, Some(media_type), Some(t), Some(&digest))
            .await
            .unwrap();
    }
    digest
}

fn no_config_checks() -> CheckPolicy {
    CheckPolicy::default()
        .with_list("non-root,labels,no-secrets,healthcheck", CheckLevel::Skip)
        .unwrap()
}

async fn sdk() -> aws_sdk_ecr::Client {
    let emu = support::emulator();
    let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(emu.region().to_owned()))
        .endpoint_url(emu.endpoint())
        .credentials_provider(aws_sdk_ecr::config::Credentials::new(
            "testing", "testing", None, None, "test",
        ))
        .load()
        .await;
    aws_sdk_ecr::Client::new(&conf)
}

#[tokio::test]
async fn tags_integrity_and_index_platforms() {
    let client = support::emulator().client().await;
    let repo = support::unique("verify-tags");
    client
        .create_repository(&repo, &RepositorySettings::recommended())
        .await
        .unwrap();
    let index = manifest("oci-index-multiarch.json");
    let digest = put(
        &client,
        &repo,
        &index,
        ecr_core::verify::OCI_INDEX,
        &["v1.0.0", "sha-4f2c9e1"],
    )
    .await;
    let arm = manifest("oci-image-arm64.json");
    let other = put(&client, &repo, &arm, ecr_core::verify::OCI_MANIFEST, &["latest"]).await;

    let mut req = VerifyPushRequest {
        registry_host: format!("{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com"),
        repository: repo.clone(),
        tags: vec!["v1.0.0".into(), "sha-4f2c9e1".into()],
        digest: digest.clone(),
        platforms: vec!["linux/amd64".parse().unwrap(), "linux/arm64".parse().unwrap()],
        checks: no_config_checks(),
        ..Default::default()
    };
    let v = client.verify_push(&req).await.unwrap();
    assert!(v.report.passed, "{:#?}", v.report);
    assert_eq!(v.report.status("integrity"), Some(CheckStatus::Passed));
    assert_eq!(v.report.get("platforms").unwrap().details["attestationsSkipped"], 1);
    assert_eq!(v.platforms.len(), 2);

    // `latest` points at the arm64-only image: a typed tag failure naming where it points.
    req.tags.push("latest".into());
    let v = client.verify_push(&req).await.unwrap();
    assert!(!v.report.passed);
    let tags = v.report.get("tags").unwrap();
    assert_eq!(tags.status, CheckStatus::Failed);
    assert_eq!(tags.details["problems"]["latest"]["problem"], "pointsElsewhere");
    assert_eq!(tags.details["problems"]["latest"]["actualDigest"], other);
    assert_eq!(tags.details["ok"].as_array().unwrap().len(), 2);

    // The same failure at warn level leaves the report passing.
    req.checks = no_config_checks().set(ecr_core::verify::Check::Tags, CheckLevel::Warn);
    let v = client.verify_push(&req).await.unwrap();
    assert!(v.report.passed);
    assert_eq!(v.report.status("tags"), Some(CheckStatus::Warned));
}

#[tokio::test]
async fn missing_platforms_and_missing_images_fail() {
    let client = support::emulator().client().await;
    let repo = support::unique("verify-missing");
    client
        .create_repository(&repo, &RepositorySettings::recommended())
        .await
        .unwrap();
    let list = manifest("docker-manifest-list.json");
    let digest = put(&client, &repo, &list, ecr_core::verify::DOCKER_MANIFEST_LIST, &["2.0"]).await;
    let mut req = VerifyPushRequest {
        registry_host: "r.example".into(),
        repository: repo.clone(),
        tags: vec!["2.0".into()],
        digest,
        platforms: vec!["linux/amd64".parse().unwrap(), "linux/arm64".parse().unwrap()],
        checks: no_config_checks(),
        ..Default::default()
    };
    let v = client.verify_push(&req).await.unwrap();
    let p = v.report.get("platforms").unwrap();
    assert_eq!(p.status, CheckStatus::Failed);
    assert_eq!(p.details["missing"][0], "linux/arm64");
    assert_eq!(p.details["extra"][0], "linux/arm/v7");
    assert_eq!(v.report.status("tags"), Some(CheckStatus::Passed));

    // A digest and a tag that were never pushed.
    req.digest = format!("sha256:{}", "0".repeat(64));
    req.tags = vec!["never-pushed".into()];
    let v = client.verify_push(&req).await.unwrap();
    assert!(!v.report.passed);
    assert_eq!(
        v.report.get("tags").unwrap().details["problems"]["never-pushed"]["problem"],
        "notFound"
    );
    assert_eq!(v.report.status("integrity"), Some(CheckStatus::Failed));
    assert_eq!(v.report.status("platforms"), Some(CheckStatus::Failed));

    // Bad input and a missing repository are errors, not reports.
    req.digest = "sha256:nothex".into();
    assert_eq!(client.verify_push(&req).await.unwrap_err().code(), "InvalidReference");
    req.digest = format!("sha256:{}", "0".repeat(64));
    req.repository = support::unique("verify-no-such-repo");
    assert!(matches!(
        client.verify_push(&req).await,
        Err(Error::RepositoryNotFound { .. })
    ));
}

#[tokio::test]
async fn a_digest_that_is_not_the_manifest_hash_fails_integrity() {
    let client = support::emulator().client().await;
    let repo = support::unique("verify-integrity");
    client
        .create_repository(&repo, &RepositorySettings::recommended())
        .await
        .unwrap();
    // The emulator stores whatever digest it is given; real ECR would refuse it. The check must catch it.
    let bytes = manifest("oci-index-multiarch.json");
    let wrong = sha256_digest(bytes.trim_end().as_bytes());
    client
        .put_image(
            &repo,
            &bytes,
            Some(ecr_core::verify::OCI_INDEX),
            Some("v1"),
            Some(&wrong),
        )
        .await
        .unwrap();
    let req = VerifyPushRequest {
        registry_host: "r.example".into(),
        repository: repo,
        tags: vec!["v1".into()],
        digest: wrong.clone(),
        checks: no_config_checks(),
        ..Default::default()
    };
    let v = client.verify_push(&req).await.unwrap();
    assert_eq!(v.report.status("tags"), Some(CheckStatus::Passed));
    let i = v.report.get("integrity").unwrap();
    assert_eq!(i.status, CheckStatus::Failed, "{i:?}");
    assert_eq!(i.details["manifests"][0]["computed"], sha256_digest(bytes.as_bytes()));
}

#[tokio::test]
async fn audit_of_a_safe_repository_passes() {
    let client = support::emulator().client().await;
    // Effective scanning in the emulator follows registry scanning rules only: scan this test's prefix on push.
    let prefix = format!("verify-good-{}", std::process::id());
    sdk()
        .await
        .put_registry_scanning_configuration()
        .scan_type(aws_sdk_ecr::types::ScanType::Basic)
        .rules(
            aws_sdk_ecr::types::RegistryScanningRule::builder()
                .scan_frequency(aws_sdk_ecr::types::ScanFrequency::ScanOnPush)
                .repository_filters(
                    aws_sdk_ecr::types::ScanningRepositoryFilter::builder()
                        .filter(format!("{prefix}*"))
                        .filter_type(aws_sdk_ecr::types::ScanningRepositoryFilterType::Wildcard)
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let repo = format!("{prefix}-svc");
    let outcome = client
        .ensure_repository(&repo, &EnsureOptions::default())
        .await
        .unwrap();
    assert!(outcome.created);
    assert_eq!(outcome.repository.image_tag_mutability, TagMutability::Immutable);
    // Same-account push and cross-account pull are fine.
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Ci", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:role/ci")},
         "Action": ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"]},
        {"Sid": "ProdPull", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
         "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]});
    sdk()
        .await
        .set_repository_policy()
        .repository_name(&repo)
        .policy_text(policy.to_string())
        .send()
        .await
        .unwrap();
    let report = client.audit_repository(&repo).await.unwrap();
    assert!(report.passed, "{report:#?}");
    for c in [
        "tag-mutability",
        "scanning",
        "encryption",
        "lifecycle-policy",
        "repository-policy",
    ] {
        assert_eq!(report.status(c), Some(CheckStatus::Passed), "{c}");
    }
    // Nothing drifts from the defaults it was created with.
    let again = client
        .ensure_repository(&repo, &EnsureOptions::default())
        .await
        .unwrap();
    assert!(!again.created);
    assert!(again.drift.is_empty(), "{:?}", again.drift);
}

#[tokio::test]
async fn audit_of_an_unsafe_repository_fails_each_setting() {
    let client = support::emulator().client().await;
    let repo = support::unique("verify-bad");
    let settings = RepositorySettings {
        tag_mutability: TagMutability::Mutable,
        scan_on_push: false,
        ..RepositorySettings::recommended()
    };
    client.create_repository(&repo, &settings).await.unwrap();
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "OtherAccountPush", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
         "Action": ["ecr:PutImage", "ecr:BatchDeleteImage"]},
        {"Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage"]}]});
    sdk()
        .await
        .set_repository_policy()
        .repository_name(&repo)
        .policy_text(policy.to_string())
        .send()
        .await
        .unwrap();
    let report = client.audit_repository(&repo).await.unwrap();
    assert!(!report.passed);
    for c in ["tag-mutability", "scanning", "lifecycle-policy", "repository-policy"] {
        assert_eq!(report.status(c), Some(CheckStatus::Failed), "{c}: {:?}", report.get(c));
    }
    assert_eq!(report.status("encryption"), Some(CheckStatus::Passed));
    let findings = &report.get("repository-policy").unwrap().details["findings"];
    assert_eq!(findings.as_array().unwrap().len(), 2);
    assert_eq!(findings[0]["principal"], "arn:aws:iam::210987654321:root");
    assert_eq!(findings[1]["principal"], "*");

    // The whole registry: both kinds appear with their verdicts (every page is read).
    let all = client.audit_all_repositories().await.unwrap();
    assert!(!all.passed);
    let mine = all.repositories.iter().find(|r| r.subject == repo).expect("audited");
    assert!(!mine.passed);

    // Drift is reported without changing anything, then fixed on request.
    let drift = client
        .ensure_repository(&repo, &EnsureOptions::default())
        .await
        .unwrap();
    let settings: Vec<&str> = drift.drift.iter().map(|d| d.setting.as_str()).collect();
    assert!(
        settings.contains(&"imageTagMutability") && settings.contains(&"lifecyclePolicy"),
        "{settings:?}"
    );
    assert!(drift.drift.iter().all(|d| !d.fixed));
    assert_eq!(
        client.describe_repository(&repo).await.unwrap().image_tag_mutability,
        TagMutability::Mutable
    );
    let fixed = client
        .ensure_repository(
            &repo,
            &EnsureOptions {
                apply: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(fixed.drift.iter().any(|d| d.setting == "imageTagMutability" && d.fixed));
    assert_eq!(fixed.repository.image_tag_mutability, TagMutability::Immutable);
    let report = client.audit_repository(&repo).await.unwrap();
    assert_eq!(report.status("tag-mutability"), Some(CheckStatus::Passed));
    assert_eq!(report.status("lifecycle-policy"), Some(CheckStatus::Passed));
}
