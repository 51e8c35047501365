//! The OCI tag grammar (`[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`), sanitising of free text (branch names) into
//! tags, truncation that stays unique, and the handling of semver build metadata (`+`).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The longest tag Docker and OCI clients accept.
pub const MAX_TAG_LEN: usize = 128;

/// What to do with semver build metadata (`1.2.3+abc`): `+` is never valid in a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum BuildMetadata {
    /// `+` becomes `_` (the default, as Helm does; reversible since semver never contains `_`).
    #[default]
    Underscore,
    /// `+` becomes `-` (what docker/metadata-action's sanitiser does to `{{raw}}`; collides with pre-releases).
    Hyphen,
    /// The `+...` part is dropped (docker/metadata-action's `{{version}}`).
    Drop,
    /// A version with build metadata is refused: the plan reports a `build-metadata` violation.
    Reject,
}

impl std::str::FromStr for BuildMetadata {
    type Err = crate::Error;

    /// `underscore`, `hyphen`, `drop` or `reject`.
    fn from_str(s: &str) -> crate::Result<Self> {
        match s {
            "underscore" => Ok(BuildMetadata::Underscore),
            "hyphen" => Ok(BuildMetadata::Hyphen),
            "drop" => Ok(BuildMetadata::Drop),
            "reject" => Ok(BuildMetadata::Reject),
            other => Err(crate::Error::invalid(
                "rule",
                format!("{other:?} is not \"underscore\", \"hyphen\", \"drop\" or \"reject\""),
            )),
        }
    }
}

/// Why a string is not a valid tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagGrammarError {
    /// The tag is empty.
    Empty,
    /// The tag is longer than 128 characters.
    TooLong(usize),
    /// The first character is not `[A-Za-z0-9_]`.
    BadFirst(char),
    /// A character outside `[A-Za-z0-9._-]` at this (character) index.
    BadChar(usize, char),
}

impl std::fmt::Display for TagGrammarError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TagGrammarError::Empty => f.write_str("a tag cannot be empty"),
            TagGrammarError::TooLong(n) => write!(f, "a tag is at most {MAX_TAG_LEN} characters, this one has {n}"),
            TagGrammarError::BadFirst(c) => write!(f, "a tag must start with a letter, digit or `_`, not {c:?}"),
            TagGrammarError::BadChar(i, c) => {
                write!(
                    f,
                    "character {c:?} at position {i} is not allowed (only A-Z a-z 0-9 . _ -)"
                )
            }
        }
    }
}

fn is_tag_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

/// Checks a tag against the OCI distribution grammar `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`.
pub fn validate_tag(tag: &str) -> Result<(), TagGrammarError> {
    let mut chars = tag.chars();
    let Some(first) = chars.next() else {
        return Err(TagGrammarError::Empty);
    };
    if !(first.is_ascii_alphanumeric() || first == '_') {
        return Err(TagGrammarError::BadFirst(first));
    }
    if let Some((i, c)) = tag.chars().enumerate().find(|(_, c)| !is_tag_char(*c)) {
        return Err(TagGrammarError::BadChar(i, c));
    }
    if tag.len() > MAX_TAG_LEN {
        return Err(TagGrammarError::TooLong(tag.len()));
    }
    Ok(())
}

/// Whether a tag looks like one that registries and signing tools reserve: the OCI referrers fallback
/// tag `sha256-<64 hex>` and legacy cosign's `sha256-<64 hex>.sig|.att|.sbom`.
pub fn is_reserved_tag(tag: &str) -> bool {
    let Some(rest) = tag.strip_prefix("sha256-").or_else(|| tag.strip_prefix("sha512-")) else {
        return false;
    };
    let (hex, ext) = match rest.split_once('.') {
        Some((h, e)) => (h, Some(e)),
        None => (rest, None),
    };
    let hex_ok = (hex.len() == 64 || hex.len() == 128) && hex.bytes().all(|b| b.is_ascii_hexdigit());
    hex_ok && matches!(ext, None | Some("sig" | "att" | "sbom"))
}

/// Replaces every run of characters outside `[A-Za-z0-9._-]` with one `-` (docker/metadata-action's rule;
/// `feature/new login` → `feature-new-login`).
pub fn replace_illegal_runs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_run = false;
    for c in text.chars() {
        if is_tag_char(c) {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push('-');
            in_run = true;
        }
    }
    out
}

/// Applies the build-metadata rule to a version-like string: `v1.2.3+abc` → `v1.2.3_abc` (underscore),
/// `v1.2.3-abc` (hyphen) or `v1.2.3` (drop). `None` for [`BuildMetadata::Reject`] when there is a `+`.
pub fn apply_build_metadata(text: &str, rule: BuildMetadata) -> Option<String> {
    if !text.contains('+') {
        return Some(text.to_owned());
    }
    match rule {
        BuildMetadata::Underscore => Some(text.replace('+', "_")),
        BuildMetadata::Hyphen => Some(text.replace('+', "-")),
        BuildMetadata::Drop => text.split('+').next().map(str::to_owned),
        BuildMetadata::Reject => None,
    }
}

