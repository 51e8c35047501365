//! `docker-credential-ecr-core`: a Docker credential helper for Amazon ECR built on ecr-core.
//!
//! Install it on the PATH of the user (or daemon) that runs docker and name it in `~/.docker/config.json`:
//! `{"credHelpers": {"123456789012.dkr.ecr.eu-west-1.amazonaws.com": "ecr-core", "public.ecr.aws": "ecr-core"}}`
//! (or `"credsStore": "ecr-core"`).
//!
//! ```text
//! echo 123456789012.dkr.ecr.eu-west-1.amazonaws.com | docker-credential-ecr-core get
//! {"ServerURL":"123456789012.dkr.ecr.eu-west-1.amazonaws.com","Username":"AWS","Secret":"..."}
//! ```
//!
//! AWS credentials come from the standard chain (environment, profiles, SSO, web identity, container and
//! instance roles). The token region is the registry's own. A host that is not ECR gets the protocol's
//! not-found sentinel and exit 1; an ECR host that fails gets exit 1 and the real reason on stdout
//! (shown by docker) and stderr.
//!
//! Environment:
//! - `ECR_CORE_CACHE_DIR` (default `$XDG_CACHE_HOME/ecr-core` or `~/.cache/ecr-core`): the token cache
//!   shared by helper processes; `ECR_CORE_DISABLE_CACHE=1` turns it off.
//! - `ECR_CORE_REQUIRE_TEMPORARY_CREDENTIALS=true`: refuse long-lived static keys (for CI).
//!
//! Exit status and output follow Docker's credential-helper protocol, not the other programs' 0/1/2:
//! 0 on success, 1 on any failure (the reason on stdout for docker, and on stderr).
//! `--version` and `--help` print to stdout and exit 0.

use std::io::{Read as _, Write as _};
use std::process::ExitCode;

use ecr_core::auth::{Authenticator, CredentialPolicy, DiskCache, NOT_FOUND, registry_region, run_helper};
use ecr_core::{EcrClient, Error};

async fn client_for(region: Option<String>) -> Result<EcrClient, Error> {
    match EcrClient::builder().build().await {
        Err(Error::NoRegion) => match region {
            Some(r) => EcrClient::builder().region(r).build().await,
            None => Err(Error::NoRegion),
        },
        other => other,
    }
}

async fn run(action: &str, stdin: &str) -> (String, String, i32) {
    // The registry's own region, when the server URL names one; no AWS call at all for other hosts.
    let region = match action {
        "get" => match registry_region(stdin.trim()) {
            Ok(r) => Some(r.unwrap_or_else(|| ecr_core::auth::ECR_PUBLIC_REGION.to_owned())),
            Err(_) if !stdin.trim().is_empty() => return (format!("{NOT_FOUND}\n"), String::new(), 1),
            Err(_) => None,
        },
        _ => None,
    };
    let needs_aws = action == "list" || (action == "get" && region.is_some());
    let auth = if needs_aws {
        match client_for(region).await {
            Ok(client) => {
                let require = std::env::var("ECR_CORE_REQUIRE_TEMPORARY_CREDENTIALS").is_ok_and(|v| v == "true");
                let policy = if require {
                    CredentialPolicy::RequireTemporary
                } else {
                    CredentialPolicy::AllowAny
                };
                Some(
                    Authenticator::builder(client)
                        .disk_cache(DiskCache::from_env())
                        .credential_policy(policy)
                        .build(),
                )
            }
            Err(e) if action == "list" => {
                // No region: list what the disk cache holds, without asking AWS.
                let now = chrono::Utc::now();
                let cached = DiskCache::from_env().map(|c| c.registries(now)).unwrap_or_default();
                let map: serde_json::Map<String, serde_json::Value> = cached
                    .into_iter()
                    .map(|r| (r, serde_json::Value::from("AWS")))
                    .collect();
                let note = format!("docker-credential-ecr-core: list: {e}; listing cached registries only\n");
                return (format!("{}\n", serde_json::Value::Object(map)), note, 0);
            }
            Err(e) => {
                let reason = format!("ecr-core: {}: {e} [{}]", stdin.trim(), e.code());
                return (
                    format!("{reason}\n"),
                    format!("docker-credential-ecr-core: {reason}\n"),
                    1,
                );
            }
        }
    } else {
        None
    };
    match auth {
        Some(auth) => {
            let out = run_helper(&auth, action, stdin).await;
            (out.stdout.expose().to_owned(), out.stderr, out.exit_code)
        }
        None => {
            // store / erase / version / unknown actions need no AWS client: an offline authenticator
            // is never asked for a token on these paths.
            let client = EcrClient::builder().region("us-east-1").build().await;
            match client {
                Ok(c) => {
                    let out = run_helper(&Authenticator::new(c), action, stdin).await;
                    (out.stdout.expose().to_owned(), out.stderr, out.exit_code)
                }
                Err(e) => (format!("{e}\n"), String::new(), 1),
            }
        }
    }
}

const USAGE: &str = "usage: docker-credential-ecr-core <get|list|store|erase|version>";

const HELP: &str = "A Docker credential helper for Amazon ECR (Docker's credential-helper protocol).

Actions: get (server URL on stdin), list, store, erase, version. Exit 0 on success, 1 on any failure.

Example:
  echo 123456789012.dkr.ecr.eu-west-1.amazonaws.com | docker-credential-ecr-core get
Configure docker with {\"credHelpers\": {\"123456789012.dkr.ecr.eu-west-1.amazonaws.com\": \"ecr-core\"}}.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--version" | "-V") if args.len() == 1 => {
            println!("docker-credential-ecr-core {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Some("--help" | "-h") if args.len() == 1 => {
            println!("{USAGE}\n\n{HELP}");
            return ExitCode::SUCCESS;
        }
        _ if args.len() != 1 => {
            eprintln!("docker-credential-ecr-core: {USAGE}");
            return ExitCode::from(1);
        }
        _ => {}
    }
    let action = args[0].as_str();
    let mut stdin = String::new();
    if matches!(action, "get" | "store" | "erase") && std::io::stdin().read_to_string(&mut stdin).is_err() {
        println!("cannot read stdin");
        return ExitCode::from(1);
    }
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            println!("cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let (stdout, stderr, code) = runtime.block_on(run(action, &stdin));
    let _ = std::io::stdout().write_all(stdout.as_bytes());
    let _ = std::io::stderr().write_all(stderr.as_bytes());
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
