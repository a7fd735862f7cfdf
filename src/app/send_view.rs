//! The "Send" view: sends the selected event's requests (or those of every event listed in the
//! events panel) to the built-in emulator, Amplitude or a custom URL, on the transport's
//! background runtime, and shows each answer decoded (status, latency, headers, body, what
//! Amplitude's error means).

use std::time::Duration;

use crate::text::count;
use crate::transport::client::{
    Exchange, Job, JobHandle, JobSummary, Next, RequestGroup, SendUpdate,
};
use crate::transport::emulator::{
    Emulator, EmulatorConfig, EmulatorHandle, Faults, Group, Profile,
};
use crate::transport::history::History;
use crate::transport::redact::{mask_key, redact_request, redact_response};
use crate::transport::{Sender, SenderConfig, Target};

/// Where the view sends to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetChoice {
    /// The in-process emulator on a loopback port (the default: no API key needed).
    Emulator,
    NorthAmerica,
    Europe,
    /// The base URL typed in the view.
    Custom,
}

/// What the view needs from the app each frame.
#[derive(Debug, Default)]
pub struct SendInputs<'a> {
    /// The selected event's requests: one group per matched subscription, in order.
    pub selected: &'a [RequestGroup],
    /// The selected event's `userId` (or `anonymousId`), to show its emulator profile.
    pub selected_user: Option<&'a str>,
    /// The Amplitude API key from the settings (may be empty).
    pub api_key: &'a str,
}

/// One answer received, with the label of the group it belongs to.
#[derive(Debug, Clone)]
pub struct SentItem {
    pub label: String,
    pub exchange: Exchange,
}

/// A send waiting for the user to confirm it goes to real Amplitude.
#[derive(Debug, Clone)]
struct PendingConfirm {
    groups: Vec<RequestGroup>,
    send_all: bool,
}

/// The send view's state.
pub struct SendView {
    target: TargetChoice,
    custom_url: String,
    timeout_secs: u32,
    emulator: Option<EmulatorHandle>,
    emulator_error: Option<String>,
    sender: Option<Sender>,
    sender_error: Option<String>,
    job: Option<JobHandle>,
    /// (groups done, groups total) of the running job.
    progress: Option<(usize, usize)>,
    /// The running job waits before a retry: until when, and the answer's status (None: the
    /// request failed without one).
    retry_at: Option<(std::time::Instant, Option<u16>)>,
    summary: Option<JobSummary>,
    items: Vec<SentItem>,
    shown: Option<usize>,
    /// The emulator's profile of the sent user, and the groups it belongs to.
    profile: Option<(Profile, Vec<Group>)>,
    confirmed_real: bool,
    pending: Option<PendingConfirm>,
    notice: Option<String>,
    force_status_on: bool,
    force_status: u16,
    latency_ms: u32,
    drop_connections: bool,
    applied_faults: Faults,
    /// Updates that belong to the running job are recorded here while they arrive.
    groups_labels: Vec<String>,
    /// "Send all" was pressed: the caller builds every event's requests (only then, not every
    /// frame) and hands them to [`SendView::send_all`].
    wants_all: bool,
}

impl Default for SendView {
    fn default() -> Self {
        SendView::new()
    }
}

impl SendView {
    /// Creates the view and starts the emulator on a free loopback port.
    pub fn new() -> SendView {
        let (emulator, emulator_error) = match Emulator::start(EmulatorConfig::default()) {
            Ok(h) => (Some(h), None),
            Err(e) => (
                None,
                Some(format!("The built-in emulator could not start: {e}")),
            ),
        };
        SendView {
            target: TargetChoice::Emulator,
            custom_url: String::new(),
            timeout_secs: 10,
            emulator,
            emulator_error,
            sender: None,
            sender_error: None,
            job: None,
            progress: None,
            retry_at: None,
            summary: None,
            items: Vec::new(),
            shown: None,
            profile: None,
            confirmed_real: false,
            pending: None,
            notice: None,
            force_status_on: false,
            force_status: 400,
            latency_ms: 0,
            drop_connections: false,
            applied_faults: Faults::default(),
            groups_labels: Vec::new(),
            wants_all: false,
        }
    }

