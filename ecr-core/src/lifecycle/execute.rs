//! The opt-in executor: deletes exactly the images a preview expires, with BatchDeleteImage in batches of at
//! most 100. Dry-run by default; refuses protected digests and more deletions than allowed, before deleting
//! anything; reports every image that failed.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::client::EcrClient;
use crate::error::{Error, Result};
use crate::types::ImageId;

use super::preview::Preview;

/// Most image ids one BatchDeleteImage call accepts.
pub const MAX_BATCH: usize = 100;

/// Options of [`EcrClient::expire_images`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpireOptions {
    /// Report what would be deleted without deleting (default `true`).
    pub dry_run: bool,
    /// Refuse to run when the preview expires more images than this (default 100).
    pub max_deletions: usize,
    /// Digests that must never be deleted (in addition to the preview's `protectedImages`).
    pub protected: BTreeSet<String>,
}

impl Default for ExpireOptions {
    fn default() -> Self {
        Self {
            dry_run: true,
            max_deletions: 100,
            protected: BTreeSet::new(),
        }
    }
}

/// One image that could not be deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExpireFailure {
    /// The image.
    pub image_digest: String,
    /// ECR's failure code (e.g. `ImageNotFound`), an ecr-core error code, or `NotAttempted`.
    pub failure_code: String,
    /// Why.
    pub failure_reason: String,
}

/// What [`EcrClient::expire_images`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExpireReport {
    /// Whether this was a dry run (nothing deleted).
    pub dry_run: bool,
    /// Every digest the preview expires, in preview order.
    pub requested: Vec<String>,
    /// Digests ECR confirmed deleted.
    pub deleted: Vec<String>,
    /// Digests not deleted, with the reason.
    pub failures: Vec<ExpireFailure>,
    /// BatchDeleteImage calls made.
    pub batches: usize,
}

impl EcrClient {
    /// Deletes exactly the images `preview` expires (its `EXPIRE` results; transitions are left to ECR).
    ///
    /// Dry-run unless `options.dry_run` is `false`. Before anything is deleted it refuses ([`Error::Refused`])
    /// when a digest is protected (by `options.protected` or the preview's `protectedImages` /
    /// `blockedImages`) or when more than `options.max_deletions` images would go. A failed call stops the run;
    /// its images and those of later batches are reported as failures.
    pub async fn expire_images(
        &self,
        repository: &str,
        preview: &Preview<'_>,
        options: &ExpireOptions,
    ) -> Result<ExpireReport> {
        let mut seen = BTreeSet::new();
        let requested: Vec<String> = preview
            .expiring_digests()
            .into_iter()
            .filter(|d| seen.insert(*d))
            .map(str::to_owned)
            .collect();
        let shielded: BTreeSet<&str> = options
            .protected
            .iter()
            .map(String::as_str)
            .chain(preview.protected_images.iter().map(|s| s.image_digest.as_str()))
            .chain(preview.blocked_images.iter().map(|s| s.image_digest.as_str()))
            .collect();
        let refused: Vec<&str> = requested
            .iter()
            .map(String::as_str)
            .filter(|d| shielded.contains(d))
            .collect();
        if !refused.is_empty() {
            return Err(Error::Refused {
                message: format!(
                    "the preview expires protected digest(s) {}; nothing was deleted",
                    refused.join(", ")
                ),
            });
        }
        if let Some(bad) = requested.iter().find(|d| d.trim().is_empty()) {
            return Err(Error::invalid(
                "preview",
                format!("empty image digest {bad:?} in previewResults"),
            ));
        }
        if requested.len() > options.max_deletions {
            return Err(Error::Refused {
                message: format!(
                    "the preview expires {} images, more than the maximum of {}; nothing was deleted",
                    requested.len(),
                    options.max_deletions
                ),
            });
        }
        let mut report = ExpireReport {
            dry_run: options.dry_run,
            requested,
            ..ExpireReport::default()
        };
        if options.dry_run {
            return Ok(report);
        }
        let batches: Vec<&[String]> = report.requested.chunks(MAX_BATCH).collect();
        let mut stopped: Option<Error> = None;
        let mut deleted = Vec::new();
        let mut failures = Vec::new();
        let mut calls = 0;
        for batch in batches {
            if let Some(err) = &stopped {
                failures.extend(batch.iter().map(|d| ExpireFailure {
                    image_digest: d.clone(),
                    failure_code: "NotAttempted".to_owned(),
                    failure_reason: format!("an earlier batch failed: {err}"),
                }));
                continue;
            }
            let mut req = self.ecr().batch_delete_image().repository_name(repository);
            for digest in batch {
                req = req.image_ids(ImageId::digest(digest.clone()).to_sdk());
            }
            calls += 1;
            match req.send().await.map_err(Error::from_sdk) {
                Ok(out) => {
                    let mut confirmed = BTreeSet::new();
                    for id in out.image_ids() {
                        if let Some(d) = id.image_digest()
                            && confirmed.insert(d.to_owned())
                        {
                            deleted.push(d.to_owned());
                        }
                    }
                    let mut reported = BTreeSet::new();
                    for f in out.failures() {
                        let digest = f
                            .image_id()
                            .and_then(|i| i.image_digest())
                            .unwrap_or_default()
                            .to_owned();
                        reported.insert(digest.clone());
                        let failure_code = f
                            .failure_code()
                            .map(|c| c.as_str().to_owned())
                            .unwrap_or_else(|| "Unknown".to_owned());
                        let mut failure_reason = f.failure_reason().unwrap_or_default().to_owned();
                        if failure_code == "ImageNotFound" {
                            // Not deleted by this call, but absent: someone else deleted it, or an earlier
                            // attempt of this very request did and its answer was lost (the SDK retried).
                            failure_reason.push_str(
                                " (the image is absent: deleted by someone else, or by an earlier attempt of this request whose answer was lost)",
                            );
                        }
                        failures.push(ExpireFailure {
                            image_digest: digest,
                            failure_code,
                            failure_reason,
                        });
                    }
                    // Digests ECR neither confirmed nor reported failed are failures too: never claim success.
                    for d in batch {
                        if !confirmed.contains(d) && !reported.contains(d) {
                            failures.push(ExpireFailure {
                                image_digest: d.clone(),
                                failure_code: "Unconfirmed".to_owned(),
                                failure_reason: "BatchDeleteImage neither confirmed nor reported this image".to_owned(),
                            });
                        }
                    }
                }
                Err(err) => {
                    failures.extend(batch.iter().map(|d| ExpireFailure {
                        image_digest: d.clone(),
                        failure_code: err.code().to_owned(),
                        failure_reason: err.to_string(),
                    }));
                    stopped = Some(err);
                }
            }
        }
        report.deleted = deleted;
        report.failures = failures;
        report.batches = calls;
        Ok(report)
    }
}
