//! Registry hosts: private ECR (every partition, FIPS, dual-stack) and ECR Public.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{Ctx, invalid, quote_char};
use crate::{Error, Result};

/// The ECR Public registry host.
pub const ECR_PUBLIC_HOST: &str = "public.ecr.aws";
/// The dual-stack (IPv4 and IPv6) ECR Public registry host.
pub const ECR_PUBLIC_DUAL_STACK_HOST: &str = "ecr-public.aws.com";

/// Whether a registry is a private (account) registry or ECR Public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RegistryKind {
    /// A private registry `<account>.dkr.ecr.<region>.<suffix>`.
    Private,
    /// ECR Public (`public.ecr.aws`, `ecr-public.aws.com`).
    Public,
}

impl RegistryKind {
    /// `"private"` or `"public"`.
    pub fn as_str(self) -> &'static str {
        match self {
            RegistryKind::Private => "private",
            RegistryKind::Public => "public",
        }
    }
}

impl fmt::Display for RegistryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An AWS partition, which fixes the DNS suffix of its registry hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Partition {
    /// `aws`: commercial regions, `amazonaws.com`, dual-stack `on.aws`.
    Aws,
    /// `aws-us-gov`: GovCloud (`us-gov-*`), `amazonaws.com`, dual-stack `on.aws`.
    AwsUsGov,
    /// `aws-cn`: China (`cn-*`), `amazonaws.com.cn`, dual-stack `on.amazonwebservices.com.cn`.
    AwsCn,
    /// `aws-eusc`: European Sovereign Cloud (`eusc-*`), `amazonaws.eu`.
    AwsEusc,
    /// `aws-iso` (C2S, `us-iso-*`), `c2s.ic.gov`.
    AwsIso,
    /// `aws-iso-b` (SC2S, `us-isob-*`), `sc2s.sgov.gov`.
    AwsIsoB,
    /// `aws-iso-e` (`eu-isoe-*`), `cloud.adc-e.uk`.
    AwsIsoE,
    /// `aws-iso-f` (`us-isof-*`), `csp.hci.ic.gov`.
    AwsIsoF,
}

/// Every partition, in a fixed order.
const PARTITIONS: [Partition; 8] = [
    Partition::Aws,
    Partition::AwsUsGov,
    Partition::AwsCn,
    Partition::AwsEusc,
    Partition::AwsIso,
    Partition::AwsIsoB,
    Partition::AwsIsoE,
    Partition::AwsIsoF,
];

/// An AWS partition as data: its name and DNS suffixes ([`Partition::info`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PartitionInfo {
    /// `aws`, `aws-cn`, `aws-us-gov`, ...
    pub name: &'static str,
    /// The DNS suffix of its hosts (`amazonaws.com`, ...).
    pub dns_suffix: &'static str,
    /// The DNS suffix of its dual-stack registry hosts; `null` when it has none.
    pub dual_stack_dns_suffix: Option<&'static str>,
}

impl Partition {
    /// The partition a region belongs to, by its name prefix (`cn-`, `us-gov-`, `us-iso-`, `us-isob-`,
    /// `eu-isoe-`, `us-isof-`, `eusc-`; anything else is `aws`).
    pub fn of_region(region: &str) -> Partition {
        if region.starts_with("cn-") {
            Partition::AwsCn
        } else if region.starts_with("us-gov-") {
            Partition::AwsUsGov
        } else if region.starts_with("us-iso-") {
            Partition::AwsIso
        } else if region.starts_with("us-isob-") {
            Partition::AwsIsoB
        } else if region.starts_with("us-isof-") {
            Partition::AwsIsoF
        } else if region.starts_with("eu-isoe-") {
            Partition::AwsIsoE
        } else if region.starts_with("eusc-") {
            Partition::AwsEusc
        } else {
            Partition::Aws
        }
    }