    /// The emulator's base URL, when it runs.
    pub fn emulator_url(&self) -> Option<String> {
        self.emulator.as_ref().map(EmulatorHandle::url)
    }

    /// The answers received so far in this session (newest last).
    pub fn items(&self) -> &[SentItem] {
        &self.items
    }

    /// Whether a job is running.
    pub fn is_busy(&self) -> bool {
        self.job.is_some()
    }

    /// The target chosen.
    pub fn target(&self) -> TargetChoice {
        self.target
    }

    /// Chooses the target (e.g. from the app's settings).
    pub fn set_target(&mut self, target: TargetChoice, custom_url: &str) {
        self.target = target;
        self.custom_url = custom_url.to_string();
    }

    fn current_target(&self) -> Result<Target, String> {
        match self.target {
            TargetChoice::Emulator => self
                .emulator_url()
                .map(Target::Emulator)
                .ok_or_else(|| "The built-in emulator is not running.".to_string()),
            TargetChoice::NorthAmerica => Ok(Target::NorthAmerica),
            TargetChoice::Europe => Ok(Target::Europe),
            TargetChoice::Custom => {
                let url = self.custom_url.trim();
                if url.is_empty() {
                    Err("Type a base URL for the custom target first.".to_string())
                } else {
                    // Refused before anything is sent (and said under the field as it is typed).
                    crate::transport::client::check_base(url)
                        .map_err(|e| format!("Nothing was sent: {e}."))?;
                    Ok(Target::Custom(url.to_string()))
                }
            }
        }
    }

    fn is_real_amplitude(&self) -> bool {
        matches!(
            self.target,
            TargetChoice::NorthAmerica | TargetChoice::Europe
        )
    }

    fn ensure_sender(&mut self, ctx: &egui::Context) -> bool {
        if self.sender.is_some() {
            return true;
        }
        let config = SenderConfig {
            timeout: Duration::from_secs(u64::from(self.timeout_secs)),
        };
        let repaint = ctx.clone();
        match Sender::new(config) {
            Ok(s) => {
                self.sender = Some(s.with_notify(move || repaint.request_repaint()));
                true
            }
            Err(e) => {
                self.sender_error = Some(e.message());
                false
            }
        }
    }

    /// Shows `text` where the view says why nothing was sent.
    pub fn say(&mut self, text: String) {
        self.notice = Some(text);
    }

    /// Whether "Send all" was pressed since the last call.
    pub fn take_send_all(&mut self) -> bool {
        std::mem::take(&mut self.wants_all)
    }

    /// Sends the selected event's requests (`groups`, as "Send test request" does), after the
    /// real-Amplitude checks.
    pub fn send_selected(&mut self, ctx: &egui::Context, groups: Vec<RequestGroup>, api_key: &str) {
        self.request_send(ctx, groups, false, api_key);
    }

    /// Sends every event's requests (`groups`, as "Send all" asked), after the real-Amplitude
    /// checks.
    pub fn send_all(&mut self, ctx: &egui::Context, groups: Vec<RequestGroup>, api_key: &str) {
        self.request_send(ctx, groups, true, api_key);
    }

    /// Starts sending `groups` (after the real-Amplitude checks).
    fn request_send(
        &mut self,
        ctx: &egui::Context,
        groups: Vec<RequestGroup>,
        send_all: bool,
        api_key: &str,
    ) {
        self.notice = None;
        // The buttons are disabled meanwhile; a shortcut is not.
        if self.job.is_some() {
            self.notice = Some("Requests are being sent: wait for them, or Cancel, first.".into());
            return;
        }
        if groups.iter().all(|g| g.requests.is_empty()) {
            self.notice = Some(if send_all {
                "No loaded event produces a request. Load events and enable a subscription first."
                    .into()
            } else {
                "The selected event produces no request: no enabled subscription matches it.".into()
            });
            return;
        }
        if self.is_real_amplitude() && !self.confirmed_real {
            if api_key.trim().is_empty() {
                self.notice = Some(
                    "No Amplitude API key is set. Add one in the Settings tab or set the \
                     AMPLITUDE_API_KEY environment variable, or send to the built-in emulator."
                        .into(),
                );
                return;
            }
            self.pending = Some(PendingConfirm { groups, send_all });
            return;
        }
        self.start_job(ctx, groups, send_all);
    }

