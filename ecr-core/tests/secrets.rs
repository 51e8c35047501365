//! Secrets never print: every public type holding a secret (the AWS secret key and session token, the
//! registry password and authorization token, docker `auth` values, credential-helper replies) driven
//! through `Debug`, `{:#?}`, `Display`, serde (where implemented; a compile-time probe shows where it is
//! not), error chains (`source()`), and `tracing` output captured at TRACE level while the auth flow runs
//! against the emulator (moto's server) and through the fault proxy.
//!
//! Moto's GetAuthorizationToken always answers the password `123456789012-auth-token` with `expiresAt` =
//! 2015-01-01: tokens are judged with a ManualClock the day before; the system clock gives the "expired
//! token" error path.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/fault_proxy.rs"]
mod fault_proxy;
mod support;

use std::error::Error as _;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::TimeZone as _;
use ecr_core::auth::{
    Authenticator, DiskCache, ManualClock, RegistryCredentials, ToRegistryHost, registry_region, run_helper,
    write_docker_config,
};
use ecr_core::reference::{ImageReference, RegistryHost, parse_input, parse_input_json};
use ecr_core::verify::{RegistryAccess, RegistryAuth, RegistryClient};
use ecr_core::{EcrClient, Secret};
use fault_proxy::{Fault, FaultProxy};
use serde_json::json;

const ACCESS_KEY: &str = "ASIASECRETSTEST00001";
const SECRET_KEY: &str = "sEcReT-aws-secret-key-never-print";
const SESSION_TOKEN: &str = "SeSsIoN-aws-session-token-never-print";
const MOTO_PASSWORD: &str = "123456789012-auth-token";
const HOST: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

/// Every form of every secret of the flow: the values and their base64 encodings.
fn secrets() -> Vec<String> {
    let mut out = vec![
        SECRET_KEY.to_owned(),
        SESSION_TOKEN.to_owned(),
        MOTO_PASSWORD.to_owned(),
        "store-secret-value".to_owned(),
    ];
    out.push(STANDARD.encode(format!("AWS:{MOTO_PASSWORD}")));
    out
}

/// Asserts no secret appears in any of `texts` (naming the text and the secret when one does).
fn assert_clean(what: &str, texts: &[String]) {
    for text in texts {
        for s in secrets() {
            let line = text.lines().find(|l| l.contains(&s)).unwrap_or_default();
            assert!(
                !text.contains(&s),
                "{what}: a secret appears in {:?}",
                &line[..line.len().min(400)]
            );
        }
    }
}

/// `Debug`, `{:#?}` of a value.
fn debugs<T: std::fmt::Debug>(v: &T) -> Vec<String> {
    vec![format!("{v:?}"), format!("{v:#?}")]
}

/// Display, Debug, `{:#?}`, the code and every `source()` of an error.
fn error_texts(e: &ecr_core::Error) -> Vec<String> {
    let mut out = vec![e.to_string(), format!("{e:?}"), format!("{e:#?}"), e.code().to_owned()];
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push(s.to_string());
        out.push(format!("{s:?}"));
        cur = s.source();
    }
    out
}

// A compile-time probe: `Probe(&x).serializable()` is true only when the type implements Serialize.
struct Probe<'a, T>(#[allow(dead_code)] &'a T);
trait NotSerializable {
    fn serializable(&self) -> bool {
        false
    }
}
impl<T> NotSerializable for Probe<'_, T> {}
impl<T: serde::Serialize> Probe<'_, T> {
    fn serializable(&self) -> bool {
        true
    }
}

fn sample_credentials() -> RegistryCredentials {
    RegistryCredentials {
        host: HOST.to_owned(),
        username: "AWS".to_owned(),
        password: Secret::new(MOTO_PASSWORD),
        expires_at: chrono::Utc.with_ymd_and_hms(2015, 1, 1, 0, 0, 0).unwrap(),
        proxy_endpoint: Some(format!("https://{HOST}")),
        region: Some("us-east-1".to_owned()),
    }
}

