//! Scan gating: `ScanPolicy`, `evaluate_findings`, `parse_findings`, `ScanDecision`, and the scan methods of
//! both clients (wait for the scan and gate it, with a progress callback).
//!
//! Results are the `scan_gate` program's outputs: `ScanDecision.to_dict()` is its JSON report,
//! `.to_sarif()` its SARIF 2.1.0 log, `.to_markdown()` its Markdown summary (all from
//! `ecr_core::scan::report`).

use ecr_core::scan::report;
use ecr_core::scan::{GateDecision, GateImage, GateOptions, ScanPolicy, ScanType, Severity, WaitOptions};
use ecr_core::types::ImageId;
use ecr_core::{EcrClient, Error};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::conversions::{Json, from_py, to_py};
use crate::errors::{Failure, guard};
use crate::tasks::{Hook, Op, client_methods, image_arg, now_arg};

/// A validated scan gate policy (`failOn`, `minScore`, `ignore` rules, ...; unknown fields and bad dates are
/// errors naming the field).
#[pyclass(name = "ScanPolicy", module = "ecr_core", frozen)]
#[derive(Clone)]
pub(crate) struct PyScanPolicy {
    pub(crate) policy: ScanPolicy,
}

#[pymethods]
impl PyScanPolicy {
    /// Parses and validates a JSON policy; raises `PolicyValidationError` (`.errors` with each path).
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        guard(|| {
            Ok(Self {
                policy: ScanPolicy::from_json_str(text).map_err(Failure::from)?,
            })
        })
    }

    /// Parses and validates a TOML policy (the same field names; dates may be TOML dates).
    #[staticmethod]
    fn from_toml(text: &str) -> PyResult<Self> {
        guard(|| {
            Ok(Self {
                policy: ScanPolicy::from_toml_str(text).map_err(Failure::from)?,
            })
        })
    }

    /// Validates a policy given as a dict (the JSON shape).
    #[staticmethod]
    fn from_dict(policy: &Bound<'_, PyAny>) -> PyResult<Self> {
        guard(|| {
            let value = from_py(policy, "policy").map_err(Failure::from)?;
            Ok(Self {
                policy: ScanPolicy::from_value(&value).map_err(Failure::from)?,
            })
        })
    }

    /// Loads a policy file: `.toml` as TOML, anything else as JSON.
    #[staticmethod]
    fn load(path: std::path::PathBuf) -> PyResult<Self> {
        guard(|| {
            Ok(Self {
                policy: ScanPolicy::load(path).map_err(Failure::from)?,
            })
        })
    }

    /// The policy as a dict, defaults filled in.
    fn to_dict(&self) -> Json {
        Json::of(self.policy.to_json())
    }

    fn __repr__(&self) -> String {
        format!("ScanPolicy({})", self.policy.to_json())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyScanPolicy>()
            .is_ok_and(|o| o.get().policy == self.policy)
    }
}

/// The gate's decision: `.passed`, and the `scan_gate` program's renderings.
#[pyclass(name = "ScanDecision", module = "ecr_core", frozen)]
pub(crate) struct PyScanDecision {
    decision: GateDecision,
}

#[pymethods]
impl PyScanDecision {
    /// Whether the gate passed.
    #[getter]
    fn passed(&self) -> bool {
        self.decision.passed
    }

    /// Every reason for failing (empty when passed), as dicts (`code`, `message`, ...).
    #[getter]
    fn reasons<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &self.decision.reasons))
    }

    fn __repr__(&self) -> String {
        format!(
            "ScanDecision(passed={}, reasons={})",
            if self.decision.passed { "True" } else { "False" },
            self.decision.reasons.len()
        )
    }
}

crate::reports::report_methods!(PyScanDecision, decision, ecr_core::scan::report, "scan_gate");

/// A policy argument: a `ScanPolicy`, a dict, or JSON text.
fn policy_arg(policy: &Bound<'_, PyAny>) -> Result<ScanPolicy, Error> {
    if let Ok(p) = policy.cast::<PyScanPolicy>() {
        return Ok(p.get().policy.clone());
    }
    if let Ok(text) = policy.cast::<PyString>() {
        return ScanPolicy::from_json_str(&text.to_cow().map_err(|e| Error::invalid("policy", e.to_string()))?);
    }
    ScanPolicy::from_value(&from_py(policy, "policy")?)
}

