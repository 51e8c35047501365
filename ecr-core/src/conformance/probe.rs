//! The cases on one pushed image: the status sequence of a basic scan, and the authorization token (its
//! proxy endpoint, expiry, and the registry hosts it serves).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::report::{Area, CaseReport, Verdict};
use crate::auth::Authenticator;
use crate::client::EcrClient;
use crate::error::{Error, Result};
use crate::reference::RegistryHost;
use crate::scan::{ScanStatus, ScanType, WaitOptions};
use crate::time::{self, Timestamp};
use crate::types::ImageId;
use crate::verify::{RegistryAccess, RegistryAuth, RegistryClient};

/// The statuses a basic scan can show (the waiter reports `SCAN_NOT_FOUND` before the scan exists).
const BASIC_STATUSES: [&str; 6] = [
    "SCAN_NOT_FOUND",
    "PENDING",
    "IN_PROGRESS",
    "COMPLETE",
    "FAILED",
    "UNSUPPORTED_IMAGE",
];

/// Starts a basic scan with `StartImageScan` and waits with the scan waiter; agrees when every status seen
/// is a basic scan's, the waiter stopped on a final one, and reading the scan again gives the same.
pub(crate) async fn scan_case(
    client: &EcrClient,
    repository: &str,
    digest: &str,
    poll_interval: Duration,
    timeout: Duration,
) -> CaseReport {
    const TITLE: &str = "scan: basic scan started by StartImageScan";
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let recorder = seen.clone();
    let options = WaitOptions::default()
        .timeout(timeout)
        .poll_interval(poll_interval)
        .on_progress(move |p| {
            let mut seen = recorder.lock().unwrap_or_else(|e| e.into_inner());
            if seen.last() != Some(&p.status) {
                seen.push(p.status.clone());
            }
        });
    let image = ImageId::digest(digest);
    let run = async {
        client.start_image_scan(repository, &image).await?;
        let outcome = client
            .wait_for_scan(repository, digest, Some(ScanType::Basic), &options)
            .await?;
        let reread = client.describe_scan_findings(repository, &image, None).await?;
        Ok::<_, Error>((outcome, reread))
    };
    let (outcome, reread) = match run.await {
        Ok(r) => r,
        Err(e) => return CaseReport::failed(Area::Scan, TITLE, "-".into(), &e),
    };
    let status = |s: &Option<ScanStatus>| s.as_ref().map_or("none", |s| s.as_str()).to_owned();
    let ours = status(&outcome.scan.status);
    let theirs = status(&reread.status);
    let sequence = seen.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let known = sequence.iter().all(|s| BASIC_STATUSES.contains(&s.as_str()));
    let final_status = !matches!(ours.as_str(), "PENDING" | "IN_PROGRESS" | "none");
    CaseReport::compared(
        Area::Scan,
        TITLE,
        format!("stopped on {ours} after {} poll(s)", outcome.polls),
        format!("{}; read again: {theirs}", sequence.join(" > ")),
        known && final_status && ours == theirs,
    )
}

/// The token's proxy endpoint and expiry against the host parser and the authenticator, and (when
/// `probe_hosts`) whether the token serves the registry's IPv4 and dual-stack hosts.
pub(crate) async fn auth_cases(
    client: &EcrClient,
    region: &str,
    registry_id: &str,
    image: (&str, &str),
    probe_hosts: bool,
) -> Vec<CaseReport> {
    let raw = crate::auth::redact::without_sdk_responses(client.ecr().get_authorization_token().send())
        .await
        .map_err(Error::from_sdk);
    let (proxy, expires) = match raw {
        Ok(out) => {
            let data = out.authorization_data().first();
            (
                data.and_then(|d| d.proxy_endpoint()).unwrap_or("none").to_owned(),
                data.and_then(|d| d.expires_at()).and_then(time::from_smithy),
            )
        }
        Err(e) => {
            return vec![CaseReport::failed(
                Area::Auth,
                "auth: GetAuthorizationToken",
                "-".into(),
                &e,
            )];
        }
    };
    let hosts =
        RegistryHost::private(registry_id, region).and_then(|ipv4| Ok((ipv4.clone(), ipv4.with_dual_stack(true)?)));
    let (ipv4, dual) = match hosts {
        Ok(h) => h,
        Err(e) => return vec![CaseReport::failed(Area::Auth, "auth: registry hosts", "-".into(), &e)],
    };
    let expected = ipv4.server_url();
    let mut out = vec![CaseReport::compared(
        Area::Auth,
        "auth: proxyEndpoint",
        expected.clone(),
        proxy.clone(),
        proxy == expected,
    )];
    let credentials = Authenticator::new(client.clone())
        .credentials_for_region(Some(region))
        .await;
    out.push(expiry_verdict(
        &credentials.as_ref().map(|c| c.expires_at),
        expires,
        chrono::Utc::now(),
    ));
    for (label, host) in [("IPv4", &ipv4), ("dual-stack", &dual)] {
        let title = format!("auth: token serves the {label} host {host}");
        let ours = format!("serves (registry {registry_id}, {region})");
        if !probe_hosts {
            out.push(CaseReport {
                area: Area::Auth,
                case: title,
                ecr_core: ours,
                ecr: "not probed: an endpoint override is in force".into(),
                verdict: Verdict::Skipped,
            });
            continue;
        }
        let served = match &credentials {
            Ok(creds) => fetch_manifest(&host.to_string(), RegistryAuth::from(creds), image).await,
            Err(e) => Err(Error::Refused {
                message: format!("no credentials: {e}"),
            }),
        };
        out.push(match served {
            Ok(()) => CaseReport::compared(Area::Auth, title, ours, "served the pushed manifest".into(), true),
            Err(e) => CaseReport::compared(Area::Auth, title, ours, format!("not served: {e}"), false),
        });
    }
    out
}

