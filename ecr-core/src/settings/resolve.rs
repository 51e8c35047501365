//! The settings a repository really gets: [`effective_settings`] resolves a repository name, existing or
//! not yet created, against a [`RegistrySnapshot`], and names the template, rule or account setting that
//! decided each value.
//!
//! Documented by AWS: a template's prefix covers the names below it, `ROOT` the names no other template
//! covers; repositories that no template covers get `MUTABLE` tags, `AES256` and no policies; registry
//! scanning: basic scans on push where a `SCAN_ON_PUSH` filter matches and is `MANUAL` elsewhere, enhanced
//! prefers `CONTINUOUS_SCAN` over `SCAN_ON_PUSH` and scans nothing elsewhere; every matching signing rule
//! signs, every matching replication rule replicates.
//! Inferred (not documented; the conformance suite can check them against a real registry): among several
//! templates or pull-through cache rules covering a name, the longest prefix wins; templates are chosen among
//! those applied for the way the repository is created.

use serde::{Deserialize, Serialize};

use super::filter::{namespace_matches, prefix_match, rule_applies, scanning_wildcard, signing_wildcard};
use super::model::{
    AppliedFor, CreationTemplate, EncryptionConfiguration, PullThroughCacheRule, ROOT, RegistrySnapshot,
    ReplicationDestination,
};
use crate::types::{Repository, TagMutability};

/// What decided a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Origin {
    /// The repository's own setting (it exists; templates only apply at creation).
    Repository,
    /// A repository creation template.
    Template {
        /// Its prefix (`ROOT` included).
        prefix: String,
        /// The creation path it was chosen for.
        applied_for: AppliedFor,
    },
    /// A pull-through cache rule.
    PullThroughCacheRule {
        /// Its `ecrRepositoryPrefix`.
        ecr_repository_prefix: String,
    },
    /// A replication rule.
    ReplicationRule {
        /// Its index in `replicationConfiguration.rules`.
        index: usize,
        /// The filter that matched (`*` for a rule without filters).
        filter: String,
    },
    /// A registry scanning rule.
    ScanningRule {
        /// Its index in `scanningConfiguration.rules`.
        index: usize,
        /// The filter that matched.
        filter: String,
    },
    /// A managed-signing rule.
    SigningRule {
        /// Its index in `signingConfiguration.rules`.
        index: usize,
        /// The filter that matched (`*` for a rule without filters).
        filter: String,
    },
    /// An account setting.
    AccountSetting {
        /// Its name.
        name: String,
    },
    /// No template or rule applies: ECR's default.
    EcrDefault,
    /// The snapshot does not hold this part of the configuration.
    Unknown,
}

/// A value and what decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Decided<T> {
    /// The value.
    pub value: T,
    /// What decided it.
    pub decided_by: Origin,
}

fn decided<T>(value: T, decided_by: Origin) -> Decided<T> {
    Decided { value, decided_by }
}

/// How a repository comes (or came) to exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum CreatedBy {
    /// It exists already.
    Existing,
    /// The first pull through a pull-through cache rule creates it.
    PullThroughCache,
    /// The first push creates it (a `CREATE_ON_PUSH` template covers the name).
    CreateOnPush,
    /// Only an explicit `CreateRepository` creates it; a push to it fails.
    CreateRepository,
}

/// Tag mutability with its exclusion filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Mutability {
    /// The setting.
    pub image_tag_mutability: TagMutability,
    /// Its `WILDCARD` exclusion filters.
    pub exclusion_filters: Vec<String>,
}

/// How images of the repository are scanned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Scanning {
    /// `BASIC` or `ENHANCED`.
    pub scan_type: String,
    /// `SCAN_ON_PUSH`, `CONTINUOUS_SCAN` or `MANUAL` (under enhanced scanning: not scanned at all).
    pub scan_frequency: String,
}

impl Scanning {
    /// Whether images are scanned without anyone asking (a scan gate has a scan to wait for).
    pub fn is_automatic(&self) -> bool {
        self.scan_frequency != "MANUAL"
    }
}

/// A signing profile that signs the repository's pushed images.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Signing {
    /// The AWS Signer profile.
    pub signing_profile_arn: String,
    /// The rule.
    pub decided_by: Origin,
}

/// A replication destination of the repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Replication {
    /// Where to.
    pub destination: ReplicationDestination,
    /// The first rule that sends it there.
    pub decided_by: Origin,
}

