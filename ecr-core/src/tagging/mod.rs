//! Tagging: the tags a build should carry, and a policy that rejects plans breaking the promise of a tag.
//!
//! "Tags are a promise": fixed tags (a version, a commit) never change, rolling tags (`latest`, `1.2`, a
//! branch) move on purpose, production never runs `latest`, and a rebuilt image is never pushed under
//! a tag that already names another digest. The model is docker/metadata-action, with its known traps
//! fixed:
//!
//! - [`BuildContext`]: commit, git ref, event, default branch, build number, times; given as JSON or read
//!   from GitHub Actions, GitLab CI, Buildkite, CircleCI or Jenkins ([`BuildContext::from_env`]), with the
//!   pull request's head commit instead of the merge commit where the CI tells it.
//! - [`TagStrategy`]: metadata-action's input language: tag types (`schedule`, `semver`, `pep440`,
//!   `match`, `ref`, `raw`, `edge`, `sha`) and attributes (`pattern`, `value`, `match`, `group`, `event`,
//!   `format`, `branch`, `prefix`, `suffix`, `enable`, `priority`), each entry as an object or the action's
//!   CSV line; `flavor` (`latest` auto|true|false, prefix/suffix, on-latest) as an object or the action's
//!   lines; `labels` and `annotations` as objects or `key=value` lines.
//! - [`TagPlan`]: each tag with its [`TagKind`] (immutable or rolling) and the rule that produced it, and
//!   the OCI labels (`org.opencontainers.image.revision`, `source`, `version`, `created`, `title`, `url`).
//!   Under `latest: auto`, `latest` goes to the highest stable version only: never to a pre-release,
//!   never to a backport when the repository's tags are known (likewise `{{major}}` and
//!   `{{major}}.{{minor}}` within their line), never on a branch push.
//! - [`metadata_action_outputs`]: a plan as the action's outputs (`version`, `tags`, `labels`,
//!   `annotations` with their `manifest:`/`index:` levels, `json`).
//! - Tags follow the OCI grammar: illegal runs become `-`, no leading `.`/`-`, truncation to 128 that
//!   stays unique, semver `+` becomes `_` by default ([`BuildMetadata`]).
//! - [`TagPolicy`] and [`check_plan`]: production forbids `latest` and plans without an immutable tag;
//!   rolling tags are checked against the repository's mutability and exclusion filters; an immutable tag
//!   on a different digest is a violation (retagging a rebuilt image), on the same digest a warning
//!   (ECR refuses even that push on immutable tags); at most 1000 tags per image.
//! - [`EcrClient::repository_tag_state`](crate::EcrClient::repository_tag_state) and
//!   [`EcrClient::check_tag_plan`](crate::EcrClient::check_tag_plan) read all of that from ECR.
//!
//! ```
//! use ecr_core::tagging::{BuildContext, RepositoryState, TagPolicy, TagStrategy, evaluate};
//! # fn main() -> ecr_core::Result<()> {
//! let ctx = BuildContext::from_json(r#"{"sha": "0123456789abcdef0123456789abcdef01234567",
//!     "ref": "refs/tags/v1.2.3", "created": "2026-01-02T03:04:05Z"}"#)?;
//! let strategy = TagStrategy::from_json(r#"{"tags": [
//!     "type=semver,pattern={{version}}", "type=semver,pattern={{major}}.{{minor}}", "type=sha"]}"#)?;
//! let report = evaluate(&strategy, &ctx, &TagPolicy::production(), &RepositoryState::default(), None)?;
//! let tags: Vec<&str> = report.tags.iter().map(|t| t.value.as_str()).collect();
//! assert_eq!(tags, ["1.2.3", "1.2", "sha-0123456", "latest"]);
//! assert_eq!(report.violations[0].code, "latest-forbidden");
//! # Ok(()) }
//! ```

mod action_output;
mod ci_env;
mod context;
mod ecr;
mod plan;
mod policy;
mod report;
pub mod sanitize;
pub mod semver;
mod strategy;
mod template;
mod violation;

#[cfg(test)]
mod tests;

pub use action_output::metadata_action_outputs;
pub use ci_env::EnvLookup;
pub use context::{BuildContext, BuildEvent, ContextFacts, GitRef};
pub use plan::{PlannedTag, TagPlan};
pub use policy::{
    ECR_MAX_EXCLUSION_FILTERS, ECR_MAX_TAGS_PER_IMAGE, PlanCheck, RepositoryState, TagPolicy, check_plan,
    wildcard_match,
};
pub use report::{PlanReport, evaluate};
pub use sanitize::BuildMetadata;
pub use strategy::{
    Enable, Flavor, LatestMode, RefEvent, ShaFormat, StrategySpec, TagKind, TagSpec, TagStrategy, TagType,
};
pub use violation::{Violation, codes};
