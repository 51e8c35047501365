//! The `docker-credential-ecr-core` program driven as Docker drives it: one action argument, the server
//! URL on stdin, JSON or a protocol message on stdout, exit code 0 or 1.
//!
//! The success path runs against a small local stand-in for the ECR and STS APIs (answering
//! GetAuthorizationToken with a token valid until 2099 and GetCallerIdentity with a role ARN), because
//! moto's tokens always carry `expiresAt` = 2015-01-01 and the helper judges them by the system clock.
//! The stand-in counts requests, which also proves that concurrent helper processes share one token
//! through the disk cache. The failure path runs against moto itself: its expired token is refused and
//! the real reason reaches stderr.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../ecr-core/tests/support/mod.rs"]
mod support;

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const HELPER: &str = env!("CARGO_BIN_EXE_docker-credential-ecr-core");
const HOST: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
/// base64("AWS:stand-in-password-0123456789")
const TOKEN: &str = "QVdTOnN0YW5kLWluLXBhc3N3b3JkLTAxMjM0NTY3ODk=";
const PASSWORD: &str = "stand-in-password-0123456789";

/// A local stand-in for the ECR and STS APIs; counts GetAuthorizationToken and GetCallerIdentity calls.
struct StandIn {
    url: String,
    tokens: Arc<AtomicUsize>,
    identities: Arc<AtomicUsize>,
}

fn stand_in() -> StandIn {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let tokens = Arc::new(AtomicUsize::new(0));
    let identities = Arc::new(AtomicUsize::new(0));
    let (t, i) = (tokens.clone(), identities.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let (t, i) = (t.clone(), i.clone());
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let (mut target, mut len) = (String::new(), 0usize);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("x-amz-target:") {
                        target = v.trim().to_owned();
                    }
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        len = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0u8; len];
                reader.read_exact(&mut body).unwrap();
                let body = String::from_utf8_lossy(&body);
                let (ctype, reply) = if target.ends_with("getauthorizationtoken") {
                    t.fetch_add(1, Ordering::SeqCst);
                    // Slow enough that concurrent helper processes overlap.
                    std::thread::sleep(Duration::from_millis(300));
                    (
                        "application/x-amz-json-1.1",
                        format!(
                            r#"{{"authorizationData":[{{"authorizationToken":"{TOKEN}","expiresAt":4070908800,"proxyEndpoint":"https://{HOST}"}}]}}"#
                        ),
                    )
                } else if body.contains("Action=GetCallerIdentity") {
                    i.fetch_add(1, Ordering::SeqCst);
                    (
                        "text/xml",
                        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:sts::123456789012:assumed-role/ci/session</Arn><UserId>AROAEXAMPLE:session</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>".to_owned(),
                    )
                } else {
                    (
                        "application/json",
                        r#"{"__type":"UnknownOperationException"}"#.to_owned(),
                    )
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                    reply.len()
                );
            });
        }
    });
    StandIn {
        url,
        tokens,
        identities,
    }
}

fn helper(action: &str, stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(HELPER);
    cmd.arg(action)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn stand_in_env<'a>(s: &'a StandIn, cache: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("AWS_ENDPOINT_URL", s.url.as_str()),
        ("AWS_ACCESS_KEY_ID", "ASIASTANDINEXAMPLE01"),
        ("AWS_SECRET_ACCESS_KEY", "stand-in-secret"),
        ("AWS_SESSION_TOKEN", "stand-in-session"),
        ("ECR_CORE_CACHE_DIR", cache),
        ("HOME", cache),
    ]
}

