//! The repository-name, tag and digest grammars (ECR private API model and OCI distribution spec).

use super::{Ctx, chars, invalid, quote_char};
use crate::Result;

/// Fewest characters in an ECR repository name.
pub const REPOSITORY_NAME_MIN: usize = 2;
/// Most characters in an ECR repository name (ECR's `RepositoryName`; Docker's 255 limit on
/// `host/name` is not applied, ECR accepts longer names).
pub const REPOSITORY_NAME_MAX: usize = 256;
/// Most characters in a tag (OCI distribution spec).
pub const TAG_MAX: usize = 128;
/// Hex characters after `sha256:` in a digest.
pub const DIGEST_HEX_LEN: usize = 64;

const DIGEST_PREFIX: &str = "sha256:";

/// Checks an ECR repository name: 2–256 characters, path components of lowercase letters and digits
/// separated by `/`, inside a component single `.`, `_` or `__`, or runs of `-`
/// (`[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*`).
///
/// ```
/// assert!(ecr_core::reference::validate_repository_name("team/my-app").is_ok());
/// let err = ecr_core::reference::validate_repository_name("Team/app").unwrap_err();
/// assert_eq!(err.code(), "InvalidReference");
/// ```
pub fn validate_repository_name(name: &str) -> Result<()> {
    check_repository(Ctx::whole(name), name).map_err(|m| invalid(name, m))
}

/// Checks a tag against the OCI grammar `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}` (at most 128 characters).
///
/// ```
/// assert!(ecr_core::reference::validate_tag("v1.2.3-rc.1").is_ok());
/// assert!(ecr_core::reference::validate_tag("1.2.3+build").is_err());
/// ```
pub fn validate_tag(tag: &str) -> Result<()> {
    check_tag(Ctx::whole(tag), tag).map_err(|m| invalid(tag, m))
}

/// Checks a digest: `sha256:` followed by 64 lowercase hex characters.
///
/// ```
/// let d = format!("sha256:{}", "a".repeat(64));
/// assert!(ecr_core::reference::validate_digest(&d).is_ok());
/// assert!(ecr_core::reference::validate_digest(&d.to_uppercase()).is_err());
/// ```
pub fn validate_digest(digest: &str) -> Result<()> {
    check_digest(Ctx::whole(digest), digest).map_err(|m| invalid(digest, m))
}

/// Where byte `i` of the part is, as `" at offset N"` (always shown: a standalone check reports the
/// offset inside the value itself).
fn at(ctx: Ctx<'_>, i: usize) -> String {
    format!(" at offset {}", ctx.offset(i))
}

pub(crate) fn check_repository(ctx: Ctx<'_>, name: &str) -> std::result::Result<(), String> {
    let n = name.chars().count();
    if n < REPOSITORY_NAME_MIN {
        let what = if n == 0 { "empty".to_owned() } else { chars(n) };
        return Err(format!(
            "repository name{} is {what}, at least {REPOSITORY_NAME_MIN}",
            ctx.at_start()
        ));
    }
    if n > REPOSITORY_NAME_MAX {
        return Err(format!(
            "repository name{} is {}, at most {REPOSITORY_NAME_MAX}",
            ctx.at_start(),
            chars(n)
        ));
    }
    for (i, c) in name.char_indices() {
        match c {
            'a'..='z' | '0'..='9' | '.' | '_' | '-' | '/' => {}
            'A'..='Z' => {
                return Err(format!(
                    "repository name has uppercase letter {}{}; repository names are lowercase",
                    quote_char(c),
                    at(ctx, i)
                ));
            }
            _ => {
                return Err(format!(
                    "repository name has invalid character {}{}; allowed are a-z, 0-9, '.', '_', '-' and '/'",
                    quote_char(c),
                    at(ctx, i)
                ));
            }
        }
    }
    // Only ASCII from here on: byte offsets are character offsets within the name.
    let bytes = name.as_bytes();
    let mut start = 0;
    loop {
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'/')
            .map_or(bytes.len(), |p| start + p);
        check_component(ctx, &bytes[start..end], start)?;
        if end == bytes.len() {
            return Ok(());
        }
        start = end + 1;
    }
}

