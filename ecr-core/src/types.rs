//! Owned ECR domain types shared by the capabilities. No AWS SDK type appears in ecr-core's public API;
//! the conversions from SDK types live here. JSON field names follow ECR's API (camelCase), so
//! `aws ecr describe-images` output deserialises directly.

use serde::{Deserialize, Serialize};

use crate::time::{self, Timestamp};

/// A tag or a digest naming one image in a repository.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImageId {
    /// The image digest (`sha256:...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_digest: Option<String>,
    /// The image tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_tag: Option<String>,
}

impl ImageId {
    /// An id by tag.
    pub fn tag(tag: impl Into<String>) -> Self {
        Self {
            image_digest: None,
            image_tag: Some(tag.into()),
        }
    }

    /// An id by digest.
    pub fn digest(digest: impl Into<String>) -> Self {
        Self {
            image_digest: Some(digest.into()),
            image_tag: None,
        }
    }

    /// Image ids from JSON items, as the bindings take them: `{"imageDigest": ...}` / `{"imageTag": ...}`
    /// objects, or strings (`sha256:...` is a digest, anything else a tag). `field` names the argument in errors.
    pub fn list_from_json(items: Vec<serde_json::Value>, field: &str) -> crate::Result<Vec<ImageId>> {
        use serde_json::Value;
        let invalid = |i: usize, message: String| crate::Error::invalid(format!("{field}[{i}]"), message);
        items
            .into_iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) if s.starts_with("sha256:") => Ok(ImageId::digest(s)),
                Value::String(s) if !s.is_empty() => Ok(ImageId::tag(s)),
                Value::Object(map) => {
                    if let Some(key) = map.keys().find(|k| *k != "imageDigest" && *k != "imageTag") {
                        return Err(invalid(
                            i,
                            format!("unknown key {key:?} (known: imageDigest, imageTag)"),
                        ));
                    }
                    let id: ImageId =
                        serde_json::from_value(Value::Object(map)).map_err(|e| invalid(i, e.to_string()))?;
                    if id.image_digest.is_none() && id.image_tag.is_none() {
                        return Err(invalid(i, "needs imageDigest or imageTag".to_owned()));
                    }
                    Ok(id)
                }
                _ => Err(invalid(
                    i,
                    "expected a non-empty string or an object with imageDigest/imageTag".to_owned(),
                )),
            })
            .collect()
    }

    pub(crate) fn to_sdk(&self) -> aws_sdk_ecr::types::ImageIdentifier {
        aws_sdk_ecr::types::ImageIdentifier::builder()
            .set_image_digest(self.image_digest.clone())
            .set_image_tag(self.image_tag.clone())
            .build()
    }

    pub(crate) fn from_sdk(id: &aws_sdk_ecr::types::ImageIdentifier) -> Self {
        Self {
            image_digest: id.image_digest().map(str::to_owned),
            image_tag: id.image_tag().map(str::to_owned),
        }
    }
}

/// Where an image's data lives.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, PartialOrd, Ord, schemars::JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ImageStatus {
    /// In standard storage.
    #[default]
    Active,
    /// In archive storage.
    Archived,
    /// Being restored from archive.
    Activating,
}

/// One image as DescribeImages reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImageDetail {
    /// The registry (account) id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_id: Option<String>,
    /// The repository name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository_name: Option<String>,
    /// The manifest digest.
    pub image_digest: String,
    /// Tags pointing at the image (empty when untagged).
    #[serde(default, deserialize_with = "null_as_default")]
    pub image_tags: Vec<String>,
    /// Compressed size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_size_in_bytes: Option<i64>,
    /// When the image was pushed.
    #[serde(default, with = "time::flexible_opt", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schema::Rfc3339>")]
    pub image_pushed_at: Option<Timestamp>,
    /// Manifest media type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_manifest_media_type: Option<String>,
    /// Artifact (config) media type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_media_type: Option<String>,
    /// Last recorded pull (ECR updates it on pulls other than Amazon Inspector's).
    #[serde(default, with = "time::flexible_opt", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schema::Rfc3339>")]
    pub last_recorded_pull_time: Option<Timestamp>,
    /// Storage status.
    #[serde(default, deserialize_with = "null_as_default")]
    pub image_status: ImageStatus,
    /// When the image last moved to archive.
    #[serde(default, with = "time::flexible_opt", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schema::Rfc3339>")]
    pub last_archived_at: Option<Timestamp>,
    /// When the image was last restored to standard storage.
    #[serde(default, with = "time::flexible_opt", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schema::Rfc3339>")]
    pub last_activated_at: Option<Timestamp>,
    /// For referrer artifacts (signatures, SBOMs): the digest of their subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_manifest_digest: Option<String>,
}

fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

