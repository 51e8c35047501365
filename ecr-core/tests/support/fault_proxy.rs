//! A fault-injecting loopback HTTP proxy in front of the emulator (moto's server), so that the REAL AWS SDK
//! retry, timeout and error paths run: clients are built with the proxy as their endpoint.
//!
//! Each request is named by its operation (the `X-Amz-Target` suffix for ECR and ECR Public, the `Action`
//! form field for STS) and recorded. A per-operation queue of [`Fault`]s decides what happens to the next
//! request of that operation (an empty queue passes it through); a [`Rule`] set with [`FaultProxy::rule`]
//! decides first and can look at the whole request (its body, the access key that signed it).
//! Include with `#[path = "support/fault_proxy.rs"] mod fault_proxy;` next to `mod support;`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// Rewrites a JSON document (a request or a response body).
pub type Rewrite = Arc<dyn Fn(Value) -> Value + Send + Sync>;

/// What the proxy does with one request.
#[derive(Clone)]
pub enum Fault {
    /// Forward it to the emulator and return its answer unchanged.
    Pass,
    /// Answer 400 with AWS's JSON `ThrottlingException` body.
    Throttle,
    /// Answer this status with an AWS JSON error body (`__type` = `code`).
    Error {
        /// The HTTP status.
        status: u16,
        /// The AWS error code.
        code: &'static str,
    },
    /// Answer this status with a plain-text body, as a load balancer would (no AWS error code).
    Status(u16),
    /// Wait this long (longer than the client's attempt timeout), then forward.
    Delay(Duration),
    /// Forward, then send the headers and half of the body and reset the connection.
    Reset,
    /// Answer 200 with a truncated JSON body.
    Malformed,
    /// Forward with the request body rewritten (when given), and return the response body rewritten.
    Rewrite {
        /// Applied to the JSON request body before forwarding.
        request: Option<Rewrite>,
        /// Applied to the JSON response body (2xx only) before answering.
        response: Option<Rewrite>,
    },
}

impl std::fmt::Debug for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Fault::Pass => "Pass",
            Fault::Throttle => "Throttle",
            Fault::Error { .. } => "Error",
            Fault::Status(_) => "Status",
            Fault::Delay(_) => "Delay",
            Fault::Reset => "Reset",
            Fault::Malformed => "Malformed",
            Fault::Rewrite { .. } => "Rewrite",
        })
    }
}

impl Fault {
    /// A response rewrite only.
    pub fn response(f: impl Fn(Value) -> Value + Send + Sync + 'static) -> Fault {
        Fault::Rewrite {
            request: None,
            response: Some(Arc::new(f)),
        }
    }
}

/// One request the proxy saw.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The operation (`GetAuthorizationToken`, `DescribeImages`, `GetCallerIdentity`, ...).
    pub operation: String,
    /// The request body.
    pub body: String,
    /// The access key id in the SigV4 `Authorization` header.
    pub access_key: Option<String>,
    /// What the proxy did.
    pub fault: String,
}

/// Decides a request's fault before the queues do (`None`: use the queue).
pub type Rule = Arc<dyn Fn(&Seen) -> Option<Fault> + Send + Sync>;

#[derive(Default)]
struct State {
    queues: HashMap<String, VecDeque<Fault>>,
    rule: Option<Rule>,
    seen: Vec<Seen>,
}

/// The running proxy (stops when the test's runtime does).
#[derive(Clone)]
pub struct FaultProxy {
    /// `http://127.0.0.1:PORT`: give it to the client as its endpoint.
    pub url: String,
    upstream: String,
    state: Arc<Mutex<State>>,
}

