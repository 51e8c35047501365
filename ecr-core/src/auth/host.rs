//! Which ECR registry a server URL names, and which token serves it. The host rules are
//! [`crate::reference::RegistryHost`]'s; this module isolates the authority of a server URL first
//! (scheme, path and query stripped, lower-cased, user information refused without echoing it).

use crate::error::{Error, Result};
use crate::reference::{Partition, RegistryHost, redact_user_info};

/// The registry behind a host, as far as authentication cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EcrHost {
    /// A private registry: one region's token serves every account in it.
    Private {
        /// The lower-cased host (`<account>.dkr.ecr.<region>.<suffix>`), port dropped.
        host: String,
        /// The twelve-digit registry (account) id.
        account: String,
        /// The region.
        region: String,
    },
    /// ECR Public (`public.ecr.aws` or the dual-stack `ecr-public.aws.com`).
    Public {
        /// The lower-cased host.
        host: String,
    },
}

/// The partition a region belongs to, from its name.
pub(crate) fn partition_of_region(region: &str) -> &'static str {
    Partition::of_region(region).as_str()
}

/// The bare `host[:port]` of a server URL: scheme, path, query and trailing dot removed, lower-cased.
pub(crate) fn authority(input: &str) -> Result<String> {
    // Text before an `@` may be a password (`https://user:pass@host`): errors never echo it.
    let echo = redact_user_info(input.trim()).into_owned();
    let invalid = |message: &str| Error::InvalidReference {
        input: echo.clone(),
        message: message.to_owned(),
    };
    let mut s = input.trim();
    let mut scheme = None;
    if let Some((name, rest)) = s.split_once("://") {
        scheme = Some(name);
        s = rest;
    }
    let end = s.find(['/', '?', '#']).unwrap_or(s.len());
    let auth = &s[..end];
    if let Some((_, host)) = auth.rsplit_once('@') {
        return Err(Error::InvalidReference {
            input: format!("<redacted>@{host}"),
            message: "a server URL must not carry user information".to_owned(),
        });
    }
    if scheme.is_some_and(|name| !name.eq_ignore_ascii_case("https") && !name.eq_ignore_ascii_case("http")) {
        return Err(invalid("only http:// and https:// server URLs name a registry"));
    }
    if auth.is_empty() {
        return Err(invalid("no host"));
    }
    if auth.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid("the host contains whitespace"));
    }
    let host = auth.trim_end_matches('.');
    // The name before any port (`[v6]:port` keeps its brackets) must be more than dots.
    let name = match host.rsplit_once(':') {
        Some((name, _)) if !host.starts_with('[') => name,
        _ => host,
    };
    if name.trim_matches('.').is_empty() {
        return Err(invalid("no host"));
    }
    Ok(host.to_ascii_lowercase())
}

/// Parses a host, `host:port` or server URL (`https://host/v2/...`) as an ECR registry, with
/// [`RegistryHost`]'s strict rules after the authority is isolated and lower-cased (docker hands helpers
/// whatever the user typed).
pub(crate) fn parse_ecr_host(input: &str) -> Result<EcrHost> {
    let auth = authority(input)?;
    let host = RegistryHost::from_server_url(&auth).map_err(|e| match e {
        Error::InvalidReference { message, .. } => Error::InvalidReference {
            input: redact_user_info(input.trim()).into_owned(),
            message,
        },
        other => other,
    })?;
    Ok(from_registry_host(&host))
}

/// The authentication view of a parsed host.
pub(crate) fn from_registry_host(host: &RegistryHost) -> EcrHost {
    match (host.registry_id(), host.region()) {
        (Some(account), Some(region)) => EcrHost::Private {
            host: host.to_string(),
            account: account.to_owned(),
            region: region.to_owned(),
        },
        _ => EcrHost::Public { host: host.to_string() },
    }
}

/// What [`Authenticator::credentials`](super::Authenticator::credentials) accepts: a parsed
/// [`RegistryHost`], or text (a host, `host:port` or server URL) parsed on the way.
pub trait ToRegistryHost {
    /// The registry host; [`Error::InvalidReference`] when the text is not an ECR registry.
    fn to_registry_host(&self) -> Result<RegistryHost>;

    /// The text form when the value is unparsed text (lets the authenticator memoise parses).
    fn as_text(&self) -> Option<&str> {
        None
    }
}

impl ToRegistryHost for RegistryHost {
    fn to_registry_host(&self) -> Result<RegistryHost> {
        Ok(self.clone())
    }
}

impl ToRegistryHost for str {
    fn to_registry_host(&self) -> Result<RegistryHost> {
        let auth = authority(self)?;
        RegistryHost::from_server_url(&auth)
    }
    fn as_text(&self) -> Option<&str> {
        Some(self)
    }
}

impl ToRegistryHost for String {
    fn to_registry_host(&self) -> Result<RegistryHost> {
        self.as_str().to_registry_host()
    }
    fn as_text(&self) -> Option<&str> {
        Some(self)
    }
}

