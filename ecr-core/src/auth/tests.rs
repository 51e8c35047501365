//! Tests of the authenticator over replayed (aws-smithy-mocks) GetAuthorizationToken responses.
//!
//! Mocks, not the emulator, because moto's GetAuthorizationToken always answers `expiresAt` =
//! 2015-01-01 (already expired) and has no ECR Public or error paths; the replayed responses are shaped
//! like AWS's documented examples (`fixtures/auth/get_authorization_token.json`). The emulator tests are
//! in `ecr-core/tests/auth_emulator.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_ecr::operation::get_authorization_token::{GetAuthorizationTokenError, GetAuthorizationTokenOutput};
use aws_sdk_ecr::types::AuthorizationData;
use aws_smithy_mocks::{Rule, RuleMode, mock};
use aws_smithy_types::error::ErrorMetadata;
use base64::Engine as _;
use chrono::TimeZone as _;
use serde_json::Value;

use super::*;
use crate::client::EcrClient;
use crate::time::Timestamp;

const KEY_ID: &str = "ASIAMOCKEXAMPLEKEYID";
const SECRET_KEY: &str = "mock-secret-access-key-do-not-print";

fn fixture(name: &str) -> Value {
    let path = format!("{}/../fixtures/auth/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn t0() -> Timestamp {
    chrono::Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap()
}

fn creds(session: Option<&str>) -> Credentials {
    Credentials::new(KEY_ID, SECRET_KEY, session.map(str::to_owned), None, "test")
}

fn sdk_config(region: &str, creds: Credentials) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .credentials_provider(SharedCredentialsProvider::new(creds))
        .build()
}

fn interceptor(rules: &[&Rule]) -> aws_smithy_mocks::MockResponseInterceptor {
    let mut i = aws_smithy_mocks::MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for r in rules {
        i = i.with_rule(r);
    }
    i
}

/// An ECR client whose GetAuthorizationToken answers from `rules`, home region `region`.
fn mocked_client(region: &str, creds: Credentials, rules: &[&Rule]) -> EcrClient {
    let conf = aws_sdk_ecr::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .credentials_provider(SharedCredentialsProvider::new(creds.clone()))
        .retry_config(RetryConfig::disabled())
        .http_client(aws_smithy_mocks::create_mock_http_client())
        .interceptor(interceptor(rules))
        .build();
    EcrClient::from_sdk_client(aws_sdk_ecr::Client::from_conf(conf), sdk_config(region, creds))
}

#[cfg(feature = "ecr-public")]
fn mocked_public(rules: &[&Rule]) -> aws_sdk_ecrpublic::Client {
    let conf = aws_sdk_ecrpublic::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(creds(Some("s"))))
        .retry_config(RetryConfig::disabled())
        .http_client(aws_smithy_mocks::create_mock_http_client())
        .interceptor(interceptor(rules))
        .build();
    aws_sdk_ecrpublic::Client::from_conf(conf)
}

fn output(password: &str, expires_at: Timestamp) -> GetAuthorizationTokenOutput {
    let token = base64::engine::general_purpose::STANDARD.encode(format!("AWS:{password}"));
    GetAuthorizationTokenOutput::builder()
        .authorization_data(
            AuthorizationData::builder()
                .authorization_token(token)
                .expires_at(aws_smithy_types::DateTime::from_secs(expires_at.timestamp()))
                .proxy_endpoint("https://012345678910.dkr.ecr.us-east-1.amazonaws.com")
                .build(),
        )
        .build()
}

fn service_error(code: &str, message: &str) -> GetAuthorizationTokenError {
    GetAuthorizationTokenError::generic(ErrorMetadata::builder().code(code).message(message).build())
}

/// A token rule whose password is `pw-<n>` for the n-th call, expiring `life` after the clock's time.
fn counting_rule(clock: &ManualClock, life: chrono::Duration, delay: Duration) -> Rule {
    let clock = clock.clone();
    let n = Arc::new(AtomicUsize::new(0));
    mock!(aws_sdk_ecr::Client::get_authorization_token).then_compute_output(move |_| {
        std::thread::sleep(delay);
        let i = n.fetch_add(1, Ordering::SeqCst) + 1;
        output(&format!("pw-{i}"), clock.now() + life)
    })
}

