//! The `scan_gate` program: file mode (formats, exit codes, error messages) and live mode against the emulator.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../ecr-core/tests/support/mod.rs"]
mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Output};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_scan_gate");

fn fixture(name: &str) -> String {
    support::fixtures().join("scan").join(name).display().to_string()
}

fn write_temp(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("scan-gate-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn fails_with_exit_1_and_a_json_report() {
    let policy = write_temp("fail.json", r#"{"failOn": {"CRITICAL": 0}}"#);
    let o = run(&[
        "--findings",
        &fixture("enhanced_page.json"),
        "--policy",
        &policy,
        "--now",
        "2026-06-01T00:00:00Z",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["schema"], "ecr-core/scan-gate-summary/v1");
    assert_eq!(r["passed"], false);
    assert_eq!(r["reasons"][0]["severity"], "CRITICAL");
    assert_eq!(r["evaluatedAt"], "2026-06-01T00:00:00Z");
}

/// The compact report: a reviewer's row per counted and not-counted finding, no raw findings, no policy;
/// `--full` gives the whole decision (every finding with its raw JSON, the policy), also to a file.
#[test]
fn compact_by_default_full_on_request() {
    let policy = write_temp(
        "compact.json",
        r#"{"failOn": {"CRITICAL": 0}, "ignore": [{"id": "CVE-2023-45871", "reason": "not reachable"}]}"#,
    );
    let findings = fixture("basic_page.json");
    let args = ["--findings", findings.as_str(), "--policy", policy.as_str()];
    let compact = run(&args);
    let c: Value = serde_json::from_slice(&compact.stdout).unwrap();
    let page = support::fixture_json("scan/basic_page.json");
    let raw = page["imageScanFindings"]["findings"].as_array().unwrap();
    let counted = c["countedFindings"].as_array().unwrap();
    let not_counted = c["notCountedFindings"].as_array().unwrap();
    assert_eq!(counted.len() + not_counted.len(), raw.len());
    let ignored = not_counted.iter().find(|f| f["id"] == "CVE-2023-45871").unwrap();
    assert_eq!(ignored["why"]["kind"], "ignored");
    assert_eq!(ignored["why"]["reason"], "not reachable");
    let first = raw.iter().find(|f| f["name"] != "CVE-2023-45871").unwrap();
    let row = counted.iter().find(|f| f["id"] == first["name"]).unwrap();
    assert_eq!(row["severity"], first["severity"]);
    assert!(row.get("package").is_some() && row.get("version").is_some(), "{row}");
    assert!(row.get("why").is_none());
    assert!(c.get("findings").is_none() && c.get("policy").is_none(), "{c:#}");
    assert!(!String::from_utf8_lossy(&compact.stdout).contains("\"attributes\""));

    let out = write_temp("full-report.json", "");
    let full = run(&[&args[..], &["--full", "--output", out.as_str()]].concat());
    assert_eq!(full.status.code(), compact.status.code());
    assert!(full.stdout.is_empty(), "the report went to the file");
    let f: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(f["schema"], "ecr-core/scan-gate-report/v1");
    assert_eq!(f["findings"].as_array().unwrap().len(), raw.len());
    assert_eq!(f["findings"][0]["finding"]["raw"], raw[0]);
    assert_eq!(f["policy"]["ignore"][0]["id"], "CVE-2023-45871");
    assert_eq!((&f["reasons"], &f["counted"]), (&c["reasons"], &c["counted"]));
}

#[test]
fn passes_with_exit_0_using_the_toml_policy_and_pages() {
    let policy = write_temp(
        "pass.toml",
        "[failOn]\nHIGH = 5\n\n[[ignore]]\nid = \"CVE-2024-0001\"\nexpires = 2026-12-31\n",
    );
    let o = run(&[
        "--findings",
        &fixture("enhanced_pages_cli.json"),
        "--policy",
        &policy,
        "--format",
        "markdown",
        "--now",
        "2026-06-01T00:00:00Z",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = String::from_utf8(o.stdout).unwrap();
    assert!(md.starts_with("## ✅ Scan gate passed"), "{md}");
    // After the expiry, the same policy fails.
    let o = run(&[
        "--findings",
        &fixture("enhanced_pages_cli.json"),
        "--policy",
        &policy,
        "--now",
        "2027-01-01T00:00:00Z",
        "--format",
        "md",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "no CRITICAL threshold, so still a pass: {}",
        stderr(&o)
    );
    let md = String::from_utf8(o.stdout).unwrap();
    assert!(md.contains("`expiredIgnore`"), "{md}");
}

#[test]
fn sarif_format() {
    let policy = write_temp("sarif.json", r#"{"minScore": 9.0}"#);
    let o = run(&[
        "--findings",
        &fixture("basic_page.json"),
        "--policy",
        &policy,
        "--format",
        "sarif",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s["version"], "2.1.0");
    assert_eq!(s["runs"][0]["results"].as_array().unwrap().len(), 2);
}

#[test]
fn bad_input_exits_2_naming_the_problem() {
    let findings = fixture("basic_page.json");
    let bad_policy = write_temp("bad.json", r#"{"ignore": [{"id": "CVE-1", "expires": "someday"}]}"#);
    let o = run(&["--findings", &findings, "--policy", &bad_policy]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("ignore[0].expires"), "{}", stderr(&o));

    let good_policy = write_temp("good.json", "{}");
    let bad_findings = write_temp(
        "bad-findings.json",
        r#"{"imageScanFindings": {"findings": [{"severity": 3}]}}"#,
    );
    let o = run(&["--findings", &bad_findings, "--policy", &good_policy]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("imageScanFindings.findings[0].severity"),
        "{}",
        stderr(&o)
    );

    let o = run(&["--findings", "/nonexistent/findings.json", "--policy", &good_policy]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("/nonexistent/findings.json"));

    let o = run(&["--findings", &findings, "--policy", &good_policy, "--format", "xml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("xml"));

    let o = run(&["--findings", &findings, "--policy", &good_policy, "--now", "soon"]);
    assert_eq!(o.status.code(), Some(2));

    let o = run(&["--policy", &good_policy]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["--policy", &good_policy, "--repository", "r"]);
    assert_eq!(o.status.code(), Some(2), "a repository needs --tag or --digest");
}

#[test]
fn unknown_status_fails_closed() {
    let policy = write_temp("closed.json", "{}");
    let findings = write_temp(
        "new-status.json",
        r#"{"imageScanStatus": {"status": "SOMETHING_NEW"}, "imageScanFindings": {"findings": []}}"#,
    );
    let o = run(&["--findings", &findings, "--policy", &policy]);
    assert_eq!(o.status.code(), Some(1));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["reasons"][0]["code"], "unknownStatus");
}

/// One request to the emulator's own API (`/moto-api/...`); the response text.
fn moto_api(em: &support::Emulator, method: &str, path: &str, body: &str) -> String {
    let host = em
        .endpoint()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let mut s = TcpStream::connect(&host).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    reply
}

fn queue_results(em: &support::Emulator, results: Vec<Value>) {
    let body = json!({"results": results, "region": em.region()}).to_string();
    let reply = moto_api(em, "POST", "/moto-api/static/ecr/scan-finding-results", &body);
    assert!(reply.contains(" 201"), "{reply}");
}

/// Repository, digest of an image tagged `v1`, and a completed basic scan of it queued in the emulator.
async fn image_with_a_completed_basic_scan(em: &support::Emulator, prefix: &str) -> (String, String) {
    let client = em.client().await;
    let repo = support::unique(prefix);
    client
        .create_repository(&repo, &ecr_core::types::RepositorySettings::recommended())
        .await
        .unwrap();
    let manifest = json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 2,
                   "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"}, "layers": []});
    let id = client
        .put_image(
            &repo,
            &manifest.to_string(),
            Some("application/vnd.oci.image.manifest.v1+json"),
            Some("v1"),
            None,
        )
        .await
        .unwrap();
    let digest = id.image_digest.unwrap();
    let findings = support::fixture_json("scan/basic_page.json")["imageScanFindings"].clone();
    queue_results(
        em,
        vec![json!({"repositoryName": repo, "imageId": {"imageDigest": digest},
            "imageScanStatus": {"status": "COMPLETE", "description": "The scan was completed successfully."},
            "imageScanFindings": findings})],
    );
    (repo, digest)
}

/// The ECR operations recorded by the emulator's request recorder for one access key id, sorted.
fn recorded_operations(em: &support::Emulator, access_key_id: &str) -> Vec<String> {
    let reply = moto_api(em, "GET", "/moto-api/recorder/download-recording", "");
    let body = reply.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let mut ops: Vec<String> = body
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|r| {
            let headers = r["headers"].as_object()?;
            let header = |name: &str| {
                headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .and_then(|(_, v)| v.as_str())
            };
            let credential = format!("Credential={access_key_id}/");
            header("authorization")?
                .contains(&credential)
                .then(|| header("x-amz-target").and_then(|t| t.rsplit('.').next()))?
                .map(str::to_owned)
        })
        .collect();
    ops.sort();
    ops
}

/// The live gate reads the image once (DescribeImages: digest and media type), the registry's scan type
/// once, and the findings once: on a completed basic scan that is every ECR call it makes.
#[tokio::test]
async fn live_gate_calls_ecr_once_per_answer_it_needs() {
    let em = support::emulator();
    let (repo, digest) = image_with_a_completed_basic_scan(em, "scan-gate-calls").await;
    // The scan exists before the gate runs (moto does not scan on push), as after a scan on push.
    em.client()
        .await
        .start_image_scan(&repo, &ecr_core::types::ImageId::digest(&digest))
        .await
        .unwrap();
    let policy = write_temp("calls.json", r#"{"failOn": {"CRITICAL": 0}}"#);
    let key = format!("AKIACALLS{}", std::process::id());
    assert!(moto_api(em, "POST", "/moto-api/recorder/start-recording", "").contains(" 200"));
    let o = em
        .command(BIN)
        .env("AWS_ACCESS_KEY_ID", &key)
        .args(["--policy", &policy, "--repository", &repo, "--tag", "v1"])
        .args(["--timeout", "20", "--poll-interval", "0.2", "--format", "markdown"])
        .output()
        .unwrap();
    let ops = recorded_operations(em, &key);
    moto_api(em, "POST", "/moto-api/recorder/stop-recording", "");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains(&digest[..19]));
    assert_eq!(
        ops,
        [
            "DescribeImageScanFindings",
            "DescribeImages",
            "GetRegistryScanningConfiguration"
        ],
        "{}",
        stderr(&o)
    );
}

#[tokio::test]
async fn live_mode_against_the_emulator() {
    let em = support::emulator();
    let (repo, digest) = image_with_a_completed_basic_scan(em, "scan-gate-live").await;
    let policy = write_temp("live.json", r#"{"failOn": {"CRITICAL": 0}}"#);
    let o = em
        .command(BIN)
        .args([
            "--policy",
            &policy,
            "--repository",
            &repo,
            "--tag",
            "v1",
            "--timeout",
            "20",
        ])
        .args(["--poll-interval", "0.2", "--start-scan", "--progress"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["images"][0]["digest"], digest.as_str());
    assert_eq!(r["reasons"][0]["findingIds"], json!(["CVE-2023-45871"]));
    // ScanNotFound first, then the scan this program started.
    assert!(
        stderr(&o).contains("SCAN_NOT_FOUND") && stderr(&o).contains("COMPLETE"),
        "{}",
        stderr(&o)
    );
}
