//! The build record: an in-toto Statement (v1) whose subject is the image (name + sha256 digest), carrying
//! source repository, revision, tags, build time, builder and run id, and the platform digests.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::reference::validate_digest;
use crate::time::Timestamp;

/// The in-toto Statement type.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// This library's predicate type for build records (under the repository URL of the crate's metadata).
pub const BUILD_RECORD_PREDICATE_TYPE: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/build-record/v1");

/// An in-toto ResourceDescriptor naming one subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(rename = "BuildSubject")]
pub struct Subject {
    /// The image name (`<repository URI>` or `<host>/<repo>`).
    pub name: String,
    /// Digests by algorithm (`sha256` → hex).
    pub digest: BTreeMap<String, String>,
}

/// One platform of the image and its manifest digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlatformDigest {
    /// `os/arch[/variant]`.
    pub platform: String,
    /// The platform manifest's digest.
    pub digest: String,
}

/// The predicate: where the image came from and what was verified.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BuildPredicate {
    /// The image reference pinned by digest (`<name>@sha256:...`).
    pub image: String,
    /// The tags the image was pushed under.
    pub tags: Vec<String>,
    /// Source repository URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_repository: Option<String>,
    /// Source revision (commit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
    /// When the image was built.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_time: Option<Timestamp>,
    /// The builder (CI system, workflow).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub builder_id: Option<String>,
    /// The CI run id or URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    /// Manifest media type of the subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Platform manifests of an index.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub platforms: Vec<PlatformDigest>,
    /// The verification report's verdict, when the record follows a verification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
}

/// An in-toto Statement v1 carrying a [`BuildPredicate`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BuildRecord {
    /// Always [`STATEMENT_TYPE`].
    #[serde(rename = "_type")]
    pub statement_type: String,
    /// The image (and its platform manifests).
    pub subject: Vec<Subject>,
    /// Always [`BUILD_RECORD_PREDICATE_TYPE`].
    pub predicate_type: String,
    /// The record.
    pub predicate: BuildPredicate,
}

/// What a build record is made from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BuildRecordInput {
    /// Image name without tag or digest (`<host>/<repo>`).
    pub name: String,
    /// The image's (index or manifest) digest.
    pub digest: String,
    /// Tags pushed.
    pub tags: Vec<String>,
    /// Source repository URL.
    pub source_repository: Option<String>,
    /// Source revision.
    pub revision: Option<String>,
    /// Build time.
    pub build_time: Option<Timestamp>,
    /// Builder id.
    pub builder_id: Option<String>,
    /// CI run id.
    pub run_id: Option<String>,
    /// Manifest media type.
    pub media_type: Option<String>,
    /// Platform manifests (added as further subjects).
    pub platforms: Vec<PlatformDigest>,
    /// The verification verdict.
    pub verified: Option<bool>,
}

fn subject(name: &str, digest: &str) -> Result<Subject> {
    validate_digest(digest)?;
    let hex = digest.trim_start_matches("sha256:").to_owned();
    Ok(Subject {
        name: name.to_owned(),
        digest: BTreeMap::from([("sha256".to_owned(), hex)]),
    })
}

impl BuildRecord {
    /// Builds the statement; the digests must be `sha256:<64 hex>` and the name not empty.
    pub fn new(input: BuildRecordInput) -> Result<Self> {
        if input.name.trim().is_empty() || input.name.contains('@') {
            return Err(Error::invalid(
                "build record name",
                "an image name without tag or digest is required",
            ));
        }
        let mut subjects = vec![subject(&input.name, &input.digest)?];
        for p in &input.platforms {
            subjects.push(subject(&input.name, &p.digest)?);
        }
        Ok(Self {
            statement_type: STATEMENT_TYPE.to_owned(),
            subject: subjects,
            predicate_type: BUILD_RECORD_PREDICATE_TYPE.to_owned(),
            predicate: BuildPredicate {
                image: format!("{}@{}", input.name, input.digest),
                tags: input.tags,
                source_repository: input.source_repository,
                revision: input.revision,
                build_time: input.build_time,
                builder_id: input.builder_id,
                run_id: input.run_id,
                media_type: input.media_type,
                platforms: input.platforms,
                verified: input.verified,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn statement_shape() {
        let d = format!("sha256:{}", "a".repeat(64));
        let rec = BuildRecord::new(BuildRecordInput {
            name: "host/app".into(),
            digest: d.clone(),
            tags: vec!["v1".into()],
            revision: Some("abc".into()),
            ..Default::default()
        })
        .unwrap();
        let v = serde_json::to_value(&rec).unwrap();
        assert_eq!(v["_type"], STATEMENT_TYPE);
        assert_eq!(v["subject"][0]["digest"]["sha256"], "a".repeat(64));
        assert_eq!(v["predicate"]["image"], format!("host/app@{d}"));
        assert!(v["predicate"].get("runId").is_none());
        let bad = BuildRecordInput {
            name: "host/app".into(),
            digest: "sha256:xyz".into(),
            ..Default::default()
        };
        assert_eq!(BuildRecord::new(bad).unwrap_err().code(), "InvalidReference");
    }
}
