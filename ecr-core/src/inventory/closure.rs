//! Resolution and closure in ECR: tags resolve to digests (BatchGetImage), and everything a kept image
//! needs is kept too: the children of an image index, and the referrers of every kept digest (ECR's
//! ListImageReferrers, the registry's OCI referrers API, the OCI `sha256-<hex>` fallback tag, cosign's legacy
//! `.sig` / `.att` / `.sbom` tags), repeated until nothing new appears.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

use aws_config::SdkConfig;
use futures::StreamExt;

use crate::client::EcrClient;
use crate::error::{Error, Result};
use crate::lifecycle::index_children;
use crate::reference::ImageReference;
use crate::types::ImageId;
use crate::verify::{ACCEPTED_MEDIA_TYPES, RegistryAccess, RegistryClient};

use super::model::{Builder, Source, SourceKind, Usage, UsageKind};

/// Most image ids in one BatchGetImage call.
const BATCH: usize = 100;

/// Rounds of "referrers of referrers" followed at most.
const MAX_ROUNDS: usize = 4;

/// Suffixes of cosign's legacy tags beside the OCI fallback tag `sha256-<hex>`.
const FALLBACK_SUFFIXES: [&str; 4] = ["", ".sig", ".att", ".sbom"];

/// How the closure finds referrers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClosureOptions {
    /// Ask ECR's ListImageReferrers for every kept digest (default `true`).
    pub referrers_api: bool,
    /// Ask the registry's OCI referrers API for every kept digest (default `false`).
    pub oci_referrers: bool,
    /// The registry endpoint for the OCI referrers API, instead of each image's registry host.
    pub registry_url: Option<String>,
    /// Look for the `sha256-<hex>` fallback tag and cosign's legacy tags (default `true`).
    pub fallback_tags: bool,
    /// Most repositories read at once, and most ListImageReferrers calls at once per repository.
    pub concurrency: usize,
}

impl Default for ClosureOptions {
    fn default() -> Self {
        ClosureOptions {
            referrers_api: true,
            oci_referrers: false,
            registry_url: None,
            fallback_tags: true,
            concurrency: 8,
        }
    }
}

/// ECR clients per account: the base client's, or an assumed role's configuration for that account.
#[derive(Debug, Clone)]
pub(crate) struct EcrAccess {
    pub base: EcrClient,
    pub accounts: BTreeMap<String, SdkConfig>,
}

impl EcrAccess {
    fn client(&self, account: &str, region: &str) -> EcrClient {
        let own = self.accounts.get(account);
        if own.is_none() && self.base.region() == Some(region) {
            return self.base.clone();
        }
        let sdk = own.unwrap_or(self.base.sdk_config());
        let sdk = sdk
            .to_builder()
            .region(aws_config::Region::new(region.to_owned()))
            .build();
        EcrClient::from_sdk_config(&sdk, self.base.endpoint_url())
    }
}

/// One repository's work: tags to resolve (with their uses) and digests already known to be in use.
#[derive(Debug, Default)]
struct Group {
    tags: BTreeMap<String, Vec<(String, Usage)>>,
    digests: BTreeSet<String>,
}

/// What reading one repository found.
#[derive(Debug, Default)]
struct Outcome {
    repository: String,
    found: Vec<(String, Usage)>,
    missing: Vec<(String, String, Usage)>,
    source: Option<Source>,
}

type Key = (String, String, String);

fn key_of(r: &ImageReference) -> Option<Key> {
    Some((
        r.host().registry_id()?.to_owned(),
        r.host().region()?.to_owned(),
        r.repository().to_owned(),
    ))
}

/// Resolves `pending` ECR tags and closes the builder's ECR digests over index children and referrers.
pub(crate) async fn resolve_and_close(
    access: &EcrAccess,
    builder: &mut Builder,
    pending: Vec<(ImageReference, Usage)>,
    options: &ClosureOptions,
) {
    let mut groups: BTreeMap<Key, Group> = BTreeMap::new();
    for (reference, usage) in pending {
        let (Some(key), Some(tag)) = (key_of(&reference), reference.tag()) else {
            continue;
        };
        groups
            .entry(key)
            .or_default()
            .tags
            .entry(tag.to_owned())
            .or_default()
            .push((reference.to_string(), usage));
    }
    for (digest, repository) in builder.digests_with_repositories() {
        if let Some(key) = super::sighting::ecr_reference(&format!("{repository}@{digest}"))
            .as_ref()
            .and_then(key_of)
        {
            groups.entry(key).or_default().digests.insert(digest);
        }
    }
    let outcomes: Vec<Outcome> = futures::stream::iter(groups)
        .map(|(key, group)| read_repository(access, key, group, options))
        .buffer_unordered(options.concurrency.max(1))
        .collect()
        .await;
    for outcome in outcomes {
        for (digest, usage) in outcome.found {
            builder.add(&digest, Some(&outcome.repository), usage);
        }
        for (reference, reason, usage) in outcome.missing {
            builder.unresolved(&reference, &reason, usage);
        }
        if let Some(source) = outcome.source {
            builder.source(source);
        }
    }
}

