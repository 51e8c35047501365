//! Semver values for tags: parsing a git tag or value (`v1.2.3`, `1.2.3-rc.1+build`), and the versions
//! already released in a repository, which decide the rolling tags (`latest`, `{{major}}`,
//! `{{major}}.{{minor}}`) so a backport never moves them to an older line.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::error::{Error, Result};

pub use ::semver::Version;

/// Parses a version the way docker/metadata-action's `semver.clean` does: surrounding space and a leading
/// `v`, `V` or `=` are ignored; the rest must be a full `MAJOR.MINOR.PATCH[-pre][+build]`.
pub fn parse_version(text: &str) -> Option<Version> {
    let t = text.trim();
    let t = t.strip_prefix('=').unwrap_or(t);
    let t = t.strip_prefix(['v', 'V']).unwrap_or(t);
    Version::parse(t).ok()
}

/// Whether a version is a pre-release (`1.2.3-rc.1`).
pub fn is_prerelease(v: &Version) -> bool {
    !v.pre.is_empty()
}

/// [`parse_version`] for an argument: text that is not a version is an [`Error::InvalidArgument`] naming `what`.
pub fn require_version(text: &str, what: &str) -> Result<Version> {
    parse_version(text).ok_or_else(|| Error::invalid(what, format!("{text:?} is not a MAJOR.MINOR.PATCH version")))
}

/// A version as JSON: `version`, `major`, `minor`, `patch`, `pre`, `build`, `prerelease`.
pub fn version_facts(v: &Version) -> VersionFacts {
    VersionFacts {
        version: v.to_string(),
        major: v.major,
        minor: v.minor,
        patch: v.patch,
        pre: v.pre.as_str().to_owned(),
        build: v.build.as_str().to_owned(),
        prerelease: is_prerelease(v),
    }
}

/// A version's parts ([`version_facts`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[schemars(rename = "ParsedVersion")]
pub struct VersionFacts {
    /// The version, cleaned (`1.2.3-rc.1+b7`).
    pub version: String,
    /// MAJOR.
    pub major: u64,
    /// MINOR.
    pub minor: u64,
    /// PATCH.
    pub patch: u64,
    /// The pre-release part (`rc.1`), empty when none.
    pub pre: String,
    /// The build metadata (`b7`), empty when none.
    pub build: String,
    /// Whether it is a pre-release.
    pub prerelease: bool,
}

/// Which line a rolling tag follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Line {
    /// Every version (`latest`).
    All,
    /// Versions with the same major (`{{major}}`).
    Major,
    /// Versions with the same major and minor (`{{major}}.{{minor}}`).
    Minor,
}

impl FromStr for Line {
    type Err = Error;

    /// `all`, `major` or `minor`.
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "all" => Ok(Line::All),
            "major" => Ok(Line::Major),
            "minor" => Ok(Line::Minor),
            other => Err(Error::invalid(
                "line",
                format!("{other:?} is not \"all\", \"major\" or \"minor\""),
            )),
        }
    }
}

/// The stable versions already present as tags in a repository.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReleasedVersions {
    stable: Vec<Version>,
}

