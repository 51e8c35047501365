//! Lifecycle with the inventory: the in-use images a policy would have expired (per rule, with who uses
//! them), deletion that refuses in-use digests and incomplete inventories, and the registry-wide report of
//! every repository's policy against the inventory.

use std::collections::BTreeMap;

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::client::EcrClient;
use crate::error::{Error, Result};
use crate::lifecycle::{
    EvaluationContext, ExpireOptions, ExpireReport, LifecyclePolicy, LifecyclePreviewOptions, LifecyclePreviewReport,
    Preview, PreviewAction, SkipReason, Warning,
};
use crate::time::Timestamp;
use crate::types::ImageDetail;

use super::model::{Inventory, SourceError, Usage};
use super::repository::{Needed, repository_closure};

/// An in-use image a rule would have acted on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct InUseImageHit {
    /// The image.
    pub image_digest: String,
    /// Its tags.
    #[serde(default)]
    pub image_tags: Vec<String>,
    /// What the rule would have done.
    pub action: PreviewAction,
    /// Who uses it (from the inventory).
    pub uses: Vec<Usage>,
}

/// The in-use images one rule would have acted on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RuleInUse {
    /// The rule.
    pub rule_priority: u32,
    /// The images, in the preview's order.
    pub images: Vec<InUseImageHit>,
}

impl Inventory {
    /// `context` with every digest of this inventory protected.
    pub fn protect(&self, context: EvaluationContext) -> EvaluationContext {
        context.protect(self.images.iter().map(|i| i.digest.clone()))
    }

    /// `context` with every digest of this inventory protected, and within the repository of `images` every
    /// image they need (index children, referrers: [`repository_closure`], reading the manifest lists of
    /// `context`). Returns what the closure added, for [`Inventory::in_use_by_rule`].
    pub fn protect_repository(
        &self,
        context: EvaluationContext,
        images: &[ImageDetail],
    ) -> (EvaluationContext, Needed) {
        let in_use = self.in_use_digests();
        let needed = repository_closure(&in_use, images, &context.manifest_list_children);
        let context = context.protect(in_use).protect(needed.keys().cloned());
        (context, needed)
    }

    /// Per rule, the in-use images `preview` (evaluated with [`Inventory::protect`] or
    /// [`Inventory::protect_repository`]) would have acted on, and who uses them; `needed` is what
    /// `protect_repository` added (empty otherwise). Images protected for other reasons are left out.
    pub fn in_use_by_rule(&self, preview: &Preview<'_>, needed: &Needed) -> Vec<RuleInUse> {
        let mut rules: BTreeMap<u32, Vec<InUseImageHit>> = BTreeMap::new();
        for skipped in &preview.protected_images {
            if skipped.reason != SkipReason::Protected {
                continue;
            }
            let uses = match (self.image(&skipped.image_digest), needed.get(&skipped.image_digest)) {
                (Some(entry), _) => entry.uses.clone(),
                (None, Some((kind, via))) => vec![Usage {
                    kind: *kind,
                    name: via.clone(),
                    account: None,
                    region: None,
                    reference: None,
                    since: None,
                    via: Some(via.clone()),
                }],
                (None, None) => continue,
            };
            rules.entry(skipped.rule_priority).or_default().push(InUseImageHit {
                image_digest: skipped.image_digest.clone(),
                image_tags: skipped.image_tags.clone(),
                action: skipped.action,
                uses,
            });
        }
        rules
            .into_iter()
            .map(|(rule_priority, images)| RuleInUse { rule_priority, images })
            .collect()
    }

    /// Evaluates `policy` over one repository's `images` with what is in use protected, and within the
    /// repository what it needs ([`Inventory::protect_repository`]): the preview, and per rule the in-use
    /// images it would have acted on ([`Inventory::in_use_by_rule`]).
    pub fn evaluate<'a>(
        &self,
        policy: &LifecyclePolicy,
        images: &'a [ImageDetail],
        context: EvaluationContext,
    ) -> (Preview<'a>, Vec<RuleInUse>) {
        let (context, needed) = self.protect_repository(context, images);
        let preview = policy.evaluate(images, &context);
        let in_use = self.in_use_by_rule(&preview, &needed);
        (preview, in_use)
    }

    /// The `lifecycle_preview --inventory` document: the preview's ([`Preview::to_document`]) with `inUse`
    /// (`in_use`, from [`Inventory::in_use_by_rule`]) and `inventoryComplete`.
    pub fn preview_document(&self, preview: &Preview<'_>, warnings: &[Warning], in_use: &[RuleInUse]) -> Value {
        let mut document = preview.to_document(warnings);
        document["inUse"] = serde_json::to_value(in_use).unwrap_or_default();
        document["inventoryComplete"] = self.complete.into();
        document
    }

    /// Refuses ([`Error::Refused`]) an incomplete inventory unless `allow_incomplete`.
    pub fn require_complete(&self, allow_incomplete: bool) -> Result<()> {
        if self.complete || allow_incomplete {
            return Ok(());
        }
        let failed: Vec<String> = self
            .failed_sources()
            .map(|s| {
                let error = s.error.as_ref().map(|e| e.code.as_str()).unwrap_or_default();
                let place = [s.account.as_deref(), s.region.as_deref(), Some(s.name.as_str())]
                    .into_iter()
                    .flatten()
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                format!("{:?} {place} ({error})", s.kind)
            })
            .collect();
        Err(Error::Refused {
            message: format!(
                "the inventory is incomplete (sources not read: {}); nothing was deleted",
                failed.join("; ")
            ),
        })
    }
}

