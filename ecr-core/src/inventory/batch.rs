//! AWS Batch: every active job definition's images: `containerProperties`, `ecsProperties` task containers,
//! `eksProperties` pod containers and init containers, and each multi-node range's container, ECS and EKS
//! properties.

use aws_sdk_batch::Client;
use aws_sdk_batch::types::{ContainerProperties, EcsProperties, EksProperties};

use crate::error::Result;

use super::ecs::usage_of;
use super::model::UsageKind;
use super::sighting::Sighting;

fn images<'a>(
    container: Option<&'a ContainerProperties>,
    ecs: Option<&'a EcsProperties>,
    eks: Option<&'a EksProperties>,
) -> Vec<&'a str> {
    let mut out: Vec<&str> = container.and_then(|c| c.image()).into_iter().collect();
    for task in ecs.map(|e| e.task_properties()).unwrap_or_default() {
        out.extend(task.containers().iter().filter_map(|c| c.image()));
    }
    if let Some(pod) = eks.and_then(|e| e.pod_properties()) {
        out.extend(
            pod.containers()
                .iter()
                .chain(pod.init_containers())
                .filter_map(|c| c.image()),
        );
    }
    out
}

/// Reads every active job definition of the client's region into `out`.
pub(crate) async fn read(client: &Client, out: &mut Vec<Sighting>) -> Result<()> {
    let definitions = all_items!(client.describe_job_definitions().status("ACTIVE"))?;
    for def in definitions {
        let arn = def.job_definition_arn().unwrap_or_default();
        let mut found = images(def.container_properties(), def.ecs_properties(), def.eks_properties());
        for range in def
            .node_properties()
            .map(|n| n.node_range_properties())
            .unwrap_or_default()
        {
            found.extend(images(
                range.container(),
                range.ecs_properties(),
                range.eks_properties(),
            ));
        }
        for image in found {
            out.push(Sighting {
                reference: image.to_owned(),
                digest: None,
                usage: usage_of(UsageKind::BatchJobDefinition, arn, Some(image), None),
            });
        }
    }
    Ok(())
}