/// Turns `prefix + value + suffix` into a valid tag, or `None` when nothing valid is left.
///
/// Illegal runs become `-`, leading `.`/`-` are removed, and a result longer than 128 characters is
/// truncated inside the value, keeping the suffix, with `-` and 7 hex characters of the SHA-256 of the
/// untruncated text appended, so two long names that share a 120-character start stay distinct.
pub fn fit_tag(prefix: &str, value: &str, suffix: &str) -> Option<String> {
    let head = replace_illegal_runs(&format!("{prefix}{value}"));
    let suffix = replace_illegal_runs(suffix);
    let head = head.trim_start_matches(['.', '-']);
    let full_len = head.len() + suffix.len();
    if head.is_empty() && suffix.trim_start_matches(['.', '-']).is_empty() {
        return None;
    }
    if head.is_empty() {
        return Some(suffix.trim_start_matches(['.', '-']).to_owned()).filter(|s| s.len() <= MAX_TAG_LEN);
    }
    if full_len <= MAX_TAG_LEN {
        return Some(format!("{head}{suffix}"));
    }
    let hash = short_hash(&format!("{head}{suffix}"));
    // Room for the head: 128 - '-' - 7 hex - suffix (the suffix itself is cut if it alone is too long).
    let suffix = if suffix.len() > MAX_TAG_LEN / 2 {
        &suffix[..MAX_TAG_LEN / 2]
    } else {
        &suffix[..]
    };
    let room = MAX_TAG_LEN - 8 - suffix.len();
    // Every character is ASCII after replace_illegal_runs, so byte slicing is safe.
    let cut = head[..room.min(head.len())].trim_end_matches(['.', '-']);
    Some(format!("{cut}-{hash}{suffix}"))
}

/// The first 7 hex characters of the SHA-256 of `text`.
pub(crate) fn short_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    hex::encode(&digest[..4])[..7].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar_accepts_and_rejects_by_rule() {
        assert!(validate_tag("v1.2.3").is_ok());
        assert!(validate_tag("_x").is_ok());
        assert!(validate_tag(&"a".repeat(128)).is_ok());
        assert_eq!(validate_tag(""), Err(TagGrammarError::Empty));
        assert_eq!(validate_tag(&"a".repeat(129)), Err(TagGrammarError::TooLong(129)));
        assert_eq!(validate_tag(".x"), Err(TagGrammarError::BadFirst('.')));
        assert_eq!(validate_tag("-x"), Err(TagGrammarError::BadFirst('-')));
        assert_eq!(validate_tag("v1.2.3+abc"), Err(TagGrammarError::BadChar(6, '+')));
        assert_eq!(validate_tag("a/b"), Err(TagGrammarError::BadChar(1, '/')));
    }

    #[test]
    fn reserved_tags_are_recognised() {
        let hex = "a".repeat(64);
        assert!(is_reserved_tag(&format!("sha256-{hex}")));
        assert!(is_reserved_tag(&format!("sha256-{hex}.sig")));
        assert!(is_reserved_tag(&format!("sha256-{hex}.att")));
        assert!(!is_reserved_tag("sha256-abc"));
        assert!(!is_reserved_tag(&format!("sha256-{hex}.txt")));
        assert!(!is_reserved_tag("sha-abc1234"));
    }

    #[test]
    fn branch_names_are_sanitised() {
        assert_eq!(
            fit_tag("", "feature/new login!!", "").as_deref(),
            Some("feature-new-login-")
        );
        assert_eq!(
            fit_tag("", "refs/heads/my/branch", "").as_deref(),
            Some("refs-heads-my-branch")
        );
        assert_eq!(fit_tag("", "..-.hidden", "").as_deref(), Some("hidden"));
        assert_eq!(fit_tag("", "//", "").as_deref(), None);
        assert_eq!(fit_tag("", "ünïcode", "").as_deref(), Some("n-code"));
        assert_eq!(fit_tag("pr-", "12", "-arm64").as_deref(), Some("pr-12-arm64"));
    }

    #[test]
    fn truncation_keeps_the_suffix_and_stays_unique() {
        let a = format!("{}-alpha", "x".repeat(150));
        let b = format!("{}-beta", "x".repeat(150));
        let ta = fit_tag("", &a, "-arm64").unwrap();
        let tb = fit_tag("", &b, "-arm64").unwrap();
        assert_eq!(ta.len(), MAX_TAG_LEN);
        assert_eq!(tb.len(), MAX_TAG_LEN);
        assert_ne!(ta, tb);
        assert!(ta.ends_with("-arm64"));
        assert!(validate_tag(&ta).is_ok());
        // Deterministic.
        assert_eq!(ta, fit_tag("", &a, "-arm64").unwrap());
    }

    #[test]
    fn build_metadata_rules() {
        assert_eq!(
            apply_build_metadata("1.2.3+abc", BuildMetadata::Underscore).as_deref(),
            Some("1.2.3_abc")
        );
        assert_eq!(
            apply_build_metadata("1.2.3+abc", BuildMetadata::Hyphen).as_deref(),
            Some("1.2.3-abc")
        );
        assert_eq!(
            apply_build_metadata("1.2.3+abc", BuildMetadata::Drop).as_deref(),
            Some("1.2.3")
        );
        assert_eq!(apply_build_metadata("1.2.3+abc", BuildMetadata::Reject), None);
        assert_eq!(
            apply_build_metadata("1.2.3", BuildMetadata::Reject).as_deref(),
            Some("1.2.3")
        );
    }
}
