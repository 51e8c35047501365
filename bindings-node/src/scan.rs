//! Scan gating: `ScanPolicy`, `evaluateFindings` (plain object = the `scan_gate` JSON report),
//! `gateFindings` / `ScanDecision` (with SARIF and Markdown renderings), `parseFindings`, and the scan methods
//! of `EcrClient` (wait for the scan and gate it, with a progress callback).

use ecr_core::scan::report;
use ecr_core::scan::{GateDecision, GateImage, GateOptions, ScanFindings, ScanType, Severity, WaitOptions};
use ecr_core::types::ImageId;
use ecr_core::{EcrClient as CoreClient, Error as CoreError};
use napi::Env;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

use crate::client::EcrClient;
use crate::conversions::json;
use crate::errors::{Failure, guard};
use crate::tasks::{self, Callback, Hook, image_arg, json_text_arg, now_arg};
use ecr_core::time::seconds;

/// A validated scan gate policy (`failOn`, `minScore`, `ignore` rules, ...). Unknown fields and bad dates
/// throw `code: "PolicyValidation"` with `errors: [{ path, message }]`.
#[napi(namespace = "scan")]
#[derive(Clone)]
pub struct ScanPolicy {
    policy: ecr_core::scan::ScanPolicy,
}

#[napi(namespace = "scan")]
impl ScanPolicy {
    /// Parses and validates a JSON policy.
    #[napi(factory)]
    pub fn from_json(env: &Env, text: String) -> Result<Self> {
        guard(env, || {
            Ok(Self {
                policy: ecr_core::scan::ScanPolicy::from_json_str(&text)?,
            })
        })
    }

    /// Parses and validates a TOML policy (the same field names; dates may be TOML dates).
    #[napi(factory)]
    pub fn from_toml(env: &Env, text: String) -> Result<Self> {
        guard(env, || {
            Ok(Self {
                policy: ecr_core::scan::ScanPolicy::from_toml_str(&text)?,
            })
        })
    }

    /// Validates a policy given as a plain object (the JSON shape).
    #[napi(factory, ts_args_type = "policy: Record<string, unknown>")]
    pub fn from_object(env: &Env, policy: Value) -> Result<Self> {
        guard(env, || {
            Ok(Self {
                policy: ecr_core::scan::ScanPolicy::from_value(&policy)?,
            })
        })
    }

    /// Loads a policy file: `.toml` as TOML, anything else as JSON.
    #[napi(factory)]
    pub fn load(env: &Env, path: String) -> Result<Self> {
        guard(env, || {
            Ok(Self {
                policy: ecr_core::scan::ScanPolicy::load(&path)?,
            })
        })
    }

    /// The policy as a plain object, defaults filled in (also what `JSON.stringify` writes).
    #[napi(js_name = "toJSON", ts_return_type = "Record<string, unknown>")]
    pub fn to_json(&self) -> Value {
        self.policy.to_json()
    }
}

/// The gate's decision: `passed`, and the `scan_gate` program's renderings.
#[napi(namespace = "scan")]
pub struct ScanDecision {
    decision: GateDecision,
}

#[napi(namespace = "scan")]
impl ScanDecision {
    /// Whether the gate passed.
    #[napi(getter)]
    pub fn passed(&self) -> bool {
        self.decision.passed
    }
}

crate::reports::report_methods!(ScanDecision, decision, ecr_core::scan::report, "scan", "ScanGateReport");

/// Options of `evaluateFindings` / `gateFindings`.
#[napi(object)]
#[derive(Default)]
pub struct EvaluateFindingsOptions<'a> {
    /// The instant ignore expiry is judged against (RFC 3339 string or `Date`; default now).
    pub now: Option<Either<String, Date<'a>>>,
    /// The repository (what scoped ignore rules match; default: what the response says).
    pub repository: Option<String>,
    /// The image digest (default: what the response says).
    pub digest: Option<String>,
    /// The platform (`linux/amd64`) of an index child.
    pub platform: Option<String>,
}

