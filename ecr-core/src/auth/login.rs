//! One login for every registry a build touches: the registries of several accounts and regions, in their
//! IPv4, dual-stack and FIPS host forms, and ECR Public, written into one docker config in one write.
//!
//! A token of `GetAuthorizationToken` serves every account's registry in its region and every host form of
//! it, so the [`Authenticator`] asks once per region (and once for ECR Public) for the principal it runs
//! as, whatever the number of accounts and forms; its cache and errors are those of
//! [`Authenticator::credentials`].

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Authenticator, MergeOutcome, RegistryCredentials, write_docker_config_all};
use crate::error::{Error, Result};
use crate::reference::RegistryHost;

/// Which host forms of each (account, region) registry to log in to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HostForms {
    /// `<account>.dkr.ecr.<region>.amazonaws.com`.
    pub ipv4: bool,
    /// `<account>.dkr-ecr.<region>.on.aws` (partitions without dual-stack hosts are an error).
    pub dual_stack: bool,
    /// `<account>.dkr.ecr-fips.<region>.amazonaws.com`.
    pub fips: bool,
}

impl Default for HostForms {
    fn default() -> Self {
        Self {
            ipv4: true,
            dual_stack: false,
            fips: false,
        }
    }
}

/// Every registry host of `accounts` × `regions` in the chosen `forms`, in that order, without duplicates.
pub fn registry_hosts(accounts: &[String], regions: &[String], forms: HostForms) -> Result<Vec<RegistryHost>> {
    if !(forms.ipv4 || forms.dual_stack || forms.fips) {
        return Err(Error::invalid(
            "forms",
            "choose at least one host form (ipv4, dual-stack, fips)",
        ));
    }
    let mut hosts: Vec<RegistryHost> = Vec::new();
    for account in accounts {
        for region in regions {
            let base = RegistryHost::private(account, region)?;
            let mut add = |h: RegistryHost| {
                if !hosts.contains(&h) {
                    hosts.push(h);
                }
            };
            if forms.ipv4 {
                add(base.clone());
            }
            if forms.dual_stack {
                add(base.clone().with_dual_stack(true)?);
            }
            if forms.fips {
                add(base.clone().with_fips(true));
            }
        }
    }
    Ok(hosts)
}

/// One registry logged in to by [`Authenticator::login_all`]. Serialised as `{host, expiresAt, key,
/// replaced, shadowedBy}`: never the password.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Login {
    /// The registry host.
    pub host: String,
    /// When its credentials expire.
    pub expires_at: crate::time::Timestamp,
    /// The credentials (the password never prints).
    #[serde(skip)]
    pub credentials: RegistryCredentials,
    /// The docker config entry written for it.
    #[serde(flatten)]
    pub entry: MergeOutcome,
}

impl Authenticator {
    /// Credentials for every registry in `registries`, in order. One token request per region (one for ECR
    /// Public), whatever the number of accounts and host forms; the first failure is the error.
    pub async fn credentials_for_all(&self, registries: &[RegistryHost]) -> Result<Vec<RegistryCredentials>> {
        let mut out = Vec::with_capacity(registries.len());
        for host in registries {
            out.push(self.credentials(host).await?);
        }
        Ok(out)
    }

    /// Credentials for every registry in `registries`, merged into the docker config at `path` in one
    /// atomic write (nothing is written when any registry fails).
    pub async fn login_all(&self, registries: &[RegistryHost], path: &Path) -> Result<Vec<Login>> {
        let credentials = self.credentials_for_all(registries).await?;
        let hosts: Vec<String> = registries.iter().map(ToString::to_string).collect();
        let entries = write_docker_config_all(path, hosts.iter().map(String::as_str).zip(credentials.iter()))?;
        Ok(hosts
            .into_iter()
            .zip(credentials)
            .zip(entries)
            .map(|((host, credentials), entry)| Login {
                host,
                expires_at: credentials.expires_at,
                credentials,
                entry,
            })
            .collect())
    }
}
