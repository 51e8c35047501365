//! Python bindings of ecr-core: the native module `ecr_core._native`, re-exported by the `ecr_core` package.
//!
//! Layout: [`errors`] (the exception hierarchy and the one error map), [`conversions`] (every Python ⇄ Rust
//! conversion), [`runtime`] (the tokio runtime and how Python waits), [`client`] (`EcrClient`,
//! `AsyncEcrClient`). Every entry point runs inside [`errors::guard`], so no Rust panic reaches Python as
//! anything but `EcrError(code="Internal")`.

mod client;
mod conversions;
mod errors;
mod reference;
mod runtime;

use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::errors::{Failure, guard};

/// A sample error of each core code, for the test that proves every code maps to its own exception class.
fn sample_error(code: &str) -> Option<ecr_core::Error> {
    use ecr_core::Error as E;
    let message = || format!("sample {code} error");
    let request_id = || Some("sample-request-id".to_owned());
    Some(match code {
        "InvalidReference" => E::InvalidReference {
            input: "not a reference".to_owned(),
            message: message(),
        },
        "InvalidArgument" => E::invalid("sample", message()),
        "PolicyValidation" => E::PolicyValidation {
            what: "sample policy".to_owned(),
            errors: vec![
                ecr_core::FieldError::new("rules[0].selection.countNumber", "must be at least 1"),
                ecr_core::FieldError::new("", "document has no rules"),
            ],
        },
        "RepositoryNotFound" => E::RepositoryNotFound {
            message: message(),
            request_id: request_id(),
        },
        "ImageNotFound" => E::ImageNotFound {
            message: message(),
            request_id: request_id(),
        },
        "LifecyclePolicyNotFound" => E::LifecyclePolicyNotFound {
            message: message(),
            request_id: request_id(),
        },
        "ScanNotFound" => E::ScanNotFound {
            message: message(),
            request_id: request_id(),
        },
        "AccessDenied" => E::AccessDenied {
            message: message(),
            request_id: request_id(),
        },
        "InvalidCredentials" => E::InvalidCredentials {
            message: message(),
            request_id: request_id(),
        },
        "NoCredentials" => E::NoCredentials { message: message() },
        "LongLivedCredentials" => E::LongLivedCredentials {
            source_name: "Environment".to_owned(),
        },
        "NoRegion" => E::NoRegion,
        "WrongRegion" => E::WrongRegion { message: message() },
        "Throttled" => E::Throttled {
            message: message(),
            request_id: request_id(),
        },
        "LimitExceeded" => E::LimitExceeded {
            message: message(),
            request_id: request_id(),
        },
        "ServiceError" => E::Service {
            aws_code: "InvalidParameterException".to_owned(),
            message: message(),
            request_id: request_id(),
        },
        "Transport" => E::Transport {
            message: message(),
            source: Some(Box::new(std::io::Error::other("connection reset"))),
        },
        "Timeout" => E::Timeout {
            what: message(),
            after: Duration::from_secs(5),
        },
        "ScanTimeout" => E::ScanTimeout {
            image: "repo@sha256:0".to_owned(),
            last_status: "IN_PROGRESS".to_owned(),
            elapsed: Duration::from_secs(600),
        },
        "RegistryError" => E::Registry { message: message() },
        "Io" => E::io(
            "/nonexistent/sample",
            std::io::Error::from(std::io::ErrorKind::NotFound),
        ),
        "Refused" => E::Refused { message: message() },
        _ => return None,
    })
}

/// Test hook: raises the exception ecr-core's sample error of `code` maps to.
#[pyfunction]
fn _raise_sample_error(code: &str) -> PyResult<()> {
    guard(|| match sample_error(code) {
        Some(err) => Err(Failure::Core(err).into()),
        None => Err(Failure::Core(ecr_core::Error::invalid(
            "code",
            format!("no sample error for {code:?}"),
        ))
        .into()),
    })
}

/// Test hook: panics inside a guarded call (must raise `EcrError` with code `Internal`).
#[pyfunction]
fn _panic(message: &str) -> PyResult<()> {
    guard(|| panic!("{message}"))
}

/// Test hook: an awaitable whose task panics (must raise `EcrError` with code `Internal`).
#[pyfunction]
fn _panic_async(py: Python<'_>, message: String) -> PyResult<Bound<'_, PyAny>> {
    guard(|| {
        let fut = runtime::spawn(async move {
            if !message.is_empty() {
                panic!("{message}");
            }
            Ok::<(), Failure>(())
        });
        pyo3_async_runtimes::tokio::future_into_py(py, fut)
    })
}

/// The native module behind the `ecr_core` package.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("ERROR_CODES", PyTuple::new(m.py(), ecr_core::Error::ALL_CODES)?)?;
    errors::register(m)?;
    m.add_function(wrap_pyfunction!(reference::parse_reference, m)?)?;
    m.add_class::<client::PyEcrClient>()?;
    m.add_class::<client::PyAsyncEcrClient>()?;
    m.add_function(wrap_pyfunction!(_raise_sample_error, m)?)?;
    m.add_function(wrap_pyfunction!(_panic, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_async, m)?)?;
    Ok(())
}
