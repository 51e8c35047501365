//! Platforms: `os/arch[/variant]`, compared the way runtimes select them (`arm64` ≡ `arm64/v8`).
//! An index's platforms come from its entries (BuildKit attestation entries skipped); a single-arch
//! image's from its config blob.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::report::Finding;
use crate::error::{Error, Result};

/// An OS/architecture/variant triple.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Platform {
    /// GOOS, e.g. `linux`.
    pub os: String,
    /// GOARCH, e.g. `amd64`, `arm64`.
    pub architecture: String,
    /// CPU variant, e.g. `v7`, `v8`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
}

impl Platform {
    /// A platform from its parts.
    pub fn new(os: &str, architecture: &str, variant: Option<&str>) -> Self {
        Self {
            os: os.to_owned(),
            architecture: architecture.to_owned(),
            variant: variant.filter(|v| !v.is_empty()).map(str::to_owned),
        }
    }

    /// The comparison form: lowercase, `x86_64` → `amd64`, `aarch64` → `arm64`, and the default variants
    /// dropped (`arm64/v8`, `amd64/v1`) so `arm64` and `arm64/v8` compare equal.
    pub fn normalized(&self) -> Self {
        let os = self.os.to_ascii_lowercase();
        let architecture = match self.architecture.to_ascii_lowercase().as_str() {
            "x86_64" | "x86-64" => "amd64".to_owned(),
            "aarch64" => "arm64".to_owned(),
            other => other.to_owned(),
        };
        let variant = self
            .variant
            .as_ref()
            .map(|v| v.to_ascii_lowercase())
            .filter(|v| !((architecture == "arm64" && v == "v8") || (architecture == "amd64" && v == "v1")));
        Self {
            os,
            architecture,
            variant,
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

impl FromStr for Platform {
    type Err = Error;

    /// Parses `os/arch` or `os/arch/variant`.
    fn from_str(s: &str) -> Result<Self> {
        let parts: Vec<&str> = s.split('/').collect();
        let valid = |p: &str| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-')
        };
        match parts.as_slice() {
            [os, arch] if valid(os) && valid(arch) => Ok(Platform::new(os, arch, None)),
            [os, arch, variant] if valid(os) && valid(arch) && valid(variant) => {
                Ok(Platform::new(os, arch, Some(variant)))
            }
            _ => Err(Error::invalid(
                "platform",
                format!("{s:?} is not os/arch or os/arch/variant (e.g. linux/arm64, linux/arm/v7)"),
            )),
        }
    }
}

/// Compares the platforms found with the expected ones: any expected platform missing, or any platform
/// present that was not expected, is a failure. With nothing expected the check passes and lists what
/// it found.
pub fn compare_platforms(expected: &[Platform], found: &[Platform], attestations: usize) -> Finding {
    let found_n: Vec<Platform> = found.iter().map(Platform::normalized).collect();
    let expected_n: Vec<Platform> = expected.iter().map(Platform::normalized).collect();
    let missing: Vec<String> = expected_n
        .iter()
        .filter(|p| !found_n.contains(p))
        .map(ToString::to_string)
        .collect();
    let extra: Vec<String> = if expected.is_empty() {
        Vec::new()
    } else {
        found_n
            .iter()
            .filter(|p| !expected_n.contains(p))
            .map(ToString::to_string)
            .collect()
    };
    let found_s: Vec<String> = found.iter().map(ToString::to_string).collect();
    let expected_s: Vec<String> = expected.iter().map(ToString::to_string).collect();
    let details = json!({
        "expected": expected_s,
        "found": found_s,
        "missing": missing,
        "extra": extra,
        "attestationsSkipped": attestations,
    });
    if found.is_empty() {
        return Finding::fail("no platform could be determined", details);
    }
    if missing.is_empty() && extra.is_empty() {
        let what = if expected.is_empty() {
            "no platforms expected; found"
        } else {
            "platforms as expected:"
        };
        Finding::pass(format!("{what} {}", found_s.join(", ")), details)
    } else {
        let mut parts = Vec::new();
        if !missing.is_empty() {
            parts.push(format!("missing {}", missing.join(", ")));
        }
        if !extra.is_empty() {
            parts.push(format!("unexpected {}", extra.join(", ")));
        }
        Finding::fail(
            format!("platforms differ: {} (found {})", parts.join("; "), found_s.join(", ")),
            details,
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn p(s: &str) -> Platform {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_normalises() {
        assert_eq!(p("linux/arm/v7").variant.as_deref(), Some("v7"));
        assert_eq!(p("linux/arm64/v8").normalized(), p("linux/arm64"));
        assert_eq!(p("linux/x86_64").normalized(), p("linux/amd64"));
        assert_ne!(p("linux/arm/v6").normalized(), p("linux/arm/v7").normalized());
        for bad in ["linux", "linux/", "/amd64", "a/b/c/d", "linux/amd 64"] {
            assert!(bad.parse::<Platform>().is_err(), "{bad}");
        }
        assert_eq!(p("linux/arm/v7").to_string(), "linux/arm/v7");
    }

    #[test]
    fn arm64_over_amd64_fails() {
        let f = compare_platforms(&[p("linux/amd64")], &[p("linux/arm64")], 0);
        assert!(!f.ok);
        assert_eq!(f.details["missing"][0], "linux/amd64");
        assert_eq!(f.details["extra"][0], "linux/arm64");
        let f = compare_platforms(
            &[p("linux/amd64"), p("linux/arm64")],
            &[p("linux/arm64/v8"), p("linux/amd64")],
            1,
        );
        assert!(f.ok, "{}", f.message);
        assert!(compare_platforms(&[], &[p("linux/amd64")], 0).ok);
        assert!(!compare_platforms(&[], &[], 0).ok);
    }
}