    /// The partition's id, e.g. `aws-cn`.
    pub fn as_str(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsUsGov => "aws-us-gov",
            Partition::AwsCn => "aws-cn",
            Partition::AwsEusc => "aws-eusc",
            Partition::AwsIso => "aws-iso",
            Partition::AwsIsoB => "aws-iso-b",
            Partition::AwsIsoE => "aws-iso-e",
            Partition::AwsIsoF => "aws-iso-f",
        }
    }

    /// The DNS suffix of the partition's `dkr.ecr` registry hosts.
    pub fn dns_suffix(self) -> &'static str {
        match self {
            Partition::Aws | Partition::AwsUsGov => "amazonaws.com",
            Partition::AwsCn => "amazonaws.com.cn",
            Partition::AwsEusc => "amazonaws.eu",
            Partition::AwsIso => "c2s.ic.gov",
            Partition::AwsIsoB => "sc2s.sgov.gov",
            Partition::AwsIsoE => "cloud.adc-e.uk",
            Partition::AwsIsoF => "csp.hci.ic.gov",
        }
    }

    /// The partition's name and DNS suffixes, as data.
    pub fn info(self) -> PartitionInfo {
        PartitionInfo {
            name: self.as_str(),
            dns_suffix: self.dns_suffix(),
            dual_stack_dns_suffix: self.dual_stack_dns_suffix(),
        }
    }

    /// The DNS suffix of the partition's dual-stack `dkr-ecr` registry hosts, where it has them.
    pub fn dual_stack_dns_suffix(self) -> Option<&'static str> {
        match self {
            Partition::Aws | Partition::AwsUsGov => Some("on.aws"),
            Partition::AwsCn => Some("on.amazonwebservices.com.cn"),
            _ => None,
        }
    }

    /// The registry-host suffix for this partition and family, if the partition has that family.
    fn suffix(self, dual_stack: bool) -> Option<&'static str> {
        if dual_stack {
            self.dual_stack_dns_suffix()
        } else {
            Some(self.dns_suffix())
        }
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A valid Amazon ECR registry host.
///
/// Private: `<12 ASCII digits>.dkr.ecr[-fips].<region>.<suffix>` with the suffix of the region's partition
/// (`amazonaws.com`, `amazonaws.com.cn`, `amazonaws.eu`, `c2s.ic.gov`, `sc2s.sgov.gov`, `cloud.adc-e.uk`,
/// `csp.hci.ic.gov`), or dual-stack `<12 digits>.dkr-ecr[-fips].<region>.on.aws` /
/// `.on.amazonwebservices.com.cn`. Public: [`ECR_PUBLIC_HOST`] or [`ECR_PUBLIC_DUAL_STACK_HOST`].
/// Parse with [`FromStr`] or [`RegistryHost::from_server_url`]; `Display` gives the host back exactly.
/// Serialises as its string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RegistryHost(Inner);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Inner {
    Private {
        registry_id: String,
        region: String,
        partition: Partition,
        fips: bool,
        dual_stack: bool,
    },
    Public {
        dual_stack: bool,
    },
}

impl RegistryHost {
    /// The private registry host of account `registry_id` in `region`, with the DNS suffix of the region's
    /// partition (not FIPS, not dual-stack; see [`with_fips`](Self::with_fips) and
    /// [`with_dual_stack`](Self::with_dual_stack)).
    ///
    /// ```
    /// let host = ecr_core::reference::RegistryHost::private("123456789012", "cn-north-1")?;
    /// assert_eq!(host.to_string(), "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn");
    /// # Ok::<(), ecr_core::Error>(())
    /// ```
    pub fn private(registry_id: &str, region: &str) -> Result<Self> {
        check_registry_id(Ctx::whole(registry_id), registry_id).map_err(|m| invalid(registry_id, m))?;
        check_region(Ctx::whole(region), region).map_err(|m| invalid(region, m))?;
        Ok(RegistryHost(Inner::Private {
            registry_id: registry_id.to_owned(),
            region: region.to_owned(),
            partition: Partition::of_region(region),
            fips: false,
            dual_stack: false,
        }))
    }

    /// The ECR Public host `public.ecr.aws`.
    pub fn public() -> Self {
        RegistryHost(Inner::Public { dual_stack: false })
    }

    /// This host with the FIPS endpoint (`ecr-fips`) switched on or off. Public hosts have no FIPS form
    /// and are returned unchanged.
    pub fn with_fips(mut self, on: bool) -> Self {
        if let Inner::Private { fips, .. } = &mut self.0 {
            *fips = on;
        }
        self
    }

    /// This host in its dual-stack form (`dkr-ecr…on.aws`, `ecr-public.aws.com`) or back. Fails for a
    /// partition without dual-stack registry hosts.
    pub fn with_dual_stack(mut self, on: bool) -> Result<Self> {
        if let Some(partition) = self.partition()
            && on
            && partition.dual_stack_dns_suffix().is_none()
        {
            return Err(invalid(
                &self.to_string(),
                format!("partition {partition} has no dual-stack registry hosts"),
            ));
        }
        match &mut self.0 {
            Inner::Private { dual_stack, .. } => *dual_stack = on,
            Inner::Public { dual_stack } => *dual_stack = on,
        }
        Ok(self)
    }

