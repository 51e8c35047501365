//! The settings capability: what a repository really gets from the registry-wide configuration. Pure
//! functions over a saved snapshot (`registry_settings snapshot`, JSON text), and the live calls on
//! `EcrClient`.

use ecr_core::settings::{ExistingRepository, RegistrySnapshot};
use ecr_core::types::Repository;
use napi::Env;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

use crate::client::EcrClient;
use crate::conversions::{json, typed_arg};
use crate::errors::guard;
use crate::tasks::{self, Hook};

/// The settings of repository `repository` (existing or not yet created) under the registry snapshot
/// `snapshot` (JSON text), each with what decided it: the `registry_settings effective` program's JSON.
/// `existing` (`{ repository: <DescribeRepositories entry>, lifecyclePolicy, repositoryPolicy }`)
/// describes the repository when it exists.
#[napi(
    namespace = "settings",
    ts_args_type = "snapshot: string, repository: string, existing?: Record<string, unknown> | null",
    ts_return_type = "Record<string, unknown>"
)]
pub fn effective_settings(env: Env, snapshot: String, repository: String, existing: Option<Value>) -> Result<Value> {
    guard(&env, || {
        let snapshot = RegistrySnapshot::from_json(&snapshot)?;
        let existing: Option<ExistingRepository> = match existing.filter(|e| !e.is_null()) {
            Some(e) => Some(typed_arg(e, "existing")?),
            None => None,
        };
        json(&ecr_core::settings::effective_settings(
            &snapshot,
            &repository,
            existing.as_ref(),
        ))
    })
}

/// Audits the registry snapshot `snapshot` (JSON text) against `repositories` (DescribeRepositories
/// entries) and the tags builds push again and again (`rollingTags`): the `registry_settings audit`
/// program's report.
#[napi(
    namespace = "settings",
    ts_args_type = "snapshot: string, repositories: Record<string, unknown>[], rollingTags?: string[] | null",
    ts_return_type = "VerifyReport"
)]
pub fn audit_registry(
    env: Env,
    snapshot: String,
    repositories: Value,
    rolling_tags: Option<Vec<String>>,
) -> Result<Value> {
    guard(&env, || {
        let snapshot = RegistrySnapshot::from_json(&snapshot)?;
        let repositories: Vec<Repository> = typed_arg(repositories, "repositories")?;
        json(&ecr_core::settings::audit_registry(
            &snapshot,
            &repositories,
            &rolling_tags.unwrap_or_default(),
        ))
    })
}

#[napi]
impl EcrClient {
    /// The registry-wide configuration (creation templates, pull-through cache rules, replication, scanning,
    /// signing, account settings) as a snapshot object (`JSON.stringify` it for the pure functions).
    #[napi(ts_return_type = "Promise<Record<string, unknown>>")]
    pub fn registry_snapshot<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, Value>> {
        tasks::start(&self.lazy, env, Hook::default(), |c| async move {
            json(&c.registry_snapshot().await?)
        })
    }

    /// The effective settings of `repository` (existing or not), read live.
    #[napi(ts_return_type = "Promise<Record<string, unknown>>")]
    pub fn effective_settings<'env>(&self, env: &'env Env, repository: String) -> Result<PromiseRaw<'env, Value>> {
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            json(&c.effective_settings(&repository).await?)
        })
    }

    /// Audits the registry configuration against every repository, read live.
    #[napi(ts_return_type = "Promise<VerifyReport>")]
    pub fn audit_registry<'env>(
        &self,
        env: &'env Env,
        rolling_tags: Option<Vec<String>>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let rolling_tags = rolling_tags.unwrap_or_default();
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            json(&c.audit_registry(&rolling_tags).await?)
        })
    }

    /// `auditRepository` plus the `template` check against the creation template covering the name in the
    /// registry snapshot `snapshot` (JSON text).
    #[napi(ts_return_type = "Promise<VerifyReport>")]
    pub fn audit_repository_with_templates<'env>(
        &self,
        env: &'env Env,
        repository: String,
        snapshot: String,
    ) -> Result<PromiseRaw<'env, Value>> {
        let snapshot = guard(env, || Ok(RegistrySnapshot::from_json(&snapshot)?))?;
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            json(&c.audit_repository_with_templates(&repository, &snapshot).await?)
        })
    }
}
