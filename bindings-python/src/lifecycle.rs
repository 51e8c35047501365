//! Lifecycle policies: `LifecyclePolicy` (validation with every error, lint warnings, offline evaluation),
//! `LifecycleImages` (images parsed once, evaluated many times), `LifecyclePreview`, `LifecycleReport`, and
//! the lifecycle methods of both clients (preview against a repository, put a validated policy, the deletion
//! executor).
//!
//! `LifecyclePreview.to_dict()` is exactly the JSON the `lifecycle_preview` program prints
//! (`Preview::to_document`); `LifecyclePolicy.validate(text)` is its `--validate-only` document.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};

use ecr_core::lifecycle::{
    EvaluationContext, ExpireOptions, KeptPreview, LifecyclePolicy, LifecyclePreviewOptions, LifecyclePreviewReport,
    Parsed, Preview, images_from_value, parse_images, validation_document,
};
use ecr_core::types::ImageDetail;
use ecr_core::{EcrClient, Error};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::conversions::{Json, from_py, to_py};
use crate::errors::{Failure, guard};
use crate::tasks::{Op, client_methods, now_arg};

mod dicts;
use dicts::preview_document;

/// A validated lifecycle policy and its lint warnings.
#[pyclass(name = "LifecyclePolicy", module = "ecr_core", frozen)]
#[derive(Clone)]
pub(crate) struct PyLifecyclePolicy {
    parsed: Parsed,
}

fn parse_text(text: &str) -> Result<PyLifecyclePolicy, Failure> {
    Ok(PyLifecyclePolicy {
        parsed: LifecyclePolicy::parse(text)?,
    })
}

/// Policy text from a `LifecyclePolicy`, JSON text, or a dict (serialised compactly).
pub(crate) fn policy_text_arg(policy: &Bound<'_, PyAny>) -> Result<String, Error> {
    if let Ok(p) = policy.cast::<PyLifecyclePolicy>() {
        return Ok(p.get().parsed.policy.to_json());
    }
    if let Ok(text) = policy.cast::<PyString>() {
        return Ok(text
            .to_cow()
            .map_err(|e| Error::invalid("policy", e.to_string()))?
            .into_owned());
    }
    Ok(from_py(policy, "policy")?.to_string())
}

#[pymethods]
impl PyLifecyclePolicy {
    /// Parses and validates policy text as PutLifecyclePolicy does; raises `PolicyValidationError` whose
    /// `.errors` lists every problem (`{"path": "rules[0].selection.countUnit", "message": ...}`).
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        guard(|| Ok(parse_text(text)?))
    }

    /// Validates a policy given as a dict (serialised compactly, then as `from_json`).
    #[staticmethod]
    fn from_dict(policy: &Bound<'_, PyAny>) -> PyResult<Self> {
        guard(|| {
            let value = from_py(policy, "policy").map_err(Failure::from)?;
            Ok(parse_text(&value.to_string())?)
        })
    }

    /// The `lifecycle_preview --validate-only` document: `{"errors": [{path, message}], "warnings": [...]}`
    /// (errors empty when valid). Never raises for an invalid policy.
    #[staticmethod]
    fn validate(text: &str) -> Json {
        Json::of(validation_document(&LifecyclePolicy::parse(text)))
    }

    /// Lint warnings: valid but probably not meant (`{"kind", "path", "message"}` dicts).
    #[getter]
    fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &self.parsed.warnings))
    }

    /// The policy as a dict (ECR's JSON shape).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &self.parsed.policy))
    }

    /// The policy as compact JSON text (what `put_lifecycle_policy` sends).
    fn to_json(&self) -> String {
        self.parsed.policy.to_json()
    }

    /// Evaluates the policy offline, as ECR would at `now`; returns a `LifecyclePreview`.
    ///
    /// `images`: a `LifecycleImages` (parsed once: the fast path for repeated evaluation), the
    /// describe-images JSON text (an array of `ImageDetail` or `{"imageDetails": [...]}`), or a list of
    /// `ImageDetail` dicts. `now`: RFC 3339 string or aware `datetime` (default now). `protected`: digests
    /// no rule may act on. `manifest_lists`: `{list_digest: [child digests]}` (children are not expired
    /// while their list is in the repository).
    #[pyo3(signature = (images, *, now=None, protected=Vec::new(), manifest_lists=None))]
    fn evaluate(
        &self,
        py: Python<'_>,
        images: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
        protected: Vec<String>,
        manifest_lists: Option<BTreeMap<String, Vec<String>>>,
    ) -> PyResult<PyLifecyclePreview> {
        guard(|| {
            let context = evaluation_context(now, protected, manifest_lists).map_err(Failure::from)?;
            let images = images_arg(images).map_err(Failure::from)?;
            let preview = py.detach(|| KeptPreview::evaluate(&self.parsed.policy, images, &context));
            Ok(PyLifecyclePreview {
                preview,
                warnings: self.parsed.warnings.clone(),
            })
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "LifecyclePolicy(rules={}, warnings={})",
            self.parsed.policy.rules.len(),
            self.parsed.warnings.len()
        )
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyLifecyclePolicy>()
            .is_ok_and(|o| o.get().parsed.policy == self.parsed.policy)
    }
}