/// Reads the pushed manifest from `host` over the registry protocol.
async fn fetch_manifest(host: &str, auth: RegistryAuth, (repository, digest): (&str, &str)) -> Result<()> {
    let registry = RegistryClient::new(host, &RegistryAccess { url: None, auth })?;
    let fetched = registry.fetch_manifest(repository, digest).await?;
    if fetched.digest == digest {
        Ok(())
    } else {
        Err(Error::Registry {
            message: format!("served {} for {digest}", fetched.digest),
        })
    }
}

fn rfc3339(t: Timestamp) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The token's documented lifetime.
const TOKEN_LIFETIME: chrono::Duration = chrono::Duration::hours(12);

/// The authenticator's expiry (or refusal) against the raw `expiresAt`: they agree when the authenticator
/// hands the token out with ECR's expiry and that expiry is about the documented 12 hours away.
pub(crate) fn expiry_verdict(
    ours: &Result<Timestamp, &Error>,
    theirs: Option<Timestamp>,
    now: Timestamp,
) -> CaseReport {
    const TITLE: &str = "auth: token expiry";
    let ecr = match theirs {
        Some(t) => format!("expiresAt {}", rfc3339(t)),
        None => "no expiresAt".to_owned(),
    };
    match (ours, theirs) {
        (Ok(ours), Some(theirs)) => {
            let left = theirs - now;
            let about_12h = left > TOKEN_LIFETIME - chrono::Duration::minutes(10)
                && left <= TOKEN_LIFETIME + chrono::Duration::minutes(5);
            CaseReport::compared(
                Area::Auth,
                TITLE,
                format!("usable until {}", rfc3339(*ours)),
                format!("{ecr} ({} min from now)", left.num_minutes()),
                *ours == theirs && about_12h,
            )
        }
        (Ok(ours), None) => CaseReport::compared(
            Area::Auth,
            TITLE,
            format!("usable until {}", rfc3339(*ours)),
            ecr,
            false,
        ),
        (Err(e), _) => CaseReport::compared(Area::Auth, TITLE, format!("not handed out: {e}"), ecr, false),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn expiry_agrees_only_on_the_same_twelve_hour_expiry() {
        let now = time::parse_str("2026-03-01T00:00:00Z").unwrap();
        let at = |s: &str| time::parse_str(s).unwrap();
        let twelve = at("2026-03-01T12:00:00Z");
        assert_eq!(expiry_verdict(&Ok(twelve), Some(twelve), now).verdict, Verdict::Agree);
        // A one-hour token (not what ECR documents) and a different expiry disagree.
        let one = at("2026-03-01T01:00:00Z");
        assert_eq!(expiry_verdict(&Ok(one), Some(one), now).verdict, Verdict::Disagree);
        assert_eq!(expiry_verdict(&Ok(one), Some(twelve), now).verdict, Verdict::Disagree);
        let refused = Error::Refused {
            message: "expired".into(),
        };
        let row = expiry_verdict(&Err(&refused), Some(at("2015-01-01T00:00:00Z")), now);
        assert_eq!(row.verdict, Verdict::Disagree);
        assert!(row.ecr_core.starts_with("not handed out: refused"), "{row:?}");
    }
}
