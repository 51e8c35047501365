//! The settings capability: what a repository really gets from the registry-wide configuration. Pure
//! functions over a saved snapshot (`registry_settings snapshot`, JSON text), and the live calls on both
//! clients.

use ecr_core::settings::{ExistingRepository, RegistrySnapshot};
use ecr_core::types::Repository;
use pyo3::prelude::*;

use crate::conversions::{Json, typed_arg};
use crate::errors::{Failure, guard};
use crate::tasks::{Op, client_methods};

fn snapshot_arg(text: &str) -> Result<RegistrySnapshot, Failure> {
    Ok(RegistrySnapshot::from_json(text)?)
}

/// The settings of repository `repository` (existing or not yet created) under the registry snapshot
/// `snapshot` (JSON text), each with what decided it: the `registry_settings effective` program's JSON.
/// `existing` (`{"repository": <DescribeRepositories entry>, "lifecyclePolicy", "repositoryPolicy"}`)
/// describes the repository when it exists.
#[pyfunction]
#[pyo3(signature = (snapshot, repository, *, existing=None))]
pub(crate) fn effective_settings(
    snapshot: &str,
    repository: &str,
    existing: Option<&Bound<'_, PyAny>>,
) -> PyResult<Json> {
    guard(|| {
        let snapshot = snapshot_arg(snapshot)?;
        let existing: Option<ExistingRepository> = match existing.filter(|e| !e.is_none()) {
            Some(e) => Some(typed_arg(e, "existing").map_err(Failure::from)?),
            None => None,
        };
        Ok(Json::of(ecr_core::settings::effective_settings(
            &snapshot,
            repository,
            existing.as_ref(),
        )))
    })
}

/// Audits the registry snapshot `snapshot` (JSON text) against `repositories` (DescribeRepositories
/// entries) and the tags builds push again and again (`rolling_tags`): the `registry_settings audit`
/// program's report.
#[pyfunction]
#[pyo3(signature = (snapshot, repositories, *, rolling_tags=Vec::new()))]
pub(crate) fn audit_registry(
    snapshot: &str,
    repositories: &Bound<'_, PyAny>,
    rolling_tags: Vec<String>,
) -> PyResult<Json> {
    guard(|| {
        let snapshot = snapshot_arg(snapshot)?;
        let repositories: Vec<Repository> = typed_arg(repositories, "repositories").map_err(Failure::from)?;
        Ok(Json::of(ecr_core::settings::audit_registry(
            &snapshot,
            &repositories,
            &rolling_tags,
        )))
    })
}

client_methods! {
    /// Reads the registry-wide configuration (creation templates, pull-through cache rules, replication,
    /// scanning, signing, account settings): a snapshot dict, `json.dumps` of which the pure functions take.
    fn registry_snapshot(&self, py) -> Json {
        Ok(Op::new(move |c: ecr_core::EcrClient| async move { Ok(Json::of(c.registry_snapshot().await?)) }))
    }

    /// The effective settings of `repository` (existing or not), read live.
    fn effective_settings(&self, py, repository: String) -> Json {
        Ok(Op::new(move |c: ecr_core::EcrClient| async move {
            Ok(Json::of(c.effective_settings(&repository).await?))
        }))
    }

    /// Audits the registry configuration against every repository, read live.
    #[pyo3(signature = (*, rolling_tags=Vec::new()))]
    fn audit_registry(&self, py, rolling_tags: Vec<String>) -> Json {
        Ok(Op::new(move |c: ecr_core::EcrClient| async move {
            Ok(Json::of(c.audit_registry(&rolling_tags).await?))
        }))
    }

    /// `audit_repository` plus the `template` check against the creation template covering the name in the
    /// registry snapshot `snapshot` (JSON text).
    fn audit_repository_with_templates(&self, py, repository: String, snapshot: String) -> Json {
        let snapshot = snapshot_arg(&snapshot)?;
        Ok(Op::new(move |c: ecr_core::EcrClient| async move {
            Ok(Json::of(c.audit_repository_with_templates(&repository, &snapshot).await?))
        }))
    }
}
