//! The one error type of ecr-core.
//!
//! Every variant has a stable [`Error::code`] string; the Python and Node bindings expose it unchanged
//! (`err.code`), so callers branch on codes, never on message text. Errors never carry secrets.
//!
//! AWS SDK errors are converted in exactly one place, [`Error::from_sdk`], which keeps the service's
//! error code, message and request id, and keeps the source of transport errors.

use std::fmt;
use std::time::Duration;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_types::request_id::RequestId;
use serde::Serialize;

/// A `Result` whose error is ecr-core's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The source of a transport error.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// One problem found while validating a document, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct FieldError {
    /// JSON path of the offending field, e.g. `rules[2].selection.countUnit` (empty for the whole document).
    pub path: String,
    /// What is wrong, in words a person can act on.
    pub message: String,
}

impl FieldError {
    /// A problem at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Formats the optional request id as a message suffix.
struct Rid<'a>(&'a Option<String>);

impl fmt::Display for Rid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(f, " (request id {id})"),
            None => Ok(()),
        }
    }
}

/// Joins field errors for display.
struct Fields<'a>(&'a [FieldError]);

impl fmt::Display for Fields<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in ecr-core.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ---- input ----
    /// A registry host, server URL or image reference is not valid.
    #[error("invalid reference {input:?}: {message}")]
    InvalidReference {
        /// The text that was parsed.
        input: String,
        /// What is wrong and where.
        message: String,
    },
    /// An argument or input document is not valid.
    #[error("invalid {what}: {message}")]
    InvalidArgument {
        /// Which argument or input (e.g. `--images`, `scan policy`).
        what: String,
        /// What is wrong and where.
        message: String,
    },
    /// A policy document (lifecycle, scan, tag) failed validation; every problem is listed.
    #[error("invalid {what}: {}", Fields(errors))]
    PolicyValidation {
        /// Which kind of document (e.g. `lifecycle policy`).
        what: String,
        /// Every problem found, with its JSON path.
        errors: Vec<FieldError>,
    },

    // ---- service: mapped by meaning ----
    /// The repository does not exist in the registry.
    #[error("repository not found: {message}{}", Rid(request_id))]
    RepositoryNotFound {
        /// The service's message.
        message: String,
        /// The AWS request id, when known.
        request_id: Option<String>,
    },
    /// The image (tag or digest) does not exist.
    #[error("image not found: {message}{}", Rid(request_id))]
    ImageNotFound {
        /// The service's message.
        message: String,
        /// The AWS request id, when known.
        request_id: Option<String>,
    },
    /// The repository has no lifecycle policy.
    #[error("lifecycle policy not found: {message}{}", Rid(request_id))]
    LifecyclePolicyNotFound {
        /// The service's message.
        message: String,
        /// The AWS request id, when known.
        request_id: Option<String>,
    },
    /// No scan exists (yet) for the image.
    #[error("scan not found: {message}{}", Rid(request_id))]
    ScanNotFound {
        /// The service's message.
        message: String,
        /// The AWS request id, when known.
        request_id: Option<String>,
    },
    /// The caller's principal is not allowed to perform the action.
    #[error("access denied: {message}{}", Rid(request_id))]
    AccessDenied {
        /// The service's message, naming the action where AWS does.
        message: String,
        /// The AWS request id, when known.
        request_id: Option<String>,
    },
    /// The AWS credentials are expired, invalid or not recognised.
    #[error("invalid or expired AWS credentials: {message}{}", Rid(request_id))]
    InvalidCredentials {
        /// The service's message.
        message: String,
        /// The AWS request id, when known.
        request_id: Option<String>,
    },
    /// No AWS credentials could be found in the credential chain.
    #[error("no AWS credentials: {message}")]
    NoCredentials {
        /// What the credential chain reported.
        message: String,
    },
    /// Long-lived static keys were found where the policy requires temporary credentials.
    #[error(
        "long-lived AWS access keys refused (source: {source_name}); use temporary credentials (role, SSO or OIDC web identity)"
    )]
    LongLivedCredentials {
        /// The credential provider that supplied them, where it can be known.
        source_name: String,
    },
    /// No AWS region is configured.
    #[error("no AWS region configured: set AWS_REGION, a profile region, or pass a region explicitly")]
    NoRegion,
    /// The request targets the wrong region or partition (e.g. ECR Public outside us-east-1).
    #[error("wrong region or partition: {message}")]
    WrongRegion {
        /// What was asked and what is required.
        message: String,
    },
    /// AWS throttled the request and retries were exhausted.
    #[error("throttled by AWS after retries: {message}{}", Rid(request_id))]
    Throttled {
        /// The service's message.
        message: String,
        /// The AWS request id, when known.
        request_id: Option<String>,
    },
    /// A service limit was exceeded (e.g. a scan quota).
    #[error("limit exceeded: {message}{}", Rid(request_id))]
    LimitExceeded {
        /// The service's message.
        message: String,
        /// The AWS request id, when known.
        request_id: Option<String>,
    },
    /// Any other error returned by the AWS service, with its code kept.
    #[error("AWS error {aws_code}: {message}{}", Rid(request_id))]
    Service {
        /// The AWS error code, e.g. `InvalidParameterException`.
        aws_code: String,
        /// The service's message.
        message: String,
        /// The AWS request id, when known.
        request_id: Option<String>,
    },

    // ---- transport ----
    /// The request could not be sent or no valid response was received.
    #[error("transport error: {message}")]
    Transport {
        /// What failed.
        message: String,
        /// The underlying cause.
        #[source]
        source: Option<BoxError>,
    },
    /// An operation did not finish within its time limit.
    #[error("timed out after {after:?}: {what}")]
    Timeout {
        /// What timed out.
        what: String,
        /// The limit that was exceeded.
        after: Duration,
    },

    // ---- scan ----
    /// Waiting for an image scan did not reach a final state in time.
    #[error("scan of {image} not complete after {elapsed:?} (last status {last_status})")]
    ScanTimeout {
        /// The image being waited for.
        image: String,
        /// The last status seen.
        last_status: String,
        /// How long it waited.
        elapsed: Duration,
    },

    // ---- registry protocol ----
    /// The OCI distribution (registry) protocol failed.
    #[error("registry error: {message}")]
    Registry {
        /// What failed, with the HTTP status where there was one.
        message: String,
    },

    // ---- local ----
    /// A local file could not be read or written.
    #[error("i/o error on {path}: {source}")]
    Io {
        /// The file concerned.
        path: String,
        /// The underlying cause.
        #[source]
        source: std::io::Error,
    },
    /// A safety guard refused the operation (e.g. too many deletions, a protected digest).
    #[error("refused: {message}")]
    Refused {
        /// Which guard refused and why.
        message: String,
    },
}

