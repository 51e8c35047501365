//! Replayed-response tests (aws-smithy-mocks) of the ECR side: ECR's own preview and the comparison with the
//! offline one, archived images and pagination, put-after-validate, and the deletion executor. Responses are
//! shaped like AWS's documented examples. The emulator (moto) cannot cover these: it has no lifecycle preview,
//! no image archiving, no pagination, and rejects archive policies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_ecr::Client;
use aws_sdk_ecr::operation::batch_delete_image::BatchDeleteImageOutput;
use aws_sdk_ecr::operation::batch_get_image::BatchGetImageOutput;
use aws_sdk_ecr::operation::describe_images::DescribeImagesOutput;
use aws_sdk_ecr::operation::get_lifecycle_policy::{GetLifecyclePolicyError, GetLifecyclePolicyOutput};
use aws_sdk_ecr::operation::get_lifecycle_policy_preview::GetLifecyclePolicyPreviewOutput;
use aws_sdk_ecr::operation::put_lifecycle_policy::PutLifecyclePolicyOutput;
use aws_sdk_ecr::operation::start_lifecycle_policy_preview::StartLifecyclePolicyPreviewOutput;
use aws_sdk_ecr::types::{
    Image, ImageActionType, ImageDetail as SdkImageDetail, ImageFailure, ImageFailureCode, ImageIdentifier,
    ImageStatus as SdkImageStatus, ImageStatusFilter, LifecyclePolicyPreviewResult as SdkResult,
    LifecyclePolicyPreviewStatus, LifecyclePolicyPreviewSummary, LifecyclePolicyRuleAction,
    LifecyclePolicyStorageClass,
};
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, mock};
use aws_smithy_types::DateTime;

use super::*;
use crate::EcrClient;
use crate::error::Error;

const NOW: i64 = 1_780_000_000; // 2026-05-28T20:26:40Z

/// A client answering from `rules` (any order), with retries off.
pub(crate) fn client(rules: &[&Rule]) -> EcrClient {
    let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for r in rules {
        interceptor = interceptor.with_rule(r);
    }
    let conf = aws_sdk_ecr::Config::builder()
        .behavior_version(aws_sdk_ecr::config::BehaviorVersion::latest())
        .region(aws_sdk_ecr::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_ecr::config::Credentials::new(
            "AKIDTEST", "secret", None, None, "test",
        ))
        .retry_config(aws_sdk_ecr::config::retry::RetryConfig::disabled())
        .http_client(aws_smithy_mocks::create_mock_http_client())
        .interceptor(interceptor)
        .build();
    let sdk = aws_config::SdkConfig::builder()
        .region(aws_sdk_ecr::config::Region::new("us-east-1"))
        .build();
    EcrClient::from_sdk_client(Client::from_conf(conf), sdk)
}

fn days_ago(days: i64) -> DateTime {
    DateTime::from_secs(NOW - days * 86_400)
}

pub(crate) fn detail(digest: &str, tags: &[&str], days: i64) -> SdkImageDetail {
    SdkImageDetail::builder()
        .registry_id("123456789012")
        .repository_name("team/app")
        .image_digest(digest)
        .set_image_tags(Some(tags.iter().map(|t| (*t).to_owned()).collect()))
        .image_pushed_at(days_ago(days))
        .image_size_in_bytes(1_000)
        .image_manifest_media_type("application/vnd.oci.image.manifest.v1+json")
        .image_status(SdkImageStatus::Active)
        .build()
}

const POLICY: &str = r#"{"rules":[
 {"rulePriority":1,"description":"keep 2 release images","selection":{"tagStatus":"tagged","tagPatternList":["release-*"],"countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}},
 {"rulePriority":2,"description":"archive old images","selection":{"tagStatus":"any","countType":"sinceImagePushed","countUnit":"days","countNumber":30},"action":{"type":"transition","targetStorageClass":"archive"}},
 {"rulePriority":3,"description":"delete after a year in archive","selection":{"tagStatus":"any","storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":365},"action":{"type":"expire"}}]}"#;

