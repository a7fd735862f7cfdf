//! Sending requests: a [`Sender`] owns a small tokio runtime and a reqwest client (rustls); the
//! caller submits [`Job`]s and reads [`SendUpdate`]s from it, with a notify hook so a GUI can
//! repaint when one arrives.
//!
//! A job is a list of request groups (one subscription's requests each). Within a group the
//! requests go out in order and the group stops at the first answer that is not 2xx (after
//! retries); the next group still runs. 429 is handled as Amplitude's SDKs do: drop the events
//! of users/devices over the daily quota, wait, retry the rest — with bounded retries.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

use super::explain::{self, Explanation, SdkAction};
use crate::engine::request::{HttpRequest, HttpResponse, Text};

/// Where requests go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    /// The local emulator at this base URL (e.g. `http://127.0.0.1:40123`).
    Emulator(String),
    /// Amplitude's North America hosts (`api2.amplitude.com`; `api.amplitude.com` for
    /// `/usermap` and v1 `/httpapi`).
    NorthAmerica,
    /// Amplitude's EU host (`api.eu.amplitude.com`).
    Europe,
    /// Any base URL (a proxy, a mock); may carry a path prefix.
    Custom(String),
}

impl Target {
    /// A short label for lists and history.
    pub fn label(&self) -> String {
        match self {
            Target::Emulator(url) => format!("Emulator ({url})"),
            Target::NorthAmerica => "Amplitude North America".into(),
            Target::Europe => "Amplitude Europe".into(),
            Target::Custom(url) => format!("Custom ({url})"),
        }
    }

    /// The request with its URL pointed at this target (path and query kept).
    pub fn rewrite(&self, req: &HttpRequest) -> Result<HttpRequest, SendError> {
        Ok(HttpRequest {
            url: rewrite_url(&req.url, self)?.into(),
            ..req.clone()
        })
    }
}

/// `url` with its scheme, host and port replaced by the target's; the path and query are kept
/// (a custom base's own path is put in front of them).
pub fn rewrite_url(url: &str, target: &Target) -> Result<String, SendError> {
    let parsed = url::Url::parse(url).map_err(|e| SendError::InvalidRequest {
        message: format!("'{url}' is not a valid URL: {e}"),
    })?;
    let path = parsed.path();
    let tail = match parsed.query() {
        Some(q) => format!("{path}?{q}"),
        None => path.to_string(),
    };
    let base = match target {
        Target::NorthAmerica => {
            if matches!(path.trim_end_matches('/'), "/usermap" | "/httpapi") {
                "https://api.amplitude.com".to_string()
            } else {
                "https://api2.amplitude.com".to_string()
            }
        }
        Target::Europe => "https://api.eu.amplitude.com".to_string(),
        Target::Emulator(base) | Target::Custom(base) => {
            check_base(base).map_err(|message| SendError::InvalidRequest { message })?;
            base.trim_end_matches('/').to_string()
        }
    };
    Ok(format!("{base}{tail}"))
}

/// Whether `base` can stand for a target's base URL: absolute, `http` or `https`; the error
/// says why not (lower case, for a sentence to continue).
pub fn check_base(base: &str) -> Result<(), String> {
    let b = url::Url::parse(base)
        .map_err(|e| format!("the target '{base}' is not a valid URL: {e}"))?;
    if b.scheme() != "http" && b.scheme() != "https" {
        return Err(format!(
            "the target '{base}' must start with http:// or https://"
        ));
    }
    Ok(())
}

/// Why a request got no answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SendError {
    /// No answer within the timeout.
    Timeout { after_ms: u64 },
    /// Nothing listens at the address.
    ConnectionRefused { address: String },
    /// The host name could not be resolved.
    Dns { host: String, message: String },
    /// The TLS handshake failed (certificate, protocol).
    Tls { message: String },
    /// The server closed the connection before answering.
    ConnectionDropped { message: String },
    /// The request itself cannot be sent (bad URL, method, header).
    InvalidRequest { message: String },
    /// Cancelled by the caller.
    Cancelled,
    /// Anything else.
    Other { message: String },
}