    /// Parses the host out of a server URL as Docker hands it to credential helpers:
    /// `[https://]host[:port][/any/path][?query][#fragment]`. The path, query and port are ignored; user
    /// info (`user@host`) and schemes other than `https` are rejected.
    pub fn from_server_url(url: &str) -> Result<Self> {
        parse_server_url(url).map_err(|m| invalid(url, m))
    }

    /// [`RegistryKind::Private`] or [`RegistryKind::Public`].
    pub fn kind(&self) -> RegistryKind {
        match self.0 {
            Inner::Private { .. } => RegistryKind::Private,
            Inner::Public { .. } => RegistryKind::Public,
        }
    }

    /// Whether this is ECR Public.
    pub fn is_public(&self) -> bool {
        matches!(self.0, Inner::Public { .. })
    }

    /// The 12-digit registry (account) id of a private registry.
    pub fn registry_id(&self) -> Option<&str> {
        match &self.0 {
            Inner::Private { registry_id, .. } => Some(registry_id),
            Inner::Public { .. } => None,
        }
    }

    /// The region of a private registry.
    pub fn region(&self) -> Option<&str> {
        match &self.0 {
            Inner::Private { region, .. } => Some(region),
            Inner::Public { .. } => None,
        }
    }

    /// The partition of a private registry.
    pub fn partition(&self) -> Option<Partition> {
        match &self.0 {
            Inner::Private { partition, .. } => Some(*partition),
            Inner::Public { .. } => None,
        }
    }

    /// Whether the host is a FIPS endpoint (`ecr-fips`, `dkr-ecr-fips`).
    pub fn fips(&self) -> bool {
        match &self.0 {
            Inner::Private { fips, .. } => *fips,
            Inner::Public { .. } => false,
        }
    }

    /// Whether the host is a dual-stack (IPv4 and IPv6) endpoint.
    pub fn dual_stack(&self) -> bool {
        match &self.0 {
            Inner::Private { dual_stack, .. } | Inner::Public { dual_stack } => *dual_stack,
        }
    }

    /// The DNS suffix of a private registry host (e.g. `amazonaws.com`, `on.aws`).
    pub fn dns_suffix(&self) -> Option<&'static str> {
        match &self.0 {
            Inner::Private {
                partition, dual_stack, ..
            } => partition.suffix(*dual_stack),
            Inner::Public { .. } => None,
        }
    }

    /// `https://<host>`, the form Docker's `config.json` and credential helpers use.
    pub fn server_url(&self) -> String {
        format!("https://{self}")
    }
}

impl fmt::Display for RegistryHost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Inner::Private {
                registry_id,
                region,
                partition,
                fips,
                dual_stack,
            } => {
                let (service, fips) = match (dual_stack, fips) {
                    (false, false) => ("dkr.ecr", ""),
                    (false, true) => ("dkr.ecr", "-fips"),
                    (true, false) => ("dkr-ecr", ""),
                    (true, true) => ("dkr-ecr", "-fips"),
                };
                let suffix = partition.suffix(*dual_stack).unwrap_or("invalid");
                write!(f, "{registry_id}.{service}{fips}.{region}.{suffix}")
            }
            Inner::Public { dual_stack: false } => f.write_str(ECR_PUBLIC_HOST),
            Inner::Public { dual_stack: true } => f.write_str(ECR_PUBLIC_DUAL_STACK_HOST),
        }
    }
}

impl FromStr for RegistryHost {
    type Err = Error;

    /// Parses a bare registry host (no scheme, port or path).
    fn from_str(s: &str) -> Result<Self> {
        parse_host(Ctx::within(s, 0), s).map_err(|m| invalid(s, m))
    }
}