pub(crate) fn ecr_result(digest: &str, tags: &[&str], days: i64, action: ImageActionType, prio: i32) -> SdkResult {
    let mut a = LifecyclePolicyRuleAction::builder().r#type(action.clone());
    if action == ImageActionType::Transition {
        a = a.target_storage_class(aws_sdk_ecr::types::LifecyclePolicyTargetStorageClass::Archive);
    }
    SdkResult::builder()
        .image_digest(digest)
        .set_image_tags(Some(tags.iter().map(|t| (*t).to_owned()).collect()))
        .image_pushed_at(days_ago(days))
        .action(a.build())
        .applied_rule_priority(prio)
        .storage_class(LifecyclePolicyStorageClass::Standard)
        .build()
}

/// A repository in three DescribeImages pages (the paginator must read all), one image archived.
/// DescribeImages requests seen: (nextToken, filter.imageStatus).
type SeenRequests = Arc<Mutex<Vec<(Option<String>, Option<String>)>>>;

fn describe_images_rule(requests: SeenRequests) -> Rule {
    mock!(Client::describe_images).then_compute_output(move |req| {
        requests.lock().unwrap().push((
            req.next_token().map(str::to_owned),
            req.filter()
                .and_then(|f| f.image_status())
                .map(|s| s.as_str().to_owned()),
        ));
        match req.next_token() {
            None => DescribeImagesOutput::builder()
                .image_details(detail("sha256:r1", &["release-1"], 50))
                .image_details(detail("sha256:r2", &["release-2"], 40))
                .next_token("page-2")
                .build(),
            Some("page-2") => DescribeImagesOutput::builder()
                .image_details(detail("sha256:r3", &["release-3"], 20))
                .image_details(detail("sha256:r4", &["release-4"], 10))
                .next_token("page-3")
                .build(),
            _ => DescribeImagesOutput::builder()
                .image_details(detail("sha256:dev", &["dev-7"], 35))
                .image_details(
                    SdkImageDetail::builder()
                        .image_digest("sha256:old-archived")
                        .image_tags("release-0")
                        .image_pushed_at(days_ago(900))
                        .image_size_in_bytes(5_000)
                        .image_status(SdkImageStatus::Archived)
                        .last_archived_at(days_ago(400))
                        .build(),
                )
                .build(),
        }
    })
}

