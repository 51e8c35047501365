//! The tagging capability: `TagStrategy.from_json(text).plan(context, ...)` (the `tag_plan` program's
//! report as a `PlanReport`), `build_context_from_env` (the CI context), and on both clients
//! `check_tag_plan` / `repository_tag_state` (the plan checked against the live repository).

use std::collections::HashMap;
use std::sync::Arc;

use ecr_core::Error;
use ecr_core::tagging::{
    BuildContext, PlanCheck, PlanReport, RepositoryState, TagPlan, TagPolicy, TagStrategy, evaluate,
};
use ecr_core::types::{ImageDetail, TagMutability};
use pyo3::prelude::*;
use pyo3::types::PyType;
use serde_json::Value;

use crate::conversions::{Json, from_py, to_py, typed_arg};
use crate::errors::{Failure, guard};
use crate::tasks::{Op, client_methods};

/// A build context from a dict in `BuildContext` shape or its JSON text.
fn context_arg(obj: &Bound<'_, PyAny>) -> Result<BuildContext, Error> {
    let text = match obj.extract::<String>() {
        Ok(text) => text,
        Err(_) => from_py(obj, "context")?.to_string(),
    };
    BuildContext::from_json(&text)
}

/// A tag policy: `None` (the default policy), a built-in name (`"production"`, `"default"`), a policy dict
/// or its JSON text.
fn policy_arg(obj: Option<&Bound<'_, PyAny>>) -> Result<TagPolicy, Error> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(TagPolicy::default());
    };
    if let Ok(text) = obj.extract::<String>() {
        if let Some(p) = TagPolicy::named(&text) {
            return Ok(p);
        }
        if text.trim_start().starts_with('{') {
            return TagPolicy::from_json(&text);
        }
        return Err(Error::invalid(
            "policy",
            format!("{text:?} is neither \"production\", \"default\" nor a policy document"),
        ));
    }
    TagPolicy::from_json(&from_py(obj, "policy")?.to_string())
}

/// The repository's images: a list of `ImageDetail` dicts, describe-images output
/// (`{"imageDetails": [...]}`) or its JSON text.
fn existing_arg(obj: Option<&Bound<'_, PyAny>>) -> Result<Option<Vec<ImageDetail>>, Error> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    let value = match obj.extract::<String>() {
        Ok(text) => serde_json::from_str(&text).map_err(|e| Error::invalid("existing", e.to_string()))?,
        Err(_) => from_py(obj, "existing")?,
    };
    let list = match value {
        Value::Object(mut map) => map.remove("imageDetails").unwrap_or(Value::Array(Vec::new())),
        other => other,
    };
    serde_json::from_value(list)
        .map(Some)
        .map_err(|e| Error::invalid("existing", e.to_string()))
}

fn mutability_arg(m: Option<&str>) -> Result<Option<TagMutability>, Error> {
    m.map(|m| {
        TagMutability::parse(m).ok_or_else(|| {
            Error::invalid(
                "mutability",
                format!("{m:?} is not MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION"),
            )
        })
    })
    .transpose()
}

/// A checked tag plan: the tags to push (`value`, `kind`, `rule`), OCI `labels`, `violations` (do not
/// push) and `warnings`. `to_dict()` is exactly the JSON the `tag_plan` program prints.
#[pyclass(name = "PlanReport", module = "ecr_core", frozen)]
pub(crate) struct PyPlanReport {
    inner: PlanReport,
}

#[pymethods]
impl PyPlanReport {
    /// True when the plan has no violation.
    #[getter]
    fn ok(&self) -> bool {
        self.inner.is_ok()
    }