    /// Sends one recorded request again to the current target (the history's "Resend"); real
    /// Amplitude asks for confirmation in the Send view as usual.
    pub fn resend(
        &mut self,
        ctx: &egui::Context,
        label: &str,
        request: crate::engine::request::HttpRequest,
        api_key: &str,
    ) {
        let groups = vec![RequestGroup {
            label: format!("Resend: {label}"),
            requests: vec![request],
        }];
        self.request_send(ctx, groups, false, api_key);
    }

    fn start_job(&mut self, ctx: &egui::Context, groups: Vec<RequestGroup>, send_all: bool) {
        let target = match self.current_target() {
            Ok(t) => t,
            Err(e) => {
                self.notice = Some(e);
                return;
            }
        };
        if !self.ensure_sender(ctx) {
            return;
        }
        let Some(sender) = &self.sender else {
            return;
        };
        sender.set_timeout(Duration::from_secs(u64::from(self.timeout_secs.max(1))));
        self.groups_labels = groups.iter().map(|g| g.label.clone()).collect();
        let total = groups.len();
        let job = if send_all {
            Job::all(groups, target)
        } else {
            Job {
                target,
                groups,
                retry: crate::transport::client::RetryPolicy::none(),
            }
        };
        self.summary = None;
        self.profile = None;
        self.progress = Some((0, total));
        self.job = Some(sender.submit(job));
    }

    /// Reads finished work from the sender; returns the exchanges that arrived.
    fn poll(&mut self, history: Option<&mut History>, user: Option<&str>) {
        let Some(sender) = &self.sender else {
            return;
        };
        let target_label = self.current_target().map(|t| t.label()).unwrap_or_default();
        let mut history = history;
        let mut finished = false;
        while let Some(update) = sender.try_recv() {
            let current = self.job.as_ref().map(|j| j.id);
            if Some(update.job()) != current {
                continue;
            }
            match update {
                SendUpdate::Attempt {
                    group,
                    exchange,
                    next,
                    ..
                } => {
                    self.retry_at = match next {
                        Next::Retry { wait, .. } => Some((
                            std::time::Instant::now() + wait,
                            exchange.result.as_ref().ok().map(|r| r.status),
                        )),
                        _ => None,
                    };
                    let label = self.groups_labels.get(group).cloned().unwrap_or_default();
                    if let Some(h) = history.as_deref_mut() {
                        h.record(&target_label, &label, &exchange);
                    }
                    self.items.push(SentItem { label, exchange });
                    self.shown = Some(self.items.len() - 1);
                }
                SendUpdate::Progress {
                    groups_done,
                    groups_total,
                    ..
                } => {
                    self.progress = Some((groups_done, groups_total));
                    self.retry_at = None;
                }
                SendUpdate::Finished { summary, .. } => {
                    self.summary = Some(summary);
                    self.retry_at = None;
                    finished = true;
                }
            }
        }
        if finished {
            self.job = None;
            self.progress = None;
            if let Some(h) = history
                && let Err(e) = h.save()
            {
                self.notice = Some(format!("The send history could not be saved: {e}"));
            }
            self.refresh_profile(user);
        }
    }

    fn refresh_profile(&mut self, user: Option<&str>) {
        self.profile = match (&self.emulator, user, self.target) {
            (Some(emu), Some(u), TargetChoice::Emulator) => emu.with_state(|s| {
                let p = s.profile(u)?;
                Some((p.clone(), s.groups_of(p).into_iter().cloned().collect()))
            }),
            _ => None,
        };
    }

