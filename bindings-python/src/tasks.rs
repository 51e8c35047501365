//! The one way operations run: [`run`] (blocking, GIL released) over the core client of an `EcrClient` and
//! [`start`] (an asyncio awaitable) over the lazily built one of an `AsyncEcrClient`, with an optional Python
//! callback ([`Hook`]) whose exception aborts the operation; [`blocking`] and [`awaitable`], which they are
//! made of, for futures over other handles (an `Authenticator`, a `RegistryClient`). Results are any Python
//! value (a dict, or a class such as `ScanDecision`).

use std::future::Future;
use std::sync::{Arc, Mutex};

use ecr_core::EcrClient;
use pyo3::prelude::*;
use tokio::sync::Notify;

use crate::config::LazyClient;
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
pub(crate) fn run<T, F>(client: &EcrClient, py: Python<'_>, hook: &Hook, op: impl FnOnce(EcrClient) -> F) -> PyResult<T>
where
    T: Send + 'static,
    F: Future<Output = Result<T, Failure>> + Send + 'static,
{
    hook.finish(blocking(py, hook.guarded(op(client.clone()))))
}

/// Runs `fut` to completion on the module runtime, with the GIL released.
pub(crate) fn blocking<T, F>(py: Python<'_>, fut: F) -> PyResult<T>
where
    T: Send + 'static,
    F: Future<Output = Result<T, Failure>> + Send + 'static,
{
    runtime::block_on(py, runtime::spawn(fut))
}

/// Starts `fut` as an asyncio awaitable.
pub(crate) fn awaitable<'py, T, F>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    T: for<'a> IntoPyObject<'a> + Send + 'static,
    F: Future<Output = Result<T, Failure>> + Send + 'static,
{
    pyo3_async_runtimes::tokio::future_into_py(py, runtime::spawn(fut))
}

/// Starts an operation on the asyncio client; returns the awaitable.
pub(crate) fn start<'py, T, F>(
    lazy: &LazyClient,
    py: Python<'py>,
    hook: Hook,
    op: impl FnOnce(EcrClient) -> F + Send + 'static,
) -> PyResult<Bound<'py, PyAny>>
where
    T: for<'a> IntoPyObject<'a> + Send + 'static,
    F: Future<Output = Result<T, Failure>> + Send + 'static,
{
    let lazy = lazy.clone();
    let inner = hook.guarded(async move { op(lazy.get().await?).await });
    let task = runtime::spawn(inner);
    pyo3_async_runtimes::tokio::future_into_py(py, async move { hook.finish(task.await) })
}

/// What a client method runs: the operation over the core client, and the hook it reports through.
pub(crate) struct Op<G> {
    hook: Hook,
    make: G,
}

impl<G> Op<G> {
    /// An operation without a callback.
    pub(crate) fn new(make: G) -> Self {
        Self::hooked(Hook::default(), make)
    }

    /// An operation whose callback `hook` may abort it.
    pub(crate) fn hooked(hook: Hook, make: G) -> Self {
        Self { hook, make }
    }

    /// Runs it on the blocking client ([`run`]).
    pub(crate) fn run<T, F>(self, client: &EcrClient, py: Python<'_>) -> PyResult<T>
    where
        G: FnOnce(EcrClient) -> F,
        T: Send + 'static,
        F: Future<Output = Result<T, Failure>> + Send + 'static,
    {
        run(client, py, &self.hook, self.make)
    }

    /// Starts it on the asyncio client ([`start`]).
    pub(crate) fn start<'py, T, F>(self, lazy: &LazyClient, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>
    where
        G: FnOnce(EcrClient) -> F + Send + 'static,
        T: for<'a> IntoPyObject<'a> + Send + 'static,
        F: Future<Output = Result<T, Failure>> + Send + 'static,
    {
        start(lazy, py, self.hook, self.make)
    }
}

/// Writes client methods once for both clients. Each body reads its arguments (holding the GIL) and returns
/// a `PyResult<Op<_>>`; on `EcrClient` the method runs it and returns its result (`-> T`), on `AsyncEcrClient`
/// the method of the same name and signature returns an awaitable of it.
macro_rules! client_methods {
    ($(
        $(#[$meta:meta])*
        fn $name:ident(&self, $py:ident $(, $arg:ident : $ty:ty)* $(,)?) -> $ret:ty $body:block
    )*) => {
        #[pyo3::pymethods]
        impl $crate::client::PyEcrClient {
            $(
                $(#[$meta])*
                fn $name(&self, $py: pyo3::Python<'_> $(, $arg: $ty)*) -> pyo3::PyResult<$ret> {
                    let client = &self.client;
                    $crate::errors::guard(|| {
                        let op: pyo3::PyResult<_> = $body;
                        op?.run(client, $py)
                    })
                }
            )*
        }

        #[pyo3::pymethods]
        impl $crate::client::PyAsyncEcrClient {
            $(
                $(#[$meta])*
                fn $name<'py>(
                    &self,
                    $py: pyo3::Python<'py>
                    $(, $arg: $ty)*
                ) -> pyo3::PyResult<pyo3::Bound<'py, pyo3::PyAny>> {
                    let lazy = &self.lazy;
                    $crate::errors::guard(|| {
                        let op: pyo3::PyResult<_> = $body;
                        op?.start(lazy, $py)
                    })
                }
            )*
        }
    };
}
pub(crate) use client_methods;

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

/// One image: a string (`sha256:...` is a digest, anything else a tag) or an `ImageId` dict.
pub(crate) fn image_arg(image: &Bound<'_, PyAny>) -> Result<ecr_core::types::ImageId, ecr_core::Error> {
    let value = crate::conversions::from_py(image, "image")?;
    ecr_core::types::ImageId::list_from_json(vec![value], "image")?
        .into_iter()
        .next()
        .ok_or_else(|| ecr_core::Error::invalid("image", "expected a tag, a digest or an ImageId dict"))
}
