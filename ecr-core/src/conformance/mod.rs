//! Conformance against a real ECR: run a corpus of cases in scratch repositories and compare, case by
//! case, ecr-core's offline answer with ECR's own.
//!
//! - **lifecycle**: [`LifecyclePolicy::evaluate`](crate::lifecycle::LifecyclePolicy::evaluate) against
//!   `StartLifecyclePolicyPreview` / `GetLifecyclePolicyPreview`, for every case of
//!   `fixtures/lifecycle/evaluation.json`. The case's active images are pushed in the order of their
//!   `imagePushedAt`, [`Options::push_gap`] apart, so count rules rank them as the fixture does; their ages
//!   are minutes, not the fixture's days, and archive states, pull times, manifest lists and referrers are
//!   not reproduced. Both sides evaluate the images as ECR describes them.
//! - **validation**: the validator against `PutLifecyclePolicy` for every case of
//!   `fixtures/lifecycle/validation.json`: accepted by both, or rejected by both for the same reason class
//!   ([`reason_class`]).
//! - **tagging**: [`RepositoryState::is_tag_immutable`](crate::tagging::RepositoryState::is_tag_immutable)
//!   against pushing a second image under the tag in a repository with `*_WITH_EXCLUSION` filters.
//! - **scan**: the scan waiter against the status sequence of a basic scan started by `StartImageScan`.
//! - **auth**: `GetAuthorizationToken`'s `proxyEndpoint` and `expiresAt` against the host parser and the
//!   authenticator, and whether the token serves the IPv4 and dual-stack registry hosts (a manifest read over
//!   the registry protocol; not probed when an endpoint override is in force).
//!
//! [`run`] creates every repository as `ecr-core-conformance-<random>-<label>`, tagged
//! `ecr-core-conformance=true`, and deletes all of them at the end, also when a case fails, the suite
//! panics, or `interrupt` completes first.
//!
//! ```no_run
//! # async fn demo() -> ecr_core::Result<()> {
//! use ecr_core::conformance::{Corpus, Options, run};
//! let client = ecr_core::EcrClient::builder().region("eu-west-1").build().await?;
//! let corpus = std::sync::Arc::new(Corpus::load(std::path::Path::new("fixtures"))?);
//! // A program passes Ctrl-C here (`tokio::signal::ctrl_c`); this run stops after 20 minutes at most.
//! let stop = tokio::time::sleep(std::time::Duration::from_secs(1200));
//! let report = run(&client, corpus, &Options::default(), stop).await;
//! print!("{}", report.table());
//! # Ok(()) }
//! ```

mod corpus;
mod lifecycle;
mod probe;
mod report;
mod scratch;
mod tagging;

#[cfg(test)]
mod tests;

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use corpus::{CaseImage, Corpus, Footprint, LifecycleCase, TagCase, ValidationCase};
pub use lifecycle::reason_class;
pub use report::{Area, CaseReport, Cleanup, Report, Verdict};
pub use scratch::{REPOSITORY_PREFIX, RESOURCE_TAG};

use crate::client::EcrClient;
use crate::error::Error;
use crate::types::TagMutability;
use scratch::Scratch;

/// How to run the suite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The areas to run (default all).
    pub areas: Vec<Area>,
    /// Pause between the pushes of one lifecycle case, so that push times order the images (default 1.5 s).
    pub push_gap: Duration,
    /// Pause between polls of a lifecycle preview or a scan (default 5 s).
    pub poll_interval: Duration,
    /// Longest wait for one lifecycle preview or the scan (default 10 minutes).
    pub timeout: Duration,
    /// Read a manifest from the registry hosts with the token (default true; never with an endpoint
    /// override, whose registry hosts are not the emulator's).
    pub probe_hosts: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            areas: Area::ALL.to_vec(),
            push_gap: Duration::from_millis(1500),
            poll_interval: Duration::from_secs(5),
            timeout: Duration::from_secs(600),
            probe_hosts: true,
        }
    }
}