impl FaultProxy {
    /// Starts a proxy forwarding to `upstream` (`http://host:port`), on the current tokio runtime.
    pub async fn start(upstream: &str) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let proxy = FaultProxy {
            url,
            upstream: upstream.trim_start_matches("http://").trim_end_matches('/').to_owned(),
            state: Arc::default(),
        };
        let p = proxy.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let p = p.clone();
                tokio::spawn(async move { p.serve(stream).await });
            }
        });
        proxy
    }

    /// Queues faults for the next requests of `operation` (after them, requests pass).
    pub fn on(&self, operation: &str, faults: impl IntoIterator<Item = Fault>) -> &Self {
        self.state
            .lock()
            .unwrap()
            .queues
            .entry(operation.to_owned())
            .or_default()
            .extend(faults);
        self
    }

    /// Sets the rule consulted before the queues.
    pub fn rule(&self, rule: impl Fn(&Seen) -> Option<Fault> + Send + Sync + 'static) {
        self.state.lock().unwrap().rule = Some(Arc::new(rule));
    }

    /// Every request seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }

    /// How many requests of `operation` arrived (every attempt counts).
    pub fn attempts(&self, operation: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .seen
            .iter()
            .filter(|s| s.operation == operation)
            .count()
    }

    /// The operations in arrival order.
    pub fn operations(&self) -> Vec<String> {
        self.seen().into_iter().map(|s| s.operation).collect()
    }

    async fn serve(&self, mut stream: TcpStream) {
        let mut buf = Vec::new();
        loop {
            let Some(req) = read_request(&mut stream, &mut buf).await else {
                return;
            };
            let mut seen = Seen {
                operation: operation(&req),
                body: String::from_utf8_lossy(&req.body).into_owned(),
                access_key: access_key(&req),
                fault: String::new(),
            };
            let fault = {
                let mut st = self.state.lock().unwrap();
                let by_rule = st.rule.clone().and_then(|r| r(&seen));
                let fault = by_rule.unwrap_or_else(|| {
                    st.queues
                        .get_mut(&seen.operation)
                        .and_then(VecDeque::pop_front)
                        .unwrap_or(Fault::Pass)
                });
                seen.fault = format!("{fault:?}");
                st.seen.push(seen);
                fault
            };
            let keep_open = self.answer(&mut stream, req, fault).await.unwrap_or_default();
            if !keep_open {
                return;
            }
        }
    }

    /// Answers one request; `Ok(false)` when the connection must close.
    async fn answer(&self, stream: &mut TcpStream, mut req: Request, fault: Fault) -> std::io::Result<bool> {
        match fault {
            Fault::Pass => {
                let resp = self.forward(&req).await?;
                write_response(stream, resp.status, &resp.headers, &resp.body).await?;
            }
            Fault::Throttle => {
                let body = br#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#;
                write_response(stream, 400, &json_headers(), body).await?;
            }
            Fault::Error { status, code } => {
                let body = serde_json::json!({"__type": code, "message": format!("injected {code}")}).to_string();
                write_response(stream, status, &json_headers(), body.as_bytes()).await?;
            }
            Fault::Status(status) => {
                let headers = vec![("Content-Type".to_owned(), "text/plain".to_owned())];
                write_response(stream, status, &headers, b"upstream unavailable").await?;
            }
            Fault::Delay(d) => {
                tokio::time::sleep(d).await;
                let resp = self.forward(&req).await?;
                write_response(stream, resp.status, &resp.headers, &resp.body).await?;
            }
            Fault::Reset => {
                let resp = self.forward(&req).await?;
                let half = &resp.body[..resp.body.len() / 2];
                let mut head = format!("HTTP/1.1 {} OK\r\n", resp.status);
                for (k, v) in &resp.headers {
                    head.push_str(&format!("{k}: {v}\r\n"));
                }
                head.push_str(&format!("Content-Length: {}\r\n\r\n", resp.body.len()));
                stream.write_all(head.as_bytes()).await?;
                stream.write_all(half).await?;
                stream.flush().await?;
                // A zero linger makes the close an RST, without blocking.
                #[allow(deprecated)]
                stream.set_linger(Some(Duration::ZERO))?;
                return Ok(false);
            }
            Fault::Malformed => {
                let body = br#"{"authorizationData":[{"authorizationToken":"QVdT"#;
                write_response(stream, 200, &json_headers(), body).await?;
            }
            Fault::Rewrite { request, response } => {
                if let Some(f) = request {
                    let v: Value = serde_json::from_slice(&req.body).unwrap();
                    req.body = f(v).to_string().into_bytes();
                }
                let mut resp = self.forward(&req).await?;
                if let Some(f) = response
                    && (200..300).contains(&resp.status)
                {
                    let v: Value = serde_json::from_slice(&resp.body).unwrap();
                    resp.body = f(v).to_string().into_bytes();
                }
                write_response(stream, resp.status, &resp.headers, &resp.body).await?;
            }
        }
        Ok(true)
    }

    /// Sends the request to the emulator on a new connection and reads the whole answer.
    async fn forward(&self, req: &Request) -> std::io::Result<Response> {
        let mut up = TcpStream::connect(&self.upstream).await?;
        let mut head = format!("{}\r\n", req.line);
        for (k, v) in &req.headers {
            let lower = k.to_ascii_lowercase();
            if lower == "connection" || lower == "content-length" || lower == "transfer-encoding" {
                continue;
            }
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            req.body.len()
        ));
        up.write_all(head.as_bytes()).await?;
        up.write_all(&req.body).await?;
        let mut raw = Vec::new();
        up.read_to_end(&mut raw).await?;
        parse_response(&raw).ok_or_else(|| std::io::Error::other("unparseable upstream response"))
    }
}