    /// The planned tags: `[{"value", "kind", "rule"}]`.
    #[getter]
    fn tags<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &self.inner.tags))
    }

    /// The tag values, in push order.
    #[getter]
    fn tag_values(&self) -> Vec<String> {
        self.inner.tags.iter().map(|t| t.value.clone()).collect()
    }

    /// The OCI labels.
    #[getter]
    fn labels<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &self.inner.labels))
    }

    /// Problems that make the plan unsafe: `[{"code", "message", "tag"}]`.
    #[getter]
    fn violations<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &self.inner.violations))
    }

    /// Notes that do not block the push.
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &self.inner.warnings))
    }

    /// The report as a dict (`tag_plan`'s JSON).
    fn to_dict(&self) -> Json {
        Json::of(self.inner.to_json())
    }

    /// The report as pretty-printed JSON text (exactly what `tag_plan` prints).
    fn to_json(&self) -> String {
        self.inner.to_json_pretty()
    }

    fn __repr__(&self) -> String {
        format!(
            "PlanReport(tags={:?}, violations={})",
            self.tag_values(),
            self.inner.violations.len()
        )
    }
}

/// A validated tag strategy (docker/metadata-action's tag types and flavor, as camelCase JSON).
#[pyclass(name = "TagStrategy", module = "ecr_core", frozen)]
pub(crate) struct PyTagStrategy {
    inner: Arc<TagStrategy>,
}

#[pymethods]
impl PyTagStrategy {
    /// Parses and validates a strategy document; raises `PolicyValidationError` naming every bad field.
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, text: &str) -> PyResult<Self> {
        guard(|| {
            Ok(Self {
                inner: Arc::new(TagStrategy::from_json(text).map_err(Failure::from)?),
            })
        })
    }

    /// Plans the tags of `context` (a `BuildContext` dict or JSON text) and checks them against `policy`
    /// (`None`, `"production"`, `"default"` or a policy dict) and the repository: `existing` images
    /// (`ImageDetail` dicts or describe-images output), its `mutability` and `exclusions` filters;
    /// `digest` is the digest about to be pushed. Same result as the `tag_plan` program.
    #[pyo3(signature = (context, *, policy=None, existing=None, mutability=None, exclusions=Vec::new(), digest=None))]
    fn plan(
        &self,
        context: &Bound<'_, PyAny>,
        policy: Option<&Bound<'_, PyAny>>,
        existing: Option<&Bound<'_, PyAny>>,
        mutability: Option<&str>,
        exclusions: Vec<String>,
        digest: Option<&str>,
    ) -> PyResult<PyPlanReport> {
        guard(|| {
            let run = || -> Result<PlanReport, Error> {
                let context = context_arg(context)?;
                let policy = policy_arg(policy)?;
                let repository = RepositoryState {
                    mutability: mutability_arg(mutability)?,
                    exclusion_filters: exclusions,
                    images: existing_arg(existing)?,
                };
                evaluate(&self.inner, &context, &policy, &repository, digest)
            };
            Ok(PyPlanReport {
                inner: run().map_err(Failure::from)?,
            })
        })
    }

    /// The raw tag plan of `context`, before any policy check: `{"tags", "labels", "violations",
    /// "warnings"}` (the strategy's own findings). `existing_tags` (the repository's tags) feed the backport
    /// rule. Check it with `check_plan`.
    #[pyo3(signature = (context, *, existing_tags=Vec::new()))]
    fn plan_tags(&self, context: &Bound<'_, PyAny>, existing_tags: Vec<String>) -> PyResult<Json> {
        guard(|| {
            let context = context_arg(context).map_err(Failure::from)?;
            let plan = self
                .inner
                .plan(&context, existing_tags.iter().map(String::as_str))
                .map_err(Failure::from)?;
            Ok(Json::of(plan))
        })
    }

    /// docker/metadata-action's outputs for `context` (planned without the repository's tags):
    /// `{"version", "tags", "tag-names", "labels", "annotations", "json"}`. `images` are the action's
    /// `images` lines, `annotation_levels` its annotation levels (default `["manifest"]`).
    #[pyo3(signature = (context, *, images=Vec::new(), annotation_levels=Vec::new()))]
    fn metadata_action(
        &self,
        context: &Bound<'_, PyAny>,
        images: Vec<String>,
        annotation_levels: Vec<String>,
    ) -> PyResult<Json> {
        guard(|| {
            let context = context_arg(context).map_err(Failure::from)?;
            let outputs = self
                .inner
                .metadata_action_outputs(&context, &images, &annotation_levels)
                .map_err(Failure::from)?;
            Ok(Json::of(outputs))
        })
    }

    fn __repr__(&self) -> String {
        format!("TagStrategy(rules={})", self.inner.spec().tags.len())
    }
}