async fn read_repository(access: &EcrAccess, key: Key, group: Group, options: &ClosureOptions) -> Outcome {
    let (account, region, repository) = key;
    let client = access.client(&account, &region);
    let host = crate::reference::RegistryHost::private(&account, &region)
        .map(|h| format!("{h}/{repository}"))
        .unwrap_or_else(|_| repository.clone());
    let mut source = Source::new(
        SourceKind::Ecr,
        Some(account.clone()),
        Some(region.clone()),
        host.clone(),
    );
    source.references = group.tags.values().map(Vec::len).sum::<usize>() + group.digests.len();
    let mut outcome = Outcome {
        repository: host.clone(),
        ..Outcome::default()
    };
    let tag_uses: Vec<(String, Usage)> = group.tags.values().flatten().cloned().collect();
    let closed = match registry_client(&client, &account, &region, options).await {
        Ok(registry) => {
            let reader = Reader {
                client: &client,
                registry: registry.as_ref(),
                account: &account,
                repository: &repository,
            };
            close(&reader, &host, &region, group, options, &mut outcome).await
        }
        Err(e) => Err(e),
    };
    match closed {
        Ok(()) => {}
        // Nothing to protect in a repository that does not exist: its references are unresolved, not unread.
        Err(Error::RepositoryNotFound { .. }) => {
            outcome.found.clear();
            outcome.missing = tag_uses
                .into_iter()
                .map(|(reference, usage)| (reference, format!("repository {host} not found"), usage))
                .collect();
        }
        Err(e) => source.fail(&e),
    }
    outcome.source = Some(source);
    outcome
}

/// A registry-protocol client for the OCI referrers API of `account`'s registry in `region` (or of
/// `options.registry_url`), with the credentials ECR hands out; none unless `options.oci_referrers`.
async fn registry_client(
    client: &EcrClient,
    account: &str,
    region: &str,
    options: &ClosureOptions,
) -> Result<Option<RegistryClient>> {
    if !options.oci_referrers {
        return Ok(None);
    }
    let host = crate::reference::RegistryHost::private(account, region)?.to_string();
    let access = RegistryAccess {
        url: options.registry_url.clone(),
        auth: client.registry_auth().await?,
    };
    RegistryClient::new(&host, &access).map(Some)
}

struct Reader<'a> {
    client: &'a EcrClient,
    registry: Option<&'a RegistryClient>,
    account: &'a str,
    repository: &'a str,
}

/// An image BatchGetImage returned: its id and, for an index, its children.
struct Got {
    id: ImageId,
    children: Vec<String>,
}

impl Reader<'_> {
    /// BatchGetImage over `ids` in chunks: the images found and the ids ECR reports missing.
    async fn get(&self, ids: &[ImageId]) -> Result<(Vec<Got>, Vec<ImageId>)> {
        let mut found = Vec::new();
        let mut missing = Vec::new();
        for chunk in ids.chunks(BATCH) {
            let out = self
                .client
                .ecr()
                .batch_get_image()
                .registry_id(self.account)
                .repository_name(self.repository)
                .set_image_ids(Some(chunk.iter().map(ImageId::to_sdk).collect()))
                .set_accepted_media_types(Some(ACCEPTED_MEDIA_TYPES.iter().map(|s| (*s).to_owned()).collect()))
                .send()
                .await
                .map_err(Error::from_sdk)?;
            for image in out.images() {
                let Some(id) = image.image_id() else { continue };
                found.push(Got {
                    id: ImageId {
                        image_digest: id.image_digest().map(str::to_owned),
                        image_tag: id.image_tag().map(str::to_owned),
                    },
                    children: image.image_manifest().map(index_children).unwrap_or_default(),
                });
            }
            for failure in out.failures() {
                use aws_sdk_ecr::types::ImageFailureCode as Code;
                let id = failure.image_id();
                let id = ImageId {
                    image_digest: id.and_then(|i| i.image_digest()).map(str::to_owned),
                    image_tag: id.and_then(|i| i.image_tag()).map(str::to_owned),
                };
                match failure.failure_code() {
                    Some(Code::ImageNotFound) => missing.push(id),
                    other => {
                        return Err(Error::Service {
                            aws_code: other.map(|c| c.as_str().to_owned()).unwrap_or_else(|| "Unknown".into()),
                            message: failure.failure_reason().unwrap_or("BatchGetImage failed").to_owned(),
                            request_id: None,
                        });
                    }
                }
            }
        }
        Ok((found, missing))
    }

    /// The digests of every referrer ECR lists for `digest` (all pages).
    async fn referrers(&self, digest: String) -> Result<(String, Vec<String>)> {
        let referrers = self
            .client
            .list_image_referrers_in(Some(self.account), self.repository, &digest, &[])
            .await?;
        Ok((digest, referrers.into_iter().map(|r| r.digest).collect()))
    }

    /// The digests of every referrer the registry's OCI referrers API (or its tag fallback) lists for `digest`.
    async fn oci_referrers(&self, registry: &RegistryClient, digest: String) -> Result<(String, Vec<String>)> {
        let referrers = registry.referrers(self.repository, &digest).await?;
        Ok((digest, referrers))
    }
}