struct Request {
    line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn json_headers() -> Vec<(String, String)> {
    vec![
        ("Content-Type".to_owned(), "application/x-amz-json-1.1".to_owned()),
        ("x-amzn-RequestId".to_owned(), "fault-proxy-request".to_owned()),
    ]
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn parse_head(text: &str) -> (String, Vec<(String, String)>) {
    let mut lines = text.split("\r\n");
    let first = lines.next().unwrap_or_default().to_owned();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    (first, headers)
}

/// Reads one request (head + Content-Length body) from a kept-alive connection.
async fn read_request(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<Request> {
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = find(buf, b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let (line, headers) = parse_head(&String::from_utf8_lossy(&buf[..head_end]));
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + 4 + len {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf[head_end + 4..head_end + 4 + len].to_vec();
    buf.drain(..head_end + 4 + len);
    Some(Request { line, headers, body })
}

fn parse_response(raw: &[u8]) -> Option<Response> {
    let head_end = find(raw, b"\r\n\r\n")?;
    let (line, mut headers) = parse_head(&String::from_utf8_lossy(&raw[..head_end]));
    let status = line.split_whitespace().nth(1)?.parse().ok()?;
    let mut body = raw[head_end + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked"));
    if chunked {
        body = dechunk(&body)?;
    } else if let Some(len) = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
    {
        body.truncate(len);
    }
    headers.retain(|(k, _)| {
        let k = k.to_ascii_lowercase();
        k != "content-length" && k != "transfer-encoding" && k != "connection"
    });
    Some(Response { status, headers, body })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = find(data, b"\r\n")?;
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

async fn write_response(
    stream: &mut TcpStream,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    stream.flush().await
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn operation(req: &Request) -> String {
    if let Some(target) = req.header("x-amz-target") {
        return target.rsplit('.').next().unwrap_or(target).to_owned();
    }
    let body = String::from_utf8_lossy(&req.body);
    body.split('&')
        .find_map(|kv| kv.strip_prefix("Action="))
        .unwrap_or("unknown")
        .to_owned()
}

fn access_key(req: &Request) -> Option<String> {
    let auth = req.header("authorization")?;
    let cred = auth.split("Credential=").nth(1)?;
    Some(cred.split('/').next()?.to_owned())
}

/// A closed loopback port: connecting to it is refused (the emulator stopped entirely).
pub fn closed_port_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    drop(l);
    url
}
