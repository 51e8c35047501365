//! Tags → digest in one BatchGetImage, with every manifest and index media type accepted; and the
//! integrity of what came back (digest = sha256 of the exact manifest bytes).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::manifest::{ACCEPTED_MEDIA_TYPES, sha256_digest};
use super::report::Finding;
use crate::client::EcrClient;
use crate::error::{Error, Result};
use crate::types::ImageId;

/// BatchGetImage accepts at most this many image ids per call.
const MAX_IDS_PER_CALL: usize = 100;

/// One image BatchGetImage returned, with the exact manifest text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FetchedImage {
    /// The id as ECR echoed it (the requested tag or digest, with the digest filled in).
    pub image_id: ImageId,
    /// The digest ECR reports.
    pub digest: String,
    /// The manifest exactly as returned (hash these bytes, never a re-serialisation).
    pub manifest: String,
    /// The manifest media type ECR reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
}

/// One id BatchGetImage could not return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImageFailure {
    /// The id that failed.
    pub image_id: ImageId,
    /// ECR's failure code (`ImageNotFound`, `ImageTagDoesNotMatchDigest`, ...).
    pub code: String,
    /// ECR's reason.
    pub reason: String,
}

/// What BatchGetImage returned for a set of ids.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ImageLookup {
    /// The images found.
    pub images: Vec<FetchedImage>,
    /// The ids not found, with ECR's reason.
    pub failures: Vec<ImageFailure>,
}

/// Why a tag does not resolve to the expected digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase", tag = "problem")]
pub enum TagProblem {
    /// The tag does not exist (`ImageNotFound`).
    NotFound {
        /// ECR's reason.
        reason: String,
    },
    /// The tag points at another image.
    PointsElsewhere {
        /// The digest the tag points at.
        actual_digest: String,
    },
    /// ECR reported `ImageTagDoesNotMatchDigest` for a `{tag, digest}` id.
    TagDoesNotMatchDigest {
        /// ECR's reason.
        reason: String,
    },
    /// Any other failure code.
    Failure {
        /// ECR's failure code.
        code: String,
        /// ECR's reason.
        reason: String,
    },
}

/// Each expected tag's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TagResolution {
    /// Tags that point at the expected digest.
    pub ok: Vec<String>,
    /// Tags that do not, and why.
    pub problems: BTreeMap<String, TagProblem>,
}

impl TagResolution {
    /// The tags check.
    pub fn finding(&self, expected_digest: &str) -> Finding {
        let details = json!({ "expectedDigest": expected_digest, "ok": self.ok, "problems": self.problems });
        if self.problems.is_empty() {
            Finding::pass(format!("{} tag(s) point at {expected_digest}", self.ok.len()), details)
        } else {
            let list: Vec<String> = self
                .problems
                .iter()
                .map(|(tag, p)| match p {
                    TagProblem::NotFound { .. } => format!("{tag}: not found"),
                    TagProblem::PointsElsewhere { actual_digest } => format!("{tag}: points at {actual_digest}"),
                    TagProblem::TagDoesNotMatchDigest { .. } => format!("{tag}: does not match the digest"),
                    TagProblem::Failure { code, .. } => format!("{tag}: {code}"),
                })
                .collect();
            Finding::fail(list.join("; "), details)
        }
    }
}

/// Classifies a BatchGetImage failure for a tag.
fn problem_from_failure(f: &ImageFailure) -> TagProblem {
    match f.code.as_str() {
        "ImageNotFound" => TagProblem::NotFound {
            reason: f.reason.clone(),
        },
        "ImageTagDoesNotMatchDigest" => TagProblem::TagDoesNotMatchDigest {
            reason: f.reason.clone(),
        },
        _ => TagProblem::Failure {
            code: f.code.clone(),
            reason: f.reason.clone(),
        },
    }
}

