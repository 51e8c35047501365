//! The registry-wide configuration as ECR's API returns it: one [`RegistrySnapshot`] holding the responses
//! of `DescribeRepositoryCreationTemplates`, `DescribePullThroughCacheRules`, `DescribeRegistry`,
//! `GetRegistryScanningConfiguration`, `GetSigningConfiguration` and `GetAccountSetting`, in the API's JSON
//! field names, so a snapshot saved from the AWS CLI reads back as it is.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, FieldError, Result};
use crate::types::TagMutability;

/// Everything registry-wide that decides a repository's settings.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegistrySnapshot {
    /// The registry (account) id, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_id: Option<String>,
    /// The region, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Repository creation templates (`DescribeRepositoryCreationTemplates`, every page).
    #[serde(default)]
    pub repository_creation_templates: Vec<CreationTemplate>,
    /// Pull-through cache rules (`DescribePullThroughCacheRules`, every page).
    #[serde(default)]
    pub pull_through_cache_rules: Vec<PullThroughCacheRule>,
    /// The replication configuration (`DescribeRegistry`); `None` when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replication_configuration: Option<ReplicationConfiguration>,
    /// The registry scanning configuration (`GetRegistryScanningConfiguration`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scanning_configuration: Option<ScanningConfiguration>,
    /// The managed-signing configuration (`GetSigningConfiguration`); `None` when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_configuration: Option<SigningConfiguration>,
    /// Account settings by name (`GetAccountSetting`): `BLOB_MOUNTING`, `BASIC_SCAN_TYPE_VERSION`,
    /// `REGISTRY_POLICY_SCOPE`.
    #[serde(default)]
    pub account_settings: BTreeMap<String, String>,
}

/// What a repository creation template is applied for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AppliedFor {
    /// Repositories created by a replication rule in this (destination) registry.
    Replication,
    /// Repositories created by a pull-through cache rule.
    PullThroughCache,
    /// Repositories created when someone pushes to a repository that does not exist.
    CreateOnPush,
}

impl AppliedFor {
    /// The API spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            AppliedFor::Replication => "REPLICATION",
            AppliedFor::PullThroughCache => "PULL_THROUGH_CACHE",
            AppliedFor::CreateOnPush => "CREATE_ON_PUSH",
        }
    }
}

/// A repository creation template (`RepositoryCreationTemplate`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreationTemplate {
    /// The namespace prefix (a `/` is implied after it), or `ROOT` for every repository no other template
    /// matches.
    pub prefix: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// What the template is applied for.
    #[serde(default)]
    pub applied_for: Vec<AppliedFor>,
    /// Tag mutability of the repositories it creates (`MUTABLE` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_tag_mutability: Option<TagMutability>,
    /// Exclusion filters of the `*_WITH_EXCLUSION` mutabilities.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub image_tag_mutability_exclusion_filters: Vec<FilterEntry>,
    /// Encryption of the repositories it creates (`AES256` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_configuration: Option<EncryptionConfiguration>,
    /// The lifecycle policy text the repositories get.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_policy: Option<String>,
    /// The repository policy text the repositories get.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository_policy: Option<String>,
    /// Resource tags the repositories get.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_tags: Vec<ResourceTag>,
    /// The role ECR assumes to create them (needed for KMS keys and tags).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_role_arn: Option<String>,
}

impl CreationTemplate {
    /// Whether this is the `ROOT` template.
    pub fn is_root(&self) -> bool {
        self.prefix == ROOT
    }
}

/// The prefix that stands for every repository (creation templates, pull-through cache rules).
pub const ROOT: &str = "ROOT";

/// One filter of a filter list (`{"filterType": ..., "filter": ...}`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FilterEntry {
    /// The dialect (`WILDCARD`, `WILDCARD_MATCH`, `PREFIX_MATCH`).
    pub filter_type: String,
    /// The filter text.
    pub filter: String,
}

/// Encryption settings (`EncryptionConfiguration`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EncryptionConfiguration {
    /// `AES256`, `KMS` or `KMS_DSSE`.
    pub encryption_type: String,
    /// The KMS key, for the KMS types (the AWS-managed key when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<String>,
}

impl EncryptionConfiguration {
    /// ECR's default: `AES256`.
    pub fn aes256() -> Self {
        Self {
            encryption_type: "AES256".to_owned(),
            kms_key: None,
        }
    }
}