/// What a run of `corpus` with `options` costs, in words (printed before anything is created).
pub fn cost_statement(corpus: &Corpus, options: &Options, region: &str) -> String {
    let f = corpus.footprint(&options.areas);
    let minutes = (f.images as f64 * (0.5 + options.push_gap.as_secs_f64())
        + f.lifecycle_previews as f64 * 20.0
        + f.basic_scans as f64 * 60.0)
        / 60.0;
    format!(
        "This run creates {} private repositories named {REPOSITORY_PREFIX}<random>-* in {region} (tagged \
         {RESOURCE_TAG}=true), pushes {} images of about 1.5 KB each, runs {} lifecycle policy previews and {} \
         basic scan(s), and deletes every repository at the end (also on failure or Ctrl-C). Cost: a few \
         kilobytes of storage for a few minutes (ECR storage is $0.10 per GB-month: far below one cent); basic \
         scans, lifecycle previews and API calls are free. Expect about {} minutes.",
        f.repositories,
        f.images,
        f.lifecycle_previews,
        f.basic_scans,
        minutes.ceil().max(1.0)
    )
}

/// Runs the suite, stopping early when `interrupt` completes, and always deletes the scratch repositories.
pub async fn run(
    client: &EcrClient,
    corpus: Arc<Corpus>,
    options: &Options,
    interrupt: impl Future<Output = ()>,
) -> Report {
    let region = client.region().unwrap_or_default().to_owned();
    let scratch = Scratch::new(client.clone());
    let rows = Arc::new(Mutex::new(Vec::new()));
    let mut task = tokio::spawn(run_areas(
        scratch.clone(),
        corpus,
        options.clone(),
        region.clone(),
        rows.clone(),
    ));
    tokio::pin!(interrupt);
    let (interrupted, stopped) = tokio::select! {
        joined = &mut task => (false, joined.err().map(|e| format!("the suite stopped: {e}"))),
        () = &mut interrupt => {
            task.abort();
            let _ = task.await;
            (true, None)
        }
    };
    let cleanup = scratch.delete_all().await;
    let cases = std::mem::take(&mut *rows.lock().unwrap_or_else(|p| p.into_inner()));
    Report {
        region,
        cases,
        interrupted,
        stopped,
        cleanup,
    }
}

/// Runs every selected area in [`Area::ALL`] order, adding rows as each group of cases finishes.
async fn run_areas(
    scratch: Scratch,
    corpus: Arc<Corpus>,
    options: Options,
    region: String,
    rows: Arc<Mutex<Vec<CaseReport>>>,
) {
    let add = |new: Vec<CaseReport>| rows.lock().unwrap_or_else(|p| p.into_inner()).extend(new);
    let probe_hosts = options.probe_hosts && scratch.client().endpoint_url().is_none();
    let mut probe: Option<crate::Result<(String, String, String)>> = None;
    for area in Area::ALL.into_iter().filter(|a| options.areas.contains(a)) {
        match area {
            Area::Validation => add(lifecycle::validation_cases(&scratch, &corpus.validation).await),
            Area::Tagging => {
                for (i, case) in corpus.tagging.iter().enumerate() {
                    add(tagging::tag_case(&scratch, i, case).await);
                }
            }
            Area::Lifecycle => {
                for (i, case) in corpus.lifecycle.iter().enumerate() {
                    add(vec![
                        lifecycle::lifecycle_case(
                            &scratch,
                            i,
                            case,
                            options.push_gap,
                            options.poll_interval,
                            options.timeout,
                        )
                        .await,
                    ]);
                }
            }
            Area::Scan | Area::Auth => {
                if probe.is_none() {
                    probe = Some(probe_image(&scratch).await);
                }
                let (repository, registry_id, digest) = match probe.as_ref() {
                    Some(Ok(p)) => p,
                    Some(Err(e)) => {
                        add(vec![CaseReport::failed(
                            area,
                            format!("{}: push an image", area.as_str()),
                            "-".into(),
                            e,
                        )]);
                        continue;
                    }
                    None => continue,
                };
                if area == Area::Scan {
                    add(vec![
                        probe::scan_case(
                            scratch.client(),
                            repository,
                            digest,
                            options.poll_interval,
                            options.timeout,
                        )
                        .await,
                    ]);
                } else {
                    add(probe::auth_cases(
                        scratch.client(),
                        &region,
                        registry_id,
                        (repository, digest),
                        probe_hosts,
                    )
                    .await);
                }
            }
        }
    }
}

/// The repository and image the scan and auth cases share: (repository, registry id, digest).
async fn probe_image(scratch: &Scratch) -> Result<(String, String, String), Error> {
    let repo = scratch.repository("probe", TagMutability::Mutable, &[]).await?;
    // A seed of its own per run: ECR scans an image at most once a day.
    let seed = repo.repository_name.clone();
    let digest = scratch.push(&repo.repository_name, &seed, Some("probe")).await?;
    Ok((repo.repository_name, repo.registry_id, digest))
}
