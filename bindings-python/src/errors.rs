//! The exception hierarchy of `ecr_core` and the ONE map from ecr-core errors to it.
//!
//! `EcrError` is the base of every exception the package raises. Each stable code of
//! [`ecr_core::Error::code`] has its own subclass (`RepositoryNotFound` → `RepositoryNotFoundError`, ...),
//! listed once in the `exceptions!` table below, which generates the classes, the code → class match
//! and the module registration together, so a code cannot get a class without being mapped. A test over
//! `ecr_core.ERROR_CODES` (= [`ecr_core::Error::ALL_CODES`]) proves no code falls back to the base class.
//!
//! Every exception carries `.code` (the core's stable code, also a class attribute of each subclass) and
//! `.request_id` (the AWS request id, or `None`); `PolicyValidationError` carries `.errors`, a list of
//! `{"path": ..., "message": ...}` dicts. A Rust panic becomes a plain `EcrError` with code `Internal`.

use std::any::Any;

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyType};
use pyo3::{PyTypeInfo, create_exception};

/// The code of failures that are bugs of ecr-core itself (a panic, an unexpected conversion failure).
pub(crate) const INTERNAL: &str = "Internal";

create_exception!(
    ecr_core,
    EcrError,
    PyException,
    "Base class of every error raised by ecr_core. `.code` is the stable error code (the same string in Rust, Python and Node), `.request_id` the AWS request id when the service returned one."
);

/// Declares one exception class per core error code, the match from code to class, and their registration.
macro_rules! exceptions {
    ($($code:literal => $name:ident : $doc:literal),* $(,)?) => {
        $(create_exception!(ecr_core, $name, EcrError, $doc);)*

        /// The exception class of a core error code (`EcrError` itself for an unknown code).
        pub(crate) fn exception_type<'py>(py: Python<'py>, code: &str) -> Bound<'py, PyType> {
            match code {
                $($code => $name::type_object(py),)*
                _ => EcrError::type_object(py),
            }
        }

        /// Adds the exception classes to the module, each with its `code` as a class attribute.
        pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
            let py = m.py();
            let base = EcrError::type_object(py);
            base.setattr("code", INTERNAL)?;
            base.setattr("request_id", py.None())?;
            m.add("EcrError", base)?;
            $(
                let class = $name::type_object(py);
                class.setattr("code", $code)?;
                m.add(stringify!($name), class)?;
            )*
            PolicyValidationError::type_object(py).setattr("errors", PyList::empty(py))?;
            Ok(())
        }
    };
}

exceptions! {
    "InvalidReference" => InvalidReferenceError: "A registry host, server URL or image reference is not valid.",
    "InvalidArgument" => InvalidArgumentError: "An argument or input document is not valid; the message names which and why.",
    "PolicyValidation" => PolicyValidationError: "A policy document failed validation; `.errors` lists every problem as {'path', 'message'}.",
    "RepositoryNotFound" => RepositoryNotFoundError: "The repository does not exist in the registry.",
    "ImageNotFound" => ImageNotFoundError: "The image (tag or digest) does not exist.",
    "LifecyclePolicyNotFound" => LifecyclePolicyNotFoundError: "The repository has no lifecycle policy.",
    "ScanNotFound" => ScanNotFoundError: "No scan exists (yet) for the image.",
    "AccessDenied" => AccessDeniedError: "The caller's principal is not allowed to perform the action.",
    "InvalidCredentials" => InvalidCredentialsError: "The AWS credentials are expired, invalid or not recognised.",
    "NoCredentials" => NoCredentialsError: "No AWS credentials could be found in the credential chain.",
    "LongLivedCredentials" => LongLivedCredentialsError: "Long-lived access keys were found where temporary credentials are required.",
    "NoRegion" => NoRegionError: "No AWS region is configured.",
    "WrongRegion" => WrongRegionError: "The request targets the wrong region or partition.",
    "Throttled" => ThrottledError: "AWS throttled the request and retries were exhausted.",
    "LimitExceeded" => LimitExceededError: "A service limit was exceeded.",
    "ServiceError" => ServiceError: "Any other error returned by the AWS service.",
    "Transport" => TransportError: "The request could not be sent or no valid response was received.",
    "Timeout" => OperationTimeoutError: "An operation did not finish within its time limit.",
    "ScanTimeout" => ScanTimeoutError: "Waiting for an image scan did not reach a final state in time.",
    "RegistryError" => RegistryError: "The OCI distribution (registry) protocol failed.",
    "Io" => IoError: "A local file could not be read or written.",
    "Refused" => RefusedError: "A safety guard refused the operation.",
}

/// Why a binding call failed: an ecr-core error, or a bug on our side (panic, impossible conversion).
#[derive(Debug)]
pub(crate) enum Failure {
    /// An error of ecr-core, mapped to its exception class.
    Core(ecr_core::Error),
    /// A failure that is a bug (code `Internal`).
    Internal(String),
}

impl From<ecr_core::Error> for Failure {
    fn from(err: ecr_core::Error) -> Self {
        Failure::Core(err)
    }
}

impl From<Failure> for PyErr {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Core(err) => core_error(&err),
            Failure::Internal(message) => internal(&message),
        }
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

/// The Python exception for an ecr-core error.
pub(crate) fn core_error(err: &ecr_core::Error) -> PyErr {
    Python::attach(|py| {
        let build = || -> PyResult<Bound<'_, PyAny>> {
            let exc = exception_type(py, err.code()).call1((message_chain(err),))?;
            exc.setattr("code", err.code())?;
            exc.setattr("request_id", err.request_id())?;
            if let ecr_core::Error::PolicyValidation { errors, .. } = err {
                let list = PyList::empty(py);
                for field in errors {
                    let item = PyDict::new(py);
                    item.set_item("path", &field.path)?;
                    item.set_item("message", &field.message)?;
                    list.append(item)?;
                }
                exc.setattr("errors", list)?;
            }
            Ok(exc)
        };
        match build() {
            Ok(exc) => PyErr::from_value(exc),
            Err(e) => e,
        }
    })
}

/// An `EcrError` with code `Internal`: a bug in ecr-core or its bindings.
pub(crate) fn internal(message: &str) -> PyErr {
    Python::attach(|py| {
        let build = || -> PyResult<Bound<'_, PyAny>> {
            let exc = EcrError::type_object(py).call1((format!("internal error in ecr-core: {message}"),))?;
            exc.setattr("code", INTERNAL)?;
            exc.setattr("request_id", py.None())?;
            Ok(exc)
        };
        match build() {
            Ok(exc) => PyErr::from_value(exc),
            Err(e) => e,
        }
    })
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

/// Runs binding code so that a panic in it (or in ecr-core) reaches Python as `EcrError(code="Internal")`,
/// never as PyO3's `PanicException`.
pub(crate) fn guard<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => Err(internal(&panic_message(payload.as_ref()))),
    }
}
