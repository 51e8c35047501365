//! Lifecycle operations against ECR: read a repository's policy and every image (all pages, archived images
//! too), evaluate offline, optionally run ECR's own preview and report the differences, and put a policy only
//! after it validates.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::client::EcrClient;
use crate::error::{Error, Result};
use crate::time::{self, Timestamp};
use crate::types::ImageDetail;

use super::evaluate::EvaluationContext;
use super::lint::Warning;
use super::model::{ActionType, LifecyclePolicy};
use super::preview::{Preview, PreviewAction, PreviewResult, PreviewSummary, TransitioningCount, class_from_api};
use super::validate::Parsed;

/// Media types of manifest lists / image indexes, whose children ECR does not expire while the list lives.
pub(crate) const INDEX_MEDIA_TYPES: [&str; 2] = [
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
];

/// Options of [`EcrClient::lifecycle_preview`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecyclePreviewOptions {
    /// Evaluate this policy text instead of the repository's current policy.
    pub policy_text: Option<String>,
    /// The evaluation instant (default: now).
    pub now: Option<Timestamp>,
    /// Digests no rule may act on (images in use).
    pub protected: BTreeSet<String>,
    /// Also run ECR's own (asynchronous) preview and report differences.
    pub compare_with_ecr: bool,
    /// Pause between GetLifecyclePolicyPreview polls.
    pub poll_interval: Duration,
    /// How long to wait for ECR's preview to complete.
    pub ecr_timeout: Duration,
}

impl Default for LifecyclePreviewOptions {
    fn default() -> Self {
        Self {
            policy_text: None,
            now: None,
            protected: BTreeSet::new(),
            compare_with_ecr: false,
            poll_interval: Duration::from_secs(5),
            ecr_timeout: Duration::from_secs(300),
        }
    }
}

/// One image on which the offline preview and ECR's disagree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PreviewMismatch {
    /// The image.
    pub image_digest: String,
    /// What the offline evaluation says.
    pub offline: PreviewResult<'static>,
    /// What ECR says.
    pub ecr: PreviewResult<'static>,
}

/// The comparison of the offline preview with ECR's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EcrPreviewDiff {
    /// ECR's results (all pages).
    pub ecr_results: Vec<PreviewResult<'static>>,
    /// ECR's summary.
    pub ecr_summary: PreviewSummary,
    /// Images only the offline evaluation acts on.
    pub only_offline: Vec<PreviewResult<'static>>,
    /// Images only ECR acts on.
    pub only_ecr: Vec<PreviewResult<'static>>,
    /// Images both act on, with a different action or rule.
    pub mismatched: Vec<PreviewMismatch>,
}

impl EcrPreviewDiff {
    /// Whether both previews agree on every image.
    pub fn agrees(&self) -> bool {
        self.only_offline.is_empty() && self.only_ecr.is_empty() && self.mismatched.is_empty()
    }

    /// Compares an offline preview with ECR's results (by digest; action and rule priority must agree).
    pub fn compare(offline: &Preview<'_>, ecr: EcrLifecyclePreview) -> Self {
        let EcrLifecyclePreview {
            preview_results: ecr_results,
            summary: ecr_summary,
        } = ecr;
        let ours: BTreeMap<&str, &PreviewResult<'_>> =
            offline.preview_results.iter().map(|r| (&*r.image_digest, r)).collect();
        let theirs: BTreeMap<&str, &PreviewResult<'_>> = ecr_results.iter().map(|r| (&*r.image_digest, r)).collect();
        let mut diff = EcrPreviewDiff::default();
        for (digest, o) in &ours {
            match theirs.get(digest) {
                None => diff.only_offline.push((*o).clone().into_owned()),
                Some(e) if e.action != o.action || e.applied_rule_priority != o.applied_rule_priority => {
                    diff.mismatched.push(PreviewMismatch {
                        image_digest: (*digest).to_owned(),
                        offline: (*o).clone().into_owned(),
                        ecr: (*e).clone().into_owned(),
                    })
                }
                Some(_) => {}
            }
        }
        diff.only_ecr = theirs
            .iter()
            .filter(|(d, _)| !ours.contains_key(*d))
            .map(|(_, r)| (*r).clone().into_owned())
            .collect();
        diff.ecr_summary = ecr_summary;
        diff.ecr_results = ecr_results;
        diff
    }
}

/// What [`EcrClient::lifecycle_preview`] found.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "LifecycleReport")]
pub struct LifecyclePreviewReport {
    /// The repository.
    pub repository: String,
    /// The evaluated policy.
    pub policy: LifecyclePolicy,
    /// Its lint warnings.
    pub warnings: Vec<Warning>,
    /// Every image read (all pages, all storage classes).
    pub images: Vec<ImageDetail>,
    /// The offline preview.
    pub preview: Preview<'static>,
    /// The comparison with ECR's preview, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ecr_diff: Option<EcrPreviewDiff>,
}

