//! Against ECR: read a repository's tag mutability, exclusion filters and every tagged image (all pages,
//! archived images included, since their tags still exist) to check a plan before the push.

use aws_sdk_ecr::types::{DescribeImagesFilter, ImageStatusFilter, TagStatus};

use super::context::BuildContext;
use super::policy::{RepositoryState, TagPolicy};
use super::report::{PlanReport, evaluate};
use super::strategy::TagStrategy;
use crate::client::EcrClient;
use crate::error::{Error, Result};
use crate::types::ImageDetail;

impl EcrClient {
    /// Reads what the tag checks need from a repository: its mutability setting and exclusion filters
    /// (DescribeRepositories) and every tagged image in any storage state (DescribeImages, all pages).
    pub async fn repository_tag_state(&self, repository: &str) -> Result<RepositoryState> {
        check_repository_name(repository)?;
        let repo = self.describe_repository(repository).await?;
        let filter = DescribeImagesFilter::builder()
            .tag_status(TagStatus::Tagged)
            .image_status(ImageStatusFilter::Any)
            .build();
        let mut pages = self
            .ecr()
            .describe_images()
            .repository_name(repository)
            .filter(filter)
            .max_results(1000)
            .into_paginator()
            .send();
        let mut images = Vec::new();
        while let Some(page) = pages.next().await {
            images.extend(
                page.map_err(Error::from_sdk)?
                    .image_details()
                    .iter()
                    .map(ImageDetail::from_sdk),
            );
        }
        Ok(RepositoryState {
            mutability: Some(repo.image_tag_mutability),
            exclusion_filters: repo.image_tag_mutability_exclusion_filters,
            images: Some(images),
        })
    }

    /// Plans the tags of a build and checks the plan against `policy` and the live repository
    /// (see [`EcrClient::repository_tag_state`]). `digest` is the digest about to be pushed, when known.
    pub async fn check_tag_plan(
        &self,
        repository: &str,
        strategy: &TagStrategy,
        context: &BuildContext,
        policy: &TagPolicy,
        digest: Option<&str>,
    ) -> Result<PlanReport> {
        let state = self.repository_tag_state(repository).await?;
        evaluate(strategy, context, policy, &state, digest)
    }
}

/// ECR's repository-name rule: 2 to 256 characters, lowercase path components
/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*` joined by `/`.
// TODO(reference): switch to the reference module's repository-name check once it lands on main.
pub(crate) fn check_repository_name(name: &str) -> Result<()> {
    let bad = |why: &str| Err(Error::invalid("repository name", format!("{name:?}: {why}")));
    if !(2..=256).contains(&name.len()) {
        return bad("must be 2 to 256 characters");
    }
    for component in name.split('/') {
        if component.is_empty() {
            return bad("empty path component");
        }
        let b = component.as_bytes();
        let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        if !alnum(b[0]) || !alnum(b[b.len() - 1]) {
            return bad("each component must start and end with a lowercase letter or digit");
        }
        let mut i = 0;
        while i < b.len() {
            if alnum(b[i]) {
                i += 1;
                continue;
            }
            // A separator: `.`, `_`, `__` or a run of `-`.
            let start = i;
            match b[i] {
                b'.' => i += 1,
                b'_' => i += if b.get(i + 1) == Some(&b'_') { 2 } else { 1 },
                b'-' => {
                    while b.get(i) == Some(&b'-') {
                        i += 1;
                    }
                }
                _ => return bad("only lowercase letters, digits, `.`, `_`, `-` and `/` are allowed"),
            }
            if !b.get(i).copied().is_some_and(alnum) || i == start {
                return bad("separators (`.`, `_`, `__`, `-`) must sit between letters or digits");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod name_tests {
    use super::check_repository_name;

    #[test]
    fn repository_names_follow_ecr_rules() {
        for ok in ["ab", "team/service", "a.b_c__d--e", "0x/y-1"] {
            assert!(check_repository_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "a",
            "Team/x",
            "a//b",
            "a_",
            "-a",
            "a___b",
            "a._b",
            "a/b/",
            &"a".repeat(257),
        ] {
            assert!(check_repository_name(bad).is_err(), "{bad}");
        }
    }
}
