//! [`VerifySignaturesSpec`]: a signature verification as a caller names it (the `verify_signatures` program's
//! options, the bindings' arguments), turned into a [`VerifySignaturesRequest`] in one place.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{SignaturePolicy, Trust, TrustedRoot, VerifySignaturesRequest};
use crate::error::{Error, Result};
use crate::reference::ImageReference;
use crate::verify::{RegistryAccess, RegistryAuth};

/// What to verify, as text and names. Deserializes from camelCase JSON; unknown keys are refused.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct VerifySignaturesSpec {
    /// `HOST/REPO@sha256:...` (or `HOST/REPO[:TAG]` with [`digest`](Self::digest)).
    pub image: String,
    /// The pinned digest, when the image reference has none (when both are given they must agree).
    pub digest: Option<String>,
    /// The signature policy.
    pub policy: SignaturePolicy,
    /// Trusted public keys: the name the policy uses → PEM text.
    pub keys: BTreeMap<String, String>,
    /// A Sigstore `trusted_root.json` or PEM CA certificates, as text (keyless cosign, Notation).
    pub trusted_root: Option<String>,
    /// Where to speak the registry protocol instead of `https://HOST`.
    pub registry_url: Option<String>,
    /// Also ask ECR's ListImageReferrers (off for a registry that is not ECR).
    pub ecr_referrers: bool,
    /// Also report ECR's DescribeImageSigningStatus (a pre-check, never proof).
    pub signing_status: bool,
}

impl Default for VerifySignaturesSpec {
    fn default() -> Self {
        Self {
            image: String::new(),
            digest: None,
            policy: SignaturePolicy::default(),
            keys: BTreeMap::new(),
            trusted_root: None,
            registry_url: None,
            ecr_referrers: true,
            signing_status: false,
        }
    }
}

impl VerifySignaturesSpec {
    /// The request, reaching the registry with `auth`. Bad input is [`Error::InvalidArgument`] or
    /// [`Error::InvalidReference`] naming the field (`image`, `digest`, `keys.NAME`, `trustedRoot`).
    pub fn into_request(self, auth: RegistryAuth) -> Result<VerifySignaturesRequest> {
        let image: ImageReference = self.image.parse()?;
        let digest = image.pinned_digest(self.digest)?;
        crate::reference::validate_digest(&digest)?;
        let mut trust = Trust::default();
        for (name, pem) in &self.keys {
            trust = trust
                .with_key_pem(name, pem)
                .map_err(|e| Error::invalid(format!("keys.{name}"), e.to_string()))?;
        }
        if let Some(text) = &self.trusted_root {
            trust.root = TrustedRoot::parse(text).map_err(|e| Error::invalid("trustedRoot", e.to_string()))?;
        }
        self.policy.validate()?;
        Ok(VerifySignaturesRequest {
            registry_host: image.host().to_string(),
            repository: image.repository().to_owned(),
            digest,
            registry: RegistryAccess {
                url: self.registry_url,
                auth,
            },
            policy: self.policy,
            trust,
            ecr_referrers: self.ecr_referrers,
            signing_status: self.signing_status,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const HOST: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
    const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn spec(mut value: serde_json::Value) -> Result<VerifySignaturesSpec> {
        if value.get("policy").is_none() {
            value["policy"] = serde_json::json!({"signers": [{"type": "key", "key": "release"}]});
        }
        crate::types::from_json(value, "options")
    }

    #[test]
    fn the_image_gives_host_repository_and_digest() {
        let s = spec(serde_json::json!({"image": format!("{HOST}/team/app@{DIGEST}")})).unwrap();
        assert!(s.ecr_referrers, "ECR's referrers are asked unless told otherwise");
        let req = s.into_request(RegistryAuth::Anonymous).unwrap();
        assert_eq!(
            (req.registry_host.as_str(), req.repository.as_str()),
            (HOST, "team/app")
        );
        assert_eq!(req.digest, DIGEST);
    }

    #[test]
    fn bad_input_names_the_field() {
        let err = spec(serde_json::json!({"image": "x", "policy": {"signers": [{"type": "keyless"}]}})).unwrap_err();
        assert!(err.to_string().contains("policy.signers[0]"), "{err}");
        let err = spec(serde_json::json!({"image": "x", "polcy": {}})).unwrap_err();
        assert!(err.to_string().contains("polcy"), "{err}");
        let unpinned = spec(serde_json::json!({"image": format!("{HOST}/team/app:v1")})).unwrap();
        let err = unpinned.into_request(RegistryAuth::Anonymous).unwrap_err();
        assert!(err.to_string().contains("digest"), "{err}");
        let other = "sha256:".to_owned() + &"f".repeat(64);
        let both = spec(serde_json::json!({"image": format!("{HOST}/team/app@{DIGEST}"), "digest": other})).unwrap();
        assert!(
            both.into_request(RegistryAuth::Anonymous)
                .unwrap_err()
                .to_string()
                .contains("differs")
        );
        let key = spec(serde_json::json!({"image": format!("{HOST}/team/a@{DIGEST}"), "keys": {"release": "not pem"}}))
            .unwrap();
        let err = key.into_request(RegistryAuth::Anonymous).unwrap_err();
        assert!(err.to_string().contains("keys.release"), "{err}");
        let root = spec(serde_json::json!({"image": format!("{HOST}/team/a@{DIGEST}"), "trustedRoot": "{}x"})).unwrap();
        let err = root.into_request(RegistryAuth::Anonymous).unwrap_err();
        assert!(err.to_string().contains("trustedRoot"), "{err}");
    }
}
