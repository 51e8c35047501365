//! Manifests as ECR and registries return them: media types, digests of the exact bytes, and the
//! parts verification reads (index entries, the config descriptor).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::platforms::Platform;
use crate::error::{Error, Result};

/// OCI image index.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// OCI image manifest.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// Docker manifest list (schema 2).
pub const DOCKER_MANIFEST_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
/// Docker image manifest (schema 2).
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";

/// Every manifest and index media type, sent as `acceptedMediaTypes` so that ECR never converts a
/// manifest or picks one platform out of an index.
pub const ACCEPTED_MEDIA_TYPES: [&str; 4] = [OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST];

/// The annotation BuildKit puts on attestation entries of an index.
pub const REFERENCE_TYPE_ANNOTATION: &str = "vnd.docker.reference.type";

/// `sha256:<hex>` of exactly these bytes (never of re-serialised JSON).
pub fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// One entry of an index or manifest list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IndexEntry {
    /// The child manifest's digest.
    pub digest: String,
    /// The child manifest's media type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// The platform the entry declares.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// True for a BuildKit attestation entry (annotation `vnd.docker.reference.type:
    /// attestation-manifest`, or platform `unknown/unknown`); such entries are not platforms.
    pub attestation: bool,
}

/// What a manifest is, as far as verification cares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase", tag = "kind")]
pub enum ParsedManifest {
    /// An OCI index or Docker manifest list.
    Index {
        /// The media type (declared, or inferred from the shape).
        media_type: String,
        /// Every entry, attestations included (flagged).
        entries: Vec<IndexEntry>,
    },
    /// A single-platform image manifest; its platform is in the config blob.
    Image {
        /// The media type (declared, or inferred from the shape).
        media_type: String,
        /// The config blob's digest.
        config_digest: String,
        /// The config blob's media type.
        config_media_type: String,
    },
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
struct RawManifest {
    schema_version: Option<i64>,
    media_type: Option<String>,
    manifests: Option<Vec<RawDescriptor>>,
    config: Option<RawDescriptor>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
struct RawDescriptor {
    digest: Option<String>,
    media_type: Option<String>,
    platform: Option<RawPlatform>,
    #[serde(default)]
    annotations: std::collections::BTreeMap<String, String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct RawPlatform {
    os: Option<String>,
    architecture: Option<String>,
    variant: Option<String>,
}

impl ParsedManifest {
    /// Parses manifest bytes (OCI index/manifest or Docker schema 2 list/manifest). Schema 1 and
    /// anything without `manifests` or `config` is an [`Error::InvalidArgument`] naming what is missing.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let raw: RawManifest = serde_json::from_slice(bytes)
            .map_err(|e| Error::invalid("manifest", format!("not a JSON manifest: {e}")))?;
        if raw.schema_version == Some(1) {
            return Err(Error::invalid(
                "manifest",
                "Docker schema 1 manifests are not supported (no config blob, no platform list)",
            ));
        }
        if let Some(manifests) = raw.manifests {
            let media_type = raw.media_type.unwrap_or_else(|| OCI_INDEX.to_owned());
            let mut entries = Vec::with_capacity(manifests.len());
            for (i, m) in manifests.into_iter().enumerate() {
                let digest = m
                    .digest
                    .ok_or_else(|| Error::invalid("manifest", format!("manifests[{i}] has no digest")))?;
                let platform = m.platform.map(|p| Platform {
                    os: p.os.unwrap_or_default(),
                    architecture: p.architecture.unwrap_or_default(),
                    variant: p.variant.filter(|v| !v.is_empty()),
                });
                let attestation = m
                    .annotations
                    .get(REFERENCE_TYPE_ANNOTATION)
                    .is_some_and(|t| t == "attestation-manifest")
                    || platform
                        .as_ref()
                        .is_some_and(|p| p.os == "unknown" && p.architecture == "unknown");
                entries.push(IndexEntry {
                    digest,
                    media_type: m.media_type,
                    platform,
                    attestation,
                });
            }
            return Ok(ParsedManifest::Index { media_type, entries });
        }
        if let Some(config) = raw.config {
            let config_digest = config
                .digest
                .ok_or_else(|| Error::invalid("manifest", "config has no digest"))?;
            return Ok(ParsedManifest::Image {
                media_type: raw.media_type.unwrap_or_else(|| OCI_MANIFEST.to_owned()),
                config_digest,
                config_media_type: config.media_type.unwrap_or_default(),
            });
        }
        Err(Error::invalid(
            "manifest",
            "neither an index (no `manifests`) nor an image manifest (no `config`)",
        ))
    }

    /// The media type.
    pub fn media_type(&self) -> &str {
        match self {
            ParsedManifest::Index { media_type, .. } | ParsedManifest::Image { media_type, .. } => media_type,
        }
    }

    /// The platform entries of an index (attestations left out); empty for an image manifest.
    pub fn platform_entries(&self) -> Vec<&IndexEntry> {
        match self {
            ParsedManifest::Index { entries, .. } => entries.iter().filter(|e| !e.attestation).collect(),
            ParsedManifest::Image { .. } => Vec::new(),
        }
    }

    /// How many attestation entries an index carries.
    pub fn attestation_count(&self) -> usize {
        match self {
            ParsedManifest::Index { entries, .. } => entries.iter().filter(|e| e.attestation).count(),
            ParsedManifest::Image { .. } => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn digest_is_of_the_exact_bytes() {
        let a = br#"{"schemaVersion":2}"#;
        let b = b"{\"schemaVersion\":2}\n";
        assert_ne!(sha256_digest(a), sha256_digest(b));
        assert_eq!(
            sha256_digest(b""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert!(crate::reference::validate_digest(&sha256_digest(a)).is_ok());
    }

    #[test]
    fn rejects_what_it_cannot_verify() {
        assert!(ParsedManifest::parse(b"not json").is_err());
        let e = ParsedManifest::parse(br#"{"schemaVersion":1,"architecture":"amd64"}"#).unwrap_err();
        assert!(e.to_string().contains("schema 1"));
        let e = ParsedManifest::parse(br#"{"schemaVersion":2,"manifests":[{"mediaType":"x"}]}"#).unwrap_err();
        assert!(e.to_string().contains("manifests[0]"));
        assert!(ParsedManifest::parse(br#"{"schemaVersion":2}"#).is_err());
    }
}
