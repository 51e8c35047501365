//! The inventory of images in use: where each digest is used, by what, and since when, across accounts and
//! regions, so that lifecycle expiry never deletes an image something still runs or may roll back to.
//!
//! Sources (each read with the SDK's adaptive retry, with bounded concurrency):
//! - **ECS**: every service deployment's task definition and the digests ECS pinned in the service's current
//!   revisions (DescribeServiceRevisions, the only place the pinned digest appears), task sets, running and
//!   recently stopped tasks (`containers[].imageDigest`), and the newest N revisions of every active task
//!   definition family (rollback targets).
//! - **Lambda**: every image function's versions and aliases, by `Code.ResolvedImageUri` (never `ImageUri`).
//! - **AWS Batch** job definitions (container, ECS and EKS properties, multi-node ranges) and **App Runner**
//!   services.
//! - **Kubernetes**: a `kubectl get pods,deployments,replicasets,statefulsets,daemonsets,jobs,cronjobs -A -o json`
//!   snapshot (running pods by their `imageID` digest, controllers' templates by reference).
//! - **A file**: a JSON array of image URIs.
//!
//! References by tag resolve to digests in ECR (BatchGetImage); the protection then closes over what a kept
//! image needs: an index's children and the referrers of every kept digest (ListImageReferrers, the
//! `sha256-<hex>` fallback tag, cosign's `.sig` / `.att` / `.sbom` tags). A source that cannot be read is
//! listed with its error and makes the [`Inventory`] incomplete; an incomplete inventory never authorises a
//! deletion ([`Inventory::require_complete`]).
//!
//! ```
//! use ecr_core::inventory::{SourceKind, inventory_from_texts};
//! use ecr_core::lifecycle::{EvaluationContext, LifecyclePolicy, parse_images};
//!
//! let digest = format!("sha256:{}", "a".repeat(64));
//! let uris = format!(r#"["123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@{digest}"]"#);
//! let inventory = inventory_from_texts(&[(SourceKind::File, "in-use.json", &uris)]);
//! assert!(inventory.complete);
//!
//! let policy = LifecyclePolicy::parse(r#"{"rules":[{"rulePriority":1,"description":"keep none",
//!   "selection":{"tagStatus":"any","countType":"sinceImagePushed","countUnit":"days","countNumber":1},
//!   "action":{"type":"expire"}}]}"#)?.policy;
//! let images = parse_images(&format!(r#"[{{"imageDigest":"{digest}","imagePushedAt":"2026-01-01T00:00:00Z"}}]"#))?;
//! let now = ecr_core::time::parse_str("2026-02-01T00:00:00Z").unwrap();
//! let preview = policy.evaluate(&images, &inventory.protect(EvaluationContext::new(now)));
//! assert!(preview.expiring_digests().is_empty());
//! let hits = inventory.in_use_by_rule(&preview, &Default::default());
//! assert_eq!(hits[0].images[0].uses[0].name, "in-use.json");
//! # Ok::<(), ecr_core::Error>(())
//! ```

/// Every item of a paginated SDK request, or the first error as an [`crate::Error`].
macro_rules! all_items {
    ($request:expr) => {
        $request
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .map_err(crate::error::Error::from_sdk)
    };
}

mod apprunner;
mod batch;
mod closure;
mod discover;
mod ecs;
mod files;
mod lambda;
mod lifecycle;
mod model;
mod repository;
mod sighting;

#[cfg(test)]
mod tests;

pub use discover::{DiscoverOptions, InventoryFile, inventory_from_files, inventory_from_texts};
pub use lifecycle::{InUseImageHit, RegistryInUseReport, RepositoryInUse, RuleInUse, repository_in_use};
pub use model::{
    InUseImage, Inventory, SCHEMA, Source, SourceError, SourceKind, UnresolvedReference, Usage, UsageKind,
};
pub use repository::{Needed, repository_closure};
