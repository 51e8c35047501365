//! Lifecycle policies: `LifecyclePolicy` (validation with every error, lint warnings, offline evaluation to a
//! plain object equal to the `lifecycle_preview` program's JSON), `LifecycleImages` (images parsed once,
//! evaluated many times), and the lifecycle methods of `EcrClient`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use ecr_core::Error as CoreError;
use ecr_core::lifecycle::{
    EvaluationContext, ExpireOptions, KeptPreview, LifecyclePolicy as CorePolicy,
    LifecyclePreviewOptions as CoreOptions, Parsed, Preview, parse_images, validation_document,
};
use ecr_core::types::ImageDetail;
use napi::bindgen_prelude::*;
use napi::{Env, JsString};
use napi_derive::napi;
use serde_json::Value;

use crate::client::EcrClient;
use crate::conversions::{js_text, json, parse_json_text, plain_object, text_lines};
use crate::errors::{Failure, guard};
use crate::tasks::{self, Hook, json_text_arg, now_arg};
use ecr_core::time::seconds;

/// A validated lifecycle policy and its lint warnings.
#[napi(namespace = "lifecycle")]
pub struct LifecyclePolicy {
    parsed: Parsed,
}

/// Options of `LifecyclePolicy.evaluate`.
#[napi(object)]
#[derive(Default)]
pub struct EvaluateOptions<'a> {
    /// The evaluation instant (RFC 3339 string or `Date`; default now).
    pub now: Option<Either<String, Date<'a>>>,
    /// Digests no rule may act on (images in use).
    pub protected: Option<Vec<String>>,
    /// Manifest lists and the digests they reference (`{ listDigest: [childDigest, ...] }`): children are
    /// not expired while their list is in the repository.
    pub manifest_lists: Option<BTreeMap<String, Vec<String>>>,
}

/// Images from describe-images JSON text, an array of `ImageDetail` objects or `{ imageDetails: [...] }`.
fn images_arg(env: &Env, value: Unknown<'_>) -> std::result::Result<Vec<ImageDetail>, Failure> {
    Ok(parse_images(&json_text_arg(env, value, "images")?)?)
}

/// Policy text from a `LifecyclePolicy`, JSON text or a plain object (serialised compactly).
pub(crate) fn policy_text_arg(
    env: &Env,
    policy: Either<&LifecyclePolicy, Unknown<'_>>,
) -> std::result::Result<String, Failure> {
    match policy {
        Either::A(p) => Ok(p.parsed.policy.to_json()),
        Either::B(value) => json_text_arg(env, value, "policy"),
    }
}

#[napi(namespace = "lifecycle")]
impl LifecyclePolicy {
    /// Parses and validates policy text as PutLifecyclePolicy does; throws `code: "PolicyValidation"` with
    /// `errors: [{ path, message }]` listing every problem.
    #[napi(factory)]
    pub fn from_json(env: &Env, text: String) -> Result<Self> {
        guard(env, || {
            Ok(Self {
                parsed: CorePolicy::parse(&text)?,
            })
        })
    }

    /// Validates a policy given as a plain object (serialised compactly, then as `fromJson`).
    #[napi(factory, ts_args_type = "policy: Record<string, unknown>")]
    pub fn from_object(env: &Env, policy: Value) -> Result<Self> {
        guard(env, || {
            Ok(Self {
                parsed: CorePolicy::parse(&policy.to_string())?,
            })
        })
    }

    /// The `lifecycle_preview --validate-only` document: `{ errors: [{ path, message }], warnings }` (errors
    /// empty when valid). Never throws for an invalid policy.
    #[napi(ts_return_type = "LifecycleValidation")]
    pub fn validate(text: String) -> Value {
        validation_document(&CorePolicy::parse(&text))
    }

    /// Lint warnings: valid but probably not meant (`{ kind, path, message }`).
    #[napi(getter, ts_return_type = "LifecyclePolicyWarning[]")]
    pub fn warnings(&self, env: &Env) -> Result<Value> {
        guard(env, || json(&self.parsed.warnings))
    }