#[tokio::test]
async fn preview_reads_every_page_including_archived_images_and_compares_with_ecr() {
    let describe_requests = Arc::new(Mutex::new(Vec::new()));
    let describe = describe_images_rule(describe_requests.clone());
    let get_policy = mock!(Client::get_lifecycle_policy)
        .match_requests(|r| r.repository_name() == Some("team/app"))
        .then_output(|| {
            GetLifecyclePolicyOutput::builder()
                .registry_id("123456789012")
                .repository_name("team/app")
                .lifecycle_policy_text(POLICY)
                .build()
        });
    let start = mock!(Client::start_lifecycle_policy_preview).then_output(|| {
        StartLifecyclePolicyPreviewOutput::builder()
            .repository_name("team/app")
            .status(LifecyclePolicyPreviewStatus::InProgress)
            .build()
    });
    // ECR's preview: in progress first, then two pages. ECR disagrees on two images on purpose.
    let polls = Arc::new(Mutex::new(0usize));
    let polls2 = polls.clone();
    let get_preview = mock!(Client::get_lifecycle_policy_preview).then_compute_output(move |req| {
        *polls2.lock().unwrap() += 1;
        let first = *polls2.lock().unwrap() == 1;
        if first {
            return GetLifecyclePolicyPreviewOutput::builder()
                .status(LifecyclePolicyPreviewStatus::InProgress)
                .build();
        }
        let summary = LifecyclePolicyPreviewSummary::builder()
            .expiring_image_total_count(3)
            .build();
        match req.next_token() {
            None => GetLifecyclePolicyPreviewOutput::builder()
                .status(LifecyclePolicyPreviewStatus::Complete)
                .preview_results(ecr_result("sha256:r1", &["release-1"], 50, ImageActionType::Expire, 1))
                .preview_results(ecr_result("sha256:r2", &["release-2"], 40, ImageActionType::Expire, 1))
                .summary(summary)
                .next_token("more")
                .build(),
            Some(_) => GetLifecyclePolicyPreviewOutput::builder()
                .status(LifecyclePolicyPreviewStatus::Complete)
                // Offline says TRANSITION by rule 2 for dev; ECR (here) says EXPIRE by rule 1: a mismatch.
                .preview_results(ecr_result("sha256:dev", &["dev-7"], 35, ImageActionType::Expire, 1))
                .summary(summary)
                .build(),
        }
    });
    let batch_get = mock!(Client::batch_get_image).then_output(|| BatchGetImageOutput::builder().build());
    let c = client(&[&describe, &get_policy, &start, &get_preview, &batch_get]);
    let now = crate::time::from_epoch_seconds(NOW as f64).unwrap();
    let options = LifecyclePreviewOptions {
        now: Some(now),
        compare_with_ecr: true,
        poll_interval: Duration::ZERO,
        ..LifecyclePreviewOptions::default()
    };
    let report = c.lifecycle_preview("team/app", &options).await.unwrap();

    // Every page was read, always asking for every storage status.
    let reqs = describe_requests.lock().unwrap().clone();
    assert_eq!(
        reqs.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>(),
        [None, Some("page-2".to_owned()), Some("page-3".to_owned())]
    );
    assert!(
        reqs.iter()
            .all(|(_, s)| s.as_deref() == Some(ImageStatusFilter::Any.as_str()))
    );
    assert_eq!(report.images.len(), 6);
    assert_eq!(batch_get.num_calls(), 0, "no manifest lists, no BatchGetImage");

    // Offline: r1, r2 expire (keep 2 newest release-*), dev transitions, the archived image expires by rule 3.
    let got: Vec<(&str, ActionType, u32)> = report
        .preview
        .preview_results
        .iter()
        .map(|r| (&*r.image_digest, r.action.action_type, r.applied_rule_priority))
        .collect();
    assert_eq!(
        got,
        [
            ("sha256:r1", ActionType::Expire, 1),
            ("sha256:r2", ActionType::Expire, 1),
            ("sha256:dev", ActionType::Transition, 2),
            ("sha256:old-archived", ActionType::Expire, 3),
        ]
    );
    assert_eq!(report.preview.preview_results[3].storage_class, StorageClass::Archive);

    // ECR's preview was polled past IN_PROGRESS and both pages read.
    assert_eq!(start.num_calls(), 1);
    assert_eq!(*polls.lock().unwrap(), 3);
    let diff = report.ecr_diff.unwrap();
    assert_eq!(diff.ecr_results.len(), 3);
    assert_eq!(diff.ecr_summary.expiring_image_total_count, 3);
    assert!(!diff.agrees());
    assert_eq!(diff.mismatched.len(), 1);
    assert_eq!(diff.mismatched[0].image_digest, "sha256:dev");
    assert_eq!(diff.mismatched[0].ecr.action.action_type, ActionType::Expire);
    assert_eq!(
        diff.only_offline.iter().map(|r| &*r.image_digest).collect::<Vec<_>>(),
        ["sha256:old-archived"]
    );
    assert!(diff.only_ecr.is_empty());
}

