//! A cached ECR credential lookup (goal: at most 1 µs).
//!
//! The first call fetches a token from a local stand-in for the ECR API (a 2.4 kB password, about
//! the size of a real one); the measured calls are served from the in-memory cache: host parsing,
//! cache lookup, freshness check against the system clock, and the owned credentials (password copy
//! included). The future completes without suspending, so it is polled once with a no-op waker.
use std::future::Future;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use criterion::{Criterion, criterion_group, criterion_main};
use ecr_core::EcrClient;
use ecr_core::auth::Authenticator;

const HOST: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";

fn stand_in() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let password = "x".repeat(2400);
    let token = base64(&format!("AWS:{password}"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0u8; len];
            let _ = reader.read_exact(&mut body);
            let reply = format!(
                r#"{{"authorizationData":[{{"authorizationToken":"{token}","expiresAt":4070908800,"proxyEndpoint":"https://{HOST}"}}]}}"#
            );
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                reply.len()
            );
        }
    });
    url
}

fn base64(s: &str) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in s.as_bytes().chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &x)| acc | (u32::from(x) << (16 - 8 * i)));
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                T[((n >> (18 - 6 * i)) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}

/// Polls a future that is expected to complete at once.
fn poll_now<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

fn bench(c: &mut Criterion) {
    let url = stand_in();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let auth = rt.block_on(async {
        let client = EcrClient::builder()
            .region("eu-west-1")
            .endpoint_url(url)
            .credentials(
                "ASIABENCHEXAMPLE0001",
                ecr_core::Secret::new("bench-secret"),
                Some(ecr_core::Secret::new("bench-session")),
            )
            .build()
            .await
            .expect("client");
        let auth = Authenticator::new(client);
        auth.credentials(HOST).await.expect("first fetch");
        auth
    });
    let _guard = rt.enter();
    c.bench_function("auth/cached_credentials_by_host", |b| {
        b.iter(|| poll_now(auth.credentials(std::hint::black_box(HOST))).expect("cached"))
    });
    c.bench_function("auth/cached_credentials_other_account_same_region", |b| {
        b.iter(|| {
            poll_now(auth.credentials(std::hint::black_box(
                "https://210987654321.dkr.ecr.eu-west-1.amazonaws.com/v2/",
            )))
            .expect("cached")
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
