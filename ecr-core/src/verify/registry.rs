//! Reading manifests and config blobs over the OCI distribution protocol (the registry ECR serves at
//! `<account>.dkr.ecr.<region>.amazonaws.com`), through the `oci-client` crate.
//!
//! Credentials are passed in ([`RegistryAuth`]); [`EcrClient::registry_auth`] gets them from ECR.
//! A URL override points the protocol at another endpoint (the local plain-HTTP registry in tests).
//!
//! The client needs the `registry` feature; without it [`RegistryClient`] has no values and
//! [`RegistryClient::new`] says which feature is missing.

#[cfg(feature = "registry")]
use oci_client::client::{ClientConfig, ClientProtocol};
#[cfg(feature = "registry")]
use oci_client::{Client, Reference, RegistryOperation};

use super::config::ImageConfig;
#[cfg(feature = "registry")]
use super::manifest::{ACCEPTED_MEDIA_TYPES, sha256_digest};
use crate::client::EcrClient;
use crate::error::{Error, Result};
use crate::secret::Secret;

/// How to authenticate to the registry.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum RegistryAuth {
    /// No credentials.
    #[default]
    Anonymous,
    /// HTTP Basic credentials (for ECR: user `AWS` and the authorization token's password).
    Basic {
        /// The user name.
        username: String,
        /// The password (never printed).
        password: Secret,
    },
}

#[cfg(feature = "registry")]
impl RegistryAuth {
    fn to_oci(&self) -> oci_client::secrets::RegistryAuth {
        match self {
            RegistryAuth::Anonymous => oci_client::secrets::RegistryAuth::Anonymous,
            RegistryAuth::Basic { username, password } => {
                oci_client::secrets::RegistryAuth::Basic(username.clone(), password.expose().to_owned())
            }
        }
    }
}

/// Where and how to speak the registry protocol.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegistryAccess {
    /// Overrides the registry endpoint (`http://127.0.0.1:5000`); otherwise HTTPS to the image's host.
    pub url: Option<String>,
    /// The credentials.
    pub auth: RegistryAuth,
}

/// A manifest fetched over the registry protocol, with the digest of its exact bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedManifest {
    /// The exact bytes served.
    pub bytes: Vec<u8>,
    /// `sha256` of [`FetchedManifest::bytes`].
    pub digest: String,
}

/// A registry-protocol client bound to one registry and one set of credentials.
#[cfg(feature = "registry")]
pub struct RegistryClient {
    client: Client,
    host: String,
    auth: RegistryAuth,
}

#[cfg(feature = "registry")]
impl std::fmt::Debug for RegistryClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryClient")
            .field("host", &self.host)
            .field("auth", &self.auth)
            .finish()
    }
}

/// Splits a registry URL override into (`host[:port]`, plain HTTP?).
pub(crate) fn parse_registry_url(url: &str) -> Result<(String, bool)> {
    let (rest, http) = if let Some(r) = url.strip_prefix("http://") {
        (r, true)
    } else if let Some(r) = url.strip_prefix("https://") {
        (r, false)
    } else if url.contains("://") {
        return Err(Error::invalid(
            "--registry-url",
            format!("{url:?}: only http:// and https:// are supported"),
        ));
    } else {
        (url, false)
    };
    let host = rest.trim_end_matches('/');
    if host.is_empty() || host.contains('/') || host.contains('@') || host.chars().any(char::is_whitespace) {
        return Err(Error::invalid(
            "--registry-url",
            format!("{url:?} must be scheme://host[:port] with no path or user info"),
        ));
    }
    Ok((host.to_owned(), http))
}

#[cfg(feature = "registry")]
fn registry_error(what: &str, e: oci_client::errors::OciDistributionError) -> Error {
    Error::Registry {
        message: format!("{what}: {e}"),
    }
}