/// The evaluation context of `evaluate`'s keyword arguments.
pub(crate) fn evaluation_context(
    now: Option<&Bound<'_, PyAny>>,
    protected: Vec<String>,
    manifest_lists: Option<BTreeMap<String, Vec<String>>>,
) -> Result<EvaluationContext, Error> {
    let mut context = EvaluationContext::new(now_arg(now)?).protect(protected);
    context.manifest_list_children = manifest_lists.unwrap_or_default();
    Ok(context)
}

/// Images from JSON text, a list of dicts, or `{"imageDetails": [...]}`.
pub(crate) fn images_arg(images: &Bound<'_, PyAny>) -> Result<Arc<Vec<ImageDetail>>, Error> {
    if let Ok(p) = images.cast::<PyLifecycleImages>() {
        return Ok(p.get().images.clone());
    }
    if let Ok(text) = images.cast::<PyString>() {
        return parse_images(&text.to_cow().map_err(|e| Error::invalid("images", e.to_string()))?).map(Arc::new);
    }
    images_from_value(from_py(images, "images")?).map(Arc::new)
}

/// A repository's images parsed once (from describe-images JSON text or a list of `ImageDetail` dicts), to
/// evaluate policies against without converting them again.
#[pyclass(name = "LifecycleImages", module = "ecr_core", frozen)]
pub(crate) struct PyLifecycleImages {
    images: Arc<Vec<ImageDetail>>,
}

#[pymethods]
impl PyLifecycleImages {
    /// Parses describe-images JSON text (an array of `ImageDetail` objects or `{"imageDetails": [...]}`;
    /// timestamps as epoch seconds or RFC 3339). The parsing runs without the GIL.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        guard(|| {
            let images = py.detach(|| parse_images(text)).map_err(Failure::from)?;
            Ok(Self {
                images: Arc::new(images),
            })
        })
    }

    /// Reads a list of `ImageDetail` dicts (or `{"imageDetails": [...]}`).
    #[staticmethod]
    fn from_list(images: &Bound<'_, PyAny>) -> PyResult<Self> {
        guard(|| {
            Ok(Self {
                images: Arc::new(
                    images_from_value(from_py(images, "images").map_err(Failure::from)?).map_err(Failure::from)?,
                ),
            })
        })
    }

    /// The images as `ImageDetail` dicts.
    fn to_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &*self.images))
    }

    fn __len__(&self) -> usize {
        self.images.len()
    }

    fn __repr__(&self) -> String {
        format!("LifecycleImages({} images)", self.images.len())
    }
}

