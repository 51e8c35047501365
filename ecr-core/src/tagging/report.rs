//! [`PlanReport`]: the plan and its check in one JSON document, exactly what `tag_plan` prints and the
//! bindings return: `{"tags": [{"value", "kind", "rule"}], "labels": {...}, "violations": [...], "warnings": [...]}`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::context::BuildContext;
use super::plan::PlannedTag;
use super::policy::{RepositoryState, TagPolicy, check_validated, validate_inputs};
use super::strategy::TagStrategy;
use super::violation::Violation;
use crate::error::Result;

/// A checked plan.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlanReport {
    /// The tags to push.
    pub tags: Vec<PlannedTag>,
    /// OCI labels (and annotations) for traceability.
    pub labels: BTreeMap<String, String>,
    /// Problems that make the plan unsafe: do not push.
    pub violations: Vec<Violation>,
    /// Notes that do not block the push.
    pub warnings: Vec<Violation>,
}

impl PlanReport {
    /// Whether the plan has no violation.
    pub fn is_ok(&self) -> bool {
        self.violations.is_empty()
    }

    /// The report as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// The report as pretty-printed JSON text.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Plans the tags of `context` with `strategy` (the repository's existing tags feed the backport rule)
/// and checks the plan against `policy` and `repository`. `digest` is the digest about to be pushed.
pub fn evaluate(
    strategy: &TagStrategy,
    context: &BuildContext,
    policy: &TagPolicy,
    repository: &RepositoryState,
    digest: Option<&str>,
) -> Result<PlanReport> {
    validate_inputs(policy, repository, digest)?;
    let plan = strategy.plan(context, repository.existing_tags())?;
    let check = check_validated(&plan, policy, repository, digest);
    Ok(PlanReport {
        tags: plan.tags,
        labels: plan.labels,
        violations: check.violations,
        warnings: check.warnings,
    })
}