/// ECR's own preview of a policy ([`EcrClient::ecr_lifecycle_preview`]): every result, and its summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EcrLifecyclePreview {
    /// Every result (all pages).
    pub preview_results: Vec<PreviewResult<'static>>,
    /// ECR's summary.
    pub summary: PreviewSummary,
}

impl EcrClient {
    /// The repository's lifecycle policy, validated ([`Error::LifecyclePolicyNotFound`] when it has none).
    pub async fn get_lifecycle_policy(&self, repository: &str) -> Result<Parsed> {
        let out = self
            .ecr()
            .get_lifecycle_policy()
            .repository_name(repository)
            .send()
            .await
            .map_err(Error::from_sdk)?;
        let text = out
            .lifecycle_policy_text()
            .ok_or_else(|| crate::client::missing("GetLifecyclePolicy", "lifecyclePolicyText"))?;
        LifecyclePolicy::parse(text)
    }

    /// Validates `policy_text` and only then puts it on the repository; returns its lint warnings. An invalid
    /// policy is never sent ([`Error::PolicyValidation`] lists every problem).
    pub async fn put_lifecycle_policy(&self, repository: &str, policy_text: &str) -> Result<Vec<Warning>> {
        let parsed = LifecyclePolicy::parse(policy_text)?;
        self.ecr()
            .put_lifecycle_policy()
            .repository_name(repository)
            .lifecycle_policy_text(policy_text)
            .send()
            .await
            .map_err(Error::from_sdk)?;
        Ok(parsed.warnings)
    }

    /// Every image of a repository in every storage status (ACTIVE, ARCHIVED, ACTIVATING), all pages.
    /// (DescribeImages without a status filter returns ACTIVE images only.)
    pub async fn describe_images_all_statuses(&self, repository: &str) -> Result<Vec<ImageDetail>> {
        use aws_sdk_ecr::types::{DescribeImagesFilter, ImageStatusFilter};
        let filter = DescribeImagesFilter::builder()
            .image_status(ImageStatusFilter::Any)
            .build();
        crate::client::read_image_pages(self.ecr().describe_images().repository_name(repository).filter(filter)).await
    }

    /// The children of every manifest list (image index) among `images`, read from their manifests with
    /// BatchGetImage (100 digests per call). Archived lists are skipped (they cannot be read, and do not keep
    /// children alive).
    pub async fn manifest_list_children(
        &self,
        repository: &str,
        images: &[ImageDetail],
    ) -> Result<BTreeMap<String, Vec<String>>> {
        let lists: Vec<&str> = images
            .iter()
            .filter(|i| i.image_status == crate::types::ImageStatus::Active)
            .filter(|i| {
                i.image_manifest_media_type
                    .as_deref()
                    .is_some_and(|m| INDEX_MEDIA_TYPES.contains(&m))
            })
            .map(|i| i.image_digest.as_str())
            .collect();
        let mut out = BTreeMap::new();
        for chunk in lists.chunks(100) {
            let mut req = self
                .ecr()
                .batch_get_image()
                .repository_name(repository)
                .set_accepted_media_types(Some(INDEX_MEDIA_TYPES.iter().map(|s| (*s).to_owned()).collect()));
            for digest in chunk {
                req = req.image_ids(crate::types::ImageId::digest(*digest).to_sdk());
            }
            let resp = req.send().await.map_err(Error::from_sdk)?;
            for image in resp.images() {
                let Some(digest) = image.image_id().and_then(|id| id.image_digest()) else {
                    continue;
                };
                let children = image.image_manifest().map(index_children).unwrap_or_default();
                out.insert(digest.to_owned(), children);
            }
        }
        Ok(out)
    }

