//! The one way client operations run: [`start`] over the lazily built core client ([`LazyCore`]) of an
//! `EcrClient`, resolving with any JS value (a plain object, or a class such as `ScanDecision`), with an
//! optional JS callback ([`Hook`]) whose exception aborts the operation; plus the argument conversions the
//! scan and lifecycle methods share.

use std::future::Future;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ecr_core::EcrClient as CoreClient;
use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Env, Status, ValueType};
use serde_json::Value;
use tokio::sync::{Notify, OnceCell};

use crate::errors::{self, Failure, to_js_error};
use crate::options::EcrClientOptions;

/// A JS callback taking one plain object (its return value is ignored; a thrown error is kept).
pub type Callback = ThreadsafeFunction<Value, Unknown<'static>, Value, Status, false>;

/// A JS callback called from Rust during an operation. The operation waits until the callback returns; the
/// first error it throws is kept, the operation is aborted at its next await point and its Promise rejects
/// with that error (the thrown object itself).
#[derive(Clone, Default)]
pub(crate) struct Hook {
    callback: Option<Arc<Callback>>,
    thrown: Arc<Mutex<Option<Error>>>,
    abort: Arc<Notify>,
}

impl Hook {
    /// A hook over an optional callback.
    pub(crate) fn new(callback: Option<Callback>) -> Self {
        Self {
            callback: callback.map(Arc::new),
            ..Self::default()
        }
    }

    /// Whether a callback was given.
    pub(crate) fn is_set(&self) -> bool {
        self.callback.is_some()
    }

    /// Calls the callback with `value` on the JS thread and waits (up to a minute) for it to return;
    /// after it threw once, does nothing.
    pub(crate) fn call(&self, value: Value) {
        let Some(callback) = &self.callback else {
            return;
        };
        if self.thrown.lock().map(|t| t.is_some()).unwrap_or(true) {
            return;
        }
        let (tx, rx) = mpsc::channel::<Option<Error>>();
        let status = callback.call_with_return_value(value, ThreadsafeFunctionCallMode::NonBlocking, move |ret, _| {
            let _ = tx.send(ret.err());
            Ok(())
        });
        if status != Status::Ok {
            return;
        }
        let wait = || rx.recv_timeout(Duration::from_secs(60));
        let outcome = match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
            Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(wait),
            _ => wait(),
        };
        if let Ok(Some(err)) = outcome {
            if let Ok(mut thrown) = self.thrown.lock()
                && thrown.is_none()
            {
                *thrown = Some(err);
            }
            self.abort.notify_one();
        }
    }

    /// `fut`, cut short when the callback throws.
    pub(crate) fn guarded<T, F>(&self, fut: F) -> impl Future<Output = std::result::Result<T, Failure>> + Send + 'static
    where
        T: Send + 'static,
        F: Future<Output = std::result::Result<T, Failure>> + Send + 'static,
    {
        let abort = self.abort.clone();
        async move {
            tokio::select! {
                out = fut => out,
                _ = abort.notified() => Err(Failure::Internal("aborted by the callback".to_owned())),
            }
        }
    }

    /// The error the callback threw, if it did.
    fn take_thrown(&self) -> Option<Error> {
        self.thrown.lock().ok().and_then(|mut t| t.take())
    }
}

/// The core client of an `EcrClient` (and of what is built over it), made on first use from its options, so
/// that constructing never blocks the event loop; clones share it.
#[derive(Clone)]
pub(crate) struct LazyCore {
    options: EcrClientOptions,
    cell: Arc<OnceCell<CoreClient>>,
}

impl LazyCore {
    /// A core client to build from `options` when first asked for.
    pub(crate) fn new(options: EcrClientOptions) -> Self {
        Self {
            options,
            cell: Arc::new(OnceCell::new()),
        }
    }

    /// The options it is built from.
    pub(crate) fn options(&self) -> &EcrClientOptions {
        &self.options
    }

    /// The core client, built (AWS configuration loaded) on the first call.
    pub(crate) async fn get(self) -> std::result::Result<CoreClient, Failure> {
        let o = self.options;
        Ok(self
            .cell
            .get_or_try_init(|| async move {
                let builder = CoreClient::builder().tuning(&o.tuning()?, "options")?;
                o.credentials(builder)?
                    .options(o.region, o.profile, o.endpoint_url)
                    .build()
                    .await
            })
            .await?
            .clone())
    }
}

