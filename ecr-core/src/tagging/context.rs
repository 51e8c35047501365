//! [`BuildContext`]: what is being built (commit, git ref, event, default branch, build number, times),
//! given explicitly as JSON or read from a CI system's environment ([`BuildContext::from_env`]).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, FieldError, Result};
use crate::time::{self, Timestamp};

/// The git ref being built.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GitRef {
    /// `refs/heads/<name>`.
    Branch(String),
    /// `refs/tags/<name>`.
    Tag(String),
    /// A pull (merge) request: `refs/pull/<n>/head|merge` or GitLab's `refs/merge-requests/<n>/head|merge`.
    PullRequest(u64),
}

impl GitRef {
    /// Parses a full git ref. Short names are refused (a bare `main` could be a branch or a tag).
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        if let Some(name) = text.strip_prefix("refs/heads/") {
            return non_empty(name).map(|n| GitRef::Branch(n.to_owned()));
        }
        if let Some(name) = text.strip_prefix("refs/tags/") {
            return non_empty(name).map(|n| GitRef::Tag(n.to_owned()));
        }
        let pr = text
            .strip_prefix("refs/pull/")
            .or_else(|| text.strip_prefix("refs/merge-requests/"));
        if let Some(rest) = pr {
            let (num, kind) = rest.split_once('/').unwrap_or((rest, "head"));
            if matches!(kind, "head" | "merge")
                && let Ok(n) = num.parse::<u64>()
            {
                return Ok(GitRef::PullRequest(n));
            }
            return Err(format!("{text:?} is not refs/pull/<number>/head|merge"));
        }
        Err(format!(
            "{text:?} is not a full git ref (refs/heads/<branch>, refs/tags/<tag> or refs/pull/<n>/head)"
        ))
    }

    /// The canonical full ref (`refs/pull/<n>/head` for pull requests).
    pub fn to_ref_string(&self) -> String {
        match self {
            GitRef::Branch(b) => format!("refs/heads/{b}"),
            GitRef::Tag(t) => format!("refs/tags/{t}"),
            GitRef::PullRequest(n) => format!("refs/pull/{n}/head"),
        }
    }
}

fn non_empty(s: &str) -> std::result::Result<&str, String> {
    if s.is_empty() {
        Err("empty ref name".to_owned())
    } else {
        Ok(s)
    }
}

impl Serialize for GitRef {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_ref_string())
    }
}

impl<'de> Deserialize<'de> for GitRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        GitRef::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// What triggered the build (docker/metadata-action's event filters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BuildEvent {
    /// A push of a branch or tag.
    Push,
    /// A pull (merge) request build.
    PullRequest,
    /// A scheduled (cron) build.
    Schedule,
    /// A build started by hand or through an API.
    Manual,
}

/// What is being built. Every field is optional; the tag rules that need a missing one yield nothing.
///
/// JSON (camelCase): `{"sha": "<40 hex>", "ref": "refs/tags/v1.2.3", "event": "push", "defaultBranch": "main",
/// "buildNumber": "42", "created": "2026-01-02T03:04:05Z", "source": "https://github.com/org/repo", ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BuildContext {
    /// The commit built (for pull requests the head commit, not the merge commit, where the CI tells it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha: Option<String>,
    /// The git ref built.
    #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
    pub git_ref: Option<GitRef>,
    /// What triggered the build; when absent, `pull_request` for a pull-request ref and `push` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<BuildEvent>,
    /// The repository's default branch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_branch: Option<String>,
    /// Overrides the computed "is the default branch" (for CIs that do not expose the default branch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_default_branch: Option<bool>,
    /// For pull requests: the source (head) branch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_ref: Option<String>,
    /// For pull requests: the target (base) branch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_ref: Option<String>,
    /// The CI's build (run / pipeline) number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_number: Option<String>,
    /// When the build ran (the `created` label and `{{date}}`); the current time when absent.
    #[serde(default, with = "time::flexible_opt", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schema::Rfc3339>")]
    pub created: Option<Timestamp>,
    /// When the commit was made (`{{commit_date}}`).
    #[serde(default, with = "time::flexible_opt", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schema::Rfc3339>")]
    pub commit_date: Option<Timestamp>,
    /// The source repository URL (`org.opencontainers.image.source` and `.url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The project name (`org.opencontainers.image.title`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The project description (`org.opencontainers.image.description`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The project's SPDX licence expression (`org.opencontainers.image.licenses`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licenses: Option<String>,
    /// The CI system the context was read from (`github-actions`, `gitlab-ci`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci: Option<String>,
}

impl BuildContext {
    /// Parses and validates a context from JSON.
    pub fn from_json(text: &str) -> Result<Self> {
        let ctx: BuildContext =
            serde_json::from_str(text).map_err(|e| Error::invalid("build context", e.to_string()))?;
        ctx.validate()?;
        Ok(ctx)
    }

