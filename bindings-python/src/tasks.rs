//! Running client operations whose result is any Python value (a dict, or a class such as `ScanDecision`),
//! on both clients, with an optional Python callback ([`Hook`]) whose exception aborts the operation.
//!
//! The scan and lifecycle methods use these instead of `client.rs`' `Json`-only helpers.

use std::future::Future;
use std::sync::{Arc, Mutex};

use ecr_core::EcrClient;
use pyo3::prelude::*;
use tokio::sync::Notify;

use crate::client::{PyAsyncEcrClient, PyEcrClient};
use crate::conversions::{datetime_text, to_py};
use crate::errors::Failure;
use crate::runtime;

/// A Python callable called from Rust during an operation. The first exception it raises is kept, the
/// operation is aborted at its next await point, and that exception (unchanged) is what the call raises.
#[derive(Clone, Default)]
pub(crate) struct Hook {
    callback: Option<Arc<Py<PyAny>>>,
    raised: Arc<Mutex<Option<PyErr>>>,
    abort: Arc<Notify>,
}

impl Hook {
    /// A hook over an optional callable (`None`: calls do nothing).
    pub(crate) fn new(callback: Option<Py<PyAny>>) -> Self {
        Self {
            callback: callback.map(Arc::new),
            ..Self::default()
        }
    }

    /// Whether a callable was given.
    pub(crate) fn is_set(&self) -> bool {
        self.callback.is_some()
    }

    /// Calls the callable with `value` as JSON (a dict); after it raised once, does nothing.
    pub(crate) fn call(&self, value: &serde_json::Value) {
        let Some(callback) = &self.callback else {
            return;
        };
        let Ok(mut raised) = self.raised.lock() else {
            return;
        };
        if raised.is_some() {
            return;
        }
        let outcome = Python::attach(|py| -> PyResult<()> {
            let arg = to_py(py, value)?;
            callback.call1(py, (arg,))?;
            Ok(())
        });
        if let Err(err) = outcome {
            *raised = Some(err);
            self.abort.notify_one();
        }
    }

    /// `fut`, cut short when the callable raises.
    pub(crate) fn guarded<T, F>(&self, fut: F) -> impl Future<Output = Result<T, Failure>> + Send + 'static
    where
        T: Send + 'static,
        F: Future<Output = Result<T, Failure>> + Send + 'static,
    {
        let abort = self.abort.clone();
        async move {
            tokio::select! {
                out = fut => out,
                _ = abort.notified() => Err(Failure::Internal("aborted by the callback".to_owned())),
            }
        }
    }

    /// The result of the call: the callable's exception when it raised one, else `result`.
    pub(crate) fn finish<T>(&self, result: PyResult<T>) -> PyResult<T> {
        match self.raised.lock().ok().and_then(|mut r| r.take()) {
            Some(err) => Err(err),
            None => result,
        }
    }
}

/// Runs an operation on the blocking client (GIL released while waiting).
pub(crate) fn run<T, F>(this: &PyEcrClient, py: Python<'_>, hook: &Hook, op: impl FnOnce(EcrClient) -> F) -> PyResult<T>
where
    T: Send + 'static,
    F: Future<Output = Result<T, Failure>> + Send + 'static,
{
    let fut = hook.guarded(op(this.client.clone()));
    let result = runtime::block_on(py, runtime::spawn(fut));
    hook.finish(result)
}

/// Starts an operation on the asyncio client; returns the awaitable.
pub(crate) fn start<'py, T, F>(
    this: &PyAsyncEcrClient,
    py: Python<'py>,
    hook: Hook,
    op: impl FnOnce(EcrClient) -> F + Send + 'static,
) -> PyResult<Bound<'py, PyAny>>
where
    T: for<'a> IntoPyObject<'a> + Send + 'static,
    F: Future<Output = Result<T, Failure>> + Send + 'static,
{
    let lazy = this.lazy.clone();
    let inner = hook.guarded(async move { op(lazy.get().await?).await });
    let task = runtime::spawn(inner);
    pyo3_async_runtimes::tokio::future_into_py(py, async move { hook.finish(task.await) })
}

/// An optional instant argument: `None` (now), an RFC 3339 string, or a timezone-aware `datetime`.
pub(crate) fn now_arg(now: Option<&Bound<'_, PyAny>>) -> Result<ecr_core::time::Timestamp, ecr_core::Error> {
    let Some(obj) = now.filter(|o| !o.is_none()) else {
        return Ok(chrono_now());
    };
    let text: String = if let Ok(s) = obj.extract::<String>() {
        s
    } else if let Some(text) = datetime_text(obj) {
        text.map_err(|e| ecr_core::Error::invalid("now", e))?
    } else {
        return Err(ecr_core::Error::invalid(
            "now",
            "expected an RFC 3339 string or a timezone-aware datetime",
        ));
    };
    ecr_core::time::parse_str(&text)
        .ok_or_else(|| ecr_core::Error::invalid("now", format!("not an RFC 3339 time: {text:?}")))
}

fn chrono_now() -> ecr_core::time::Timestamp {
    ecr_core::time::Timestamp::from(std::time::SystemTime::now())
}

/// A positive, finite number of seconds.
pub(crate) fn seconds_arg(what: &str, secs: f64) -> Result<std::time::Duration, ecr_core::Error> {
    if secs.is_finite() && secs > 0.0 {
        std::time::Duration::try_from_secs_f64(secs).map_err(|e| ecr_core::Error::invalid(what, e.to_string()))
    } else {
        Err(ecr_core::Error::invalid(
            what,
            format!("{secs} is not a positive number of seconds"),
        ))
    }
}

/// One image: a string (`sha256:...` is a digest, anything else a tag) or an `ImageId` dict.
pub(crate) fn image_arg(image: &Bound<'_, PyAny>) -> Result<ecr_core::types::ImageId, ecr_core::Error> {
    let value = crate::conversions::from_py(image, "image")?;
    ecr_core::types::ImageId::list_from_json(vec![value], "image")?
        .into_iter()
        .next()
        .ok_or_else(|| ecr_core::Error::invalid("image", "expected a tag, a digest or an ImageId dict"))
}