/// The settings of one repository name and what decided each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EffectiveSettings {
    /// The repository name.
    pub repository: String,
    /// How it comes (or came) to exist.
    pub created_by: CreatedBy,
    /// The pull-through cache rule covering the name, if any.
    pub pull_through_cache_rule: Option<String>,
    /// The template that applies to each creation path (`None`: no template covers the name for it).
    pub templates: Vec<TemplateChoice>,
    /// Tag mutability and exclusion filters.
    pub mutability: Decided<Mutability>,
    /// Encryption.
    pub encryption: Decided<EncryptionConfiguration>,
    /// The lifecycle policy text (`None`: none, or unknown when decided by `unknown`).
    pub lifecycle_policy: Decided<Option<String>>,
    /// The repository policy text.
    pub repository_policy: Decided<Option<String>>,
    /// Scanning.
    pub scanning: Decided<Option<Scanning>>,
    /// Every signing profile that signs pushed images.
    pub signing: Vec<Signing>,
    /// Every replication destination.
    pub replication: Vec<Replication>,
    /// Whether blob mounting is enabled (`None`: unknown).
    pub blob_mounting: Decided<Option<bool>>,
}

/// The template chosen for one creation path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateChoice {
    /// The creation path.
    pub applied_for: AppliedFor,
    /// The chosen template's prefix, `None` when none covers the name.
    pub prefix: Option<String>,
    /// Other templates that also cover the name for this path and lose to the chosen one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shadowed: Vec<String>,
}

/// An existing repository with the settings that are not part of `DescribeRepositories`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExistingRepository {
    /// As `DescribeRepositories` reports it.
    pub repository: Repository,
    /// Its lifecycle policy text (`GetLifecyclePolicy`), `None` when it has none.
    #[serde(default)]
    pub lifecycle_policy: Option<String>,
    /// Its repository policy text (`GetRepositoryPolicy`), `None` when it has none.
    #[serde(default)]
    pub repository_policy: Option<String>,
}

/// The templates covering `name` for `path`, best first: the longest prefix first, `ROOT` last.
pub fn covering_templates<'a>(
    snapshot: &'a RegistrySnapshot,
    name: &str,
    path: AppliedFor,
) -> Vec<&'a CreationTemplate> {
    let mut found: Vec<&CreationTemplate> = snapshot
        .repository_creation_templates
        .iter()
        .filter(|t| t.applied_for.contains(&path) && namespace_matches(&t.prefix, name))
        .collect();
    found.sort_by_key(|t| std::cmp::Reverse(if t.is_root() { 0 } else { t.prefix.len() }));
    found
}

/// The pull-through cache rules covering `name`, best first (the longest prefix first, `ROOT` last).
pub fn covering_cache_rules<'a>(snapshot: &'a RegistrySnapshot, name: &str) -> Vec<&'a PullThroughCacheRule> {
    let mut found: Vec<&PullThroughCacheRule> = snapshot
        .pull_through_cache_rules
        .iter()
        .filter(|r| namespace_matches(&r.ecr_repository_prefix, name))
        .collect();
    found.sort_by_key(|r| {
        std::cmp::Reverse(if r.ecr_repository_prefix == ROOT {
            0
        } else {
            r.ecr_repository_prefix.len()
        })
    });
    found
}