    /// The policy as a plain object (ECR's JSON shape; also what `JSON.stringify` writes).
    #[napi(js_name = "toJSON", ts_return_type = "Record<string, any>")]
    pub fn to_json(&self, env: &Env) -> Result<Value> {
        guard(env, || json(&self.parsed.policy))
    }

    /// The policy as compact JSON text (what `putLifecyclePolicy` sends).
    #[napi]
    pub fn to_text(&self) -> String {
        self.parsed.policy.to_json()
    }

    /// Evaluates the policy offline, as ECR would at `now`, and returns the `lifecycle_preview` program's JSON
    /// (`previewResults`, `summary`, `reclaimedBytes`, `protectedImages`, `blockedImages`, `collateralTags`,
    /// `followingSubject`, `warnings`). `images`: a `LifecycleImages` (parsed once: the fast path), the
    /// describe-images JSON text, or an array of `ImageDetail` objects.
    #[napi(
        ts_args_type = "images: lifecycle.LifecycleImages | string | ImageDetail[] | { imageDetails: ImageDetail[] }, options?: EvaluateOptions | null",
        ts_return_type = "LifecyclePreview"
    )]
    pub fn evaluate<'env>(
        &self,
        env: &'env Env,
        images: Either<&LifecycleImages, Unknown<'_>>,
        options: Option<EvaluateOptions<'_>>,
    ) -> Result<Unknown<'env>> {
        let (images, context) = guard(env, || self.inputs(env, images, options))?;
        let text = guard(env, || {
            Ok(self
                .parsed
                .policy
                .evaluate(&images, &context)
                .to_document_string(&self.parsed.warnings))
        })?;
        parse_json_text(env, text)
    }

    /// As `evaluate`, but keeps the result on the Rust side (`LifecyclePreviewResult`): the fast path when
    /// only the summary, the expiring digests or the document's text are needed.
    #[napi(
        ts_args_type = "images: lifecycle.LifecycleImages | string | ImageDetail[] | { imageDetails: ImageDetail[] }, options?: EvaluateOptions | null"
    )]
    pub fn evaluate_preview(
        &self,
        env: &Env,
        images: Either<&LifecycleImages, Unknown<'_>>,
        options: Option<EvaluateOptions<'_>>,
    ) -> Result<LifecyclePreviewResult> {
        guard(env, || {
            Ok(LifecyclePreviewResult {
                preview: {
                    let (images, context) = self.inputs(env, images, options)?;
                    KeptPreview::evaluate(&self.parsed.policy, images, &context)
                },
                warnings: self.parsed.warnings.clone(),
            })
        })
    }
}

impl LifecyclePolicy {
    /// The images (shared with a `LifecycleImages`, or read from the argument) and the evaluation context.
    fn inputs(
        &self,
        env: &Env,
        images: Either<&LifecycleImages, Unknown<'_>>,
        options: Option<EvaluateOptions<'_>>,
    ) -> std::result::Result<(Arc<Vec<ImageDetail>>, EvaluationContext), Failure> {
        Ok((shared_images(env, images)?, evaluation_context(options)?))
    }
}

/// The evaluation context of `EvaluateOptions`.
pub(crate) fn evaluation_context(
    options: Option<EvaluateOptions<'_>>,
) -> std::result::Result<EvaluationContext, Failure> {
    let o = options.unwrap_or_default();
    let mut context = EvaluationContext::new(now_arg(o.now)?).protect(o.protected.unwrap_or_default());
    context.manifest_list_children = o.manifest_lists.unwrap_or_default();
    Ok(context)
}

/// The images of a `LifecycleImages` (shared, not copied) or read from the argument.
pub(crate) fn shared_images(
    env: &Env,
    images: Either<&LifecycleImages, Unknown<'_>>,
) -> std::result::Result<Arc<Vec<ImageDetail>>, Failure> {
    Ok(match images {
        Either::A(parsed) => parsed.images.clone(),
        Either::B(value) => Arc::new(images_arg(env, value)?),
    })
}

