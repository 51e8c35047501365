//! Everything attached to a digest: ECR's ListImageReferrers, the registry's referrers API (with the
//! `sha256-<hex>` index tag where it answers 404), and cosign's legacy `sha256-<hex>.sig` / `.att` tags.
//! Each referrer's manifest and layers are read; its `subject` is kept for the check against the digest.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::verify::registry::RegistryClient;

/// Layers larger than this are not read (signatures and attestations are small).
pub const MAX_LAYER_BYTES: i64 = 4 * 1024 * 1024;

/// Where an attached artifact was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "SignatureSource")]
pub enum Source {
    /// ECR's ListImageReferrers.
    EcrReferrers,
    /// The registry's referrers API, or the `sha256-<hex>` index tag where the API answers 404.
    RegistryReferrers,
    /// cosign's legacy `sha256-<hex>.sig` / `.att` tag.
    CosignTag,
}

/// One layer of an attached artifact, with its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    /// The layer's media type.
    pub media_type: String,
    /// Its annotations (cosign keeps the signature there).
    pub annotations: BTreeMap<String, String>,
    /// Its bytes (empty when larger than [`MAX_LAYER_BYTES`]).
    pub bytes: Vec<u8>,
}

/// An artifact attached to a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attached {
    /// The artifact manifest's digest.
    pub digest: String,
    /// `artifactType`, else the config media type.
    pub artifact_type: Option<String>,
    /// The manifest's `subject.digest`, when it has one.
    pub subject: Option<String>,
    /// Where it was found (the first source, when several name it).
    pub source: Source,
    /// Its layers.
    pub layers: Vec<Layer>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Manifest {
    #[serde(default)]
    artifact_type: Option<String>,
    #[serde(default)]
    config: Option<Descriptor>,
    #[serde(default)]
    layers: Vec<Descriptor>,
    #[serde(default)]
    subject: Option<Descriptor>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    media_type: String,
    digest: String,
    #[serde(default)]
    size: i64,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
}

/// The legacy cosign tag for `digest` with `suffix` (`sig`, `att`): `sha256-<hex>.<suffix>`.
pub fn cosign_tag(digest: &str, suffix: &str) -> String {
    format!("{}.{suffix}", digest.replace(':', "-"))
}

async fn read(
    registry: &RegistryClient,
    repository: &str,
    digest: String,
    manifest_bytes: &[u8],
    source: Source,
) -> Result<Attached> {
    let m: Manifest = serde_json::from_slice(manifest_bytes).map_err(|e| crate::error::Error::Registry {
        message: format!("referrer {digest}: not an OCI manifest: {e}"),
    })?;
    let mut layers = Vec::new();
    for l in m.layers {
        let bytes = if l.size <= MAX_LAYER_BYTES {
            registry.fetch_blob(repository, &l.digest).await?
        } else {
            Vec::new()
        };
        layers.push(Layer {
            media_type: l.media_type,
            annotations: l.annotations,
            bytes,
        });
    }
    Ok(Attached {
        digest,
        artifact_type: m.artifact_type.or(m.config.map(|c| c.media_type)),
        subject: m.subject.map(|s| s.digest),
        source,
        layers,
    })
}

/// Every artifact attached to `digest`: the referrers ECR listed (`ecr_referrers`, digests), the registry's
/// referrers, and the legacy cosign tags.
pub async fn discover(
    registry: &RegistryClient,
    repository: &str,
    digest: &str,
    ecr_referrers: &[String],
) -> Result<Vec<Attached>> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let from_registry = registry.referrers(repository, digest).await?;
    let named = ecr_referrers
        .iter()
        .map(|d| (d.clone(), Source::EcrReferrers))
        .chain(from_registry.into_iter().map(|d| (d, Source::RegistryReferrers)));
    for (d, source) in named {
        if seen.insert(d.clone()) {
            let m = registry.fetch_manifest(repository, &d).await?;
            out.push(read(registry, repository, d, &m.bytes, source).await?);
        }
    }
    for suffix in ["sig", "att"] {
        if let Some(m) = registry
            .fetch_manifest_if_tagged(repository, &cosign_tag(digest, suffix))
            .await?
            && seen.insert(m.digest.clone())
        {
            out.push(read(registry, repository, m.digest, &m.bytes, Source::CosignTag).await?);
        }
    }
    Ok(out)
}
