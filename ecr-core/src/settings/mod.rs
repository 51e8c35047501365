//! Registry-wide settings: what a repository really gets.
//!
//! A repository's configuration no longer lives on the repository alone. Repository creation templates
//! (for repositories ECR creates through a pull-through cache rule, by replication or on the first push),
//! replication rules, registry scanning rules, managed-signing rules and account settings each decide part
//! of it, each with its own filter dialect ([`filter`]).
//!
//! - [`RegistrySnapshot`]: all of it, read live ([`EcrClient::registry_snapshot`](crate::EcrClient::registry_snapshot))
//!   or from saved JSON ([`RegistrySnapshot::from_json`]).
//! - [`effective_settings`]: the settings of one repository name, existing or not yet created, each with the
//!   template, rule or setting that decided it. Pure: it works offline on a saved snapshot.
//! - [`audit_registry`]: problems of the configuration itself (invalid template lifecycle policies, templates
//!   that freeze rolling tags, cache credentials ECR cannot read, repositories enhanced scanning leaves
//!   unscanned, blob mounting across encryptions, overlapping filters).
//! - [`template_drift`]: a repository against the template that covers its name, used by
//!   [`EcrClient::audit_repository_with_templates`](crate::EcrClient::audit_repository_with_templates) and
//!   [`EcrClient::ensure_repository_with_templates`](crate::EcrClient::ensure_repository_with_templates).
//!
//! ```
//! use ecr_core::settings::{RegistrySnapshot, effective_settings, CreatedBy};
//!
//! let snapshot = RegistrySnapshot::from_json(r#"{
//!   "repositoryCreationTemplates": [
//!     {"prefix": "team", "appliedFor": ["CREATE_ON_PUSH"], "imageTagMutability": "IMMUTABLE"}
//!   ],
//!   "scanningConfiguration": {"scanType": "ENHANCED", "rules": [
//!     {"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [{"filterType": "WILDCARD", "filter": "team/*"}]}
//!   ]}
//! }"#)?;
//! let settings = effective_settings(&snapshot, "team/app", None);
//! assert_eq!(settings.created_by, CreatedBy::CreateOnPush);
//! assert_eq!(settings.scanning.value.unwrap().scan_frequency, "CONTINUOUS_SCAN");
//! # Ok::<(), ecr_core::Error>(())
//! ```

mod audit;
mod ecr;
pub mod filter;
mod model;
mod resolve;

#[cfg(test)]
mod tests;

pub use audit::{CACHE_SECRET_PREFIX, TemplatedSettings, audit_registry, template_drift};
pub use ecr::ACCOUNT_SETTINGS;
pub use model::{
    AppliedFor, CreationTemplate, EncryptionConfiguration, FilterEntry, PullThroughCacheRule, ROOT, RegistrySnapshot,
    ReplicationConfiguration, ReplicationDestination, ReplicationRule, ResourceTag, ScanningConfiguration,
    ScanningRule, SigningConfiguration, SigningRule,
};
pub use resolve::{
    CreatedBy, Decided, EffectiveSettings, ExistingRepository, Mutability, Origin, Replication, Scanning, Signing,
    TemplateChoice, covering_cache_rules, covering_templates, effective_settings, scanning,
};
