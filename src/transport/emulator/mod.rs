//! A local Amplitude-compatible HTTP server on 127.0.0.1, started in-process
//! ([`Emulator::start`]) or standalone (`ampscope emulator`).
//!
//! The server is hyper 1 (already in the tree through reqwest) on a single-threaded tokio
//! runtime that runs on one dedicated thread: HTTP/1.1 framing, keep-alive and chunked bodies
//! are hyper's, so the emulator only decides answers ([`api::handle`], a pure function).

pub mod api;
pub mod state;
pub mod timeline;

use std::io::Read;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming as HyperBody};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::sync::oneshot;

use super::redact::redact_text;

pub use api::{ApiKeyRule, Limits, Reply, Route};
pub use state::{EmulatorState, Group, LoggedRequest, Profile, ReceivedEvent};

/// Faults the emulator injects, settable at start and at run time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Faults {
    /// Answer every request with this status (in its documented body shape) instead of
    /// validating it; nothing is stored.
    pub force_status: Option<u16>,
    /// How many requests `force_status` still applies to; `None` = all of them.
    pub force_count: Option<u32>,
    /// Wait this long before answering.
    pub latency: Duration,
    /// Close the connection after reading the request, without answering.
    pub drop_connections: bool,
}

/// How to start the emulator.
#[derive(Debug, Clone, Default)]
pub struct EmulatorConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    pub keys: ApiKeyRule,
    pub limits: Limits,
    pub faults: Faults,
    /// Most received events remembered (0 = [`state::DEFAULT_MAX_EVENTS`]).
    pub max_events: usize,
}

struct Shared {
    state: Mutex<EmulatorState>,
    faults: Mutex<Faults>,
    keys: ApiKeyRule,
    limits: Limits,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves plain data behind; keep serving.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Starts emulators.
pub struct Emulator;

impl Emulator {
    /// Binds 127.0.0.1:`config.port` and serves on a background thread until the handle is
    /// dropped or [`EmulatorHandle::shutdown`] is called.
    pub fn start(config: EmulatorConfig) -> std::io::Result<EmulatorHandle> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", config.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            state: Mutex::new(EmulatorState::with_max_events(config.max_events)),
            faults: Mutex::new(config.faults),
            keys: config.keys,
            limits: config.limits,
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (stop_tx, stop_rx) = oneshot::channel();
        let serve_shared = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name(format!("ampscope-emulator-{}", addr.port()))
            .spawn(move || runtime.block_on(serve(listener, serve_shared, stop_rx)))?;
        Ok(EmulatorHandle {
            addr,
            shared,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }
}

/// A running emulator. Dropping it stops the server.
pub struct EmulatorHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl EmulatorHandle {
    /// The base URL, e.g. `http://127.0.0.1:40123` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A snapshot of what the emulator knows now.
    pub fn state(&self) -> EmulatorState {
        lock(&self.shared.state).clone()
    }

    /// Runs `f` on the live state without copying it.
    pub fn with_state<R>(&self, f: impl FnOnce(&EmulatorState) -> R) -> R {
        f(&lock(&self.shared.state))
    }

    /// Forgets profiles, groups, mappings, events and rate counters.
    pub fn clear_state(&self) {
        lock(&self.shared.state).clear();
    }

    /// The faults in force.
    pub fn faults(&self) -> Faults {
        lock(&self.shared.faults).clone()
    }

    /// Replaces the faults in force (applies to the next request).
    pub fn set_faults(&self, faults: Faults) {
        *lock(&self.shared.faults) = faults;
    }

    /// Stops the server and waits for its thread.
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    /// Blocks until the server stops (it only stops through [`EmulatorHandle::shutdown`] or
    /// drop from another owner, so this is for a process that serves until it is killed).
    pub fn join(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    fn stop_now(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        self.stop_now();
    }
}

async fn serve(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    mut stop: oneshot::Receiver<()>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    loop {
        tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let shared = Arc::clone(&shared);
                tokio::spawn(async move {
                    let service = service_fn(move |req| answer(req, Arc::clone(&shared)));
                    // Errors here are the client going away or a dropped-connection fault.
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        }
    }
}

/// The error a service returns to make hyper close the connection without an answer.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DropConnection {}

async fn answer(
    req: Request<HyperBody>,
    shared: Arc<Shared>,
) -> Result<Response<Full<Bytes>>, DropConnection> {
    let (parts, body) = req.into_parts();
    let max = shared
        .limits
        .batch_max_bytes
        .max(shared.limits.v2_max_bytes);
    let raw = match Limited::new(body, max + 1).collect().await {
        Ok(collected) => Some(collected.to_bytes()),
        Err(_) => None,
    };
    let faults = lock(&shared.faults).clone();
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    if faults.drop_connections {
        return Err(DropConnection);
    }
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let gzip = headers
        .iter()
        .any(|(k, v)| k == "content-encoding" && v.trim().eq_ignore_ascii_case("gzip"));
    let mut incoming = api::Incoming {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or("").to_string(),
        headers,
        body: Vec::new(),
    };
    let body = match raw {
        None => Err(api::forced_reply(413, &incoming, &shared.limits)),
        Some(raw) if gzip => gunzip(&raw, max + 1).map_err(|()| Reply {
            status: 400,
            content_type: "application/json",
            body: r#"{"code":400,"error":"Invalid gzip request body"}"#.to_string(),
        }),
        Some(raw) => Ok(raw.to_vec()),
    };
    let reply = match body {
        Ok(body) => {
            incoming.body = body;
            decide(&shared, &incoming)
        }
        Err(reply) => {
            lock(&shared.state).count_status(reply.status);
            reply
        }
    };
    log(&shared, &incoming, &reply);
    let response = Response::builder()
        .status(reply.status)
        .header("content-type", reply.content_type)
        .body(Full::new(Bytes::from(reply.body)));
    match response {
        Ok(r) => Ok(r),
        Err(_) => Err(DropConnection),
    }
}

fn decide(shared: &Shared, incoming: &api::Incoming) -> Reply {
    let forced = {
        let mut faults = lock(&shared.faults);
        match (faults.force_status, faults.force_count) {
            (Some(s), None) => Some(s),
            (Some(s), Some(n)) if n > 0 => {
                faults.force_count = Some(n - 1);
                if n == 1 {
                    faults.force_status = None;
                    faults.force_count = None;
                }
                Some(s)
            }
            _ => None,
        }
    };
    let mut state = lock(&shared.state);
    match forced {
        Some(status) => {
            state.count_status(status);
            api::forced_reply(status, incoming, &shared.limits)
        }
        None => api::handle(incoming, &shared.keys, &shared.limits, &mut state, now_ms()),
    }
}

/// Adds the request to the emulator's log, keys masked.
fn log(shared: &Shared, incoming: &api::Incoming, reply: &Reply) {
    let target = if incoming.query.is_empty() {
        incoming.path.clone()
    } else {
        format!("{}?{}", incoming.path, incoming.query)
    };
    let answer: String = redact_text(&reply.body).chars().take(200).collect();
    lock(&shared.state).log_request(
        &incoming.method,
        redact_text(&target),
        reply.status,
        answer,
        now_ms(),
    );
}

fn gunzip(raw: &[u8], limit: usize) -> Result<Vec<u8>, ()> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(raw)
        .take(limit as u64)
        .read_to_end(&mut out)
        .map_err(|_| ())?;
    Ok(out)
}

/// Milliseconds since the Unix epoch, as the emulator stamps uploads.
pub fn now_ms() -> u64 {
    crate::clock::now_ms() as u64
}