impl SendError {
    /// A sentence for people.
    pub fn message(&self) -> String {
        match self {
            SendError::Timeout { after_ms } => {
                format!(
                    "No answer within {} — the request timed out.",
                    fmt_ms(*after_ms)
                )
            }
            SendError::ConnectionRefused { address } => format!(
                "Connection refused by {address} — nothing is listening there (is the emulator running?)."
            ),
            SendError::Dns { host, message } => {
                format!(
                    "Could not resolve the host '{host}' ({message}). Check the URL and your network."
                )
            }
            SendError::Tls { message } => format!("The TLS handshake failed: {message}"),
            SendError::ConnectionDropped { message } => {
                format!("The server closed the connection without answering ({message}).")
            }
            SendError::InvalidRequest { message } => {
                format!("The request cannot be sent: {message}")
            }
            SendError::Cancelled => "Cancelled.".into(),
            SendError::Other { message } => format!("Sending failed: {message}"),
        }
    }

    /// Whether Amplitude's SDKs would retry after this error (network trouble: yes).
    pub fn is_retryable(&self) -> bool {
        !matches!(
            self,
            SendError::InvalidRequest { .. } | SendError::Cancelled | SendError::Tls { .. }
        )
    }
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for SendError {}

fn fmt_ms(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{ms} ms")
    }
}

/// One request sent and what came of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    /// The request exactly as sent (after the target rewrite).
    pub request: HttpRequest,
    pub result: Result<HttpResponse, SendError>,
    /// From sending the first byte to the last byte of the answer (or the error).
    pub latency: Duration,
    /// Milliseconds since the Unix epoch when sending started.
    pub started_at_ms: u64,
}

impl Exchange {
    /// True for a 2xx answer.
    pub fn is_success(&self) -> bool {
        self.result.as_ref().is_ok_and(HttpResponse::is_success)
    }

    /// The answer explained (`None` when there was no answer).
    pub fn explain(&self) -> Option<Explanation> {
        self.result
            .as_ref()
            .ok()
            .map(|r| explain::explain(&self.request, r))
    }
}

/// How failures are retried.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryPolicy {
    /// Retries per request after the first attempt (0 = never retry).
    pub max_retries: u32,
    /// How long to wait after a 429 (Amplitude's SDKs wait 30 s).
    pub throttle_wait: Duration,
    /// The first back-off after a timeout, network error, 408 or 5xx; doubles each time.
    pub backoff: Duration,
    /// Whether timeouts, network errors, 408 and 5xx are retried at all.
    pub retry_server_errors: bool,
}

impl RetryPolicy {
    /// Never retry: the answer is shown as it is.
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_retries: 0,
            throttle_wait: explain::THROTTLE_WAIT,
            backoff: Duration::from_secs(1),
            retry_server_errors: false,
        }
    }

    /// Amplitude's SDKs' way, bounded: up to 3 retries, 30 s after a 429, 1 s, 2 s, 4 s back-off.
    pub fn sdk() -> RetryPolicy {
        RetryPolicy {
            max_retries: 3,
            throttle_wait: explain::THROTTLE_WAIT,
            backoff: Duration::from_secs(1),
            retry_server_errors: true,
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::sdk()
    }
}

/// One subscription's requests, sent in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestGroup {
    pub label: String,
    pub requests: Vec<HttpRequest>,
}

/// Work for the [`Sender`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub target: Target,
    pub groups: Vec<RequestGroup>,
    pub retry: RetryPolicy,
}

impl Job {
    /// One request, no retries.
    pub fn single(request: HttpRequest, target: Target) -> Job {
        Job {
            target,
            groups: vec![RequestGroup {
                label: String::new(),
                requests: vec![request],
            }],
            retry: RetryPolicy::none(),
        }
    }

    /// One subscription's requests in order, stopping at a non-2xx answer; no retries.
    pub fn group(label: &str, requests: Vec<HttpRequest>, target: Target) -> Job {
        Job {
            target,
            groups: vec![RequestGroup {
                label: label.to_string(),
                requests,
            }],
            retry: RetryPolicy::none(),
        }
    }

    /// "Send all": many groups, with Amplitude's SDK retry handling.
    pub fn all(groups: Vec<RequestGroup>, target: Target) -> Job {
        Job {
            target,
            groups,
            retry: RetryPolicy::sdk(),
        }
    }

    /// The same job with another retry policy.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Job {
        self.retry = retry;
        self
    }
}

/// Identifies a submitted job.
pub type JobId = u64;

