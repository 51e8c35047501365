//! Reading a [`BuildContext`] from the environment of GitHub Actions, GitLab CI, Buildkite, CircleCI and
//! Jenkins. The environment is passed in as a lookup function, so tests never mutate the process env.
//!
//! Pull requests use the head commit rather than the merge commit wherever the CI exposes it:
//! GitHub's event payload `pull_request.head.sha`, GitLab's `CI_MERGE_REQUEST_SOURCE_BRANCH_SHA`;
//! Buildkite and CircleCI build the head commit itself. Jenkins exposes no head sha (its `GIT_COMMIT`
//! may be the merge commit when the multibranch job merges the target branch).

use serde_json::Value;

use super::context::{BuildContext, BuildEvent, GitRef};
use crate::error::{Error, Result};

/// A lookup of environment variables.
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

impl BuildContext {
    /// Reads the context from the environment of a supported CI, given as a lookup function
    /// (`&|k| std::env::var(k).ok()` for the process environment). GitHub's event payload is read from
    /// the file `GITHUB_EVENT_PATH` names. `created` is left empty (planning uses the current time).
    pub fn from_env(env: EnvLookup<'_>) -> Result<Self> {
        let get = |k: &str| env(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let is = |k: &str| get(k).is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let ctx = if is("GITHUB_ACTIONS") {
            github(&get)?
        } else if is("GITLAB_CI") {
            gitlab(&get)?
        } else if is("BUILDKITE") {
            buildkite(&get)?
        } else if is("CIRCLECI") {
            circleci(&get)?
        } else if get("JENKINS_URL").is_some() || get("JENKINS_HOME").is_some() {
            jenkins(&get)?
        } else {
            return Err(Error::invalid(
                "CI environment",
                "no supported CI detected (GitHub Actions, GitLab CI, Buildkite, CircleCI, Jenkins); pass the context explicitly",
            ));
        };
        ctx.validate()?;
        Ok(ctx)
    }

    /// [`BuildContext::from_env`] over the process environment.
    pub fn from_process_env() -> Result<Self> {
        Self::from_env(&|k| std::env::var(k).ok())
    }
}

type Get<'a> = dyn Fn(&str) -> Option<String> + 'a;

fn parse_ref(var: &str, value: &str) -> Result<GitRef> {
    GitRef::parse(value).map_err(|m| Error::invalid(var, m))
}

fn github(get: &Get<'_>) -> Result<BuildContext> {
    let payload = match get("GITHUB_EVENT_PATH") {
        Some(path) => {
            let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
            serde_json::from_str::<Value>(&text)
                .map_err(|e| Error::invalid("GITHUB_EVENT_PATH", format!("{path}: {e}")))?
        }
        None => Value::Null,
    };
    let text = |ptr: &str| payload.pointer(ptr).and_then(Value::as_str).map(str::to_owned);
    let event_name = get("GITHUB_EVENT_NAME").unwrap_or_default();
    let event = match event_name.as_str() {
        "pull_request" | "pull_request_target" => BuildEvent::PullRequest,
        "schedule" => BuildEvent::Schedule,
        "workflow_dispatch" | "repository_dispatch" => BuildEvent::Manual,
        _ => BuildEvent::Push,
    };
    let mut git_ref = get("GITHUB_REF").map(|r| parse_ref("GITHUB_REF", &r)).transpose()?;
    // pull_request_target runs on the base branch's ref; the PR number is in the payload.
    if event == BuildEvent::PullRequest
        && let Some(n) = payload.pointer("/pull_request/number").and_then(Value::as_u64)
    {
        git_ref = Some(GitRef::PullRequest(n));
    }
    let sha = match event {
        BuildEvent::PullRequest => text("/pull_request/head/sha").or_else(|| get("GITHUB_SHA")),
        _ => get("GITHUB_SHA"),
    };
    let repository = get("GITHUB_REPOSITORY");
    let server = get("GITHUB_SERVER_URL").unwrap_or_else(|| "https://github.com".to_owned());
    Ok(BuildContext {
        sha,
        git_ref,
        event: Some(event),
        default_branch: text("/repository/default_branch"),
        is_default_branch: None,
        head_ref: get("GITHUB_HEAD_REF").or_else(|| text("/pull_request/head/ref")),
        // A tag push's payload names the branch the tag was pushed from (`base_ref`, `refs/heads/<b>`).
        base_ref: get("GITHUB_BASE_REF")
            .or_else(|| text("/pull_request/base/ref"))
            .or_else(|| text("/base_ref").map(|r| r.trim_start_matches("refs/heads/").to_owned())),
        build_number: get("GITHUB_RUN_NUMBER"),
        created: None,
        commit_date: text("/head_commit/timestamp").and_then(|t| crate::time::parse_str(&t)),
        source: repository
            .as_ref()
            .map(|r| format!("{}/{r}", server.trim_end_matches('/'))),
        title: repository
            .as_deref()
            .and_then(|r| r.rsplit('/').next())
            .map(str::to_owned),
        ci: Some("github-actions".to_owned()),
        ..BuildContext::default()
    })
}

fn gitlab(get: &Get<'_>) -> Result<BuildContext> {
    let mr = get("CI_MERGE_REQUEST_IID")
        .map(|n| {
            n.parse::<u64>()
                .map_err(|_| Error::invalid("CI_MERGE_REQUEST_IID", format!("{n:?} is not a number")))
        })
        .transpose()?;
    let git_ref = if let Some(n) = mr {
        Some(GitRef::PullRequest(n))
    } else if let Some(t) = get("CI_COMMIT_TAG") {
        Some(GitRef::Tag(t))
    } else {
        get("CI_COMMIT_BRANCH")
            .or_else(|| get("CI_COMMIT_REF_NAME"))
            .map(GitRef::Branch)
    };
    let event = match get("CI_PIPELINE_SOURCE").as_deref() {
        Some("schedule") => BuildEvent::Schedule,
        Some("merge_request_event") => BuildEvent::PullRequest,
        Some("web" | "api" | "trigger" | "pipeline" | "chat") => BuildEvent::Manual,
        _ if mr.is_some() => BuildEvent::PullRequest,
        _ => BuildEvent::Push,
    };
    Ok(BuildContext {
        // Merged-results pipelines build a merge commit; the source branch sha is the head commit.
        sha: get("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA").or_else(|| get("CI_COMMIT_SHA")),
        git_ref,
        event: Some(event),
        default_branch: get("CI_DEFAULT_BRANCH"),
        is_default_branch: None,
        head_ref: get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"),
        base_ref: get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME"),
        build_number: get("CI_PIPELINE_IID").or_else(|| get("CI_PIPELINE_ID")),
        created: None,
        commit_date: get("CI_COMMIT_TIMESTAMP").and_then(|t| crate::time::parse_str(&t)),
        source: get("CI_PROJECT_URL"),
        title: get("CI_PROJECT_NAME"),
        ci: Some("gitlab-ci".to_owned()),
        ..BuildContext::default()
    })
}

fn buildkite(get: &Get<'_>) -> Result<BuildContext> {
    let pr = get("BUILDKITE_PULL_REQUEST").and_then(|v| v.parse::<u64>().ok());
    let git_ref = if let Some(n) = pr {
        Some(GitRef::PullRequest(n))
    } else if let Some(t) = get("BUILDKITE_TAG") {
        Some(GitRef::Tag(t))
    } else {
        get("BUILDKITE_BRANCH").map(GitRef::Branch)
    };
    let event = match get("BUILDKITE_SOURCE").as_deref() {
        Some("schedule") => BuildEvent::Schedule,
        _ if pr.is_some() => BuildEvent::PullRequest,
        Some("ui" | "api" | "trigger_job") => BuildEvent::Manual,
        _ => BuildEvent::Push,
    };
    let repo = get("BUILDKITE_REPO");
    Ok(BuildContext {
        // Manual builds may carry the literal `HEAD`.
        sha: get("BUILDKITE_COMMIT").filter(|s| s != "HEAD"),
        git_ref,
        event: Some(event),
        default_branch: get("BUILDKITE_PIPELINE_DEFAULT_BRANCH"),
        is_default_branch: None,
        head_ref: pr.and_then(|_| get("BUILDKITE_BRANCH")),
        base_ref: get("BUILDKITE_PULL_REQUEST_BASE_BRANCH"),
        build_number: get("BUILDKITE_BUILD_NUMBER"),
        created: None,
        commit_date: None,
        title: repo
            .as_deref()
            .and_then(repo_name)
            .or_else(|| get("BUILDKITE_PIPELINE_SLUG")),
        source: repo.as_deref().map(web_url),
        ci: Some("buildkite".to_owned()),
        ..BuildContext::default()
    })
}

fn circleci(get: &Get<'_>) -> Result<BuildContext> {
    let pr = get("CIRCLE_PR_NUMBER").and_then(|v| v.parse::<u64>().ok()).or_else(|| {
        get("CIRCLE_PULL_REQUEST").and_then(|url| url.rsplit('/').next().and_then(|n| n.parse::<u64>().ok()))
    });
    let git_ref = if let Some(t) = get("CIRCLE_TAG") {
        Some(GitRef::Tag(t))
    } else if let Some(n) = pr {
        Some(GitRef::PullRequest(n))
    } else {
        get("CIRCLE_BRANCH").map(GitRef::Branch)
    };
    let is_pr = matches!(git_ref, Some(GitRef::PullRequest(_)));
    let repo = get("CIRCLE_REPOSITORY_URL");
    Ok(BuildContext {
        sha: get("CIRCLE_SHA1"),
        git_ref,
        event: Some(if is_pr {
            BuildEvent::PullRequest
        } else {
            BuildEvent::Push
        }),
        // CircleCI does not expose the default branch; set `isDefaultBranch` explicitly if needed.
        default_branch: None,
        is_default_branch: None,
        head_ref: if is_pr { get("CIRCLE_BRANCH") } else { None },
        base_ref: None,
        build_number: get("CIRCLE_BUILD_NUM"),
        created: None,
        commit_date: None,
        title: get("CIRCLE_PROJECT_REPONAME").or_else(|| repo.as_deref().and_then(repo_name)),
        source: repo.as_deref().map(web_url),
        ci: Some("circleci".to_owned()),
        ..BuildContext::default()
    })
}

fn jenkins(get: &Get<'_>) -> Result<BuildContext> {
    let pr = get("CHANGE_ID").and_then(|v| v.parse::<u64>().ok());
    let git_ref = if let Some(n) = pr {
        Some(GitRef::PullRequest(n))
    } else if let Some(t) = get("TAG_NAME") {
        Some(GitRef::Tag(t))
    } else {
        get("BRANCH_NAME")
            .or_else(|| get("GIT_BRANCH").map(|b| b.strip_prefix("origin/").map(str::to_owned).unwrap_or(b)))
            .map(GitRef::Branch)
    };
    let repo = get("GIT_URL");
    Ok(BuildContext {
        sha: get("GIT_COMMIT"),
        git_ref,
        event: Some(if pr.is_some() {
            BuildEvent::PullRequest
        } else {
            BuildEvent::Push
        }),
        default_branch: None,
        is_default_branch: None,
        head_ref: get("CHANGE_BRANCH"),
        base_ref: get("CHANGE_TARGET"),
        build_number: get("BUILD_NUMBER"),
        created: None,
        commit_date: None,
        title: repo.as_deref().and_then(repo_name),
        source: repo.as_deref().map(web_url),
        ci: Some("jenkins".to_owned()),
        ..BuildContext::default()
    })
}

/// `git@github.com:org/repo.git` or `https://github.com/org/repo.git` → `https://github.com/org/repo`.
fn web_url(repo: &str) -> String {
    let trimmed = repo.trim_end_matches('/').trim_end_matches(".git");
    if let Some(rest) = trimmed.strip_prefix("git@")
        && let Some((host, path)) = rest.split_once(':')
    {
        return format!("https://{host}/{path}");
    }
    if let Some(rest) = trimmed.strip_prefix("ssh://") {
        let rest = rest.split_once('@').map_or(rest, |(_, r)| r);
        return format!("https://{rest}");
    }
    trimmed.to_owned()
}

fn repo_name(repo: &str) -> Option<String> {
    web_url(repo)
        .rsplit(['/', ':'])
        .next()
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_urls_from_clone_urls() {
        assert_eq!(web_url("git@github.com:org/repo.git"), "https://github.com/org/repo");
        assert_eq!(web_url("https://gitlab.com/g/p.git"), "https://gitlab.com/g/p");
        assert_eq!(web_url("ssh://git@host/x/y.git"), "https://host/x/y");
        assert_eq!(repo_name("git@github.com:org/repo.git").as_deref(), Some("repo"));
    }

    #[test]
    fn no_ci_is_an_error() {
        let err = BuildContext::from_env(&|_| None).unwrap_err();
        assert_eq!(err.code(), "InvalidArgument");
    }
}