/// An offline evaluation kept on the Rust side (with the images it was evaluated against), made once and only
/// read afterwards: read its `summary`, `expiringDigests` or `toText()` without converting every result into
/// JS objects; `toJSON()` is the `lifecycle_preview` program's JSON (what `evaluate` returns).
#[napi(namespace = "lifecycle")]
pub struct LifecyclePreviewResult {
    preview: KeptPreview,
    warnings: Vec<ecr_core::lifecycle::Warning>,
}

#[napi(namespace = "lifecycle")]
impl LifecyclePreviewResult {
    /// ECR's summary (`{ expiringImageTotalCount, transitioningImageTotalCounts? }`).
    #[napi(getter, ts_return_type = "LifecyclePreview['summary']")]
    pub fn summary(&self, env: &Env) -> Result<Value> {
        guard(env, || json(&self.preview.preview().summary))
    }

    /// The digests this preview expires (what `expireImages` deletes), in result order.
    #[napi(getter, ts_return_type = "Array<string>")]
    pub fn expiring_digests<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        text_lines(env, &self.preview.preview().expiring_digests())
    }

    /// The `lifecycle_preview` program's JSON (also what `JSON.stringify` writes).
    #[napi(js_name = "toJSON", ts_return_type = "LifecyclePreview")]
    pub fn to_json<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        parse_json_text(env, self.text())
    }

    /// The same document as compact JSON text, without building it as objects.
    #[napi]
    pub fn to_text<'env>(&self, env: &'env Env) -> Result<JsString<'env>> {
        js_text(env, self.text())
    }
}

impl LifecyclePreviewResult {
    fn text(&self) -> String {
        self.preview.preview().to_document_string(&self.warnings)
    }
}

/// A repository's images parsed once (from describe-images JSON text or `ImageDetail` objects), to evaluate
/// policies against without converting them again.
#[napi(namespace = "lifecycle")]
pub struct LifecycleImages {
    images: Arc<Vec<ImageDetail>>,
}

#[napi(namespace = "lifecycle")]
impl LifecycleImages {
    /// Parses describe-images JSON text (an array of `ImageDetail` objects or `{ imageDetails: [...] }`;
    /// timestamps as epoch seconds or RFC 3339).
    #[napi(factory)]
    pub fn from_json(env: &Env, text: String) -> Result<Self> {
        guard(env, || {
            Ok(Self {
                images: Arc::new(parse_images(&text)?),
            })
        })
    }

    /// Reads an array of `ImageDetail` objects.
    #[napi(factory, ts_args_type = "images: ImageDetail[] | { imageDetails: ImageDetail[] }")]
    pub fn from_array(env: &Env, images: Unknown<'_>) -> Result<Self> {
        guard(env, || {
            Ok(Self {
                images: Arc::new(images_arg(env, images)?),
            })
        })
    }

    /// How many images.
    #[napi(getter)]
    pub fn length(&self) -> u32 {
        u32::try_from(self.images.len()).unwrap_or(u32::MAX)
    }

    /// The images as `ImageDetail` objects (also what `JSON.stringify` writes).
    #[napi(js_name = "toJSON", ts_return_type = "ImageDetail[]")]
    pub fn to_json<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        plain_object(env, &*self.images)
    }
}

/// Options of `EcrClient.lifecyclePreview`.
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct LifecyclePreviewOptions<'a> {
    /// Evaluate this policy (text or object) instead of the repository's.
    #[napi(ts_type = "lifecycle.LifecyclePolicy | string | Record<string, unknown>")]
    pub policy: Option<Either<ClassInstance<'a, LifecyclePolicy>, Unknown<'a>>>,
    /// The evaluation instant (RFC 3339 string or `Date`; default now).
    pub now: Option<Either<String, Date<'a>>>,
    /// Digests no rule may act on.
    pub protected: Option<Vec<String>>,
    /// Also run ECR's own preview and report the differences (`ecrDiff`).
    pub compare_with_ecr: Option<bool>,
    /// Seconds between GetLifecyclePolicyPreview polls (default 5).
    pub poll_interval: Option<f64>,
    /// Seconds to wait for ECR's preview (default 300).
    pub ecr_timeout: Option<f64>,
}

