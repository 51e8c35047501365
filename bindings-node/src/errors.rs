//! Errors thrown to JavaScript: the custom status [`EcrStatus`] and the ONE conversion from ecr-core errors.
//!
//! Every rejected Promise / thrown error is a JS `Error` with:
//! - `code`: the core's stable code ([`ecr_core::Error::code`], e.g. `"RepositoryNotFound"`), or
//!   `"Internal"` for a bug (a Rust panic is caught and becomes such an error, never a crash);
//! - `message`: the error and its causes;
//! - `requestId`: the AWS request id, or `null`;
//! - `errors`: for `PolicyValidation`, the list of `{ path, message }` (absent otherwise).
//!
//! How the extra properties get there: napi builds the JS `Error` from a `napi::Error<EcrStatus>` (status →
//! `code`, reason → `message`); [`to_js_error`] then sets `requestId`/`errors` on that object and returns a
//! `napi::Error` that *references* it (`napi::Error::from(Unknown)`), which napi v3 throws or rejects with
//! as is. This needs the `Env`, so async methods convert failures in the callback of
//! `Env::spawn_future_with_callback`, which runs on the JS thread.

use std::any::Any;
use std::borrow::Cow;

use napi::bindgen_prelude::*;
use napi::{Env, JsError};

/// The code of failures that are bugs of ecr-core itself (a panic, an unexpected conversion failure).
pub(crate) const INTERNAL: &str = "Internal";

/// The status of errors ecr-core throws: its string is the JS `err.code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcrStatus(Cow<'static, str>);

impl AsRef<str> for EcrStatus {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Why a binding call failed: an ecr-core error, or a bug on our side (panic, impossible conversion).
#[derive(Debug)]
pub(crate) enum Failure {
    /// An error of ecr-core; `err.code` is its stable code.
    Core(ecr_core::Error),
    /// A failure that is a bug (`err.code === "Internal"`).
    Internal(String),
}

impl From<ecr_core::Error> for Failure {
    fn from(err: ecr_core::Error) -> Self {
        Failure::Core(err)
    }
}

/// The message of an error followed by the messages of its sources.
fn message_chain(err: &ecr_core::Error) -> String {
    let mut out = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = cause.source();
    }
    out
}

/// The JS error for a failure, with `code`, `message`, `requestId` and (for validation) `errors`.
pub(crate) fn to_js_error(env: &Env, failure: Failure) -> Error {
    let (code, message, request_id, fields) = match &failure {
        Failure::Core(err) => (
            Cow::Borrowed(err.code()),
            message_chain(err),
            err.request_id().map(str::to_owned),
            match err {
                ecr_core::Error::PolicyValidation { errors, .. } => Some(
                    errors
                        .iter()
                        .map(|e| serde_json::json!({ "path": e.path, "message": e.message }))
                        .collect::<Vec<_>>(),
                ),
                _ => None,
            },
        ),
        Failure::Internal(message) => (
            Cow::Borrowed(INTERNAL),
            format!("internal error in ecr-core: {message}"),
            None,
            None,
        ),
    };
    let plain = || Error::new(Status::GenericFailure, format!("{code}: {message}"));
    let js = JsError::from(Error::new(EcrStatus(code.clone()), message.clone())).into_unknown(*env);
    let Ok(mut object) = js.coerce_to_object() else {
        return plain();
    };
    if object.set("requestId", request_id).is_err() {
        return plain();
    }
    if let Some(fields) = fields
        && object.set("errors", serde_json::Value::Array(fields)).is_err()
    {
        return plain();
    }
    Error::from(object.to_unknown())
}

/// The text of a panic payload.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        format!("panic: {s}")
    } else if let Some(s) = payload.downcast_ref::<String>() {
        format!("panic: {s}")
    } else {
        "panic".to_owned()
    }
}

/// Runs synchronous binding code so that a failure is thrown as an ecr-core error and a panic as an
/// `Internal` one; nothing unwinds into JavaScript.
pub(crate) fn guard<T>(env: &Env, f: impl FnOnce() -> std::result::Result<T, Failure>) -> Result<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(failure)) => Err(to_js_error(env, failure)),
        Err(payload) => Err(to_js_error(env, Failure::Internal(panic_message(payload.as_ref())))),
    }
}

/// Runs a future as a tokio task so that a panic inside it becomes an `Internal` failure.
pub(crate) async fn catch_panics<T, F>(fut: F) -> std::result::Result<T, Failure>
where
    T: Send + 'static,
    F: Future<Output = std::result::Result<T, Failure>> + Send + 'static,
{
    match tokio::spawn(fut).await {
        Ok(result) => result,
        Err(join) if join.is_panic() => Err(Failure::Internal(panic_message(join.into_panic().as_ref()))),
        Err(_) => Err(Failure::Internal("task cancelled".to_owned())),
    }
}

/// Starts `fut` on napi's tokio runtime and returns its Promise; failures reject it with [`to_js_error`].
pub(crate) fn promise<'env, T, F>(env: &'env Env, fut: F) -> Result<PromiseRaw<'env, T>>
where
    T: ToNapiValue + Send + 'static,
    F: Future<Output = std::result::Result<T, Failure>> + Send + 'static,
{
    let fut = async move { Ok(catch_panics(fut).await) };
    env.spawn_future_with_callback(fut, |env, result| result.map_err(|failure| to_js_error(env, failure)))
}
