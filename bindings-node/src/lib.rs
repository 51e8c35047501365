//! Node bindings of ecr-core: the native addon behind the npm package `ecr-core`.
//!
//! Layout: [`errors`] (the `EcrStatus` code, the one error conversion, panic guards), [`conversions`]
//! (every JS ⇄ Rust conversion), [`client`] (`EcrClient`). No Rust panic crosses into JavaScript: sync
//! entry points run inside [`errors::guard`], async ones inside [`errors::catch_panics`].

mod client;
mod conversions;
mod errors;
mod reference;

use std::time::Duration;

use napi::Env;
use napi::bindgen_prelude::*;
use napi_derive::napi;

pub use client::{EcrClient, EcrClientOptions, PutImageOptions};
pub use errors::EcrStatus;
use errors::{Failure, guard};
pub use reference::parse_reference;

/// The version of ecr-core this addon was built from.
#[napi]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Every stable error code an ecr-core error can carry as `err.code` (besides `"Internal"` for bugs).
#[napi]
pub fn error_codes() -> Vec<String> {
    ecr_core::Error::ALL_CODES.iter().map(|c| (*c).to_owned()).collect()
}

/// A sample error of each core code, for the test that proves every code reaches JS intact.
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

/// Test hook: throws the JS error of ecr-core's sample error of `code`.
#[napi(js_name = "__sampleError")]
pub fn sample_error_hook(env: &Env, code: String) -> Result<()> {
    guard(env, || {
        Err(Failure::Core(sample_error(&code).unwrap_or_else(|| {
            ecr_core::Error::invalid("code", format!("no sample error for {code:?}"))
        })))
    })
}

/// Test hook: the same error as a rejected Promise.
#[napi(js_name = "__sampleErrorAsync", ts_return_type = "Promise<void>")]
pub fn sample_error_async_hook(env: &Env, code: String) -> Result<PromiseRaw<'_, ()>> {
    errors::promise(env, async move {
        Err(Failure::Core(sample_error(&code).unwrap_or_else(|| {
            ecr_core::Error::invalid("code", format!("no sample error for {code:?}"))
        })))
    })
}

/// Test hook: panics inside a guarded call (must throw an error with `code: "Internal"`).
#[napi(js_name = "__panic")]
pub fn panic_hook(env: &Env, message: String) -> Result<()> {
    guard(env, || panic!("{message}"))
}

/// Test hook: a Promise whose task panics (must reject with `code: "Internal"`); resolves when `message`
/// is empty.
#[napi(js_name = "__panicAsync", ts_return_type = "Promise<void>")]
pub fn panic_async_hook(env: &Env, message: String) -> Result<PromiseRaw<'_, ()>> {
    errors::promise(env, async move {
        if !message.is_empty() {
            panic!("{message}");
        }
        Ok(())
    })
}
