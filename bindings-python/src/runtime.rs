//! The one tokio runtime of the module (shared with `pyo3-async-runtimes`, so sync and asyncio calls run
//! on the same threads) and the two ways Python waits for a core future.
//!
//! - [`spawn`] runs a future as a tokio task, so a panic inside it is caught (it becomes
//!   `EcrError(code="Internal")`) and dropping the waiter (asyncio cancellation, Ctrl-C) aborts the task.
//! - [`block_on`] waits with the GIL released, waking every 100 ms to let Python deliver signals (Ctrl-C
//!   interrupts a blocking call with `KeyboardInterrupt`).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pyo3::prelude::*;
use tokio::runtime::Runtime;
use tokio::task::JoinHandle;

use crate::errors::{Failure, panic_message};

/// The module's runtime (created on first use).
pub(crate) fn runtime() -> &'static Runtime {
    pyo3_async_runtimes::tokio::get_runtime()
}

/// A spawned task that is aborted when its waiter is dropped.
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T> Future for AbortOnDrop<T> {
    type Output = Result<T, tokio::task::JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx)
    }
}

/// Runs `fut` as a task of the module runtime; its panics and errors come back as a [`PyErr`].
pub(crate) fn spawn<T, F>(fut: F) -> impl Future<Output = PyResult<T>> + Send + 'static
where
    T: Send + 'static,
    F: Future<Output = Result<T, Failure>> + Send + 'static,
{
    let task = AbortOnDrop(runtime().spawn(fut));
    async move {
        match task.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(failure)) => Err(failure.into()),
            Err(join) if join.is_panic() => Err(Failure::Internal(panic_message(join.into_panic().as_ref())).into()),
            Err(_) => Err(Failure::Internal("task cancelled".to_owned()).into()),
        }
    }
}

/// Waits for `fut` on the module runtime with the GIL released, checking for Python signals meanwhile.
pub(crate) fn block_on<T, F>(py: Python<'_>, fut: F) -> PyResult<T>
where
    T: Send,
    F: Future<Output = PyResult<T>> + Send,
{
    py.detach(|| {
        runtime().block_on(async {
            tokio::pin!(fut);
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            tick.tick().await;
            loop {
                tokio::select! {
                    out = &mut fut => return out,
                    _ = tick.tick() => Python::attach(|py| py.check_signals())?,
                }
            }
        })
    })
}
