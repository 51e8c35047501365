//! The waiter over replayed polls.

use super::*;

enum Step {
    Page(Value),
    NotFound,
    Fail(&'static str),
}

struct Replay {
    steps: Mutex<VecDeque<Step>>,
    last: Mutex<Option<Value>>,
    fetches: AtomicUsize,
    starts: AtomicUsize,
    start_error: Option<&'static str>,
}

impl Replay {
    fn new(steps: Vec<Step>) -> Self {
        Self {
            steps: Mutex::new(steps.into()),
            last: Mutex::new(None),
            fetches: AtomicUsize::new(0),
            starts: AtomicUsize::new(0),
            start_error: None,
        }
    }
}

#[async_trait::async_trait]
impl ScanSource for Replay {
    fn image(&self) -> String {
        "repo@sha256:test".into()
    }
    async fn fetch(&self, _max: Option<i32>) -> crate::Result<ScanFindings> {
        self.fetches.fetch_add(1, Ordering::SeqCst);
        let step = self.steps.lock().unwrap().pop_front();
        match step {
            Some(Step::Page(v)) => {
                *self.last.lock().unwrap() = Some(v.clone());
                parse_findings_value(&v)
            }
            Some(Step::NotFound) => Err(Error::ScanNotFound {
                message: "no scan".into(),
                request_id: None,
            }),
            Some(Step::Fail(code)) => Err(Error::from_service(code.into(), "boom".into(), None)),
            None => match self.last.lock().unwrap().clone() {
                Some(v) => parse_findings_value(&v),
                None => Err(Error::ScanNotFound {
                    message: "no scan".into(),
                    request_id: None,
                }),
            },
        }
    }
    async fn start_scan(&self) -> crate::Result<()> {
        self.starts.fetch_add(1, Ordering::SeqCst);
        match self.start_error {
            Some(code) => Err(Error::from_service(code.into(), "already scanned today".into(), None)),
            None => Ok(()),
        }
    }
}

fn status_page(status: &str, findings: Value) -> Step {
    Step::Page(json!({"imageScanStatus": {"status": status}, "imageScanFindings": findings}))
}

fn basic(ids: &[&str]) -> Value {
    json!({"findings": ids.iter().map(|i| json!({"name": i, "severity": "HIGH"})).collect::<Vec<_>>()})
}

fn enhanced(ids: &[&str]) -> Value {
    json!({"enhancedFindings": ids.iter().map(|i| json!({"severity": "HIGH",
        "packageVulnerabilityDetails": {"vulnerabilityId": i}})).collect::<Vec<_>>()})
}

pub(super) fn fast() -> WaitOptions {
    WaitOptions {
        timeout: Duration::from_secs(120),
        poll_interval: Duration::from_secs(5),
        max_poll_interval: Duration::from_secs(20),
        backoff: 2.0,
        jitter: 0.0,
        ..WaitOptions::default()
    }
}

#[tokio::test(start_paused = true)]
async fn in_progress_then_complete_basic() {
    let src = Replay::new(vec![
        status_page("PENDING", json!({})),
        status_page("IN_PROGRESS", json!({})),
        status_page("COMPLETE", basic(&["CVE-1"])),
    ]);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    let opts = fast().on_progress(move |p| s2.lock().unwrap().push((p.status.clone(), p.elapsed, p.findings)));
    let out = wait_for_scan(&src, Some(ScanType::Basic), &opts).await.unwrap();
    assert_eq!(out.scan.status, Some(ScanStatus::Complete));
    assert_eq!(out.polls, 3, "basic needs one done poll");
    // Backoff: 5 s then 10 s.
    assert_eq!(out.elapsed, Duration::from_secs(15));
    let seen = seen.lock().unwrap();
    let statuses: Vec<&str> = seen.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(statuses, ["PENDING", "IN_PROGRESS", "COMPLETE"]);
    assert_eq!(seen[2].2, 1);
}

#[tokio::test(start_paused = true)]
async fn active_waits_until_results_are_stable() {
    // Counts grow then settle (aws-sdk#289, check-aws-inspector's consistency delay).
    let src = Replay::new(vec![
        status_page("ACTIVE", json!({"findings": []})),
        status_page("ACTIVE", enhanced(&["CVE-1"])),
        status_page("ACTIVE", enhanced(&["CVE-1", "CVE-2", "CVE-3"])),
        status_page("ACTIVE", enhanced(&["CVE-1", "CVE-2", "CVE-3"])),
        status_page("ACTIVE", enhanced(&["CVE-1", "CVE-2", "CVE-3", "CVE-4"])),
    ]);
    let out = wait_for_scan(&src, None, &fast()).await.unwrap();
    assert_eq!(out.scan.findings.len(), 3);
    assert_eq!(out.polls, 4);
    // Three identical polls asked for: the fifth differs, so it goes on to the sixth (replayed last).
    let src = Replay::new(vec![
        status_page("COMPLETE", enhanced(&["CVE-1"])),
        status_page("COMPLETE", enhanced(&["CVE-1"])),
        status_page("COMPLETE", enhanced(&["CVE-1", "CVE-2"])),
    ]);
    let out = wait_for_scan(&src, Some(ScanType::Enhanced), &fast().consistency_polls(3))
        .await
        .unwrap();
    assert_eq!(out.scan.findings.len(), 2);
    assert_eq!(out.polls, 5);
}

#[tokio::test(start_paused = true)]
async fn final_error_statuses_return_at_once() {
    for s in [
        "FAILED",
        "UNSUPPORTED_IMAGE",
        "SCAN_ELIGIBILITY_EXPIRED",
        "FINDINGS_UNAVAILABLE",
        "LIMIT_EXCEEDED",
        "IMAGE_ARCHIVED",
        "SOMETHING_NEW",
    ] {
        let src = Replay::new(vec![status_page("IN_PROGRESS", json!({})), status_page(s, json!({}))]);
        let out = wait_for_scan(&src, None, &fast()).await.unwrap();
        assert_eq!(out.scan.status.as_ref().unwrap().as_str(), s);
        assert_eq!(out.polls, 2, "{s}");
    }
}

#[tokio::test(start_paused = true)]
async fn unknown_status_can_be_waited_on() {
    let src = Replay::new(vec![
        status_page("SOMETHING_NEW", json!({})),
        status_page("COMPLETE", basic(&[])),
    ]);
    let opts = WaitOptions {
        wait_on_unknown_status: true,
        ..fast()
    };
    let out = wait_for_scan(&src, Some(ScanType::Basic), &opts).await.unwrap();
    assert_eq!(out.scan.status, Some(ScanStatus::Complete));
}

#[tokio::test(start_paused = true)]
async fn scan_not_found_retries_then_starts_a_basic_scan() {
    let src = Replay::new(vec![
        Step::NotFound,
        Step::NotFound,
        status_page("COMPLETE", basic(&["CVE-1"])),
    ]);
    let out = wait_for_scan(&src, Some(ScanType::Basic), &fast()).await.unwrap();
    assert_eq!(src.starts.load(Ordering::SeqCst), 0, "not allowed to start");
    assert!(!out.started_scan);
    assert_eq!(out.polls, 3);

    let src = Replay::new(vec![
        Step::NotFound,
        status_page("IN_PROGRESS", json!({})),
        status_page("COMPLETE", basic(&[])),
    ]);
    let out = wait_for_scan(&src, None, &fast().start_basic_scan(true)).await.unwrap();
    assert_eq!(src.starts.load(Ordering::SeqCst), 1);
    assert!(out.started_scan);

    // LimitExceeded from StartImageScan: a scan exists; read it.
    let mut src = Replay::new(vec![
        Step::NotFound,
        Step::NotFound,
        status_page("COMPLETE", basic(&[])),
    ]);
    src.start_error = Some("LimitExceededException");
    let out = wait_for_scan(&src, Some(ScanType::Basic), &fast().start_basic_scan(true))
        .await
        .unwrap();
    assert_eq!(src.starts.load(Ordering::SeqCst), 1, "started once only");
    assert_eq!(out.scan.status, Some(ScanStatus::Complete));

    // Other StartImageScan errors are errors.
    let mut src = Replay::new(vec![Step::NotFound]);
    src.start_error = Some("UnsupportedImageTypeException");
    let e = wait_for_scan(&src, Some(ScanType::Basic), &fast().start_basic_scan(true))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "ServiceError");