/// Resolves each tag against a lookup made with ids `[tag..., expected digest]`: a tag is answered by the
/// image whose echoed id carries that tag, or by a failure naming it. Tags neither answered nor failed are
/// returned separately (a registry that does not echo the requested tag).
pub(crate) fn resolve_from_lookup(
    lookup: &ImageLookup,
    tags: &[String],
    expected_digest: &str,
) -> (TagResolution, Vec<String>) {
    let mut res = TagResolution::default();
    let mut unanswered = Vec::new();
    for tag in tags {
        let image = lookup
            .images
            .iter()
            .find(|i| i.image_id.image_tag.as_deref() == Some(tag.as_str()));
        let failure = lookup
            .failures
            .iter()
            .find(|f| f.image_id.image_tag.as_deref() == Some(tag.as_str()));
        match (image, failure) {
            (_, Some(f)) => {
                res.problems.insert(tag.clone(), problem_from_failure(f));
            }
            (Some(i), None) if i.digest == expected_digest => res.ok.push(tag.clone()),
            (Some(i), None) => {
                res.problems.insert(
                    tag.clone(),
                    TagProblem::PointsElsewhere {
                        actual_digest: i.digest.clone(),
                    },
                );
            }
            (None, None) => unanswered.push(tag.clone()),
        }
    }
    (res, unanswered)
}

/// The integrity check: every returned digest is the sha256 of its exact manifest bytes, and the expected
/// digest was among them.
pub fn check_integrity(images: &[FetchedImage], expected_digest: &str) -> Finding {
    let mut seen = BTreeSet::new();
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for i in images {
        if !seen.insert(i.digest.clone()) {
            continue;
        }
        let computed = sha256_digest(i.manifest.as_bytes());
        let ok = computed == i.digest;
        if !ok {
            bad.push(format!("{} hashes to {computed}", i.digest));
        }
        rows.push(json!({ "digest": i.digest, "computed": computed, "ok": ok }));
    }
    let details = json!({ "manifests": rows });
    if !seen.contains(expected_digest) {
        return Finding::fail(format!("image {expected_digest} not found"), details);
    }
    if bad.is_empty() {
        Finding::pass(format!("{} manifest(s) match their digests", rows.len()), details)
    } else {
        Finding::fail(format!("manifest bytes do not match: {}", bad.join("; ")), details)
    }
}

/// Every tag resolved in one call, and the verdict the `tags` check draws from it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ResolvedTags {
    /// What BatchGetImage returned.
    pub lookup: ImageLookup,
    /// Each tag's outcome.
    pub resolution: TagResolution,
    /// The `tags` check's finding.
    pub finding: Finding,
}

impl EcrClient {
    /// BatchGetImage for `ids`, accepting every manifest and index media type (so ECR never converts a
    /// manifest or picks a platform). One call per 100 ids.
    pub async fn batch_get_images(&self, repository: &str, ids: &[ImageId]) -> Result<ImageLookup> {
        if ids.is_empty() {
            return Err(Error::invalid("image ids", "at least one tag or digest is needed"));
        }
        let mut out = ImageLookup::default();
        for chunk in ids.chunks(MAX_IDS_PER_CALL) {
            let mut req = self.ecr().batch_get_image().repository_name(repository);
            for m in ACCEPTED_MEDIA_TYPES {
                req = req.accepted_media_types(m);
            }
            for id in chunk {
                req = req.image_ids(id.to_sdk());
            }
            let resp = req.send().await.map_err(Error::from_sdk)?;
            for image in resp.images() {
                let image_id = image.image_id().map(ImageId::from_sdk).unwrap_or_default();
                let manifest = image.image_manifest().unwrap_or_default().to_owned();
                let digest = image_id
                    .image_digest
                    .clone()
                    .unwrap_or_else(|| sha256_digest(manifest.as_bytes()));
                out.images.push(FetchedImage {
                    image_id,
                    digest,
                    manifest,
                    media_type: image.image_manifest_media_type().map(str::to_owned),
                });
            }
            for f in resp.failures() {
                out.failures.push(ImageFailure {
                    image_id: f.image_id().map(ImageId::from_sdk).unwrap_or_default(),
                    code: f.failure_code().map(|c| c.as_str().to_owned()).unwrap_or_default(),
                    reason: f.failure_reason().unwrap_or_default().to_owned(),
                });
            }
        }
        Ok(out)
    }