    /// Checks the fields: a hex commit sha of 7 to 64 characters, non-empty names.
    pub fn validate(&self) -> Result<()> {
        let mut errors = Vec::new();
        if let Some(sha) = &self.sha
            && (!(7..=64).contains(&sha.len()) || !sha.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            errors.push(FieldError::new(
                "sha",
                format!("{sha:?} is not a hex commit id (7 to 64 characters)"),
            ));
        }
        for (path, value) in [
            ("defaultBranch", &self.default_branch),
            ("headRef", &self.head_ref),
            ("baseRef", &self.base_ref),
            ("buildNumber", &self.build_number),
        ] {
            if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
                errors.push(FieldError::new(path, "must not be empty when given"));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::PolicyValidation {
                what: "build context".to_owned(),
                errors,
            })
        }
    }

    /// The event, derived from the ref when not given.
    pub fn event(&self) -> BuildEvent {
        self.event.unwrap_or(match self.git_ref {
            Some(GitRef::PullRequest(_)) => BuildEvent::PullRequest,
            _ => BuildEvent::Push,
        })
    }

    /// The branch: the pushed branch, or a pull request's head branch.
    pub fn branch(&self) -> Option<&str> {
        match &self.git_ref {
            Some(GitRef::Branch(b)) => Some(b),
            Some(GitRef::PullRequest(_)) => self.head_ref.as_deref(),
            _ => None,
        }
    }

    /// The git tag, on tag builds.
    pub fn tag(&self) -> Option<&str> {
        match &self.git_ref {
            Some(GitRef::Tag(t)) => Some(t),
            _ => None,
        }
    }

    /// The pull-request number, on pull-request builds.
    pub fn pull_request(&self) -> Option<u64> {
        match &self.git_ref {
            Some(GitRef::PullRequest(n)) => Some(*n),
            _ => None,
        }
    }

    /// Whether this is a build of the default branch (false on tag and pull-request builds).
    pub fn is_default_branch(&self) -> bool {
        if let Some(explicit) = self.is_default_branch {
            return explicit;
        }
        matches!((&self.git_ref, &self.default_branch), (Some(GitRef::Branch(b)), Some(d)) if b == d)
    }

    /// The commit sha cut to `len` characters (lowercase).
    pub fn short_sha(&self, len: usize) -> Option<String> {
        self.sha
            .as_deref()
            .map(|s| s.get(..len.min(s.len())).unwrap_or(s).to_ascii_lowercase())
    }

    /// What this context implies, as JSON: `ref` (canonical), `branch`, `tag`, `pullRequest`, `event`,
    /// `isDefaultBranch`, `shortSha` (cut to `sha_length`); absent parts `null`.
    pub fn facts(&self, sha_length: usize) -> ContextFacts {
        ContextFacts {
            git_ref: self.git_ref.as_ref().map(GitRef::to_ref_string),
            branch: self.branch().map(str::to_owned),
            tag: self.tag().map(str::to_owned),
            pull_request: self.pull_request(),
            event: self.event(),
            is_default_branch: self.is_default_branch(),
            short_sha: self.short_sha(sha_length),
        }
    }
}

/// What a build context implies ([`BuildContext::facts`]); absent parts are `null`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "BuildContextFacts")]
pub struct ContextFacts {
    /// The ref, canonical (`refs/pull/12/head`).
    #[serde(rename = "ref")]
    pub git_ref: Option<String>,
    /// The pushed branch, or a pull request's head branch.
    pub branch: Option<String>,
    /// The pushed tag.
    pub tag: Option<String>,
    /// The pull request number.
    pub pull_request: Option<u64>,
    /// The event (from the ref when not given).
    pub event: BuildEvent,
    /// Whether the branch is the default branch.
    pub is_default_branch: bool,
    /// The commit's short sha (lower case).
    pub short_sha: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_parse_strictly() {
        assert_eq!(GitRef::parse("refs/heads/feat/x"), Ok(GitRef::Branch("feat/x".into())));
        assert_eq!(GitRef::parse("refs/tags/v1.2.3"), Ok(GitRef::Tag("v1.2.3".into())));
        assert_eq!(GitRef::parse("refs/pull/12/merge"), Ok(GitRef::PullRequest(12)));
        assert_eq!(GitRef::parse("refs/merge-requests/7/head"), Ok(GitRef::PullRequest(7)));
        assert!(GitRef::parse("main").is_err());
        assert!(GitRef::parse("refs/heads/").is_err());
        assert!(GitRef::parse("refs/pull/x/merge").is_err());
    }

    #[test]
    fn context_json_round_trips_and_validates() {
        let json = r#"{"sha":"0123456789abcdef0123456789abcdef01234567","ref":"refs/heads/main","defaultBranch":"main",
                       "created":"2026-01-02T03:04:05Z","buildNumber":"9"}"#;
        let ctx = BuildContext::from_json(json).unwrap();
        assert!(ctx.is_default_branch());
        assert_eq!(ctx.event(), BuildEvent::Push);
        assert_eq!(ctx.short_sha(7).as_deref(), Some("0123456"));
        let again: BuildContext = serde_json::from_value(serde_json::to_value(&ctx).unwrap()).unwrap();
        assert_eq!(again, ctx);

        let err = BuildContext::from_json(r#"{"sha":"xyz"}"#).unwrap_err();
        assert_eq!(err.field_errors()[0].path, "sha");
        assert_eq!(
            BuildContext::from_json(r#"{"shaa":"abc"}"#).unwrap_err().code(),
            "InvalidArgument"
        );
        assert_eq!(
            BuildContext::from_json(r#"{"ref":"main"}"#).unwrap_err().code(),
            "InvalidArgument"
        );
    }

    #[test]
    fn default_branch_is_false_on_tags_and_prs() {
        let mut ctx = BuildContext {
            git_ref: Some(GitRef::Tag("v1".into())),
            default_branch: Some("main".into()),
            ..Default::default()
        };
        assert!(!ctx.is_default_branch());
        ctx.git_ref = Some(GitRef::PullRequest(3));
        assert!(!ctx.is_default_branch());
        assert_eq!(ctx.event(), BuildEvent::PullRequest);
        ctx.is_default_branch = Some(true);
        assert!(ctx.is_default_branch());
    }
}