    fn apply_faults(&mut self) {
        let faults = Faults {
            force_status: self.force_status_on.then_some(self.force_status),
            force_count: None,
            latency: Duration::from_millis(u64::from(self.latency_ms)),
            drop_connections: self.drop_connections,
        };
        if faults != self.applied_faults {
            if let Some(emu) = &self.emulator {
                emu.set_faults(faults.clone());
            }
            self.applied_faults = faults;
        }
    }

    /// Draws the view; `history`, when given, records every answer.
    pub fn ui(
        &mut self,
        ui: &mut egui::Ui,
        inputs: &SendInputs<'_>,
        history: Option<&mut History>,
    ) {
        self.poll(history, inputs.selected_user);
        let ctx = ui.ctx().clone();
        egui::ScrollArea::vertical()
            .id_salt("send_view")
            .show(ui, |ui| {
                ui.heading("Send test events");
                self.target_ui(ui);
                if self.target == TargetChoice::Emulator {
                    self.faults_ui(ui);
                }
                ui.separator();
                self.actions_ui(ui, &ctx, inputs);
                ui.separator();
                self.response_ui(ui);
            });
    }

    fn target_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            ui.label("Target:");
            for (choice, text) in [
                (TargetChoice::Emulator, "Built-in emulator"),
                (TargetChoice::NorthAmerica, "Amplitude North America"),
                (TargetChoice::Europe, "Amplitude Europe"),
                (TargetChoice::Custom, "Custom URL"),
            ] {
                // A radio button's own text is its accessible name.
                if ui.radio_value(&mut self.target, choice, text).changed() {
                    // What was said or asked about sending concerned the other target.
                    self.notice = None;
                    self.pending = None;
                }
            }
        });
        match self.target {
            TargetChoice::Emulator => match (&self.emulator, &self.emulator_error) {
                (Some(emu), _) => {
                    ui.label(format!(
                        "Requests go to the built-in emulator at {} — nothing leaves this machine.",
                        emu.url()
                    ));
                }
                (None, Some(e)) => {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                (None, None) => {}
            },
            TargetChoice::Custom => {
                ui.horizontal(|ui| {
                    let label = ui.label("Base URL:");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.custom_url)
                            .hint_text("https://my-proxy.example.com"),
                    )
                    .labelled_by(label.id);
                });
                let url = self.custom_url.trim();
                if !url.is_empty()
                    && let Err(e) = crate::transport::client::check_base(url)
                {
                    ui.colored_label(ui.visuals().error_fg_color, format!("Not usable: {e}."));
                }
            }
            TargetChoice::NorthAmerica | TargetChoice::Europe => {
                ui.label("Requests go to your real Amplitude project.");
            }
        }
        ui.horizontal(|ui| {
            let label = ui.label("Timeout (seconds):");
            ui.add(egui::DragValue::new(&mut self.timeout_secs).range(1..=300))
                .labelled_by(label.id);
        });
    }

    fn faults_ui(&mut self, ui: &mut egui::Ui) {
        egui::CollapsingHeader::new("Emulator fault injection")
            .id_salt("send_faults")
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.checkbox(&mut self.force_status_on, "Force status");
                    let label = ui.label("Status:");
                    ui.add_enabled(
                        self.force_status_on,
                        egui::DragValue::new(&mut self.force_status).range(100..=599),
                    )
                    .labelled_by(label.id);
                });
                ui.horizontal(|ui| {
                    let label = ui.label("Added latency (ms):");
                    ui.add(egui::DragValue::new(&mut self.latency_ms).range(0..=60_000))
                        .labelled_by(label.id);
                });
                ui.checkbox(&mut self.drop_connections, "Drop connections");
                if ui.button("Clear emulator data").clicked() {
                    if let Some(emu) = &self.emulator {
                        emu.clear_state();
                    }
                    self.profile = None;
                }
            });
        self.apply_faults();
    }

    fn actions_ui(&mut self, ui: &mut egui::Ui, ctx: &egui::Context, inputs: &SendInputs<'_>) {
        let busy = self.job.is_some();
        ui.horizontal(|ui| {
            let n: usize = inputs.selected.iter().map(|g| g.requests.len()).sum();
            let send = ui
                .add_enabled(!busy, egui::Button::new("Send test request"))
                .on_hover_text(format!(
                    "Sends the selected event's {}, each subscription's in order.",
                    count(n, "request", "requests")
                ));
            if send.clicked() {
                self.request_send(ctx, inputs.selected.to_vec(), false, inputs.api_key);
            }
            let all = ui
                .add_enabled(!busy, egui::Button::new("Send all"))
                .on_hover_text(
                    "Sends the requests of every event listed in the events panel, handling 429 as Amplitude's SDKs do.",
                );
            if all.clicked() {
                self.wants_all = true;
            }
            if busy
                && ui.button("Cancel").clicked()
                && let Some(job) = &self.job
            {
                job.cancel();
            }
        });
        if let Some((done, total)) = self.progress {
            let fraction = if total == 0 {
                0.0
            } else {
                done as f32 / total as f32
            };
            ui.add(
                egui::ProgressBar::new(fraction)
                    .text(format!("{done} of {total} sent"))
                    .animate(true),
            );
            if let Some((at, status)) = self.retry_at {
                let left = at.saturating_duration_since(std::time::Instant::now());
                let why = match status {
                    Some(429) => "Throttled (429)".to_string(),
                    Some(s) => format!("Status {s}"),
                    None => "No answer".to_string(),
                };
                ui.colored_label(
                    super::widgets::warn_color(ui),
                    format!(
                        "{why}: retrying in {} s, as Amplitude's SDKs do. Cancel stops here.",
                        left.as_secs_f32().ceil()
                    ),
                );
                ui.ctx().request_repaint_after(Duration::from_millis(250));
            }
        }
        if let Some(pending) = self.pending.clone() {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                let where_to = if self.target == TargetChoice::Europe {
                    "Amplitude Europe"
                } else {
                    "Amplitude North America"
                };
                ui.label(format!(
                    "This sends real data to {where_to} with the API key {}. Continue?",
                    mask_key(inputs.api_key)
                ));
                ui.horizontal(|ui| {
                    if ui.button("Send to Amplitude").clicked() {
                        self.confirmed_real = true;
                        self.pending = None;
                        self.start_job(ctx, pending.groups.clone(), pending.send_all);
                    }
                    if ui.button("Don't send").clicked() {
                        self.pending = None;
                    }
                });
            });
        }
        if let Some(n) = &self.notice {
            ui.colored_label(ui.visuals().warn_fg_color, n);
        }
        if let Some(e) = &self.sender_error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        if let Some(s) = &self.summary {
            let mut text = format!(
                "Done: {} of {} accepted",
                s.succeeded,
                count(s.attempts, "attempt", "attempts")
            );
            if s.failed_groups > 0 {
                text.push_str(&format!(
                    ", {} stopped at an error",
                    count(s.failed_groups, "subscription", "subscriptions")
                ));
            }
            if s.dropped_events > 0 {
                text.push_str(&format!(
                    ", {} dropped (daily quota)",
                    count(s.dropped_events, "event", "events")
                ));
            }
            if s.cancelled {
                text.push_str(", cancelled");
            }
            text.push('.');
            ui.label(text);
        }
    }

    fn response_ui(&mut self, ui: &mut egui::Ui) {
        if self.items.is_empty() {
            ui.label("No request sent yet. Select an event and press \"Send test request\".");
            return;
        }
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Answers:");
            for (i, item) in self.items.iter().enumerate() {
                let status = match &item.exchange.result {
                    Ok(r) => r.status.to_string(),
                    Err(_) => "no answer".into(),
                };
                let name = if item.label.is_empty() {
                    format!("#{} {status}", i + 1)
                } else {
                    format!("#{} {} {status}", i + 1, item.label)
                };
                ui.selectable_value(&mut self.shown, Some(i), name)
                    .labelled_by(label.id);
            }
        });
        let Some(item) = self.shown.and_then(|i| self.items.get(i)) else {
            return;
        };
        exchange_ui(ui, &item.exchange);
        if let Some((p, groups)) = &self.profile {
            ui.separator();
            ui.strong("Emulator profile after the send");
            let text = profile_text(p, groups);
            ui.monospace(text);
        }
    }
}

