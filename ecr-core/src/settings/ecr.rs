//! The live calls: read the registry-wide configuration into a [`RegistrySnapshot`], and resolve or audit
//! against it.

use aws_sdk_ecr::types as sdk;

use super::audit::{TemplatedSettings, audit_registry, template_drift};
use super::model::{
    AppliedFor, CreationTemplate, EncryptionConfiguration, FilterEntry, PullThroughCacheRule, RegistrySnapshot,
    ReplicationConfiguration, ReplicationDestination, ReplicationRule, ResourceTag, ScanningConfiguration,
    ScanningRule, SigningConfiguration, SigningRule,
};
use super::resolve::{EffectiveSettings, ExistingRepository, effective_settings};
use crate::client::EcrClient;
use crate::error::{Error, Result};
use crate::types::TagMutability;
use crate::verify::{CheckLevel, EnsureOptions, EnsureOutcome, Finding, Report};

/// The account settings a snapshot reads.
pub const ACCOUNT_SETTINGS: [&str; 3] = ["BLOB_MOUNTING", "BASIC_SCAN_TYPE_VERSION", "REGISTRY_POLICY_SCOPE"];

/// A filter list of any of the SDK's filter types, given how to read one's (type, text).
fn filters<T>(items: &[T], read: impl Fn(&T) -> (&str, &str)) -> Vec<FilterEntry> {
    items
        .iter()
        .map(|item| {
            let (filter_type, filter) = read(item);
            FilterEntry {
                filter_type: filter_type.to_owned(),
                filter: filter.to_owned(),
            }
        })
        .collect()
}

fn template_from_sdk(t: &sdk::RepositoryCreationTemplate) -> CreationTemplate {
    CreationTemplate {
        prefix: t.prefix().unwrap_or_default().to_owned(),
        description: t.description().map(str::to_owned),
        applied_for: t
            .applied_for()
            .iter()
            .filter_map(|a| match a.as_str() {
                "REPLICATION" => Some(AppliedFor::Replication),
                "PULL_THROUGH_CACHE" => Some(AppliedFor::PullThroughCache),
                "CREATE_ON_PUSH" => Some(AppliedFor::CreateOnPush),
                _ => None,
            })
            .collect(),
        image_tag_mutability: t.image_tag_mutability().and_then(|m| TagMutability::parse(m.as_str())),
        image_tag_mutability_exclusion_filters: filters(t.image_tag_mutability_exclusion_filters(), |f| {
            (f.filter_type().as_str(), f.filter())
        }),
        encryption_configuration: t.encryption_configuration().map(|e| EncryptionConfiguration {
            encryption_type: e.encryption_type().as_str().to_owned(),
            kms_key: e.kms_key().filter(|k| !k.is_empty()).map(str::to_owned),
        }),
        lifecycle_policy: t.lifecycle_policy().map(str::to_owned),
        repository_policy: t.repository_policy().map(str::to_owned),
        resource_tags: t
            .resource_tags()
            .iter()
            .map(|tag| ResourceTag {
                key: tag.key().to_owned(),
                value: tag.value().to_owned(),
            })
            .collect(),
        custom_role_arn: t.custom_role_arn().map(str::to_owned),
    }
}

fn cache_rule_from_sdk(r: &sdk::PullThroughCacheRule) -> PullThroughCacheRule {
    PullThroughCacheRule {
        ecr_repository_prefix: r.ecr_repository_prefix().unwrap_or_default().to_owned(),
        upstream_registry_url: r.upstream_registry_url().unwrap_or_default().to_owned(),
        upstream_registry: r.upstream_registry().map(|u| u.as_str().to_owned()),
        upstream_repository_prefix: r.upstream_repository_prefix().map(str::to_owned),
        credential_arn: r.credential_arn().map(str::to_owned),
        custom_role_arn: r.custom_role_arn().map(str::to_owned),
    }
}

fn replication_from_sdk(c: &sdk::ReplicationConfiguration) -> ReplicationConfiguration {
    ReplicationConfiguration {
        rules: c
            .rules()
            .iter()
            .map(|r| ReplicationRule {
                destinations: r
                    .destinations()
                    .iter()
                    .map(|d| ReplicationDestination {
                        region: d.region().to_owned(),
                        registry_id: d.registry_id().to_owned(),
                    })
                    .collect(),
                repository_filters: filters(r.repository_filters(), |f| (f.filter_type().as_str(), f.filter())),
            })
            .collect(),
    }
}

fn scanning_from_sdk(c: &sdk::RegistryScanningConfiguration) -> ScanningConfiguration {
    ScanningConfiguration {
        scan_type: c.scan_type().map_or("BASIC", |t| t.as_str()).to_owned(),
        rules: c
            .rules()
            .iter()
            .map(|r| ScanningRule {
                scan_frequency: r.scan_frequency().as_str().to_owned(),
                repository_filters: filters(r.repository_filters(), |f| (f.filter_type().as_str(), f.filter())),
            })
            .collect(),
    }
}