impl ImageDetail {
    pub(crate) fn from_sdk(d: &aws_sdk_ecr::types::ImageDetail) -> Self {
        Self {
            registry_id: d.registry_id().map(str::to_owned),
            repository_name: d.repository_name().map(str::to_owned),
            image_digest: d.image_digest().unwrap_or_default().to_owned(),
            image_tags: d.image_tags().to_vec(),
            image_size_in_bytes: d.image_size_in_bytes(),
            image_pushed_at: d.image_pushed_at().and_then(time::from_smithy),
            image_manifest_media_type: d.image_manifest_media_type().map(str::to_owned),
            artifact_media_type: d.artifact_media_type().map(str::to_owned),
            last_recorded_pull_time: d.last_recorded_pull_time().and_then(time::from_smithy),
            image_status: match d.image_status() {
                Some(aws_sdk_ecr::types::ImageStatus::Archived) => ImageStatus::Archived,
                Some(aws_sdk_ecr::types::ImageStatus::Activating) => ImageStatus::Activating,
                _ => ImageStatus::Active,
            },
            last_archived_at: d.last_archived_at().and_then(time::from_smithy),
            last_activated_at: d.last_activated_at().and_then(time::from_smithy),
            subject_manifest_digest: d.subject_manifest_digest().map(str::to_owned),
        }
    }
}

/// ECR's tag mutability settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TagMutability {
    /// Tags can be overwritten.
    #[default]
    Mutable,
    /// Tags can never be overwritten.
    Immutable,
    /// Immutable except tags matching an exclusion filter.
    ImmutableWithExclusion,
    /// Mutable except tags matching an exclusion filter.
    MutableWithExclusion,
}

impl TagMutability {
    /// The API spelling (`IMMUTABLE_WITH_EXCLUSION`, ...).
    pub fn as_str(&self) -> &'static str {
        match self {
            TagMutability::Mutable => "MUTABLE",
            TagMutability::Immutable => "IMMUTABLE",
            TagMutability::ImmutableWithExclusion => "IMMUTABLE_WITH_EXCLUSION",
            TagMutability::MutableWithExclusion => "MUTABLE_WITH_EXCLUSION",
        }
    }

    /// Parses the API spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "MUTABLE" => TagMutability::Mutable,
            "IMMUTABLE" => TagMutability::Immutable,
            "IMMUTABLE_WITH_EXCLUSION" => TagMutability::ImmutableWithExclusion,
            "MUTABLE_WITH_EXCLUSION" => TagMutability::MutableWithExclusion,
            _ => return None,
        })
    }

    pub(crate) fn to_sdk(self) -> aws_sdk_ecr::types::ImageTagMutability {
        aws_sdk_ecr::types::ImageTagMutability::from(self.as_str())
    }
}

/// A repository as DescribeRepositories reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Repository {
    /// Repository name.
    pub repository_name: String,
    /// Repository ARN.
    pub repository_arn: String,
    /// Registry (account) id.
    pub registry_id: String,
    /// URI to push to and pull from (`<registry host>/<name>`).
    pub repository_uri: String,
    /// Creation time.
    #[serde(default, with = "time::flexible_opt", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schema::Rfc3339>")]
    pub created_at: Option<Timestamp>,
    /// Tag mutability.
    pub image_tag_mutability: TagMutability,
    /// Exclusion filters (wildcard patterns) for the `*_WITH_EXCLUSION` settings.
    #[serde(default)]
    pub image_tag_mutability_exclusion_filters: Vec<String>,
    /// The deprecated repository-level scan-on-push flag (the registry scanning configuration wins).
    pub scan_on_push: bool,
    /// `AES256` or `KMS` (or `KMS_DSSE`).
    pub encryption_type: String,
    /// The KMS key, for KMS encryption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<String>,
}

impl Repository {
    pub(crate) fn from_sdk(r: &aws_sdk_ecr::types::Repository) -> Self {
        Self {
            repository_name: r.repository_name().unwrap_or_default().to_owned(),
            repository_arn: r.repository_arn().unwrap_or_default().to_owned(),
            registry_id: r.registry_id().unwrap_or_default().to_owned(),
            repository_uri: r.repository_uri().unwrap_or_default().to_owned(),
            created_at: r.created_at().and_then(time::from_smithy),
            image_tag_mutability: r
                .image_tag_mutability()
                .and_then(|m| TagMutability::parse(m.as_str()))
                .unwrap_or_default(),
            image_tag_mutability_exclusion_filters: r
                .image_tag_mutability_exclusion_filters()
                .iter()
                .map(|f| f.filter().to_owned())
                .collect(),
            scan_on_push: r.image_scanning_configuration().is_some_and(|c| c.scan_on_push()),
            encryption_type: r
                .encryption_configuration()
                .map(|e| e.encryption_type().as_str().to_owned())
                .unwrap_or_else(|| "AES256".to_owned()),
            kms_key: r
                .encryption_configuration()
                .and_then(|e| e.kms_key())
                .map(str::to_owned),
        }
    }
}

