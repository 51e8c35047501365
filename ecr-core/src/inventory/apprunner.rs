//! AWS App Runner: every service whose source is an image repository (ECR or ECR Public).

use aws_sdk_apprunner::Client;

use crate::error::{Error, Result};

use super::ecs::usage_of;
use super::model::UsageKind;
use super::sighting::Sighting;

/// Reads every App Runner service of the client's region into `out`.
pub(crate) async fn read(client: &Client, out: &mut Vec<Sighting>) -> Result<()> {
    let pages = client
        .list_services()
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(Error::from_sdk)?;
    for summary in pages.iter().flat_map(|p| p.service_summary_list()) {
        let Some(arn) = summary.service_arn() else { continue };
        let described = client
            .describe_service()
            .service_arn(arn)
            .send()
            .await
            .map_err(Error::from_sdk)?;
        let Some(service) = described.service() else { continue };
        let Some(repo) = service.source_configuration().and_then(|s| s.image_repository()) else {
            continue;
        };
        let image = repo.image_identifier();
        out.push(Sighting {
            reference: image.to_owned(),
            digest: None,
            usage: usage_of(
                UsageKind::AppRunnerService,
                arn,
                Some(image),
                Some(service.updated_at()),
            ),
        });
    }
    Ok(())
}
