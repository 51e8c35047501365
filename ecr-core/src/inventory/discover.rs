//! Building an inventory: the live services of many accounts and regions (a role to assume per account),
//! read with bounded concurrency and the SDK's adaptive retry, plus snapshot files; then tag resolution and
//! the closure in ECR.

use std::collections::BTreeMap;

use aws_config::retry::RetryConfig;
use aws_config::{Region, SdkConfig};
use futures::StreamExt;
use serde::{Deserialize, Serialize};

use crate::client::EcrClient;
use crate::error::{Error, Result};

use super::closure::{ClosureOptions, EcrAccess, resolve_and_close};
use super::ecs::{EcsOptions, arn_account};
use super::model::{Builder, Inventory, Source, SourceKind};
use super::sighting::{Next, Sighting, record};

/// Which files to read, and as what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InventoryFile {
    /// [`SourceKind::Kubernetes`] (a `kubectl get ... -o json` snapshot) or [`SourceKind::File`] (a JSON array
    /// of image URIs).
    pub kind: SourceKind,
    /// The file's path.
    pub path: String,
}

/// What [`EcrClient::discover_inventory`] reads. Read from JSON (camelCase), missing fields keep their default
/// and unknown ones are refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct DiscoverOptions {
    /// One IAM role ARN to assume per account; empty reads the client's own account only.
    pub role_arns: Vec<String>,
    /// The regions to read in every account; empty reads the client's region only.
    pub regions: Vec<String>,
    /// The services to read: any of ECS, Lambda, Batch and App Runner (default all four).
    pub services: Vec<SourceKind>,
    /// How many of the newest active revisions of each task definition family to keep (default 5; 0: none).
    pub task_definition_revisions: usize,
    /// Read recently stopped ECS tasks too (default `true`).
    pub stopped_tasks: bool,
    /// Read the service revisions of every deployment ECS lists for a service, so a rollback target keeps
    /// its pinned digest (ListServiceDeployments, DescribeServiceDeployments; default `true`).
    pub service_deployments: bool,
    /// Snapshot files to read besides the services.
    pub files: Vec<InventoryFile>,
    /// Most service reads at once (default 8); also bounds the ECR closure.
    pub concurrency: usize,
    /// Ask ECR's ListImageReferrers for the referrers of every kept digest (default `true`).
    pub referrers_api: bool,
    /// Also ask the registry's OCI referrers API (`GET /v2/<name>/referrers/<digest>`, or the `sha256-<hex>`
    /// index where the registry answers 404) for the referrers of every kept digest, with the credentials ECR
    /// hands out (default `false`).
    pub oci_referrers: bool,
    /// The registry endpoint of the OCI referrers API (`http(s)://host[:port]`) instead of each image's
    /// registry host (e.g. a local registry).
    pub registry_url: Option<String>,
    /// Look for the `sha256-<hex>` fallback tag and cosign's legacy tags (default `true`).
    pub fallback_tags: bool,
    /// Total attempts per request under the SDK's adaptive retry (default 5).
    pub max_attempts: u32,
}

impl Default for DiscoverOptions {
    fn default() -> Self {
        DiscoverOptions {
            role_arns: Vec::new(),
            regions: Vec::new(),
            services: SERVICES.to_vec(),
            task_definition_revisions: 5,
            stopped_tasks: true,
            service_deployments: true,
            files: Vec::new(),
            concurrency: 8,
            referrers_api: true,
            oci_referrers: false,
            registry_url: None,
            fallback_tags: true,
            max_attempts: 5,
        }
    }
}

impl DiscoverOptions {
    /// Refuses a service that is not one (a file kind, ECR itself), naming its index.
    fn check(&self) -> Result<()> {
        if let Some(url) = &self.registry_url {
            crate::verify::registry::parse_registry_url(url)
                .map_err(|e| Error::invalid("registryUrl", e.to_string()))?;
        }
        match self.services.iter().position(|kind| !SERVICES.contains(kind)) {
            Some(i) => Err(Error::invalid(
                format!("services[{i}]"),
                format!(
                    "{:?} is not a service (ecs, lambda, batch or appRunner)",
                    self.services[i]
                ),
            )),
            None => Ok(()),
        }
    }
}

/// The services [`EcrClient::discover_inventory`] reads.
const SERVICES: [SourceKind; 4] = [
    SourceKind::Ecs,
    SourceKind::Lambda,
    SourceKind::Batch,
    SourceKind::AppRunner,
];

/// One service of one account in one region.
struct Job {
    kind: SourceKind,
    account: Option<String>,
    region: String,
    sdk: SdkConfig,
}