#[test]
fn secret_holding_types_never_print_their_secrets() {
    let secret = Secret::new(MOTO_PASSWORD);
    let creds = sample_credentials();
    let docker_auth = creds.docker_auth();
    let header = creds.authorization_header();
    // The accessors really carry the secret (so the assertions below could fail).
    assert_eq!(docker_auth.expose(), STANDARD.encode(format!("AWS:{MOTO_PASSWORD}")));
    assert!(header.expose().ends_with(docker_auth.expose()));
    let auth = RegistryAuth::from(&creds);
    let access = RegistryAccess {
        url: Some("http://127.0.0.1:5000".to_owned()),
        auth: auth.clone(),
    };
    let registry = RegistryClient::new(HOST, &access).unwrap();
    let helper = ecr_core::auth::HelperOutput {
        stdout: Secret::new(format!(r#"{{"Secret":"{MOTO_PASSWORD}"}}"#)),
        stderr: String::new(),
        exit_code: 0,
    };
    let builder = EcrClient::builder().region("us-east-1").credentials(
        ACCESS_KEY,
        Secret::new(SECRET_KEY),
        Some(Secret::new(SESSION_TOKEN)),
    );
    let mut texts = vec![
        secret.to_string(),
        docker_auth.to_string(),
        header.to_string(),
        helper.stdout.to_string(),
    ];
    texts.extend(debugs(&secret));
    texts.extend(debugs(&creds));
    texts.extend(debugs(&docker_auth));
    texts.extend(debugs(&header));
    texts.extend(debugs(&auth));
    texts.extend(debugs(&access));
    texts.extend(debugs(&registry));
    texts.extend(debugs(&helper));
    texts.extend(debugs(&builder));
    assert_clean("secret-holding types", &texts);
    // None of them can be serialised by accident.
    assert!(!Probe(&secret).serializable());
    assert!(!Probe(&creds).serializable());
    assert!(!Probe(&auth).serializable());
    assert!(!Probe(&access).serializable());
    assert!(!Probe(&helper).serializable());
    // ... while the probe does see serde where it exists.
    assert!(Probe(&json!({})).serializable());
}

/// Captures every span (fields and later records) and event as text, at every level.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<String>>);

struct Visit<'a>(&'a mut String);
impl tracing::field::Visit for Visit<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, "{}={:?} ", field.name(), value);
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        let _ = write!(self.0, "{}={} ", field.name(), value);
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        Some(tracing::level_filters::LevelFilter::TRACE)
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut s = self.0.lock().unwrap();
        let _ = write!(s, "span {} ", span.metadata().name());
        span.record(&mut Visit(&mut s));
        s.push('\n');
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut s = self.0.lock().unwrap();
        s.push_str("record ");
        values.record(&mut Visit(&mut s));
        s.push('\n');
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut s = self.0.lock().unwrap();
        let _ = write!(s, "{} {} ", event.metadata().level(), event.metadata().target());
        event.record(&mut Visit(&mut s));
        s.push('\n');
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// Runs `f` on a current-thread runtime with `capture` as the thread's subscriber (every task runs on it).
fn with_capture<F: std::future::Future<Output = Vec<String>>>(capture: &Capture, f: impl FnOnce() -> F) -> Vec<String> {
    let _guard = tracing::subscriber::set_default(capture.clone());
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f())
}

fn emulator_builder(endpoint: &str) -> ecr_core::EcrClientBuilder {
    let emu = support::emulator();
    EcrClient::builder()
        .region(emu.region())
        .endpoint_url(endpoint)
        .credentials(ACCESS_KEY, Secret::new(SECRET_KEY), Some(Secret::new(SESSION_TOKEN)))
}

fn before_moto_expiry() -> ManualClock {
    ManualClock::new(chrono::Utc.with_ymd_and_hms(2014, 12, 31, 12, 0, 0).unwrap())
}

