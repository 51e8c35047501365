//! The inventory document: every image in use, by digest, with who uses it and since when; every reference
//! that did not resolve; every source read, with its error when it could not be read.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::time::Timestamp;

/// The `schema` of the document this version writes and reads.
pub const SCHEMA: &str = "ecr-core/inventory/v1";

/// What kind of thing uses an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum UsageKind {
    /// An ECS service deployment's task definition.
    EcsService,
    /// A digest ECS pinned in a service revision (DescribeServiceRevisions `containerImages[].imageDigest`).
    EcsServiceRevision,
    /// An ECS task set's task definition.
    EcsTaskSet,
    /// A running or recently stopped ECS task (`containers[].imageDigest`).
    EcsTask,
    /// One of the newest revisions of an ECS task definition family (a rollback target).
    EcsTaskDefinition,
    /// A Lambda function version (`$LATEST` or published), by `ResolvedImageUri`.
    LambdaVersion,
    /// A Lambda alias, through the version(s) it routes to.
    LambdaAlias,
    /// An active AWS Batch job definition.
    BatchJobDefinition,
    /// An App Runner service.
    AppRunnerService,
    /// A Kubernetes pod's running container (`status.containerStatuses[].imageID`).
    KubernetesPod,
    /// A Kubernetes controller's pod template (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob).
    KubernetesController,
    /// A reference listed in a plain file of image URIs.
    File,
    /// A child manifest of an image index in use.
    IndexChild,
    /// A referrer (signature, SBOM, attestation) of an image in use.
    Referrer,
}

/// Where a source lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum SourceKind {
    /// Amazon ECS (clusters, services, tasks, task definitions).
    Ecs,
    /// AWS Lambda.
    Lambda,
    /// AWS Batch.
    Batch,
    /// AWS App Runner.
    AppRunner,
    /// A `kubectl get ... -o json` snapshot file.
    Kubernetes,
    /// A JSON array of image URIs.
    File,
    /// ECR itself: tag resolution, index children, referrers.
    Ecr,
    /// Credentials for an account (assuming its role).
    Credentials,
}

/// One use of an image.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    /// What uses it.
    pub kind: UsageKind,
    /// The user: an ARN, or `namespace/Kind/name` for Kubernetes, or the file path.
    pub name: String,
    /// The account, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The region, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The reference as the user wrote it (a tag or a digest reference).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Since when, where the API says (deployment or revision creation, task start, last modification).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::time::flexible_opt")]
    #[schemars(with = "Option<crate::schema::Rfc3339>")]
    pub since: Option<Timestamp>,
    /// For index children and referrers: the digest in use that needs this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// One digest in use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InUseImage {
    /// The digest (`sha256:…`).
    pub digest: String,
    /// The repositories (`host/repository`) it was found in or referenced through.
    #[serde(default)]
    pub repositories: Vec<String>,
    /// Every use, sorted.
    pub uses: Vec<Usage>,
}

/// A reference (by tag, or outside ECR) that did not resolve to a digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UnresolvedReference {
    /// The reference as written.
    pub reference: String,
    /// Why it has no digest (e.g. the tag does not exist, or the registry is not ECR).
    pub reason: String,
    /// Every use.
    pub uses: Vec<Usage>,
}

/// A source that could not be read (fully).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SourceError {
    /// The ecr-core error code, or the AWS error code.
    pub code: String,
    /// What went wrong.
    pub message: String,
}

impl From<&Error> for SourceError {
    fn from(e: &Error) -> Self {
        let code = match e {
            Error::Service { aws_code, .. } => aws_code.clone(),
            other => other.code().to_owned(),
        };
        SourceError {
            code,
            message: e.to_string(),
        }
    }
}

/// One source read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "InventorySource")]
pub struct Source {
    /// Which service or file kind.
    pub kind: SourceKind,
    /// The account, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The region, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// What was read (a file path, a repository, a cluster, or empty for a whole service).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// How many image references it gave.
    pub references: usize,
    /// Why it could not be read, when it could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<SourceError>,
}

impl Source {
    /// A source read without error, so far.
    pub fn new(kind: SourceKind, account: Option<String>, region: Option<String>, name: impl Into<String>) -> Self {
        Source {
            kind,
            account,
            region,
            name: name.into(),
            references: 0,
            error: None,
        }
    }

    /// Records that the source failed (the first failure is kept).
    pub fn fail(&mut self, error: &Error) {
        if self.error.is_none() {
            self.error = Some(SourceError::from(error));
        }
    }

    /// Whether it was read completely.
    pub fn ok(&self) -> bool {
        self.error.is_none()
    }
}

/// The inventory of images in use: the versioned JSON document ecr-core writes and reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Inventory {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// When it was built.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::time::flexible_opt")]
    #[schemars(with = "Option<crate::schema::Rfc3339>")]
    pub generated_at: Option<Timestamp>,
    /// Whether every source was read: `false` when any source failed. An incomplete inventory never
    /// authorises a deletion on its own.
    pub complete: bool,
    /// Every digest in use, sorted by digest.
    pub images: Vec<InUseImage>,
    /// References that did not resolve to a digest.
    #[serde(default)]
    pub unresolved: Vec<UnresolvedReference>,
    /// Every source read, failed ones with their error.
    pub sources: Vec<Source>,
}