/// The region whose token serves `registry` (a host, `host:port` or server URL): `Some(region)` for a
/// private registry, `None` for ECR Public (whose API is in us-east-1). [`Error::InvalidReference`] when
/// it is not an ECR registry (callers such as credential helpers then answer "not found").
pub fn registry_region(registry: &str) -> Result<Option<String>> {
    Ok(match parse_ecr_host(registry)? {
        EcrHost::Private { region, .. } => Some(region),
        EcrHost::Public { .. } => None,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn accepts_every_documented_form_and_strips_scheme_port_and_path() {
        let cases = [
            ("123456789012.dkr.ecr.us-west-2.amazonaws.com", "us-west-2"),
            (
                "https://123456789012.dkr.ecr.us-west-2.amazonaws.com/v2/blah/blah",
                "us-west-2",
            ),
            ("123456789012.dkr.ecr.us-west-2.amazonaws.com:443", "us-west-2"),
            ("123456789012.dkr-ecr.us-west-2.on.aws", "us-west-2"),
            ("123456789012.dkr-ecr-fips.us-west-2.on.aws", "us-west-2"),
            ("123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1"),
            ("210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn", "cn-north-1"),
            ("210987654321.dkr.ecr.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"),
            ("123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"),
            ("123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1"),
            ("123456789012.dkr.ecr.us-isof-east-1.csp.hci.ic.gov", "us-isof-east-1"),
            ("123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"),
            ("HTTPS://123456789012.DKR.ECR.EU-WEST-1.AMAZONAWS.COM", "eu-west-1"),
        ];
        for (input, region) in cases {
            match parse_ecr_host(input) {
                Ok(EcrHost::Private { region: r, account, .. }) => {
                    assert_eq!(r, region, "{input}");
                    assert_eq!(account.len(), 12);
                }
                other => panic!("{input}: {other:?}"),
            }
        }
        assert_eq!(
            parse_ecr_host("public.ecr.aws/amazonlinux").unwrap(),
            EcrHost::Public {
                host: "public.ecr.aws".into()
            }
        );
        assert!(matches!(
            parse_ecr_host("https://ecr-public.aws.com"),
            Ok(EcrHost::Public { .. })
        ));
    }

    #[test]
    fn rejects_look_alikes_mixed_forms_and_bad_accounts() {
        let bad = [
            "123456789012.dkr.ecr.us-west-2.amazonaws.com.fake.example.com",
            "123456789012.dkr-ecr.us-west-2.on.aws.com.cn",
            "public.ecr.aws.fake.example.com",
            ".dkr.ecr.not-real.amazonaws.com",
            "123456789012.dkr-ecr.us-west-2.amazonaws.com",
            "123456789012.dkr.ecr.us-west-2.on.aws",
            "12345678901.dkr.ecr.us-west-2.amazonaws.com",
            "１２３４５６７８９０１２.dkr.ecr.us-west-2.amazonaws.com",
            "123456789012.dkr.ecr.cn-north-1.amazonaws.com",
            "123456789012.dkr.ecr.us-west-2.amazonaws.com.cn",
            "docker.io",
            "ghcr.io/owner/image",
            "ftp://123456789012.dkr.ecr.us-west-2.amazonaws.com",
            "user:pw@123456789012.dkr.ecr.us-west-2.amazonaws.com",
            "",
        ];
        for input in bad {
            let err = parse_ecr_host(input).unwrap_err();
            assert_eq!(err.code(), "InvalidReference", "{input}");
        }
        let err = parse_ecr_host("https://AWS:hunter2@123456789012.dkr.ecr.us-west-2.amazonaws.com").unwrap_err();
        assert!(!format!("{err} {err:?}").contains("hunter2"), "{err}");
    }

    /// Regression (fuzz target references): with a scheme other than http(s), the error echoed the whole
    /// server URL, user information and password included.
    #[test]
    fn user_information_is_never_echoed_whatever_else_is_wrong() {
        for input in [
            "ftp://AWS:hunter2@123456789012.dkr.ecr.us-west-2.amazonaws.com",
            "AWS:hunter2@ftp://123456789012.dkr.ecr.us-west-2.amazonaws.com",
            "https://AWS:hunter2@",
            "https://AWS:hunter2@123456789012.dkr.ecr.us-west-2.amazonaws.com.evil.example/v2/",
        ] {
            let err = parse_ecr_host(input).unwrap_err();
            assert_eq!(err.code(), "InvalidReference", "{input}");
            assert!(!format!("{err} {err:?}").contains("hunter2"), "{err}");
            let err = registry_region(input).unwrap_err();
            assert!(!format!("{err} {err:?}").contains("hunter2"), "{err}");
        }
    }

    /// Regression (fuzz target docker_config): a server made only of dots (`.`, `https://...`) left an empty
    /// host after the trailing dot was trimmed, and the docker config gained an `auths` entry under `""`
    /// (likewise `:5000`, a port without a host).
    #[test]
    fn a_server_of_dots_has_no_host() {
        for server in [
            ".",
            "...",
            "https://./v2/",
            "https://...?x",
            ":5000",
            "https://..:443/v2/",
        ] {
            let err = authority(server).unwrap_err();
            assert_eq!(err.code(), "InvalidReference", "{server}");
        }
        assert_eq!(authority("Public.ECR.aws.").unwrap(), "public.ecr.aws");
        assert_eq!(authority("http://127.0.0.1:5000/v2/").unwrap(), "127.0.0.1:5000");
        assert_eq!(authority("[::1]:5000").unwrap(), "[::1]:5000");
        let creds = crate::auth::RegistryCredentials {
            host: "public.ecr.aws".into(),
            username: "AWS".into(),
            password: crate::Secret::new("pw".to_owned()),
            expires_at: chrono::Utc::now(),
            proxy_endpoint: None,
            region: None,
        };
        let mut config = serde_json::json!({"auths": {"ghcr.io": {"auth": "eA=="}}});
        let before = config.clone();
        let err = crate::auth::merge_auth_entry(&mut config, "...", &creds).unwrap_err();
        assert_eq!(err.code(), "InvalidReference");
        assert_eq!(config, before);
    }
}