impl Serialize for RegistryHost {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RegistryHost {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// What a private host looks like, for messages.
const EXPECTED: &str = "expected '<12-digit registry id>.dkr.ecr[-fips].<region>.<dns suffix>', \
'<12-digit registry id>.dkr-ecr[-fips].<region>.on.aws', 'public.ecr.aws' or 'ecr-public.aws.com'";

/// Parses a bare host that sits at `ctx` in the caller's input.
pub(crate) fn parse_host(ctx: Ctx<'_>, s: &str) -> std::result::Result<RegistryHost, String> {
    let at = |i: usize| ctx.offset(i);
    if s.is_empty() {
        return Err(if ctx.input.is_empty() {
            "registry host is empty".to_owned()
        } else {
            format!("registry host{} is empty", ctx.at_start())
        });
    }
    if s == ECR_PUBLIC_HOST {
        return Ok(RegistryHost(Inner::Public { dual_stack: false }));
    }
    if s == ECR_PUBLIC_DUAL_STACK_HOST {
        return Ok(RegistryHost(Inner::Public { dual_stack: true }));
    }
    for public in [ECR_PUBLIC_HOST, ECR_PUBLIC_DUAL_STACK_HOST] {
        if let Some(rest) = s.strip_prefix(public)
            && rest.starts_with('.')
        {
            return Err(format!(
                "registry host is a look-alike of {public}: unexpected '{rest}' at offset {}",
                at(public.len())
            ));
        }
    }
    for (i, c) in s.char_indices() {
        match c {
            'a'..='z' | '0'..='9' | '-' | '.' => {}
            'A'..='Z' => {
                return Err(format!(
                    "registry host has uppercase letter {} at offset {}; registry hosts are lowercase",
                    quote_char(c),
                    at(i)
                ));
            }
            ':' => {
                return Err(format!(
                    "registry host has a port ('{}') at offset {}; only a server URL (https://host:port/...) may \
                     carry one",
                    &s[i..],
                    at(i)
                ));
            }
            _ if !c.is_ascii() => {
                let hint = if c.is_numeric() {
                    " (registry ids are ASCII digits 0-9)"
                } else {
                    ""
                };
                return Err(format!(
                    "registry host has non-ASCII character {} at offset {}; only ASCII letters, digits, '-' and '.' \
                     are allowed{hint}",
                    quote_char(c),
                    at(i)
                ));
            }
            _ => {
                return Err(format!(
                    "registry host has invalid character {} at offset {}; only lowercase letters, digits, '-' and \
                     '.' are allowed",
                    quote_char(c),
                    at(i)
                ));
            }
        }
    }
    // ASCII only from here on: byte offsets within `s` are character offsets.
    if s.starts_with('.') {
        return Err(format!("registry host has an empty DNS label at offset {}", at(0)));
    }
    if let Some(i) = s.find("..") {
        return Err(format!("registry host has an empty DNS label at offset {}", at(i + 1)));
    }
    if s.ends_with('.') {
        return Err(format!(
            "registry host ends with '.' at offset {} (empty DNS label)",
            at(s.len() - 1)
        ));
    }

    let Some((id, rest)) = s.split_once('.') else {
        return Err(format!("'{s}' is not an Amazon ECR registry host; {EXPECTED}"));
    };
    if !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("'{s}' is not an Amazon ECR registry host; {EXPECTED}"));
    }
    check_registry_id(ctx, id)?;
    let mut pos = id.len() + 1;

    let (dual_stack, fips, service_len) = if rest.starts_with("dkr.ecr-fips.") {
        (false, true, "dkr.ecr-fips".len())
    } else if rest.starts_with("dkr.ecr.") {
        (false, false, "dkr.ecr".len())
    } else if rest.starts_with("dkr-ecr-fips.") {
        (true, true, "dkr-ecr-fips".len())
    } else if rest.starts_with("dkr-ecr.") {
        (true, false, "dkr-ecr".len())
    } else {
        return Err(format!(
            "expected 'dkr.ecr', 'dkr.ecr-fips', 'dkr-ecr' or 'dkr-ecr-fips' at offset {}",
            at(pos)
        ));
    };
    pos += service_len + 1;
    let rest = &rest[service_len + 1..];

    let Some((region, suffix)) = rest.split_once('.') else {
        return Err(format!(
            "registry host has no DNS suffix after the region at offset {}",
            at(pos)
        ));
    };
    check_region(Ctx::within(ctx.input, ctx.base + pos), region)?;
    let partition = Partition::of_region(region);
    let suffix_pos = pos + region.len() + 1;

