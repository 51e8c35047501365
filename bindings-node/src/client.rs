//! `EcrClient`: the Promise-based ECR client over [`ecr_core::EcrClient`].
//!
//! The AWS configuration is loaded on the first call (construction is synchronous in JS and must not
//! block the event loop), then shared by every call. Each method converts its arguments
//! ([`crate::conversions`]), starts an operation future on napi's tokio runtime ([`errors::promise`]) and
//! resolves with plain objects in ECR's camelCase JSON shape.
//!
//! Adding a capability method is mechanical: an `ops` function (owned arguments in, `Result<Value,
//! Failure>` out), one `#[napi]` method of `impl EcrClient` calling `tasks::start(&self.lazy, env, Hook::default(), ...)` with a `ts_return_type`, and the
//! result's shape, generated into `types-header.d.ts` by `scripts/gen-types` when it is new.

use ecr_core::EcrClient as CoreClient;
use napi::Env;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

use crate::conversions;
use crate::errors::guard;
use crate::options::EcrClientOptions;
use crate::tasks::{self, Hook, LazyCore};

/// The client operations as `'static` futures over owned arguments.
mod ops {
    use ecr_core::EcrClient as CoreClient;
    use ecr_core::types::{ImageId, RepositorySettings};
    use serde_json::Value;

    use crate::conversions::json;
    use crate::errors::Failure;

    pub(super) async fn describe_repository(client: CoreClient, name: String) -> Result<Value, Failure> {
        json(&client.describe_repository(&name).await?)
    }

    pub(super) async fn create_repository(
        client: CoreClient,
        name: String,
        settings: RepositorySettings,
    ) -> Result<Value, Failure> {
        json(&client.create_repository(&name, &settings).await?)
    }

    pub(super) async fn list_repositories(client: CoreClient) -> Result<Value, Failure> {
        json(&client.list_repositories().await?)
    }

    pub(super) async fn describe_images(
        client: CoreClient,
        repository: String,
        ids: Vec<ImageId>,
    ) -> Result<Value, Failure> {
        json(&client.describe_images(&repository, &ids).await?)
    }

    /// The arguments of `putImage`.
    pub(super) struct PutImage {
        pub(super) repository: String,
        pub(super) manifest: String,
        pub(super) media_type: Option<String>,
        pub(super) tag: Option<String>,
        pub(super) digest: Option<String>,
    }

    pub(super) async fn put_image(client: CoreClient, a: PutImage) -> Result<Value, Failure> {
        let id = client
            .put_image(
                &a.repository,
                &a.manifest,
                a.media_type.as_deref(),
                a.tag.as_deref(),
                a.digest.as_deref(),
            )
            .await?;
        json(&id)
    }
}

/// Options of `EcrClient.putImage`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct PutImageOptions {
    /// The manifest media type (otherwise read from the manifest's `mediaType`).
    pub media_type: Option<String>,
    /// The tag to put the image under.
    pub tag: Option<String>,
    /// The expected digest; ECR checks it against the manifest bytes.
    pub digest: Option<String>,
}

/// An ECR client whose methods return Promises of plain objects (ECR's camelCase JSON shape).
///
/// Rejections are `Error`s with a stable `code` (e.g. `"RepositoryNotFound"`), `message` and `requestId`.
/// The AWS configuration is loaded on the first call; configuration errors (`code: "NoRegion"`) reject it.
#[napi]
pub struct EcrClient {
    pub(crate) lazy: LazyCore,
}

#[napi]
impl EcrClient {
    /// Creates a client; `options` override the AWS configuration chain. Retry and timeout options are
    /// checked here (a bad one throws `code: "InvalidArgument"`); the AWS configuration is loaded on the
    /// first call.
    #[napi(constructor)]
    pub fn new(env: Env, options: Option<EcrClientOptions>) -> Result<Self> {
        let options = options.unwrap_or_default();
        guard(&env, || {
            options.tuning()?;
            options.credentials(CoreClient::builder())?;
            Ok(Self {
                lazy: LazyCore::new(options),
            })
        })
    }

    /// The region given in the options (`null` when it comes from the AWS configuration chain).
    #[napi(getter)]
    pub fn region(&self) -> Option<String> {
        self.lazy.options().region.clone()
    }

    /// The endpoint given in the options (`null` when it comes from the AWS configuration chain).
    #[napi(getter)]
    pub fn endpoint_url(&self) -> Option<String> {
        self.lazy.options().endpoint_url.clone()
    }

    /// Describes one repository; rejects with `code: "RepositoryNotFound"` when it does not exist.
    #[napi(ts_return_type = "Promise<Repository>")]
    pub fn describe_repository<'env>(&self, env: &'env Env, name: String) -> Result<PromiseRaw<'env, Value>> {
        tasks::start(&self.lazy, env, Hook::default(), move |c| {
            ops::describe_repository(c, name)
        })
    }

    /// Creates a repository and resolves with it. `settings` (`RepositorySettings` shape) override the
    /// recommended values (immutable tags, scan on push, AES256); unknown keys reject with
    /// `code: "InvalidArgument"`.
    #[napi(
        ts_args_type = "name: string, settings?: RepositorySettings | null",
        ts_return_type = "Promise<Repository>"
    )]
    pub fn create_repository<'env>(
        &self,
        env: &'env Env,
        name: String,
        settings: Option<Value>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let settings = guard(env, || Ok(conversions::repository_settings(settings)?))?;
        tasks::start(&self.lazy, env, Hook::default(), move |c| {
            ops::create_repository(c, name, settings)
        })
    }

    /// Every repository of the registry (all pages).
    #[napi(ts_return_type = "Promise<Repository[]>")]
    pub fn list_repositories<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, Value>> {
        tasks::start(&self.lazy, env, Hook::default(), ops::list_repositories)
    }

    /// Every image of a repository (all pages), or only those named by `imageIds` (items:
    /// `{ imageDigest }` / `{ imageTag }` objects, or strings: `sha256:...` is a digest, anything else a tag).
    #[napi(
        ts_args_type = "repository: string, imageIds?: Array<ImageId | string> | null",
        ts_return_type = "Promise<ImageDetail[]>"
    )]
    pub fn describe_images<'env>(
        &self,
        env: &'env Env,
        repository: String,
        image_ids: Option<Value>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let ids = guard(env, || Ok(conversions::image_ids(image_ids)?))?;
        tasks::start(&self.lazy, env, Hook::default(), move |c| {
            ops::describe_images(c, repository, ids)
        })
    }

    /// Puts an image manifest, optionally under a tag; resolves with the stored image's id.
    #[napi(ts_return_type = "Promise<ImageId>")]
    pub fn put_image<'env>(
        &self,
        env: &'env Env,
        repository: String,
        manifest: String,
        options: Option<PutImageOptions>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let o = options.unwrap_or_default();
        let args = ops::PutImage {
            repository,
            manifest,
            media_type: o.media_type,
            tag: o.tag,
            digest: o.digest,
        };
        tasks::start(&self.lazy, env, Hook::default(), move |c| ops::put_image(c, args))
    }
}
