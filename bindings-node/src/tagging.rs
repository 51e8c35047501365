//! The tagging capability: `TagStrategy.fromJson(text).plan(context, options)` (a plain object equal to
//! the `tag_plan` program's JSON), `buildContextFromEnv` (the CI context), and on `EcrClient`
//! `checkTagPlan` / `repositoryTagState` (the plan checked against the live repository).

use std::collections::HashMap;
use std::sync::Arc;

use ecr_core::Error as CoreError;
use ecr_core::tagging::{BuildContext, RepositoryState, TagPlan, TagPolicy, TagStrategy as CoreStrategy, evaluate};
use ecr_core::types::{ImageDetail, TagMutability};
use napi::Env;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

use crate::client::EcrClient;
use crate::conversions::{json, typed_arg};
use crate::errors::guard;
use crate::tasks::{self, Hook};

type CoreResult<T> = std::result::Result<T, CoreError>;

/// A build context from an object in `BuildContext` shape or its JSON text.
fn context_arg(value: Value) -> CoreResult<BuildContext> {
    match value {
        Value::String(text) => BuildContext::from_json(&text),
        other => BuildContext::from_json(&other.to_string()),
    }
}

/// A tag policy: absent (the default policy), a built-in name (`"production"`, `"default"`), a policy
/// object or its JSON text.
fn policy_arg(value: Option<Value>) -> CoreResult<TagPolicy> {
    match value {
        None | Some(Value::Null) => Ok(TagPolicy::default()),
        Some(Value::String(text)) => match TagPolicy::named(&text) {
            Some(p) => Ok(p),
            None if text.trim_start().starts_with('{') => TagPolicy::from_json(&text),
            None => Err(CoreError::invalid(
                "policy",
                format!("{text:?} is neither \"production\", \"default\" nor a policy document"),
            )),
        },
        Some(other) => TagPolicy::from_json(&other.to_string()),
    }
}

/// The repository's images: an array of `ImageDetail` objects, describe-images output
/// (`{ imageDetails: [...] }`) or its JSON text.
fn existing_arg(value: Option<Value>) -> CoreResult<Option<Vec<ImageDetail>>> {
    let value = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(text)) => {
            serde_json::from_str(&text).map_err(|e| CoreError::invalid("existing", e.to_string()))?
        }
        Some(other) => other,
    };
    let list = match value {
        Value::Object(mut map) => map.remove("imageDetails").unwrap_or(Value::Array(Vec::new())),
        other => other,
    };
    serde_json::from_value(list)
        .map(Some)
        .map_err(|e| CoreError::invalid("existing", e.to_string()))
}

fn mutability_arg(m: Option<String>) -> CoreResult<Option<TagMutability>> {
    m.map(|m| {
        TagMutability::parse(&m).ok_or_else(|| {
            CoreError::invalid(
                "mutability",
                format!("{m:?} is not MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION or MUTABLE_WITH_EXCLUSION"),
            )
        })
    })
    .transpose()
}

/// Options of `TagStrategy.plan`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// `"production"`, `"default"` (the default), a policy object or its JSON text.
    #[napi(ts_type = "'production' | 'default' | TagPolicy | string")]
    pub policy: Option<Value>,
    /// The repository's images: `ImageDetail` objects, describe-images output or its JSON text.
    #[napi(ts_type = "ImageDetail[] | { imageDetails: ImageDetail[] } | string")]
    pub existing: Option<Value>,
    /// The repository's tag mutability.
    #[napi(ts_type = "'MUTABLE' | 'IMMUTABLE' | 'IMMUTABLE_WITH_EXCLUSION' | 'MUTABLE_WITH_EXCLUSION'")]
    pub mutability: Option<String>,
    /// The repository's exclusion filters (wildcards).
    pub exclusions: Option<Vec<String>>,
    /// The digest about to be pushed.
    pub digest: Option<String>,
}

