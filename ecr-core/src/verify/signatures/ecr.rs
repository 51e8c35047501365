//! ECR's own view of signatures: ListImageReferrers filtered to signature and attestation artifact types,
//! and DescribeImageSigningStatus (managed signing with AWS Signer) as a pre-check that is reported but
//! never taken as proof.

use serde::{Deserialize, Serialize};

use crate::client::EcrClient;
use crate::error::{Error, Result};

/// The artifact types asked of ListImageReferrers (its filter takes at most five): cosign's signature,
/// Sigstore bundles, Notation signatures, in-toto statements and DSSE envelopes.
pub const SIGNATURE_AND_ATTESTATION_TYPES: [&str; 5] = [
    "application/vnd.dev.cosign.artifact.sig.v1+json",
    "application/vnd.dev.sigstore.bundle.v0.3+json",
    "application/vnd.cncf.notary.signature",
    "application/vnd.in-toto+json",
    "application/vnd.dsse.envelope.v1+json",
];

/// One managed-signing status of an image (one per signing profile).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SigningStatus {
    /// The AWS Signer signing profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_profile_arn: Option<String>,
    /// `IN_PROGRESS`, `COMPLETE` or `FAILED`.
    pub status: String,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_code: Option<String>,
    /// Why it failed, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
}

impl EcrClient {
    /// The referrers of `digest` ECR lists with a signature or attestation artifact type (every page).
    pub async fn signature_referrers(&self, repository: &str, digest: &str) -> Result<Vec<String>> {
        let types: Vec<String> = SIGNATURE_AND_ATTESTATION_TYPES
            .iter()
            .map(|t| (*t).to_owned())
            .collect();
        Ok(self
            .list_image_referrers_of_types(repository, digest, &types)
            .await?
            .into_iter()
            .map(|r| r.digest)
            .collect())
    }

    /// DescribeImageSigningStatus: one status per signing profile. A pre-check only: `COMPLETE` says ECR
    /// signed, not that the signature verifies.
    pub async fn image_signing_status(&self, repository: &str, digest: &str) -> Result<Vec<SigningStatus>> {
        let id = aws_sdk_ecr::types::ImageIdentifier::builder()
            .image_digest(digest)
            .build();
        let out = self
            .ecr()
            .describe_image_signing_status()
            .repository_name(repository)
            .image_id(id)
            .send()
            .await
            .map_err(Error::from_sdk)?;
        Ok(out
            .signing_statuses()
            .iter()
            .map(|s| SigningStatus {
                signing_profile_arn: s.signing_profile_arn().map(str::to_owned),
                status: s.status().map_or("UNKNOWN", |x| x.as_str()).to_owned(),
                failure_code: s.failure_code().map(str::to_owned),
                failure_reason: s.failure_reason().map(str::to_owned),
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use aws_sdk_ecr::Client;
    use aws_sdk_ecr::operation::describe_image_signing_status::DescribeImageSigningStatusOutput;
    use aws_sdk_ecr::operation::list_image_referrers::ListImageReferrersOutput;
    use aws_sdk_ecr::types::{ImageReferrer, ImageSigningStatus};
    use aws_smithy_mocks::{RuleMode, mock, mock_client};

    use super::*;

    const DIGEST: &str = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    fn client(sdk: Client) -> EcrClient {
        EcrClient::from_sdk_client(sdk, aws_config::SdkConfig::builder().build())
    }

    /// Emulator gap: moto has no ListImageReferrers. Two pages shaped like AWS's documented response; the
    /// request must carry the artifact-type filter, and both pages' referrers are returned.
    #[tokio::test]
    async fn referrers_are_filtered_by_type_and_read_across_pages() {
        let referrer = |d: char| {
            ImageReferrer::builder()
                .digest(format!("sha256:{}", d.to_string().repeat(64)))
                .media_type("application/vnd.oci.image.manifest.v1+json")
                .artifact_type(SIGNATURE_AND_ATTESTATION_TYPES[2])
                .size(812)
                .build()
                .unwrap()
        };
        let filtered = |r: &aws_sdk_ecr::operation::list_image_referrers::ListImageReferrersInput| {
            r.filter().is_some_and(|f| f.artifact_types().len() == 5)
        };
        let page1 = mock!(Client::list_image_referrers)
            .match_requests(move |r| filtered(r) && r.next_token().is_none())
            .then_output(move || {
                ListImageReferrersOutput::builder()
                    .referrers(referrer('b'))
                    .next_token("t2")
                    .build()
            });
        let page2 = mock!(Client::list_image_referrers)
            .match_requests(move |r| filtered(r) && r.next_token() == Some("t2"))
            .then_output(move || ListImageReferrersOutput::builder().referrers(referrer('c')).build());
        let ecr = client(mock_client!(aws_sdk_ecr, RuleMode::MatchAny, [&page1, &page2]));
        let found = ecr.signature_referrers("app", DIGEST).await.unwrap();
        assert_eq!(
            found,
            [
                format!("sha256:{}", "b".repeat(64)),
                format!("sha256:{}", "c".repeat(64))
            ]
        );
    }

    /// Emulator gap: moto has no DescribeImageSigningStatus. A response shaped like AWS's documented one.
    #[tokio::test]
    async fn signing_status_is_read_per_profile() {
        use aws_sdk_ecr::types::SigningStatus as Sdk;
        let rule = mock!(Client::describe_image_signing_status)
            .match_requests(|r| r.image_id().and_then(|i| i.image_digest()) == Some(DIGEST))
            .then_output(|| {
                DescribeImageSigningStatusOutput::builder()
                    .signing_statuses(
                        ImageSigningStatus::builder()
                            .signing_profile_arn("arn:aws:signer:us-east-1:123456789012:/signing-profiles/release")
                            .status(Sdk::Complete)
                            .build(),
                    )
                    .signing_statuses(
                        ImageSigningStatus::builder()
                            .signing_profile_arn("arn:aws:signer:us-east-1:123456789012:/signing-profiles/other")
                            .status(Sdk::Failed)
                            .failure_code("SIGNING_PROFILE_NOT_FOUND")
                            .build(),
                    )
                    .build()
            });
        let ecr = client(mock_client!(aws_sdk_ecr, [&rule]));
        let s = ecr.image_signing_status("app", DIGEST).await.unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].status, "COMPLETE");
        assert_eq!(s[1].failure_code.as_deref(), Some("SIGNING_PROFILE_NOT_FOUND"));
    }
}
