//! Against ECR: read a repository's tag mutability, exclusion filters and every tagged image (all pages,
//! archived images included, since their tags still exist) to check a plan before the push.

use aws_sdk_ecr::types::{DescribeImagesFilter, ImageStatusFilter, TagStatus};

use super::context::BuildContext;
use super::policy::{RepositoryState, TagPolicy};
use super::report::{PlanReport, evaluate};
use super::strategy::TagStrategy;
use crate::client::EcrClient;
use crate::error::Result;

impl EcrClient {
    /// Reads what the tag checks need from a repository: its mutability setting and exclusion filters
    /// (DescribeRepositories) and every tagged image in any storage state (DescribeImages, all pages).
    pub async fn repository_tag_state(&self, repository: &str) -> Result<RepositoryState> {
        crate::reference::validate_repository_name(repository)?;
        let repo = self.describe_repository(repository).await?;
        let filter = DescribeImagesFilter::builder()
            .tag_status(TagStatus::Tagged)
            .image_status(ImageStatusFilter::Any)
            .build();
        let images = crate::client::read_image_pages(
            self.ecr()
                .describe_images()
                .repository_name(repository)
                .filter(filter)
                .max_results(1000),
        )
        .await?;
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
