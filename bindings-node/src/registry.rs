//! The registry protocol (what `verifyPush` reads a config with): `RegistryClient` over the core's
//! `RegistryClient` (manifests, blobs, image config blobs; anonymous or HTTP Basic from
//! `RegistryCredentials`), every method a Promise; and `ImageConfig`, the parsed config blob the config
//! checks read. `ImageConfig` holds the image's environment, whose values may be secret: `toJSON()`,
//! `toString()` and `util.inspect` show only variable names; the explicit `env()` method reads the values.

use std::collections::BTreeMap;
use std::sync::Arc;

use ecr_core::verify::{ImageConfig as CoreImageConfig, RegistryAccess, RegistryAuth, RegistryClient as CoreClient};
use napi::Env;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

use crate::auth::RegistryCredentials;
use crate::conversions::json;
use crate::errors::{self, guard};

/// Options of `new RegistryClient(host, options, credentials)`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct RegistryClientOptions {
    /// Where to speak the registry protocol instead of `https://HOST` (e.g. `http://127.0.0.1:5000`).
    pub url: Option<String>,
}

/// A manifest read over the registry protocol.
#[napi(object)]
pub struct FetchedManifest {
    /// `sha256:<hex>` of the exact bytes served.
    pub digest: String,
    /// The exact bytes served (a `Buffer`).
    #[napi(ts_type = "Uint8Array")]
    pub bytes: Buffer,
}

/// A registry-protocol client bound to one registry and one set of credentials; every method returns a
/// Promise. `host` is the registry host (`<account>.dkr.ecr.<region>.amazonaws.com`); `options.url`
/// redirects the protocol; `credentials` (e.g. from `Authenticator.credentials(host)`) authenticate with
/// HTTP Basic, otherwise the client is anonymous. Nothing it shows holds the password.
#[napi(namespace = "verify")]
pub struct RegistryClient {
    inner: Arc<CoreClient>,
}

#[napi(namespace = "verify")]
impl RegistryClient {
    /// A client for `host` (or `options.url`).
    #[napi(constructor)]
    pub fn new(
        env: Env,
        host: String,
        options: Option<RegistryClientOptions>,
        credentials: Option<&RegistryCredentials>,
    ) -> Result<Self> {
        let access = RegistryAccess {
            url: options.unwrap_or_default().url,
            auth: credentials.map_or(RegistryAuth::Anonymous, |c| RegistryAuth::from(&c.inner)),
        };
        guard(&env, || {
            Ok(Self {
                inner: Arc::new(CoreClient::new(&host, &access)?),
            })
        })
    }

    /// The `host[:port]` this client talks to.
    #[napi(getter)]
    pub fn host(&self) -> String {
        self.inner.host().to_owned()
    }

    /// Fetches a manifest by tag or digest, accepting every manifest and index media type: `{ digest,
    /// bytes }` (`digest` is the sha256 of the exact bytes served).
    #[napi(ts_return_type = "Promise<FetchedManifest>")]
    pub fn fetch_manifest<'env>(
        &self,
        env: &'env Env,
        repository: String,
        reference: String,
    ) -> Result<PromiseRaw<'env, FetchedManifest>> {
        let c = self.inner.clone();
        errors::promise(env, async move {
            let m = c.fetch_manifest(&repository, &reference).await?;
            Ok(FetchedManifest {
                digest: m.digest,
                bytes: m.bytes.into(),
            })
        })
    }

    /// Fetches a blob by digest (the bytes are checked against the digest); resolves with a `Buffer`.
    #[napi(ts_return_type = "Promise<Uint8Array>")]
    pub fn fetch_blob<'env>(
        &self,
        env: &'env Env,
        repository: String,
        digest: String,
    ) -> Result<PromiseRaw<'env, Buffer>> {
        let c = self.inner.clone();
        errors::promise(env, async move { Ok(c.fetch_blob(&repository, &digest).await?.into()) })
    }

    /// Fetches and parses an image config blob.
    #[napi(ts_return_type = "Promise<ImageConfig>")]
    pub fn fetch_config<'env>(
        &self,
        env: &'env Env,
        repository: String,
        digest: String,
    ) -> Result<PromiseRaw<'env, ImageConfig>> {
        let c = self.inner.clone();
        errors::promise(env, async move {
            Ok(ImageConfig {
                inner: c.fetch_config(&repository, &digest).await?,
            })
        })
    }

    /// A description (host only).
    #[napi(js_name = "toString")]
    pub fn to_display(&self) -> String {
        format!("RegistryClient(host={})", self.inner.host())
    }
}

/// The parts of an image config blob the config checks read. Environment values may be secret:
/// `toJSON()`, `toString()` and `util.inspect` show only the variable names; `env()` is the explicit read.
#[napi(namespace = "verify")]
pub struct ImageConfig {
    pub(crate) inner: CoreImageConfig,
}

#[napi(namespace = "verify")]
impl ImageConfig {
    /// Parses a config blob (a string or bytes); throws `code: "InvalidArgument"` when it is not JSON.
    #[napi(factory, ts_args_type = "data: string | Uint8Array")]
    pub fn parse(env: Env, data: Either<String, Uint8Array>) -> Result<Self> {
        guard(&env, || {
            let inner = match &data {
                Either::A(s) => CoreImageConfig::parse(s.as_bytes())?,
                Either::B(b) => CoreImageConfig::parse(b)?,
            };
            Ok(Self { inner })
        })
    }

    /// The platform (`os/arch[/variant]`), when the config names one.
    #[napi(getter)]
    pub fn platform(&self) -> Option<String> {
        self.inner.platform.as_ref().map(ToString::to_string)
    }

    /// `config.User` (empty when unset: root).
    #[napi(getter)]
    pub fn user(&self) -> String {
        self.inner.user.clone()
    }

    /// `config.Labels`.
    #[napi(getter)]
    pub fn labels(&self) -> BTreeMap<String, String> {
        self.inner.labels.clone()
    }

    /// `config.Healthcheck.Test`, when set.
    #[napi(getter)]
    pub fn healthcheck(&self) -> Option<Vec<String>> {
        self.inner.healthcheck.clone()
    }

    /// The names of the environment variables (no values).
    #[napi(getter)]
    pub fn env_names(&self) -> Vec<String> {
        env_names(&self.inner)
    }

    /// `config.Env` as `NAME=value` strings: the explicit way to read values that may be secret (a method,
    /// not a getter, so that `util.inspect(config, { getters: true })` cannot show them).
    #[napi]
    pub fn env(&self) -> Vec<String> {
        self.inner.env.clone()
    }

    /// `{ platform, user, labels, healthcheck }` (never the environment; what `JSON.stringify` writes).
    #[napi(js_name = "toJSON", ts_return_type = "ImageConfigSummary")]
    pub fn to_json(&self, env: Env) -> Result<Value> {
        guard(&env, || json(&self.inner))
    }

    /// A description with the variable names only.
    #[napi(js_name = "toString")]
    pub fn to_display(&self) -> String {
        format!(
            "ImageConfig(platform={:?}, user={:?}, envNames={:?})",
            self.platform(),
            self.inner.user,
            env_names(&self.inner)
        )
    }
}

fn env_names(config: &CoreImageConfig) -> Vec<String> {
    config
        .env
        .iter()
        .map(|e| e.split('=').next().unwrap_or_default().to_owned())
        .collect()
}