impl Error {
    /// The stable code of this error, identical in Rust, Python (`.code`) and Node (`err.code`).
    pub fn code(&self) -> &'static str {
        match self {
            Error::InvalidReference { .. } => "InvalidReference",
            Error::InvalidArgument { .. } => "InvalidArgument",
            Error::PolicyValidation { .. } => "PolicyValidation",
            Error::RepositoryNotFound { .. } => "RepositoryNotFound",
            Error::ImageNotFound { .. } => "ImageNotFound",
            Error::LifecyclePolicyNotFound { .. } => "LifecyclePolicyNotFound",
            Error::ScanNotFound { .. } => "ScanNotFound",
            Error::AccessDenied { .. } => "AccessDenied",
            Error::InvalidCredentials { .. } => "InvalidCredentials",
            Error::NoCredentials { .. } => "NoCredentials",
            Error::LongLivedCredentials { .. } => "LongLivedCredentials",
            Error::NoRegion => "NoRegion",
            Error::WrongRegion { .. } => "WrongRegion",
            Error::Throttled { .. } => "Throttled",
            Error::LimitExceeded { .. } => "LimitExceeded",
            Error::Service { .. } => "ServiceError",
            Error::Transport { .. } => "Transport",
            Error::Timeout { .. } => "Timeout",
            Error::ScanTimeout { .. } => "ScanTimeout",
            Error::Registry { .. } => "RegistryError",
            Error::Io { .. } => "Io",
            Error::Refused { .. } => "Refused",
        }
    }

    /// Every code [`Error::code`] can return, for the bindings' exhaustive maps and their tests.
    pub const ALL_CODES: &'static [&'static str] = &[
        "InvalidReference",
        "InvalidArgument",
        "PolicyValidation",
        "RepositoryNotFound",
        "ImageNotFound",
        "LifecyclePolicyNotFound",
        "ScanNotFound",
        "AccessDenied",
        "InvalidCredentials",
        "NoCredentials",
        "LongLivedCredentials",
        "NoRegion",
        "WrongRegion",
        "Throttled",
        "LimitExceeded",
        "ServiceError",
        "Transport",
        "Timeout",
        "ScanTimeout",
        "RegistryError",
        "Io",
        "Refused",
    ];

    /// A sample error of `code` (every code in [`Error::ALL_CODES`] has one), with no secret in it: the
    /// bindings' tests use it to prove every code reaches Python and JS intact.
    #[doc(hidden)]
    pub fn sample(code: &str) -> Option<Error> {
        use Error as E;
        let message = || format!("sample {code} error");
        let request_id = || Some("sample-request-id".to_owned());
        Some(match code {
            "InvalidReference" => E::InvalidReference {
                input: "not a reference".to_owned(),
                message: message(),
            },
            "InvalidArgument" => E::invalid("sample", message()),
            "PolicyValidation" => E::PolicyValidation {
                what: "sample policy".to_owned(),
                errors: vec![
                    FieldError::new("rules[0].selection.countNumber", "must be at least 1"),
                    FieldError::new("", "document has no rules"),
                ],
            },
            "RepositoryNotFound" => E::RepositoryNotFound {
                message: message(),
                request_id: request_id(),
            },
            "ImageNotFound" => E::ImageNotFound {
                message: message(),
                request_id: request_id(),
            },
            "LifecyclePolicyNotFound" => E::LifecyclePolicyNotFound {
                message: message(),
                request_id: request_id(),
            },
            "ScanNotFound" => E::ScanNotFound {
                message: message(),
                request_id: request_id(),
            },
            "AccessDenied" => E::AccessDenied {
                message: message(),
                request_id: request_id(),
            },
            "InvalidCredentials" => E::InvalidCredentials {
                message: message(),
                request_id: request_id(),
            },
            "NoCredentials" => E::NoCredentials { message: message() },
            "LongLivedCredentials" => E::LongLivedCredentials {
                source_name: "Environment".to_owned(),
            },
            "NoRegion" => E::NoRegion,
            "WrongRegion" => E::WrongRegion { message: message() },
            "Throttled" => E::Throttled {
                message: message(),
                request_id: request_id(),
            },
            "LimitExceeded" => E::LimitExceeded {
                message: message(),
                request_id: request_id(),
            },
            "ServiceError" => E::Service {
                aws_code: "InvalidParameterException".to_owned(),
                message: message(),
                request_id: request_id(),
            },
            "Transport" => E::Transport {
                message: message(),
                source: Some(Box::new(std::io::Error::other("connection reset"))),
            },
            "Timeout" => E::Timeout {
                what: message(),
                after: Duration::from_secs(5),
            },
            "ScanTimeout" => E::ScanTimeout {
                image: "repo@sha256:0".to_owned(),
                last_status: "IN_PROGRESS".to_owned(),
                elapsed: Duration::from_secs(600),
            },
            "RegistryError" => E::Registry { message: message() },
            "Io" => E::io(
                "/nonexistent/sample",
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ),
            "Refused" => E::Refused { message: message() },
            _ => return None,
        })
    }

    /// The AWS request id, for errors returned by the service.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::RepositoryNotFound { request_id, .. }
            | Error::ImageNotFound { request_id, .. }
            | Error::LifecyclePolicyNotFound { request_id, .. }
            | Error::ScanNotFound { request_id, .. }
            | Error::AccessDenied { request_id, .. }
            | Error::InvalidCredentials { request_id, .. }
            | Error::Throttled { request_id, .. }
            | Error::LimitExceeded { request_id, .. }
            | Error::Service { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The field problems of a [`Error::PolicyValidation`], empty otherwise.
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            Error::PolicyValidation { errors, .. } => errors,
            _ => &[],
        }
    }

    /// An [`Error::InvalidArgument`].
    pub fn invalid(what: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidArgument {
            what: what.into(),
            message: message.into(),
        }
    }

    /// An [`Error::Io`] for `path`.
    pub fn io(path: impl AsRef<std::path::Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().display().to_string(),
            source,
        }
    }

    /// Converts any AWS SDK error (ECR or ECR Public) into an [`Error`]. This is the only place SDK
    /// errors are interpreted.
    pub fn from_sdk<E, R>(err: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: fmt::Debug + Send + Sync + 'static,
        SdkError<E, R>: RequestId,
    {
        let request_id = err.request_id().map(str::to_owned);
        let timeout_text = match &err {
            SdkError::TimeoutError(_) => std::error::Error::source(&err).map(|s| s.to_string()),
            _ => None,
        };
        match err {
            SdkError::ServiceError(ctx) => {
                let status = (ctx.raw() as &dyn std::any::Any)
                    .downcast_ref::<aws_smithy_runtime_api::http::Response>()
                    .map(|r| r.status().as_u16());
                let e = ctx.into_err();
                // AWS's error responses carry the code; modeled errors built in code (replayed tests) may
                // not, but their Display starts with the exception's name.
                let code = e.code().map(str::to_owned).or_else(|| {
                    let shown = e.to_string();
                    let first = shown.split([' ', ':']).next().unwrap_or_default();
                    first.ends_with("Exception").then(|| first.to_owned())
                });
                let Some(code) = code else {
                    return Self::without_code(e, status, request_id);
                };
                let message = e.message().unwrap_or_default().to_owned();
                Self::from_service(code, message, request_id)
            }
            SdkError::TimeoutError(_) => {
                // The SDK says which limit and how long: "operation attempt timeout (single attempt)
                // occurred after 200ms".
                let shown = timeout_text.unwrap_or_default();
                let (kind, after) = match shown.split_once(" occurred after ") {
                    Some((kind, after)) => (kind.to_owned(), parse_debug_duration(after)),
                    None => ("operation or attempt timeout".to_owned(), None),
                };
                Error::Timeout {
                    what: format!("AWS request ({kind}; the SDK retried where it could)"),
                    after: after.unwrap_or(Duration::ZERO),
                }
            }
            SdkError::DispatchFailure(d) => {
                let message = if d.is_timeout() {
                    "request timed out".to_owned()
                } else if d.is_io() {
                    "connection failed (I/O)".to_owned()
                } else {
                    "request could not be dispatched".to_owned()
                };
                let source: BoxError = Box::new(SdkError::<E, R>::DispatchFailure(d));
                credentials_or_transport(message, source)
            }
            SdkError::ResponseError(r) => Error::Transport {
                message: "invalid or truncated response from AWS".to_owned(),
                source: Some(Box::new(SdkError::<E, R>::ResponseError(r))),
            },
            SdkError::ConstructionFailure(c) => {
                let source: BoxError = Box::new(SdkError::<E, R>::ConstructionFailure(c));
                credentials_or_transport("request could not be built".to_owned(), source)
            }
            other => Error::Transport {
                message: "unexpected SDK error".to_owned(),
                source: Some(Box::new(other)),
            },
        }
    }

    /// A service error without an AWS error code: a 2xx answer the SDK could not read (truncated or
    /// malformed body) is a transport error; any other status (a proxy's or load balancer's page) keeps
    /// the HTTP status in the message.
    fn without_code<E>(e: E, status: Option<u16>, request_id: Option<String>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let shown = status
            .map(|s| format!("HTTP {s}"))
            .unwrap_or_else(|| "an HTTP answer".to_owned());
        let chain = error_chain(&e);
        match status {
            Some(200..=299) => Error::Transport {
                message: format!("invalid or truncated response from AWS ({shown}): {chain}"),
                source: Some(Box::new(e)),
            },
            _ => Error::Service {
                aws_code: "Unknown".to_owned(),
                message: match e.message() {
                    Some(m) if !m.is_empty() => format!("{shown} without an AWS error code: {m}"),
                    _ => format!("{shown} without an AWS error code (an outage, or a proxy answered)"),
                },
                request_id,
            },
        }
    }

    /// Maps an AWS error code (as the service returned it) to the error of that meaning.
    pub fn from_service(code: String, message: String, request_id: Option<String>) -> Self {
        match code.as_str() {
            "RepositoryNotFoundException" => Error::RepositoryNotFound { message, request_id },
            "ImageNotFoundException" => Error::ImageNotFound { message, request_id },
            "LifecyclePolicyNotFoundException" => Error::LifecyclePolicyNotFound { message, request_id },
            "ScanNotFoundException" => Error::ScanNotFound { message, request_id },
            "AccessDeniedException" | "AccessDenied" => Error::AccessDenied { message, request_id },
            "ExpiredTokenException"
            | "ExpiredToken"
            | "UnrecognizedClientException"
            | "InvalidClientTokenId"
            | "InvalidSignatureException"
            | "SignatureDoesNotMatch"
            | "IncompleteSignature" => Error::InvalidCredentials { message, request_id },
            "ThrottlingException"
            | "Throttling"
            | "ThrottledException"
            | "TooManyRequestsException"
            | "RequestLimitExceeded" => Error::Throttled { message, request_id },
            "LimitExceededException" => Error::LimitExceeded { message, request_id },
            _ => Error::Service {
                aws_code: code,
                message,
                request_id,
            },
        }
    }
}