/// A policy argument: a `ScanPolicy`, a plain object, or JSON text.
fn policy_arg(
    env: &Env,
    policy: Either<&ScanPolicy, Unknown<'_>>,
) -> std::result::Result<ecr_core::scan::ScanPolicy, Failure> {
    match policy {
        Either::A(p) => Ok(p.policy.clone()),
        Either::B(value) => Ok(ecr_core::scan::ScanPolicy::from_json_str(&json_text_arg(
            env, value, "policy",
        )?)?),
    }
}

/// Findings pages: JSON text (one DescribeImageScanFindings response or an array of them), one response
/// object, or an array of response objects.
fn findings_arg(env: &Env, pages: Unknown<'_>) -> std::result::Result<ScanFindings, Failure> {
    Ok(ecr_core::scan::parse_findings_owned(json_text_arg(
        env, pages, "pages",
    )?)?)
}

fn decide(
    env: &Env,
    pages: Unknown<'_>,
    policy: Either<&ScanPolicy, Unknown<'_>>,
    options: Option<EvaluateFindingsOptions<'_>>,
) -> std::result::Result<GateDecision, Failure> {
    let o = options.unwrap_or_default();
    let scan = findings_arg(env, pages)?;
    let policy = policy_arg(env, policy)?;
    let now = now_arg(o.now)?;
    let mut image = GateImage::new(scan).with_location(o.repository, o.digest);
    if let Some(p) = o.platform {
        image = image.with_platform(p);
    }
    Ok(ecr_core::scan::evaluate(&policy, [image], now))
}

/// Gates one image's findings on a policy, like `scan_gate --findings FILE --policy FILE [--now T]`, and
/// returns the program's JSON report as a plain object (`{ passed, reasons, counted, ... }`). For SARIF or
/// Markdown use `gateFindings`.
#[napi(
    namespace = "scan",
    ts_args_type = "pages: string | Record<string, unknown> | Array<Record<string, unknown>>, policy: scan.ScanPolicy | Record<string, unknown> | string, options?: EvaluateFindingsOptions | null",
    ts_return_type = "ScanGateReport"
)]
pub fn evaluate_findings(
    env: &Env,
    pages: Unknown<'_>,
    policy: Either<&ScanPolicy, Unknown<'_>>,
    options: Option<EvaluateFindingsOptions<'_>>,
) -> Result<Value> {
    guard(env, || Ok(report::json(&decide(env, pages, policy, options)?)))
}

/// As `evaluateFindings`, returning a `ScanDecision` (`passed`, `toJSON()`, `toSarif()`, `toMarkdown()`).
#[napi(
    namespace = "scan",
    ts_args_type = "pages: string | Record<string, unknown> | Array<Record<string, unknown>>, policy: scan.ScanPolicy | Record<string, unknown> | string, options?: EvaluateFindingsOptions | null"
)]
pub fn gate_findings(
    env: &Env,
    pages: Unknown<'_>,
    policy: Either<&ScanPolicy, Unknown<'_>>,
    options: Option<EvaluateFindingsOptions<'_>>,
) -> Result<ScanDecision> {
    guard(env, || {
        Ok(ScanDecision {
            decision: decide(env, pages, policy, options)?,
        })
    })
}

/// Parses DescribeImageScanFindings response(s) (as for `evaluateFindings`) into one merged object.
#[napi(
    namespace = "scan",
    ts_args_type = "pages: string | Record<string, unknown> | Array<Record<string, unknown>>",
    ts_return_type = "Record<string, any>"
)]
pub fn parse_findings(env: &Env, pages: Unknown<'_>) -> Result<Value> {
    guard(env, || json(&findings_arg(env, pages)?))
}