    // Never under enhanced scanning.
    let src = Replay::new(vec![Step::NotFound, status_page("ACTIVE", enhanced(&[]))]);
    wait_for_scan(&src, Some(ScanType::Enhanced), &fast().start_basic_scan(true))
        .await
        .unwrap();
    assert_eq!(src.starts.load(Ordering::SeqCst), 0);
}

#[tokio::test(start_paused = true)]
async fn timeout_names_the_last_status() {
    let src = Replay::new(vec![status_page("IN_PROGRESS", json!({}))]);
    let e = wait_for_scan(&src, None, &fast().timeout(Duration::from_secs(60)))
        .await
        .unwrap_err();
    match e {
        Error::ScanTimeout {
            image,
            last_status,
            elapsed,
        } => {
            assert_eq!(image, "repo@sha256:test");
            assert_eq!(last_status, "IN_PROGRESS");
            assert_eq!(elapsed, Duration::from_secs(60));
        }
        other => panic!("{other:?}"),
    }
    // 5 + 10 + 20 + 20 (capped) = 55, then 5 to the deadline: 6 polls.
    assert_eq!(src.fetches.load(Ordering::SeqCst), 6);
    let src = Replay::new(vec![Step::NotFound]);
    let e = wait_for_scan(&src, None, &fast().timeout(Duration::from_secs(30)))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("SCAN_NOT_FOUND"), "{e}");
}

#[tokio::test(start_paused = true)]
async fn other_errors_stop_the_wait() {
    let src = Replay::new(vec![Step::Fail("RepositoryNotFoundException")]);
    let e = wait_for_scan(&src, None, &fast()).await.unwrap_err();
    assert_eq!(e.code(), "RepositoryNotFound");
    assert_eq!(src.fetches.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn jitter_stays_within_bounds() {
    let src = Replay::new(vec![
        status_page("IN_PROGRESS", json!({})),
        status_page("COMPLETE", basic(&[])),
    ]);
    let opts = WaitOptions { jitter: 0.5, ..fast() };
    let out = wait_for_scan(&src, Some(ScanType::Basic), &opts).await.unwrap();
    assert!(
        out.elapsed >= Duration::from_millis(2500) && out.elapsed <= Duration::from_millis(7500),
        "{:?}",
        out.elapsed
    );
}