/// Findings pages: JSON text (one DescribeImageScanFindings response, or an array of them), a dict (one
/// response) or a list of dicts (the pages of one image).
fn findings_arg(pages: &Bound<'_, PyAny>) -> Result<ecr_core::scan::ScanFindings, Error> {
    if let Ok(text) = pages.cast::<PyString>() {
        return ecr_core::scan::parse_findings(&text.to_cow().map_err(|e| Error::invalid("pages", e.to_string()))?);
    }
    ecr_core::scan::parse_findings_value(&from_py(pages, "pages")?)
}

/// Parses DescribeImageScanFindings response(s) (as for `evaluate_findings`) into one merged dict:
/// status, scan type, reported counts and every finding with its raw JSON.
#[pyfunction]
pub(crate) fn parse_findings(pages: &Bound<'_, PyAny>) -> PyResult<Json> {
    guard(|| Ok(Json::of(findings_arg(pages).map_err(Failure::from)?)))
}

/// Gates one image's findings on a policy, like `scan_gate --findings FILE --policy FILE [--now T]`.
///
/// `pages`: JSON text of one DescribeImageScanFindings response or an array of them, a dict, or a list of
/// dicts. `policy`: a `ScanPolicy`, a dict or JSON text. `now` (RFC 3339 string or aware `datetime`,
/// default now) decides ignore expiry. `repository`, `digest`, `platform` override where the image is (what
/// scoped ignore rules match against; default: what the response says).
#[pyfunction]
#[pyo3(signature = (pages, policy, *, now=None, repository=None, digest=None, platform=None))]
pub(crate) fn evaluate_findings(
    py: Python<'_>,
    pages: &Bound<'_, PyAny>,
    policy: &Bound<'_, PyAny>,
    now: Option<&Bound<'_, PyAny>>,
    repository: Option<String>,
    digest: Option<String>,
    platform: Option<String>,
) -> PyResult<PyScanDecision> {
    guard(|| {
        let scan = findings_arg(pages).map_err(Failure::from)?;
        let policy = policy_arg(policy).map_err(Failure::from)?;
        let now = now_arg(now).map_err(Failure::from)?;
        let mut image = GateImage::new(scan).with_location(repository, digest);
        if let Some(p) = platform {
            image = image.with_platform(p);
        }
        let decision = py.detach(|| ecr_core::scan::evaluate(&policy, [image], now));
        Ok(PyScanDecision { decision })
    })
}

fn scan_type_arg(scan_type: Option<&str>) -> Result<Option<ScanType>, Error> {
    match scan_type {
        None => Ok(None),
        Some(s) if s.eq_ignore_ascii_case("basic") => Ok(Some(ScanType::Basic)),
        Some(s) if s.eq_ignore_ascii_case("enhanced") => Ok(Some(ScanType::Enhanced)),
        Some(s) => Err(Error::invalid(
            "scan_type",
            format!("expected \"basic\" or \"enhanced\", got {s:?}"),
        )),
    }
}

/// The waiting knobs shared by `gate_image` and `wait_for_scan`.
struct Waiting {
    timeout: f64,
    poll_interval: f64,
    max_poll_interval: f64,
    consistency_polls: Option<u32>,
    start_scan: bool,
}

impl Waiting {
    fn options(&self, hook: &Hook) -> Result<WaitOptions, Error> {
        let mut wait = WaitOptions {
            timeout: ecr_core::time::seconds("timeout", self.timeout)?,
            poll_interval: ecr_core::time::seconds("poll_interval", self.poll_interval)?,
            max_poll_interval: ecr_core::time::seconds("max_poll_interval", self.max_poll_interval)?,
            consistency_polls: self.consistency_polls.map(|n| n.max(1)),
            start_basic_scan: self.start_scan,
            ..WaitOptions::default()
        };
        wait.max_poll_interval = wait.max_poll_interval.max(wait.poll_interval);
        if hook.is_set() {
            let hook = hook.clone();
            wait = wait.on_progress(move |p| {
                if let Ok(value) = serde_json::to_value(p) {
                    hook.call(&value);
                }
            });
        }
        Ok(wait)
    }
}

/// The arguments of `gate_image`, converted.
struct GateArgs {
    repository: String,
    image: ImageId,
    policy: ScanPolicy,
    options: GateOptions,
    now: ecr_core::time::Timestamp,
}

async fn gate_op(client: EcrClient, a: GateArgs) -> Result<PyScanDecision, Failure> {
    let decision = client
        .gate_image(&a.repository, &a.image, &a.policy, &a.options, a.now)
        .await?;
    Ok(PyScanDecision { decision })
}

