//! The inventory capability: the images in use (ECS, Lambda, AWS Batch, App Runner, Kubernetes snapshots,
//! files of image URIs) and lifecycle that never expires them. The pure functions live in the `inventory`
//! namespace, the live calls on `EcrClient`. Inventories cross as the core's versioned JSON document (a plain
//! object); functions that take one accept that object or its JSON text and check it (`Inventory::from_json`).
//! Options are read into the core's own option types, naming the path of a bad field.

use ecr_core::inventory::{DiscoverOptions, Inventory, InventoryFile};
use ecr_core::lifecycle::LifecyclePolicy as CorePolicy;
use napi::Env;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

use crate::client::EcrClient;
use crate::conversions::json;
use crate::errors::{Failure, guard};
use crate::lifecycle::{
    EvaluateOptions, ExpireImagesOptions, LifecycleImages, LifecyclePolicy, LifecyclePreviewOptions,
    core_preview_options, evaluation_context, expire_options, policy_text_arg, preview_arg, shared_images,
};
use crate::tasks::{self, Hook, json_text_arg, now_arg};

/// An inventory from its plain object or JSON text, checked.
fn inventory_arg(env: &Env, inventory: Unknown<'_>) -> std::result::Result<Inventory, Failure> {
    Ok(Inventory::from_json(&json_text_arg(env, inventory, "inventory")?)?)
}

/// A core value from a JS argument; a bad field is named by its path under `what`.
fn core_arg<T: serde::de::DeserializeOwned>(value: Value, what: &str) -> std::result::Result<T, Failure> {
    Ok(ecr_core::types::from_json(value, what)?)
}

/// Reads the files (`[{ kind: 'kubernetes' | 'file', path }]`: a `kubectl get ... -o json` snapshot, or a
/// JSON array of image URIs) offline into an inventory. A file that cannot be read is a failed source;
/// references by tag stay unresolved, so they make the inventory incomplete.
#[napi(
    namespace = "inventory",
    js_name = "fromFiles",
    ts_args_type = "files: InventoryFile[]",
    ts_return_type = "Inventory"
)]
pub fn from_files(env: Env, files: Value) -> Result<Value> {
    guard(&env, || {
        let files: Vec<InventoryFile> = core_arg(files, "files")?;
        json(&ecr_core::inventory::inventory_from_files(&files))
    })
}

/// Checks a saved inventory (object or JSON text: its `schema`, that `complete` agrees with its sources,
/// every digest) and returns it.
#[napi(
    namespace = "inventory",
    ts_args_type = "inventory: Inventory | string",
    ts_return_type = "Inventory"
)]
pub fn read(env: Env, inventory: Unknown<'_>) -> Result<Value> {
    guard(&env, || json(&inventory_arg(&env, inventory)?))
}

/// One inventory of several (e.g. one per account, or a live one and a file): every use of every digest,
/// every source; incomplete when any is.
#[napi(
    namespace = "inventory",
    ts_args_type = "inventories: Array<Inventory | string>",
    ts_return_type = "Inventory"
)]
pub fn merge(env: Env, inventories: Vec<Unknown<'_>>) -> Result<Value> {
    guard(&env, || {
        let all = inventories
            .into_iter()
            .map(|i| inventory_arg(&env, i))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        json(&Inventory::default().merge(all))
    })
}

/// Evaluates `policy` over one repository's `images` (as `LifecyclePolicy.evaluate`) with everything in
/// `inventory` protected, and within the repository what it needs (index children, referrers): the
/// `lifecycle_preview --inventory` document, the preview plus `inUse` (per rule, the in-use images it would
/// have acted on, and who uses them) and `inventoryComplete`.
#[napi(
    namespace = "inventory",
    ts_args_type = "policy: lifecycle.LifecyclePolicy | string | Record<string, unknown>, images: lifecycle.LifecycleImages | string | ImageDetail[] | { imageDetails: ImageDetail[] }, inventory: Inventory | string, options?: EvaluateOptions | null",
    ts_return_type = "InUsePreview"
)]
pub fn preview(
    env: Env,
    policy: Either<&LifecyclePolicy, Unknown<'_>>,
    images: Either<&LifecycleImages, Unknown<'_>>,
    inventory: Unknown<'_>,
    options: Option<EvaluateOptions<'_>>,
) -> Result<Value> {
    guard(&env, || {
        let parsed = CorePolicy::parse(&policy_text_arg(&env, policy)?)?;
        let images = shared_images(&env, images)?;
        let inventory = inventory_arg(&env, inventory)?;
        let (preview, in_use) = inventory.evaluate(&parsed.policy, &images, evaluation_context(options)?);
        Ok(inventory.preview_document(&preview, &parsed.warnings, &in_use))
    })
}