/// A resource tag (`{"Key", "Value"}`, capitalised as the API writes it).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ResourceTag {
    /// Key.
    #[serde(rename = "Key")]
    pub key: String,
    /// Value.
    #[serde(rename = "Value")]
    pub value: String,
}

/// A pull-through cache rule (`PullThroughCacheRule`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PullThroughCacheRule {
    /// The namespace of the cached repositories (`ROOT` for ECR-to-ECR caching of every name).
    pub ecr_repository_prefix: String,
    /// The upstream registry URL.
    #[serde(default)]
    pub upstream_registry_url: String,
    /// The upstream registry kind (`docker-hub`, `ecr`, `quay`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream_registry: Option<String>,
    /// The upstream namespace mapped to the prefix (only when the prefix is not `ROOT`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream_repository_prefix: Option<String>,
    /// The Secrets Manager secret holding the upstream credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_arn: Option<String>,
    /// The role ECR assumes for ECR-to-ECR caching.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_role_arn: Option<String>,
}

/// The replication configuration (`ReplicationConfiguration`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReplicationConfiguration {
    /// Rules; a repository is replicated by every rule that matches it.
    #[serde(default)]
    pub rules: Vec<ReplicationRule>,
}

/// A replication rule.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReplicationRule {
    /// Where matching repositories are replicated.
    #[serde(default)]
    pub destinations: Vec<ReplicationDestination>,
    /// `PREFIX_MATCH` filters; none: every repository.
    #[serde(default)]
    pub repository_filters: Vec<FilterEntry>,
}

/// A replication destination.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReplicationDestination {
    /// Region.
    pub region: String,
    /// Registry (account) id.
    pub registry_id: String,
}

/// The registry scanning configuration (`RegistryScanningConfiguration`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScanningConfiguration {
    /// `BASIC` or `ENHANCED`.
    #[serde(default = "basic")]
    pub scan_type: String,
    /// Rules by scan frequency.
    #[serde(default)]
    pub rules: Vec<ScanningRule>,
}

fn basic() -> String {
    "BASIC".to_owned()
}

/// A registry scanning rule.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScanningRule {
    /// `SCAN_ON_PUSH`, `CONTINUOUS_SCAN` or `MANUAL`.
    pub scan_frequency: String,
    /// `WILDCARD` filters.
    #[serde(default)]
    pub repository_filters: Vec<FilterEntry>,
}

/// The managed-signing configuration (`SigningConfiguration`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SigningConfiguration {
    /// Rules; an image pushed to a matching repository gets one signing job per matching rule.
    #[serde(default)]
    pub rules: Vec<SigningRule>,
}

/// A signing rule.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SigningRule {
    /// The AWS Signer signing profile.
    pub signing_profile_arn: String,
    /// `WILDCARD_MATCH` filters; none: every repository.
    #[serde(default)]
    pub repository_filters: Vec<FilterEntry>,
}

