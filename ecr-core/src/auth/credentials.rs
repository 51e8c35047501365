//! [`RegistryCredentials`]: what a registry client needs to log in, with the password kept secret.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::time::Timestamp;

/// Registry Basic-auth credentials for one ECR host.
///
/// `Debug` never shows the password; read it with [`Secret::expose`] only where it must leave the
/// process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryCredentials {
    /// The registry host the credentials were asked for (`<account>.dkr.ecr.<region>.amazonaws.com`,
    /// `public.ecr.aws`), lower-case, without scheme, port or path.
    pub host: String,
    /// The user name; always `AWS` for ECR.
    pub username: String,
    /// The password (the decoded authorization token).
    pub password: Secret,
    /// When the token stops working. Never in the past when handed out.
    pub expires_at: Timestamp,
    /// `https://<host>` for private registries (what `docker login` is given); `None` for ECR Public,
    /// whose API returns no proxy endpoint.
    pub proxy_endpoint: Option<String>,
    /// The region whose token this is; `None` for ECR Public.
    pub region: Option<String>,
}

impl RegistryCredentials {
    /// `base64(username:password)`: the `auth` value of a docker `config.json` entry.
    pub fn docker_auth(&self) -> Secret {
        Secret::new(STANDARD.encode(format!("{}:{}", self.username, self.password.expose())))
    }

    /// The value of an HTTP `Authorization` header for the registry API: `Basic <docker_auth>`.
    pub fn authorization_header(&self) -> Secret {
        Secret::new(format!("Basic {}", self.docker_auth().expose()))
    }

    /// True when the token has expired at `now`.
    pub fn is_expired_at(&self, now: Timestamp) -> bool {
        now >= self.expires_at
    }

    /// True for ECR Public credentials.
    pub fn is_public(&self) -> bool {
        self.region.is_none()
    }
}

/// One region's (or ECR Public's) token, as cached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) username: String,
    pub(crate) password: Secret,
    pub(crate) fetched_at: Timestamp,
    pub(crate) expires_at: Timestamp,
    /// The proxy endpoint the API returned (private only).
    pub(crate) proxy_endpoint: Option<String>,
}

impl Token {
    /// Decodes an `authorizationToken` (`base64("AWS:<password>")`).
    pub(crate) fn decode(
        authorization_token: &str,
        fetched_at: Timestamp,
        expires_at: Timestamp,
        proxy_endpoint: Option<String>,
    ) -> Result<Self> {
        let malformed = |why: &str| Error::Transport {
            message: format!("GetAuthorizationToken returned a malformed authorizationToken ({why})"),
            source: None,
        };
        let bytes = STANDARD
            .decode(authorization_token.trim())
            .map_err(|_| malformed("not base64"))?;
        let text = String::from_utf8(bytes).map_err(|_| malformed("not UTF-8"))?;
        let (user, password) = text.split_once(':').ok_or_else(|| malformed("no ':' separator"))?;
        if user.is_empty() || password.is_empty() {
            return Err(malformed("empty user name or password"));
        }
        Ok(Self {
            username: user.to_owned(),
            password: Secret::new(password),
            fetched_at,
            expires_at,
            proxy_endpoint,
        })
    }

    /// `base64(username:password)`, as the API returned it.
    pub(crate) fn encoded(&self) -> Secret {
        Secret::new(STANDARD.encode(format!("{}:{}", self.username, self.password.expose())))
    }

    /// The credentials of this token for `host`.
    pub(crate) fn for_host(self: &Arc<Self>, host: &str, region: Option<&str>) -> RegistryCredentials {
        RegistryCredentials {
            host: host.to_owned(),
            username: self.username.clone(),
            password: self.password.clone(),
            expires_at: self.expires_at,
            proxy_endpoint: region.map(|_| format!("https://{host}")),
            region: region.map(str::to_owned),
        }
    }
}