/// Reads a `Duration`'s `Debug` text (`200ms`, `5s`, `1.5s`, `750µs`, `10ns`).
fn parse_debug_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (number, unit) = text.split_at(split);
    let n: f64 = number.parse().ok()?;
    let secs = match unit {
        "s" => n,
        "ms" => n / 1e3,
        "µs" | "us" => n / 1e6,
        "ns" => n / 1e9,
        _ => return None,
    };
    Duration::try_from_secs_f64(secs).ok()
}

/// A dispatch or construction failure is a credentials problem when the chain found none.
fn credentials_or_transport(message: String, source: BoxError) -> Error {
    let chain = error_chain(source.as_ref());
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(source.as_ref());
    let mut provider_failed = false;
    while let Some(e) = cur {
        provider_failed |= e.is::<aws_credential_types::provider::error::CredentialsError>();
        cur = e.source();
    }
    // A credential source that failed to load (an expired SSO session, a failing credential_process)
    // is a credentials problem, not a network one.
    if provider_failed
        || chain.contains("no credentials")
        || chain.contains("credentials provider")
        || chain.contains("CredentialsNotLoaded")
    {
        Error::NoCredentials { message: chain }
    } else {
        Error::Transport {
            message: format!("{message}: {chain}"),
            source: Some(source),
        }
    }
}

