//! Referrers: ListImageReferrers (OCI 1.1 referrers ECR stores for a digest), to confirm a signature or
//! an SBOM is attached.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::report::Finding;
use crate::client::EcrClient;
use crate::error::{Error, Result};

/// Artifact types of signatures (cosign, Notation).
pub const SIGNATURE_ARTIFACT_TYPES: [&str; 3] = [
    "application/vnd.dev.cosign.artifact.sig.v1+json",
    "application/vnd.dev.sigstore.bundle.v0.3+json",
    "application/vnd.cncf.notary.signature",
];

/// Artifact types of SBOMs (SPDX, CycloneDX, Syft).
pub const SBOM_ARTIFACT_TYPES: [&str; 4] = [
    "application/spdx+json",
    "application/vnd.cyclonedx+json",
    "application/vnd.syft+json",
    "text/spdx",
];

/// One referrer of an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Referrer {
    /// The referrer manifest's digest.
    pub digest: String,
    /// Its media type.
    pub media_type: String,
    /// Its artifact type (signature, SBOM, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// Size in bytes.
    pub size: i64,
    /// Annotations.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// `ACTIVE`, `ARCHIVED` or `ACTIVATING`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_status: Option<String>,
}

/// The referrers check: at least one referrer whose artifact type is one of `wanted` (empty: any
/// signature or SBOM type).
pub fn check_referrers(referrers: &[Referrer], wanted: &[String]) -> Finding {
    let accepted: Vec<String> = if wanted.is_empty() {
        SIGNATURE_ARTIFACT_TYPES
            .iter()
            .chain(SBOM_ARTIFACT_TYPES.iter())
            .map(|s| (*s).to_owned())
            .collect()
    } else {
        wanted.to_vec()
    };
    let matching: Vec<&Referrer> = referrers
        .iter()
        .filter(|r| r.artifact_type.as_ref().is_some_and(|t| accepted.contains(t)))
        .collect();
    let details = json!({
        "accepted": accepted,
        "found": referrers.iter().map(|r| json!({"digest": r.digest, "artifactType": r.artifact_type})).collect::<Vec<_>>(),
    });
    if matching.is_empty() {
        Finding::fail(
            format!(
                "no referrer of an accepted artifact type among {} referrer(s)",
                referrers.len()
            ),
            details,
        )
    } else {
        let types: Vec<&str> = matching.iter().filter_map(|r| r.artifact_type.as_deref()).collect();
        Finding::pass(format!("referrers present: {}", types.join(", ")), details)
    }
}

impl EcrClient {
    /// Every referrer of `digest` (all pages).
    pub async fn list_image_referrers(&self, repository: &str, digest: &str) -> Result<Vec<Referrer>> {
        self.list_image_referrers_in(None, repository, digest, &[]).await
    }

    /// The referrers of `digest` whose artifact type is one of `artifact_types` (ECR filters; at most 5).
    pub async fn list_image_referrers_of_types(
        &self,
        repository: &str,
        digest: &str,
        artifact_types: &[String],
    ) -> Result<Vec<Referrer>> {
        self.list_image_referrers_in(None, repository, digest, artifact_types)
            .await
    }

    /// [`EcrClient::list_image_referrers`] in the registry `registry_id` (default: the caller's).
    pub(crate) async fn list_image_referrers_in(
        &self,
        registry_id: Option<&str>,
        repository: &str,
        digest: &str,
        artifact_types: &[String],
    ) -> Result<Vec<Referrer>> {
        if artifact_types.len() > 5 {
            return Err(Error::invalid(
                "artifact types",
                "ListImageReferrers filters on at most 5",
            ));
        }
        let filter = (!artifact_types.is_empty()).then(|| {
            aws_sdk_ecr::types::ListImageReferrersFilter::builder()
                .set_artifact_types(Some(artifact_types.to_vec()))
                .build()
        });
        let subject = aws_sdk_ecr::types::SubjectIdentifier::builder()
            .image_digest(digest)
            .build()
            .map_err(|e| Error::invalid("digest", e.to_string()))?;
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let resp = self
                .ecr()
                .list_image_referrers()
                .set_registry_id(registry_id.map(str::to_owned))
                .repository_name(repository)
                .subject_id(subject.clone())
                .set_filter(filter.clone())
                .set_next_token(token.take())
                .send()
                .await
                .map_err(Error::from_sdk)?;
            out.extend(resp.referrers().iter().map(|r| {
                Referrer {
                    digest: r.digest().to_owned(),
                    media_type: r.media_type().to_owned(),
                    artifact_type: r.artifact_type().map(str::to_owned),
                    size: r.size(),
                    annotations: r
                        .annotations()
                        .map(|a| a.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                        .unwrap_or_default(),
                    artifact_status: r.artifact_status().map(|s| s.as_str().to_owned()),
                }
            }));
            match resp.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_owned()),
                _ => return Ok(out),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(t: Option<&str>) -> Referrer {
        Referrer {
            digest: "sha256:1".into(),
            media_type: "application/vnd.oci.image.manifest.v1+json".into(),
            artifact_type: t.map(str::to_owned),
            size: 1,
            annotations: BTreeMap::new(),
            artifact_status: None,
        }
    }

    #[test]
    fn a_signature_or_sbom_is_needed() {
        assert!(!check_referrers(&[], &[]).ok);
        assert!(!check_referrers(&[r(None), r(Some("application/x-other"))], &[]).ok);
        assert!(check_referrers(&[r(Some("application/spdx+json"))], &[]).ok);
        let wanted = vec!["application/vnd.cncf.notary.signature".to_owned()];
        assert!(!check_referrers(&[r(Some("application/spdx+json"))], &wanted).ok);
    }
}