    /// Starts ECR's own preview (of `policy_text`, or of the repository's policy), waits for it to complete and
    /// reads every page of its results.
    pub async fn ecr_lifecycle_preview(
        &self,
        repository: &str,
        policy_text: Option<&str>,
        poll_interval: Duration,
        timeout: Duration,
    ) -> Result<EcrLifecyclePreview> {
        use aws_sdk_ecr::types::LifecyclePolicyPreviewStatus as Status;
        self.ecr()
            .start_lifecycle_policy_preview()
            .repository_name(repository)
            .set_lifecycle_policy_text(policy_text.map(str::to_owned))
            .send()
            .await
            .map_err(Error::from_sdk)?;
        let started = Instant::now();
        let mut results = Vec::new();
        let mut summary = PreviewSummary::default();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .ecr()
                .get_lifecycle_policy_preview()
                .repository_name(repository)
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(Error::from_sdk)?;
            match page.status() {
                Some(Status::Complete) => {}
                Some(Status::InProgress) | None if token.is_none() => {
                    if started.elapsed() >= timeout {
                        return Err(Error::Timeout {
                            what: format!("ECR lifecycle policy preview of {repository}"),
                            after: timeout,
                        });
                    }
                    tokio::time::sleep(poll_interval).await;
                    continue;
                }
                Some(other) => {
                    return Err(Error::Service {
                        aws_code: format!("LifecyclePolicyPreview{}", title_case(other.as_str())),
                        message: format!(
                            "ECR's lifecycle policy preview of {repository} ended {}",
                            other.as_str()
                        ),
                        request_id: None,
                    });
                }
                None => return Err(crate::client::missing("GetLifecyclePolicyPreview", "status")),
            }
            for r in page.preview_results() {
                results.push(preview_result_from_sdk(r)?);
            }
            if let Some(s) = page.summary() {
                summary = summary_from_sdk(s);
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_owned()),
                _ => break,
            }
        }
        Ok(EcrLifecyclePreview {
            preview_results: results,
            summary,
        })
    }

    /// Reads the repository's policy (or evaluates `options.policy_text`) and every image, evaluates offline,
    /// and with `options.compare_with_ecr` runs ECR's own preview and reports differences.
    pub async fn lifecycle_preview(
        &self,
        repository: &str,
        options: &LifecyclePreviewOptions,
    ) -> Result<LifecyclePreviewReport> {
        let parsed = match &options.policy_text {
            Some(text) => LifecyclePolicy::parse(text)?,
            None => self.get_lifecycle_policy(repository).await?,
        };
        let images = self.describe_images_all_statuses(repository).await?;
        let children = self.manifest_list_children(repository, &images).await?;
        let mut context = EvaluationContext::new(options.now.unwrap_or_else(chrono::Utc::now));
        context.protected = options.protected.clone();
        context.manifest_list_children = children;
        let preview = parsed.policy.evaluate(&images, &context).into_owned();
        let ecr_diff = if options.compare_with_ecr {
            let ecr = self
                .ecr_lifecycle_preview(
                    repository,
                    options.policy_text.as_deref(),
                    options.poll_interval,
                    options.ecr_timeout,
                )
                .await?;
            Some(EcrPreviewDiff::compare(&preview, ecr))
        } else {
            None
        };
        Ok(LifecyclePreviewReport {
            repository: repository.to_owned(),
            policy: parsed.policy,
            warnings: parsed.warnings,
            images,
            preview,
            ecr_diff,
        })
    }
}

/// The digests an index manifest references (`manifests[].digest`); empty when it is not one.
pub(crate) fn index_children(manifest: &str) -> Vec<String> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(manifest) else {
        return Vec::new();
    };
    value
        .get("manifests")
        .and_then(|m| m.as_array())
        .map(|items| {
            items
                .iter()
                .filter_map(|m| m.get("digest").and_then(|d| d.as_str()).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn title_case(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(c) => c.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

fn preview_result_from_sdk(r: &aws_sdk_ecr::types::LifecyclePolicyPreviewResult) -> Result<PreviewResult<'static>> {
    let bad = |what: &str| Error::Transport {
        message: format!("GetLifecyclePolicyPreview result has {what}"),
        source: None,
    };
    let action = r.action().ok_or_else(|| bad("no action"))?;
    let action_type = match action.r#type().map(|t| t.as_str()).unwrap_or_default() {
        "EXPIRE" => ActionType::Expire,
        "TRANSITION" => ActionType::Transition,
        other => return Err(bad(&format!("an unknown action type {other}"))),
    };
    Ok(PreviewResult {
        image_tags: r.image_tags().to_vec().into(),
        image_digest: r.image_digest().ok_or_else(|| bad("no imageDigest"))?.to_owned().into(),
        image_pushed_at: r.image_pushed_at().and_then(time::from_smithy),
        action: PreviewAction {
            action_type,
            target_storage_class: action.target_storage_class().and_then(|c| class_from_api(c.as_str())),
        },
        applied_rule_priority: r
            .applied_rule_priority()
            .and_then(|p| u32::try_from(p).ok())
            .ok_or_else(|| bad("no appliedRulePriority"))?,
        storage_class: r
            .storage_class()
            .and_then(|c| class_from_api(c.as_str()))
            .unwrap_or(super::model::StorageClass::Standard),
    })
}

fn summary_from_sdk(s: &aws_sdk_ecr::types::LifecyclePolicyPreviewSummary) -> PreviewSummary {
    PreviewSummary {
        expiring_image_total_count: s
            .expiring_image_total_count()
            .and_then(|n| u64::try_from(n).ok())
            .unwrap_or(0),
        transitioning_image_total_counts: s
            .transitioning_image_total_counts()
            .iter()
            .filter_map(|t| {
                Some(TransitioningCount {
                    target_storage_class: class_from_api(t.target_storage_class()?.as_str())?,
                    image_total_count: t.image_total_count().and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
                })
            })
            .collect(),
    }
}