    /// Resolves every tag and the expected digest in one BatchGetImage (ids `[tag..., digest]`), returning
    /// the lookup (with the manifests), each tag's outcome and the `tags` check's finding. When the service does not echo a requested
    /// tag in the returned image id (the moto emulator, for images with several tags), the remaining tags
    /// are resolved with DescribeImages.
    pub async fn resolve_tags(&self, repository: &str, tags: &[String], expected_digest: &str) -> Result<ResolvedTags> {
        let mut ids: Vec<ImageId> = tags.iter().map(ImageId::tag).collect();
        ids.push(ImageId::digest(expected_digest));
        let lookup = self.batch_get_images(repository, &ids).await?;
        let (mut res, unanswered) = resolve_from_lookup(&lookup, tags, expected_digest);
        if !unanswered.is_empty() {
            let ids: Vec<ImageId> = unanswered.iter().map(ImageId::tag).collect();
            let details = match self.describe_images(repository, &ids).await {
                Ok(d) => d,
                Err(Error::ImageNotFound { .. }) => Vec::new(),
                Err(e) => return Err(e),
            };
            for tag in unanswered {
                match details.iter().find(|d| d.image_tags.contains(&tag)) {
                    Some(d) if d.image_digest == expected_digest => res.ok.push(tag),
                    Some(d) => {
                        res.problems.insert(
                            tag,
                            TagProblem::PointsElsewhere {
                                actual_digest: d.image_digest.clone(),
                            },
                        );
                    }
                    None => {
                        res.problems.insert(
                            tag,
                            TagProblem::NotFound {
                                reason: "not returned by BatchGetImage or DescribeImages".to_owned(),
                            },
                        );
                    }
                }
            }
        }
        let finding = res.finding(expected_digest);
        Ok(ResolvedTags {
            lookup,
            resolution: res,
            finding,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn image(tag: Option<&str>, manifest: &str, digest: Option<&str>) -> FetchedImage {
        let digest = digest
            .map(str::to_owned)
            .unwrap_or_else(|| sha256_digest(manifest.as_bytes()));
        FetchedImage {
            image_id: ImageId {
                image_digest: Some(digest.clone()),
                image_tag: tag.map(str::to_owned),
            },
            digest,
            manifest: manifest.to_owned(),
            media_type: None,
        }
    }

    #[test]
    fn tags_resolve_by_echoed_id_and_failures_are_typed() {
        let good = image(Some("v1"), r#"{"a":1}"#, None);
        let other = image(Some("latest"), r#"{"b":2}"#, None);
        let lookup = ImageLookup {
            images: vec![good.clone(), other.clone()],
            failures: vec![ImageFailure {
                image_id: ImageId::tag("gone"),
                code: "ImageNotFound".into(),
                reason: "Requested image not found".into(),
            }],
        };
        let tags: Vec<String> = ["v1", "latest", "gone", "silent"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (res, unanswered) = resolve_from_lookup(&lookup, &tags, &good.digest);
        assert_eq!(res.ok, ["v1"]);
        assert_eq!(
            res.problems["latest"],
            TagProblem::PointsElsewhere {
                actual_digest: other.digest.clone()
            }
        );
        assert!(matches!(res.problems["gone"], TagProblem::NotFound { .. }));
        assert_eq!(unanswered, ["silent"]);
        let f = res.finding(&good.digest);
        assert!(!f.ok);
        assert!(f.message.contains("latest: points at"));
    }

    #[test]
    fn integrity_hashes_exact_bytes() {
        let ok = image(None, "{\"a\":1}", None);
        assert!(check_integrity(std::slice::from_ref(&ok), &ok.digest).ok);
        // Same JSON, one trailing newline: the digest no longer matches.
        let mut tampered = ok.clone();
        tampered.manifest.push('\n');
        let f = check_integrity(&[tampered], &ok.digest);
        assert!(!f.ok);
        assert_eq!(f.details["manifests"][0]["ok"], false);
        assert!(!check_integrity(&[], &ok.digest).ok);
    }
}