    let family = if dual_stack { "dual-stack dkr-ecr" } else { "dkr.ecr" };
    let known = |dual: bool| PARTITIONS.iter().filter_map(move |p| p.suffix(dual));
    if !known(dual_stack).any(|k| k == suffix) {
        if known(!dual_stack).any(|k| k == suffix) {
            let mut allowed: Vec<&str> = known(dual_stack).collect();
            allowed.dedup();
            return Err(format!(
                "a {family} host cannot end in {suffix} (offset {}); {family} hosts end in {}",
                at(suffix_pos),
                allowed.join(" or ")
            ));
        }
        // The longest known suffix followed by more labels: a look-alike such as `amazonaws.com.evil.example`.
        if let Some(k) = known(dual_stack)
            .chain(known(!dual_stack))
            .filter(|k| suffix.strip_prefix(*k).is_some_and(|tail| tail.starts_with('.')))
            .max_by_key(|k| k.len())
        {
            return Err(format!(
                "registry host is a look-alike: unexpected '{}' after the DNS suffix {k} at offset {}",
                &suffix[k.len()..],
                at(suffix_pos + k.len())
            ));
        }
        return Err(format!(
            "unknown DNS suffix '{suffix}' at offset {}; {EXPECTED}",
            at(suffix_pos)
        ));
    }
    match partition.suffix(dual_stack) {
        Some(expected) if expected == suffix => {}
        Some(expected) => {
            return Err(format!(
                "region '{region}' belongs to partition {partition}, whose {family} hosts end in {expected}, not \
                 {suffix} (offset {})",
                at(suffix_pos)
            ));
        }
        None => {
            return Err(format!(
                "region '{region}' belongs to partition {partition}, which has no dual-stack registry hosts"
            ));
        }
    }
    Ok(RegistryHost(Inner::Private {
        registry_id: id.to_owned(),
        region: region.to_owned(),
        partition,
        fips,
        dual_stack,
    }))
}

/// Exactly 12 ASCII digits.
fn check_registry_id(ctx: Ctx<'_>, id: &str) -> std::result::Result<(), String> {
    if let Some((i, c)) = id.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        return Err(format!(
            "registry id has {} at offset {}; it must be 12 ASCII digits",
            quote_char(c),
            ctx.offset(i)
        ));
    }
    if id.len() != 12 {
        return Err(format!(
            "registry id{} has {} digits, it must have 12",
            ctx.at_start(),
            id.len()
        ));
    }
    Ok(())
}

/// A region name: hyphen-separated labels of lowercase letters and digits, the first letters only, the last
/// digits only, at least three labels (`us-west-2`, `us-gov-west-1`, `eusc-de-east-1`).
fn check_region(ctx: Ctx<'_>, region: &str) -> std::result::Result<(), String> {
    let bad = || {
        format!(
            "region '{region}'{} is not an AWS region name (like us-west-2)",
            ctx.at_start()
        )
    };
    if region.is_empty() || region.len() > 63 {
        return Err(bad());
    }
    let mut count = 0;
    let mut last_is_number = false;
    for label in region.split('-') {
        let letters = label.bytes().all(|b| b.is_ascii_lowercase());
        let digits = label.bytes().all(|b| b.is_ascii_digit());
        let alnum = label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if label.is_empty() || !alnum || (count == 0 && !letters) {
            return Err(bad());
        }
        last_is_number = digits;
        count += 1;
    }
    let well_formed = count >= 3 && last_is_number;
    if well_formed { Ok(()) } else { Err(bad()) }
}

/// `[https://]host[:port][/path][?query][#fragment]` → host.
fn parse_server_url(url: &str) -> std::result::Result<RegistryHost, String> {
    if url.is_empty() {
        return Err("server URL is empty".to_owned());
    }
    let mut base = 0;
    if let Some(i) = url.find("://") {
        let scheme = &url[..i];
        if !scheme.eq_ignore_ascii_case("https") {
            return Err(format!(
                "server URL scheme '{scheme}' is not supported; ECR registries are served over https"
            ));
        }
        base = i + 3;
    }
    let rest = &url[base..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    if let Some(i) = authority.find('@') {
        return Err(format!(
            "server URL has user info before '@' at offset {}; refusing it (the host would be what follows '@')",
            Ctx::within(url, base).offset(i)
        ));
    }
    let host = match authority.rfind(':') {
        Some(i) => {
            let port = &authority[i + 1..];
            let valid = !port.is_empty()
                && port.len() <= 5
                && port.bytes().all(|b| b.is_ascii_digit())
                && port.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p));
            if !valid {
                return Err(format!(
                    "server URL port '{port}' at offset {} is not a number from 1 to 65535",
                    Ctx::within(url, base).offset(i + 1)
                ));
            }
            &authority[..i]
        }
        None => authority,
    };
    if host.is_empty() {
        return Err(format!(
            "server URL has no host at offset {}",
            Ctx::within(url, base).offset(0)
        ));
    }
    parse_host(Ctx::within(url, base), host)
}
