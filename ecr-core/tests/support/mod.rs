//! Test support: the local ECR emulator (moto's server) and registry (Debian's docker-registry).
//!
//! When `scripts/test` has started them, their environment (`AWS_ENDPOINT_URL`, `LOCAL_REGISTRY_URL`, ...)
//! is used. Otherwise the first test that needs them starts a private instance with `scripts/local-ecr
//! start` in a temporary state directory; it stops by itself when the test process exits.
//! Tests share one emulator, so each test uses its own repository names ([`unique`]).
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// Where the emulator and registry run.
#[derive(Debug, Clone)]
pub struct Emulator {
    /// The variables `scripts/local-ecr` prints (AWS_ENDPOINT_URL, AWS_REGION, dummy credentials, LOCAL_REGISTRY_*).
    pub env: BTreeMap<String, String>,
}

impl Emulator {
    /// One variable of the environment.
    pub fn var(&self, name: &str) -> &str {
        self.env
            .get(name)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("{name} not set by scripts/local-ecr"))
    }
    /// The ECR API endpoint.
    pub fn endpoint(&self) -> &str {
        self.var("AWS_ENDPOINT_URL")
    }
    /// The emulator's region.
    pub fn region(&self) -> &str {
        self.var("AWS_REGION")
    }
    /// The registry's base URL (`http://127.0.0.1:PORT`).
    pub fn registry_url(&self) -> &str {
        self.var("LOCAL_REGISTRY_URL")
    }
    /// The registry's `host:port`.
    pub fn registry_host(&self) -> &str {
        self.var("LOCAL_REGISTRY_HOST")
    }
    /// A client builder pointed at the emulator, with its dummy credentials.
    pub fn client_builder(&self) -> ecr_core::EcrClientBuilder {
        ecr_core::EcrClient::builder()
            .region(self.region())
            .endpoint_url(self.endpoint())
            .credentials(
                self.var("AWS_ACCESS_KEY_ID"),
                ecr_core::Secret::new(self.var("AWS_SECRET_ACCESS_KEY")),
                Some(ecr_core::Secret::new(self.var("AWS_SESSION_TOKEN"))),
            )
    }
    /// A client pointed at the emulator.
    pub async fn client(&self) -> ecr_core::EcrClient {
        self.client_builder().build().await.unwrap()
    }
    /// A command with the emulator's environment (for running example programs against it).
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.envs(&self.env);
        c
    }
}

/// The project root.
pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The shared fixtures folder.
pub fn fixtures() -> PathBuf {
    project_root().join("fixtures")
}

/// Reads a fixture file as JSON.
pub fn fixture_json(rel: &str) -> serde_json::Value {
    let path = fixtures().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The running emulator (started on first use when `scripts/test` did not start one).
pub fn emulator() -> &'static Emulator {
    static EMULATOR: OnceLock<Emulator> = OnceLock::new();
    EMULATOR.get_or_init(|| {
        const KEYS: [&str; 2] = ["AWS_ENDPOINT_URL", "LOCAL_REGISTRY_URL"];
        if KEYS.iter().all(|k| std::env::var(k).is_ok()) && std::env::var("LOCAL_ECR_DIR").is_ok() {
            let env = std::env::vars()
                .filter(|(k, _)| k.starts_with("AWS_") || k.starts_with("LOCAL_"))
                .collect();
            return Emulator { env };
        }
        let dir = std::env::temp_dir().join(format!("ecr-core-test-{}", std::process::id()));
        let out = Command::new(project_root().join("scripts/local-ecr"))
            .arg("start")
            .env("LOCAL_ECR_DIR", &dir)
            .env("LOCAL_ECR_WATCH_PID", std::process::id().to_string())
            .output()
            .expect("run scripts/local-ecr start");
        assert!(
            out.status.success(),
            "scripts/local-ecr start failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Emulator {
            env: parse_exports(&String::from_utf8_lossy(&out.stdout)),
        }
    })
}

/// Parses `export K=V` lines.
pub fn parse_exports(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("export "))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.trim_matches('"').to_owned()))
        .collect()
}

/// A name unique to this test run, e.g. for repositories: `prefix-<pid>-<n>`.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    format!("{prefix}-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed))
}