#[test]
fn get_prints_docker_json_and_concurrent_processes_share_one_token() {
    let s = stand_in();
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let cache = cache.to_str().unwrap();
    let env = stand_in_env(&s, cache);
    // Eight helper processes at once, as parallel `docker pull`s would start them. No AWS_REGION: the
    // region comes from the registry host.
    let children: Vec<_> = (0..8)
        .map(|_| {
            let env = env.clone();
            let env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            std::thread::spawn(move || {
                let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                helper("get", &format!("https://{HOST}\n"), &env)
            })
        })
        .collect();
    for c in children {
        let out = c.join().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let reply: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(reply["ServerURL"], format!("https://{HOST}"));
        assert_eq!(reply["Username"], "AWS");
        assert_eq!(reply["Secret"], PASSWORD);
        assert!(!String::from_utf8_lossy(&out.stderr).contains(PASSWORD));
    }
    assert_eq!(
        s.tokens.load(Ordering::SeqCst),
        1,
        "one GetAuthorizationToken for eight processes"
    );
    let after_first_round = s.identities.load(Ordering::SeqCst);
    assert!(after_first_round >= 1);
    // A later process: identity memo and token both come from the disk cache.
    let out = helper("get", HOST, &env);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(s.tokens.load(Ordering::SeqCst), 1);
    assert_eq!(s.identities.load(Ordering::SeqCst), after_first_round);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let file = std::path::Path::new(cache).join("cache.json");
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::metadata(cache).unwrap().permissions().mode() & 0o777, 0o700);
        let text = std::fs::read_to_string(file).unwrap();
        assert!(!text.contains("ASIASTANDIN") && !text.contains("assumed-role"));
    }
    // list names the cached registry.
    let out = helper("list", "", &env);
    assert_eq!(out.status.code(), Some(0));
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed[format!("https://{HOST}")], "AWS", "{listed}");
    // With the cache disabled every process asks again.
    let mut no_cache = env.clone();
    no_cache.push(("ECR_CORE_DISABLE_CACHE", "1"));
    assert_eq!(helper("get", HOST, &no_cache).status.code(), Some(0));
    assert_eq!(s.tokens.load(Ordering::SeqCst), 2);
}

#[test]
fn non_ecr_hosts_get_the_not_found_sentinel_without_any_aws_call() {
    let s = stand_in();
    let dir = tempfile::tempdir().unwrap();
    let env = stand_in_env(&s, dir.path().to_str().unwrap());
    for host in [
        "https://index.docker.io/v1/",
        "ghcr.io",
        "127.0.0.1:5000",
        "public.ecr.aws.evil.example.com",
    ] {
        let out = helper("get", host, &env);
        assert_eq!(out.status.code(), Some(1), "{host}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "credentials not found in native keychain\n"
        );
    }
    assert_eq!(s.tokens.load(Ordering::SeqCst) + s.identities.load(Ordering::SeqCst), 0);
    // store / erase succeed without storing; version names the program; bad usage fails.
    let store = r#"{"ServerURL":"123456789012.dkr.ecr.eu-west-1.amazonaws.com","Username":"AWS","Secret":"x"}"#;
    assert_eq!(helper("store", store, &env).status.code(), Some(0));
    assert_eq!(helper("erase", HOST, &env).status.code(), Some(0));
    let out = helper("version", "", &env);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("docker-credential-ecr-core (ecr-core) "));
    assert_eq!(helper("frobnicate", "", &env).status.code(), Some(1));
    let out = Command::new(HELPER).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn an_ecr_host_that_fails_exits_1_with_the_real_reason() {
    // Against moto: its token expires 2015-01-01, so the helper (system clock) must refuse it and say why.
    let emu = support::emulator();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = emu.command(HELPER);
    cmd.arg("get")
        .env("ECR_CORE_CACHE_DIR", dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"123456789012.dkr.ecr.us-east-1.amazonaws.com\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("2015-01-01") && stderr.contains("Refused"), "{stderr}");
    assert!(!stdout.contains("credentials not found"), "{stdout}");
    assert!(!stdout.contains("123456789012-auth-token") && !stderr.contains("123456789012-auth-token"));

    // Long-lived keys refused by policy: the reason names the source, not the key.
    let mut cmd = emu.command(HELPER);
    cmd.arg("get")
        .env("ECR_CORE_DISABLE_CACHE", "1")
        .env("ECR_CORE_REQUIRE_TEMPORARY_CREDENTIALS", "true")
        .env("AWS_ACCESS_KEY_ID", "AKIASTATICEXAMPLE001")
        .env_remove("AWS_SESSION_TOKEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child.stdin.take().unwrap().write_all(HOST.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("LongLivedCredentials") && stderr.contains("environment"),
        "{stderr}"
    );
    assert!(!stderr.contains("AKIASTATICEXAMPLE001"), "{stderr}");
}