/// Checks a tag plan (`TagStrategy.plan_tags(...)`) against `policy` (`None`, `"production"`, `"default"`
/// or a policy dict) and what is known of the repository (`repository`: a `repository_tag_state(...)` dict,
/// `{"mutability", "exclusionFilters", "imageDetails"}`, unknown parts not checked); `digest` is the
/// digest about to be pushed. Returns `{"violations", "warnings"}`.
#[pyfunction]
#[pyo3(signature = (plan, *, policy=None, repository=None, digest=None))]
pub(crate) fn check_plan(
    plan: &Bound<'_, PyAny>,
    policy: Option<&Bound<'_, PyAny>>,
    repository: Option<&Bound<'_, PyAny>>,
    digest: Option<&str>,
) -> PyResult<Json> {
    guard(|| {
        let run = || -> Result<PlanCheck, Error> {
            let plan: TagPlan = typed_arg(plan, "plan")?;
            let policy = policy_arg(policy)?;
            let repository: RepositoryState = match repository.filter(|r| !r.is_none()) {
                Some(r) => typed_arg(r, "repository")?,
                None => RepositoryState::default(),
            };
            ecr_core::tagging::check_plan(&plan, &policy, &repository, digest)
        };
        Ok(Json::of(run().map_err(Failure::from)?))
    })
}

/// The build context of the CI this runs in (GitHub Actions, GitLab CI, Buildkite, CircleCI, Jenkins), as a
/// `BuildContext` dict. `env` replaces the process environment when given (GitHub's event payload is read
/// from the file `GITHUB_EVENT_PATH` names). Raises `InvalidArgumentError` outside a supported CI.
#[pyfunction]
#[pyo3(signature = (env=None))]
pub(crate) fn build_context_from_env(env: Option<HashMap<String, String>>) -> PyResult<Json> {
    guard(|| {
        let ctx = match env {
            Some(env) => BuildContext::from_env(&|k| env.get(k).cloned()),
            None => BuildContext::from_process_env(),
        }
        .map_err(Failure::from)?;
        Ok(Json::of(ctx))
    })
}

/// The owned arguments of `check_tag_plan`.
struct CheckArgs {
    repository: String,
    strategy: Arc<TagStrategy>,
    context: BuildContext,
    policy: TagPolicy,
    digest: Option<String>,
}

impl CheckArgs {
    fn new(
        repository: String,
        strategy: &PyTagStrategy,
        context: &Bound<'_, PyAny>,
        policy: Option<&Bound<'_, PyAny>>,
        digest: Option<String>,
    ) -> Result<Self, Error> {
        Ok(Self {
            repository,
            strategy: strategy.inner.clone(),
            context: context_arg(context)?,
            policy: policy_arg(policy)?,
            digest,
        })
    }
}

mod ops {
    use ecr_core::EcrClient;

    use super::{CheckArgs, PyPlanReport};
    use crate::conversions::Json;
    use crate::errors::Failure;

    pub(super) async fn check_tag_plan(client: EcrClient, a: CheckArgs) -> Result<PyPlanReport, Failure> {
        let inner = client
            .check_tag_plan(&a.repository, &a.strategy, &a.context, &a.policy, a.digest.as_deref())
            .await?;
        Ok(PyPlanReport { inner })
    }

    pub(super) async fn repository_tag_state(client: EcrClient, repository: String) -> Result<Json, Failure> {
        Ok(Json::of(client.repository_tag_state(&repository).await?))
    }
}