/// What the sender decided after an attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Next {
    /// 2xx: on to the next request.
    Continue,
    /// Waiting `wait`, then retrying (possibly without dropped events).
    Retry { wait: Duration, dropped: Vec<usize> },
    /// Every event was dropped (daily quota): nothing left to send; on to the next request.
    AllDropped,
    /// 413 with several events: the events are sent again as two halves.
    Split,
    /// The group stops here.
    StopGroup,
    /// The job was cancelled.
    Cancelled,
}

/// A result of a job, in the order they happen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SendUpdate {
    /// One request went out (or failed to).
    Attempt {
        job: JobId,
        group: usize,
        index: usize,
        /// 0 for the first try.
        attempt: u32,
        exchange: Exchange,
        next: Next,
    },
    /// A group is done.
    Progress {
        job: JobId,
        groups_done: usize,
        groups_total: usize,
        requests_sent: usize,
    },
    /// The job is over.
    Finished { job: JobId, summary: JobSummary },
}

impl SendUpdate {
    /// The job this update belongs to.
    pub fn job(&self) -> JobId {
        match self {
            SendUpdate::Attempt { job, .. }
            | SendUpdate::Progress { job, .. }
            | SendUpdate::Finished { job, .. } => *job,
        }
    }
}

/// How a job went.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobSummary {
    /// Attempts made (retries included).
    pub attempts: usize,
    /// Requests (or halves of a split request) that ended with a 2xx answer.
    pub succeeded: usize,
    /// Groups that stopped at a failure.
    pub failed_groups: usize,
    /// Events dropped as Amplitude's SDKs would (daily quota).
    pub dropped_events: usize,
    pub cancelled: bool,
}

/// Lets the caller cancel a job.
#[derive(Debug, Clone)]
pub struct JobHandle {
    pub id: JobId,
    cancel: CancelToken,
}

impl JobHandle {
    /// Stops the job: a request in flight is abandoned, no further request is sent.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }
}

#[derive(Debug, Clone, Default)]
struct CancelToken(Arc<(AtomicBool, Notify)>);

impl CancelToken {
    fn cancel(&self) {
        self.0.0.store(true, Ordering::SeqCst);
        self.0.1.notify_waiters();
    }

    fn is_cancelled(&self) -> bool {
        self.0.0.load(Ordering::SeqCst)
    }

    /// Resolves once cancelled.
    async fn cancelled(&self) {
        loop {
            let notified = self.0.1.notified();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}

/// Sender settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SenderConfig {
    /// Per-attempt timeout (default 10 s).
    pub timeout: Duration,
}

impl Default for SenderConfig {
    fn default() -> Self {
        SenderConfig {
            timeout: Duration::from_secs(10),
        }
    }
}

type NotifyHook = Arc<dyn Fn() + Send + Sync>;

/// The sending service: a small tokio runtime (one worker thread) and a reqwest client.
pub struct Sender {
    runtime: tokio::runtime::Runtime,
    clients: Clients,
    timeout: Arc<Mutex<Duration>>,
    tx: mpsc::Sender<SendUpdate>,
    rx: Mutex<mpsc::Receiver<SendUpdate>>,
    notify: Option<NotifyHook>,
    next_job: AtomicU64,
}

impl Sender {
    /// Starts the runtime and builds the client.
    pub fn new(config: SenderConfig) -> Result<Sender, SendError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("ampscope-send")
            .enable_all()
            .build()
            .map_err(|e| SendError::Other {
                message: format!("could not start the sending thread: {e}"),
            })?;
        let clients = Clients::new()?;
        let (tx, rx) = mpsc::channel();
        Ok(Sender {
            runtime,
            clients,
            timeout: Arc::new(Mutex::new(config.timeout)),
            tx,
            rx: Mutex::new(rx),
            notify: None,
            next_job: AtomicU64::new(1),
        })
    }

    /// Calls `hook` after every update is queued (e.g. `move || ctx.request_repaint()`).
    pub fn with_notify(mut self, hook: impl Fn() + Send + Sync + 'static) -> Sender {
        self.notify = Some(Arc::new(hook));
        self
    }

