//! Running core futures from the capability wrappers (auth, tagging, verify): blocking with the GIL
//! released, or as an asyncio awaitable over the lazily built client of an `AsyncEcrClient`. Generic over
//! the result (a `Json` or a Python class such as `RegistryCredentials`).

use std::future::Future;

use ecr_core::EcrClient;
use pyo3::prelude::*;

use crate::client::LazyClient;
use crate::errors::Failure;
use crate::runtime;

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

/// Starts `op` over the (lazily built) core client of an `AsyncEcrClient` as an asyncio awaitable.
pub(crate) fn with_lazy<'py, T, F>(
    py: Python<'py>,
    lazy: &LazyClient,
    op: impl FnOnce(EcrClient) -> F + Send + 'static,
) -> PyResult<Bound<'py, PyAny>>
where
    T: for<'a> IntoPyObject<'a> + Send + 'static,
    F: Future<Output = Result<T, Failure>> + Send + 'static,
{
    let lazy = lazy.clone();
    awaitable(py, async move { op(lazy.get().await?).await })
}
