//! The auth capability against the local emulator (moto's ECR and STS through the real AWS SDK) and a
//! real registry client (skopeo against Debian's docker-registry with htpasswd auth).
//!
//! Moto's GetAuthorizationToken always answers `expiresAt` = 2015-01-01T00:00:00Z (already expired)
//! and the password `<account>-auth-token`. These tests therefore judge tokens with a ManualClock set
//! BEFORE 2015 (2014-12-31T12:00Z: a 12-hour token), which is exactly what the controllable clock is
//! for. Fetches are counted from the SDK's own `GetAuthorizationToken` operation spans, captured with
//! a test tracing subscriber on a single-threaded runtime (every task runs on the capturing thread).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::TimeZone as _;
use ecr_core::auth::{Authenticator, DiskCache, ManualClock, write_docker_config};
use sha2::{Digest, Sha256};

/// Captures every span and event as text.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<String>>);

struct Visit<'a>(&'a mut String);
impl tracing::field::Visit for Visit<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!("{}={:?} ", field.name(), value));
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut s = self.0.lock().unwrap();
        s.push_str("span ");
        span.record(&mut Visit(&mut s));
        s.push('\n');
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut s = self.0.lock().unwrap();
        s.push_str(event.metadata().target());
        s.push(' ');
        event.record(&mut Visit(&mut s));
        s.push('\n');
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

impl Capture {
    /// How many SDK operation spans named `method` were opened.
    fn calls(&self, method: &str) -> usize {
        let needle = format!("rpc.method=\"{method}\"");
        self.0
            .lock()
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("span ") && l.contains(&needle))
            .count()
    }
    fn text(&self) -> String {
        self.0.lock().unwrap().clone()
    }
}

/// Runs `f` on a current-thread runtime with `capture` as the thread's subscriber.
fn with_capture<F: std::future::Future<Output = ()>>(capture: &Capture, f: impl FnOnce() -> F) {
    let _guard = tracing::subscriber::set_default(capture.clone());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(f());
}

/// Before moto's fixed expiry (2015-01-01T00:00:00Z): the token has 12 hours left.
fn before_moto_expiry() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc.with_ymd_and_hms(2014, 12, 31, 12, 0, 0).unwrap()
}

const MOTO_PASSWORD: &str = "123456789012-auth-token";

