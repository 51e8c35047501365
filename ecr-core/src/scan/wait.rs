//! The scan waiter: polls `DescribeImageScanFindings` (every page) until the scan is done, knowing the scan
//! type.
//!
//! - `PENDING`, `IN_PROGRESS`: keep waiting.
//! - `COMPLETE`, `ACTIVE`: done once `consistency_polls` consecutive polls return the same result (enhanced
//!   findings can arrive after the status says done; by default 2 polls for enhanced or unknown scan types,
//!   1 for basic).
//! - `FAILED`, `UNSUPPORTED_IMAGE`, `SCAN_ELIGIBILITY_EXPIRED`, `FINDINGS_UNAVAILABLE`, `LIMIT_EXCEEDED`,
//!   `IMAGE_ARCHIVED`: final; returned so the gate applies `onScanError` / `onUnsupportedImage`.
//! - Any unknown status: final (the gate fails closed) unless `wait_on_unknown_status` is set.
//! - `ScanNotFoundException` (common right after a push): retry; when `start_basic_scan` is set and the scan
//!   type is not enhanced, start a basic scan once; `LimitExceededException` from StartImageScan means a scan
//!   already exists, so keep reading.
//!
//! The poll interval grows by `backoff` up to `max_poll_interval`, each sleep jittered by ±`jitter`; the whole
//! wait is bounded by `timeout` ([`Error::ScanTimeout`]). A progress callback sees every poll.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use rand::Rng;
use serde::Serialize;

use super::finding::{ScanFindings, ScanType, SeverityCounts, StatusClass};
use crate::error::{Error, Result};

/// What a progress callback sees after each poll.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "ScanProgress")]
pub struct Progress {
    /// The image being waited for (`repository@digest`).
    pub image: String,
    /// The status seen (`SCAN_NOT_FOUND` when there is no scan yet).
    pub status: String,
    /// Time since the wait started.
    #[serde(serialize_with = "secs")]
    #[schemars(with = "f64")]
    pub elapsed: Duration,
    /// Polls so far.
    pub polls: u32,
    /// Consecutive identical done results so far.
    pub stable_polls: u32,
    /// Findings read in this poll.
    pub findings: usize,
    /// Their counts by severity.
    pub counts: SeverityCounts,
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// A progress callback (the bindings expose it).
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// How to wait.
#[derive(Clone)]
pub struct WaitOptions {
    /// Overall limit (default 10 minutes).
    pub timeout: Duration,
    /// First poll interval (default 5 s).
    pub poll_interval: Duration,
    /// Largest poll interval (default 30 s).
    pub max_poll_interval: Duration,
    /// Interval growth factor per poll (default 1.5; 1.0 for a fixed interval).
    pub backoff: f64,
    /// Random spread of each sleep, as a fraction (default 0.2 = ±20%).
    pub jitter: f64,
    /// Consecutive identical done results required; `None` = 1 for basic scans, 2 otherwise.
    pub consistency_polls: Option<u32>,
    /// Start a basic scan when none exists (needs `ecr:StartImageScan`; never for enhanced scanning).
    pub start_basic_scan: bool,
    /// Keep waiting on unknown statuses instead of returning them (the gate fails closed on them).
    pub wait_on_unknown_status: bool,
    /// Page size for DescribeImageScanFindings (1–1000; enhanced results may ignore it).
    pub max_results: Option<i32>,
    /// Called after every poll.
    pub progress: Option<ProgressFn>,
}

impl std::fmt::Debug for WaitOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WaitOptions")
            .field("timeout", &self.timeout)
            .field("poll_interval", &self.poll_interval)
            .field("max_poll_interval", &self.max_poll_interval)
            .field("backoff", &self.backoff)
            .field("jitter", &self.jitter)
            .field("consistency_polls", &self.consistency_polls)
            .field("start_basic_scan", &self.start_basic_scan)
            .field("wait_on_unknown_status", &self.wait_on_unknown_status)
            .field("max_results", &self.max_results)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(600),
            poll_interval: Duration::from_secs(5),
            max_poll_interval: Duration::from_secs(30),
            backoff: 1.5,
            jitter: 0.2,
            consistency_polls: None,
            start_basic_scan: false,
            wait_on_unknown_status: false,
            max_results: None,
            progress: None,
        }
    }
}

impl WaitOptions {
    /// Sets the overall timeout.
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    /// Sets the first poll interval.
    pub fn poll_interval(mut self, t: Duration) -> Self {
        self.poll_interval = t;
        self
    }

    /// Sets the consistency requirement.
    pub fn consistency_polls(mut self, n: u32) -> Self {
        self.consistency_polls = Some(n.max(1));
        self
    }

    /// Allows starting a basic scan.
    pub fn start_basic_scan(mut self, yes: bool) -> Self {
        self.start_basic_scan = yes;
        self
    }

    /// Sets the progress callback.
    pub fn on_progress(mut self, f: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(f));
        self
    }

    fn required_stable(&self, scan_type: Option<ScanType>) -> u32 {
        self.consistency_polls
            .unwrap_or(if scan_type == Some(ScanType::Basic) { 1 } else { 2 })
            .max(1)
    }

    fn sleep_for(&self, interval: Duration) -> Duration {
        let j = self.jitter.clamp(0.0, 0.9);
        if j == 0.0 {
            return interval;
        }
        let f = rand::rng().random_range((1.0 - j)..=(1.0 + j));
        interval.mul_f64(f)
    }
}