/// Reads one file source.
fn read_file(file: &InventoryFile) -> (Source, Vec<Sighting>) {
    let mut source = Source::new(file.kind, None, None, file.path.clone());
    let parsed = std::fs::read_to_string(&file.path)
        .map_err(|e| Error::io(&file.path, e))
        .and_then(|text| parse_file(file.kind, &text, &file.path));
    let sightings = parsed_source(&mut source, parsed);
    (source, sightings)
}

/// The sightings of a source, counted in it, or none and the source failed.
fn parsed_source(source: &mut Source, parsed: Result<Vec<Sighting>>) -> Vec<Sighting> {
    match parsed {
        Ok(sightings) => {
            source.references = sightings.len();
            sightings
        }
        Err(e) => {
            source.fail(&e);
            Vec::new()
        }
    }
}

/// Parses the text of a file source.
fn parse_file(kind: SourceKind, text: &str, path: &str) -> Result<Vec<Sighting>> {
    match kind {
        SourceKind::Kubernetes => super::files::kubernetes(text, path),
        SourceKind::File => super::files::uri_list(text, path),
        other => Err(Error::invalid(
            path,
            format!("{other:?} is not a file kind (kubernetes or file)"),
        )),
    }
}

/// Records sightings; returns the ECR tags left to resolve.
fn record_all(
    builder: &mut Builder,
    sightings: Vec<Sighting>,
) -> Vec<(crate::reference::ImageReference, super::model::Usage)> {
    let mut pending = Vec::new();
    for s in sightings {
        let usage = s.usage.clone();
        if let Next::Resolve(r) = record(builder, s) {
            pending.push((r, usage));
        }
    }
    pending
}

/// An inventory of snapshot texts alone, offline: `(kind, path, text)` per file. References by tag cannot be
/// resolved offline, so they are listed as unresolved and a failed ECR source makes the inventory incomplete
/// when there are any; [`EcrClient::discover_inventory`] resolves them.
pub fn inventory_from_texts(files: &[(SourceKind, &str, &str)]) -> Inventory {
    offline(files.iter().map(|(kind, path, text)| {
        let mut source = Source::new(*kind, None, None, *path);
        let sightings = parsed_source(&mut source, parse_file(*kind, text, path));
        (source, sightings)
    }))
}

/// [`inventory_from_texts`] of files read from disk; a file that cannot be read is a failed source.
pub fn inventory_from_files(files: &[InventoryFile]) -> Inventory {
    offline(files.iter().map(read_file))
}

/// The inventory of sources read offline: references by tag are unresolved, and make it incomplete.
fn offline(read: impl Iterator<Item = (Source, Vec<Sighting>)>) -> Inventory {
    let mut builder = Builder::default();
    let mut pending = Vec::new();
    for (source, sightings) in read {
        builder.source(source);
        pending.extend(record_all(&mut builder, sightings));
    }
    if !pending.is_empty() {
        let mut source = Source::new(SourceKind::Ecr, None, None, "tag resolution");
        source.references = pending.len();
        source.fail(&Error::invalid(
            "inventory",
            format!("{} ECR reference(s) by tag not resolved (offline)", pending.len()),
        ));
        builder.source(source);
        for (r, usage) in pending {
            builder.unresolved(&r.to_string(), "by tag; not resolved offline", usage);
        }
    }
    builder.finish()
}

async fn read_job(job: &Job, options: &DiscoverOptions, endpoint: Option<&str>) -> (Source, Vec<Sighting>) {
    let mut source = Source::new(job.kind, job.account.clone(), Some(job.region.clone()), "");
    let mut out = Vec::new();
    let result = match job.kind {
        SourceKind::Ecs => {
            let mut conf = aws_sdk_ecs::config::Builder::from(&job.sdk);
            if let Some(url) = endpoint {
                conf = conf.endpoint_url(url);
            }
            let ecs = EcsOptions {
                task_definition_revisions: options.task_definition_revisions,
                stopped_tasks: options.stopped_tasks,
                service_deployments: options.service_deployments,
                concurrency: options.concurrency,
            };
            super::ecs::read(&aws_sdk_ecs::Client::from_conf(conf.build()), ecs, &mut out).await
        }
        SourceKind::Lambda => {
            let mut conf = aws_sdk_lambda::config::Builder::from(&job.sdk);
            if let Some(url) = endpoint {
                conf = conf.endpoint_url(url);
            }
            super::lambda::read(
                &aws_sdk_lambda::Client::from_conf(conf.build()),
                options.concurrency,
                &mut out,
            )
            .await
        }
        SourceKind::Batch => {
            let mut conf = aws_sdk_batch::config::Builder::from(&job.sdk);
            if let Some(url) = endpoint {
                conf = conf.endpoint_url(url);
            }
            super::batch::read(&aws_sdk_batch::Client::from_conf(conf.build()), &mut out).await
        }
        SourceKind::AppRunner => {
            let mut conf = aws_sdk_apprunner::config::Builder::from(&job.sdk);
            if let Some(url) = endpoint {
                conf = conf.endpoint_url(url);
            }
            super::apprunner::read(&aws_sdk_apprunner::Client::from_conf(conf.build()), &mut out).await
        }
        other => Err(Error::invalid(
            "services",
            format!("{other:?} is not a service (ecs, lambda, batch or appRunner)"),
        )),
    };
    if let Err(e) = result {
        source.fail(&e);
    }
    if source.account.is_none() {
        source.account = out.iter().find_map(|s| s.usage.account.clone());
    }
    source.references = out.len();
    (source, out)
}

