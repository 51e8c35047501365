//! Running core futures from the capability wrappers (auth, tagging, verify): the lazily built core client
//! of an `EcrClient`, and Promises of any napi value (plain objects or classes such as
//! `RegistryCredentials`).

use std::future::Future;
use std::sync::Arc;

use ecr_core::EcrClient as CoreClient;
use napi::Env;
use napi::bindgen_prelude::*;
use tokio::sync::OnceCell;

use crate::client::{EcrClient, EcrClientOptions};
use crate::errors::{self, Failure};

/// What builds the core client of an `EcrClient` on first use (shared with its own methods).
#[derive(Clone)]
pub(crate) struct LazyCore {
    options: EcrClientOptions,
    cell: Arc<OnceCell<CoreClient>>,
}

impl LazyCore {
    /// The lazy core client of `client`.
    pub(crate) fn of(client: &EcrClient) -> Self {
        Self {
            options: client.options.clone(),
            cell: client.cell.clone(),
        }
    }

    /// The core client, built (AWS configuration loaded) on the first call.
    pub(crate) async fn get(self) -> std::result::Result<CoreClient, Failure> {
        let o = self.options;
        Ok(self
            .cell
            .get_or_try_init(|| async move {
                let tuning = crate::conversions::client_tuning(&o)?;
                let builder = CoreClient::builder().tuning(&tuning, "options")?;
                let builder = crate::conversions::client_credentials(&o, builder)?;
                builder.options(o.region, o.profile, o.endpoint_url).build().await
            })
            .await?
            .clone())
    }
}

/// Starts `op` over `client`'s core client; its result resolves the returned Promise.
pub(crate) fn start<'env, T, F>(
    env: &'env Env,
    client: &EcrClient,
    op: impl FnOnce(CoreClient) -> F + Send + 'static,
) -> napi::Result<PromiseRaw<'env, T>>
where
    T: ToNapiValue + Send + 'static,
    F: Future<Output = std::result::Result<T, Failure>> + Send + 'static,
{
    let lazy = LazyCore::of(client);
    errors::promise(env, async move { op(lazy.get().await?).await })
}
