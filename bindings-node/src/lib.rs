//! Node bindings of ecr-core: the native addon behind the npm package `ecr-core`.
//!
//! Layout: [`errors`] (the `EcrStatus` code, the one error conversion, panic guards), [`conversions`]
//! (every JS ⇄ Rust conversion), [`client`] (`EcrClient`). Everything but the client and the errors is
//! exported in one namespace per core capability (`auth`, `reference`, `tagging`, `verify`, `scan`,
//! `lifecycle`, `settings`). No Rust panic crosses into JavaScript: sync
//! entry points run inside [`errors::guard`], async ones inside [`errors::catch_panics`].

mod auth;
mod client;
mod conversions;
mod errors;
mod inventory;
mod lifecycle;
mod options;
mod reference;
mod registry;
mod reports;
mod scan;
mod settings;
mod signatures;
mod tagging;
mod tasks;
mod verify;

use napi::Env;
use napi::bindgen_prelude::*;
use napi_derive::napi;

pub use client::{EcrClient, PutImageOptions};
pub use errors::EcrStatus;
use errors::{Failure, guard};
pub use inventory::{ExpireWithInventoryOptions, RegistryInUseReportOptions, from_files, merge, preview, read};
pub use options::EcrClientOptions;
// --- auth, tagging, verify, reference checks ---
pub use auth::{
    Authenticator, AuthenticatorOptions, CredentialPolicyOptions, DiskCache, DiskCacheOptions, HelperOutput,
    HostFormsOptions, RefreshPolicy, RefreshPolicyOptions, RegistryCredentials, RegistryCredentialsOptions,
    check_credential_policy, default_docker_config_path, helper_version_line, is_long_lived, merge_auth_entry,
    registry_hosts, registry_region, write_docker_config,
};
pub use reference::{
    ImageReference, RegistryHost, RegistryHostOptions, parse_reference, partition_of_region, validate_digest,
    validate_repository_name, validate_tag,
};
pub use registry::{FetchedManifest, ImageConfig, RegistryClient, RegistryClientOptions};
pub use settings::{audit_registry, effective_settings};
pub use tagging::{
    CheckPlanOptions, CheckTagPlanOptions, DescribeBuildContextOptions, FitTagOptions, PlanOptions,
    ReleasedVersionOptions, TagStrategy, apply_build_metadata, build_context_from_env, check_plan,
    describe_build_context, fit_tag, highest_released, is_prerelease, is_reserved_tag, may_roll_to, normalize_git_ref,
    parse_version, replace_illegal_runs, wildcard_match,
};
pub use verify::{
    BuildRecordOptions, CheckPolicyOptions, VerifyPushOptions, WaitForReplicationOptions, analyse_repository_policy,
    build_record, check_healthcheck, check_integrity, check_labels, check_names, check_non_root, check_policy,
    check_referrers, check_replication, check_secrets, compare_platforms, default_check_policy,
    default_lifecycle_policy, index_children, is_root_user, normalize_platform, parse_manifest, secret_like_env_names,
    sha256_digest, validate_lifecycle_policy_text,
};
// scan + lifecycle
pub use lifecycle::{
    EcrLifecyclePreviewOptions, EvaluateOptions, ExpireImagesOptions, LifecycleImages, LifecyclePolicy,
    LifecyclePreviewOptions, LifecyclePreviewResult,
};
pub use scan::{
    EvaluateFindingsOptions, GateImageOptions, ScanDecision, ScanPolicy, WaitForScanOptions, evaluate_findings,
    gate_findings, parse_findings,
};
pub use scan::{
    compare_severity, parse_findings_strict, parse_report_format, parse_severity, severities, severity_of_finding,
};

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

/// Test hook: throws the JS error of ecr-core's sample error of `code`.
#[napi(js_name = "__sampleError")]
pub fn sample_error_hook(env: &Env, code: String) -> Result<()> {
    guard(env, || {
        Err(Failure::Core(ecr_core::Error::sample(&code).unwrap_or_else(|| {
            ecr_core::Error::invalid("code", format!("no sample error for {code:?}"))
        })))
    })
}

/// Test hook: the same error as a rejected Promise.
#[napi(js_name = "__sampleErrorAsync", ts_return_type = "Promise<void>")]
pub fn sample_error_async_hook(env: &Env, code: String) -> Result<PromiseRaw<'_, ()>> {
    errors::promise(env, async move {
        Err(Failure::Core(ecr_core::Error::sample(&code).unwrap_or_else(|| {
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