    /// The per-attempt timeout.
    pub fn timeout(&self) -> Duration {
        *self.timeout.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Changes the per-attempt timeout for attempts that start from now on.
    pub fn set_timeout(&self, timeout: Duration) {
        *self.timeout.lock().unwrap_or_else(|e| e.into_inner()) = timeout;
    }

    /// Starts a job in the background; its updates arrive through [`Sender::try_recv`].
    pub fn submit(&self, job: Job) -> JobHandle {
        let id = self.next_job.fetch_add(1, Ordering::SeqCst);
        let cancel = CancelToken::default();
        let ctx = RunContext {
            clients: self.clients.clone(),
            timeout: Arc::clone(&self.timeout),
            tx: self.tx.clone(),
            notify: self.notify.clone(),
            cancel: cancel.clone(),
        };
        self.runtime.spawn(run_job(id, job, ctx));
        JobHandle { id, cancel }
    }

    /// The next update, if one is waiting.
    pub fn try_recv(&self) -> Option<SendUpdate> {
        self.rx
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .try_recv()
            .ok()
    }

    /// The next update, waiting at most `timeout`.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<SendUpdate> {
        self.rx
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .recv_timeout(timeout)
            .ok()
    }

    /// Sends one request to `target` and waits for the answer (for the CLI and tests; the GUI
    /// uses [`Sender::submit`]).
    pub fn send_blocking(&self, request: &HttpRequest, target: &Target) -> Exchange {
        let timeout = self.timeout();
        match target.rewrite(request) {
            Ok(req) => self
                .runtime
                .block_on(send_once(&self.clients, req, timeout)),
            Err(e) => failed_exchange(request.clone(), e),
        }
    }
}

/// Two clients: one that honours the system's proxy settings for the internet, one that never
/// uses a proxy, for the emulator on loopback (a proxy cannot reach this machine's 127.0.0.1).
#[derive(Clone)]
struct Clients {
    proxied: reqwest::Client,
    direct: reqwest::Client,
}

impl Clients {
    fn new() -> Result<Clients, SendError> {
        let build = |direct: bool| {
            let b = reqwest::Client::builder()
                .user_agent(concat!("ampscope/", env!("CARGO_PKG_VERSION")));
            let b = if direct { b.no_proxy() } else { b };
            b.build().map_err(|e| SendError::Other {
                message: format!("could not build the HTTP client: {e}"),
            })
        };
        Ok(Clients {
            proxied: build(false)?,
            direct: build(true)?,
        })
    }

    fn for_url(&self, url: &url::Url) -> &reqwest::Client {
        let loopback = match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            None => false,
        };
        if loopback {
            &self.direct
        } else {
            &self.proxied
        }
    }
}

fn failed_exchange(request: HttpRequest, e: SendError) -> Exchange {
    Exchange {
        request,
        result: Err(e),
        latency: Duration::ZERO,
        started_at_ms: super::emulator::now_ms(),
    }
}

struct RunContext {
    clients: Clients,
    timeout: Arc<Mutex<Duration>>,
    tx: mpsc::Sender<SendUpdate>,
    notify: Option<NotifyHook>,
    cancel: CancelToken,
}

impl RunContext {
    fn emit(&self, update: SendUpdate) {
        // The receiver lives as long as the Sender; a send error means it is gone.
        let _ = self.tx.send(update);
        if let Some(n) = &self.notify {
            n();
        }
    }

    fn emit_progress(&self, job: JobId, group: usize, total: usize, sent: usize) {
        self.emit(SendUpdate::Progress {
            job,
            groups_done: group + 1,
            groups_total: total,
            requests_sent: sent,
        });
    }