/// A validated tag strategy (docker/metadata-action's tag types and flavor, as camelCase JSON).
#[napi(namespace = "tagging")]
pub struct TagStrategy {
    inner: Arc<CoreStrategy>,
}

#[napi(namespace = "tagging")]
impl TagStrategy {
    /// Parses and validates a strategy document; throws `code: "PolicyValidation"` with `errors` naming
    /// every bad field.
    #[napi(factory)]
    pub fn from_json(env: Env, text: String) -> Result<Self> {
        guard(&env, || {
            Ok(Self {
                inner: Arc::new(CoreStrategy::from_json(&text)?),
            })
        })
    }

    /// Plans the tags of `context` (a `BuildContext` object or JSON text) and checks them against the
    /// policy and the repository (`existing` images, `mutability`, `exclusions`); `digest` is the digest
    /// about to be pushed. Returns the `tag_plan` program's JSON: `{ tags, labels, violations, warnings }`.
    #[napi(
        ts_args_type = "context: BuildContext | string, options?: PlanOptions | null",
        ts_return_type = "PlanReport"
    )]
    pub fn plan(&self, env: Env, context: Value, options: Option<PlanOptions>) -> Result<Value> {
        let o = options.unwrap_or_default();
        guard(&env, || {
            let context = context_arg(context)?;
            let policy = policy_arg(o.policy)?;
            let repository = RepositoryState {
                mutability: mutability_arg(o.mutability)?,
                exclusion_filters: o.exclusions.unwrap_or_default(),
                images: existing_arg(o.existing)?,
            };
            Ok(evaluate(&self.inner, &context, &policy, &repository, o.digest.as_deref())?.to_json())
        })
    }

    /// The raw tag plan of `context`, before any policy check: `{ tags, labels, violations, warnings }`
    /// (the strategy's own findings). `existingTags` (the repository's tags) feed the backport rule. Check
    /// it with `checkPlan`.
    #[napi(
        ts_args_type = "context: BuildContext | string, existingTags?: string[] | null",
        ts_return_type = "TagPlan"
    )]
    pub fn plan_tags(&self, env: Env, context: Value, existing_tags: Option<Vec<String>>) -> Result<Value> {
        guard(&env, || {
            let context = context_arg(context)?;
            let existing = existing_tags.unwrap_or_default();
            json(&self.inner.plan(&context, existing.iter().map(String::as_str))?)
        })
    }

    /// docker/metadata-action's outputs for `context` (planned without the repository's tags):
    /// `{ version, tags, "tag-names", labels, annotations, json }`. `images` are the action's `images`
    /// lines, `annotationLevels` its annotation levels (default `["manifest"]`).
    #[napi(
        ts_args_type = "context: BuildContext | string, images?: string[] | null, annotationLevels?: string[] | null",
        ts_return_type = "MetadataActionOutputs"
    )]
    pub fn metadata_action(
        &self,
        env: Env,
        context: Value,
        images: Option<Vec<String>>,
        annotation_levels: Option<Vec<String>>,
    ) -> Result<Value> {
        guard(&env, || {
            let context = context_arg(context)?;
            Ok(self.inner.metadata_action_outputs(
                &context,
                &images.unwrap_or_default(),
                &annotation_levels.unwrap_or_default(),
            )?)
        })
    }
}

/// Options of `checkPlan`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct CheckPlanOptions {
    /// `"production"`, `"default"` (the default), a policy object or its JSON text.
    #[napi(ts_type = "string | TagPolicy")]
    pub policy: Option<Value>,
    /// What is known of the repository (`repositoryTagState(...)`: `{ mutability, exclusionFilters,
    /// imageDetails }`); unknown parts are not checked.
    #[napi(ts_type = "Partial<RepositoryTagState>")]
    pub repository: Option<Value>,
    /// The digest about to be pushed.
    pub digest: Option<String>,
}