#[test]
fn the_auth_flow_at_trace_level_never_prints_or_logs_a_secret() {
    let emu = support::emulator();
    let tmp = tempfile::tempdir().unwrap();
    let capture = Capture::default();
    let printed = with_capture(&capture, || async {
        let mut out = Vec::new();
        let client = emulator_builder(emu.endpoint()).build().await.unwrap();
        out.extend(debugs(&client));
        let auth = Authenticator::builder(client.clone())
            .clock(before_moto_expiry())
            .disk_cache(Some(DiskCache::new(tmp.path().join("cache"))))
            .build();
        out.extend(debugs(&auth));
        let creds = auth.credentials_for_region(None).await.unwrap();
        assert_eq!(
            creds.password.expose(),
            MOTO_PASSWORD,
            "the flow really holds the secret"
        );
        out.extend(debugs(&creds));
        out.extend(debugs(&auth.credentials(HOST).await.unwrap()));
        let identity = auth.aws_identity().await.unwrap();
        out.extend(debugs(&identity));
        out.push(serde_json::to_string(&identity).unwrap());
        // The credential helper: `get` carries the password on stdout only; `store` payloads are not echoed.
        let got = run_helper(&auth, "get", HOST).await;
        assert!(got.stdout.expose().contains(MOTO_PASSWORD));
        out.extend(debugs(&got));
        out.push(got.stderr.clone());
        for (action, stdin) in [
            ("list", String::new()),
            (
                "store",
                json!({"ServerURL": HOST, "Username": "AWS", "Secret": "store-secret-value"}).to_string(),
            ),
            (
                "store",
                r#"{"ServerURL": "x", "Secret": "store-secret-value""#.to_owned(),
            ),
            ("erase", HOST.to_owned()),
        ] {
            let o = run_helper(&auth, action, &stdin).await;
            out.push(o.stdout.expose().to_owned());
            out.push(o.stderr.clone());
            out.extend(debugs(&o));
        }
        // docker config: the entry is written (0600), the outcome never shows it.
        let config = tmp.path().join("docker").join("config.json");
        let outcome = write_docker_config(&config, HOST, &creds).unwrap();
        out.extend(debugs(&outcome));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&config).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        // A docker config that is not JSON: the error never echoes its content.
        let broken = tmp.path().join("broken.json");
        std::fs::write(
            &broken,
            format!(r#"{{"auths": {{"x": {{"auth": "{}"}}"#, creds.docker_auth().expose()),
        )
        .unwrap();
        let err = write_docker_config(&broken, HOST, &creds).unwrap_err();
        out.extend(error_texts(&err));
        // The verify module's uncached registry credentials.
        let registry_auth = client.registry_auth().await.unwrap();
        assert!(matches!(&registry_auth, RegistryAuth::Basic { password, .. } if password.expose() == MOTO_PASSWORD));
        out.extend(debugs(&registry_auth));
        // The expired-token error (moto's token judged by the system clock) and a helper failure.
        let today = Authenticator::new(client.clone());
        let err = today.credentials_for_region(None).await.unwrap_err();
        out.extend(error_texts(&err));
        let failed = run_helper(&today, "get", HOST).await;
        assert_eq!(failed.exit_code, 1);
        out.push(failed.stdout.expose().to_owned());
        out.push(failed.stderr.clone());
        out
    });
    assert_clean("printed values", &printed);
    let logs = capture.0.lock().unwrap().clone();
    assert!(
        logs.contains("GetAuthorizationToken"),
        "the capture saw the SDK's spans"
    );
    let leaks: Vec<&str> = logs
        .lines()
        .filter(|l| secrets().iter().any(|s| l.contains(s)))
        .map(|l| &l[..l.len().min(300)])
        .collect();
    assert!(leaks.is_empty(), "secrets in TRACE output:\n{}", leaks.join("\n"));
    // The cache file holds the token by design (0600), never the AWS keys.
    let cache = std::fs::read_to_string(tmp.path().join("cache").join("cache.json")).unwrap();
    for s in [ACCESS_KEY, SECRET_KEY, SESSION_TOKEN] {
        assert!(!cache.contains(s), "the token cache reveals an AWS credential");
    }
}

