//! Python bindings of ecr-core: the native module `ecr_core._native`, re-exported by the `ecr_core` package.
//!
//! Layout: [`errors`] (the exception hierarchy and the one error map), [`conversions`] (every Python ⇄ Rust
//! conversion), [`runtime`] (the tokio runtime and how Python waits), [`client`] (`EcrClient`,
//! `AsyncEcrClient`). Every entry point runs inside [`errors::guard`], so no Rust panic reaches Python as
//! anything but `EcrError(code="Internal")`.

mod auth;
mod client;
mod config;
mod conversions;
mod errors;
mod inventory;
mod lifecycle;
mod reference;
mod registry;
mod reports;
mod runtime;
mod scan;
mod settings;
mod signatures;
mod tagging;
mod tasks;
mod verify;

use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::errors::{Failure, guard};

/// Test hook: raises the exception ecr-core's sample error of `code` maps to.
#[pyfunction]
fn _raise_sample_error(code: &str) -> PyResult<()> {
    guard(|| match ecr_core::Error::sample(code) {
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

/// The native module behind the `ecr_core` package. Its names are flat; the package's pure-Python submodules
/// (`ecr_core.auth`, `.reference`, `.tagging`, `.verify`, `.scan`, `.lifecycle`, `.settings`) group them like
/// the core's capabilities.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("ERROR_CODES", PyTuple::new(m.py(), ecr_core::Error::ALL_CODES)?)?;
    errors::register(m)?;
    m.add_class::<client::PyEcrClient>()?;
    m.add_class::<client::PyAsyncEcrClient>()?;
    // reference
    m.add_class::<reference::PyImageReference>()?;
    m.add_class::<reference::PyRegistryHost>()?;
    for f in [
        wrap_pyfunction!(reference::parse_reference, m)?,
        wrap_pyfunction!(reference::validate_repository_name, m)?,
        wrap_pyfunction!(reference::validate_tag, m)?,
        wrap_pyfunction!(reference::validate_digest, m)?,
        wrap_pyfunction!(reference::partition_of_region, m)?,
    ] {
        m.add_function(f)?;
    }
    // auth
    m.add_class::<auth::PyRegistryCredentials>()?;
    m.add_class::<auth::PyHelperOutput>()?;
    m.add_class::<auth::PyAuthenticator>()?;
    m.add_class::<auth::PyAsyncAuthenticator>()?;
    m.add_class::<auth::PyRefreshPolicy>()?;
    m.add_class::<auth::PyDiskCache>()?;
    for f in [
        wrap_pyfunction!(auth::write_docker_config, m)?,
        wrap_pyfunction!(auth::merge_auth_entry, m)?,
        wrap_pyfunction!(auth::default_docker_config_path, m)?,
        wrap_pyfunction!(auth::registry_region, m)?,
        wrap_pyfunction!(auth::registry_hosts, m)?,
        wrap_pyfunction!(auth::helper_version_line, m)?,
        wrap_pyfunction!(auth::check_credential_policy, m)?,
        wrap_pyfunction!(auth::is_long_lived, m)?,
    ] {
        m.add_function(f)?;
    }
    // tagging
    m.add_class::<tagging::PyTagStrategy>()?;
    m.add_class::<tagging::PyPlanReport>()?;
    for f in [
        wrap_pyfunction!(tagging::build_context_from_env, m)?,
        wrap_pyfunction!(tagging::wildcard_match, m)?,
        wrap_pyfunction!(tagging::check_plan, m)?,
        wrap_pyfunction!(tagging::is_reserved_tag, m)?,
        wrap_pyfunction!(tagging::replace_illegal_runs, m)?,
        wrap_pyfunction!(tagging::fit_tag, m)?,
        wrap_pyfunction!(tagging::parse_version, m)?,
        wrap_pyfunction!(tagging::is_prerelease, m)?,
        wrap_pyfunction!(tagging::highest_released, m)?,
        wrap_pyfunction!(tagging::may_roll_to, m)?,
        wrap_pyfunction!(tagging::apply_build_metadata, m)?,
        wrap_pyfunction!(tagging::describe_build_context, m)?,
        wrap_pyfunction!(tagging::normalize_git_ref, m)?,
    ] {
        m.add_function(f)?;
    }
    // verify (with the registry protocol client)
    m.add_class::<registry::PyRegistryClient>()?;
    m.add_class::<registry::PyAsyncRegistryClient>()?;
    m.add_class::<registry::PyImageConfig>()?;
    m.add_class::<signatures::PySignatureDecision>()?;
    for f in [
        wrap_pyfunction!(verify::build_record, m)?,
        wrap_pyfunction!(verify::default_lifecycle_policy, m)?,
        wrap_pyfunction!(verify::analyse_repository_policy, m)?,
        wrap_pyfunction!(verify::validate_lifecycle_policy_text, m)?,
        wrap_pyfunction!(verify::sha256_digest, m)?,
        wrap_pyfunction!(verify::check_non_root, m)?,
        wrap_pyfunction!(verify::check_labels, m)?,
        wrap_pyfunction!(verify::check_secrets, m)?,
        wrap_pyfunction!(verify::check_healthcheck, m)?,
        wrap_pyfunction!(verify::is_root_user, m)?,
        wrap_pyfunction!(verify::secret_like_env_names, m)?,
        wrap_pyfunction!(verify::check_integrity, m)?,
        wrap_pyfunction!(verify::compare_platforms, m)?,
        wrap_pyfunction!(verify::check_replication, m)?,
        wrap_pyfunction!(verify::check_referrers, m)?,
        wrap_pyfunction!(verify::parse_manifest, m)?,
        wrap_pyfunction!(verify::index_children, m)?,
        wrap_pyfunction!(verify::default_check_policy, m)?,
        wrap_pyfunction!(verify::check_policy, m)?,
        wrap_pyfunction!(verify::check_names, m)?,
        wrap_pyfunction!(verify::normalize_platform, m)?,
    ] {
        m.add_function(f)?;
    }
    // scan
    m.add_class::<scan::PyScanPolicy>()?;
    m.add_class::<scan::PyScanDecision>()?;
    for f in [
        wrap_pyfunction!(scan::evaluate_findings, m)?,
        wrap_pyfunction!(scan::parse_findings, m)?,
        wrap_pyfunction!(scan::severities, m)?,
        wrap_pyfunction!(scan::parse_severity, m)?,
        wrap_pyfunction!(scan::severity_of_finding, m)?,
        wrap_pyfunction!(scan::compare_severity, m)?,
        wrap_pyfunction!(scan::parse_report_format, m)?,
        wrap_pyfunction!(scan::parse_findings_strict, m)?,
    ] {
        m.add_function(f)?;
    }
    // lifecycle
    m.add_class::<lifecycle::PyLifecyclePolicy>()?;
    m.add_class::<lifecycle::PyLifecycleImages>()?;
    m.add_class::<lifecycle::PyLifecyclePreview>()?;
    m.add_class::<lifecycle::PyLifecycleReport>()?;
    // settings
    m.add_function(wrap_pyfunction!(settings::effective_settings, m)?)?;
    m.add_function(wrap_pyfunction!(settings::audit_registry, m)?)?;
    // inventory of images in use
    m.add_function(wrap_pyfunction!(inventory::inventory_from_files, m)?)?;
    m.add_function(wrap_pyfunction!(inventory::read_inventory, m)?)?;
    m.add_function(wrap_pyfunction!(inventory::merge_inventories, m)?)?;
    m.add_function(wrap_pyfunction!(inventory::preview_with_inventory, m)?)?;
    m.add_function(wrap_pyfunction!(_raise_sample_error, m)?)?;
    m.add_function(wrap_pyfunction!(_panic, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_async, m)?)?;
    Ok(())
}