/// Runs referrer lookups, at most `concurrency` at once: each referrer with the subject that needs it.
async fn referrers_of<F>(
    lookups: impl Iterator<Item = F>,
    concurrency: usize,
) -> Result<Vec<(String, UsageKind, String)>>
where
    F: Future<Output = Result<(String, Vec<String>)>>,
{
    let lists: Vec<Result<(String, Vec<String>)>> = futures::stream::iter(lookups)
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    let mut out = Vec::new();
    for list in lists {
        let (subject, referrers) = list?;
        out.extend(referrers.into_iter().map(|r| (r, UsageKind::Referrer, subject.clone())));
    }
    Ok(out)
}

fn closure_usage(kind: UsageKind, host: &str, region: &str, account: &str, via: &str) -> Usage {
    Usage {
        kind,
        name: host.to_owned(),
        account: Some(account.to_owned()),
        region: Some(region.to_owned()),
        reference: None,
        since: None,
        via: Some(via.to_owned()),
    }
}

async fn close(
    reader: &Reader<'_>,
    host: &str,
    region: &str,
    group: Group,
    options: &ClosureOptions,
    outcome: &mut Outcome,
) -> Result<()> {
    // Tags first: each resolves to a digest, or is reported missing.
    let tags: Vec<ImageId> = group.tags.keys().map(ImageId::tag).collect();
    let (found, _) = reader.get(&tags).await?;
    let mut kept: BTreeSet<String> = group.digests;
    let mut by_tag: BTreeMap<String, String> = BTreeMap::new();
    for got in found {
        if let (Some(tag), Some(digest)) = (got.id.image_tag, got.id.image_digest) {
            by_tag.insert(tag, digest);
        }
    }
    for (tag, uses) in group.tags {
        match by_tag.get(&tag) {
            Some(digest) => {
                kept.insert(digest.clone());
                outcome.found.extend(uses.into_iter().map(|(_, u)| (digest.clone(), u)));
            }
            None => {
                outcome.missing.extend(
                    uses.into_iter()
                        .map(|(reference, u)| (reference, format!("tag {tag:?} not found in {host}"), u)),
                );
            }
        }
    }
    // Then the closure, round by round: children of indexes, referrers by API and by fallback tags.
    let mut seen = kept.clone();
    let mut frontier: Vec<String> = kept.into_iter().collect();
    for _ in 0..MAX_ROUNDS {
        if frontier.is_empty() {
            break;
        }
        let mut next: Vec<(String, UsageKind, String)> = Vec::new();
        let ids: Vec<ImageId> = frontier.iter().map(ImageId::digest).collect();
        let (found, _) = reader.get(&ids).await?;
        for got in found {
            let parent = got.id.image_digest.unwrap_or_default();
            next.extend(
                got.children
                    .into_iter()
                    .map(|c| (c, UsageKind::IndexChild, parent.clone())),
            );
        }
        if options.referrers_api {
            // Owned items: a closure over `&String` makes the future not provably `Send`.
            let lookups = frontier.clone().into_iter().map(|d| reader.referrers(d));
            next.extend(referrers_of(lookups, options.concurrency).await?);
        }
        if let Some(registry) = reader.registry {
            let lookups = frontier.clone().into_iter().map(|d| reader.oci_referrers(registry, d));
            next.extend(referrers_of(lookups, options.concurrency).await?);
        }
        if options.fallback_tags {
            let mut subject_of_tag = BTreeMap::new();
            for digest in &frontier {
                let Some(hex) = digest.strip_prefix("sha256:") else {
                    continue;
                };
                for suffix in FALLBACK_SUFFIXES {
                    subject_of_tag.insert(format!("sha256-{hex}{suffix}"), digest.clone());
                }
            }
            let ids: Vec<ImageId> = subject_of_tag.keys().map(ImageId::tag).collect();
            let (found, _) = reader.get(&ids).await?;
            for got in found {
                let (Some(tag), Some(digest)) = (got.id.image_tag, got.id.image_digest) else {
                    continue;
                };
                let subject = subject_of_tag.get(&tag).cloned().unwrap_or_default();
                next.extend(
                    got.children
                        .into_iter()
                        .map(|c| (c, UsageKind::Referrer, subject.clone())),
                );
                next.push((digest, UsageKind::Referrer, subject));
            }
        }
        frontier = Vec::new();
        for (digest, kind, via) in next {
            outcome
                .found
                .push((digest.clone(), closure_usage(kind, host, region, reader.account, &via)));
            if seen.insert(digest.clone()) {
                frontier.push(digest);
            }
        }
    }
    Ok(())
}