/// Resolves the settings of repository `name`: of `existing` when it exists (templates applied only at its
/// creation), otherwise of the repository ECR would create for the name.
pub fn effective_settings(
    snapshot: &RegistrySnapshot,
    name: &str,
    existing: Option<&ExistingRepository>,
) -> EffectiveSettings {
    let cache_rule = covering_cache_rules(snapshot, name)
        .first()
        .map(|r| r.ecr_repository_prefix.clone());
    let templates: Vec<TemplateChoice> = [
        AppliedFor::PullThroughCache,
        AppliedFor::CreateOnPush,
        AppliedFor::Replication,
    ]
    .into_iter()
    .map(|path| {
        let covering = covering_templates(snapshot, name, path);
        TemplateChoice {
            applied_for: path,
            prefix: covering.first().map(|t| t.prefix.clone()),
            shadowed: covering.iter().skip(1).map(|t| t.prefix.clone()).collect(),
        }
    })
    .collect();
    let (created_by, template) = match existing {
        Some(_) => (CreatedBy::Existing, None),
        None if cache_rule.is_some() => (
            CreatedBy::PullThroughCache,
            covering_templates(snapshot, name, AppliedFor::PullThroughCache)
                .first()
                .copied()
                .map(|t| (t, AppliedFor::PullThroughCache)),
        ),
        None => match covering_templates(snapshot, name, AppliedFor::CreateOnPush).first() {
            Some(t) => (CreatedBy::CreateOnPush, Some((*t, AppliedFor::CreateOnPush))),
            None => (CreatedBy::CreateRepository, None),
        },
    };
    let from_template = |t: &CreationTemplate, path: AppliedFor| Origin::Template {
        prefix: t.prefix.clone(),
        applied_for: path,
    };

    let (mutability, encryption, lifecycle_policy, repository_policy) = match (existing, template) {
        (Some(e), _) => (
            decided(
                Mutability {
                    image_tag_mutability: e.repository.image_tag_mutability,
                    exclusion_filters: e.repository.image_tag_mutability_exclusion_filters.clone(),
                },
                Origin::Repository,
            ),
            decided(
                EncryptionConfiguration {
                    encryption_type: e.repository.encryption_type.clone(),
                    kms_key: e.repository.kms_key.clone(),
                },
                Origin::Repository,
            ),
            decided(e.lifecycle_policy.clone(), Origin::Repository),
            decided(e.repository_policy.clone(), Origin::Repository),
        ),
        (None, Some((t, path))) => (
            decided(
                Mutability {
                    image_tag_mutability: t.image_tag_mutability.unwrap_or_default(),
                    exclusion_filters: t
                        .image_tag_mutability_exclusion_filters
                        .iter()
                        .map(|f| f.filter.clone())
                        .collect(),
                },
                from_template(t, path),
            ),
            decided(
                t.encryption_configuration
                    .clone()
                    .unwrap_or_else(EncryptionConfiguration::aes256),
                from_template(t, path),
            ),
            decided(t.lifecycle_policy.clone(), from_template(t, path)),
            decided(t.repository_policy.clone(), from_template(t, path)),
        ),
        (None, None) => (
            decided(
                Mutability {
                    image_tag_mutability: TagMutability::Mutable,
                    exclusion_filters: Vec::new(),
                },
                Origin::EcrDefault,
            ),
            decided(EncryptionConfiguration::aes256(), Origin::EcrDefault),
            decided(None, Origin::EcrDefault),
            decided(None, Origin::EcrDefault),
        ),
    };

    EffectiveSettings {
        repository: name.to_owned(),
        created_by,
        pull_through_cache_rule: cache_rule,
        templates,
        mutability,
        encryption,
        lifecycle_policy,
        repository_policy,
        scanning: scanning(snapshot, name),
        signing: signing(snapshot, name),
        replication: replication(snapshot, name),
        blob_mounting: match snapshot.account_setting("BLOB_MOUNTING") {
            Some(v) => decided(
                Some(v == "ENABLED"),
                Origin::AccountSetting {
                    name: "BLOB_MOUNTING".to_owned(),
                },
            ),
            None => decided(None, Origin::Unknown),
        },
    }
}

/// The scan frequency registry scanning gives `name`.
pub fn scanning(snapshot: &RegistrySnapshot, name: &str) -> Decided<Option<Scanning>> {
    let Some(config) = &snapshot.scanning_configuration else {
        return decided(None, Origin::Unknown);
    };
    let order: &[&str] = if config.scan_type == "ENHANCED" {
        &["CONTINUOUS_SCAN", "SCAN_ON_PUSH"]
    } else {
        &["SCAN_ON_PUSH"]
    };
    for frequency in order {
        for (index, rule) in config.rules.iter().enumerate() {
            if rule.scan_frequency != *frequency || rule.repository_filters.is_empty() {
                continue;
            }
            if let Some(filter) = rule_applies(&rule.repository_filters, name, scanning_wildcard) {
                return decided(
                    Some(Scanning {
                        scan_type: config.scan_type.clone(),
                        scan_frequency: (*frequency).to_owned(),
                    }),
                    Origin::ScanningRule {
                        index,
                        filter: filter.to_owned(),
                    },
                );
            }
        }
    }
    decided(
        Some(Scanning {
            scan_type: config.scan_type.clone(),
            scan_frequency: "MANUAL".to_owned(),
        }),
        Origin::EcrDefault,
    )
}

fn signing(snapshot: &RegistrySnapshot, name: &str) -> Vec<Signing> {
    let Some(config) = &snapshot.signing_configuration else {
        return Vec::new();
    };
    config
        .rules
        .iter()
        .enumerate()
        .filter_map(|(index, rule)| {
            rule_applies(&rule.repository_filters, name, signing_wildcard).map(|filter| Signing {
                signing_profile_arn: rule.signing_profile_arn.clone(),
                decided_by: Origin::SigningRule {
                    index,
                    filter: filter.to_owned(),
                },
            })
        })
        .collect()
}

fn replication(snapshot: &RegistrySnapshot, name: &str) -> Vec<Replication> {
    let Some(config) = &snapshot.replication_configuration else {
        return Vec::new();
    };
    let mut out: Vec<Replication> = Vec::new();
    for (index, rule) in config.rules.iter().enumerate() {
        let Some(filter) = rule_applies(&rule.repository_filters, name, prefix_match) else {
            continue;
        };
        for d in &rule.destinations {
            if !out.iter().any(|r| &r.destination == d) {
                out.push(Replication {
                    destination: d.clone(),
                    decided_by: Origin::ReplicationRule {
                        index,
                        filter: filter.to_owned(),
                    },
                });
            }
        }
    }
    out
}
