//! Replication: DescribeImageReplicationStatus, polled until no destination is in progress (or time is up).

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::report::Finding;
use crate::client::EcrClient;
use crate::error::{Error, Result};
use crate::types::ImageId;

/// One replication destination's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ReplicationStatus {
    /// Destination region.
    pub region: String,
    /// Destination registry (account).
    pub registry_id: String,
    /// `IN_PROGRESS`, `COMPLETE` or `FAILED`.
    pub status: String,
    /// Why it failed, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_code: Option<String>,
}

/// How long to wait for replication, and which regions must be reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicationWait {
    /// Regions that must be COMPLETE (empty: every destination ECR reports).
    pub regions: Vec<String>,
    /// Give up after this long.
    pub timeout: Duration,
    /// Time between polls.
    pub interval: Duration,
}

impl Default for ReplicationWait {
    fn default() -> Self {
        Self {
            regions: Vec::new(),
            timeout: Duration::from_secs(300),
            interval: Duration::from_secs(10),
        }
    }
}

/// The replication check: every required region (or every reported destination) COMPLETE.
pub fn check_replication(statuses: &[ReplicationStatus], regions: &[String]) -> Finding {
    let details = json!({ "statuses": statuses, "requiredRegions": regions });
    if statuses.is_empty() && regions.is_empty() {
        return Finding::fail("no replication destination reported for the image", details);
    }
    let mut problems = Vec::new();
    for r in regions {
        if !statuses.iter().any(|s| &s.region == r) {
            problems.push(format!("{r}: not a replication destination"));
        }
    }
    for s in statuses {
        if regions.is_empty() || regions.contains(&s.region) {
            match s.status.as_str() {
                "COMPLETE" => {}
                "FAILED" => problems.push(format!(
                    "{}: FAILED ({})",
                    s.region,
                    s.failure_code.as_deref().unwrap_or("no failure code")
                )),
                other => problems.push(format!("{}: {other}", s.region)),
            }
        }
    }
    if problems.is_empty() {
        let regions: Vec<&str> = statuses.iter().map(|s| s.region.as_str()).collect();
        Finding::pass(format!("replicated to {}", regions.join(", ")), details)
    } else {
        Finding::fail(format!("replication incomplete: {}", problems.join("; ")), details)
    }
}

impl EcrClient {
    /// The replication state of one image (by digest) in every destination.
    pub async fn image_replication_status(&self, repository: &str, digest: &str) -> Result<Vec<ReplicationStatus>> {
        let out = self
            .ecr()
            .describe_image_replication_status()
            .repository_name(repository)
            .image_id(ImageId::digest(digest).to_sdk())
            .send()
            .await
            .map_err(Error::from_sdk)?;
        Ok(out
            .replication_statuses()
            .iter()
            .map(|s| ReplicationStatus {
                region: s.region().unwrap_or_default().to_owned(),
                registry_id: s.registry_id().unwrap_or_default().to_owned(),
                status: s.status().map(|x| x.as_str().to_owned()).unwrap_or_default(),
                failure_code: s.failure_code().map(str::to_owned),
            })
            .collect())
    }

    /// Polls the replication state until no required destination is `IN_PROGRESS` or `wait.timeout` has
    /// passed, and returns the last state seen (the caller judges it with [`check_replication`]).
    pub async fn wait_for_replication(
        &self,
        repository: &str,
        digest: &str,
        wait: &ReplicationWait,
    ) -> Result<Vec<ReplicationStatus>> {
        let start = Instant::now();
        loop {
            let statuses = self.image_replication_status(repository, digest).await?;
            let pending = statuses
                .iter()
                .any(|s| s.status == "IN_PROGRESS" && (wait.regions.is_empty() || wait.regions.contains(&s.region)));
            let missing = wait.regions.iter().any(|r| !statuses.iter().any(|s| &s.region == r));
            if (!pending && !missing) || start.elapsed() + wait.interval > wait.timeout {
                return Ok(statuses);
            }
            tokio::time::sleep(wait.interval).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(region: &str, status: &str) -> ReplicationStatus {
        ReplicationStatus {
            region: region.into(),
            registry_id: "123456789012".into(),
            status: status.into(),
            failure_code: None,
        }
    }

    #[test]
    fn every_required_region_must_be_complete() {
        assert!(check_replication(&[s("eu-west-1", "COMPLETE")], &[]).ok);
        assert!(!check_replication(&[], &[]).ok);
        assert!(!check_replication(&[s("eu-west-1", "IN_PROGRESS")], &[]).ok);
        let f = check_replication(&[s("eu-west-1", "COMPLETE")], &["us-west-2".into()]);
        assert!(!f.ok);
        assert!(f.message.contains("us-west-2"));
        // A failing destination that is not required does not matter.
        assert!(
            check_replication(
                &[s("eu-west-1", "COMPLETE"), s("ap-south-1", "FAILED")],
                &["eu-west-1".into()]
            )
            .ok
        );
    }
}