impl ReleasedVersions {
    /// Collects the stable versions among existing tags. A tag is read after removing `prefix` and
    /// `suffix` (the strategy's flavor) when present; `_` is read as `+` (the default build-metadata
    /// mapping). Tags that are not versions are ignored.
    pub fn from_tags<'a>(tags: impl IntoIterator<Item = &'a str>, prefix: &str, suffix: &str) -> Self {
        let mut stable: Vec<Version> = tags
            .into_iter()
            .filter_map(|t| {
                let t = t.strip_prefix(prefix).unwrap_or(t);
                let t = t.strip_suffix(suffix).unwrap_or(t);
                // Cheap pre-filter: a version starts with a digit, `v`, `V` or `=` (most tags are not versions).
                if !t.starts_with(|c: char| c.is_ascii_digit() || matches!(c, 'v' | 'V' | '=')) {
                    return None;
                }
                if t.contains('_') {
                    parse_version(&t.replace('_', "+"))
                } else {
                    parse_version(t)
                }
            })
            .filter(|v| !is_prerelease(v))
            .collect();
        stable.sort_by(|a, b| b.cmp_precedence(a));
        stable.dedup_by(|a, b| a.cmp_precedence(b) == Ordering::Equal);
        Self { stable }
    }

    /// The highest stable version, if any.
    pub fn highest(&self) -> Option<&Version> {
        self.stable.first()
    }

    /// The highest stable version on `v`'s line.
    pub fn highest_on_line(&self, v: &Version, line: Line) -> Option<&Version> {
        self.stable.iter().find(|e| match line {
            Line::All => true,
            Line::Major => e.major == v.major,
            Line::Minor => e.major == v.major && e.minor == v.minor,
        })
    }

    /// Whether `v` is at least the highest released version on its line (build metadata ignored), so a
    /// rolling tag of that line may move to it.
    pub fn may_roll_to(&self, v: &Version, line: Line) -> bool {
        self.highest_on_line(v, line)
            .is_none_or(|h| v.cmp_precedence(h) != Ordering::Less)
    }

    /// How many stable versions are known.
    pub fn len(&self) -> usize {
        self.stable.len()
    }

    /// Whether no stable version is known.
    pub fn is_empty(&self) -> bool {
        self.stable.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_like_semver_clean() {
        assert_eq!(parse_version("v1.2.3").unwrap().to_string(), "1.2.3");
        assert_eq!(parse_version(" =1.2.3-rc.1+b7 ").unwrap().to_string(), "1.2.3-rc.1+b7");
        assert!(parse_version("1.2").is_none());
        assert!(parse_version("release-1").is_none());
        assert!(is_prerelease(&parse_version("2.0.0-beta.1").unwrap()));
    }

    #[test]
    fn backports_do_not_roll_newer_lines() {
        let r = ReleasedVersions::from_tags(
            [
                "v2.0.1",
                "v1.9.3",
                "1.9",
                "latest",
                "v3.0.0-rc.1",
                "sha-abc1234",
                "1.8.0_abc",
            ],
            "",
            "",
        );
        assert_eq!(r.highest().unwrap().to_string(), "2.0.1");
        assert_eq!(r.len(), 3);
        let v194 = parse_version("1.9.4").unwrap();
        assert!(!r.may_roll_to(&v194, Line::All));
        assert!(r.may_roll_to(&v194, Line::Major));
        assert!(r.may_roll_to(&v194, Line::Minor));
        let v192 = parse_version("1.9.2").unwrap();
        assert!(!r.may_roll_to(&v192, Line::Minor));
        let v202 = parse_version("2.0.2").unwrap();
        assert!(r.may_roll_to(&v202, Line::All));
        // Re-releasing the same version (build metadata differs) still counts as the highest.
        assert!(r.may_roll_to(&parse_version("2.0.1+rebuild").unwrap(), Line::All));
        assert!(ReleasedVersions::default().may_roll_to(&v192, Line::All));
    }

    #[test]
    fn flavor_affixes_are_removed_before_parsing() {
        let r = ReleasedVersions::from_tags(["app-1.4.0-alpine", "app-1.5.0-alpine"], "app-", "-alpine");
        assert_eq!(r.highest().unwrap().to_string(), "1.5.0");
    }

    #[test]
    fn arguments_parse_or_name_what_is_wrong() {
        assert_eq!("minor".parse::<Line>().unwrap(), Line::Minor);
        assert_eq!("weekly".parse::<Line>().unwrap_err().code(), "InvalidArgument");
        assert_eq!(
            "drop".parse::<crate::tagging::BuildMetadata>().unwrap(),
            crate::tagging::BuildMetadata::Drop
        );
        assert!(
            "keep"
                .parse::<crate::tagging::BuildMetadata>()
                .unwrap_err()
                .to_string()
                .contains("rule")
        );
        assert!(
            require_version("1.2", "version")
                .unwrap_err()
                .to_string()
                .contains("\"1.2\"")
        );
        let facts = version_facts(&require_version("v1.2.3-rc.1+b5", "version").unwrap());
        assert_eq!(facts.version, "1.2.3-rc.1+b5");
        assert!(facts.prerelease);
        assert_eq!(facts.build, "b5");
    }
}
