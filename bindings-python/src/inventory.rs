//! The inventory capability: the images in use (ECS, Lambda, AWS Batch, App Runner, Kubernetes snapshots,
//! files of image URIs) and lifecycle that never expires them. Inventories cross as the core's versioned JSON
//! document (a dict); functions that take one accept that dict or its JSON text and check it
//! (`Inventory::from_json`). Options are read into the core's own option types, naming the path of a bad field.

use std::collections::BTreeMap;

use ecr_core::inventory::{DiscoverOptions, Inventory, InventoryFile};
use ecr_core::lifecycle::{ExpireOptions, KeptPreview, LifecyclePolicy, LifecyclePreviewOptions};
use ecr_core::time::Timestamp;
use ecr_core::{EcrClient, Error};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::conversions::{Json, from_py};
use crate::errors::{Failure, guard};
use crate::lifecycle::{evaluation_context, expire_options, images_arg, policy_text_arg, preview_arg, preview_options};
use crate::tasks::{Op, client_methods, now_arg};

/// An inventory from its JSON text or its dict, checked.
fn inventory_arg(inventory: &Bound<'_, PyAny>) -> Result<Inventory, Error> {
    if let Ok(text) = inventory.cast::<PyString>() {
        return Inventory::from_json(&text.to_cow().map_err(|e| Error::invalid("inventory", e.to_string()))?);
    }
    Inventory::from_value(from_py(inventory, "inventory")?)
}

/// A core value from a dict or list argument; a bad field is named by its path under `what`.
fn core_arg<T: serde::de::DeserializeOwned>(obj: &Bound<'_, PyAny>, what: &str) -> Result<T, Error> {
    ecr_core::types::from_json(from_py(obj, what)?, what)
}

/// Reads the files (`[{"kind": "kubernetes" | "file", "path": ...}]`: a `kubectl get ... -o json` snapshot,
/// or a JSON array of image URIs) offline into an inventory dict. A file that cannot be read is a failed
/// source; references by tag stay unresolved, so they make the inventory incomplete.
#[pyfunction]
pub(crate) fn inventory_from_files(py: Python<'_>, files: &Bound<'_, PyAny>) -> PyResult<Json> {
    guard(|| {
        let files: Vec<InventoryFile> = core_arg(files, "files").map_err(Failure::from)?;
        Ok(Json::of(
            py.detach(|| ecr_core::inventory::inventory_from_files(&files)),
        ))
    })
}

/// Checks a saved inventory (JSON text or dict: its `schema`, that `complete` agrees with its sources, every
/// digest) and returns it as a dict.
#[pyfunction]
pub(crate) fn read_inventory(inventory: &Bound<'_, PyAny>) -> PyResult<Json> {
    guard(|| Ok(Json::of(inventory_arg(inventory).map_err(Failure::from)?)))
}

/// One inventory of several (e.g. one per account, or a live one and a file): every use of every digest,
/// every source; incomplete when any is.
#[pyfunction]
pub(crate) fn merge_inventories(inventories: Vec<Bound<'_, PyAny>>) -> PyResult<Json> {
    guard(|| {
        let all = inventories
            .iter()
            .map(inventory_arg)
            .collect::<Result<Vec<_>, _>>()
            .map_err(Failure::from)?;
        Ok(Json::of(Inventory::default().merge(all)))
    })
}

/// Evaluates `policy` (a `LifecyclePolicy`, JSON text or a dict) over one repository's `images` (as for
/// `LifecyclePolicy.evaluate`) with everything in `inventory` protected, and within the repository what it
/// needs (index children, referrers): the `lifecycle_preview --inventory` document, the preview plus `inUse`
/// (per rule, the in-use images it would have acted on, and who uses them) and `inventoryComplete`.
#[pyfunction]
#[pyo3(signature = (policy, images, inventory, *, now=None, protected=Vec::new(), manifest_lists=None))]
pub(crate) fn preview_with_inventory(
    py: Python<'_>,
    policy: &Bound<'_, PyAny>,
    images: &Bound<'_, PyAny>,
    inventory: &Bound<'_, PyAny>,
    now: Option<&Bound<'_, PyAny>>,
    protected: Vec<String>,
    manifest_lists: Option<BTreeMap<String, Vec<String>>>,
) -> PyResult<Json> {
    guard(|| {
        let parsed = LifecyclePolicy::parse(&policy_text_arg(policy).map_err(Failure::from)?).map_err(Failure::from)?;
        let images = images_arg(images).map_err(Failure::from)?;
        let inventory = inventory_arg(inventory).map_err(Failure::from)?;
        let context = evaluation_context(now, protected, manifest_lists).map_err(Failure::from)?;
        Ok(Json::of(py.detach(|| {
            let (preview, in_use) = inventory.evaluate(&parsed.policy, &images, context);
            inventory.preview_document(&preview, &parsed.warnings, &in_use)
        })))
    })
}

