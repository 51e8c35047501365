//! Amazon ECS: every service's deployments (task definitions) and the digests ECS pinned in its service
//! revisions (DescribeServiceRevisions): the current ones, and those of every deployment ECS still lists
//! (ListServiceDeployments, DescribeServiceDeployments: each deployment's source revisions are what a rollback
//! returns to), task sets, running and recently stopped tasks (`containers[].imageDigest`), and the newest
//! revisions of every active task definition family.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ecs::Client;
use aws_sdk_ecs::types::{
    DeploymentControllerType, DesiredStatus, SortOrder, TaskDefinitionFamilyStatus, TaskDefinitionStatus,
};
use futures::StreamExt;

use crate::error::{Error, Result};

use super::model::{Usage, UsageKind};
use super::sighting::Sighting;

/// Most services one DescribeServices call takes.
const SERVICES_PER_CALL: usize = 10;
/// Most service revisions one DescribeServiceRevisions call takes.
const REVISIONS_PER_CALL: usize = 20;
/// Most service deployments one DescribeServiceDeployments call takes.
const DEPLOYMENTS_PER_CALL: usize = 20;
/// Most tasks one DescribeTasks call takes.
const TASKS_PER_CALL: usize = 100;

/// The account field of an ARN.
pub(crate) fn arn_account(arn: &str) -> Option<String> {
    arn.split(':').nth(4).filter(|a| !a.is_empty()).map(str::to_owned)
}

/// The region field of an ARN.
pub(crate) fn arn_region(arn: &str) -> Option<String> {
    arn.split(':').nth(3).filter(|a| !a.is_empty()).map(str::to_owned)
}

/// A use by the resource `arn`.
pub(crate) fn usage_of(
    kind: UsageKind,
    arn: &str,
    reference: Option<&str>,
    since: Option<&aws_smithy_types::DateTime>,
) -> Usage {
    Usage {
        kind,
        name: arn.to_owned(),
        account: arn_account(arn),
        region: arn_region(arn),
        reference: reference.map(str::to_owned),
        since: since.and_then(crate::time::from_smithy),
        via: None,
    }
}

/// What to read beyond services and tasks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EcsOptions {
    pub task_definition_revisions: usize,
    pub stopped_tasks: bool,
    /// Read the revisions of every deployment ECS lists for a service (rollback targets).
    pub service_deployments: bool,
    /// Most DescribeTaskDefinition / ListTaskDefinitions calls at once.
    pub concurrency: usize,
}