impl Default for Inventory {
    fn default() -> Self {
        Inventory {
            schema: SCHEMA.to_owned(),
            generated_at: None,
            complete: true,
            images: Vec::new(),
            unresolved: Vec::new(),
            sources: Vec::new(),
        }
    }
}

impl Inventory {
    /// Reads a document, checking its `schema` and that `complete` agrees with its sources.
    pub fn from_json(text: &str) -> Result<Inventory> {
        Self::checked(&mut serde_json::Deserializer::from_str(text))
    }

    /// [`Inventory::from_json`] of a document already parsed (e.g. handed over by a binding).
    pub fn from_value(value: serde_json::Value) -> Result<Inventory> {
        Self::checked(value)
    }

    fn checked<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Inventory> {
        let inventory: Inventory = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            Error::invalid("inventory", format!("at {path}: {}", e.inner()))
        })?;
        if inventory.schema != SCHEMA {
            return Err(Error::invalid(
                "inventory",
                format!("at schema: {:?} is not {SCHEMA:?}", inventory.schema),
            ));
        }
        if inventory.complete && inventory.failed_sources().next().is_some() {
            return Err(Error::invalid(
                "inventory",
                "at complete: true, but a source has an error",
            ));
        }
        if let Some((i, image)) = inventory
            .images
            .iter()
            .enumerate()
            .find(|(_, image)| crate::reference::validate_digest(&image.digest).is_err())
        {
            return Err(Error::invalid(
                "inventory",
                format!("at images[{i}].digest: {:?} is not a sha256 digest", image.digest),
            ));
        }
        Ok(inventory)
    }

    /// The document as pretty JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_owned())
    }

    /// Every digest in use (images, index children and referrers alike).
    pub fn in_use_digests(&self) -> BTreeSet<String> {
        self.images.iter().map(|i| i.digest.clone()).collect()
    }

    /// The entry of `digest`.
    pub fn image(&self, digest: &str) -> Option<&InUseImage> {
        self.images
            .binary_search_by(|i| i.digest.as_str().cmp(digest))
            .ok()
            .map(|n| &self.images[n])
    }

    /// The sources that could not be read.
    pub fn failed_sources(&self) -> impl Iterator<Item = &Source> {
        self.sources.iter().filter(|s| !s.ok())
    }

    /// Merges other inventories into this one (e.g. one per account, or a live one and a file).
    pub fn merge(mut self, others: impl IntoIterator<Item = Inventory>) -> Inventory {
        let mut builder = Builder::default();
        for inv in std::iter::once(std::mem::take(&mut self)).chain(others) {
            builder.absorb(inv);
        }
        let mut merged = builder.finish();
        merged.generated_at = self.generated_at;
        merged
    }
}

/// Collects uses, unresolved references and sources, and builds the sorted [`Inventory`].
#[derive(Debug, Default, Clone)]
pub(crate) struct Builder {
    images: BTreeMap<String, (BTreeSet<String>, BTreeSet<Usage>)>,
    unresolved: BTreeMap<String, (String, BTreeSet<Usage>)>,
    sources: Vec<Source>,
}

impl Builder {
    /// Records that `digest` (found through `repository`, when known) is used by `usage`.
    pub(crate) fn add(&mut self, digest: &str, repository: Option<&str>, usage: Usage) {
        let entry = self.images.entry(digest.to_owned()).or_default();
        if let Some(r) = repository {
            entry.0.insert(r.to_owned());
        }
        entry.1.insert(usage);
    }

    /// Every recorded digest with each repository it was found through.
    pub(crate) fn digests_with_repositories(&self) -> Vec<(String, String)> {
        self.images
            .iter()
            .flat_map(|(d, (repos, _))| repos.iter().map(move |r| (d.clone(), r.clone())))
            .collect()
    }

    /// Records a reference that has no digest.
    pub(crate) fn unresolved(&mut self, reference: &str, reason: &str, usage: Usage) {
        let entry = self
            .unresolved
            .entry(reference.to_owned())
            .or_insert_with(|| (reason.to_owned(), BTreeSet::new()));
        entry.1.insert(usage);
    }

    /// Records a source.
    pub(crate) fn source(&mut self, source: Source) {
        self.sources.push(source);
    }

    fn absorb(&mut self, inventory: Inventory) {
        for image in inventory.images {
            let entry = self.images.entry(image.digest).or_default();
            entry.0.extend(image.repositories);
            entry.1.extend(image.uses);
        }
        for u in inventory.unresolved {
            let entry = self
                .unresolved
                .entry(u.reference)
                .or_insert_with(|| (u.reason, BTreeSet::new()));
            entry.1.extend(u.uses);
        }
        self.sources.extend(inventory.sources);
    }

    /// The document; complete when no source failed.
    pub(crate) fn finish(mut self) -> Inventory {
        self.sources.sort();
        self.sources.dedup();
        let complete = self.sources.iter().all(Source::ok);
        Inventory {
            schema: SCHEMA.to_owned(),
            generated_at: None,
            complete,
            images: self
                .images
                .into_iter()
                .map(|(digest, (repositories, uses))| InUseImage {
                    digest,
                    repositories: repositories.into_iter().collect(),
                    uses: uses.into_iter().collect(),
                })
                .collect(),
            unresolved: self
                .unresolved
                .into_iter()
                .map(|(reference, (reason, uses))| UnresolvedReference {
                    reference,
                    reason,
                    uses: uses.into_iter().collect(),
                })
                .collect(),
            sources: self.sources,
        }
    }
}