impl EcrClient {
    /// [`EcrClient::expire_images`] guarded by an inventory: refuses an incomplete inventory unless
    /// `allow_incomplete`, and refuses (before deleting anything) when the preview expires any digest in use.
    pub async fn expire_images_with_inventory(
        &self,
        repository: &str,
        preview: &Preview<'_>,
        options: &ExpireOptions,
        inventory: &Inventory,
        allow_incomplete: bool,
    ) -> Result<ExpireReport> {
        inventory.require_complete(allow_incomplete)?;
        let mut guarded = options.clone();
        guarded.protected.extend(inventory.in_use_digests());
        self.expire_images(repository, preview, &guarded).await
    }
}

impl EcrClient {
    /// [`EcrClient::lifecycle_preview`] with every digest of `inventory` protected besides
    /// `options.protected`; and per rule, the in-use images the policy would have acted on.
    pub async fn lifecycle_preview_with_inventory(
        &self,
        repository: &str,
        options: &LifecyclePreviewOptions,
        inventory: &Inventory,
    ) -> Result<(LifecyclePreviewReport, Vec<RuleInUse>)> {
        let mut options = options.clone();
        options.protected.extend(inventory.in_use_digests());
        let report = self.lifecycle_preview(repository, &options).await?;
        let in_use = inventory.in_use_by_rule(&report.preview, &Needed::new());
        Ok((report, in_use))
    }
}

/// One repository of the registry-wide report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RepositoryInUse {
    /// The repository.
    pub repository: String,
    /// Whether it has a lifecycle policy.
    pub has_policy: bool,
    /// Images the policy expires (with the inventory protecting what is in use).
    pub expiring: usize,
    /// In-use images the policy would have expired or archived.
    pub in_use_hits: usize,
    /// Those images, per rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleInUse>,
    /// Why the repository could not be evaluated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<SourceError>,
}

/// Every repository's lifecycle policy against an inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegistryInUseReport {
    /// Whether the inventory was complete (an incomplete one may miss images in use).
    pub inventory_complete: bool,
    /// Repositories read.
    pub repositories: usize,
    /// Repositories with a lifecycle policy.
    pub with_policy: usize,
    /// In-use images the policies would have expired or archived, over all repositories.
    pub in_use_hits: usize,
    /// Repositories with a hit or an error, sorted by name.
    pub findings: Vec<RepositoryInUse>,
}

/// One repository's policy against the inventory, offline (the inventory's digests and, within the
/// repository, everything they need are protected).
pub fn repository_in_use(
    repository: &str,
    policy: &LifecyclePolicy,
    images: &[ImageDetail],
    manifest_list_children: BTreeMap<String, Vec<String>>,
    inventory: &Inventory,
    now: Timestamp,
) -> RepositoryInUse {
    let mut context = EvaluationContext::new(now);
    context.manifest_list_children = manifest_list_children;
    let (preview, rules) = inventory.evaluate(policy, images, context);
    RepositoryInUse {
        repository: repository.to_owned(),
        has_policy: true,
        expiring: preview.expiring_digests().len(),
        in_use_hits: rules.iter().map(|r| r.images.len()).sum(),
        rules,
        error: None,
    }
}

impl EcrClient {
    async fn repository_report(&self, repository: String, inventory: &Inventory, now: Timestamp) -> RepositoryInUse {
        let failed = |error: &Error, has_policy| RepositoryInUse {
            repository: repository.clone(),
            has_policy,
            expiring: 0,
            in_use_hits: 0,
            rules: Vec::new(),
            error: Some(error.into()),
        };
        let parsed = match self.get_lifecycle_policy(&repository).await {
            Ok(p) => p,
            Err(Error::LifecyclePolicyNotFound { .. }) => {
                return RepositoryInUse {
                    repository,
                    has_policy: false,
                    expiring: 0,
                    in_use_hits: 0,
                    rules: Vec::new(),
                    error: None,
                };
            }
            Err(e) => return failed(&e, true),
        };
        let images = match self.describe_images_all_statuses(&repository).await {
            Ok(i) => i,
            Err(e) => return failed(&e, true),
        };
        let children = match self.manifest_list_children(&repository, &images).await {
            Ok(c) => c,
            Err(e) => return failed(&e, true),
        };
        repository_in_use(&repository, &parsed.policy, &images, children, inventory, now)
    }

    /// Every repository's lifecycle policy against `inventory` at `now`: how many in-use images each policy
    /// would have expired or archived, and who uses them. At most `concurrency` repositories are read at once.
    pub async fn registry_in_use_report(
        &self,
        inventory: &Inventory,
        now: Timestamp,
        concurrency: usize,
    ) -> Result<RegistryInUseReport> {
        let repositories = self.list_repositories().await?;
        let total = repositories.len();
        let mut rows: Vec<RepositoryInUse> = futures::stream::iter(repositories)
            .map(|r| self.repository_report(r.repository_name, inventory, now))
            .buffer_unordered(concurrency.max(1))
            .collect()
            .await;
        rows.sort_by(|a, b| a.repository.cmp(&b.repository));
        let with_policy = rows.iter().filter(|r| r.has_policy).count();
        let in_use_hits = rows.iter().map(|r| r.in_use_hits).sum();
        rows.retain(|r| r.in_use_hits > 0 || r.error.is_some());
        Ok(RegistryInUseReport {
            inventory_complete: inventory.complete,
            repositories: total,
            with_policy,
            in_use_hits,
            findings: rows,
        })
    }
}