/// Checks a tag plan (`TagStrategy.planTags(...)`) against a policy and what is known of the repository:
/// `{ violations, warnings }`.
#[napi(
    namespace = "tagging",
    ts_args_type = "plan: TagPlan, options?: CheckPlanOptions | null",
    ts_return_type = "{ violations: TagViolation[]; warnings: TagViolation[] }"
)]
pub fn check_plan(env: Env, plan: Value, options: Option<CheckPlanOptions>) -> Result<Value> {
    let o = options.unwrap_or_default();
    guard(&env, || {
        let plan: TagPlan = typed_arg(plan, "plan")?;
        let policy = policy_arg(o.policy)?;
        let repository: RepositoryState = match o.repository {
            None | Some(Value::Null) => RepositoryState::default(),
            Some(r) => typed_arg(r, "repository")?,
        };
        json(&ecr_core::tagging::check_plan(
            &plan,
            &policy,
            &repository,
            o.digest.as_deref(),
        )?)
    })
}

/// The build context of the CI this runs in (GitHub Actions, GitLab CI, Buildkite, CircleCI, Jenkins).
/// `env` replaces `process.env` when given (GitHub's event payload is read from the file
/// `GITHUB_EVENT_PATH` names). Throws `code: "InvalidArgument"` outside a supported CI.
#[napi(namespace = "tagging", ts_return_type = "BuildContext")]
pub fn build_context_from_env(env: Env, vars: Option<HashMap<String, String>>) -> Result<Value> {
    guard(&env, || {
        let ctx = match vars {
            Some(vars) => BuildContext::from_env(&|k| vars.get(k).cloned()),
            None => BuildContext::from_process_env(),
        }?;
        json(&ctx)
    })
}

/// Options of `EcrClient.checkTagPlan`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct CheckTagPlanOptions {
    /// `"production"`, `"default"` (the default), a policy object or its JSON text.
    #[napi(ts_type = "'production' | 'default' | TagPolicy | string")]
    pub policy: Option<Value>,
    /// The digest about to be pushed.
    pub digest: Option<String>,
}

#[napi]
impl EcrClient {
    /// Plans the tags of a build and checks the plan against the policy and the live repository (its
    /// mutability, exclusion filters and every tagged image); resolves with the `tag_plan` JSON.
    #[napi(
        ts_args_type = "repository: string, strategy: tagging.TagStrategy, context: BuildContext | string, options?: CheckTagPlanOptions | null",
        ts_return_type = "Promise<PlanReport>"
    )]
    pub fn check_tag_plan<'env>(
        &self,
        env: &'env Env,
        repository: String,
        strategy: &TagStrategy,
        context: Value,
        options: Option<CheckTagPlanOptions>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let o = options.unwrap_or_default();
        let strategy = strategy.inner.clone();
        let (context, policy) = guard(env, || Ok((context_arg(context)?, policy_arg(o.policy)?)))?;
        let digest = o.digest;
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            let report = c
                .check_tag_plan(&repository, &strategy, &context, &policy, digest.as_deref())
                .await?;
            Ok(report.to_json())
        })
    }

    /// What the tag checks read from a repository: `{ mutability, exclusionFilters, imageDetails }` (every
    /// tagged image, archived ones included).
    #[napi(ts_return_type = "Promise<RepositoryTagState>")]
    pub fn repository_tag_state<'env>(&self, env: &'env Env, repository: String) -> Result<PromiseRaw<'env, Value>> {
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            json(&c.repository_tag_state(&repository).await?)
        })
    }
}

/// Whether `tag` matches an ECR exclusion-filter wildcard (`*` any run of characters), as ECR decides which
/// tags a `*_WITH_EXCLUSION` setting exempts.
#[napi(namespace = "tagging")]
pub fn wildcard_match(pattern: String, tag: String) -> bool {
    ecr_core::tagging::wildcard_match(&pattern, &tag)
}

// --- tagging: the tag-text helpers the strategies use ---

/// Whether a tag looks reserved by registries and signing tools: the OCI referrers fallback tag
/// `sha256-<64 hex>` and legacy cosign's `sha256-<64 hex>.sig|.att|.sbom`.
#[napi(namespace = "tagging")]
pub fn is_reserved_tag(tag: String) -> bool {
    ecr_core::tagging::sanitize::is_reserved_tag(&tag)
}