/// The result of a wait.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "ScanWaitOutcome")]
pub struct WaitOutcome {
    /// The final findings (every page).
    pub scan: ScanFindings,
    /// Polls made.
    pub polls: u32,
    /// Time spent, in seconds.
    #[serde(serialize_with = "secs")]
    #[schemars(with = "f64")]
    pub elapsed: Duration,
    /// Whether this waiter started a basic scan.
    pub started_scan: bool,
}

/// Where the waiter reads scans from (the live ECR path, or a replay in tests).
#[async_trait]
pub(crate) trait ScanSource: Send + Sync {
    /// `repository@digest`, for messages.
    fn image(&self) -> String;
    /// Reads every page of the current findings.
    async fn fetch(&self, max_results: Option<i32>) -> Result<ScanFindings>;
    /// Starts a basic scan.
    async fn start_scan(&self) -> Result<()>;
}

fn fingerprint(scan: &ScanFindings) -> u64 {
    let mut h = DefaultHasher::new();
    scan.status.as_ref().map(|s| s.as_str().to_owned()).hash(&mut h);
    scan.reported_counts.hash(&mut h);
    let mut keys: Vec<(&str, Option<&str>, &str, u8)> = scan
        .findings
        .iter()
        .map(|f| (f.id.as_str(), f.package.as_deref(), f.severity.as_str(), f.status as u8))
        .collect();
    keys.sort_unstable();
    keys.hash(&mut h);
    h.finish()
}

/// Waits for the scan; see the module docs.
pub(crate) async fn wait_for_scan(
    source: &dyn ScanSource,
    scan_type: Option<ScanType>,
    opts: &WaitOptions,
) -> Result<WaitOutcome> {
    let start = tokio::time::Instant::now();
    let mut interval = opts.poll_interval;
    let mut polls = 0u32;
    let mut last: Option<u64> = None;
    let mut stable = 0u32;
    let mut started = false;
    let mut last_status: String;
    loop {
        polls += 1;
        let mut known_type = scan_type;
        match source.fetch(opts.max_results).await {
            Ok(scan) => {
                known_type = known_type.or(scan.evident_scan_type());
                let status = scan.status.as_ref().map(|s| s.as_str().to_owned());
                last_status = status.clone().unwrap_or_else(|| "none".to_owned());
                let class = scan.status.as_ref().map(|s| s.class());
                if class == Some(StatusClass::Done) {
                    let fp = fingerprint(&scan);
                    if last == Some(fp) {
                        stable += 1;
                    } else {
                        last = Some(fp);
                        stable = 1;
                    }
                } else {
                    last = None;
                    stable = 0;
                }
                report(opts, source, &last_status, start, polls, stable, &scan);
                let done = match class {
                    Some(StatusClass::Done) => stable >= opts.required_stable(known_type),
                    Some(StatusClass::Waiting) => false,
                    Some(StatusClass::Error) => true,
                    Some(StatusClass::Unknown) | None => !opts.wait_on_unknown_status,
                };
                if done {
                    return Ok(WaitOutcome {
                        scan,
                        polls,
                        elapsed: start.elapsed(),
                        started_scan: started,
                    });
                }
            }
            Err(Error::ScanNotFound { .. }) => {
                last_status = "SCAN_NOT_FOUND".to_owned();
                last = None;
                stable = 0;
                if let Some(cb) = &opts.progress {
                    cb(&Progress {
                        image: source.image(),
                        status: last_status.clone(),
                        elapsed: start.elapsed(),
                        polls,
                        stable_polls: 0,
                        findings: 0,
                        counts: SeverityCounts::new(),
                    });
                }
                if opts.start_basic_scan && !started && known_type != Some(ScanType::Enhanced) {
                    match source.start_scan().await {
                        // LimitExceeded: a scan already exists (one per image per 24 h): read it.
                        Ok(()) | Err(Error::LimitExceeded { .. }) => started = true,
                        Err(e) => return Err(e),
                    }
                    continue;
                }
            }
            Err(e) => return Err(e),
        }
        let elapsed = start.elapsed();
        if elapsed >= opts.timeout {
            return Err(timeout(source, &last_status, elapsed));
        }
        let remaining = opts.timeout - elapsed;
        // The last sleep ends at the deadline, and the poll after it still counts.
        tokio::time::sleep(opts.sleep_for(interval).min(remaining)).await;
        let next = interval.as_secs_f64() * opts.backoff.max(1.0);
        interval = Duration::from_secs_f64(next.min(opts.max_poll_interval.as_secs_f64().max(0.0)));
    }
}

fn timeout(source: &dyn ScanSource, last_status: &str, elapsed: Duration) -> Error {
    Error::ScanTimeout {
        image: source.image(),
        last_status: last_status.to_owned(),
        elapsed,
    }
}

fn report(
    opts: &WaitOptions,
    source: &dyn ScanSource,
    status: &str,
    start: tokio::time::Instant,
    polls: u32,
    stable: u32,
    scan: &ScanFindings,
) {
    if let Some(cb) = &opts.progress {
        cb(&Progress {
            image: source.image(),
            status: status.to_owned(),
            elapsed: start.elapsed(),
            polls,
            stable_polls: stable,
            findings: scan.findings.len(),
            counts: scan.computed_counts(),
        });
    }
}
