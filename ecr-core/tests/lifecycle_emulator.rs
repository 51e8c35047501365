//! Lifecycle against the local ECR emulator (moto): put a policy (after validation), read it and every image
//! back, evaluate. Moto has no lifecycle preview and rejects archive policies, so ECR's preview comparison and
//! archived images are covered by the replayed tests in `ecr-core/src/lifecycle/tests.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::Duration;
use ecr_core::lifecycle::{ActionType, LifecyclePolicy, LifecyclePreviewOptions};
use ecr_core::types::RepositorySettings;
use sha2::Digest;

const POLICY: &str = r#"{"rules":[
  {"rulePriority":1,"description":"keep the 2 newest release images","selection":{"tagStatus":"tagged","tagPrefixList":["release"],"countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}},
  {"rulePriority":2,"description":"dev images go after 5 days","selection":{"tagStatus":"tagged","tagPatternList":["dev-*"],"countType":"sinceImagePushed","countUnit":"days","countNumber":5},"action":{"type":"expire"}}]}"#;

fn manifest(n: usize) -> String {
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":{n},"digest":"sha256:{n:064x}"}},"layers":[]}}"#
    )
}

#[tokio::test]
async fn put_policy_read_back_and_evaluate() {
    let emulator = support::emulator();
    let client = emulator.client().await;
    let repo = support::unique("lifecycle");
    client
        .create_repository(&repo, &RepositorySettings::recommended())
        .await
        .unwrap();
    let tags = ["release-1", "release-2", "release-3", "release-4", "dev-1"];
    for (i, tag) in tags.iter().enumerate() {
        // Moto only reports the manifest's real digest when it is passed explicitly (a known emulator gap).
        let body = manifest(i + 1);
        let digest = format!("sha256:{}", hex::encode(sha2::Sha256::digest(body.as_bytes())));
        client
            .put_image(&repo, &body, None, Some(tag), Some(&digest))
            .await
            .unwrap();
    }

    // An invalid policy never reaches the emulator; the repository keeps having no policy.
    let invalid = POLICY.replace(r#""countNumber":2"#, r#""countNumber":0"#);
    let err = client.put_lifecycle_policy(&repo, &invalid).await.unwrap_err();
    assert_eq!(err.code(), "PolicyValidation");
    assert_eq!(err.field_errors()[0].path, "rules[0].selection.countNumber");
    assert_eq!(
        client.get_lifecycle_policy(&repo).await.unwrap_err().code(),
        "LifecyclePolicyNotFound"
    );

    let warnings = client.put_lifecycle_policy(&repo, POLICY).await.unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let stored = client.get_lifecycle_policy(&repo).await.unwrap();
    assert_eq!(stored.policy, LifecyclePolicy::parse(POLICY).unwrap().policy);

    let images = client.describe_images_all_statuses(&repo).await.unwrap();
    assert_eq!(images.len(), tags.len());
    let distinct: std::collections::BTreeSet<&str> = images.iter().map(|i| i.image_digest.as_str()).collect();
    assert_eq!(distinct.len(), tags.len(), "one digest per image");
    let newest_push = images.iter().filter_map(|i| i.image_pushed_at).max().unwrap();

    // Ten days after the pushes: two release images exceed the keep count, dev-1 is older than 5 days.
    let options = LifecyclePreviewOptions {
        now: Some(newest_push + Duration::days(10)),
        ..LifecyclePreviewOptions::default()
    };
    let report = client.lifecycle_preview(&repo, &options).await.unwrap();
    assert_eq!(report.images.len(), tags.len());
    let results = &report.preview.preview_results;
    assert_eq!(results.len(), 3, "{results:?}");
    assert!(results.iter().all(|r| r.action.action_type == ActionType::Expire));
    let by_rule = |p: u32| results.iter().filter(|r| r.applied_rule_priority == p).count();
    assert_eq!(by_rule(1), 2);
    assert_eq!(by_rule(2), 1);
    let dev = results.iter().find(|r| r.applied_rule_priority == 2).unwrap();
    assert_eq!(*dev.image_tags, ["dev-1"]);
    // The two release images kept are the two newest by push time (digest breaks ties).
    let mut release: Vec<_> = images
        .iter()
        .filter(|i| i.image_tags[0].starts_with("release"))
        .collect();
    release.sort_by(|a, b| (b.image_pushed_at, &b.image_digest).cmp(&(a.image_pushed_at, &a.image_digest)));
    let expired: Vec<&str> = results
        .iter()
        .filter(|r| r.applied_rule_priority == 1)
        .map(|r| &*r.image_digest)
        .collect();
    for kept in &release[..2] {
        assert!(!expired.contains(&kept.image_digest.as_str()));
    }

    // Protecting an expiring image keeps it and reports which rule wanted it.
    let victim = expired[0].to_owned();
    let options = LifecyclePreviewOptions {
        protected: [victim.clone()].into_iter().collect(),
        ..options
    };
    let report = client.lifecycle_preview(&repo, &options).await.unwrap();
    assert!(report.preview.preview_results.iter().all(|r| r.image_digest != victim));
    assert_eq!(report.preview.protected_images.len(), 1);
    assert_eq!(report.preview.protected_images[0].image_digest, victim);
    assert_eq!(report.preview.protected_images[0].rule_priority, 1);
}