/// The result of an offline evaluation, made once (kept with the images it was evaluated against) and only
/// read afterwards: `.to_dict()` is the `lifecycle_preview` program's JSON.
#[pyclass(name = "LifecyclePreview", module = "ecr_core", frozen)]
pub(crate) struct PyLifecyclePreview {
    preview: KeptPreview,
    warnings: Vec<ecr_core::lifecycle::Warning>,
}

#[pymethods]
impl PyLifecyclePreview {
    /// The `lifecycle_preview` program's JSON document: `previewResults` (ECR's shape), `summary`,
    /// `reclaimedBytes`, `protectedImages`, `blockedImages`, `collateralTags`, `followingSubject`, `warnings`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| preview_document(py, self.preview.preview(), &self.warnings))
    }

    /// The same document as compact JSON text (the `lifecycle_preview` program prints it indented).
    fn to_json(&self) -> String {
        self.preview.preview().to_document_string(&self.warnings)
    }

    /// A preview from a dict of the `to_dict()` shape (e.g. one saved earlier), for `expire_images`.
    #[staticmethod]
    fn from_dict(preview: &Bound<'_, PyAny>) -> PyResult<Self> {
        guard(|| {
            Ok(Self {
                preview: preview_from_dict(preview).map_err(Failure::from)?,
                warnings: Vec::new(),
            })
        })
    }

    /// The digests this preview expires (what `expire_images` deletes), in result order.
    #[getter]
    fn expiring_digests(&self) -> Vec<&str> {
        self.preview.preview().expiring_digests()
    }

    fn __repr__(&self) -> String {
        let preview = self.preview.preview();
        format!(
            "LifecyclePreview(results={}, expiring={})",
            preview.preview_results.len(),
            preview.summary.expiring_image_total_count
        )
    }
}

/// What `lifecycle_preview` found in a repository: the policy, every image, the offline preview, and the
/// comparison with ECR's own preview when asked for.
#[pyclass(name = "LifecycleReport", module = "ecr_core", frozen)]
pub(crate) struct PyLifecycleReport {
    report: LifecyclePreviewReport,
    /// `report.preview` as a handle, copied on the first read of `.preview` and shared by later reads.
    preview: OnceLock<KeptPreview>,
}

#[pymethods]
impl PyLifecycleReport {
    /// The repository.
    #[getter]
    fn repository(&self) -> String {
        self.report.repository.clone()
    }

    /// The evaluated policy.
    #[getter]
    fn policy(&self) -> PyLifecyclePolicy {
        PyLifecyclePolicy {
            parsed: Parsed {
                policy: self.report.policy.clone(),
                warnings: self.report.warnings.clone(),
            },
        }
    }

    /// The offline preview (`.to_dict()` = the `lifecycle_preview --repository` JSON).
    #[getter]
    fn preview(&self) -> PyLifecyclePreview {
        PyLifecyclePreview {
            preview: self.preview.get_or_init(|| self.report.preview.clone().into()).clone(),
            warnings: self.report.warnings.clone(),
        }
    }

    /// Every image read (all pages, every storage status), as `ImageDetail` dicts.
    #[getter]
    fn images<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &self.report.images))
    }

    /// The comparison with ECR's preview (`ecrResults`, `ecrSummary`, `onlyOffline`, `onlyEcr`,
    /// `mismatched`), or `None` when not asked for.
    #[getter]
    fn ecr_diff<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &self.report.ecr_diff))
    }

    /// The whole report as a dict (`repository`, `policy`, `warnings`, `images`, `preview`, `ecrDiff`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &self.report))
    }

    fn __repr__(&self) -> String {
        format!(
            "LifecycleReport(repository={:?}, images={}, expiring={})",
            self.report.repository,
            self.report.images.len(),
            self.report.preview.summary.expiring_image_total_count
        )
    }
}

/// A preview argument: a `LifecyclePreview` or a dict of its `to_dict()` shape.
pub(crate) fn preview_arg(preview: &Bound<'_, PyAny>) -> Result<KeptPreview, Error> {
    if let Ok(p) = preview.cast::<PyLifecyclePreview>() {
        return Ok(p.get().preview.clone());
    }
    preview_from_dict(preview)
}

