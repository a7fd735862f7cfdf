//! mapUser: one form request to the User Mapping API with the whole payload as the mapping.

use serde_json::Value;

use super::{Performed, form_request, min_id_length, options_text};
use crate::engine::amplitude::endpoints::Endpoint;
use crate::engine::amplitude::payload::ActionPayload;
use crate::engine::amplitude::settings::Settings;

pub(super) fn perform(settings: &Settings, payload: &ActionPayload<'_>) -> Performed {
    let mapping =
        crate::engine::js::stringify(&Value::Array(vec![Value::Object(payload.to_map())]));
    let url = Endpoint::UserMap.url(settings.endpoint);
    // Unlike identify, `options` is only sent when it is set.
    let request = match min_id_length(payload) {
        Some(n) => {
            let options = options_text(Some(n));
            form_request(
                url,
                &[
                    ("api_key", &settings.api_key),
                    ("mapping", &mapping),
                    ("options", &options),
                ],
            )
        }
        None => form_request(
            url,
            &[("api_key", &settings.api_key), ("mapping", &mapping)],
        ),
    };
    Performed {
        requests: vec![request],
        notes: Vec::new(),
        first_event_count: None,
    }
}