/// GetAuthorizationToken answers a malformed token, a body the SDK cannot read, or a cut connection: the
/// errors built while holding those bytes never contain them.
#[test]
fn errors_built_while_holding_a_token_never_show_it() {
    let emu = support::emulator();
    let capture = Capture::default();
    let printed = with_capture(&capture, || async {
        let mut out = Vec::new();
        let proxy = FaultProxy::start(emu.endpoint()).await;
        let client = emulator_builder(&proxy.url).max_attempts(1).build().await.unwrap();
        let auth = Authenticator::builder(client.clone())
            .clock(before_moto_expiry())
            .build();
        let no_colon = STANDARD.encode(MOTO_PASSWORD);
        let set_token = |token: String| {
            Fault::response(move |mut v| {
                v["authorizationData"][0]["authorizationToken"] = json!(token);
                v
            })
        };
        // Not base64 / no `user:password` separator, through the authenticator and the verify module.
        for token in [format!("{MOTO_PASSWORD}!!"), no_colon.clone()] {
            proxy.on("GetAuthorizationToken", [set_token(token.clone()), set_token(token)]);
            let err = auth.credentials_for_region(None).await.unwrap_err();
            assert_eq!(err.code(), "Transport", "{err}");
            out.extend(error_texts(&err));
            let err = client.registry_auth().await.unwrap_err();
            out.extend(error_texts(&err));
        }
        // A body the SDK cannot deserialise, with the real token in it.
        proxy.on(
            "GetAuthorizationToken",
            [Fault::response(|mut v| {
                v["authorizationData"][0]["expiresAt"] = json!({"not": "a timestamp"});
                v
            })],
        );
        let err = auth.credentials_for_region(None).await.unwrap_err();
        out.extend(error_texts(&err));
        // The connection cut in the middle of the token.
        proxy.on("GetAuthorizationToken", [Fault::Reset]);
        let err = auth.credentials_for_region(None).await.unwrap_err();
        out.extend(error_texts(&err));
        assert_eq!(proxy.attempts("GetAuthorizationToken"), 6);
        out
    });
    let mut all = printed;
    all.push(capture.0.lock().unwrap().clone());
    // The token forms of this test: the malformed ones and the real one.
    let forms = [
        format!("{MOTO_PASSWORD}!!"),
        STANDARD.encode(MOTO_PASSWORD),
        STANDARD.encode(format!("AWS:{MOTO_PASSWORD}")),
        MOTO_PASSWORD.to_owned(),
    ];
    for text in &all {
        for f in &forms {
            let line = text.lines().find(|l| l.contains(f.as_str()));
            assert!(
                line.is_none(),
                "token shown: {:?}",
                &line.unwrap_or_default()[..300.min(line.unwrap_or_default().len())]
            );
        }
    }
}

/// A password typed into a server URL or an image reference (`https://AWS:PASSWORD@host/...`) is never echoed by
/// the reference parsers, the auth module's host reading or the `parse_reference` program's JSON.
#[test]
fn passwords_in_urls_are_never_echoed_by_parse_errors() {
    let host = "123456789012.dkr.ecr.us-west-2.amazonaws.com";
    let inputs = [
        format!("https://AWS:{MOTO_PASSWORD}@{host}/"),
        format!("ftp://AWS:{MOTO_PASSWORD}@{host}/v2/"),
        format!("AWS:{MOTO_PASSWORD}@{host}/team/app:v1"),
        format!("https://AWS:{MOTO_PASSWORD}@{host}/team/app:v1"),
        format!("https://{MOTO_PASSWORD}@{host}:99999/"),
        format!("AWS:{MOTO_PASSWORD}@ftp://{host}/"),
    ];
    let mut out = Vec::new();
    for input in &inputs {
        let errors = [
            RegistryHost::from_server_url(input).unwrap_err(),
            input.parse::<RegistryHost>().unwrap_err(),
            input.parse::<ImageReference>().unwrap_err(),
            parse_input(input).unwrap_err(),
            input.as_str().to_registry_host().unwrap_err(),
            registry_region(input).unwrap_err(),
        ];
        for err in &errors {
            assert_eq!(err.code(), "InvalidReference", "{input}: {err}");
            out.extend(error_texts(err));
        }
        out.push(parse_input_json(input).to_string());
        // What is redacted is only the user information: the host is still named.
        assert!(format!("{:?}", errors[0]).contains(host), "{:?}", errors[0]);
    }
    assert_clean("reference errors", &out);
}