/// How to wait for a scan (`EcrClient.gateImage` / `waitForScan`).
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct WaitForScanOptions {
    /// Overall limit in seconds (default 600); past it the Promise rejects with `code: "ScanTimeout"`.
    pub timeout: Option<f64>,
    /// First poll interval in seconds (default 5).
    pub poll_interval: Option<f64>,
    /// Largest poll interval in seconds (default 30).
    pub max_poll_interval: Option<f64>,
    /// Identical polls required before a done scan is final (default 1 basic, 2 enhanced).
    pub consistency_polls: Option<u32>,
    /// Start a basic scan when none exists.
    pub start_scan: Option<bool>,
    /// `"basic"` or `"enhanced"` (default: ask the registry).
    pub scan_type: Option<String>,
    /// Called after every poll with `{ image, status, elapsed, polls, stablePolls, findings, counts }`; the
    /// wait pauses until it returns. A thrown error aborts the wait and the Promise rejects with it.
    #[napi(ts_type = "(progress: ScanProgress) => void")]
    pub on_progress: Option<Callback>,
}

/// Options of `EcrClient.gateImage`: the waiting options plus these.
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct GateImageOptions<'a> {
    /// The instant ignore expiry is judged against (RFC 3339 string or `Date`; default now).
    pub now: Option<Either<String, Date<'a>>>,
    /// Only these platforms of a multi-platform image (e.g. `linux/amd64`); default every platform.
    pub platforms: Option<Vec<String>>,
    /// Overall limit in seconds (default 600).
    pub timeout: Option<f64>,
    /// First poll interval in seconds (default 5).
    pub poll_interval: Option<f64>,
    /// Largest poll interval in seconds (default 30).
    pub max_poll_interval: Option<f64>,
    /// Identical polls required before a done scan is final.
    pub consistency_polls: Option<u32>,
    /// Start a basic scan when none exists.
    pub start_scan: Option<bool>,
    /// `"basic"` or `"enhanced"` (default: ask the registry).
    pub scan_type: Option<String>,
    /// Progress callback, as for `waitForScan`.
    #[napi(ts_type = "(progress: ScanProgress) => void")]
    pub on_progress: Option<Callback>,
}

fn scan_type_arg(scan_type: Option<&str>) -> std::result::Result<Option<ScanType>, Failure> {
    match scan_type {
        None => Ok(None),
        Some(s) if s.eq_ignore_ascii_case("basic") => Ok(Some(ScanType::Basic)),
        Some(s) if s.eq_ignore_ascii_case("enhanced") => Ok(Some(ScanType::Enhanced)),
        Some(s) => Err(Failure::Core(CoreError::invalid(
            "scanType",
            format!("expected \"basic\" or \"enhanced\", got {s:?}"),
        ))),
    }
}

#[allow(clippy::too_many_arguments)]
fn wait_options(
    timeout: Option<f64>,
    poll_interval: Option<f64>,
    max_poll_interval: Option<f64>,
    consistency_polls: Option<u32>,
    start_scan: Option<bool>,
    hook: &Hook,
) -> std::result::Result<WaitOptions, Failure> {
    let mut wait = WaitOptions {
        timeout: seconds("timeout", timeout.unwrap_or(600.0))?,
        poll_interval: seconds("pollInterval", poll_interval.unwrap_or(5.0))?,
        max_poll_interval: seconds("maxPollInterval", max_poll_interval.unwrap_or(30.0))?,
        consistency_polls: consistency_polls.map(|n| n.max(1)),
        start_basic_scan: start_scan.unwrap_or(false),
        ..WaitOptions::default()
    };
    wait.max_poll_interval = wait.max_poll_interval.max(wait.poll_interval);
    if hook.is_set() {
        let hook = hook.clone();
        wait = wait.on_progress(move |p| {
            if let Ok(value) = serde_json::to_value(p) {
                hook.call(value);
            }
        });
    }
    Ok(wait)
}

struct GateArgs {
    repository: String,
    image: ImageId,
    policy: ecr_core::scan::ScanPolicy,
    options: GateOptions,
    now: ecr_core::time::Timestamp,
}

async fn gate_op(client: CoreClient, a: GateArgs) -> std::result::Result<ScanDecision, Failure> {
    let decision = client
        .gate_image(&a.repository, &a.image, &a.policy, &a.options, a.now)
        .await?;
    Ok(ScanDecision { decision })
}