async fn discover_op(client: EcrClient, options: DiscoverOptions) -> Result<Json, Failure> {
    Ok(Json::of(client.discover_inventory(&options).await?))
}

async fn preview_op(
    client: EcrClient,
    repository: String,
    options: LifecyclePreviewOptions,
    inventory: Inventory,
) -> Result<Json, Failure> {
    let (report, in_use) = client
        .lifecycle_preview_with_inventory(&repository, &options, &inventory)
        .await?;
    Ok(Json::of(inventory.preview_document(
        &report.preview,
        &report.warnings,
        &in_use,
    )))
}

struct Guarded {
    repository: String,
    preview: KeptPreview,
    options: ExpireOptions,
    inventory: Inventory,
    allow_incomplete: bool,
}

async fn expire_op(client: EcrClient, g: Guarded) -> Result<Json, Failure> {
    Ok(Json::of(
        client
            .expire_images_with_inventory(
                &g.repository,
                g.preview.preview(),
                &g.options,
                &g.inventory,
                g.allow_incomplete,
            )
            .await?,
    ))
}

async fn report_op(
    client: EcrClient,
    inventory: Inventory,
    now: Timestamp,
    concurrency: usize,
) -> Result<Json, Failure> {
    Ok(Json::of(
        client.registry_in_use_report(&inventory, now, concurrency).await?,
    ))
}

client_methods! {
    /// Builds the inventory of images in use: `options` (a `DiscoverOptions` dict: `roleArns`, `regions`,
    /// `services`, `taskDefinitionRevisions`, `stoppedTasks`, `serviceDeployments`, `files`, `concurrency`, `referrersApi`, `ociReferrers`, `registryUrl`,
    /// `fallbackTags`, `maxAttempts`; missing keys keep their defaults) says what to read. A source that cannot
    /// be read is listed with its error and makes the inventory incomplete; only bad options raise.
    #[pyo3(signature = (options=None))]
    fn discover_inventory(&self, py, options: Option<&Bound<'_, PyAny>>) -> Json {
        let options: DiscoverOptions = match options.filter(|o| !o.is_none()) {
            Some(o) => core_arg(o, "options").map_err(Failure::from)?,
            None => DiscoverOptions::default(),
        };
        Ok(Op::new(move |c| discover_op(c, options)))
    }

    /// `lifecycle_preview` of `repository` with every digest of `inventory` protected: the
    /// `lifecycle_preview --repository --inventory` document (`inUse`, `inventoryComplete`).
    #[pyo3(signature = (repository, inventory, *, policy=None, now=None, protected=Vec::new()))]
    fn lifecycle_preview_with_inventory(
        &self,
        py,
        repository: String,
        inventory: &Bound<'_, PyAny>,
        policy: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
        protected: Vec<String>,
    ) -> Json {
        let inventory = inventory_arg(inventory).map_err(Failure::from)?;
        let options = preview_options(policy, now, protected, false, 5.0, 300.0).map_err(Failure::from)?;
        Ok(Op::new(move |c| preview_op(c, repository, options, inventory)))
    }

    /// `expire_images` guarded by `inventory`: raises `RefusedError` before deleting anything when the
    /// inventory is incomplete (unless `allow_incomplete`) or when `preview` expires a digest in use.
    #[pyo3(signature = (repository, preview, inventory, *, dry_run=true, max_deletions=100, protected=Vec::new(),
        allow_incomplete=false))]
    #[allow(clippy::too_many_arguments)]
    fn expire_images_with_inventory(
        &self,
        py,
        repository: String,
        preview: &Bound<'_, PyAny>,
        inventory: &Bound<'_, PyAny>,
        dry_run: bool,
        max_deletions: usize,
        protected: Vec<String>,
        allow_incomplete: bool,
    ) -> Json {
        let guarded = Guarded {
            repository,
            preview: preview_arg(preview).map_err(Failure::from)?,
            options: expire_options(dry_run, max_deletions, protected),
            inventory: inventory_arg(inventory).map_err(Failure::from)?,
            allow_incomplete,
        };
        Ok(Op::new(move |c| expire_op(c, guarded)))
    }

    /// Every repository's lifecycle policy against `inventory` at `now` (default now): how many in-use images
    /// each policy would have expired or archived, and who uses them. At most `concurrency` repositories are
    /// read at once.
    #[pyo3(signature = (inventory, *, now=None, concurrency=8))]
    fn registry_in_use_report(
        &self,
        py,
        inventory: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
        concurrency: usize,
    ) -> Json {
        let inventory = inventory_arg(inventory).map_err(Failure::from)?;
        let now = now_arg(now).map_err(Failure::from)?;
        Ok(Op::new(move |c| report_op(c, inventory, now, concurrency)))
    }
}