/// A preview read back from a dict of `LifecyclePreview.to_dict()`'s shape.
fn preview_from_dict(preview: &Bound<'_, PyAny>) -> Result<KeptPreview, Error> {
    serde_json::from_value::<Preview<'static>>(from_py(preview, "preview")?)
        .map(KeptPreview::from)
        .map_err(|e| Error::invalid("preview", e.to_string()))
}

async fn get_policy_op(client: EcrClient, repository: String) -> Result<PyLifecyclePolicy, Failure> {
    Ok(PyLifecyclePolicy {
        parsed: client.get_lifecycle_policy(&repository).await?,
    })
}

async fn put_policy_op(client: EcrClient, repository: String, text: String) -> Result<Json, Failure> {
    Ok(Json::of(client.put_lifecycle_policy(&repository, &text).await?))
}

async fn all_images_op(client: EcrClient, repository: String) -> Result<Json, Failure> {
    Ok(Json::of(client.describe_images_all_statuses(&repository).await?))
}

async fn children_op(client: EcrClient, repository: String, images: Arc<Vec<ImageDetail>>) -> Result<Json, Failure> {
    Ok(Json::of(client.manifest_list_children(&repository, &images).await?))
}

struct EcrPreviewArgs {
    repository: String,
    policy: Option<String>,
    poll_interval: std::time::Duration,
    timeout: std::time::Duration,
}

async fn ecr_preview_op(client: EcrClient, a: EcrPreviewArgs) -> Result<Json, Failure> {
    Ok(Json::of(
        client
            .ecr_lifecycle_preview(&a.repository, a.policy.as_deref(), a.poll_interval, a.timeout)
            .await?,
    ))
}

async fn preview_op(
    client: EcrClient,
    repository: String,
    options: LifecyclePreviewOptions,
) -> Result<PyLifecycleReport, Failure> {
    Ok(PyLifecycleReport {
        report: client.lifecycle_preview(&repository, &options).await?,
        preview: OnceLock::new(),
    })
}

async fn expire_op(
    client: EcrClient,
    repository: String,
    preview: KeptPreview,
    options: ExpireOptions,
) -> Result<Json, Failure> {
    Ok(Json::of(
        client.expire_images(&repository, preview.preview(), &options).await?,
    ))
}