async fn wait_op(
    client: CoreClient,
    repository: String,
    digest: String,
    scan_type: Option<ScanType>,
    wait: WaitOptions,
) -> std::result::Result<Value, Failure> {
    json(&client.wait_for_scan(&repository, &digest, scan_type, &wait).await?)
}

#[napi]
impl EcrClient {
    /// Waits for the scan of an image (every selected platform of an index) and gates it on `policy`, like
    /// the `scan_gate` program's live mode; resolves with a `ScanDecision`. `image`: a tag, a `sha256:`
    /// digest or an `ImageId`. Rejects with `code: "ScanTimeout"` when the scan does not finish in time, or
    /// with the error `onProgress` threw.
    #[napi(
        ts_args_type = "repository: string, image: string | ImageId, policy: scan.ScanPolicy | Record<string, unknown> | string, options?: GateImageOptions | null",
        ts_return_type = "Promise<scan.ScanDecision>"
    )]
    pub fn gate_image<'env>(
        &self,
        env: &'env Env,
        repository: String,
        image: Value,
        policy: Either<&ScanPolicy, Unknown<'_>>,
        options: Option<GateImageOptions<'_>>,
    ) -> Result<PromiseRaw<'env, ScanDecision>> {
        let o = options.unwrap_or_default();
        let hook = Hook::new(o.on_progress);
        let args = guard(env, || {
            Ok(GateArgs {
                repository,
                image: image_arg(image)?,
                policy: policy_arg(env, policy)?,
                options: GateOptions {
                    wait: wait_options(
                        o.timeout,
                        o.poll_interval,
                        o.max_poll_interval,
                        o.consistency_polls,
                        o.start_scan,
                        &hook,
                    )?,
                    platforms: o.platforms.unwrap_or_default(),
                    scan_type: scan_type_arg(o.scan_type.as_deref())?,
                },
                now: now_arg(o.now)?,
            })
        })?;
        tasks::start(&self.lazy, env, hook, move |c| gate_op(c, args))
    }

    /// Waits for the scan of one image (pinned by digest) to reach a final state; resolves with
    /// `{ scan, polls, elapsed, startedScan }`.
    #[napi(ts_return_type = "Promise<ScanWaitOutcome>")]
    pub fn wait_for_scan<'env>(
        &self,
        env: &'env Env,
        repository: String,
        digest: String,
        options: Option<WaitForScanOptions>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let o = options.unwrap_or_default();
        let hook = Hook::new(o.on_progress);
        let (wait, scan_type) = guard(env, || {
            Ok((
                wait_options(
                    o.timeout,
                    o.poll_interval,
                    o.max_poll_interval,
                    o.consistency_polls,
                    o.start_scan,
                    &hook,
                )?,
                scan_type_arg(o.scan_type.as_deref())?,
            ))
        })?;
        tasks::start(&self.lazy, env, hook, move |c| {
            wait_op(c, repository, digest, scan_type, wait)
        })
    }

    /// Every page of DescribeImageScanFindings for one image, merged (as `parseFindings` returns it);
    /// rejects with `code: "ScanNotFound"` when there is no scan.
    #[napi(
        ts_args_type = "repository: string, image: string | ImageId",
        ts_return_type = "Promise<Record<string, any>>"
    )]
    pub fn describe_scan_findings<'env>(
        &self,
        env: &'env Env,
        repository: String,
        image: Value,
    ) -> Result<PromiseRaw<'env, Value>> {
        let image = guard(env, || image_arg(image))?;
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            json(&c.describe_scan_findings(&repository, &image, None).await?)
        })
    }

    /// Starts a basic scan of an image (`code: "LimitExceeded"` when one already ran today).
    #[napi(
        ts_args_type = "repository: string, image: string | ImageId",
        ts_return_type = "Promise<void>"
    )]
    pub fn start_image_scan<'env>(
        &self,
        env: &'env Env,
        repository: String,
        image: Value,
    ) -> Result<PromiseRaw<'env, ()>> {
        let image = guard(env, || image_arg(image))?;
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            Ok(c.start_image_scan(&repository, &image).await?)
        })
    }

    /// Resolves a tag or digest to `{ repository, digest, mediaType, children }` (children: the platform
    /// images of an index).
    #[napi(
        ts_args_type = "repository: string, image: string | ImageId",
        ts_return_type = "Promise<ResolvedImage>"
    )]
    pub fn resolve_image<'env>(
        &self,
        env: &'env Env,
        repository: String,
        image: Value,
    ) -> Result<PromiseRaw<'env, Value>> {
        let image = guard(env, || image_arg(image))?;
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            json(&c.resolve_image(&repository, &image).await?)
        })
    }

    /// The registry's scan type: `"BASIC"`, `"ENHANCED"`, or `null` when it does not say.
    #[napi(ts_return_type = "Promise<'BASIC' | 'ENHANCED' | null>")]
    pub fn registry_scan_type<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, Option<String>>> {
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            Ok(c.registry_scan_type().await?.map(|t| t.as_str().to_owned()))
        })
    }
}