/// Options of `EcrClient.expireImagesWithInventory`.
#[napi(object)]
#[derive(Default)]
pub struct ExpireWithInventoryOptions {
    /// Report what would be deleted without deleting (default `true`).
    pub dry_run: Option<bool>,
    /// Refuse when the preview expires more images than this (default 100).
    pub max_deletions: Option<u32>,
    /// Digests that must never be deleted, besides those in use.
    pub protected: Option<Vec<String>>,
    /// Run even when the inventory is incomplete (default `false`: refused).
    pub allow_incomplete: Option<bool>,
}

/// Options of `EcrClient.registryInUseReport`.
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct RegistryInUseReportOptions<'a> {
    /// The evaluation instant (RFC 3339 string or `Date`; default now).
    pub now: Option<Either<String, Date<'a>>>,
    /// Most repositories read at once (default 8).
    pub concurrency: Option<u32>,
}

#[napi]
impl EcrClient {
    /// Builds the inventory of images in use: `options` (`roleArns`, `regions`, `services`,
    /// `taskDefinitionRevisions`, `stoppedTasks`, `serviceDeployments`, `files`, `concurrency`, `referrersApi`, `ociReferrers`, `registryUrl`, `fallbackTags`,
    /// `maxAttempts`; missing keys keep their defaults) says what to read. A source that cannot be read is
    /// listed with its error and makes the inventory incomplete; only bad options reject.
    #[napi(
        ts_args_type = "options?: DiscoverOptions | null",
        ts_return_type = "Promise<Inventory>"
    )]
    pub fn discover_inventory<'env>(&self, env: &'env Env, options: Option<Value>) -> Result<PromiseRaw<'env, Value>> {
        let options: DiscoverOptions = guard(env, || match options.filter(|o| !o.is_null()) {
            Some(o) => core_arg(o, "options"),
            None => Ok(DiscoverOptions::default()),
        })?;
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            json(&c.discover_inventory(&options).await?)
        })
    }

    /// `lifecyclePreview` of `repository` with every digest of `inventory` protected: the
    /// `lifecycle_preview --repository --inventory` document (`inUse`, `inventoryComplete`).
    #[napi(
        ts_args_type = "repository: string, inventory: Inventory | string, options?: LifecyclePreviewOptions | null",
        ts_return_type = "Promise<InUsePreview>"
    )]
    pub fn lifecycle_preview_with_inventory<'env>(
        &self,
        env: &'env Env,
        repository: String,
        inventory: Unknown<'_>,
        options: Option<LifecyclePreviewOptions<'_>>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let (inventory, options) = guard(env, || {
            Ok((inventory_arg(env, inventory)?, core_preview_options(env, options)?))
        })?;
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            let (report, in_use) = c
                .lifecycle_preview_with_inventory(&repository, &options, &inventory)
                .await?;
            Ok(inventory.preview_document(&report.preview, &report.warnings, &in_use))
        })
    }

    /// `expireImages` guarded by `inventory`: rejects with `code: "Refused"` before deleting anything when the
    /// inventory is incomplete (unless `allowIncomplete`) or when `preview` expires a digest in use.
    #[napi(
        ts_args_type = "repository: string, preview: LifecyclePreviewResults, inventory: Inventory | string, options?: ExpireWithInventoryOptions | null",
        ts_return_type = "Promise<ExpireReport>"
    )]
    pub fn expire_images_with_inventory<'env>(
        &self,
        env: &'env Env,
        repository: String,
        preview: Value,
        inventory: Unknown<'_>,
        options: Option<ExpireWithInventoryOptions>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let o = options.unwrap_or_default();
        let allow_incomplete = o.allow_incomplete.unwrap_or(false);
        let options = expire_options(ExpireImagesOptions {
            dry_run: o.dry_run,
            max_deletions: o.max_deletions,
            protected: o.protected,
        });
        let (preview, inventory) = guard(env, || Ok((preview_arg(preview)?, inventory_arg(env, inventory)?)))?;
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            json(
                &c.expire_images_with_inventory(&repository, &preview, &options, &inventory, allow_incomplete)
                    .await?,
            )
        })
    }

    /// Every repository's lifecycle policy against `inventory` at `options.now` (default now): how many in-use
    /// images each policy would have expired or archived, and who uses them.
    #[napi(
        ts_args_type = "inventory: Inventory | string, options?: RegistryInUseReportOptions | null",
        ts_return_type = "Promise<RegistryInUseReport>"
    )]
    pub fn registry_in_use_report<'env>(
        &self,
        env: &'env Env,
        inventory: Unknown<'_>,
        options: Option<RegistryInUseReportOptions<'_>>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let o = options.unwrap_or_default();
        let concurrency = o.concurrency.map_or(8, |n| n as usize);
        let (inventory, now) = guard(env, || Ok((inventory_arg(env, inventory)?, now_arg(o.now)?)))?;
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            json(&c.registry_in_use_report(&inventory, now, concurrency).await?)
        })
    }
}