/// Reads every ECS source of the client's region into `out`; stops at the first failure.
pub(crate) async fn read(client: &Client, options: EcsOptions, out: &mut Vec<Sighting>) -> Result<()> {
    // Task definitions referenced by deployments and task sets: (task definition ARN) -> uses.
    let mut by_task_definition: BTreeMap<String, Vec<Usage>> = BTreeMap::new();
    let clusters = all_items!(client.list_clusters())?;
    for cluster in &clusters {
        let services = all_items!(client.list_services().cluster(cluster))?;
        let mut revisions = BTreeSet::new();
        // Services whose deployments ECS records (the rolling-update controller, the default).
        let mut deploying = Vec::new();
        for chunk in services.chunks(SERVICES_PER_CALL) {
            let described = client
                .describe_services()
                .cluster(cluster)
                .set_services(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(Error::from_sdk)?;
            for service in described.services() {
                let arn = service.service_arn().unwrap_or_default();
                for d in service.deployments() {
                    if let Some(td) = d.task_definition() {
                        by_task_definition.entry(td.to_owned()).or_default().push(usage_of(
                            UsageKind::EcsService,
                            arn,
                            None,
                            d.created_at(),
                        ));
                    }
                }
                for set in service.task_sets() {
                    if let Some(td) = set.task_definition() {
                        let name = set.task_set_arn().unwrap_or(arn);
                        by_task_definition.entry(td.to_owned()).or_default().push(usage_of(
                            UsageKind::EcsTaskSet,
                            name,
                            None,
                            set.created_at(),
                        ));
                    }
                }
                revisions.extend(
                    service
                        .current_service_revisions()
                        .iter()
                        .filter_map(|r| r.arn().map(str::to_owned)),
                );
                let controller = service.deployment_controller().map(|c| c.r#type());
                if options.service_deployments
                    && matches!(controller, None | Some(DeploymentControllerType::Ecs))
                    && !arn.is_empty()
                {
                    deploying.push(arn.to_owned());
                }
            }
        }
        let listed: Vec<Result<Vec<String>>> = futures::stream::iter(deploying)
            .map(|service| async move { deployment_revisions(client, cluster, &service).await })
            .buffer_unordered(options.concurrency.max(1))
            .collect()
            .await;
        for arns in listed {
            revisions.extend(arns?);
        }
        let revisions: Vec<String> = revisions.into_iter().collect();
        for chunk in revisions.chunks(REVISIONS_PER_CALL) {
            let described = client
                .describe_service_revisions()
                .set_service_revision_arns(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(Error::from_sdk)?;
            for revision in described.service_revisions() {
                let arn = revision.service_revision_arn().unwrap_or_default();
                for image in revision.container_images() {
                    let reference = image.image().unwrap_or_default();
                    out.push(Sighting {
                        reference: reference.to_owned(),
                        digest: image.image_digest().map(str::to_owned),
                        usage: usage_of(
                            UsageKind::EcsServiceRevision,
                            arn,
                            Some(reference),
                            revision.created_at(),
                        ),
                    });
                }
            }
        }
        let mut statuses = vec![DesiredStatus::Running];
        if options.stopped_tasks {
            statuses.push(DesiredStatus::Stopped);
        }
        for status in statuses {
            let tasks = all_items!(client.list_tasks().cluster(cluster).desired_status(status))?;
            for chunk in tasks.chunks(TASKS_PER_CALL) {
                let described = client
                    .describe_tasks()
                    .cluster(cluster)
                    .set_tasks(Some(chunk.to_vec()))
                    .send()
                    .await
                    .map_err(Error::from_sdk)?;
                for task in described.tasks() {
                    let arn = task.task_arn().unwrap_or_default();
                    let since = task.started_at().or(task.created_at());
                    for c in task.containers() {
                        let reference = c.image().unwrap_or_default();
                        if reference.is_empty() && c.image_digest().is_none() {
                            continue;
                        }
                        out.push(Sighting {
                            reference: reference.to_owned(),
                            digest: c.image_digest().map(str::to_owned),
                            usage: usage_of(UsageKind::EcsTask, arn, Some(reference), since),
                        });
                    }
                    if let Some(td) = task.task_definition_arn() {
                        by_task_definition.entry(td.to_owned()).or_default().push(usage_of(
                            UsageKind::EcsTask,
                            arn,
                            None,
                            since,
                        ));
                    }
                }
            }
        }
    }
    // The newest revisions of every active family (rollback targets).
    if options.task_definition_revisions > 0 {
        let families = all_items!(
            client
                .list_task_definition_families()
                .status(TaskDefinitionFamilyStatus::Active)
        )?;
        // Owned items: a closure over `&String` makes the future not provably `Send`.
        let newest: Vec<Result<Vec<String>>> = futures::stream::iter(families)
            .map(|family| async move { newest_revisions(client, &family, options.task_definition_revisions).await })
            .buffer_unordered(options.concurrency.max(1))
            .collect()
            .await;
        for arns in newest {
            for arn in arns? {
                by_task_definition.entry(arn.clone()).or_default().push(usage_of(
                    UsageKind::EcsTaskDefinition,
                    &arn,
                    None,
                    None,
                ));
            }
        }
    }
    for (arn, uses) in by_task_definition {
        let described = client
            .describe_task_definition()
            .task_definition(&arn)
            .send()
            .await
            .map_err(Error::from_sdk)?;
        let Some(td) = described.task_definition() else {
            continue;
        };
        for c in td.container_definitions() {
            let Some(image) = c.image() else { continue };
            for u in &uses {
                let mut usage = u.clone();
                usage.reference = Some(image.to_owned());
                if usage.kind == UsageKind::EcsTaskDefinition {
                    usage.since = td.registered_at().and_then(crate::time::from_smithy);
                }
                out.push(Sighting {
                    reference: image.to_owned(),
                    digest: None,
                    usage,
                });
            }
        }
    }
    Ok(())
}

/// The service revisions of every deployment ECS lists for `service` (those of its last 90 days): each
/// deployment's source revisions, what a rollback returns to, and its target.
async fn deployment_revisions(client: &Client, cluster: &str, service: &str) -> Result<Vec<String>> {
    let mut deployments = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_service_deployments()
            .cluster(cluster)
            .service(service)
            .set_next_token(token)
            .send()
            .await
            .map_err(Error::from_sdk)?;
        deployments.extend(
            page.service_deployments()
                .iter()
                .filter_map(|d| d.service_deployment_arn().map(str::to_owned)),
        );
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    let mut revisions = Vec::new();
    for chunk in deployments.chunks(DEPLOYMENTS_PER_CALL) {
        let described = client
            .describe_service_deployments()
            .set_service_deployment_arns(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(Error::from_sdk)?;
        for d in described.service_deployments() {
            revisions.extend(
                d.source_service_revisions()
                    .iter()
                    .chain(d.target_service_revision())
                    .filter_map(|r| r.arn().map(str::to_owned)),
            );
        }
    }
    Ok(revisions)
}

/// The ARNs of the newest `n` active revisions of `family`, by revision number (ListTaskDefinitions matches a
/// prefix, so other families sharing it are skipped; the order of its answer is not relied on).
async fn newest_revisions(client: &Client, family: &str, n: usize) -> Result<Vec<String>> {
    let arns = all_items!(
        client
            .list_task_definitions()
            .family_prefix(family)
            .status(TaskDefinitionStatus::Active)
            .sort(SortOrder::Desc)
    )?;
    let mut revisions: BTreeSet<(u64, String)> = BTreeSet::new();
    for arn in arns {
        let Some((name, revision)) = arn.rsplit('/').next().and_then(|s| s.rsplit_once(':')) else {
            continue;
        };
        if let (true, Ok(revision)) = (name == family, revision.parse::<u64>()) {
            revisions.insert((revision, arn));
        }
    }
    Ok(revisions.into_iter().rev().take(n).map(|(_, arn)| arn).collect())
}