impl RegistrySnapshot {
    /// Reads a snapshot from JSON: the object described by [`RegistrySnapshot`]. Each response may also be
    /// given as the AWS CLI prints it under its own key (`{"repositoryCreationTemplates": [...]}` is
    /// already the right shape; `accountSettings` may be a list of `{"name", "value"}` objects). Problems
    /// are one [`Error::PolicyValidation`] naming every field path at fault.
    pub fn from_json(text: &str) -> Result<Self> {
        let mut value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| invalid(vec![FieldError::new("", format!("not JSON: {e}"))]))?;
        if !value.is_object() {
            return Err(invalid(vec![FieldError::new("", "expected a JSON object")]));
        }
        if let Some(list) = value.get("accountSettings").and_then(|v| v.as_array()).cloned() {
            let mut map = serde_json::Map::new();
            for (i, entry) in list.iter().enumerate() {
                match (entry.get("name").and_then(|v| v.as_str()), entry.get("value")) {
                    (Some(name), Some(v)) => {
                        map.insert(name.to_owned(), v.clone());
                    }
                    _ => {
                        return Err(invalid(vec![FieldError::new(
                            format!("accountSettings[{i}]"),
                            "expected {\"name\": ..., \"value\": ...}",
                        )]));
                    }
                }
            }
            value["accountSettings"] = serde_json::Value::Object(map);
        }
        let snapshot: Self = serde_path_to_error::deserialize(&value).map_err(|e| {
            let path = e.path().to_string();
            invalid(vec![FieldError::new(
                if path == "." { String::new() } else { path },
                e.into_inner().to_string(),
            )])
        })?;
        snapshot.validate()?;
        Ok(snapshot)
    }

    /// Checks what the API guarantees of each field, so that a hand-written snapshot cannot resolve to
    /// settings ECR would never produce: filter dialects per kind, scan frequencies, encryption types.
    pub fn validate(&self) -> Result<()> {
        let mut errors = Vec::new();
        for (i, t) in self.repository_creation_templates.iter().enumerate() {
            let at = format!("repositoryCreationTemplates[{i}]");
            if t.prefix.is_empty() {
                errors.push(FieldError::new(format!("{at}.prefix"), "empty prefix"));
            }
            let filters = &t.image_tag_mutability_exclusion_filters;
            dialect(
                &mut errors,
                &format!("{at}.imageTagMutabilityExclusionFilters"),
                filters,
                "WILDCARD",
            );
            if let Some(e) = &t.encryption_configuration {
                let path = format!("{at}.encryptionConfiguration.encryptionType");
                one_of(&mut errors, path, &e.encryption_type, &["AES256", "KMS", "KMS_DSSE"]);
            }
        }
        for (i, r) in self.pull_through_cache_rules.iter().enumerate() {
            if r.ecr_repository_prefix.is_empty() {
                errors.push(FieldError::new(
                    format!("pullThroughCacheRules[{i}].ecrRepositoryPrefix"),
                    "empty prefix",
                ));
            }
        }
        for (i, rule) in self
            .replication_configuration
            .iter()
            .flat_map(|c| c.rules.iter().enumerate())
        {
            let path = format!("replicationConfiguration.rules[{i}].repositoryFilters");
            dialect(&mut errors, &path, &rule.repository_filters, "PREFIX_MATCH");
        }
        if let Some(s) = &self.scanning_configuration {
            one_of(
                &mut errors,
                "scanningConfiguration.scanType".to_owned(),
                &s.scan_type,
                &["BASIC", "ENHANCED"],
            );
            for (i, rule) in s.rules.iter().enumerate() {
                let at = format!("scanningConfiguration.rules[{i}]");
                let frequencies = ["SCAN_ON_PUSH", "CONTINUOUS_SCAN", "MANUAL"];
                one_of(
                    &mut errors,
                    format!("{at}.scanFrequency"),
                    &rule.scan_frequency,
                    &frequencies,
                );
                dialect(
                    &mut errors,
                    &format!("{at}.repositoryFilters"),
                    &rule.repository_filters,
                    "WILDCARD",
                );
            }
        }
        for (i, rule) in self
            .signing_configuration
            .iter()
            .flat_map(|c| c.rules.iter().enumerate())
        {
            let path = format!("signingConfiguration.rules[{i}].repositoryFilters");
            dialect(&mut errors, &path, &rule.repository_filters, "WILDCARD_MATCH");
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(invalid(errors))
        }
    }

    /// An account setting's value (`BLOB_MOUNTING`, ...), when known.
    pub fn account_setting(&self, name: &str) -> Option<&str> {
        self.account_settings.get(name).map(String::as_str)
    }
}

/// Every filter of a list must be of the list's one dialect, and not empty.
fn dialect(errors: &mut Vec<FieldError>, path: &str, filters: &[FilterEntry], expected: &str) {
    for (i, f) in filters.iter().enumerate() {
        if f.filter_type != expected {
            errors.push(FieldError::new(
                format!("{path}[{i}].filterType"),
                format!("{:?}: this list takes only {expected}", f.filter_type),
            ));
        }
        if f.filter.is_empty() {
            errors.push(FieldError::new(format!("{path}[{i}].filter"), "empty filter"));
        }
    }
}

/// `value` must be one of the API's `allowed` spellings.
fn one_of(errors: &mut Vec<FieldError>, path: String, value: &str, allowed: &[&str]) {
    if !allowed.contains(&value) {
        errors.push(FieldError::new(
            path,
            format!("{value:?}: expected {}", allowed.join(", ")),
        ));
    }
}

fn invalid(errors: Vec<FieldError>) -> Error {
    Error::PolicyValidation {
        what: "registry settings".to_owned(),
        errors,
    }
}