#[cfg(feature = "registry")]
impl RegistryClient {
    /// A client for `registry_host` (the image's host), or for `access.url` when set.
    pub fn new(registry_host: &str, access: &RegistryAccess) -> Result<Self> {
        let (host, http) = match &access.url {
            Some(url) => parse_registry_url(url)?,
            None => (registry_host.to_owned(), false),
        };
        let config = ClientConfig {
            protocol: if http {
                ClientProtocol::Http
            } else {
                ClientProtocol::Https
            },
            ..Default::default()
        };
        Ok(Self {
            client: Client::new(config),
            host,
            auth: access.auth.clone(),
        })
    }

    /// The `host[:port]` this client talks to.
    pub fn host(&self) -> &str {
        &self.host
    }

    fn reference(&self, repository: &str, reference: &str) -> Reference {
        if reference.starts_with("sha256:") {
            Reference::with_digest(self.host.clone(), repository.to_owned(), reference.to_owned())
        } else {
            Reference::with_tag(self.host.clone(), repository.to_owned(), reference.to_owned())
        }
    }

    async fn authenticate(&self, reference: &Reference) -> Result<()> {
        self.client
            .auth(reference, &self.auth.to_oci(), RegistryOperation::Pull)
            .await
            .map(|_| ())
            .map_err(|e| registry_error(&format!("authenticating to {}", self.host), e))
    }

    /// Fetches a manifest (by tag or digest) accepting every manifest and index media type.
    pub async fn fetch_manifest(&self, repository: &str, reference: &str) -> Result<FetchedManifest> {
        let r = self.reference(repository, reference);
        self.authenticate(&r).await?;
        let (bytes, _) = self
            .client
            .pull_manifest_raw(&r, &self.auth.to_oci(), &ACCEPTED_MEDIA_TYPES)
            .await
            .map_err(|e| registry_error(&format!("fetching manifest {repository}:{reference}"), e))?;
        let digest = sha256_digest(&bytes);
        Ok(FetchedManifest {
            bytes: bytes.to_vec(),
            digest,
        })
    }

    /// Fetches a blob by digest; `oci-client` checks the bytes against the digest.
    pub async fn fetch_blob(&self, repository: &str, digest: &str) -> Result<Vec<u8>> {
        let r = self.reference(repository, digest);
        self.authenticate(&r).await?;
        let mut out = Vec::new();
        self.client
            .pull_blob(&r, digest, &mut out)
            .await
            .map_err(|e| registry_error(&format!("fetching blob {repository}@{digest}"), e))?;
        Ok(out)
    }

    /// Fetches and parses an image config blob.
    pub async fn fetch_config(&self, repository: &str, config_digest: &str) -> Result<ImageConfig> {
        let bytes = self.fetch_blob(repository, config_digest).await?;
        ImageConfig::parse(&bytes)
    }
}

/// The registry-protocol client of a build without the `registry` feature: it has no values, so no code
/// path can use it, and [`RegistryClient::new`] names the missing feature.
#[cfg(not(feature = "registry"))]
#[derive(Debug)]
pub enum RegistryClient {}

#[cfg(not(feature = "registry"))]
impl RegistryClient {
    /// Fails: registry-protocol access needs the `registry` feature (a bad URL override is still reported
    /// as such).
    pub fn new(_registry_host: &str, access: &RegistryAccess) -> Result<Self> {
        if let Some(url) = &access.url {
            parse_registry_url(url)?;
        }
        Err(Error::Registry {
            message: "registry-protocol access needs ecr-core's `registry` feature, which this build leaves out".into(),
        })
    }

    /// The `host[:port]` this client talks to.
    pub fn host(&self) -> &str {
        match *self {}
    }

    /// Fetches a manifest (by tag or digest).
    pub async fn fetch_manifest(&self, _repository: &str, _reference: &str) -> Result<FetchedManifest> {
        match *self {}
    }

    /// Fetches a blob by digest.
    pub async fn fetch_blob(&self, _repository: &str, _digest: &str) -> Result<Vec<u8>> {
        match *self {}
    }