/// The user properties of an emulator profile, one `name: value` line each, then the
/// properties of the groups it belongs to (`groups`, as [`EmulatorState::groups_of`] gives
/// them), indented under a line naming each group.
///
/// [`EmulatorState::groups_of`]: crate::transport::emulator::EmulatorState::groups_of
pub fn profile_text(p: &Profile, groups: &[Group]) -> String {
    let mut out = format!(
        "user_id: {}\namplitude_id: {}\nevents: {}\n",
        p.user_id.as_deref().unwrap_or("(none)"),
        p.amplitude_id,
        p.event_count
    );
    for (k, v) in &p.user_properties {
        out.push_str(&format!("{k}: {v}\n"));
    }
    for g in groups {
        out.push_str(&format!(
            "group {} {}:\n",
            g.group_type,
            serde_json::Value::String(g.group_value.clone())
        ));
        if g.group_properties.is_empty() {
            out.push_str("  (no group properties)\n");
        }
        for (k, v) in &g.group_properties {
            out.push_str(&format!("  {k}: {v}\n"));
        }
    }
    // A lone surrogate shows as its escape.
    crate::engine::js::utf16::shown(&out).into_owned()
}

/// Pretty-prints JSON text; other text is returned as it is.
pub fn pretty_body(body: &str) -> String {
    crate::engine::js::utf16::parse_json(body)
        .ok()
        .map(|v| crate::engine::js::stringify_pretty(&v))
        .unwrap_or_else(|| body.to_string())
}