/// Replaces every run of characters outside `[A-Za-z0-9._-]` with one `-` (`feature/new login` →
/// `feature-new-login`).
#[napi(namespace = "tagging")]
pub fn replace_illegal_runs(text: String) -> String {
    ecr_core::tagging::sanitize::replace_illegal_runs(&text)
}

/// Options of `fitTag`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct FitTagOptions {
    /// Text before the value (default none).
    pub prefix: Option<String>,
    /// Text after the value, kept whole when the tag is truncated (default none).
    pub suffix: Option<String>,
}

/// Turns `prefix + value + suffix` into a valid tag (illegal runs → `-`, no leading `.`/`-`, over 128
/// characters truncated inside the value with `-<7 hex of its SHA-256>`), or `null` when nothing is left.
#[napi(namespace = "tagging")]
pub fn fit_tag(value: String, options: Option<FitTagOptions>) -> Option<String> {
    let o = options.unwrap_or_default();
    ecr_core::tagging::sanitize::fit_tag(
        o.prefix.as_deref().unwrap_or(""),
        &value,
        o.suffix.as_deref().unwrap_or(""),
    )
}

// --- tagging: the semver helpers and the build context's derived facts ---

fn version_arg(text: &str) -> CoreResult<ecr_core::tagging::semver::Version> {
    ecr_core::tagging::semver::require_version(text, "version")
}

fn line_arg(line: Option<&str>) -> CoreResult<ecr_core::tagging::semver::Line> {
    line.unwrap_or("all").parse()
}

fn released(
    tags: &[String],
    prefix: Option<&str>,
    suffix: Option<&str>,
) -> ecr_core::tagging::semver::ReleasedVersions {
    ecr_core::tagging::semver::ReleasedVersions::from_tags(
        tags.iter().map(String::as_str),
        prefix.unwrap_or(""),
        suffix.unwrap_or(""),
    )
}

/// Parses a version the way docker/metadata-action's `semver.clean` does (surrounding space and a leading
/// `v`/`V`/`=` ignored): `{ version, major, minor, patch, pre, build, prerelease }`, or `null` when the
/// text is not a full `MAJOR.MINOR.PATCH[-pre][+build]`.
#[napi(namespace = "tagging", ts_return_type = "ParsedVersion | null")]
pub fn parse_version(env: Env, text: String) -> Result<Option<Value>> {
    guard(&env, || {
        ecr_core::tagging::semver::parse_version(&text)
            .map(|v| json(&ecr_core::tagging::semver::version_facts(&v)))
            .transpose()
    })
}

/// Whether a version is a pre-release (`1.2.3-rc.1`); throws `code: "InvalidArgument"` when it is not a
/// version.
#[napi(namespace = "tagging")]
pub fn is_prerelease(env: Env, version: String) -> Result<bool> {
    guard(&env, || {
        Ok(ecr_core::tagging::semver::is_prerelease(&version_arg(&version)?))
    })
}

/// Options of `highestReleased` and `mayRollTo`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct ReleasedVersionOptions {
    /// For `highestReleased`: the version whose line to look at (needed for `major` and `minor`).
    pub version: Option<String>,
    /// The line a rolling tag follows: `all` (`latest`, the default), `major` (`{{major}}`), `minor`
    /// (`{{major}}.{{minor}}`).
    #[napi(ts_type = "VersionLine")]
    pub line: Option<String>,
    /// The strategy's flavor prefix, removed from each tag first.
    pub prefix: Option<String>,
    /// The strategy's flavor suffix, removed from each tag first.
    pub suffix: Option<String>,
}