/// The messages of an error and all its sources, joined.
pub(crate) fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = err.to_string();
    let mut cur = err.source();
    while let Some(e) = cur {
        let s = e.to_string();
        if !out.contains(&s) {
            out.push_str(": ");
            out.push_str(&s);
        }
        cur = e.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_listed_once_and_exhaustively() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Error::ALL_CODES {
            assert!(seen.insert(*c), "duplicate code {c}");
        }
        let samples = [
            Error::NoRegion,
            Error::invalid("x", "y"),
            Error::from_service("Foo".into(), "bar".into(), None),
            Error::Refused { message: "m".into() },
        ];
        for e in samples {
            assert!(Error::ALL_CODES.contains(&e.code()), "{} not listed", e.code());
        }
    }

    #[test]
    fn every_code_has_a_sample_of_that_code() {
        for code in Error::ALL_CODES {
            let e = Error::sample(code).unwrap_or_else(|| panic!("no sample for {code}"));
            assert_eq!(e.code(), *code);
        }
        assert!(Error::sample("Nope").is_none());
    }

    #[test]
    fn service_codes_map_by_meaning_and_keep_request_id() {
        let e = Error::from_service(
            "RepositoryNotFoundException".into(),
            "nope".into(),
            Some("req-1".into()),
        );
        assert_eq!(e.code(), "RepositoryNotFound");
        assert_eq!(e.request_id(), Some("req-1"));
        assert!(e.to_string().contains("req-1"));
        let e = Error::from_service("InvalidParameterException".into(), "bad".into(), Some("r2".into()));
        assert_eq!(e.code(), "ServiceError");
        assert!(matches!(&e, Error::Service { aws_code, .. } if aws_code == "InvalidParameterException"));
        assert_eq!(e.request_id(), Some("r2"));
        assert_eq!(
            Error::from_service("ThrottlingException".into(), String::new(), None).code(),
            "Throttled"
        );
    }

    #[test]
    fn sdk_timeout_texts_give_their_duration() {
        assert_eq!(parse_debug_duration("200ms"), Some(Duration::from_millis(200)));
        assert_eq!(parse_debug_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_debug_duration("750µs"), Some(Duration::from_micros(750)));
        assert_eq!(parse_debug_duration("soon"), None);
    }

    #[test]
    fn policy_validation_lists_every_field() {
        let e = Error::PolicyValidation {
            what: "lifecycle policy".into(),
            errors: vec![
                FieldError::new("rules[0].priority", "missing"),
                FieldError::new("", "too short"),
            ],
        };
        assert_eq!(
            e.to_string(),
            "invalid lifecycle policy: rules[0].priority: missing; too short"
        );
        assert_eq!(e.field_errors().len(), 2);
    }
}