/// Options of `EcrClient.ecrLifecyclePreview`.
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct EcrLifecyclePreviewOptions<'a> {
    /// Preview this policy (text or object) instead of the repository's.
    #[napi(ts_type = "lifecycle.LifecyclePolicy | string | Record<string, unknown>")]
    pub policy: Option<Either<ClassInstance<'a, LifecyclePolicy>, Unknown<'a>>>,
    /// Seconds between polls (default 5).
    pub poll_interval: Option<f64>,
    /// Seconds to wait (default 300); past it the Promise rejects with `code: "Timeout"`.
    pub timeout: Option<f64>,
}

/// Options of `EcrClient.expireImages`.
#[napi(object)]
#[derive(Default)]
pub struct ExpireImagesOptions {
    /// Report what would be deleted without deleting (default `true`).
    pub dry_run: Option<bool>,
    /// Refuse when the preview expires more images than this (default 100).
    pub max_deletions: Option<u32>,
    /// Digests that must never be deleted (besides the preview's protected / blocked images).
    pub protected: Option<Vec<String>>,
}

fn optional_policy_text(
    env: &Env,
    policy: Option<Either<ClassInstance<'_, LifecyclePolicy>, Unknown<'_>>>,
) -> std::result::Result<Option<String>, Failure> {
    match policy {
        None => Ok(None),
        Some(Either::A(p)) => Ok(Some(p.parsed.policy.to_json())),
        Some(Either::B(value)) => policy_text_arg(env, Either::B(value)).map(Some),
    }
}

/// The core's preview options from `EcrClient.lifecyclePreview`'s.
pub(crate) fn core_preview_options(
    env: &Env,
    options: Option<LifecyclePreviewOptions<'_>>,
) -> std::result::Result<CoreOptions, Failure> {
    let o = options.unwrap_or_default();
    Ok(CoreOptions {
        policy_text: optional_policy_text(env, o.policy)?,
        now: Some(now_arg(o.now)?),
        protected: o.protected.unwrap_or_default().into_iter().collect::<BTreeSet<_>>(),
        compare_with_ecr: o.compare_with_ecr.unwrap_or(false),
        poll_interval: seconds("pollInterval", o.poll_interval.unwrap_or(5.0))?,
        ecr_timeout: seconds("ecrTimeout", o.ecr_timeout.unwrap_or(300.0))?,
    })
}

/// A preview (the `lifecycle_preview` document) read back for a deletion.
pub(crate) fn preview_arg(preview: Value) -> std::result::Result<Preview<'static>, Failure> {
    serde_json::from_value(preview).map_err(|e| Failure::Core(CoreError::invalid("preview", e.to_string())))
}

/// The core's deletion options from `EcrClient.expireImages`'.
pub(crate) fn expire_options(o: ExpireImagesOptions) -> ExpireOptions {
    ExpireOptions {
        dry_run: o.dry_run.unwrap_or(true),
        max_deletions: o.max_deletions.map_or(100, |n| n as usize),
        protected: o.protected.unwrap_or_default().into_iter().collect(),
    }
}