/// Amplitude's answer explained: the status and title, each finding (which names its event
/// and field itself), and what Amplitude's SDKs would do next.
pub fn explanation_ui(ui: &mut egui::Ui, ex: &crate::transport::explain::Explanation) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.strong(format!("{} {}", ex.status, ex.title));
        for f in &ex.findings {
            ui.label(format!("• {}", f.message));
        }
        ui.label(ex.action.describe());
    });
}

/// One exchange: status, latency, decoded explanation, headers and bodies (keys masked).
pub fn exchange_ui(ui: &mut egui::Ui, exchange: &Exchange) {
    let request = redact_request(&exchange.request);
    ui.label(format!("{} {}", request.method, request.url));
    match &exchange.result {
        Ok(resp) => {
            let resp = redact_response(resp);
            let color = if resp.is_success() {
                ui.visuals().text_color()
            } else {
                ui.visuals().error_fg_color
            };
            ui.colored_label(
                color,
                format!(
                    "Status {} {} · {} ms",
                    resp.status,
                    crate::engine::request::status_text(resp.status),
                    exchange.latency.as_millis()
                ),
            );
            if let Some(ex) = exchange.explain() {
                explanation_ui(ui, &ex);
            }
            egui::CollapsingHeader::new("Response headers")
                .id_salt("resp_headers")
                .show(ui, |ui| {
                    for (k, v) in resp.headers.iter() {
                        ui.monospace(format!("{k}: {v}"));
                    }
                });
            ui.strong("Response body");
            ui.add(
                egui::Label::new(egui::RichText::new(pretty_body(&resp.body)).monospace()).wrap(),
            );
        }
        Err(e) => {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!(
                    "{} (after {} ms)",
                    e.message(),
                    exchange.latency.as_millis()
                ),
            );
        }
    }
    egui::CollapsingHeader::new("Request sent")
        .id_salt("req_sent")
        .show(ui, |ui| {
            for (k, v) in request.headers.iter() {
                ui.monospace(format!("{k}: {v}"));
            }
            // Laid out as the preview and the History show it (a form body decoded); the
            // request's keys are masked already.
            let (body, _) = super::engine_glue::pretty_body(&request);
            ui.add(egui::Label::new(egui::RichText::new(body).monospace()).wrap());
        });
}