#[tokio::test]
async fn manifest_list_children_are_read_from_index_manifests_and_blocked() {
    let describe = mock!(Client::describe_images).then_output(|| {
        DescribeImagesOutput::builder()
            .image_details(
                SdkImageDetail::builder()
                    .image_digest("sha256:index")
                    .image_tags("v1")
                    .image_pushed_at(days_ago(20))
                    .image_manifest_media_type("application/vnd.oci.image.index.v1+json")
                    .build(),
            )
            .image_details(detail("sha256:amd64", &[], 20))
            .image_details(detail("sha256:arm64", &[], 20))
            .image_details(detail("sha256:stray", &[], 20))
            .build()
    });
    let batch_get = mock!(Client::batch_get_image)
        .match_requests(|r| r.image_ids().len() == 1 && r.image_ids()[0].image_digest() == Some("sha256:index"))
        .then_output(|| {
            BatchGetImageOutput::builder()
                .images(
                    Image::builder()
                        .image_id(ImageIdentifier::builder().image_digest("sha256:index").build())
                        .image_manifest(
                            r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
                            {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:amd64","size":1,"platform":{"architecture":"amd64","os":"linux"}},
                            {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:arm64","size":1,"platform":{"architecture":"arm64","os":"linux"}}]}"#,
                        )
                        .build(),
                )
                .build()
        });
    let c = client(&[&describe, &batch_get]);
    let text = r#"{"rules":[{"rulePriority":1,"description":"untagged go after a week","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":7},"action":{"type":"expire"}}]}"#;
    let options = LifecyclePreviewOptions {
        policy_text: Some(text.to_owned()),
        now: crate::time::from_epoch_seconds(NOW as f64),
        ..LifecyclePreviewOptions::default()
    };
    let report = c.lifecycle_preview("team/app", &options).await.unwrap();
    assert_eq!(batch_get.num_calls(), 1);
    assert_eq!(report.preview.expiring_digests(), ["sha256:stray"]);
    let blocked: Vec<&str> = report
        .preview
        .blocked_images
        .iter()
        .map(|b| b.image_digest.as_str())
        .collect();
    assert_eq!(blocked, ["sha256:amd64", "sha256:arm64"]);
    assert_eq!(report.preview.blocked_images[0].referenced_by, ["sha256:index"]);
}

#[tokio::test]
async fn ecr_preview_failure_and_timeout_are_errors() {
    let start = mock!(Client::start_lifecycle_policy_preview)
        .then_output(|| StartLifecyclePolicyPreviewOutput::builder().build());
    let failed = mock!(Client::get_lifecycle_policy_preview).then_output(|| {
        GetLifecyclePolicyPreviewOutput::builder()
            .status(LifecyclePolicyPreviewStatus::Failed)
            .build()
    });
    let c = client(&[&start, &failed]);
    let err = c
        .ecr_lifecycle_preview("team/app", None, Duration::ZERO, Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Service { aws_code, .. } if aws_code == "LifecyclePolicyPreviewFailed"),
        "{err}"
    );

    let start = mock!(Client::start_lifecycle_policy_preview)
        .then_output(|| StartLifecyclePolicyPreviewOutput::builder().build());
    let forever = mock!(Client::get_lifecycle_policy_preview).then_output(|| {
        GetLifecyclePolicyPreviewOutput::builder()
            .status(LifecyclePolicyPreviewStatus::InProgress)
            .build()
    });
    let c = client(&[&start, &forever]);
    let err = c
        .ecr_lifecycle_preview("team/app", None, Duration::from_millis(5), Duration::from_millis(30))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "Timeout");
    assert!(forever.num_calls() >= 2);
}

#[tokio::test]
async fn put_lifecycle_policy_validates_first() {
    let sent = Arc::new(Mutex::new(Vec::new()));
    let sent2 = sent.clone();
    let put = mock!(Client::put_lifecycle_policy).then_compute_output(move |req| {
        sent2
            .lock()
            .unwrap()
            .push(req.lifecycle_policy_text().unwrap_or_default().to_owned());
        PutLifecyclePolicyOutput::builder().repository_name("team/app").build()
    });
    let c = client(&[&put]);
    let invalid = POLICY.replace("\"countNumber\":365", "\"countNumber\":30");
    let err = c.put_lifecycle_policy("team/app", &invalid).await.unwrap_err();
    assert_eq!(err.code(), "PolicyValidation");
    assert_eq!(err.field_errors()[0].path, "rules[2].selection.countNumber");
    assert_eq!(put.num_calls(), 0, "an invalid policy is never sent");
    let warnings = c.put_lifecycle_policy("team/app", POLICY).await.unwrap();
    assert!(warnings.is_empty());
    assert_eq!(sent.lock().unwrap().as_slice(), [POLICY.to_owned()]);
}

