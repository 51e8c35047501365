//! Strict parsing of ECR registry hosts, server URLs and image references.
//!
//! - [`RegistryHost`]: a private registry host `<12 digits>.dkr.ecr[-fips].<region>.<suffix>` in every AWS
//!   partition, its dual-stack form `<12 digits>.dkr-ecr[-fips].<region>.on.aws` (or
//!   `.on.amazonwebservices.com.cn`), or ECR Public (`public.ecr.aws`, `ecr-public.aws.com`). The two private
//!   families never mix, the region must belong to the partition of the suffix, and look-alikes are rejected.
//! - [`RegistryHost::from_server_url`]: the host of a server URL (`https://host[:port]/any/path`) as Docker
//!   hands it to credential helpers.
//! - [`ImageReference`]: `host/repository[:tag][@sha256:<64 hex>]`.
//! - [`validate_repository_name`], [`validate_tag`], [`validate_digest`]: the ECR/OCI grammars on their own.
//! - [`parse_input`] / [`parse_input_json`]: the rule of the `parse_reference` program (a scheme means a server
//!   URL, no `/` means a host, anything else is an image reference) and its JSON output, which the Python and
//!   Node bindings return unchanged.
//!
//! Nothing is normalised: every accepted host and image reference prints back exactly as it was written
//! (`Display` round-trips). Errors are [`Error::InvalidReference`] whose
//! message says what is wrong and at which character offset.
//!
//! ```
//! use ecr_core::reference::{ImageReference, RegistryHost, RegistryKind};
//!
//! let image: ImageReference = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:v1.2.3".parse()?;
//! assert_eq!(image.host().kind(), RegistryKind::Private);
//! assert_eq!(image.host().region(), Some("eu-west-1"));
//! assert_eq!(image.repository(), "team/app");
//! assert_eq!(image.tag(), Some("v1.2.3"));
//!
//! let host = RegistryHost::from_server_url("https://123456789012.dkr.ecr.us-east-1.amazonaws.com:443/v2/")?;
//! assert_eq!(host.registry_id(), Some("123456789012"));
//! # Ok::<(), ecr_core::Error>(())
//! ```

mod grammar;
mod host;
mod image;
mod input;

#[cfg(test)]
mod tests;

pub use grammar::{
    DIGEST_HEX_LEN, REPOSITORY_NAME_MAX, REPOSITORY_NAME_MIN, TAG_MAX, validate_digest, validate_repository_name,
    validate_tag,
};
pub use host::{ECR_PUBLIC_DUAL_STACK_HOST, ECR_PUBLIC_HOST, Partition, PartitionInfo, RegistryHost, RegistryKind};
pub use image::ImageReference;
pub use input::{ParsedInput, parse_input, parse_input_json};

use std::borrow::Cow;

use crate::Error;

/// Where a part being checked sits inside the text the caller gave, for messages that say where.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    /// The whole text given by the caller.
    input: &'a str,
    /// Byte offset of the part being checked inside `input`.
    base: usize,
    /// Whether messages name offsets (false when the part is the whole input of a standalone check).
    offsets: bool,
}

impl<'a> Ctx<'a> {
    /// A part that is the whole input of a standalone check: messages name no offset of the part itself.
    fn whole(input: &'a str) -> Self {
        Self {
            input,
            base: 0,
            offsets: false,
        }
    }

    /// A part inside a larger input, starting at byte `base`.
    fn within(input: &'a str, base: usize) -> Self {
        Self {
            input,
            base,
            offsets: true,
        }
    }

    /// The character offset (0-based) in the input of byte `i` of the part.
    fn offset(&self, i: usize) -> usize {
        let byte = self.base + i;
        self.input.get(..byte).map_or(byte, |s| s.chars().count())
    }

    /// `" at offset N"` for the start of the part, or nothing for a standalone check.
    fn at_start(&self) -> String {
        if self.offsets {
            format!(" at offset {}", self.offset(0))
        } else {
            String::new()
        }
    }
}

/// An [`Error::InvalidReference`] for `input`. When `input` carries user information (see
/// [`redact_user_info`]), neither it nor a message quoting parts of it is shown: the error says what is wrong
/// and echoes the input with the user information redacted.
fn invalid(input: &str, message: String) -> Error {
    match redact_user_info(input) {
        Cow::Borrowed(_) => Error::InvalidReference {
            input: input.to_owned(),
            message,
        },
        Cow::Owned(redacted) => Error::InvalidReference {
            input: redacted,
            message: USER_INFO_MESSAGE.to_owned(),
        },
    }
}

/// The message of every reference error whose input carries user information.
const USER_INFO_MESSAGE: &str = "user information before '@' is not allowed (the host would be what follows '@'); \
    it is not shown and must be removed";

/// `input` with the user information of its authority replaced by `<redacted>`, so errors and reports never
/// echo what may be a password. The authority is the text after any `scheme://` (a valid scheme name) up to the
/// first `/`, `?` or `#`; an `@` in it starts the host after user information, unless the input is a bare
/// `name@digest` reference (no scheme, no `/` anywhere, no `:` before the `@`). Text without user information
/// is returned as is.
pub(crate) fn redact_user_info(input: &str) -> Cow<'_, str> {
    let is_scheme = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    };
    let scheme_end = input.find("://").filter(|&i| is_scheme(&input[..i])).map(|i| i + 3);
    let start = scheme_end.unwrap_or(0);
    let rest = &input[start..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..end].rfind('@') else {
        return Cow::Borrowed(input);
    };
    let bare_digest_reference = scheme_end.is_none() && !input.contains('/') && !rest[..at].contains(':');
    if bare_digest_reference {
        return Cow::Borrowed(input);
    }
    Cow::Owned(format!("{}<redacted>{}", &input[..start], &rest[at..]))
}

/// Quotes a character for a message, escaping controls and whitespace.
fn quote_char(c: char) -> String {
    format!("{:?}", c)
}

/// Plural helper: "1 character", "2 characters".
fn chars(n: usize) -> String {
    if n == 1 {
        "1 character".to_owned()
    } else {
        format!("{n} characters")
    }
}
