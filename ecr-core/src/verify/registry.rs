//! Reading manifests and config blobs over the OCI distribution protocol (the registry ECR serves at
//! `<account>.dkr.ecr.<region>.amazonaws.com`), through the `oci-client` crate.
//!
//! Credentials are passed in ([`RegistryAuth`]); [`EcrClient::registry_auth`] gets them from ECR.
//! A URL override points the protocol at another endpoint (the local plain-HTTP registry in tests).

use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::{Client, Reference, RegistryOperation};

use super::config::ImageConfig;
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
pub struct RegistryClient {
    client: Client,
    host: String,
    auth: RegistryAuth,
}

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

fn registry_error(what: &str, e: oci_client::errors::OciDistributionError) -> Error {
    Error::Registry {
        message: format!("{what}: {e}"),
    }
}

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

    /// The manifest a tag names, or `None` when the registry has no such tag (a fallback tag that is absent).
    pub async fn fetch_manifest_if_tagged(&self, repository: &str, tag: &str) -> Result<Option<FetchedManifest>> {
        use oci_client::errors::OciDistributionError as E;
        let r = self.reference(repository, tag);
        self.authenticate(&r).await?;
        match self
            .client
            .pull_manifest_raw(&r, &self.auth.to_oci(), &ACCEPTED_MEDIA_TYPES)
            .await
        {
            Ok((bytes, _)) => Ok(Some(FetchedManifest {
                digest: sha256_digest(&bytes),
                bytes: bytes.to_vec(),
            })),
            Err(E::ImageManifestNotFoundError(_) | E::ServerError { code: 404, .. }) => Ok(None),
            Err(E::RegistryError { envelope, .. })
                if envelope
                    .errors
                    .iter()
                    .all(|e| matches!(e.code, oci_client::errors::OciErrorCode::ManifestUnknown)) =>
            {
                Ok(None)
            }
            Err(e) => Err(registry_error(&format!("fetching manifest {repository}:{tag}"), e)),
        }
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

    /// The digests of the referrers of `digest` (signatures, SBOMs, attestations): the registry's OCI referrers
    /// API (`GET /v2/<name>/referrers/<digest>`) or, where it answers 404 (the registry does not implement it),
    /// the index under the `sha256-<hex>` fallback tag; none when neither exists.
    pub async fn referrers(&self, repository: &str, digest: &str) -> Result<Vec<String>> {
        let r = self.reference(repository, digest);
        self.authenticate(&r).await?;
        let index = self
            .client
            .pull_referrers(&r, None)
            .await
            .map_err(|e| registry_error(&format!("listing the referrers of {repository}@{digest}"), e))?;
        Ok(index.manifests.into_iter().map(|m| m.digest).collect())
    }

    /// Fetches and parses an image config blob.
    pub async fn fetch_config(&self, repository: &str, config_digest: &str) -> Result<ImageConfig> {
        let bytes = self.fetch_blob(repository, config_digest).await?;
        ImageConfig::parse(&bytes)
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

    /// A loopback HTTP server answering each request by its path with `answer` (status, content type, body);
    /// returns its URL and the paths it was asked for.
    async fn fake_registry(
        answer: fn(&str) -> (u16, &'static str, String),
    ) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let path = head.split(' ').nth(1).unwrap_or_default().to_owned();
                log.lock().unwrap().push(path.clone());
                let (status, media_type, body) = answer(&path);
                let reply = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: {media_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes()).await;
            }
        });
        (url, seen)
    }

    const INDEX: &str = "application/vnd.oci.image.index.v1+json";
    const SUBJECT: &str = "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270";

    fn client_for(url: String) -> RegistryClient {
        let access = RegistryAccess {
            url: Some(url),
            auth: RegistryAuth::Anonymous,
        };
        RegistryClient::new("123456789012.dkr.ecr.eu-west-1.amazonaws.com", &access).unwrap()
    }

    /// The referrers API answering as in the OCI distribution spec's example ("Listing Referrers",
    /// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-referrers): an image index
    /// of an SBOM and a signature.
    #[tokio::test]
    async fn referrers_come_from_the_oci_referrers_api() {
        let (url, seen) = fake_registry(|path| {
            if path.starts_with("/v2/shop/api/referrers/sha256:") {
                let manifests = serde_json::json!([
                    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 1234,
                     "digest": format!("sha256:{}", "a1".repeat(32)), "artifactType": "application/vnd.example.sbom.v1",
                     "annotations": {"org.opencontainers.image.created": "2022-01-01T14:42:55Z",
                                     "org.example.sbom.format": "json"}},
                    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 1234,
                     "digest": format!("sha256:{}", "a2".repeat(32)),
                     "artifactType": "application/vnd.example.signature.v1",
                     "annotations": {"org.opencontainers.image.created": "2022-01-01T07:21:33Z",
                                     "org.example.signature.fingerprint": "abcd"}}
                ]);
                let body = serde_json::json!({"schemaVersion": 2, "mediaType": INDEX, "manifests": manifests});
                (200, INDEX, body.to_string())
            } else {
                (200, "application/json", "{}".to_owned())
            }
        })
        .await;
        let referrers = client_for(url).referrers("shop/api", SUBJECT).await.unwrap();
        assert_eq!(
            referrers,
            [
                format!("sha256:{}", "a1".repeat(32)),
                format!("sha256:{}", "a2".repeat(32))
            ]
        );
        assert!(
            seen.lock()
                .unwrap()
                .contains(&format!("/v2/shop/api/referrers/{SUBJECT}")),
            "{seen:?}"
        );
    }

    /// A registry without the referrers API answers 404: the index under the `sha256-<hex>` tag is read
    /// instead.
    #[tokio::test]
    async fn a_404_falls_back_to_the_tag_schema() {
        let (url, seen) = fake_registry(|path| {
            if path.starts_with("/v2/shop/api/manifests/sha256-") {
                let body = serde_json::json!({"schemaVersion": 2, "mediaType": INDEX, "manifests": [
                    {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 10,
                     "digest": format!("sha256:{}", "b3".repeat(32)), "artifactType": "application/vnd.example.signature.v1"}]});
                (200, INDEX, body.to_string())
            } else if path.starts_with("/v2/shop/api/") {
                (404, "application/json", r#"{"errors":[{"code":"NOT_FOUND","message":"not found"}]}"#.to_owned())
            } else {
                (200, "application/json", "{}".to_owned())
            }
        })
        .await;
        let referrers = client_for(url).referrers("shop/api", SUBJECT).await.unwrap();
        assert_eq!(referrers, [format!("sha256:{}", "b3".repeat(32))]);
        let tag = format!("/v2/shop/api/manifests/{}", SUBJECT.replace(':', "-"));
        assert!(seen.lock().unwrap().contains(&tag), "{seen:?}");
    }
}
