//! The token disk cache under concurrent processes: several processes (this test executable re-invoked
//! with `DISK_CACHE_CHILD` set) refresh tokens at once against the emulator, all in one cache directory,
//! while the parent reads the file in a loop.
//!
//! The children reach the emulator through a pass-through [`fault_proxy`] run by the parent, which counts
//! their requests: one GetAuthorizationToken per region and one GetCallerIdentity per access key, however
//! many processes asked at once (the fetch holds the cache's lock).
//!
//! Asserted: the file always parses (no torn file, ever, while the writers run); no lost entry (every
//! process's token and identity memo are present at the end); the file is 0600 and the directory 0700; no
//! temporary file is left behind; with a small entry cap, the file stays bounded.
//!
//! Moto's GetAuthorizationToken answers `expiresAt` = 2015-01-01: the children judge tokens with a
//! ManualClock set the day before (as `auth_emulator.rs` does).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/fault_proxy.rs"]
mod fault_proxy;
mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::TimeZone as _;
use ecr_core::auth::{Authenticator, DiskCache, ManualClock};

const CHILD: &str = "DISK_CACHE_CHILD";
const REGIONS: [&str; 8] = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "eu-west-2",
    "eu-central-1",
    "ap-southeast-1",
];
const MORE_REGIONS: [&str; 8] = [
    "ap-southeast-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-south-1",
    "ca-central-1",
    "eu-north-1",
    "eu-west-3",
    "sa-east-1",
];
const MOTO_PASSWORD: &str = "123456789012-auth-token";

/// The child's work: wait for the start signal, then fetch tokens for its regions (each through a new
/// authenticator, so every request goes to the disk cache) with its own access key.
fn child() {
    let dir = PathBuf::from(std::env::var("DISK_CACHE_DIR").unwrap());
    let regions: Vec<String> = std::env::var("DISK_CACHE_REGIONS")
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    let key = std::env::var("DISK_CACHE_KEY").unwrap();
    let cap: usize = std::env::var("DISK_CACHE_CAP").unwrap().parse().unwrap();
    let endpoint = std::env::var("DISK_CACHE_ENDPOINT").unwrap();
    let start = dir.parent().unwrap().join("start");
    let deadline = Instant::now() + Duration::from_secs(30);
    while !start.exists() {
        assert!(Instant::now() < deadline, "no start signal");
        std::thread::sleep(Duration::from_millis(5));
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let emu = support::emulator();
        for region in &regions {
            let client = emu
                .client_builder()
                .endpoint_url(&endpoint)
                .credentials(
                    key.clone(),
                    ecr_core::Secret::new(format!("secret-of-{key}")),
                    Some(ecr_core::Secret::new("session")),
                )
                .build()
                .await
                .unwrap();
            let auth = Authenticator::builder(client)
                .clock(ManualClock::new(
                    chrono::Utc.with_ymd_and_hms(2014, 12, 31, 12, 0, 0).unwrap(),
                ))
                .disk_cache(Some(DiskCache::new(&dir).max_entries(cap)))
                .build();
            let creds = auth.credentials_for_region(Some(region)).await.unwrap();
            assert_eq!(creds.password.expose(), MOTO_PASSWORD);
            assert_eq!(creds.region.as_deref(), Some(region.as_str()));
        }
    });
}

/// Spawns one child per access key, each with its regions.
fn spawn(dir: &Path, endpoint: &str, cap: usize, work: &[(String, Vec<&str>)]) -> Vec<Child> {
    let emu = support::emulator();
    work.iter()
        .map(|(key, regions)| {
            emu.command(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "concurrent_processes_share_one_intact_bounded_cache",
                    "--nocapture",
                ])
                .env(CHILD, "1")
                .env("DISK_CACHE_DIR", dir)
                .env("DISK_CACHE_REGIONS", regions.join(","))
                .env("DISK_CACHE_KEY", key)
                .env("DISK_CACHE_CAP", cap.to_string())
                .env("DISK_CACHE_ENDPOINT", endpoint)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect()
}

/// Reads the cache file in a loop until stopped; counts the reads and fails on any unparseable one.
fn watch(file: PathBuf, stop: Arc<AtomicBool>, reads: Arc<AtomicUsize>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while !stop.load(Ordering::SeqCst) {
            if let Ok(text) = std::fs::read_to_string(&file) {
                let v: serde_json::Value =
                    serde_json::from_str(&text).unwrap_or_else(|e| panic!("torn cache file ({e}): {text:.200}"));
                assert_eq!(v["version"], 1);
                reads.fetch_add(1, Ordering::SeqCst);
            }
        }
    })
}