fn signing_from_sdk(c: &sdk::SigningConfiguration) -> SigningConfiguration {
    SigningConfiguration {
        rules: c
            .rules()
            .iter()
            .map(|r| SigningRule {
                signing_profile_arn: r.signing_profile_arn().to_owned(),
                repository_filters: filters(r.repository_filters(), |f| (f.filter_type().as_str(), f.filter())),
            })
            .collect(),
    }
}

fn is_aws_code(e: &Error, code: &str) -> bool {
    matches!(e, Error::Service { aws_code, .. } if aws_code == code)
}

impl EcrClient {
    /// Reads the registry-wide configuration: every creation template and pull-through cache rule (all
    /// pages), replication, registry scanning, managed signing and the [`ACCOUNT_SETTINGS`]. Any of them that
    /// cannot be read is an error: a snapshot is whole or not at all.
    pub async fn registry_snapshot(&self) -> Result<RegistrySnapshot> {
        let mut snapshot = RegistrySnapshot {
            region: self.region().map(str::to_owned),
            ..RegistrySnapshot::default()
        };
        let mut pages = self
            .ecr()
            .describe_repository_creation_templates()
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(Error::from_sdk)?;
            snapshot
                .repository_creation_templates
                .extend(page.repository_creation_templates().iter().map(template_from_sdk));
        }
        let mut pages = self.ecr().describe_pull_through_cache_rules().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(Error::from_sdk)?;
            snapshot
                .pull_through_cache_rules
                .extend(page.pull_through_cache_rules().iter().map(cache_rule_from_sdk));
        }
        let registry = self.ecr().describe_registry().send().await.map_err(Error::from_sdk)?;
        snapshot.registry_id = registry.registry_id().map(str::to_owned);
        snapshot.replication_configuration = registry.replication_configuration().map(replication_from_sdk);
        let scanning = self
            .ecr()
            .get_registry_scanning_configuration()
            .send()
            .await
            .map_err(Error::from_sdk)?;
        snapshot.scanning_configuration = scanning.scanning_configuration().map(scanning_from_sdk);
        snapshot.signing_configuration = match self.ecr().get_signing_configuration().send().await {
            Ok(out) => out.signing_configuration().map(signing_from_sdk),
            Err(e) => match Error::from_sdk(e) {
                e if is_aws_code(&e, "SigningConfigurationNotFoundException") => None,
                e => return Err(e),
            },
        };
        for name in ACCOUNT_SETTINGS {
            let out = self
                .ecr()
                .get_account_setting()
                .name(name)
                .send()
                .await
                .map_err(Error::from_sdk)?;
            if let Some(value) = out.value() {
                snapshot.account_settings.insert(name.to_owned(), value.to_owned());
            }
        }
        Ok(snapshot)
    }

    /// An existing repository with its lifecycle and repository policies, `None` when it does not exist.
    pub async fn existing_repository(&self, name: &str) -> Result<Option<ExistingRepository>> {
        let repository = match self.describe_repository(name).await {
            Ok(r) => r,
            Err(Error::RepositoryNotFound { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        Ok(Some(ExistingRepository {
            repository,
            lifecycle_policy: self.lifecycle_policy_text(name).await?,
            repository_policy: self.repository_policy_text(name).await?,
        }))
    }

    /// The effective settings of repository `name` (existing or not), read live.
    pub async fn effective_settings(&self, name: &str) -> Result<EffectiveSettings> {
        let snapshot = self.registry_snapshot().await?;
        let existing = self.existing_repository(name).await?;
        Ok(effective_settings(&snapshot, name, existing.as_ref()))
    }

    /// Audits the registry configuration against every repository of the registry
    /// ([`audit_registry`]).
    pub async fn audit_registry(&self, rolling_tags: &[String]) -> Result<Report> {
        let snapshot = self.registry_snapshot().await?;
        let repositories = self.list_repositories().await?;
        Ok(audit_registry(&snapshot, &repositories, rolling_tags))
    }

    /// [`EcrClient::audit_repository`] plus the `template` check: the repository against the creation
    /// template that covers its name ([`template_drift`]), required, so that a repository created on push
    /// (or through the cache) never drifts from its template silently.
    pub async fn audit_repository_with_templates(&self, name: &str, snapshot: &RegistrySnapshot) -> Result<Report> {
        let mut report = self.audit_repository(name).await?;
        let existing = self
            .existing_repository(name)
            .await?
            .ok_or_else(|| Error::RepositoryNotFound {
                message: format!("repository {name} does not exist"),
                request_id: None,
            })?;
        report.record(
            "template",
            CheckLevel::Required,
            template_drift(snapshot, name, &TemplatedSettings::from(&existing)),
        );
        Ok(report)
    }

    /// [`EcrClient::ensure_repository`], and the settings it ensures against the creation template that
    /// covers the name ([`template_drift`]): a repository created explicitly should not differ silently from
    /// the ones ECR creates on push or through the cache under the same prefix.
    pub async fn ensure_repository_with_templates(
        &self,
        name: &str,
        options: &EnsureOptions,
        snapshot: &RegistrySnapshot,
    ) -> Result<(EnsureOutcome, Finding)> {
        let outcome = self.ensure_repository(name, options).await?;
        Ok((
            outcome,
            template_drift(snapshot, name, &TemplatedSettings::from(options)),
        ))
    }
}