#[test]
fn emulator_tokens_through_the_real_sdk_cached_refreshed_and_expired_by_the_clock() {
    let emu = support::emulator();
    let capture = Capture::default();
    with_capture(&capture, || async {
        let clock = ManualClock::new(before_moto_expiry());
        let auth = Authenticator::builder(emu.client().await).clock(clock.clone()).build();
        // miss
        let c = auth.credentials_for_region(None).await.unwrap();
        assert_eq!(c.host, "123456789012.dkr.ecr.us-east-1.amazonaws.com");
        assert_eq!(c.username, "AWS");
        assert_eq!(c.password.expose(), MOTO_PASSWORD);
        assert_eq!(c.expires_at, chrono::Utc.with_ymd_and_hms(2015, 1, 1, 0, 0, 0).unwrap());
        assert_eq!(capture.calls("GetAuthorizationToken"), 1);
        // hit: another account's host in the same region, 8 hours later
        clock.advance(Duration::from_secs(8 * 3600));
        let other = auth
            .credentials("https://210987654321.dkr.ecr.us-east-1.amazonaws.com/v2/")
            .await
            .unwrap();
        assert_eq!(other.host, "210987654321.dkr.ecr.us-east-1.amazonaws.com");
        assert_eq!(capture.calls("GetAuthorizationToken"), 1);
        // refresh ahead of expiry: from 9 h into the 12 h token (moto answers the same expiry, so the
        // refreshed token is judged by it again)
        clock.advance(Duration::from_secs(3600 + 1));
        auth.credentials_for_region(None).await.unwrap();
        assert_eq!(capture.calls("GetAuthorizationToken"), 2);
        // expired by the clock: moto's token is refused, never handed out
        clock.set(chrono::Utc.with_ymd_and_hms(2015, 1, 1, 0, 0, 30).unwrap());
        let err = auth.credentials_for_region(None).await.unwrap_err();
        assert_eq!(err.code(), "Refused", "{err}");
        assert!(err.to_string().contains("2015-01-01"), "{err}");
        // With the system clock (today), moto's token is already expired: refused too.
        let real_clock = Authenticator::new(emu.client().await);
        assert_eq!(
            real_clock.credentials_for_region(None).await.unwrap_err().code(),
            "Refused"
        );
    });
    // The SDK's trace output, response handling included, never shows the password or the token.
    let logs = capture.text();
    let encoded = base64_of(&format!("AWS:{MOTO_PASSWORD}"));
    let leaks: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains(MOTO_PASSWORD) || l.contains(&encoded))
        .collect();
    assert!(
        leaks.is_empty(),
        "secret in tracing output: {}",
        leaks
            .iter()
            .map(|l| &l[..l.len().min(300)])
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn base64_of(s: &str) -> String {
    use std::fmt::Write as _;
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let b = s.as_bytes();
    let mut out = String::new();
    for chunk in b.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &x)| acc | (u32::from(x) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                let _ = out.write_char(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn hundred_concurrent_callers_make_one_call_to_the_emulator() {
    let emu = support::emulator();
    let capture = Capture::default();
    with_capture(&capture, || async {
        let auth = Authenticator::builder(emu.client().await)
            .clock(ManualClock::new(before_moto_expiry()))
            .build();
        let tasks: Vec<_> = (0..100)
            .map(|i| {
                let auth = auth.clone();
                tokio::spawn(async move {
                    auth.credentials(&format!("{:012}.dkr.ecr.us-east-1.amazonaws.com", 500_000_000 + i))
                        .await
                })
            })
            .collect();
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap().password.expose(), MOTO_PASSWORD);
        }
    });
    assert_eq!(capture.calls("GetAuthorizationToken"), 1);
}

#[test]
fn disk_cache_hits_across_rotated_session_keys_of_the_same_principal() {
    let emu = support::emulator();
    let dir = tempfile::tempdir().unwrap();
    let capture = Capture::default();
    with_capture(&capture, || async {
        let clock = ManualClock::new(before_moto_expiry());
        let make = |key: &str| {
            let builder = emu.client_builder().credentials(
                key,
                ecr_core::Secret::new(format!("secret-of-{key}")),
                Some(ecr_core::Secret::new("session-token")),
            );
            let clock = clock.clone();
            let cache = DiskCache::new(dir.path().join("cache"));
            async move {
                Authenticator::builder(builder.build().await.unwrap())
                    .clock(clock)
                    .disk_cache(Some(cache))
                    .build()
            }
        };
        // "Process" one, then "process" two with rotated session keys: moto's STS names the same principal.
        let one = make("ASIAROTATEDKEYONE001").await;
        assert_eq!(
            one.credentials_for_region(None).await.unwrap().password.expose(),
            MOTO_PASSWORD
        );
        let two = make("ASIAROTATEDKEYTWO002").await;
        assert_eq!(
            two.credentials_for_region(None).await.unwrap().password.expose(),
            MOTO_PASSWORD
        );
        assert_eq!(
            capture.calls("GetAuthorizationToken"),
            1,
            "the second process hit the disk cache"
        );
        assert_eq!(
            capture.calls("GetCallerIdentity"),
            2,
            "one identity lookup per new key pair"
        );
        // A third process with keys already seen needs neither call (identity memo + token).
        let three = make("ASIAROTATEDKEYTWO002").await;
        three
            .credentials("123456789012.dkr.ecr.us-east-1.amazonaws.com")
            .await
            .unwrap();
        assert_eq!(capture.calls("GetCallerIdentity"), 2);
        assert_eq!(capture.calls("GetAuthorizationToken"), 1);
    });
    let text = std::fs::read_to_string(dir.path().join("cache").join("cache.json")).unwrap();
    for revealing in ["ASIAROTATEDKEY", "secret-of", "arn:aws"] {
        assert!(!text.contains(revealing), "cache file reveals {revealing}");
    }
}

/// Writes a one-layer OCI image layout into `dir` and returns its manifest digest.
fn oci_layout(dir: &std::path::Path) -> String {
    let blobs = dir.join("blobs").join("sha256");
    std::fs::create_dir_all(&blobs).unwrap();
    let put = |bytes: &[u8]| -> (String, usize) {
        let hex = hex::encode(Sha256::digest(bytes));
        std::fs::write(blobs.join(&hex), bytes).unwrap();
        (format!("sha256:{hex}"), bytes.len())
    };
    // A tar with one file, built by hand: 512-byte header + content padded, then two zero blocks.
    let content = b"hello from ecr-core auth test\n";
    let mut header = [0u8; 512];
    header[..9].copy_from_slice(b"hello.txt");
    header[100..108].copy_from_slice(b"0000644\0");
    header[108..116].copy_from_slice(b"0000000\0");
    header[116..124].copy_from_slice(b"0000000\0");
    header[124..136].copy_from_slice(format!("{:011o}\0", content.len()).as_bytes());
    header[136..148].copy_from_slice(b"00000000000\0");
    header[156] = b'0';
    header[257..263].copy_from_slice(b"ustar\0");
    header[263..265].copy_from_slice(b"00");
    header[148..156].copy_from_slice(b"        ");
    let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
    header[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    let mut tar = header.to_vec();
    tar.extend_from_slice(content);
    tar.resize(512 + 512, 0);
    tar.extend_from_slice(&[0u8; 1024]);
    let (layer, layer_size) = put(&tar);
    let config = serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": [layer]},
        "config": {}
    });
    let (config_digest, config_size) = put(config.to_string().as_bytes());
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config_size},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer, "size": layer_size}]
    });
    let (manifest_digest, manifest_size) = put(manifest.to_string().as_bytes());
    let index = serde_json::json!({
        "schemaVersion": 2,
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": manifest_digest, "size": manifest_size,
            "annotations": {"org.opencontainers.image.ref.name": "latest"}
        }]
    });
    std::fs::write(dir.join("index.json"), index.to_string()).unwrap();
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    manifest_digest
}

