//! Which ECR registry a server URL names, and which token serves it.
//!
//! Interim parser: `crate::reference` (strict parsing of ECR hosts, being written separately) replaces
//! it once it lands. The rules follow the reference notes: scheme, userinfo-free authority, port and path
//! are stripped; the account is exactly twelve ASCII digits; `dkr.ecr(-fips)` pairs only with the
//! `amazonaws.*` and ISO suffixes and `dkr-ecr(-fips)` only with the dual-stack `on.aws` suffixes; the
//! region's partition must match the suffix's. `public.ecr.aws` and `ecr-public.aws.com` are ECR Public.

use crate::error::{Error, Result};

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

/// DNS suffixes of private registries and the partition each belongs to. `None` = the commercial or
/// GovCloud partition, decided by the region.
const CLASSIC_SUFFIXES: &[(&str, Option<&str>)] = &[
    ("amazonaws.com", None),
    ("amazonaws.com.cn", Some("aws-cn")),
    ("amazonaws.eu", Some("aws-eusc")),
    ("c2s.ic.gov", Some("aws-iso")),
    ("sc2s.sgov.gov", Some("aws-iso-b")),
    ("cloud.adc-e.uk", Some("aws-iso-e")),
    ("csp.hci.ic.gov", Some("aws-iso-f")),
];
const DUAL_STACK_SUFFIXES: &[(&str, Option<&str>)] =
    &[("on.aws", None), ("on.amazonwebservices.com.cn", Some("aws-cn"))];

/// The partition a region belongs to, from its name.
pub(crate) fn partition_of_region(region: &str) -> &'static str {
    const PREFIXES: &[(&str, &str)] = &[
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-isob-", "aws-iso-b"),
        ("us-isof-", "aws-iso-f"),
        ("eu-isoe-", "aws-iso-e"),
        ("us-iso-", "aws-iso"),
        ("eusc-", "aws-eusc"),
    ];
    PREFIXES
        .iter()
        .find(|(p, _)| region.starts_with(p))
        .map_or("aws", |(_, part)| part)
}

/// The bare `host[:port]` of a server URL: scheme, path, query and trailing dot removed, lower-cased.
pub(crate) fn authority(input: &str) -> Result<String> {
    let invalid = |message: &str| Error::InvalidReference {
        input: input.to_owned(),
        message: message.to_owned(),
    };
    let mut s = input.trim();
    if let Some((scheme, rest)) = s.split_once("://") {
        if !scheme.eq_ignore_ascii_case("https") && !scheme.eq_ignore_ascii_case("http") {
            return Err(invalid("only http:// and https:// server URLs name a registry"));
        }
        s = rest;
    }
    let end = s.find(['/', '?', '#']).unwrap_or(s.len());
    let auth = &s[..end];
    if auth.is_empty() {
        return Err(invalid("no host"));
    }
    if let Some((_, host)) = auth.rsplit_once('@') {
        // The user information may hold a password: never echo it.
        return Err(Error::InvalidReference {
            input: format!("<redacted>@{host}"),
            message: "a server URL must not carry user information".to_owned(),
        });
    }
    if auth.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid("the host contains whitespace"));
    }
    Ok(auth.trim_end_matches('.').to_ascii_lowercase())
}

/// Parses a host, `host:port` or server URL (`https://host/v2/...`) as an ECR registry.
pub(crate) fn parse_ecr_host(input: &str) -> Result<EcrHost> {
    let auth = authority(input)?;
    let invalid = |message: String| Error::InvalidReference {
        input: input.to_owned(),
        message,
    };
    let host = match auth.rsplit_once(':') {
        Some((h, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => h,
        Some(_) => return Err(invalid("the port is not a number".to_owned())),
        None => auth.as_str(),
    };
    if host == "public.ecr.aws" || host == "ecr-public.aws.com" {
        return Ok(EcrHost::Public { host: host.to_owned() });
    }
    let not_ecr = || invalid(format!("{host} is not an Amazon ECR registry host"));
    let (account, rest) = host.split_once('.').ok_or_else(not_ecr)?;
    let (service, rest) = rest.split_once('.').ok_or_else(not_ecr)?;
    let (service, rest) = if service == "dkr" {
        // `dkr.ecr` / `dkr.ecr-fips`: the next label is `ecr` or `ecr-fips`.
        let (ecr, rest) = rest.split_once('.').ok_or_else(not_ecr)?;
        match ecr {
            "ecr" | "ecr-fips" => ("classic", rest),
            _ => return Err(not_ecr()),
        }
    } else if service == "dkr-ecr" || service == "dkr-ecr-fips" {
        ("dual", rest)
    } else {
        return Err(not_ecr());
    };
    let (region, suffix) = rest.split_once('.').ok_or_else(not_ecr)?;
    let suffixes = if service == "classic" {
        CLASSIC_SUFFIXES
    } else {
        DUAL_STACK_SUFFIXES
    };
    let Some((_, fixed_partition)) = suffixes.iter().find(|(s, _)| *s == suffix) else {
        let other = if service == "classic" {
            DUAL_STACK_SUFFIXES
        } else {
            CLASSIC_SUFFIXES
        };
        if other.iter().any(|(s, _)| *s == suffix) {
            return Err(invalid(format!(
                "{host} mixes the dual-stack form (dkr-ecr.<region>.on.aws) with the IPv4 form (dkr.ecr.<region>.amazonaws.com)"
            )));
        }
        return Err(not_ecr());
    };
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(format!(
            "the registry id {account:?} must be exactly 12 digits (an AWS account id)"
        )));
    }
    let valid_region = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if !valid_region {
        return Err(invalid(format!("{region:?} is not an AWS region name")));
    }
    let region_partition = partition_of_region(region);
    let consistent = match fixed_partition {
        Some(p) => region_partition == *p,
        None => region_partition == "aws" || region_partition == "aws-us-gov",
    };
    if !consistent {
        return Err(invalid(format!(
            "region {region} (partition {region_partition}) does not belong under the DNS suffix {suffix}"
        )));
    }
    Ok(EcrHost::Private {
        host: host.to_owned(),
        account: account.to_owned(),
        region: region.to_owned(),
    })
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
}