/// One path component of a repository name, at byte `base` of the name.
fn check_component(ctx: Ctx<'_>, comp: &[u8], base: usize) -> std::result::Result<(), String> {
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let Some(&first) = comp.first() else {
        return Err(format!("repository name has an empty path component{}", at(ctx, base)));
    };
    if !alnum(first) {
        return Err(format!(
            "repository path component{} starts with '{}'; it must start with a lowercase letter or digit",
            at(ctx, base),
            first as char
        ));
    }
    let mut i = 0;
    while i < comp.len() {
        if alnum(comp[i]) {
            i += 1;
            continue;
        }
        let run_start = i;
        while i < comp.len() && !alnum(comp[i]) {
            i += 1;
        }
        let run = &comp[run_start..i];
        if i == comp.len() {
            return Err(format!(
                "repository path component{} ends with '{}'; it must end with a lowercase letter or digit",
                at(ctx, base),
                run[run.len() - 1] as char
            ));
        }
        let ok = matches!(run, b"." | b"_" | b"__") || run.iter().all(|&b| b == b'-');
        if !ok {
            return Err(format!(
                "repository name has separator '{}'{}; allowed separators are '.', '_', '__' or one or more '-'",
                String::from_utf8_lossy(run),
                at(ctx, base + run_start)
            ));
        }
    }
    Ok(())
}

pub(crate) fn check_tag(ctx: Ctx<'_>, tag: &str) -> std::result::Result<(), String> {
    let n = tag.chars().count();
    if n == 0 {
        return Err(format!("tag{} is empty", ctx.at_start()));
    }
    if n > TAG_MAX {
        return Err(format!("tag{} is {}, at most {TAG_MAX}", ctx.at_start(), chars(n)));
    }
    for (i, c) in tag.char_indices() {
        let ok = c.is_ascii_alphanumeric() || c == '_' || (i > 0 && (c == '.' || c == '-'));
        if ok {
            continue;
        }
        if i == 0 && (c == '.' || c == '-') {
            return Err(format!(
                "tag{} starts with {}; it must start with a letter, digit or '_'",
                ctx.at_start(),
                quote_char(c)
            ));
        }
        let hint = if c == '+' {
            " ('+' is never valid in a tag: replace semver build metadata, e.g. with '_')"
        } else {
            "; allowed are A-Z, a-z, 0-9, '_', '.' and '-'"
        };
        return Err(format!(
            "tag has invalid character {}{}{hint}",
            quote_char(c),
            at(ctx, i)
        ));
    }
    Ok(())
}

pub(crate) fn check_digest(ctx: Ctx<'_>, digest: &str) -> std::result::Result<(), String> {
    let Some(hex) = digest.strip_prefix(DIGEST_PREFIX) else {
        if digest.is_empty() {
            return Err(format!("digest{} is empty", ctx.at_start()));
        }
        if let Some((alg, _)) = digest.split_once(':') {
            return Err(format!(
                "digest algorithm '{alg}'{} is not supported; only sha256 digests ('sha256:' + 64 lowercase hex) are",
                ctx.at_start()
            ));
        }
        return Err(format!(
            "digest{} must be 'sha256:' followed by {DIGEST_HEX_LEN} lowercase hex characters",
            ctx.at_start()
        ));
    };
    let base = DIGEST_PREFIX.len();
    let n = hex.chars().count();
    if n != DIGEST_HEX_LEN {
        return Err(format!(
            "digest hex{} is {}, must be {DIGEST_HEX_LEN}",
            at(ctx, base),
            chars(n)
        ));
    }
    for (i, c) in hex.char_indices() {
        match c {
            '0'..='9' | 'a'..='f' => {}
            'A'..='F' => {
                return Err(format!(
                    "digest has uppercase hex character {}{}; digests are lowercase",
                    quote_char(c),
                    at(ctx, base + i)
                ));
            }
            _ => {
                return Err(format!(
                    "digest has non-hex character {}{}",
                    quote_char(c),
                    at(ctx, base + i)
                ));
            }
        }
    }
    Ok(())
}