#[test]
fn skopeo_pushes_and_inspects_with_the_docker_config_the_library_wrote() {
    let emu = support::emulator();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("docker").join("config.json");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // Moto's token judged before its fixed 2015 expiry (see the module docs).
    let creds = rt.block_on(async {
        let auth = Authenticator::builder(emu.client().await)
            .clock(ManualClock::new(before_moto_expiry()))
            .build();
        auth.credentials_for_region(None).await.unwrap()
    });
    // The local registry stands in for the ECR host: same user and password (htpasswd).
    let outcome = write_docker_config(&config, emu.registry_host(), &creds).unwrap();
    assert_eq!(outcome.key, emu.registry_host());

    let layout = dir.path().join("layout");
    let digest = oci_layout(&layout);
    let repo = support::unique("auth-skopeo");
    let image = format!("docker://{}/{repo}:v1", emu.registry_host());
    let run = |args: &[&str]| {
        let out = Command::new("skopeo").args(args).output().expect("run skopeo");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let authfile = config.to_str().unwrap();
    let (ok, _, err) = run(&[
        "copy",
        "--dest-authfile",
        authfile,
        "--dest-tls-verify=false",
        "--preserve-digests",
        &format!("oci:{}:latest", layout.display()),
        &image,
    ]);
    assert!(ok, "skopeo copy failed: {err}");
    let (ok, out, err) = run(&["inspect", "--authfile", authfile, "--tls-verify=false", &image]);
    assert!(ok, "skopeo inspect failed: {err}");
    let inspected: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(inspected["Digest"], digest.as_str());
    // `skopeo login` with the same authfile also succeeds (it verifies the stored credentials).
    let (ok, _, err) = run(&[
        "login",
        "--authfile",
        authfile,
        "--tls-verify=false",
        "--get-login",
        emu.registry_host(),
    ]);
    assert!(ok, "skopeo login --get-login: {err}");

    // The registry really checks: a config with a wrong password is rejected.
    let bad = dir.path().join("bad.json");
    let mut wrong = creds.clone();
    wrong.password = ecr_core::Secret::new("not-the-password");
    write_docker_config(&bad, emu.registry_host(), &wrong).unwrap();
    let (ok, _, err) = run(&[
        "inspect",
        "--authfile",
        bad.to_str().unwrap(),
        "--tls-verify=false",
        &image,
    ]);
    assert!(!ok, "inspect with a wrong password must fail");
    assert!(
        err.contains("401") || err.to_lowercase().contains("unauthorized"),
        "{err}"
    );
}

/// One login for every registry of two accounts × two regions in three host forms: one token request per
/// region, one docker config write holding all twelve entries.
#[test]
fn login_all_asks_once_per_region_and_writes_one_config() {
    use ecr_core::auth::{HostForms, registry_hosts};
    let emu = support::emulator();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("docker/config.json");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        &path,
        r#"{"credsStore": "desktop", "auths": {"ghcr.io": {"auth": "x"}}}"#,
    )
    .unwrap();
    let capture = Capture::default();
    let accounts = ["123456789012".to_owned(), "210987654321".to_owned()];
    let regions = ["us-east-1".to_owned(), "eu-west-1".to_owned()];
    let forms = HostForms {
        ipv4: true,
        dual_stack: true,
        fips: true,
    };
    let hosts = registry_hosts(&accounts, &regions, forms).unwrap();
    assert_eq!(hosts.len(), 12);
    let logins = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    with_capture(&capture, || {
        let logins = logins.clone();
        let path = path.clone();
        async move {
            let auth = Authenticator::builder(emu.client().await)
                .clock(ManualClock::new(before_moto_expiry()))
                .build();
            *logins.lock().unwrap() = auth.login_all(&hosts, &path).await.unwrap();
        }
    });
    assert_eq!(capture.calls("GetAuthorizationToken"), 2, "one per region");
    let logins = logins.lock().unwrap();
    assert_eq!(logins.len(), 12);
    let summary = serde_json::to_value(&*logins).unwrap();
    assert_eq!(summary[0]["expiresAt"], "2015-01-01T00:00:00Z");
    assert_eq!(summary[0]["key"], "123456789012.dkr.ecr.us-east-1.amazonaws.com");
    assert!(!summary.to_string().contains(MOTO_PASSWORD), "{summary}");
    assert!(
        logins
            .iter()
            .all(|l| l.entry.shadowed_by.as_deref() == Some("credsStore = desktop"))
    );
    let config: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let auths = config["auths"].as_object().unwrap();
    assert_eq!(auths.len(), 13, "twelve registries and the entry that was there");
    assert_eq!(auths["ghcr.io"]["auth"], "x");
    assert_eq!(config["credsStore"], "desktop");
    let expected = base64_of(&format!("AWS:{MOTO_PASSWORD}"));
    for host in [
        "123456789012.dkr.ecr.us-east-1.amazonaws.com",
        "210987654321.dkr-ecr.eu-west-1.on.aws",
        "123456789012.dkr.ecr-fips.us-east-1.amazonaws.com",
    ] {
        assert_eq!(auths[host]["auth"], expected.as_str(), "{host}");
    }
    // A partition without dual-stack hosts is refused before any request.
    let err = registry_hosts(&accounts, &["us-iso-east-1".to_owned()], forms).unwrap_err();
    assert_eq!(err.code(), "InvalidReference", "{err}");
}
