//! The conformance suite against the local ECR emulator (moto's server), by the same code path as against
//! ECR: scratch repositories created and tagged, images pushed through the layer upload API and PutImage,
//! every case compared, every repository deleted. moto differs from ECR in known ways, which give real
//! disagreements to report: it matches exclusion filters as regular-expression prefixes (`dev-*` covers
//! `devops`), it skips the lifecycle checks across fields (a duplicate `rulePriority` is accepted), and it has
//! no lifecycle preview (the lifecycle case fails, and its repository is still deleted).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use ecr_core::conformance::{Area, Corpus, Options, REPOSITORY_PREFIX, Report, TagCase, Verdict, run};
use ecr_core::types::TagMutability;

fn fast() -> Options {
    Options {
        push_gap: Duration::ZERO,
        poll_interval: Duration::from_millis(100),
        timeout: Duration::from_secs(30),
        ..Options::default()
    }
}

fn row<'a>(report: &'a Report, case: &str) -> &'a ecr_core::conformance::CaseReport {
    report
        .cases
        .iter()
        .find(|c| c.case == case)
        .unwrap_or_else(|| panic!("no case {case:?} in {:#?}", report.cases))
}

/// Every repository the run created is gone from the emulator.
async fn assert_cleaned(client: &ecr_core::EcrClient, report: &Report) {
    assert!(!report.cleanup.is_empty());
    for c in &report.cleanup {
        assert!(c.repository.starts_with(REPOSITORY_PREFIX), "{c:?}");
        assert_eq!(c.error, None, "{c:?}");
        let err = client.describe_repository(&c.repository).await.unwrap_err();
        assert_eq!(err.code(), "RepositoryNotFound", "{} still exists", c.repository);
    }
}

#[tokio::test]
async fn agreeing_and_disagreeing_cases_are_reported_and_everything_is_deleted() {
    let client = support::emulator().client().await;
    let full = Corpus::load(&support::fixtures()).unwrap();
    let pick = [
        "documented example image-age",
        "not JSON",
        "missing rules",
        "duplicate rulePriority",
    ];
    let corpus = Corpus {
        lifecycle: full.lifecycle[..1].to_vec(),
        validation: full
            .validation
            .into_iter()
            .filter(|c| pick.contains(&c.name.as_str()))
            .collect(),
        tagging: vec![TagCase {
            mutability: TagMutability::ImmutableWithExclusion,
            filters: vec!["dev-*".into()],
            tags: vec!["dev-1".into(), "devops".into(), "xdev-1".into()],
        }],
    };
    let report = run(&client, Arc::new(corpus), &fast(), std::future::pending()).await;

    // Validation: both accept, both reject for the same reason class, or moto accepts what ECR rejects.
    let accepted = row(&report, "documented example image-age");
    assert_eq!((accepted.verdict, accepted.ecr.as_str()), (Verdict::Agree, "accepted"));
    for case in ["not JSON", "missing rules"] {
        let r = row(&report, case);
        assert_eq!(r.verdict, Verdict::Agree, "{r:?}");
        assert!(r.ecr.starts_with("rejected ("), "{r:?}");
    }
    let duplicate = row(&report, "duplicate rulePriority");
    assert_eq!(duplicate.verdict, Verdict::Disagree, "{duplicate:?}");
    assert_eq!(
        (duplicate.ecr_core.as_str(), duplicate.ecr.as_str()),
        ("rejected (rule)", "accepted")
    );

    // Tagging: an anchored wildcard against moto's regular-expression prefix match.
    let tag = |t: &str| row(&report, &format!("IMMUTABLE_WITH_EXCLUSION dev-*: {t}"));
    assert_eq!(tag("dev-1").verdict, Verdict::Agree, "{:?}", tag("dev-1"));
    assert_eq!(tag("dev-1").ecr, "overwritten: mutable");
    assert_eq!(tag("xdev-1").verdict, Verdict::Agree, "{:?}", tag("xdev-1"));
    assert!(tag("xdev-1").ecr.starts_with("refused ("), "{:?}", tag("xdev-1"));
    let devops = tag("devops");
    assert_eq!(
        (devops.verdict, devops.ecr_core.as_str()),
        (Verdict::Disagree, "immutable"),
        "{devops:?}"
    );

    // Scan: moto's basic scan completes; the waiter stops on the status a second read confirms.
    let scan = row(&report, "scan: basic scan started by StartImageScan");
    assert_eq!(scan.verdict, Verdict::Agree, "{scan:?}");
    assert!(scan.ecr.ends_with("read again: COMPLETE"), "{scan:?}");

    // Auth: the proxy endpoint is the host the parser builds; moto's fixed 2015 expiry is refused by the
    // authenticator (a disagreement); the registry hosts are not probed behind an endpoint override.
    let proxy = row(&report, "auth: proxyEndpoint");
    assert_eq!(proxy.verdict, Verdict::Agree, "{proxy:?}");
    assert!(
        proxy
            .ecr
            .ends_with(&format!(".dkr.ecr.{}.amazonaws.com", support::emulator().region())),
        "{proxy:?}"
    );
    let expiry = row(&report, "auth: token expiry");
    assert_eq!(expiry.verdict, Verdict::Disagree, "{expiry:?}");
    assert!(expiry.ecr_core.starts_with("not handed out: refused"), "{expiry:?}");
    let skipped: Vec<_> = report.cases.iter().filter(|c| c.verdict == Verdict::Skipped).collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");

    // Lifecycle: moto has no lifecycle preview, so the case fails (the replayed tests cover the comparison).
    let lifecycle = report.cases.iter().find(|c| c.area == Area::Lifecycle).unwrap();
    assert_eq!(lifecycle.verdict, Verdict::Error, "{lifecycle:?}");

    assert_eq!(report.exit_code(), 2);
    assert!(!report.interrupted);
    // validation, tagging, probe, lifecycle
    assert_eq!(report.cleanup.len(), 4, "{:?}", report.cleanup);
    assert_cleaned(&client, &report).await;
}

#[tokio::test]
async fn an_interrupted_run_still_deletes_what_it_created() {
    let client = support::emulator().client().await;
    let corpus = Corpus::load(&support::fixtures()).unwrap();
    let total = corpus.validation.len() + corpus.lifecycle.len();
    // Lifecycle cases push 1.5 s apart: the run is surely under way after 3 s.
    let options = Options {
        push_gap: Duration::from_millis(1500),
        ..fast()
    };
    let report = run(
        &client,
        Arc::new(corpus),
        &options,
        tokio::time::sleep(Duration::from_secs(3)),
    )
    .await;
    assert!(report.interrupted);
    assert!(
        report.cases.len() < total,
        "{} of {total} cases ran",
        report.cases.len()
    );
    assert_eq!(report.exit_code(), 2);
    assert!(report.table().contains("INTERRUPTED"), "{}", report.table());
    assert_cleaned(&client, &report).await;
}