fn authenticator(client: EcrClient, clock: &ManualClock) -> Authenticator {
    Authenticator::builder(client).clock(clock.clone()).build()
}

const HOST: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

#[test]
fn hosts_fixture_classifies_every_case() {
    let f = fixture("hosts.json");
    for case in f["accept"].as_array().unwrap() {
        let input = case["input"].as_str().unwrap();
        let parsed = host::parse_ecr_host(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        match (case["kind"].as_str().unwrap(), parsed) {
            ("private", host::EcrHost::Private { host, account, region }) => {
                assert_eq!(host, case["host"].as_str().unwrap(), "{input}");
                assert_eq!(account, case["account"].as_str().unwrap(), "{input}");
                assert_eq!(region, case["region"].as_str().unwrap(), "{input}");
            }
            ("public", host::EcrHost::Public { host }) => assert_eq!(host, case["host"].as_str().unwrap()),
            (kind, other) => panic!("{input}: expected {kind}, got {other:?}"),
        }
    }
    for case in f["reject"].as_array().unwrap() {
        let input = case["input"].as_str().unwrap();
        let err = host::parse_ecr_host(input).expect_err(input);
        assert_eq!(err.code(), "InvalidReference", "{input}");
    }
}

#[tokio::test]
#[allow(deprecated)] // registry_ids: checked to be absent (one token per region, no registryIds)
async fn documented_response_gives_the_expected_credentials_for_any_account_in_the_region() {
    let f = fixture("get_authorization_token.json");
    let data = &f["private"]["response"]["authorizationData"][0];
    let (tok, exp, proxy) = (
        data["authorizationToken"].as_str().unwrap().to_owned(),
        data["expiresAt"].as_i64().unwrap(),
        data["proxyEndpoint"].as_str().unwrap().to_owned(),
    );
    let rule = mock!(aws_sdk_ecr::Client::get_authorization_token)
        .match_requests(|r| r.registry_ids().is_empty())
        .then_output(move || {
            GetAuthorizationTokenOutput::builder()
                .authorization_data(
                    AuthorizationData::builder()
                        .authorization_token(&tok)
                        .expires_at(aws_smithy_types::DateTime::from_secs(exp))
                        .proxy_endpoint(&proxy)
                        .build(),
                )
                .build()
        });
    let clock = ManualClock::new(t0() - chrono::Duration::hours(1));
    let auth = authenticator(mocked_client("us-east-1", creds(Some("s")), &[&rule]), &clock);
    let expected = &f["private"]["expected"];
    let c = auth
        .credentials(f["private"]["request"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(c.host, expected["host"].as_str().unwrap());
    assert_eq!(c.username, expected["username"].as_str().unwrap());
    assert_eq!(c.password.expose(), expected["password"].as_str().unwrap());
    assert_eq!(
        c.expires_at,
        crate::time::parse_str(expected["expiresAt"].as_str().unwrap()).unwrap()
    );
    assert_eq!(c.proxy_endpoint.as_deref(), expected["proxyEndpoint"].as_str());
    assert_eq!(c.region.as_deref(), expected["region"].as_str());
    assert_eq!(c.docker_auth().expose(), expected["dockerAuth"].as_str().unwrap());
    assert_eq!(
        c.authorization_header().expose(),
        format!("Basic {}", expected["dockerAuth"].as_str().unwrap())
    );
    // Another account in the same region: the same token, no second call.
    let other = auth
        .credentials("https://999999999999.dkr.ecr.us-east-1.amazonaws.com")
        .await
        .unwrap();
    assert_eq!(other.host, "999999999999.dkr.ecr.us-east-1.amazonaws.com");
    assert_eq!(other.password, c.password);
    // A parsed RegistryHost works the same (what the verify module passes).
    let parsed = crate::reference::RegistryHost::private("555555555555", "us-east-1").unwrap();
    let by_host = auth.credentials(&parsed).await.unwrap();
    assert_eq!(by_host.host, "555555555555.dkr.ecr.us-east-1.amazonaws.com");
    assert_eq!(by_host.password, c.password);
    assert_eq!(rule.num_calls(), 1);
    // The caller's own registry, named by the token's proxy endpoint.
    let own = auth.credentials_for_region(None).await.unwrap();
    assert_eq!(own.host, "012345678910.dkr.ecr.us-east-1.amazonaws.com");
    assert_eq!(rule.num_calls(), 1);
}

#[cfg(not(feature = "ecr-public"))]
#[tokio::test]
async fn public_registry_credentials_name_the_missing_feature_and_call_nothing() {
    let private = mock!(aws_sdk_ecr::Client::get_authorization_token).then_output(|| output("private", t0()));
    let auth = Authenticator::builder(mocked_client("us-east-1", creds(Some("s")), &[&private])).build();
    let err = auth.credentials("public.ecr.aws").await.unwrap_err();
    assert_eq!(err.code(), "Refused", "{err}");
    assert!(err.to_string().contains("`ecr-public` feature"), "{err}");
    assert_eq!(private.num_calls(), 0);
}

#[cfg(feature = "ecr-public")]
#[tokio::test]
async fn public_registry_uses_its_own_api_and_has_no_proxy_endpoint() {
    let f = fixture("get_authorization_token.json");
    let data = f["public"]["response"]["authorizationData"].clone();
    let rule = mock!(aws_sdk_ecrpublic::Client::get_authorization_token).then_output(move || {
        aws_sdk_ecrpublic::operation::get_authorization_token::GetAuthorizationTokenOutput::builder()
            .authorization_data(
                aws_sdk_ecrpublic::types::AuthorizationData::builder()
                    .authorization_token(data["authorizationToken"].as_str().unwrap())
                    .expires_at(aws_smithy_types::DateTime::from_secs(
                        data["expiresAt"].as_i64().unwrap(),
                    ))
                    .build(),
            )
            .build()
    });
    let private = mock!(aws_sdk_ecr::Client::get_authorization_token).then_output(|| output("private", t0()));
    let clock = ManualClock::new(t0() - chrono::Duration::hours(1));
    // Home region eu-west-1: ECR Public is still asked in us-east-1 (its client is pinned there).
    let auth = Authenticator::builder(mocked_client("eu-west-1", creds(Some("s")), &[&private]))
        .clock(clock)
        .public_client(mocked_public(&[&rule]))
        .build();
    let expected = &f["public"]["expected"];
    let c = auth
        .credentials(f["public"]["request"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(c.host, expected["host"].as_str().unwrap());
    assert_eq!(c.password.expose(), expected["password"].as_str().unwrap());
    assert!(c.proxy_endpoint.is_none() && c.region.is_none() && c.is_public());
    assert_eq!(c.docker_auth().expose(), expected["dockerAuth"].as_str().unwrap());
    auth.public_credentials().await.unwrap();
    assert_eq!((rule.num_calls(), private.num_calls()), (1, 0));

    let unsupported = mock!(aws_sdk_ecrpublic::Client::get_authorization_token).then_error(|| {
        aws_sdk_ecrpublic::operation::get_authorization_token::GetAuthorizationTokenError::generic(
            ErrorMetadata::builder()
                .code("UnsupportedCommandException")
                .message("The action isn't supported in this Region.")
                .build(),
        )
    });
    let auth = Authenticator::builder(mocked_client("eu-west-1", creds(Some("s")), &[&private]))
        .public_client(mocked_public(&[&unsupported]))
        .build();
    let err = auth.public_credentials().await.unwrap_err();
    assert_eq!(err.code(), "WrongRegion", "{err}");
    assert!(err.to_string().contains("us-east-1"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hundred_concurrent_callers_make_one_get_authorization_token_call() {
    let clock = ManualClock::new(t0());
    // The replayed call takes 200 ms, so every caller arrives while it is in flight.
    let rule = counting_rule(&clock, chrono::Duration::hours(12), Duration::from_millis(200));
    let auth = authenticator(mocked_client("us-east-1", creds(Some("s")), &[&rule]), &clock);
    let barrier = Arc::new(tokio::sync::Barrier::new(100));
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let (auth, barrier) = (auth.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                // Half by host of different accounts, half by region: all share the us-east-1 token.
                if i % 2 == 0 {
                    auth.credentials(&format!("{:012}.dkr.ecr.us-east-1.amazonaws.com", 100_000 + i))
                        .await
                } else {
                    auth.credentials_for_region(Some("us-east-1")).await
                }
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap().password.expose(), "pw-1");
    }
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn cache_hit_miss_refresh_and_expiry_follow_the_clock() {
    let clock = ManualClock::new(t0());
    let rule = counting_rule(&clock, chrono::Duration::hours(12), Duration::ZERO);
    let auth = authenticator(mocked_client("us-east-1", creds(Some("s")), &[&rule]), &clock);

    // miss
    assert_eq!(auth.credentials(HOST).await.unwrap().password.expose(), "pw-1");
    // hit, well inside the token's life
    clock.advance(Duration::from_secs(8 * 3600));
    assert_eq!(auth.credentials(HOST).await.unwrap().password.expose(), "pw-1");
    assert_eq!(rule.num_calls(), 1);
    // another region is another token
    assert_eq!(
        auth.credentials("123456789012.dkr.ecr.eu-west-1.amazonaws.com")
            .await
            .unwrap()
            .password
            .expose(),
        "pw-2"
    );
    // refresh ahead: 12 h token, 25 % ahead => refreshed from 9 h, not at 12 h
    let policy = RefreshPolicy::default();
    let due = policy.refresh_at(t0(), t0() + chrono::Duration::hours(12));
    assert_eq!(due, t0() + chrono::Duration::hours(9));
    clock.set(due);
    let c = auth.credentials(HOST).await.unwrap();
    assert_eq!(c.password.expose(), "pw-3");
    assert_eq!(c.expires_at, due + chrono::Duration::hours(12));
    assert_eq!(rule.num_calls(), 3);
    // a short-lived token (session credentials of 15 min cap it) is refreshed ahead too
    assert_eq!(
        policy.refresh_at(t0(), t0() + chrono::Duration::minutes(15)),
        t0() + chrono::Duration::minutes(10)
    );
    assert_eq!(
        policy.refresh_at(t0(), t0() + chrono::Duration::minutes(4)),
        t0() + chrono::Duration::minutes(2)
    );
    // invalidate forces a new fetch
    auth.invalidate(HOST).unwrap();
    assert_eq!(auth.credentials(HOST).await.unwrap().password.expose(), "pw-4");
}

#[tokio::test]
async fn a_failed_refresh_keeps_a_valid_token_but_never_hands_out_an_expired_one() {
    let clock = ManualClock::new(t0());
    let rule = mock!(aws_sdk_ecr::Client::get_authorization_token)
        .sequence()
        .output({
            let clock = clock.clone();
            move || output("first", clock.now() + chrono::Duration::hours(1))
        })
        .error(|| service_error("ServerException", "internal failure"))
        .times(10)
        .build();
    let auth = authenticator(mocked_client("us-east-1", creds(Some("s")), &[&rule]), &clock);
    let first = auth.credentials(HOST).await.unwrap();
    assert_eq!(first.password.expose(), "first");
    // Refresh due (1 h token: from 45 min), the service fails: the still-valid token is used.
    clock.advance(Duration::from_secs(50 * 60));
    let c = auth.credentials(HOST).await.unwrap();
    assert_eq!(c.password.expose(), "first");
    assert!(!c.is_expired_at(clock.now()));
    assert_eq!(rule.num_calls(), 2);
    // 30 s before expiry (less than min_remaining = 60 s): the error, never the old token.
    clock.set(first.expires_at - chrono::Duration::seconds(30));
    let err = auth.credentials(HOST).await.unwrap_err();
    assert_eq!(err.code(), "ServiceError", "{err}");
    // After expiry too.
    clock.set(first.expires_at + chrono::Duration::seconds(1));
    assert!(auth.credentials(HOST).await.is_err());
}

#[tokio::test]
async fn a_token_already_expired_by_the_clock_is_refused() {
    // What moto does (expiresAt 2015-01-01) judged by a clock after it.
    let clock = ManualClock::new(t0());
    let rule = mock!(aws_sdk_ecr::Client::get_authorization_token)
        .then_output(|| output("old", chrono::Utc.with_ymd_and_hms(2015, 1, 1, 0, 0, 0).unwrap()));
    let auth = authenticator(mocked_client("us-east-1", creds(Some("s")), &[&rule]), &clock);
    let err = auth.credentials(HOST).await.unwrap_err();
    assert_eq!(err.code(), "Refused");
    assert!(err.to_string().contains("2015-01-01"), "{err}");
}

#[tokio::test]
async fn service_errors_become_actionable_errors() {
    let cases: [(&str, &str, &str, &str, &str); 5] = [
        (
            "us-east-1",
            HOST,
            "AccessDeniedException",
            "AccessDenied",
            "ecr:GetAuthorizationToken",
        ),
        (
            "us-east-1",
            HOST,
            "ExpiredTokenException",
            "InvalidCredentials",
            "aws sso login",
        ),
        (
            "us-east-1",
            HOST,
            "ThrottlingException",
            "Throttled",
            "20 requests per second",
        ),
        (
            "us-east-1",
            "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn",
            "UnrecognizedClientException",
            "WrongRegion",
            "partition aws-cn",
        ),
        (
            "us-east-1",
            HOST,
            "InvalidParameterException",
            "ServiceError",
            "InvalidParameterException",
        ),
    ];
    for (home, host, aws_code, code, hint) in cases {
        let rule = mock!(aws_sdk_ecr::Client::get_authorization_token)
            .then_error(move || service_error(aws_code, "the service said no"));
        let auth = Authenticator::new(mocked_client(home, creds(Some("s")), &[&rule]));
        let err = auth.credentials(host).await.unwrap_err();
        assert_eq!(err.code(), code, "{aws_code}: {err}");
        assert!(err.to_string().contains(hint), "{aws_code}: {err}");
        assert!(err.to_string().contains("the service said no"), "{err}");
    }
    // Not ECR at all: no call.
    let rule = mock!(aws_sdk_ecr::Client::get_authorization_token).then_output(|| output("x", t0()));
    let auth = Authenticator::new(mocked_client("us-east-1", creds(Some("s")), &[&rule]));
    assert_eq!(
        auth.credentials("ghcr.io").await.unwrap_err().code(),
        "InvalidReference"
    );
    let err = auth.credentials_for_region(Some("../eu-west-1")).await.unwrap_err();
    assert_eq!(err.code(), "InvalidArgument");
    assert!(err.to_string().contains("region"), "{err}");
    assert_eq!(rule.num_calls(), 0);
}

#[tokio::test]
async fn policy_refuses_long_lived_keys_before_any_call() {
    let rule = mock!(aws_sdk_ecr::Client::get_authorization_token).then_output(|| output("x", t0()));
    let client = mocked_client("us-east-1", creds(None), &[&rule]);
    let auth = Authenticator::builder(client.clone())
        .credential_policy(CredentialPolicy::RequireTemporary)
        .build();
    let err = auth.credentials(HOST).await.unwrap_err();
    assert_eq!(err.code(), "LongLivedCredentials");
    assert!(!format!("{err} {err:?}").contains(KEY_ID));
    assert_eq!(rule.num_calls(), 0);
    let id = auth.aws_identity().await.unwrap();
    assert!(id.is_long_lived() && !id.has_session_token);
    // The same keys with a session token pass.
    let client = mocked_client("us-east-1", creds(Some("session")), &[&rule]);
    let auth = Authenticator::builder(client)
        .credential_policy(CredentialPolicy::RequireTemporary)
        .clock(ManualClock::new(t0() - chrono::Duration::hours(1)))
        .build();
    auth.credentials(HOST).await.unwrap();
    assert_eq!(rule.num_calls(), 1);
}

#[tokio::test]
async fn disk_cache_is_shared_bounded_private_and_survives_corruption() {
    let dir = tempfile::tempdir().unwrap();
    let cache_dir = dir.path().join("cache");
    let clock = ManualClock::new(t0());
    let rule = counting_rule(&clock, chrono::Duration::hours(12), Duration::ZERO);
    let make = |principal: &str| {
        Authenticator::builder(mocked_client("us-east-1", creds(Some("s")), &[&rule]))
            .clock(clock.clone())
            .disk_cache(Some(DiskCache::new(&cache_dir).max_entries(3)))
            .principal(principal)
            .build()
    };
    // Two "processes" of the same role with different session names share the token.
    let a = make("arn:aws:sts::123456789012:assumed-role/ci-deploy/session-one");
    let b = make("arn:aws:sts::123456789012:assumed-role/ci-deploy/session-two");
    assert_eq!(a.credentials(HOST).await.unwrap().password.expose(), "pw-1");
    assert_eq!(b.credentials(HOST).await.unwrap().password.expose(), "pw-1");
    assert_eq!(rule.num_calls(), 1);
    // Another principal does not.
    let c = make("arn:aws:sts::123456789012:assumed-role/other-role/s");
    assert_eq!(c.credentials(HOST).await.unwrap().password.expose(), "pw-2");

    let file = cache_dir.join(CACHE_FILE);
    let text = std::fs::read_to_string(&file).unwrap();
    for secretish in [KEY_ID, SECRET_KEY, "ci-deploy", "other-role", "123456789012:assumed"] {
        assert!(!text.contains(secretish), "cache file reveals {secretish}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(
            std::fs::metadata(&cache_dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
    }
    // Bounded: 5 regions with max_entries 3 keep 3 entries.
    for r in ["eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "ap-south-1"] {
        a.credentials(&format!("123456789012.dkr.ecr.{r}.amazonaws.com"))
            .await
            .unwrap();
    }
    assert_eq!(DiskCache::new(&cache_dir).token_count(), 3);
    // Expired entries are evicted on the next write.
    clock.advance(Duration::from_secs(13 * 3600));
    let fresh = make("arn:aws:iam::123456789012:user/someone");
    fresh.credentials(HOST).await.unwrap();
    assert_eq!(DiskCache::new(&cache_dir).token_count(), 1);
    // A corrupt file is ignored and replaced.
    std::fs::write(&file, b"{not json at all").unwrap();
    let d = make("arn:aws:iam::123456789012:user/third");
    let calls = rule.num_calls();
    d.credentials(HOST).await.unwrap();
    assert_eq!(rule.num_calls(), calls + 1);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(serde_json::from_str::<Value>(&text).is_ok());
    // A foreign file (another tool's format) too.
    std::fs::write(&file, br#"{"Registries":{},"Version":"1.0"}"#).unwrap();
    make("arn:aws:iam::123456789012:user/fourth")
        .credentials(HOST)
        .await
        .unwrap();
    assert_eq!(DiskCache::new(&cache_dir).token_count(), 1);
}

#[test]
fn disk_cache_concurrent_writers_lose_nothing_and_never_tear_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cache = DiskCache::new(dir.path().join("c")).max_entries(1000);
    let now = t0();
    let threads: Vec<_> = (0..16)
        .map(|i| {
            let cache = cache.clone();
            std::thread::spawn(move || {
                for j in 0..10 {
                    let token = credentials::Token::decode(
                        &base64::engine::general_purpose::STANDARD.encode(format!("AWS:pw-{i}-{j}")),
                        now,
                        now + chrono::Duration::hours(12),
                        None,
                    )
                    .unwrap();
                    let lock = cache.lock().unwrap();
                    let key = disk_cache::token_key("aws", &format!("r{i}-{j}"), "p");
                    cache.put_token(&lock, &key, "r", &token, now).unwrap();
                    drop(lock);
                    // A reader without the lock always sees a whole file.
                    let text = std::fs::read_to_string(cache.file()).unwrap();
                    serde_json::from_str::<Value>(&text).expect("torn cache file");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(cache.token_count(), 160);
    let key = disk_cache::token_key("aws", "r7-3", "p");
    assert_eq!(cache.get_token(&key, now).unwrap().token.password.expose(), "pw-7-3");
}

#[test]
fn docker_config_merge_fixture() {
    let f = fixture("docker_config_merge.json");
    let c = &f["credentials"];
    let creds = RegistryCredentials {
        host: "ignored".into(),
        username: c["username"].as_str().unwrap().into(),
        password: crate::Secret::new(c["password"].as_str().unwrap()),
        expires_at: t0(),
        proxy_endpoint: None,
        region: None,
    };
    assert_eq!(creds.docker_auth().expose(), c["auth"].as_str().unwrap());
    for case in f["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let mut doc = case["before"].clone();
        let result = merge_auth_entry(&mut doc, case["server"].as_str().unwrap(), &creds);
        if let Some(code) = case.get("error") {
            assert_eq!(result.unwrap_err().code(), code.as_str().unwrap(), "{name}");
            assert_eq!(doc, case["before"], "{name}: document changed on error");
            continue;
        }
        let outcome = result.unwrap();
        // Exact, key order included (serde_json preserve_order).
        assert_eq!(
            serde_json::to_string(&doc).unwrap(),
            serde_json::to_string(&case["after"]).unwrap(),
            "{name}"
        );
        assert_eq!(outcome.replaced, case["replaced"].as_bool().unwrap(), "{name}");
        assert_eq!(outcome.shadowed_by.as_deref(), case["shadowedBy"].as_str(), "{name}");
    }
}

#[test]
fn docker_config_file_is_written_atomically_keeping_other_keys_and_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("docker").join("config.json");
    let creds = RegistryCredentials {
        host: HOST.into(),
        username: "AWS".into(),
        password: crate::Secret::new("pw"),
        expires_at: t0(),
        proxy_endpoint: Some(format!("https://{HOST}")),
        region: Some("us-east-1".into()),
    };
    // Created with 0700 dir and 0600 file.
    let out = write_docker_config(&path, &creds.host, &creds).unwrap();
    assert!(!out.replaced);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(
            std::fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777,
            0o700
        );
    }
    // Existing keys kept; invalid JSON refused without touching the file.
    std::fs::write(&path, r#"{"auths":{"ghcr.io":{"auth":"eDp5"}},"psFormat":"table"}"#).unwrap();
    write_docker_config(&path, &format!("https://{HOST}/v2/"), &creds).unwrap();
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(doc["psFormat"], "table");
    assert_eq!(doc["auths"]["ghcr.io"]["auth"], "eDp5");
    assert_eq!(doc["auths"][HOST]["auth"], "QVdTOnB3");
    std::fs::write(&path, "{ broken").unwrap();
    let err = write_docker_config(&path, HOST, &creds).unwrap_err();
    assert_eq!(err.code(), "InvalidArgument");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "{ broken");
    // No temporary files left behind.
    assert_eq!(std::fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
}

#[tokio::test]
async fn helper_protocol_fixture_and_get_replies() {
    let rule = mock!(aws_sdk_ecr::Client::get_authorization_token)
        .sequence()
        .output(|| output("helper-password", t0()))
        .error(|| service_error("AccessDeniedException", "User: arn:aws:iam::1:user/x is not authorized"))
        .build();
    let auth = Authenticator::builder(mocked_client("us-east-1", creds(Some("s")), &[&rule]))
        .clock(ManualClock::new(t0() - chrono::Duration::hours(2)))
        .build();
    for case in fixture("helper_protocol.json")["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let out = run_helper(&auth, case["action"].as_str().unwrap(), case["stdin"].as_str().unwrap()).await;
        assert_eq!(out.stdout.expose(), case["stdout"].as_str().unwrap(), "{name}");
        assert_eq!(out.exit_code, case["exitCode"].as_i64().unwrap() as i32, "{name}");
    }
    assert_eq!(rule.num_calls(), 0, "no AWS call for non-ECR hosts or store/erase");
    let out = run_helper(&auth, "get", &format!("https://{HOST}\n")).await;
    assert_eq!(out.exit_code, 0);
    let reply: Value = serde_json::from_str(out.stdout.expose()).unwrap();
    assert_eq!(reply["ServerURL"], format!("https://{HOST}"));
    assert_eq!(reply["Username"], "AWS");
    assert_eq!(reply["Secret"], "helper-password");
    assert!(!format!("{out:?}").contains("helper-password"));
    // An ECR host whose credentials fail: exit 1 and the real reason, not the not-found sentinel.
    let out = run_helper(&auth, "get", "123456789012.dkr.ecr.eu-west-1.amazonaws.com").await;
    assert_eq!(out.exit_code, 1);
    assert!(out.stderr.contains("ecr:GetAuthorizationToken"), "{}", out.stderr);
    assert!(out.stdout.expose().contains("AccessDenied"));
    assert!(!out.stdout.expose().contains(helper::NOT_FOUND));
    let out = run_helper(&auth, "version", "").await;
    assert_eq!(out.stdout.expose(), format!("{}\n", version_line()));
    let out = run_helper(&auth, "list", "").await;
    let listed: Value = serde_json::from_str(out.stdout.expose()).unwrap();
    assert_eq!(listed["https://012345678910.dkr.ecr.us-east-1.amazonaws.com"], "AWS");
}

/// A tracing subscriber that records every event's fields as text.
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
        span.record(&mut Visit(&mut s));
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        values.record(&mut Visit(&mut self.0.lock().unwrap()));
    }
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

#[test]
fn secrets_never_appear_in_debug_display_errors_or_tracing() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    const PASSWORD: &str = "tracing-visible-password-9f8e7d";
    let dir = tempfile::tempdir().unwrap();
    let mut seen = String::new();
    rt.block_on(async {
        let clock = ManualClock::new(t0());
        let rule = mock!(aws_sdk_ecr::Client::get_authorization_token)
            .sequence()
            .output({
                let clock = clock.clone();
                move || output(PASSWORD, clock.now() + chrono::Duration::hours(1))
            })
            .error(|| service_error("ThrottlingException", "Rate exceeded"))
            .times(10)
            .build();
        let auth_client = mocked_client("us-east-1", creds(Some("s")), &[&rule]);
        let auth = Authenticator::builder(auth_client.clone())
            .clock(clock.clone())
            .disk_cache(Some(DiskCache::new(dir.path().join("c"))))
            .principal("arn:aws:iam::123456789012:user/x")
            .build();
        let c = auth.credentials(HOST).await.unwrap();
        assert_eq!(c.password.expose(), PASSWORD);
        seen.push_str(&format!(
            "{c:?} {c:#?} {:?} {} {auth:?} {:?}",
            c.docker_auth(),
            c.authorization_header(),
            Authenticator::builder(auth_client.clone())
        ));
        // A failing refresh while the token is valid logs a warning...
        clock.advance(Duration::from_secs(50 * 60));
        auth.credentials(HOST).await.unwrap();
        // ... and an error once it is not.
        clock.advance(Duration::from_secs(10 * 60));
        let err = auth.credentials(HOST).await.unwrap_err();
        seen.push_str(&format!("{err} {err:?}"));
        let out = run_helper(&auth, "get", HOST).await;
        seen.push_str(&format!("{out:?} {}", out.stderr));
        // A corrupt cache file is reported without its content.
        std::fs::write(dir.path().join("c").join(CACHE_FILE), format!("{{{PASSWORD}")).unwrap();
        auth.invalidate(HOST).unwrap();
        let _ = auth.credentials(HOST).await;
    });
    let logs = capture.0.lock().unwrap().clone();
    assert!(logs.contains("token refresh failed"), "the warning path ran: {logs}");
    assert!(logs.contains("corrupt"), "the corrupt-cache path ran: {logs}");
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("AWS:{PASSWORD}"));
    // Every event, the SDK's own trace events included, is free of the password, the token and the
    // secret key. The access key id (an identifier, not a secret) appears in the SDK's trace events;
    // ecr-core's own events and Debug output never show it.
    for text in [&seen, &logs] {
        for secret in [PASSWORD, encoded.as_str(), SECRET_KEY] {
            assert!(!text.contains(secret), "{secret} leaked in: {text}");
        }
    }
    let ours: String = logs.lines().filter(|l| l.starts_with("ecr_core")).collect();
    assert!(!ours.is_empty());
    assert!(!ours.contains(KEY_ID) && !seen.contains(KEY_ID), "{ours}\n{seen}");
}