#[allow(clippy::too_many_arguments)]
fn gate_args(
    repository: String,
    image: &Bound<'_, PyAny>,
    policy: &Bound<'_, PyAny>,
    now: Option<&Bound<'_, PyAny>>,
    waiting: Waiting,
    platforms: Vec<String>,
    scan_type: Option<&str>,
    hook: &Hook,
) -> Result<GateArgs, Error> {
    Ok(GateArgs {
        repository,
        image: image_arg(image)?,
        policy: policy_arg(policy)?,
        options: GateOptions {
            wait: waiting.options(hook)?,
            platforms,
            scan_type: scan_type_arg(scan_type)?,
        },
        now: now_arg(now)?,
    })
}

async fn wait_op(
    client: EcrClient,
    repository: String,
    digest: String,
    scan_type: Option<ScanType>,
    wait: WaitOptions,
) -> Result<Json, Failure> {
    Ok(Json::of(
        client.wait_for_scan(&repository, &digest, scan_type, &wait).await?,
    ))
}

async fn findings_op(client: EcrClient, repository: String, image: ImageId) -> Result<Json, Failure> {
    Ok(Json::of(
        client.describe_scan_findings(&repository, &image, None).await?,
    ))
}

async fn start_scan_op(client: EcrClient, repository: String, image: ImageId) -> Result<(), Failure> {
    Ok(client.start_image_scan(&repository, &image).await?)
}

async fn resolve_op(client: EcrClient, repository: String, image: ImageId) -> Result<Json, Failure> {
    Ok(Json::of(client.resolve_image(&repository, &image).await?))
}

async fn scan_type_op(client: EcrClient) -> Result<Option<String>, Failure> {
    Ok(client.registry_scan_type().await?.map(|t| t.as_str().to_owned()))
}

const DEFAULT_TIMEOUT: f64 = 600.0;

client_methods! {
    /// Waits for the scan of an image (every selected platform of an index) and gates it on `policy`, like
    /// the `scan_gate` program's live mode; returns a `ScanDecision`.
    ///
    /// `image`: a tag, a `sha256:` digest or an `ImageId` dict. `on_progress` is called after every poll with
    /// a dict (`image`, `status`, `elapsed`, `polls`, `stablePolls`, `findings`, `counts`); an exception it
    /// raises aborts the wait and is re-raised from this call unchanged. Raises `ScanTimeoutError` when the
    /// scan does not finish within `timeout` seconds. `scan_type`: `"basic"` / `"enhanced"` (default: asks
    /// the registry). `start_scan` starts a basic scan when none exists.
    #[pyo3(signature = (repository, image, policy, *, now=None, timeout=DEFAULT_TIMEOUT, poll_interval=5.0,
        max_poll_interval=30.0, consistency_polls=None, start_scan=false, platforms=Vec::new(), scan_type=None,
        on_progress=None))]
    #[allow(clippy::too_many_arguments)]
    fn gate_image(
        &self,
        py,
        repository: String,
        image: &Bound<'_, PyAny>,
        policy: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
        timeout: f64,
        poll_interval: f64,
        max_poll_interval: f64,
        consistency_polls: Option<u32>,
        start_scan: bool,
        platforms: Vec<String>,
        scan_type: Option<&str>,
        on_progress: Option<Py<PyAny>>,
    ) -> PyScanDecision {
        let hook = Hook::new(on_progress);
        let waiting = Waiting {
            timeout,
            poll_interval,
            max_poll_interval,
            consistency_polls,
            start_scan,
        };
        let args = gate_args(repository, image, policy, now, waiting, platforms, scan_type, &hook)
            .map_err(Failure::from)?;
        Ok(Op::hooked(hook, move |c| gate_op(c, args)))
    }

    /// Waits for the scan of one image (pinned by digest) to reach a final state; returns
    /// `{"scan": <merged findings>, "polls", "elapsed", "startedScan"}`. `on_progress` and errors as for
    /// `gate_image`.
    #[pyo3(signature = (repository, digest, *, scan_type=None, timeout=DEFAULT_TIMEOUT, poll_interval=5.0,
        max_poll_interval=30.0, consistency_polls=None, start_scan=false, on_progress=None))]
    #[allow(clippy::too_many_arguments)]
    fn wait_for_scan(
        &self,
        py,
        repository: String,
        digest: String,
        scan_type: Option<&str>,
        timeout: f64,
        poll_interval: f64,
        max_poll_interval: f64,
        consistency_polls: Option<u32>,
        start_scan: bool,
        on_progress: Option<Py<PyAny>>,
    ) -> Json {
        let hook = Hook::new(on_progress);
        let waiting = Waiting {
            timeout,
            poll_interval,
            max_poll_interval,
            consistency_polls,
            start_scan,
        };
        let wait = waiting.options(&hook).map_err(Failure::from)?;
        let scan_type = scan_type_arg(scan_type).map_err(Failure::from)?;
        Ok(Op::hooked(hook, move |c| {
            wait_op(c, repository, digest, scan_type, wait)
        }))
    }

    /// Every page of DescribeImageScanFindings for one image, merged (as `parse_findings` returns it).
    /// Raises `ScanNotFoundError` when the image has no scan.
    fn describe_scan_findings(&self, py, repository: String, image: &Bound<'_, PyAny>) -> Json {
        let image = image_arg(image).map_err(Failure::from)?;
        Ok(Op::new(move |c| {
            findings_op(c, repository, image)
        }))
    }

    /// Starts a basic scan of an image (`LimitExceededError` when one already ran today).
    fn start_image_scan(&self, py, repository: String, image: &Bound<'_, PyAny>) -> () {
        let image = image_arg(image).map_err(Failure::from)?;
        Ok(Op::new(move |c| {
            start_scan_op(c, repository, image)
        }))
    }

    /// Resolves a tag or digest to `{"repository", "digest", "mediaType", "children"}` (children: the
    /// platform images of an index).
    fn resolve_image(&self, py, repository: String, image: &Bound<'_, PyAny>) -> Json {
        let image = image_arg(image).map_err(Failure::from)?;
        Ok(Op::new(move |c| resolve_op(c, repository, image)))
    }

    /// The registry's scan type: `"BASIC"`, `"ENHANCED"`, or `None` when it does not say.
    fn registry_scan_type(&self, py) -> Option<String> {
        Ok(Op::new(scan_type_op))
    }
}