fn optional_policy_text(policy: Option<&Bound<'_, PyAny>>) -> Result<Option<String>, Error> {
    policy.filter(|p| !p.is_none()).map(policy_text_arg).transpose()
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn preview_options(
    policy: Option<&Bound<'_, PyAny>>,
    now: Option<&Bound<'_, PyAny>>,
    protected: Vec<String>,
    compare_with_ecr: bool,
    poll_interval: f64,
    ecr_timeout: f64,
) -> Result<LifecyclePreviewOptions, Error> {
    Ok(LifecyclePreviewOptions {
        policy_text: optional_policy_text(policy)?,
        now: Some(now_arg(now)?),
        protected: protected.into_iter().collect::<BTreeSet<_>>(),
        compare_with_ecr,
        poll_interval: ecr_core::time::seconds("poll_interval", poll_interval)?,
        ecr_timeout: ecr_core::time::seconds("ecr_timeout", ecr_timeout)?,
    })
}

pub(crate) fn expire_options(dry_run: bool, max_deletions: usize, protected: Vec<String>) -> ExpireOptions {
    ExpireOptions {
        dry_run,
        max_deletions,
        protected: protected.into_iter().collect(),
    }
}

client_methods! {
    /// The repository's lifecycle policy, validated (`LifecyclePolicyNotFoundError` when it has none).
    fn get_lifecycle_policy(&self, py, repository: String) -> PyLifecyclePolicy {
        Ok(Op::new(move |c| get_policy_op(c, repository)))
    }

    /// Validates `policy` (a `LifecyclePolicy`, JSON text or a dict) and only then puts it on the
    /// repository; returns its lint warnings. An invalid policy is never sent (`PolicyValidationError`).
    fn put_lifecycle_policy(&self, py, repository: String, policy: &Bound<'_, PyAny>) -> Json {
        let text = policy_text_arg(policy).map_err(Failure::from)?;
        Ok(Op::new(move |c| put_policy_op(c, repository, text)))
    }

    /// Every image of a repository in every storage status (ACTIVE, ARCHIVED, ACTIVATING), all pages.
    fn describe_images_all_statuses(&self, py, repository: String) -> Json {
        Ok(Op::new(move |c| all_images_op(c, repository)))
    }

    /// The children of every manifest list among `images` (as for `LifecyclePolicy.evaluate`), read from
    /// their manifests: `{list_digest: [child digests]}`.
    fn manifest_list_children(&self, py, repository: String, images: &Bound<'_, PyAny>) -> Json {
        let images = images_arg(images).map_err(Failure::from)?;
        Ok(Op::new(move |c| children_op(c, repository, images)))
    }

    /// Runs ECR's own lifecycle preview (of `policy`, or of the repository's policy), waits for it and reads
    /// every page: `{"previewResults": [...], "summary": {...}}`. Raises `OperationTimeoutError` after
    /// `timeout` seconds.
    #[pyo3(signature = (repository, *, policy=None, poll_interval=5.0, timeout=300.0))]
    fn ecr_lifecycle_preview(
        &self,
        py,
        repository: String,
        policy: Option<&Bound<'_, PyAny>>,
        poll_interval: f64,
        timeout: f64,
    ) -> Json {
        let args = EcrPreviewArgs {
            repository,
            policy: optional_policy_text(policy).map_err(Failure::from)?,
            poll_interval: ecr_core::time::seconds("poll_interval", poll_interval).map_err(Failure::from)?,
            timeout: ecr_core::time::seconds("timeout", timeout).map_err(Failure::from)?,
        };
        Ok(Op::new(move |c| ecr_preview_op(c, args)))
    }

    /// Reads the repository's policy (or evaluates `policy`) and every image (manifest-list children
    /// included), evaluates offline at `now`, and with `compare_with_ecr` also runs ECR's preview and
    /// reports the differences. Returns a `LifecycleReport`; `.preview.to_dict()` is the
    /// `lifecycle_preview --repository` JSON.
    #[pyo3(signature = (repository, *, policy=None, now=None, protected=Vec::new(), compare_with_ecr=false,
        poll_interval=5.0, ecr_timeout=300.0))]
    #[allow(clippy::too_many_arguments)]
    fn lifecycle_preview(
        &self,
        py,
        repository: String,
        policy: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
        protected: Vec<String>,
        compare_with_ecr: bool,
        poll_interval: f64,
        ecr_timeout: f64,
    ) -> PyLifecycleReport {
        let options = preview_options(policy, now, protected, compare_with_ecr, poll_interval, ecr_timeout)
            .map_err(Failure::from)?;
        Ok(Op::new(move |c| preview_op(c, repository, options)))
    }

    /// Deletes exactly the images `preview` expires (a `LifecyclePreview` or its dict). Dry run unless
    /// `dry_run=False`; raises `RefusedError` before deleting anything when a digest is protected (by
    /// `protected` or the preview) or more than `max_deletions` would go. Returns the per-image report
    /// (`dryRun`, `requested`, `deleted`, `failures`, `batches`).
    #[pyo3(signature = (repository, preview, *, dry_run=true, max_deletions=100, protected=Vec::new()))]
    fn expire_images(
        &self,
        py,
        repository: String,
        preview: &Bound<'_, PyAny>,
        dry_run: bool,
        max_deletions: usize,
        protected: Vec<String>,
    ) -> Json {
        let preview = preview_arg(preview).map_err(Failure::from)?;
        let options = expire_options(dry_run, max_deletions, protected);
        Ok(Op::new(move |c| expire_op(c, repository, preview, options)))
    }
}