#[napi]
impl EcrClient {
    /// The repository's lifecycle policy, validated (rejects with `code: "LifecyclePolicyNotFound"` when it
    /// has none).
    #[napi(ts_return_type = "Promise<lifecycle.LifecyclePolicy>")]
    pub fn get_lifecycle_policy<'env>(
        &self,
        env: &'env Env,
        repository: String,
    ) -> Result<PromiseRaw<'env, LifecyclePolicy>> {
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            Ok(LifecyclePolicy {
                parsed: c.get_lifecycle_policy(&repository).await?,
            })
        })
    }

    /// Validates `policy` (a `LifecyclePolicy`, JSON text or a plain object) and only then puts it on the
    /// repository; resolves with its lint warnings. An invalid policy is never sent (`PolicyValidation`).
    #[napi(
        ts_args_type = "repository: string, policy: lifecycle.LifecyclePolicy | string | Record<string, unknown>",
        ts_return_type = "Promise<LifecyclePolicyWarning[]>"
    )]
    pub fn put_lifecycle_policy<'env>(
        &self,
        env: &'env Env,
        repository: String,
        policy: Either<&LifecyclePolicy, Unknown<'_>>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let text = guard(env, || policy_text_arg(env, policy))?;
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            json(&c.put_lifecycle_policy(&repository, &text).await?)
        })
    }

    /// Every image of a repository in every storage status (ACTIVE, ARCHIVED, ACTIVATING), all pages.
    #[napi(ts_return_type = "Promise<ImageDetail[]>")]
    pub fn describe_images_all_statuses<'env>(
        &self,
        env: &'env Env,
        repository: String,
    ) -> Result<PromiseRaw<'env, Value>> {
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            json(&c.describe_images_all_statuses(&repository).await?)
        })
    }

    /// The children of every manifest list among `images`, read from their manifests:
    /// `{ listDigest: [childDigest, ...] }`.
    #[napi(
        ts_args_type = "repository: string, images: lifecycle.LifecycleImages | string | ImageDetail[]",
        ts_return_type = "Promise<Record<string, string[]>>"
    )]
    pub fn manifest_list_children<'env>(
        &self,
        env: &'env Env,
        repository: String,
        images: Either<&LifecycleImages, Unknown<'_>>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let images = guard(env, || shared_images(env, images))?;
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            json(&c.manifest_list_children(&repository, &images).await?)
        })
    }

    /// Runs ECR's own lifecycle preview (of `options.policy`, or of the repository's policy), waits for it and
    /// reads every page: `{ previewResults, summary }`.
    #[napi(ts_return_type = "Promise<EcrLifecyclePreview>")]
    pub fn ecr_lifecycle_preview<'env>(
        &self,
        env: &'env Env,
        repository: String,
        options: Option<EcrLifecyclePreviewOptions<'_>>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let o = options.unwrap_or_default();
        let (policy, poll, timeout) = guard(env, || {
            Ok((
                optional_policy_text(env, o.policy)?,
                seconds("pollInterval", o.poll_interval.unwrap_or(5.0))?,
                seconds("timeout", o.timeout.unwrap_or(300.0))?,
            ))
        })?;
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            json(
                &c.ecr_lifecycle_preview(&repository, policy.as_deref(), poll, timeout)
                    .await?,
            )
        })
    }

    /// Reads the repository's policy (or evaluates `options.policy`) and every image (manifest-list children
    /// included), evaluates offline, and with `compareWithEcr` also runs ECR's preview. Resolves with
    /// `{ repository, policy, warnings, images, preview, ecrDiff? }` where `preview` is the
    /// `lifecycle_preview --repository` JSON.
    #[napi(ts_return_type = "Promise<LifecycleReport>")]
    pub fn lifecycle_preview<'env>(
        &self,
        env: &'env Env,
        repository: String,
        options: Option<LifecyclePreviewOptions<'_>>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let options = guard(env, || core_preview_options(env, options))?;
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            let report = c.lifecycle_preview(&repository, &options).await?;
            let mut doc = json(&report)?;
            if let Value::Object(map) = &mut doc {
                map.insert("preview".into(), report.preview.to_document(&report.warnings));
            }
            Ok(doc)
        })
    }

    /// Deletes exactly the images `preview` (a `lifecyclePreview().preview` or `evaluate()` result) expires.
    /// Dry run unless `dryRun: false`; rejects with `code: "Refused"` before deleting anything when a digest is
    /// protected or more than `maxDeletions` would go. Resolves with the per-image report.
    #[napi(
        ts_args_type = "repository: string, preview: LifecyclePreviewResults, options?: ExpireImagesOptions | null",
        ts_return_type = "Promise<ExpireReport>"
    )]
    pub fn expire_images<'env>(
        &self,
        env: &'env Env,
        repository: String,
        preview: Value,
        options: Option<ExpireImagesOptions>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let preview = guard(env, || preview_arg(preview))?;
        let options = expire_options(options.unwrap_or_default());
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            json(&c.expire_images(&repository, &preview, &options).await?)
        })
    }
}