fn run_phase(dir: &Path, endpoint: &str, cap: usize, work: &[(String, Vec<&str>)]) -> usize {
    let start = dir.parent().unwrap().join("start");
    let _ = std::fs::remove_file(&start);
    let children = spawn(dir, endpoint, cap, work);
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicUsize::new(0));
    let watcher = watch(dir.join("cache.json"), stop.clone(), reads.clone());
    // All children are running: let them go at once.
    std::fs::write(&start, b"go").unwrap();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "a child process failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    stop.store(true, Ordering::SeqCst);
    watcher.join().expect("the cache file was torn");
    reads.load(Ordering::SeqCst)
}

fn cache_json(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("cache.json")).unwrap()).unwrap()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn concurrent_processes_share_one_intact_bounded_cache() {
    if std::env::var_os(CHILD).is_some() {
        return child();
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cache");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let proxy = rt.block_on(fault_proxy::FaultProxy::start(support::emulator().endpoint()));

    // Phase 1: eight processes, each with its own access key, each refreshing three regions (its own and
    // two shared with neighbours), all at once.
    let work: Vec<(String, Vec<&str>)> = (0..REGIONS.len())
        .map(|i| {
            (
                format!("ASIADISKCACHE{i:07}"),
                vec![
                    REGIONS[i],
                    REGIONS[(i + 1) % REGIONS.len()],
                    REGIONS[(i + 3) % REGIONS.len()],
                ],
            )
        })
        .collect();
    let reads = run_phase(&dir, &proxy.url, 64, &work);
    eprintln!("phase 1: the parent read the cache file {reads} times while the processes wrote it");
    let v = cache_json(&dir);
    let scopes: BTreeSet<&str> = v["tokens"]
        .as_object()
        .unwrap()
        .values()
        .map(|t| t["scope"].as_str().unwrap())
        .collect();
    assert_eq!(scopes, REGIONS.into_iter().collect(), "no lost token entry");
    assert_eq!(
        v["tokens"].as_object().unwrap().len(),
        REGIONS.len(),
        "one entry per region"
    );
    assert_eq!(
        v["identities"].as_object().unwrap().len(),
        work.len(),
        "no lost identity memo (one per access key)"
    );
    #[cfg(unix)]
    {
        assert_eq!(mode(&dir.join("cache.json")), 0o600);
        assert_eq!(mode(&dir), 0o700);
    }
    let leftovers: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "cache.json" && n != "cache.lock")
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    let text = std::fs::read_to_string(dir.join("cache.json")).unwrap();
    assert!(
        !text.contains("ASIADISKCACHE") && !text.contains("secret-of"),
        "keys leak into the file"
    );

    // Phase 2: eight more processes with new keys and new regions and a cap of 4 entries: the file stays
    // bounded (expired entries first, then the soonest-expiring beyond the cap).
    let work: Vec<(String, Vec<&str>)> = MORE_REGIONS
        .iter()
        .enumerate()
        .map(|(i, r)| (format!("ASIADISKCACHE{:07}", 100 + i), vec![*r]))
        .collect();
    run_phase(&dir, &proxy.url, 4, &work);
    let v = cache_json(&dir);
    assert_eq!(v["tokens"].as_object().unwrap().len(), 4, "{v}");
    assert_eq!(v["identities"].as_object().unwrap().len(), 4, "{v}");
    #[cfg(unix)]
    assert_eq!(mode(&dir.join("cache.json")), 0o600);
}