    fn timeout(&self) -> Duration {
        *self.timeout.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sleeps `d` unless cancelled first; false when cancelled.
    async fn wait(&self, d: Duration) -> bool {
        tokio::select! {
            _ = tokio::time::sleep(d) => !self.cancel.is_cancelled(),
            _ = self.cancel.cancelled() => false,
        }
    }
}

async fn run_job(id: JobId, job: Job, ctx: RunContext) {
    let mut summary = JobSummary::default();
    let total = job.groups.len();
    let mut sent = 0;
    'groups: for (gi, group) in job.groups.iter().enumerate() {
        for (ri, original) in group.requests.iter().enumerate() {
            if ctx.cancel.is_cancelled() {
                break 'groups;
            }
            let request = match job.target.rewrite(original) {
                Ok(r) => r,
                Err(e) => {
                    ctx.emit(SendUpdate::Attempt {
                        job: id,
                        group: gi,
                        index: ri,
                        attempt: 0,
                        exchange: failed_exchange(original.clone(), e),
                        next: Next::StopGroup,
                    });
                    summary.failed_groups += 1;
                    ctx.emit_progress(id, gi, total, sent);
                    continue 'groups;
                }
            };
            // A 413 split puts the two halves in front of what is left of this request.
            let mut pending = std::collections::VecDeque::from([request]);
            while let Some(mut request) = pending.pop_front() {
                let mut attempt = 0u32;
                loop {
                    let exchange = tokio::select! {
                        ex = send_once(&ctx.clients, request.clone(), ctx.timeout()) => ex,
                        _ = ctx.cancel.cancelled() => failed_exchange(request.clone(), SendError::Cancelled),
                    };
                    summary.attempts += 1;
                    sent += 1;
                    let mut next =
                        decide(&exchange, attempt, &job.retry, ctx.cancel.is_cancelled());
                    let mut new_body = None;
                    let mut halves = None;
                    match next.clone() {
                        Next::Retry { dropped, wait } if !dropped.is_empty() => {
                            match explain::without_events(&request.body, &dropped) {
                                Some((body, left)) => {
                                    summary.dropped_events += dropped.len();
                                    if left == 0 {
                                        next = Next::AllDropped;
                                    } else {
                                        new_body = Some(body);
                                    }
                                }
                                // Not an events body: nothing can be dropped, retry it whole.
                                None => {
                                    next = Next::Retry {
                                        wait,
                                        dropped: Vec::new(),
                                    }
                                }
                            }
                        }
                        Next::Split => {
                            halves = explain::split_events(&request.body);
                            if halves.is_none() {
                                next = Next::StopGroup;
                            }
                        }
                        _ => {}
                    }
                    ctx.emit(SendUpdate::Attempt {
                        job: id,
                        group: gi,
                        index: ri,
                        attempt,
                        exchange,
                        next: next.clone(),
                    });
                    match next {
                        Next::Continue => {
                            summary.succeeded += 1;
                            break;
                        }
                        Next::AllDropped => break,
                        Next::Split => {
                            if let Some((first, second)) = halves {
                                let half = |body: String| HttpRequest {
                                    body,
                                    ..request.clone()
                                };
                                pending.push_front(half(second));
                                pending.push_front(half(first));
                            }
                            break;
                        }
                        Next::Cancelled => break 'groups,
                        Next::StopGroup => {
                            summary.failed_groups += 1;
                            ctx.emit_progress(id, gi, total, sent);
                            continue 'groups;
                        }
                        Next::Retry { wait, .. } => {
                            if let Some(body) = new_body.take() {
                                request.body = body;
                            }
                            if !ctx.wait(wait).await {
                                break 'groups;
                            }
                            attempt += 1;
                        }
                    }
                }
            }
        }
        ctx.emit_progress(id, gi, total, sent);
    }
    summary.cancelled = ctx.cancel.is_cancelled();
    ctx.emit(SendUpdate::Finished { job: id, summary });
}

/// What to do after an attempt, per the retry policy and the answer.
fn decide(ex: &Exchange, attempt: u32, policy: &RetryPolicy, cancelled: bool) -> Next {
    if cancelled || matches!(ex.result, Err(SendError::Cancelled)) {
        return Next::Cancelled;
    }
    let can_retry = attempt < policy.max_retries;
    let backoff = policy.backoff.saturating_mul(2u32.saturating_pow(attempt));
    match &ex.result {
        Ok(resp) if resp.is_success() => Next::Continue,
        Ok(resp) => match explain::explain(&ex.request, resp).action {
            SdkAction::WaitAndRetry { drop, .. } if can_retry => Next::Retry {
                wait: policy.throttle_wait,
                dropped: drop,
            },
            SdkAction::Split if policy.max_retries > 0 => Next::Split,
            SdkAction::RetryWithBackoff if can_retry && policy.retry_server_errors => Next::Retry {
                wait: backoff,
                dropped: Vec::new(),
            },
            _ => Next::StopGroup,
        },
        Err(e) if e.is_retryable() && can_retry && policy.retry_server_errors => Next::Retry {
            wait: backoff,
            dropped: Vec::new(),
        },
        Err(_) => Next::StopGroup,
    }
}

/// Sends exactly `req` (method, URL, headers, body) once. A `content-encoding: gzip` header
/// means the body is gzipped on the way out (the request keeps the readable text).
async fn send_once(clients: &Clients, req: HttpRequest, timeout: Duration) -> Exchange {
    let started_at_ms = super::emulator::now_ms();
    let start = Instant::now();
    let result = send_inner(clients, &req, timeout).await;
    Exchange {
        request: req,
        result,
        latency: start.elapsed(),
        started_at_ms,
    }
}