/// Starts an operation with the client's (lazily built) core client; resolves with any JS value.
pub(crate) fn start<'env, T, F>(
    lazy: &LazyCore,
    env: &'env Env,
    hook: Hook,
    op: impl FnOnce(CoreClient) -> F + Send + 'static,
) -> Result<PromiseRaw<'env, T>>
where
    T: ToNapiValue + Send + 'static,
    F: Future<Output = std::result::Result<T, Failure>> + Send + 'static,
{
    let lazy = lazy.clone();
    let work = async move { op(lazy.get().await?).await };
    let fut = hook.guarded(errors::catch_panics(work));
    let fut = async move { Ok(fut.await) };
    env.spawn_future_with_callback(fut, move |env, result| match hook.take_thrown() {
        Some(thrown) => Err(thrown),
        None => result.map_err(|failure| to_js_error(env, failure)),
    })
}

/// An optional instant: an RFC 3339 string or a `Date` (default: now).
pub(crate) fn now_arg(
    now: Option<Either<String, Date<'_>>>,
) -> std::result::Result<ecr_core::time::Timestamp, Failure> {
    match now {
        None => Ok(ecr_core::time::Timestamp::from(std::time::SystemTime::now())),
        Some(Either::A(text)) => ecr_core::time::parse_str(&text).ok_or_else(|| {
            Failure::Core(ecr_core::Error::invalid(
                "now",
                format!("not an RFC 3339 time: {text:?}"),
            ))
        }),
        Some(Either::B(date)) => {
            let ms = date
                .value_of()
                .map_err(|e| Failure::Core(ecr_core::Error::invalid("now", e.to_string())))?;
            if !ms.is_finite() {
                return Err(Failure::Core(ecr_core::Error::invalid("now", "an invalid Date")));
            }
            if ms < 0.0 {
                return Err(Failure::Core(ecr_core::Error::invalid("now", "a Date before 1970")));
            }
            let at = std::time::UNIX_EPOCH
                .checked_add(Duration::from_millis(ms as u64))
                .ok_or_else(|| Failure::Core(ecr_core::Error::invalid("now", "a Date out of range")))?;
            Ok(ecr_core::time::Timestamp::from(at))
        }
    }
}

/// One image: a string (`sha256:...` is a digest, anything else a tag) or an `ImageId` object.
pub(crate) fn image_arg(image: Value) -> std::result::Result<ecr_core::types::ImageId, Failure> {
    ecr_core::types::ImageId::list_from_json(vec![image], "image")?
        .into_iter()
        .next()
        .ok_or_else(|| {
            Failure::Core(ecr_core::Error::invalid(
                "image",
                "expected a tag, a digest or an ImageId",
            ))
        })
}

/// `JSON.stringify` that reports a failure (a cycle, a `BigInt`) as `{ error }` instead of throwing.
const STRINGIFY: &str =
    "(function (v) { try { return JSON.stringify(v) } catch (e) { return { error: String(e && e.message || e) } } })";

/// A JS value as JSON text (`what` names the argument): a string is taken as the text itself; anything else
/// as `JSON.stringify` writes it, so a `Date` (what the AWS SDK for JavaScript returns for timestamps) becomes
/// its ISO text and `undefined` members are left out. Reading that text in Rust is many times faster than
/// walking the object through napi, or building a `serde_json::Value` first.
pub(crate) fn json_text_arg(env: &Env, value: Unknown<'_>, what: &str) -> std::result::Result<String, Failure> {
    let invalid = |message: String| Failure::Core(ecr_core::Error::invalid(what, message));
    let napi_failure = |e: napi::Error| invalid(e.reason.clone());
    if value.get_type().map_err(napi_failure)? == ValueType::String {
        return env.from_js_value(value).map_err(napi_failure);
    }
    let stringify: Function<'_, Unknown<'_>, Unknown<'_>> = env.run_script(STRINGIFY).map_err(napi_failure)?;
    let out = stringify.call(value).map_err(napi_failure)?;
    match out.get_type().map_err(napi_failure)? {
        ValueType::String => env.from_js_value(out).map_err(napi_failure),
        ValueType::Undefined => Err(invalid("expected a JSON value, got undefined or a function".to_owned())),
        _ => {
            let failure: Value = env.from_js_value(out).map_err(napi_failure)?;
            Err(invalid(format!(
                "not representable as JSON: {}",
                failure["error"].as_str().unwrap_or("JSON.stringify failed")
            )))
        }
    }
}