/// A typed option read from a caller's JSON `value` (a binding's argument, a program's input); an error names
/// `field` and the path inside it (`options.settings.scanOnPush: invalid type: ...`).
pub fn from_json<T: serde::de::DeserializeOwned>(value: serde_json::Value, field: &str) -> crate::Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." {
            field.to_owned()
        } else if path.starts_with('[') {
            format!("{field}{path}")
        } else {
            format!("{field}.{path}")
        };
        crate::Error::invalid(at, e.into_inner().to_string())
    })
}

/// Settings for a new repository. Read from JSON, missing fields keep [`RepositorySettings::recommended`] and
/// unknown ones are refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(
    rename_all = "camelCase",
    default = "RepositorySettings::recommended",
    deny_unknown_fields
)]
pub struct RepositorySettings {
    /// Tag mutability.
    pub tag_mutability: TagMutability,
    /// Exclusion filters for the `*_WITH_EXCLUSION` settings.
    #[serde(default)]
    pub exclusion_filters: Vec<String>,
    /// Repository-level scan on push (deprecated by ECR in favour of registry scanning configuration,
    /// still honoured for basic scanning).
    pub scan_on_push: bool,
    /// A KMS key id or ARN: KMS encryption; `None`: AES256.
    #[serde(default)]
    pub kms_key: Option<String>,
}

impl RepositorySettings {
    /// AWS's recommended settings: immutable tags, scan on push, encryption at rest.
    pub fn recommended() -> Self {
        Self {
            tag_mutability: TagMutability::Immutable,
            exclusion_filters: Vec::new(),
            scan_on_push: true,
            kms_key: None,
        }
    }

    pub(crate) fn apply(
        &self,
        req: aws_sdk_ecr::operation::create_repository::builders::CreateRepositoryFluentBuilder,
    ) -> aws_sdk_ecr::operation::create_repository::builders::CreateRepositoryFluentBuilder {
        use aws_sdk_ecr::types::{
            EncryptionConfiguration, EncryptionType, ImageScanningConfiguration, ImageTagMutabilityExclusionFilter,
            ImageTagMutabilityExclusionFilterType,
        };
        let encryption = match &self.kms_key {
            Some(key) => EncryptionConfiguration::builder()
                .encryption_type(EncryptionType::Kms)
                .kms_key(key),
            None => EncryptionConfiguration::builder().encryption_type(EncryptionType::Aes256),
        };
        let mut req = req
            .image_tag_mutability(self.tag_mutability.to_sdk())
            .image_scanning_configuration(
                ImageScanningConfiguration::builder()
                    .scan_on_push(self.scan_on_push)
                    .build(),
            );
        if let Ok(enc) = encryption.build() {
            req = req.encryption_configuration(enc);
        }
        for f in &self.exclusion_filters {
            if let Ok(filter) = ImageTagMutabilityExclusionFilter::builder()
                .filter_type(ImageTagMutabilityExclusionFilterType::Wildcard)
                .filter(f)
                .build()
            {
                req = req.image_tag_mutability_exclusion_filters(filter);
            }
        }
        req
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_detail_reads_cli_and_wire_forms() {
        let cli = r#"{"imageDigest":"sha256:aa","imageTags":["v1"],"imagePushedAt":"2024-01-02T03:04:05+00:00",
                     "imageStatus":"ARCHIVED","lastArchivedAt":1704164645,"imageSizeInBytes":12,"extra":1}"#;
        let d: ImageDetail = serde_json::from_str(cli).unwrap();
        assert_eq!(d.image_status, ImageStatus::Archived);
        assert_eq!(d.image_pushed_at, d.last_archived_at);
        let untagged: ImageDetail = serde_json::from_str(r#"{"imageDigest":"sha256:bb","imageTags":null}"#).unwrap();
        assert!(untagged.image_tags.is_empty());
        assert_eq!(untagged.image_status, ImageStatus::Active);
        assert!(serde_json::from_str::<ImageDetail>(r#"{"imageDigest":"x","imagePushedAt":"soon"}"#).is_err());
    }

    #[test]
    fn tag_mutability_round_trips() {
        for m in [
            TagMutability::Mutable,
            TagMutability::Immutable,
            TagMutability::ImmutableWithExclusion,
            TagMutability::MutableWithExclusion,
        ] {
            assert_eq!(TagMutability::parse(m.as_str()), Some(m));
            assert_eq!(serde_json::to_string(&m).unwrap(), format!("\"{}\"", m.as_str()));
        }
    }
}