async fn send_inner(
    clients: &Clients,
    req: &HttpRequest,
    timeout: Duration,
) -> Result<HttpResponse, SendError> {
    let method = reqwest::Method::from_bytes(req.method.as_bytes()).map_err(|_| {
        SendError::InvalidRequest {
            message: format!("'{}' is not an HTTP method", req.method),
        }
    })?;
    let url = url::Url::parse(&req.url).map_err(|e| SendError::InvalidRequest {
        message: format!("'{}' is not a valid URL: {e}", req.url),
    })?;
    let gzip = req
        .header("content-encoding")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("gzip"));
    let body = if gzip {
        gzip_bytes(req.body.as_bytes()).map_err(|e| SendError::InvalidRequest {
            message: format!("could not gzip the body: {e}"),
        })?
    } else {
        req.body.as_bytes().to_vec()
    };
    let client = clients.for_url(&url);
    let mut builder = client.request(method, url).timeout(timeout);
    for (k, v) in req.headers.iter() {
        // reqwest computes these from the body and the URL.
        if k.eq_ignore_ascii_case("content-length") || k.eq_ignore_ascii_case("host") {
            continue;
        }
        builder = builder.header(&**k, &**v);
    }
    if !body.is_empty() || req.method != "GET" {
        builder = builder.body(body);
    }
    let host = req_host(&req.url);
    let https = req.url.starts_with("https:");
    let response = builder
        .send()
        .await
        .map_err(|e| classify(&e, &host, https, timeout))?;
    let status = response.status().as_u16();
    let headers: Vec<(Text, Text)> = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string().into(),
                String::from_utf8_lossy(v.as_bytes()).into_owned().into(),
            )
        })
        .collect();
    let bytes = response
        .bytes()
        .await
        .map_err(|e| classify(&e, &host, https, timeout))?;
    Ok(HttpResponse {
        status,
        headers: headers.into(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

fn req_host(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .map(|u| match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => url.to_string(),
        })
        .unwrap_or_else(|| url.to_string())
}

fn gzip_bytes(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data)?;
    enc.finish()
}

/// Turns reqwest's error into a typed one by walking its source chain.
fn classify(e: &reqwest::Error, host: &str, https: bool, timeout: Duration) -> SendError {
    if e.is_timeout() {
        return SendError::Timeout {
            after_ms: timeout.as_millis() as u64,
        };
    }
    let mut chain = Vec::new();
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => {
                    return SendError::ConnectionRefused {
                        address: host.to_string(),
                    };
                }
                std::io::ErrorKind::TimedOut => {
                    return SendError::Timeout {
                        after_ms: timeout.as_millis() as u64,
                    };
                }
                std::io::ErrorKind::ConnectionReset
                | std::io::ErrorKind::ConnectionAborted
                | std::io::ErrorKind::UnexpectedEof
                | std::io::ErrorKind::BrokenPipe => {
                    return SendError::ConnectionDropped {
                        message: io.to_string(),
                    };
                }
                _ => {}
            }
        }
        if let Some(h) = err.downcast_ref::<hyper::Error>()
            && (h.is_incomplete_message() || h.is_closed() || h.is_canceled())
        {
            return SendError::ConnectionDropped {
                message: h.to_string(),
            };
        }
        chain.push(err.to_string());
        source = err.source();
    }
    // reqwest's messages quote the URL, which may carry an api_key query parameter.
    let text = super::redact::redact_text(&chain.join(": "));
    let lower = text.to_ascii_lowercase();
    if lower.contains("dns error") || lower.contains("failed to lookup address") {
        let message = chain.last().cloned().unwrap_or_default();
        return SendError::Dns {
            host: host.split(':').next().unwrap_or(host).to_string(),
            message,
        };
    }
    // Over https, a connect-phase failure that is not refusal, DNS or timeout happened in the
    // TLS handshake (rustls reports e.g. "received corrupt message", "invalid peer certificate").
    if lower.contains("certificate")
        || lower.contains("tls")
        || lower.contains("handshake")
        || (https && e.is_connect())
    {
        return SendError::Tls { message: text };
    }
    if e.is_builder() {
        return SendError::InvalidRequest { message: text };
    }
    if lower.contains("connection closed") || lower.contains("connection reset") {
        return SendError::ConnectionDropped { message: text };
    }
    SendError::Other { message: text }
}