client_methods! {
    /// Plans the tags of a build and checks the plan against `policy` and the live repository (its
    /// mutability, exclusion filters and every tagged image); `digest` is the digest about to be pushed.
    #[pyo3(signature = (repository, strategy, context, *, policy=None, digest=None))]
    fn check_tag_plan(
        &self,
        py,
        repository: String,
        strategy: &PyTagStrategy,
        context: &Bound<'_, PyAny>,
        policy: Option<&Bound<'_, PyAny>>,
        digest: Option<String>,
    ) -> PyPlanReport {
        let args = CheckArgs::new(repository, strategy, context, policy, digest).map_err(Failure::from)?;
        Ok(Op::new(move |c| ops::check_tag_plan(c, args)))
    }

    /// What the tag checks read from a repository: `{"mutability", "exclusionFilters", "imageDetails"}`
    /// (every tagged image, archived ones included).
    fn repository_tag_state(&self, py, repository: String) -> Json {
        Ok(Op::new(move |c| {
            ops::repository_tag_state(c, repository)
        }))
    }
}

/// Whether `tag` matches an ECR exclusion-filter wildcard (`*` any run of characters), as ECR decides
/// which tags a `*_WITH_EXCLUSION` setting exempts.
#[pyfunction]
pub(crate) fn wildcard_match(pattern: &str, tag: &str) -> bool {
    ecr_core::tagging::wildcard_match(pattern, tag)
}

// --- tagging: the tag-text helpers the strategies use ---

/// Whether a tag looks reserved by registries and signing tools: the OCI referrers fallback tag
/// `sha256-<64 hex>` and legacy cosign's `sha256-<64 hex>.sig|.att|.sbom`.
#[pyfunction]
pub(crate) fn is_reserved_tag(tag: &str) -> bool {
    ecr_core::tagging::sanitize::is_reserved_tag(tag)
}

/// Replaces every run of characters outside `[A-Za-z0-9._-]` with one `-` (`feature/new login` →
/// `feature-new-login`).
#[pyfunction]
pub(crate) fn replace_illegal_runs(text: &str) -> String {
    ecr_core::tagging::sanitize::replace_illegal_runs(text)
}

/// Turns `prefix + value + suffix` into a valid tag (illegal runs → `-`, no leading `.`/`-`, over 128
/// characters truncated inside the value with `-<7 hex of its SHA-256>`), or `None` when nothing is left.
#[pyfunction]
#[pyo3(signature = (value, *, prefix="", suffix=""))]
pub(crate) fn fit_tag(value: &str, prefix: &str, suffix: &str) -> Option<String> {
    ecr_core::tagging::sanitize::fit_tag(prefix, value, suffix)
}

// --- tagging: the semver helpers and the build context's derived facts ---

fn version_arg(text: &str, what: &str) -> Result<ecr_core::tagging::semver::Version, Error> {
    ecr_core::tagging::semver::require_version(text, what)
}

fn line_arg(line: &str) -> Result<ecr_core::tagging::semver::Line, Error> {
    line.parse()
}

fn released(tags: &[String], prefix: &str, suffix: &str) -> ecr_core::tagging::semver::ReleasedVersions {
    ecr_core::tagging::semver::ReleasedVersions::from_tags(tags.iter().map(String::as_str), prefix, suffix)
}

/// Parses a version the way docker/metadata-action's `semver.clean` does (surrounding space and a leading
/// `v`/`V`/`=` ignored): `{"version", "major", "minor", "patch", "pre", "build", "prerelease"}`, or `None`
/// when the text is not a full `MAJOR.MINOR.PATCH[-pre][+build]`.
#[pyfunction]
pub(crate) fn parse_version(text: &str) -> Option<Json> {
    ecr_core::tagging::semver::parse_version(text).map(|v| Json::of(ecr_core::tagging::semver::version_facts(&v)))
}

/// Whether a version is a pre-release (`1.2.3-rc.1`); raises `InvalidArgumentError` when it is not a
/// version.
#[pyfunction]
pub(crate) fn is_prerelease(version: &str) -> PyResult<bool> {
    guard(|| {
        let v = version_arg(version, "version").map_err(Failure::from)?;
        Ok(ecr_core::tagging::semver::is_prerelease(&v))
    })
}