/// The highest stable version among a repository's tags, or with `version` the highest on its `line`;
/// `null` when there is none. The flavor `prefix`/`suffix` are removed from each tag first, `_` reads as
/// `+`, pre-releases and other tags are ignored.
#[napi(namespace = "tagging")]
pub fn highest_released(
    env: Env,
    tags: Vec<String>,
    options: Option<ReleasedVersionOptions>,
) -> Result<Option<String>> {
    let o = options.unwrap_or_default();
    guard(&env, || {
        let line = line_arg(o.line.as_deref())?;
        let r = released(&tags, o.prefix.as_deref(), o.suffix.as_deref());
        let found = match o.version.as_deref() {
            Some(v) => r.highest_on_line(&version_arg(v)?, line),
            None if line == ecr_core::tagging::semver::Line::All => r.highest(),
            None => {
                return Err(CoreError::invalid(
                    "line",
                    "a \"major\" or \"minor\" line needs the version whose line it is",
                )
                .into());
            }
        };
        Ok(found.map(ToString::to_string))
    })
}

/// Whether a rolling tag of `line` (`all` = `latest`, `major`, `minor`) may move to `version`: it is at
/// least the highest stable version of its line among `tags` (build metadata ignored), so a backport never
/// moves a newer line's tag. `options.version` is not used.
#[napi(
    namespace = "tagging",
    ts_args_type = "version: string, tags: string[], options?: Omit<ReleasedVersionOptions, 'version'> | null"
)]
pub fn may_roll_to(
    env: Env,
    version: String,
    tags: Vec<String>,
    options: Option<ReleasedVersionOptions>,
) -> Result<bool> {
    let o = options.unwrap_or_default();
    guard(&env, || {
        let v = version_arg(&version)?;
        let line = line_arg(o.line.as_deref())?;
        Ok(released(&tags, o.prefix.as_deref(), o.suffix.as_deref()).may_roll_to(&v, line))
    })
}

/// Applies a build-metadata rule to a version-like string: `underscore` (the default, `+` → `_`), `hyphen`
/// (`+` → `-`), `drop` (the `+...` part removed) or `reject` (`null` when there is a `+`).
#[napi(
    namespace = "tagging",
    ts_args_type = "text: string, rule?: BuildMetadataRule | null"
)]
pub fn apply_build_metadata(env: Env, text: String, rule: Option<String>) -> Result<Option<String>> {
    use ecr_core::tagging::BuildMetadata;
    guard(&env, || {
        let rule: BuildMetadata = rule.as_deref().unwrap_or("underscore").parse()?;
        Ok(ecr_core::tagging::sanitize::apply_build_metadata(&text, rule))
    })
}

/// Options of `describeBuildContext`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct DescribeBuildContextOptions {
    /// The length of `shortSha` (default 7).
    pub sha_length: Option<u32>,
}

/// What a build context implies (none of it is in the context object itself): `ref` (canonical),
/// `branch` (the pushed branch or a pull request's head branch), `tag`, `pullRequest`, `event` (derived
/// from the ref when not given), `isDefaultBranch` (computed), `shortSha` (lowercase); absent parts `null`.
#[napi(
    namespace = "tagging",
    ts_args_type = "context: BuildContext | string, options?: DescribeBuildContextOptions | null",
    ts_return_type = "BuildContextFacts"
)]
pub fn describe_build_context(env: Env, context: Value, options: Option<DescribeBuildContextOptions>) -> Result<Value> {
    let len = options.unwrap_or_default().sha_length.unwrap_or(7) as usize;
    guard(&env, || {
        let ctx = context_arg(context)?;
        json(&ctx.facts(len))
    })
}

/// A full git ref in its canonical form (`refs/pull/12/merge` → `refs/pull/12/head`,
/// `refs/merge-requests/7/head` → `refs/pull/7/head`); throws `code: "InvalidArgument"` for a short name.
#[napi(namespace = "tagging")]
pub fn normalize_git_ref(env: Env, git_ref: String) -> Result<String> {
    guard(&env, || {
        let r = ecr_core::tagging::GitRef::parse(&git_ref).map_err(|e| CoreError::invalid("ref", e))?;
        Ok(r.to_ref_string())
    })
}
