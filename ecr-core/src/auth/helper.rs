//! The Docker credential-helper protocol (`docker-credential-<name> get|list|store|erase|version`) as a
//! library function; the `docker-credential-ecr-core` example program is a thin shell around it.
//!
//! - `get`: stdin holds the server URL; the reply is `{"ServerURL","Username","Secret"}`. A host that is
//!   not ECR gets the protocol's not-found sentinel (`credentials not found in native keychain`, exit 1),
//!   so docker falls back to its other sources. An ECR host whose credentials fail gets exit 1 and the
//!   real reason, on stdout (docker shows it: `error getting credentials - err: exit status 1, out:
//!   ...`) and on stderr; amazon-ecr-credential-helper hides it behind not-found and users see `no basic auth credentials`.
//! - `list`: `{"<proxy endpoint>": "AWS"}` for the registries with a cached token, and the home region's.
//! - `store` / `erase`: ECR credentials are derived, never stored, so after checking the payload these
//!   succeed without doing anything (a note goes to stderr). `docker login` with this helper configured
//!   as `credsStore` therefore does not fail with `not implemented`.
//! - `version`: `docker-credential-ecr-core (ecr-core) <version>`.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::authenticator::Authenticator;
use super::host::parse_ecr_host;
use crate::secret::Secret;

/// The protocol's sentinel for "no credentials for this server".
pub const NOT_FOUND: &str = "credentials not found in native keychain";
/// The protocol's message for an empty server URL.
pub const MISSING_SERVER_URL: &str = "no credentials server URL";
/// The protocol's message for an empty user name.
pub const MISSING_USERNAME: &str = "no credentials username";

/// What the helper program prints and returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelperOutput {
    /// What goes to stdout. Secret, because a `get` reply carries the password.
    pub stdout: Secret,
    /// What goes to stderr (diagnostics; never a secret).
    pub stderr: String,
    /// The exit code (0 or 1).
    pub exit_code: i32,
}

impl HelperOutput {
    fn ok(stdout: String) -> Self {
        Self {
            stdout: Secret::new(stdout),
            stderr: String::new(),
            exit_code: 0,
        }
    }
    fn fail(stdout: &str, stderr: String) -> Self {
        Self {
            stdout: Secret::new(format!("{stdout}\n")),
            stderr,
            exit_code: 1,
        }
    }
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "PascalCase")]
struct StorePayload {
    #[serde(rename = "ServerURL", default)]
    server_url: String,
    #[serde(default)]
    username: String,
}

/// The version line of `version`.
pub fn version_line() -> String {
    format!("docker-credential-ecr-core (ecr-core) {}", env!("CARGO_PKG_VERSION"))
}

/// Runs one credential-helper action on `stdin` and returns what the program prints.
pub async fn run_helper(auth: &Authenticator, action: &str, stdin: &str) -> HelperOutput {
    match action {
        "get" => get(auth, stdin.trim()).await,
        "list" => list(auth).await,
        "store" => match serde_json::from_str::<StorePayload>(stdin.trim()) {
            Err(_) => HelperOutput::fail(
                "invalid credentials payload",
                "store: stdin must be {\"ServerURL\",\"Username\",\"Secret\"}\n".to_owned(),
            ),
            Ok(p) if p.server_url.trim().is_empty() => HelperOutput::fail(MISSING_SERVER_URL, String::new()),
            Ok(p) if p.username.trim().is_empty() => HelperOutput::fail(MISSING_USERNAME, String::new()),
            Ok(p) => HelperOutput {
                stdout: Secret::new(String::new()),
                stderr: format!(
                    "docker-credential-ecr-core: not storing credentials for {}: ECR credentials are derived from AWS credentials on demand\n",
                    super::host::authority(&p.server_url).unwrap_or_else(|_| "the server".to_owned())
                ),
                exit_code: 0,
            },
        },
        "erase" => {
            if stdin.trim().is_empty() {
                HelperOutput::fail(MISSING_SERVER_URL, String::new())
            } else {
                HelperOutput::ok(String::new())
            }
        }
        "version" | "-v" | "--version" => HelperOutput::ok(format!("{}\n", version_line())),
        other => HelperOutput::fail(
            &format!("unknown action {other:?}"),
            "usage: docker-credential-ecr-core <get|list|store|erase|version>\n".to_owned(),
        ),
    }
}

async fn get(auth: &Authenticator, server: &str) -> HelperOutput {
    if server.is_empty() {
        return HelperOutput::fail(MISSING_SERVER_URL, String::new());
    }
    if parse_ecr_host(server).is_err() {
        return HelperOutput::fail(NOT_FOUND, String::new());
    }
    match auth.credentials(server).await {
        Ok(creds) => {
            let reply = json!({
                "ServerURL": server,
                "Username": creds.username,
                "Secret": creds.password.expose(),
            });
            HelperOutput::ok(format!("{reply}\n"))
        }
        Err(e) => {
            let reason = format!("ecr-core: {server}: {e} [{}]", e.code());
            HelperOutput::fail(&reason, format!("docker-credential-ecr-core: {reason}\n"))
        }
    }
}

async fn list(auth: &Authenticator) -> HelperOutput {
    let mut map = Map::new();
    let mut stderr = String::new();
    if let Some(disk) = auth.disk_cache() {
        for r in disk.registries(auth.now()) {
            map.insert(r, Value::String("AWS".to_owned()));
        }
    }
    match auth.credentials_for_region(None).await {
        Ok(c) => {
            if let Some(p) = c.proxy_endpoint {
                map.insert(p, Value::String(c.username));
            }
        }
        Err(e) => stderr = format!("docker-credential-ecr-core: list: {e}\n"),
    }
    HelperOutput {
        stdout: Secret::new(format!("{}\n", Value::Object(map))),
        stderr,
        exit_code: 0,
    }
}