    /// Fetches and parses an image config blob.
    pub async fn fetch_config(&self, _repository: &str, _config_digest: &str) -> Result<ImageConfig> {
        match *self {}
    }
}

/// Basic credentials from an `authorizationToken` (`base64("AWS:<password>")`), decoded by the auth module.
pub(crate) fn basic_auth_from_token(token: &str) -> Result<RegistryAuth> {
    let now = chrono::Utc::now();
    let token = crate::auth::credentials::Token::decode(token, now, now, None)?;
    Ok(RegistryAuth::Basic {
        username: token.username,
        password: token.password,
    })
}

impl From<&crate::auth::RegistryCredentials> for RegistryAuth {
    /// Basic credentials from the auth module's cached, expiry-checked registry credentials.
    fn from(creds: &crate::auth::RegistryCredentials) -> Self {
        RegistryAuth::Basic {
            username: creds.username.clone(),
            password: creds.password.clone(),
        }
    }
}

impl EcrClient {
    /// Registry credentials straight from one GetAuthorizationToken call (Basic `AWS:<token password>`), with
    /// no cache and no expiry gate: the registry decides. Long-running programs should prefer
    /// [`crate::auth::Authenticator`] (cached, refreshed ahead of expiry) and `RegistryAuth::from(&credentials)`.
    pub async fn registry_auth(&self) -> Result<RegistryAuth> {
        // The SDK's TRACE events print whole responses, and the token is not modelled as sensitive.
        let out = crate::auth::redact::without_sdk_responses(self.ecr().get_authorization_token().send())
            .await
            .map_err(Error::from_sdk)?;
        let token = out
            .authorization_data()
            .first()
            .and_then(|d| d.authorization_token())
            .ok_or_else(|| {
                crate::client::missing("GetAuthorizationToken", "authorizationData[0].authorizationToken")
            })?;
        basic_auth_from_token(token)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn registry_urls() {
        assert_eq!(
            parse_registry_url("http://127.0.0.1:5000").unwrap(),
            ("127.0.0.1:5000".into(), true)
        );
        assert_eq!(
            parse_registry_url("https://r.example/").unwrap(),
            ("r.example".into(), false)
        );
        assert_eq!(
            parse_registry_url("r.example:443").unwrap(),
            ("r.example:443".into(), false)
        );
        for bad in ["ftp://x", "http://", "http://h/path", "http://u:p@h"] {
            assert!(parse_registry_url(bad).is_err(), "{bad}");
        }
    }

    #[cfg(not(feature = "registry"))]
    #[test]
    fn without_the_feature_a_client_names_it_after_checking_the_url() {
        let anonymous = |url: Option<&str>| RegistryAccess {
            url: url.map(str::to_owned),
            auth: RegistryAuth::Anonymous,
        };
        let err = RegistryClient::new("r.example", &anonymous(None)).unwrap_err();
        assert_eq!(err.code(), "RegistryError", "{err}");
        assert!(err.to_string().contains("`registry` feature"), "{err}");
        let bad = RegistryClient::new("r.example", &anonymous(Some("ftp://x"))).unwrap_err();
        assert_eq!(bad.code(), "InvalidArgument", "{bad}");
    }

    #[test]
    fn token_decodes_without_leaking() {
        use base64::Engine as _;
        let token = base64::engine::general_purpose::STANDARD.encode("AWS:s3cr3t-pass");
        let auth = basic_auth_from_token(&token).unwrap();
        assert!(
            matches!(&auth, RegistryAuth::Basic { username, password } if username == "AWS" && password.expose() == "s3cr3t-pass")
        );
        assert!(!format!("{auth:?}").contains("s3cr3t"));
        assert!(basic_auth_from_token("!!").is_err());
        let no_colon = base64::engine::general_purpose::STANDARD.encode("AWS");
        assert!(basic_auth_from_token(&no_colon).is_err());
    }
}