// --- scan: severities, report formats, the strict findings reader ---

/// Every severity, most severe first: `CRITICAL`, `HIGH`, `MEDIUM`, `LOW`, `INFORMATIONAL`, `UNTRIAGED`,
/// `UNDEFINED`.
#[napi(namespace = "scan", ts_return_type = "Severity[]")]
pub fn severities() -> Vec<&'static str> {
    Severity::ALL.iter().map(|s| s.as_str()).collect()
}

/// A known severity name (case-insensitive, surrounding blanks ignored) in its ECR spelling, or `null`.
#[napi(namespace = "scan", ts_return_type = "Severity | null")]
pub fn parse_severity(name: String) -> Option<&'static str> {
    Severity::parse(&name).map(Severity::as_str)
}

/// A finding's severity as the gate reads it: unknown or absent values are `UNDEFINED`.
#[napi(namespace = "scan", ts_return_type = "Severity")]
pub fn severity_of_finding(name: Option<String>) -> &'static str {
    Severity::from_finding(name.as_deref()).as_str()
}

fn severity_arg(name: &str) -> std::result::Result<Severity, CoreError> {
    Severity::parse(name).ok_or_else(|| {
        CoreError::invalid(
            "severity",
            format!("unknown severity {name:?}; known: {}", severities().join(", ")),
        )
    })
}

/// Compares two severities by the core's order (most severe first): negative when `a` is more severe
/// than `b`, 0 when equal, positive when less severe (a `sort` comparator). Unknown names throw
/// `code: "InvalidArgument"`.
#[napi(namespace = "scan")]
pub fn compare_severity(env: &Env, a: String, b: String) -> Result<i32> {
    guard(env, || Ok(severity_arg(&a)?.cmp(&severity_arg(&b)?) as i32))
}

/// A report format name in its canonical spelling: `"json"`, `"sarif"` or `"markdown"` (`"md"` too, any
/// case); another name throws `code: "InvalidArgument"`.
#[napi(namespace = "scan", ts_return_type = "ReportFormat")]
pub fn parse_report_format(env: &Env, name: String) -> Result<&'static str> {
    guard(env, || {
        Ok(match report::Format::parse(&name)? {
            report::Format::Json => "json",
            report::Format::Sarif => "sarif",
            report::Format::Markdown => "markdown",
        })
    })
}

/// Parses DescribeImageScanFindings JSON text with the strict reader behind `parseFindings`: the same
/// result for every input, and a `code: "InvalidArgument"` error naming the JSON path of the first problem
/// (`[1].imageScanFindings.findings[0].severity`).
#[napi(namespace = "scan", ts_return_type = "Record<string, any>")]
pub fn parse_findings_strict(env: &Env, text: String) -> Result<Value> {
    guard(env, || json(&ecr_core::scan::parse_findings_strict(&text)?))
}