#[tokio::test]
async fn missing_policy_maps_to_lifecycle_policy_not_found() {
    let get = mock!(Client::get_lifecycle_policy).then_error(|| {
        GetLifecyclePolicyError::LifecyclePolicyNotFoundException(
            aws_sdk_ecr::types::error::LifecyclePolicyNotFoundException::builder()
                .message("Lifecycle policy does not exist for the repository with name 'team/app' in the registry with id '123456789012'")
                .meta(meta("LifecyclePolicyNotFoundException"))
                .build(),
        )
    });
    let c = client(&[&get]);
    let err = c.get_lifecycle_policy("team/app").await.unwrap_err();
    assert_eq!(err.code(), "LifecyclePolicyNotFound");
}

/// The error metadata the SDK's deserializer attaches to a modeled error (its code).
fn meta(code: &str) -> aws_sdk_ecr::error::ErrorMetadata {
    aws_sdk_ecr::error::ErrorMetadata::builder().code(code).build()
}

// ---- executor ----

fn preview_expiring(n: usize) -> Preview<'static> {
    let mut p = Preview::default();
    for i in 0..n {
        p.preview_results.push(PreviewResult {
            image_tags: vec![].into(),
            image_digest: format!("sha256:{i:04}").into(),
            image_pushed_at: None,
            action: PreviewAction::from(Action::EXPIRE),
            applied_rule_priority: 1,
            storage_class: StorageClass::Standard,
        });
    }
    // A transition is never executed by the deletion executor.
    p.preview_results.push(PreviewResult {
        image_tags: vec!["t".into()].into(),
        image_digest: "sha256:transition".into(),
        image_pushed_at: None,
        action: PreviewAction::from(Action::TRANSITION_TO_ARCHIVE),
        applied_rule_priority: 2,
        storage_class: StorageClass::Standard,
    });
    p
}

/// BatchDeleteImage that confirms every id except the listed ones (reported as not found) and records batch
/// sizes.
fn batch_delete(sizes: Arc<Mutex<Vec<usize>>>, fail: &'static [&'static str], silent: &'static [&'static str]) -> Rule {
    mock!(Client::batch_delete_image).then_compute_output(move |req| {
        sizes.lock().unwrap().push(req.image_ids().len());
        let mut out = BatchDeleteImageOutput::builder();
        for id in req.image_ids() {
            let d = id.image_digest().unwrap_or_default();
            if fail.contains(&d) {
                out = out.failures(
                    ImageFailure::builder()
                        .image_id(id.clone())
                        .failure_code(ImageFailureCode::ImageNotFound)
                        .failure_reason("Requested image not found")
                        .build(),
                );
            } else if !silent.contains(&d) {
                out = out.image_ids(id.clone());
            }
        }
        out.build()
    })
}

#[tokio::test]
async fn executor_is_dry_run_by_default() {
    let sizes = Arc::new(Mutex::new(Vec::new()));
    let del = batch_delete(sizes.clone(), &[], &[]);
    let c = client(&[&del]);
    let report = c
        .expire_images("team/app", &preview_expiring(3), &ExpireOptions::default())
        .await
        .unwrap();
    assert!(report.dry_run);
    assert_eq!(report.requested.len(), 3);
    assert!(report.deleted.is_empty());
    assert_eq!(del.num_calls(), 0);
}

#[tokio::test]
async fn executor_deletes_in_batches_of_at_most_100() {
    let sizes = Arc::new(Mutex::new(Vec::new()));
    let del = batch_delete(sizes.clone(), &[], &[]);
    let c = client(&[&del]);
    let options = ExpireOptions {
        dry_run: false,
        max_deletions: 1_000,
        ..ExpireOptions::default()
    };
    let preview = preview_expiring(250);
    let report = c.expire_images("team/app", &preview, &options).await.unwrap();
    assert_eq!(sizes.lock().unwrap().as_slice(), [100, 100, 50]);
    assert_eq!(report.batches, 3);
    assert_eq!(report.deleted.len(), 250);
    assert!(report.failures.is_empty());
    assert!(!report.deleted.contains(&"sha256:transition".to_owned()));
    assert_eq!(report.deleted, preview.expiring_digests());
}