// --- scan: severities, report formats, the strict findings reader ---

/// Every severity, most severe first: `CRITICAL`, `HIGH`, `MEDIUM`, `LOW`, `INFORMATIONAL`, `UNTRIAGED`,
/// `UNDEFINED`.
#[pyfunction]
pub(crate) fn severities() -> Vec<&'static str> {
    Severity::ALL.iter().map(|s| s.as_str()).collect()
}

/// A known severity name (case-insensitive, surrounding blanks ignored) in its ECR spelling, or `None`.
#[pyfunction]
pub(crate) fn parse_severity(name: &str) -> Option<&'static str> {
    Severity::parse(name).map(Severity::as_str)
}

/// A finding's severity as the gate reads it: unknown or absent values are `UNDEFINED`.
#[pyfunction]
#[pyo3(signature = (name=None))]
pub(crate) fn severity_of_finding(name: Option<&str>) -> &'static str {
    Severity::from_finding(name).as_str()
}

fn severity_arg(name: &str) -> Result<Severity, Error> {
    Severity::parse(name).ok_or_else(|| {
        Error::invalid(
            "severity",
            format!("unknown severity {name:?}; known: {}", severities().join(", ")),
        )
    })
}

/// Compares two severities by the core's order (most severe first): negative when `a` is more severe
/// than `b`, 0 when equal, positive when less severe. Unknown names raise `InvalidArgumentError`.
#[pyfunction]
pub(crate) fn compare_severity(a: &str, b: &str) -> PyResult<i32> {
    guard(|| {
        let (a, b) = (
            severity_arg(a).map_err(Failure::from)?,
            severity_arg(b).map_err(Failure::from)?,
        );
        Ok(a.cmp(&b) as i32)
    })
}

/// A report format name in its canonical spelling: `"json"`, `"sarif"` or `"markdown"` (`"md"` too, any
/// case); another name raises `InvalidArgumentError`.
#[pyfunction]
pub(crate) fn parse_report_format(name: &str) -> PyResult<&'static str> {
    guard(|| {
        Ok(match report::Format::parse(name).map_err(Failure::from)? {
            report::Format::Json => "json",
            report::Format::Sarif => "sarif",
            report::Format::Markdown => "markdown",
        })
    })
}

/// Parses DescribeImageScanFindings JSON text with the strict reader behind `parse_findings`: the same
/// result for every input, and an `InvalidArgumentError` naming the JSON path of the first problem
/// (`[1].imageScanFindings.findings[0].severity`).
#[pyfunction]
pub(crate) fn parse_findings_strict(text: &str) -> PyResult<Json> {
    guard(|| {
        Ok(Json::of(
            ecr_core::scan::parse_findings_strict(text).map_err(Failure::from)?,
        ))
    })
}