/// The configuration of one account: the base credentials, or those of an assumed role (checked once, so a
/// role that cannot be assumed is one failed source, not a failure per service).
/// `endpoint` (an emulator) serves STS too.
async fn account_config(
    base: &SdkConfig,
    role_arn: Option<&str>,
    endpoint: Option<&str>,
) -> std::result::Result<SdkConfig, Error> {
    let Some(role) = role_arn else {
        return Ok(base.clone());
    };
    use aws_credential_types::provider::ProvideCredentials;
    let sts_config = match endpoint {
        Some(url) => base.to_builder().endpoint_url(url).build(),
        None => base.clone(),
    };
    let provider = aws_config::sts::AssumeRoleProvider::builder(role)
        .session_name("ecr-core-inventory")
        .configure(&sts_config)
        .build()
        .await;
    provider.provide_credentials().await.map_err(|e| Error::Service {
        aws_code: "AssumeRoleFailed".into(),
        message: format!("cannot assume {role}: {e}"),
        request_id: None,
    })?;
    Ok(base
        .to_builder()
        .credentials_provider(aws_credential_types::provider::SharedCredentialsProvider::new(provider))
        .build())
}

impl EcrClient {
    /// Builds the inventory of images in use: every service of `options` in every account (role) and region,
    /// every snapshot file, tags resolved to digests, closed over index children and referrers. A source that
    /// cannot be read is listed with its error and makes the inventory incomplete; this call itself fails only
    /// on bad options.
    pub async fn discover_inventory(&self, options: &DiscoverOptions) -> Result<Inventory> {
        options.check()?;
        let base = self.sdk_config();
        let attempts = options.max_attempts.max(1);
        let regions: Vec<String> = if options.regions.is_empty() {
            vec![self.region().ok_or(Error::NoRegion)?.to_owned()]
        } else {
            options.regions.clone()
        };
        let roles: Vec<Option<&str>> = if options.role_arns.is_empty() {
            vec![None]
        } else {
            options.role_arns.iter().map(|r| Some(r.as_str())).collect()
        };
        let mut builder = Builder::default();
        let mut accounts = BTreeMap::new();
        let mut jobs = Vec::new();
        for role in roles {
            let account = role.and_then(arn_account);
            let sdk = match account_config(base, role, self.endpoint_url()).await {
                Ok(sdk) => sdk,
                Err(e) => {
                    let mut source = Source::new(SourceKind::Credentials, account, None, role.unwrap_or_default());
                    source.fail(&e);
                    builder.source(source);
                    continue;
                }
            };
            if let Some(a) = &account {
                accounts.insert(a.clone(), sdk.clone());
            }
            for region in &regions {
                let regional = sdk
                    .to_builder()
                    .region(Region::new(region.clone()))
                    .retry_config(RetryConfig::adaptive().with_max_attempts(attempts))
                    .build();
                for kind in &options.services {
                    jobs.push(Job {
                        kind: *kind,
                        account: account.clone(),
                        region: region.clone(),
                        sdk: regional.clone(),
                    });
                }
            }
        }
        let endpoint = self.endpoint_url();
        // Owned jobs: a closure over `&Job` makes the future not provably `Send`.
        let results: Vec<(Source, Vec<Sighting>)> = futures::stream::iter(jobs)
            .map(|job| async move { read_job(&job, options, endpoint).await })
            .buffer_unordered(options.concurrency.max(1))
            .collect()
            .await;
        let mut pending = Vec::new();
        for (source, sightings) in results.into_iter().chain(options.files.iter().map(read_file)) {
            builder.source(source);
            pending.extend(record_all(&mut builder, sightings));
        }
        let access = EcrAccess {
            base: self.clone(),
            accounts,
        };
        let closure = ClosureOptions {
            referrers_api: options.referrers_api,
            oci_referrers: options.oci_referrers,
            registry_url: options.registry_url.clone(),
            fallback_tags: options.fallback_tags,
            concurrency: options.concurrency,
        };
        resolve_and_close(&access, &mut builder, pending, &closure).await;
        let mut inventory = builder.finish();
        inventory.generated_at = Some(chrono::Utc::now());
        Ok(inventory)
    }
}
