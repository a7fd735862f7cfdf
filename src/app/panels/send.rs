//! The send view: the selected event's (or every event's) previewed requests handed to the
//! transport, with the built-in emulator as the default target.

use super::super::AmpscopeApp;
use super::super::send_view::{SendInputs, SendView, TargetChoice};
use super::super::widgets;
use crate::text::count;
use crate::transport::client::RequestGroup;

/// "Send all" over more events than this asks the user to narrow the list first: building
/// every request of a huge file on the UI thread would stall the window.
const SEND_ALL_LIMIT: usize = 5_000;

impl AmpscopeApp {
    /// The request groups (one per matched subscription, in order) of event `index`.
    fn request_groups(&mut self, index: usize) -> Vec<RequestGroup> {
        let Some(outcome) = self.outcome(index) else {
            return Vec::new();
        };
        // Named after the subscription and the event, so that the answers and the history
        // say which event each request was for.
        let event = self.doc.events.get(index).map_or("", |e| e.label.as_str());
        outcome
            .runs
            .iter()
            .enumerate()
            .filter_map(|(si, run)| {
                let run = run.as_ref()?;
                (run.matched && !run.requests.is_empty()).then(|| RequestGroup {
                    label: format!(
                        "{} · {event}",
                        self.doc
                            .subscriptions
                            .get(si)
                            .map_or("", |s| s.name.as_str())
                    ),
                    requests: run.requests.clone(),
                })
            })
            .collect()
    }

    /// The requests of every event the events panel lists, or why they are not sent.
    fn listed_groups(&mut self) -> Result<Vec<RequestGroup>, String> {
        let listed = self.filtered().len();
        if listed > SEND_ALL_LIMIT {
            return Err(format!(
                "Nothing was sent: {} events are listed, and \"Send all\" sends at most {}. \
                 Filter the list in the events panel first.",
                crate::text::thousands(listed as u64),
                crate::text::thousands(SEND_ALL_LIMIT as u64)
            ));
        }
        let visible = self.filtered().to_vec();
        Ok(visible
            .iter()
            .flat_map(|&i| self.request_groups(i))
            .collect())
    }

    /// Sends the selected event's requests, or (`all`) the listed events' (Send all's button,
    /// a shortcut or the palette), and shows the Send tab, where the answers and any question
    /// about real Amplitude appear.
    pub(in crate::app) fn send_from_command(&mut self, ctx: &egui::Context, all: bool) {
        let groups = if all {
            self.listed_groups()
        } else {
            Ok(self
                .selected_event
                .filter(|&i| i < self.doc.events.len())
                .map(|i| self.request_groups(i))
                .unwrap_or_default())
        };
        let key = self.api_key.clone();
        let view = self.send.get_or_insert_with(SendView::new);
        match groups {
            Ok(groups) if all => view.send_all(ctx, groups, &key),
            Ok(groups) => view.send_selected(ctx, groups, &key),
            Err(why) => view.say(why),
        }
        self.tab = super::super::Tab::Send;
    }

    pub(in crate::app) fn send_ui(&mut self, ui: &mut egui::Ui) {
        let selected = self
            .selected_event
            .filter(|&i| i < self.doc.events.len())
            .map(|i| self.request_groups(i))
            .unwrap_or_default();
        let user = self.selected_event.and_then(|i| {
            let v = &self.doc.events.get(i)?.value;
            v.get("userId")
                .or_else(|| v.get("anonymousId"))
                .and_then(|u| u.as_str())
                .map(str::to_string)
        });
        let listed = self.filtered().len();
        if listed > SEND_ALL_LIMIT {
            ui.weak(format!(
                "\"Send all\" sends the events listed in the events panel; {listed} are listed. \
                 Filter the list to {SEND_ALL_LIMIT} or fewer first."
            ));
        }
        match self.selected_event.and_then(|i| self.doc.events.get(i)) {
            Some(e) => {
                let n: usize = selected.iter().map(|g| g.requests.len()).sum();
                ui.label(format!(
                    "Selected event: {} — {} from {}. Choose another event in the Debugger tab.",
                    e.label,
                    count(n, "request", "requests"),
                    count(
                        selected.len(),
                        "matching subscription",
                        "matching subscriptions"
                    ),
                ));
            }
            None => {
                ui.weak("No event selected: choose one in the Debugger tab.");
            }
        }
        let inputs = SendInputs {
            selected: &selected,
            selected_user: user.as_deref(),
            api_key: &self.api_key,
        };
        let view = self.send.get_or_insert_with(SendView::new);
        // Amplitude's regions are separate data centres: a key of one is refused by the other.
        let europe = self.doc.settings.region == "europe";
        let other = match view.target() {
            TargetChoice::NorthAmerica if europe => Some(("Europe", "North America")),
            TargetChoice::Europe if !europe => Some(("North America", "Europe")),
            _ => None,
        };
        if let Some((setting, target)) = other {
            ui.colored_label(
                widgets::warn_color(ui),
                format!(
                    "The destination settings use the {setting} region, where Segment would \
                     send these requests; sending them to {target} reaches another data centre, \
                     which refuses a key of the other region."
                ),
            );
        }
        view.ui(ui, &inputs, self.history.as_mut());
        // Every listed event's requests are built when "Send all" is pressed, not per frame.
        if view.take_send_all() {
            self.send_from_command(ui.ctx(), true);
        }
    }
}
