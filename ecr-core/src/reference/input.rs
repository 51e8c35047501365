//! The `parse_reference` program's rule and JSON output, shared with the bindings.

use serde_json::{Value, json};

use super::{ImageReference, RegistryHost};
use crate::{Error, Result};

/// What one input line was, once parsed by [`parse_input`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParsedInput {
    /// The input had a scheme (`https://…`) and was read as a server URL.
    ServerUrl(RegistryHost),
    /// The input had no `/` and was read as a bare registry host.
    Host(RegistryHost),
    /// Anything else: an image reference.
    Image(ImageReference),
}

impl ParsedInput {
    /// The registry host, whatever the input was.
    pub fn host(&self) -> &RegistryHost {
        match self {
            ParsedInput::ServerUrl(h) | ParsedInput::Host(h) => h,
            ParsedInput::Image(i) => i.host(),
        }
    }

    /// The image reference, when the input was one.
    pub fn image(&self) -> Option<&ImageReference> {
        match self {
            ParsedInput::Image(i) => Some(i),
            _ => None,
        }
    }

    /// The program's JSON object for this result (`ok: true`), with `input` as given. Fields, in order:
    /// `input`, `ok`, `kind`, `registry_id`, `region`, `fips`, `dual_stack`, `dns_suffix`, `repository`,
    /// `tag`, `digest`; null where absent.
    pub fn to_json(&self, input: &str) -> Value {
        let host = self.host();
        let image = self.image();
        json!({
            "input": input,
            "ok": true,
            "kind": host.kind().as_str(),
            "registry_id": host.registry_id(),
            "region": host.region(),
            "fips": host.fips(),
            "dual_stack": host.dual_stack(),
            "dns_suffix": host.dns_suffix(),
            "repository": image.map(ImageReference::repository),
            "tag": image.and_then(ImageReference::tag),
            "digest": image.and_then(ImageReference::digest),
        })
    }
}

/// Parses one input by the program's rule: text containing `://` is a server URL
/// ([`RegistryHost::from_server_url`]), text without `/` is a bare host, anything else is an
/// [`ImageReference`]. Nothing is trimmed: whitespace is an error like any other bad character.
///
/// ```
/// use ecr_core::reference::{parse_input, ParsedInput};
/// let parsed = parse_input("https://public.ecr.aws/v2/")?;
/// assert!(matches!(parsed, ParsedInput::ServerUrl(ref h) if h.is_public()));
/// # Ok::<(), ecr_core::Error>(())
/// ```
pub fn parse_input(input: &str) -> Result<ParsedInput> {
    if input.contains("://") {
        RegistryHost::from_server_url(input).map(ParsedInput::ServerUrl)
    } else if !input.contains('/') {
        input.parse().map(ParsedInput::Host)
    } else {
        input.parse().map(ParsedInput::Image)
    }
}

/// [`parse_input`] as the program's JSON object: the fields of [`ParsedInput::to_json`] when valid, else
/// `{"input", "ok": false, "code", "message"}` with the error's stable code and what is wrong and where.
///
/// ```
/// let out = ecr_core::reference::parse_input_json("public.ecr.aws/Team/app");
/// assert_eq!(out["ok"], false);
/// assert_eq!(out["code"], "InvalidReference");
/// ```
pub fn parse_input_json(input: &str) -> Value {
    match parse_input(input) {
        Ok(parsed) => parsed.to_json(input),
        Err(err) => {
            let message = match &err {
                Error::InvalidReference { message, .. } => message.clone(),
                other => other.to_string(),
            };
            json!({ "input": super::redact_user_info(input), "ok": false, "code": err.code(), "message": message })
        }
    }
}