/// The highest stable version among a repository's tags (`ReleasedVersions.from_tags(...).highest()`), or
/// with `version` the highest on its `line` (`"all"`, `"major"`, `"minor"`: what `latest`, `{{major}}`,
/// `{{major}}.{{minor}}` follow); `None` when there is none. `prefix`/`suffix` (the strategy's flavor) are
/// removed from each tag first, `_` reads as `+`, pre-releases and other tags are ignored.
#[pyfunction]
#[pyo3(signature = (tags, *, version=None, line="all", prefix="", suffix=""))]
pub(crate) fn highest_released(
    tags: Vec<String>,
    version: Option<&str>,
    line: &str,
    prefix: &str,
    suffix: &str,
) -> PyResult<Option<String>> {
    guard(|| {
        let line = line_arg(line).map_err(Failure::from)?;
        let r = released(&tags, prefix, suffix);
        let found = match version {
            Some(v) => r.highest_on_line(&version_arg(v, "version").map_err(Failure::from)?, line),
            None if line == ecr_core::tagging::semver::Line::All => r.highest(),
            None => {
                return Err(Failure::from(Error::invalid(
                    "line",
                    "a \"major\" or \"minor\" line needs the version whose line it is",
                ))
                .into());
            }
        };
        Ok(found.map(ToString::to_string))
    })
}

/// Whether a rolling tag of `line` (`"all"` = `latest`, `"major"`, `"minor"`) may move to `version`: it is
/// at least the highest stable version of its line among `tags` (build metadata ignored), so a backport
/// never moves a newer line's tag.
#[pyfunction]
#[pyo3(signature = (version, tags, *, line="all", prefix="", suffix=""))]
pub(crate) fn may_roll_to(version: &str, tags: Vec<String>, line: &str, prefix: &str, suffix: &str) -> PyResult<bool> {
    guard(|| {
        let v = version_arg(version, "version").map_err(Failure::from)?;
        let line = line_arg(line).map_err(Failure::from)?;
        Ok(released(&tags, prefix, suffix).may_roll_to(&v, line))
    })
}

/// Applies a build-metadata rule to a version-like string: `rule` `"underscore"` (default, `+` → `_`),
/// `"hyphen"` (`+` → `-`), `"drop"` (the `+...` part removed) or `"reject"` (`None` when there is a `+`).
#[pyfunction]
#[pyo3(signature = (text, rule="underscore"))]
pub(crate) fn apply_build_metadata(text: &str, rule: &str) -> PyResult<Option<String>> {
    use ecr_core::tagging::BuildMetadata;
    guard(|| {
        let rule: BuildMetadata = rule.parse().map_err(Failure::from)?;
        Ok(ecr_core::tagging::sanitize::apply_build_metadata(text, rule))
    })
}

/// What a build context implies (none of it is in the context dict itself): `{"ref"` (canonical),
/// `"branch"` (the pushed branch or a pull request's head branch), `"tag"`, `"pullRequest"`, `"event"`
/// (derived from the ref when not given), `"isDefaultBranch"` (computed), `"shortSha"` (`sha_length`
/// characters, lowercase)}`, absent parts `None`.
#[pyfunction]
#[pyo3(signature = (context, *, sha_length=7))]
pub(crate) fn describe_build_context(context: &Bound<'_, PyAny>, sha_length: usize) -> PyResult<Json> {
    guard(|| {
        let ctx = context_arg(context).map_err(Failure::from)?;
        Ok(Json::of(ctx.facts(sha_length)))
    })
}

/// A full git ref in its canonical form (`refs/pull/12/merge` → `refs/pull/12/head`,
/// `refs/merge-requests/7/head` → `refs/pull/7/head`); raises `InvalidArgumentError` for a short name.
#[pyfunction]
pub(crate) fn normalize_git_ref(git_ref: &str) -> PyResult<String> {
    guard(|| {
        let r = ecr_core::tagging::GitRef::parse(git_ref).map_err(|e| Failure::from(Error::invalid("ref", e)))?;
        Ok(r.to_ref_string())
    })
}