#[tokio::test]
async fn executor_reports_partial_failures_per_image() {
    const FAIL: &[&str] = &["sha256:0001"];
    const SILENT: &[&str] = &["sha256:0002"];
    let sizes = Arc::new(Mutex::new(Vec::new()));
    let del = batch_delete(sizes, FAIL, SILENT);
    let c = client(&[&del]);
    let options = ExpireOptions {
        dry_run: false,
        ..ExpireOptions::default()
    };
    let report = c
        .expire_images("team/app", &preview_expiring(4), &options)
        .await
        .unwrap();
    assert_eq!(report.deleted.len(), 2);
    let failures: Vec<(&str, &str)> = report
        .failures
        .iter()
        .map(|f| (f.image_digest.as_str(), f.failure_code.as_str()))
        .collect();
    assert_eq!(failures, [(FAIL[0], "ImageNotFound"), (SILENT[0], "Unconfirmed")]);
}

#[tokio::test]
async fn executor_stops_after_a_failed_call_and_reports_the_rest() {
    let del = mock!(Client::batch_delete_image).then_error(|| {
        aws_sdk_ecr::operation::batch_delete_image::BatchDeleteImageError::RepositoryNotFoundException(
            aws_sdk_ecr::types::error::RepositoryNotFoundException::builder()
                .message("The repository with name 'team/app' does not exist")
                .meta(meta("RepositoryNotFoundException"))
                .build(),
        )
    });
    let c = client(&[&del]);
    let options = ExpireOptions {
        dry_run: false,
        max_deletions: 500,
        ..ExpireOptions::default()
    };
    let report = c
        .expire_images("team/app", &preview_expiring(150), &options)
        .await
        .unwrap();
    assert_eq!(del.num_calls(), 1);
    assert_eq!(report.failures.len(), 150);
    assert_eq!(report.failures[0].failure_code, "RepositoryNotFound");
    assert_eq!(report.failures[149].failure_code, "NotAttempted");
    assert!(report.deleted.is_empty());
}

#[tokio::test]
async fn executor_refuses_protected_digests_and_too_many_deletions() {
    let sizes = Arc::new(Mutex::new(Vec::new()));
    let del = batch_delete(sizes, &[], &[]);
    let c = client(&[&del]);
    let preview = preview_expiring(5);
    let protected_digest = preview.preview_results[2].image_digest.to_string();
    let options = ExpireOptions {
        dry_run: false,
        protected: [protected_digest.clone()].into_iter().collect(),
        ..ExpireOptions::default()
    };
    let err = c.expire_images("team/app", &preview, &options).await.unwrap_err();
    assert_eq!(err.code(), "Refused");
    assert!(err.to_string().contains(&protected_digest));

    // A preview whose own protectedImages lists an expiring digest is refused too (tampered or merged JSON).
    let mut tampered = preview.clone();
    tampered.protected_images.push(SkippedImage {
        image_digest: protected_digest,
        image_tags: vec![],
        rule_priority: 1,
        action: PreviewAction::from(Action::EXPIRE),
        reason: SkipReason::Protected,
        referenced_by: vec![],
    });
    let options = ExpireOptions {
        dry_run: false,
        ..ExpireOptions::default()
    };
    assert_eq!(
        c.expire_images("team/app", &tampered, &options)
            .await
            .unwrap_err()
            .code(),
        "Refused"
    );

    let options = ExpireOptions {
        dry_run: false,
        max_deletions: 4,
        ..ExpireOptions::default()
    };
    let err = c.expire_images("team/app", &preview, &options).await.unwrap_err();
    assert_eq!(err.code(), "Refused");
    assert!(err.to_string().contains("more than the maximum of 4"));
    assert_eq!(del.num_calls(), 0, "nothing is deleted when a guard refuses");
}
