//! Segment events: loading from text with located errors, and a typed view over one event.
//!
//! Accepted texts (mixed freely): one JSON object; a JSON array of objects; NDJSON; a stream of
//! concatenated (pretty-printed) objects, with or without commas between them, which is what
//! copying several events out of Segment's source debugger gives (its raw view copies the event
//! JSON as-is, indented); several arrays one after another. A UTF-8 byte-order mark is skipped.
//! Calls copied from the debugger's "Pretty view" (`analytics.track("X", {…});`) load too, as
//! minimal events with a warning that context, ids and timestamps are missing. A Segment HTTP
//! API batch (`{"batch": [...], "context": {...}}`) loads as its calls.
//!
//! Broken events do not stop the load: the scanner knows the JSON structure well enough to notice
//! where an event goes wrong and resynchronises at the next line that starts with `{` at the
//! broken event's own indentation (one event per line in NDJSON, the same indentation for the
//! elements of a pretty-printed array). [`Splitter`] does the same over chunks of bytes so a
//! multi-gigabyte file streams in memory bounded by its largest event; [`parse_events`] is the
//! whole-text convenience on top of it.

use crate::engine::js::utf16;
use serde_json::Value;

mod pretty;

/// One event read from a text, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedEvent {
    /// Position among the events of the text (0-based, counting broken ones too).
    pub index: usize,
    /// 1-based line where the event starts.
    pub line: usize,
    /// The event as parsed.
    pub value: Value,
    /// Bytes of the text it was read from.
    pub bytes: usize,
}

impl LoadedEvent {
    /// A typed view of the event's common fields.
    pub fn view(&self) -> EventView<'_> {
        EventView::new(&self.value)
    }

    /// The event's size as compact JSON when that is over [`SEGMENT_EVENT_LIMIT`] (Segment
    /// would refuse it). Text under the limit is taken as under it without writing the event
    /// out (compact JSON is not longer, short of numbers written with exponents).
    pub fn over_segment_limit(&self) -> Option<usize> {
        if self.bytes <= SEGMENT_EVENT_LIMIT {
            return None;
        }
        Some(compact_len(&self.value)).filter(|&n| n > SEGMENT_EVENT_LIMIT)
    }
}

/// The largest event Segment's tracking API accepts: its documentation says 32 KB per call,
/// and per event inside a batch; a larger one gets a 400 and never reaches a destination.
pub const SEGMENT_EVENT_LIMIT: usize = 32 * 1024;

/// Bytes of `v` written as compact JSON (counted, not kept).
pub fn compact_len(v: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut n = Count(0);
    // Writing to a counter cannot fail.
    let _ = serde_json::to_writer(&mut n, v);
    n.0
}

/// Why one event (or the whole text) could not be read, or (in [`LoadResult::warnings`]) what
/// looks wrong with an event that was loaded anyway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventError {
    /// The event's 0-based index among the events of the text, when the problem belongs to one.
    pub index: Option<usize>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counting characters.
    pub column: usize,
    /// What is wrong, in words for people.
    pub message: String,
}

impl std::fmt::Display for EventError {
    /// Events are numbered from 1 here because this text is for people.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.index {
            Some(i) => write!(
                f,
                "event {} (line {}, column {}): {}",
                i + 1,
                self.line,
                self.column,
                self.message
            ),
            None => write!(
                f,
                "line {}, column {}: {}",
                self.line, self.column, self.message
            ),
        }
    }
}

/// Everything read from one text: the good events, the errors of the bad ones, and warnings
/// about events that loaded but look wrong (e.g. an unknown `type`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadResult {
    /// The events that loaded, in text order.
    pub events: Vec<LoadedEvent>,
    /// Events (or text) that could not be read, in text order.
    pub errors: Vec<EventError>,
    /// Events that loaded but look wrong (e.g. an unknown `type`).
    pub warnings: Vec<EventError>,
}

impl LoadResult {
    fn absorb(&mut self, item: Loaded) {
        match item {
            Loaded::Event { event, warning } => {
                self.events.push(event);
                self.warnings.extend(warning);
            }
            Loaded::Error(e) => self.errors.push(e),
        }
    }
}

/// Reads events from a text holding one JSON object, a JSON array of objects, NDJSON, or
/// concatenated pretty-printed objects (Segment debugger copies). Never fails as a whole: every
/// event that can be read is returned, every one that cannot is reported with its location.
pub fn parse_events(text: &str) -> LoadResult {
    let mut out = LoadResult::default();
    let mut stream = EventStream::new();
    for item in stream.push(text.as_bytes()) {
        out.absorb(item);
    }
    for item in stream.finish() {
        out.absorb(item);
    }
    // Stray-bracket errors are found out of step with the events: put everything in text order.
    out.errors.sort_by_key(|e| (e.line, e.column));
    out
}

/// The six Segment call types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // The variants are Segment's call types, named as in its spec.
pub enum CallType {
    Track,
    Page,
    Screen,
    Identify,
    Group,
    Alias,
}

impl CallType {
    /// All call types in the order Segment's spec lists them.
    pub const ALL: [CallType; 6] = [
        CallType::Track,
        CallType::Page,
        CallType::Screen,
        CallType::Identify,
        CallType::Group,
        CallType::Alias,
    ];

    /// The `type` value, e.g. `"track"`.
    pub fn as_str(self) -> &'static str {
        match self {
            CallType::Track => "track",
            CallType::Page => "page",
            CallType::Screen => "screen",
            CallType::Identify => "identify",
            CallType::Group => "group",
            CallType::Alias => "alias",
        }
    }

    /// The call type for a `type` value; exact match, as Segment's triggers compare exactly.
    pub fn parse(s: &str) -> Option<CallType> {
        CallType::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

impl std::fmt::Display for CallType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A thin typed view over an event's JSON. Accessors return `None` when the field is absent or
/// not of the expected JSON type; the raw value stays reachable through [`EventView::get`].
#[derive(Debug, Clone, Copy)]
pub struct EventView<'a> {
    value: &'a Value,
}

impl<'a> EventView<'a> {
    /// A view of `value` (any JSON; accessors answer `None` for non-events).
    pub fn new(value: &'a Value) -> Self {
        EventView { value }
    }

    /// The underlying JSON.
    pub fn value(&self) -> &'a Value {
        self.value
    }

    /// A top-level field, whatever its JSON type.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.value.get(key)
    }

    /// A field by a path of keys, e.g. `["context", "device", "id"]`.
    pub fn path(&self, keys: &[&str]) -> Option<&'a Value> {
        keys.iter().try_fold(self.value, |v, k| v.get(k))
    }

    fn str_field(&self, key: &str) -> Option<&'a str> {
        self.get(key).and_then(Value::as_str)
    }

    /// The `type` string as written (may be an unknown type).
    pub fn type_str(&self) -> Option<&'a str> {
        self.str_field("type")
    }

    /// The call type, when `type` is one of the six.
    pub fn call_type(&self) -> Option<CallType> {
        self.type_str().and_then(CallType::parse)
    }

    /// The event's name: `event` for track, `name` for page and screen.
    pub fn event_name(&self) -> Option<&'a str> {
        match self.call_type()? {
            CallType::Track => self.str_field("event"),
            CallType::Page | CallType::Screen => self.str_field("name"),
            _ => None,
        }
    }

    /// `userId`, when it is a string.
    pub fn user_id(&self) -> Option<&'a str> {
        self.str_field("userId")
    }

    /// `anonymousId`, when it is a string.
    pub fn anonymous_id(&self) -> Option<&'a str> {
        self.str_field("anonymousId")
    }

    /// `messageId`, when it is a string.
    pub fn message_id(&self) -> Option<&'a str> {
        self.str_field("messageId")
    }

    /// `timestamp` as written (an ISO-8601 string in real payloads).
    pub fn timestamp(&self) -> Option<&'a str> {
        self.str_field("timestamp")
    }

    /// `groupId` (group calls), when it is a string.
    pub fn group_id(&self) -> Option<&'a str> {
        self.str_field("groupId")
    }

    /// `previousId` (alias calls), when it is a string.
    pub fn previous_id(&self) -> Option<&'a str> {
        self.str_field("previousId")
    }

    /// `properties` for track/page/screen.
    pub fn properties(&self) -> Option<&'a serde_json::Map<String, Value>> {
        self.get("properties").and_then(Value::as_object)
    }

    /// `traits` for identify/group.
    pub fn traits(&self) -> Option<&'a serde_json::Map<String, Value>> {
        self.get("traits").and_then(Value::as_object)
    }

    /// A one-line label for lists: `track "Order Completed"`, `page "Home"`, `identify user-1`.
    pub fn title(&self) -> String {
        let kind = self.type_str().unwrap_or("(no type)");
        if let Some(name) = self.event_name() {
            return format!("{kind} \"{name}\"");
        }
        let who = match self.call_type() {
            Some(CallType::Group) => self.group_id(),
            _ => None,
        }
        .or(self.user_id())
        .or(self.anonymous_id());
        match who {
            Some(id) => format!("{kind} {id}"),
            None => kind.to_string(),
        }
    }
}

/// What checking one piece of text gives: an event (maybe with a warning) or an error.
#[derive(Debug, Clone, PartialEq)]
pub enum Loaded {
    /// An event that loaded, with a warning when it looks wrong.
    #[allow(missing_docs)]
    Event {
        event: LoadedEvent,
        warning: Option<EventError>,
    },
    /// A piece that is not a usable event.
    Error(EventError),
}

/// A position in the text: byte offset, 1-based line, 1-based column in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// Byte offset from the start of the text.
    pub offset: u64,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counting characters.
    pub column: usize,
}

impl Pos {
    const START: Pos = Pos {
        offset: 0,
        line: 1,
        column: 1,
    };

    fn advance(&mut self, b: u8) {
        self.offset += 1;
        if b == b'\n' {
            self.line += 1;
            self.column = 1;
        } else if b & 0xC0 != 0x80 {
            // Continuation bytes of a UTF-8 character do not start a new column.
            self.column += 1;
        }
    }

    fn advance_all(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.advance(b);
        }
    }
}

/// The raw text of one event (or of something that should have been one) and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// 0-based index among the events of the whole text.
    pub index: usize,
    /// Where the piece's first byte is.
    pub start: Pos,
    /// The piece's bytes, trimmed of surrounding whitespace and separators.
    pub bytes: Vec<u8>,
    /// Set when the scanner has already seen the text is not valid JSON (parse it for details).
    pub broken: bool,
    /// Set for pieces cut off by the end of the text.
    pub unterminated: bool,
    /// Where a string starts that runs past the end of its line (the likeliest cause when the
    /// piece is broken).
    pub unclosed_string: Option<Pos>,
    /// The piece is a debugger pretty-view call (`analytics.track(…)`), not JSON.
    pub call: bool,
    /// The piece's JSON value when the splitter already parsed it (a line that is one whole
    /// object), so loading does not parse it again.
    parsed: Parsed,
}

/// A value parsed ahead of loading: a cache of what the text says, so two pieces are equal
/// whether or not one of them holds it.
#[derive(Debug, Clone, Default)]
struct Parsed(Option<Value>);

impl PartialEq for Parsed {
    fn eq(&self, _: &Parsed) -> bool {
        true
    }
}

impl Eq for Parsed {}

const PRETTY_VIEW: &str = "read from the source debugger's Pretty view (a JavaScript call): it has no \
     context, ids or timestamps, so Amplitude fields from them stay empty — copy the Raw view for \
     the full event";
const NOT_JSON: &str = "is not JSON — an event starts with {";
const UNCLOSED_STRING: &str =
    "this string is not closed before the end of the line — a \" is missing";

impl Piece {
    /// Like [`Piece::load`], but a Segment HTTP API batch (`{"batch": [...], "context": ...}`)
    /// becomes its events (each with its own line and column; the batch's `context` and
    /// `integrations` apply to every call, the call's own keys winning). Every item carries
    /// this piece's index; [`EventStream`] renumbers them.
    pub fn load_all(&self) -> Vec<Loaded> {
        let single = self.load();
        let Loaded::Error(_) = &single else {
            return vec![single];
        };
        let Some(wrapper) = self.batch_wrapper() else {
            return vec![single];
        };
        let Some(offset) = top_level_value_offset(&self.bytes, b"batch") else {
            return vec![single];
        };
        let mut start = self.start;
        start.advance_all(&self.bytes[..offset]);
        let mut inner = Splitter::starting_at(start);
        let mut pieces = inner.push(&self.bytes[offset..]);
        pieces.extend(inner.finish());
        let count = wrapper
            .get("batch")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        pieces
            .iter()
            .take(count)
            .map(|p| {
                let mut item = Piece {
                    index: self.index,
                    ..p.clone()
                }
                .load();
                if let Loaded::Event { event, .. } = &mut item {
                    apply_batch_defaults(&mut event.value, &wrapper);
                }
                item
            })
            .collect()
    }

    fn batch_wrapper(&self) -> Option<serde_json::Map<String, Value>> {
        let text = std::str::from_utf8(&self.bytes).ok()?;
        match utf16::parse_json(text).ok()? {
            Value::Object(o) if !o.contains_key("type") && o.get("batch")?.is_array() => Some(o),
            _ => None,
        }
    }

    /// Parses and checks the piece: JSON syntax, an object, a string `type`.
    pub fn load(&self) -> Loaded {
        let text = match std::str::from_utf8(&self.bytes) {
            Ok(t) => t,
            Err(e) => {
                let mut pos = self.start;
                pos.advance_all(&self.bytes[..e.valid_up_to()]);
                return self.error_at(pos, "the text is not valid UTF-8".to_string());
            }
        };
        if self.call {
            return self.load_call(text);
        }
        let value = match utf16::parse_json(text) {
            Ok(v) => v,
            Err(e) => {
                let pos = self.position_of(e.line, e.column);
                if let Some(at) = self.unclosed_string {
                    return self.error_at(at, UNCLOSED_STRING.to_string());
                }
                if !matches!(
                    self.bytes.first(),
                    Some(b'{' | b'[' | b'"' | b'-' | b'0'..=b'9')
                ) {
                    return self.error_at(self.start, NOT_JSON.to_string());
                }
                return self.error_at(pos, describe_json_error(&e));
            }
        };
        self.loaded_from(value)
    }

    /// [`Piece::load_all`] of a piece the loader no longer needs, using the value the
    /// splitter parsed when it did.
    fn into_loaded(mut self) -> Vec<Loaded> {
        if let Some(value) = self.parsed.0.take() {
            let loaded = self.loaded_from(value);
            // An error may be an HTTP API batch, which `load_all` expands.
            if !matches!(loaded, Loaded::Error(_)) {
                return vec![loaded];
            }
        }
        self.load_all()
    }

    /// A loading error of this piece at `pos`.
    fn error_at(&self, pos: Pos, message: String) -> Loaded {
        Loaded::Error(EventError {
            index: Some(self.index),
            line: pos.line,
            column: pos.column,
            message,
        })
    }

    /// The piece's parsed value checked as an event.
    fn loaded_from(&self, value: Value) -> Loaded {
        let event = LoadedEvent {
            index: self.index,
            line: self.start.line,
            value,
            bytes: self.bytes.len(),
        };
        match check_event(&event.value) {
            Check::Ok => Loaded::Event {
                event,
                warning: None,
            },
            Check::Warn(message) => Loaded::Event {
                warning: Some(EventError {
                    index: Some(self.index),
                    line: self.start.line,
                    column: self.start.column,
                    message,
                }),
                event,
            },
            Check::Reject(message) => self.error_at(self.start, message),
        }
    }

    fn load_call(&self, text: &str) -> Loaded {
        let at = |offset: usize| {
            let mut pos = self.start;
            pos.advance_all(&self.bytes[..offset.min(self.bytes.len())]);
            pos
        };
        match pretty::parse_call(text) {
            Ok(value) => {
                let event = LoadedEvent {
                    index: self.index,
                    line: self.start.line,
                    value,
                    bytes: self.bytes.len(),
                };
                Loaded::Event {
                    event,
                    warning: Some(EventError {
                        index: Some(self.index),
                        line: self.start.line,
                        column: self.start.column,
                        message: PRETTY_VIEW.to_string(),
                    }),
                }
            }
            Err((offset, message)) => Loaded::Error(EventError {
                index: Some(self.index),
                line: at(offset).line,
                column: at(offset).column,
                message: format!("{message} (in a debugger pretty-view call)"),
            }),
        }
    }

    /// Converts serde_json's location inside the piece (1-based line, byte column) to a position
    /// in the whole text.
    fn position_of(&self, line: usize, byte_column: usize) -> Pos {
        let mut offset = 0;
        for _ in 1..line {
            match self.bytes[offset..].iter().position(|&b| b == b'\n') {
                Some(p) => offset += p + 1,
                None => break,
            }
        }
        let line_len = self.bytes[offset..]
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(self.bytes.len() - offset);
        offset += byte_column.saturating_sub(1).min(line_len);
        let mut pos = self.start;
        pos.advance_all(&self.bytes[..offset]);
        pos
    }
}

enum Check {
    Ok,
    Warn(String),
    Reject(String),
}

const TYPES_HINT: &str = "Segment events need one of track, page, screen, identify, group, alias";

/// Why `value` is not a Segment event as loading a file sees it ("is an array, not an object
/// — …", "has no \"type\" — …"), to follow "the event"; `None` when it is one (perhaps with a
/// warning, such as an unknown type).
pub fn refusal(value: &Value) -> Option<String> {
    match check_event(value) {
        Check::Reject(why) => Some(why),
        Check::Ok | Check::Warn(_) => None,
    }
}

fn check_event(value: &Value) -> Check {
    let Some(obj) = value.as_object() else {
        return Check::Reject(format!(
            "is {}, not an object — each event must be a JSON object like {{\"type\": \"track\", …}}",
            json_kind(value)
        ));
    };
    match obj.get("type") {
        None => Check::Reject(format!("has no \"type\" — {TYPES_HINT}")),
        Some(Value::String(t)) => {
            if CallType::parse(t).is_some() {
                Check::Ok
            } else if let Some(c) = CallType::parse(&t.to_ascii_lowercase()) {
                Check::Warn(format!(
                    "unknown type \"{t}\" (types are case-sensitive; did you mean \"{c}\"?) — triggers on type will not match it"
                ))
            } else {
                Check::Warn(format!(
                    "unknown type \"{t}\" — {TYPES_HINT}; triggers on type will not match it"
                ))
            }
        }
        Some(other) => Check::Reject(format!(
            "\"type\" is {}, not a string — {TYPES_HINT}",
            json_kind(other)
        )),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// serde_json's message without its own " at line L column C" (we give the location in the
/// whole text instead), plus a hint for the commonest mistakes.
fn describe_json_error(e: &utf16::JsonError) -> String {
    let base = e.message.as_str();
    let hint = match base {
        "EOF while parsing an object" => "the event ends before its closing } — a } is missing",
        "EOF while parsing a list" => "the event ends before a closing ] — a ] is missing",
        "EOF while parsing a string" => "the event ends inside a string — a \" is missing",
        "EOF while parsing a value" => "the event ends where a value should be",
        _ if base.starts_with("control character") => {
            "a string is not closed before the end of the line (or holds a raw control character)"
        }
        _ if base.starts_with("trailing comma") => "a trailing comma before a closing bracket",
        _ if base.starts_with("key must be a string") => "keys need double quotes",
        "number out of range" => {
            "a number beyond the range of a double (like 1e400), which Ampscope cannot hold; \
             Segment would read it as Infinity and send null"
        }
        _ => return base.to_string(),
    };
    hint.to_string()
}

/// What the scanner expects next inside a value; only used to notice broken structure early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Value,
    Key,
    Colon,
    CommaOrClose,
}

/// Where the scanner is between pieces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outer {
    /// At the top level of the text.
    Top,
    /// Inside a top-level array, between elements.
    Array,
}

/// State of the piece being scanned.
#[derive(Debug, Clone)]
struct Current {
    start: Pos,
    /// Offset of the piece's first byte in `Splitter::buf`.
    buf_start: usize,
    stack: Vec<u8>,
    in_string: bool,
    escape: bool,
    /// Where the string being scanned opened, and the first one found unclosed.
    string_start: Pos,
    unclosed_string: Option<Pos>,
    expect: Expect,
    broken: bool,
    /// The piece is a bare scalar (number, literal) or other non-JSON text, which runs to the
    /// end of its line or the next comma...
    scalar: bool,
    /// ...unless it turns out to be a debugger pretty-view call, `analytics.track(…)`, which
    /// runs to its closing parenthesis: open brackets, and the quote of the open string (0: none).
    call: Option<(usize, u8)>,
}

impl Current {
    /// A `{` or `[` outside strings.
    fn open_bracket(&mut self, b: u8) {
        if self.expect != Expect::Value {
            self.broken = true;
        }
        self.stack.push(b);
        self.expect = if b == b'{' {
            Expect::Key
        } else {
            Expect::Value
        };
    }

    /// The quote that opens a string.
    fn open_string(&mut self) {
        if !matches!(self.expect, Expect::Value | Expect::Key) {
            self.broken = true;
        }
        self.in_string = true;
    }

    /// The quote that closes a string.
    fn close_string(&mut self) {
        self.in_string = false;
        self.expect = match (self.stack.last(), self.expect) {
            (Some(b'{'), Expect::Key) => Expect::Colon,
            _ => Expect::CommaOrClose,
        };
    }

    fn colon(&mut self) {
        if self.expect != Expect::Colon {
            self.broken = true;
        }
        self.expect = Expect::Value;
    }

    fn comma(&mut self) {
        if self.expect != Expect::CommaOrClose {
            self.broken = true;
        }
        self.expect = match self.stack.last() {
            Some(b'{') => Expect::Key,
            _ => Expect::Value,
        };
    }

    /// A byte of a number or literal; its validity is serde_json's business.
    fn value_byte(&mut self) {
        if !matches!(self.expect, Expect::Value | Expect::CommaOrClose) {
            self.broken = true;
        }
        self.expect = Expect::CommaOrClose;
    }
}

/// Incremental event splitter: feed it chunks of bytes (any split, even inside a UTF-8
/// character) and it hands back each complete event's text with its location. Memory stays
/// bounded by the largest event plus one chunk, so `replay` can stream huge NDJSON or array files.
///
/// ```
/// use ampscope::engine::event::{Loaded, Splitter};
/// let mut s = Splitter::new();
/// let mut pieces = s.push(b"{\"type\":\"track\"}\n{\"type\":");
/// pieces.extend(s.push(b"\"page\"}\n"));
/// pieces.extend(s.finish());
/// assert_eq!(pieces.len(), 2);
/// assert!(matches!(pieces[1].load(), Loaded::Event { .. }));
/// ```
#[derive(Debug, Clone)]
pub struct Splitter {
    /// Bytes not yet handed out: from the current piece's start (or the scan point) onwards.
    buf: Vec<u8>,
    /// Next byte of `buf` to scan, and its position in the whole text.
    scan: usize,
    pos: Pos,
    outer: Outer,
    /// Position of the open top-level `[` (for the "array not closed" error).
    array_open: Pos,
    cur: Option<Current>,
    /// Whether only whitespace precedes the scan point on the current line.
    line_blank: bool,
    next_index: usize,
    /// Errors that belong to no event (stray brackets, unclosed arrays), in order.
    stray: Vec<EventError>,
    bom_checked: bool,
    /// Whether runs of a line are scanned in one loop ([`Splitter::run_in_line`]); off only
    /// in the test that holds it to the byte-by-byte steps.
    fast: bool,
}

impl Default for Splitter {
    fn default() -> Self {
        Self::new()
    }
}

impl Splitter {
    /// A splitter at the start of a text.
    pub fn new() -> Self {
        Self::starting_at(Pos::START)
    }

    /// A splitter for text that starts at `pos` of a larger text (locations stay absolute).
    pub fn starting_at(pos: Pos) -> Self {
        Splitter {
            buf: Vec::new(),
            scan: 0,
            pos,
            outer: Outer::Top,
            array_open: pos,
            cur: None,
            line_blank: true,
            next_index: 0,
            stray: Vec::new(),
            bom_checked: false,
            fast: true,
        }
    }

    /// Feeds the next chunk; returns the pieces completed by it, in order.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<Piece> {
        self.buf.extend_from_slice(chunk);
        if !self.bom_checked {
            if self.buf.len() < 3 && b"\xEF\xBB\xBF".starts_with(&self.buf) {
                return Vec::new();
            }
            self.bom_checked = true;
            if self.buf.starts_with(b"\xEF\xBB\xBF") {
                self.buf.drain(..3);
            }
        }
        let mut out = Vec::new();
        self.run(&mut out);
        self.compact();
        out
    }

    /// Ends the text: returns the piece cut off by the end, if any. Errors that belong to no
    /// event are then available from [`Splitter::take_stray_errors`].
    pub fn finish(&mut self) -> Vec<Piece> {
        let mut out = Vec::new();
        if let Some(cur) = self.cur.take() {
            let complete = cur.scalar && cur.call.is_none();
            let bytes = trim_end(&self.buf[cur.buf_start..]).to_vec();
            let unterminated = !complete;
            out.push(self.piece(&cur, bytes, unterminated));
        }
        if self.outer == Outer::Array {
            self.stray.push(EventError {
                index: None,
                line: self.array_open.line,
                column: self.array_open.column,
                message: "the array opened here is not closed with ]".to_string(),
            });
            self.outer = Outer::Top;
        }
        self.buf.clear();
        self.scan = 0;
        out
    }

    /// Errors found so far that belong to no event, e.g. a stray `]` or an unclosed array.
    pub fn take_stray_errors(&mut self) -> Vec<EventError> {
        std::mem::take(&mut self.stray)
    }

    /// Bytes held back waiting for the rest of an event (the memory a stream needs).
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Number of events (good or broken) handed out so far.
    pub fn count(&self) -> usize {
        self.next_index
    }

    fn piece(&mut self, cur: &Current, bytes: Vec<u8>, unterminated: bool) -> Piece {
        let index = self.next_index;
        self.next_index += 1;
        Piece {
            index,
            start: cur.start,
            bytes,
            broken: cur.broken,
            unterminated,
            unclosed_string: cur.unclosed_string,
            call: cur.call.is_some(),
            parsed: Parsed::default(),
        }
    }

    /// Drops bytes already handed out so the buffer holds at most the current piece.
    fn compact(&mut self) {
        let keep_from = self.cur.as_ref().map_or(self.scan, |c| c.buf_start);
        if keep_from > 0 {
            self.buf.drain(..keep_from);
            self.scan -= keep_from;
            if let Some(c) = self.cur.as_mut() {
                c.buf_start -= keep_from;
            }
        }
    }

    fn run(&mut self, out: &mut Vec<Piece>) {
        while self.scan < self.buf.len() {
            if self.cur.is_some() {
                if self.fast && self.run_in_line() {
                    continue;
                }
                self.step_in_piece(self.buf[self.scan], out);
            } else {
                let b = self.buf[self.scan];
                if b == b'{'
                    && self.fast
                    && self.line_blank
                    && self.outer == Outer::Top
                    && self.take_line(out)
                {
                    continue;
                }
                self.step_between(b);
            }
        }
    }

    /// An NDJSON line that is one whole JSON object (up to blanks and commas), handed out in
    /// one step with its parsed value: the byte-by-byte steps would end the piece at the same
    /// closing brace (a line serde_json reads as one object holds no unclosed string or
    /// bracket).
    /// Returns false, taking nothing, for anything else (an incomplete line, a line that does
    /// not parse, more after the object…), which the steps then scan.
    fn take_line(&mut self, out: &mut Vec<Piece>) -> bool {
        let rest = &self.buf[self.scan..];
        let Some(end) = memchr::memchr(b'\n', rest) else {
            return false;
        };
        // Blanks and commas after the object are the steps' to take, as after any piece.
        let line = trim_end(&rest[..end]);
        let len = line.len();
        if line.last() != Some(&b'}') {
            return false;
        }
        let Ok(value) = serde_json::from_slice::<Value>(line) else {
            return false;
        };
        let index = self.next_index;
        self.next_index += 1;
        out.push(Piece {
            index,
            start: self.pos,
            bytes: line.to_vec(),
            broken: false,
            unterminated: false,
            unclosed_string: None,
            call: false,
            parsed: Parsed(Some(value)),
        });
        self.pos.offset += len as u64;
        self.pos.column += columns(line);
        self.line_blank = false;
        self.scan += len;
        true
    }

    /// [`Splitter::step_in_piece`] over a run of bytes in one loop, for the bytes that make up
    /// most of a JSON event: a line's indentation, or from after the first non-blank byte of a
    /// line (where a new event can no longer start) to the next line break, the piece's last closing bracket or
    /// anything out of the ordinary (a bracket that does not match, a call, a bare scalar),
    /// which are left to the byte-by-byte steps. The position moves once for the whole run (it
    /// holds no line break). Returns whether it took any byte.
    fn run_in_line(&mut self) -> bool {
        let Splitter {
            buf,
            scan,
            pos,
            cur,
            line_blank,
            ..
        } = self;
        let Some(cur) = cur.as_mut() else {
            return false;
        };
        if cur.scalar || cur.call.is_some() {
            return false;
        }
        if *line_blank {
            // Indentation (most of a pretty-printed event's bytes) only moves the position;
            // the first other byte is the steps' (a new event may start there).
            let n = buf[*scan..]
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            if n == 0 || cur.in_string {
                return false;
            }
            pos.offset += n as u64;
            pos.column += n;
            *scan += n;
            return true;
        }
        let start = *scan;
        let mut i = start;
        // Where the last string taken opened (for `string_start`).
        let mut opened = None;
        while let Some(&b) = buf.get(i) {
            if cur.in_string {
                if cur.escape {
                    if b == b'\n' {
                        break;
                    }
                    cur.escape = false;
                    i += 1;
                    continue;
                }
                let Some(k) = string_stop(&buf[i..]) else {
                    i = buf.len();
                    break;
                };
                i += k;
                match buf[i] {
                    b'\\' => cur.escape = true,
                    // A string that is the whole piece ends it: the step emits it.
                    b'"' if !cur.stack.is_empty() => cur.close_string(),
                    _ => break,
                }
                i += 1;
                continue;
            }
            match b {
                b' ' | b'\t' | b'\r' => {}
                b'{' | b'[' => cur.open_bracket(b),
                b'}' | b']' => {
                    let open = if b == b'}' { b'{' } else { b'[' };
                    // Only a matching bracket that leaves the piece open.
                    if cur.stack.len() < 2 || cur.stack.last() != Some(&open) {
                        break;
                    }
                    cur.stack.pop();
                    cur.expect = Expect::CommaOrClose;
                }
                b'"' => {
                    cur.open_string();
                    opened = Some(i);
                }
                b':' => cur.colon(),
                b',' => cur.comma(),
                b'\n' => break,
                _ => cur.value_byte(),
            }
            i += 1;
        }
        if let Some(o) = opened {
            cur.string_start = Pos {
                offset: pos.offset + (o - start) as u64,
                line: pos.line,
                column: pos.column + columns(&buf[start..o]),
            };
        }
        pos.offset += (i - start) as u64;
        pos.column += columns(&buf[start..i]);
        *scan = i;
        i > start
    }

    fn consume(&mut self, b: u8) {
        self.scan += 1;
        self.pos.advance(b);
        if b == b'\n' {
            self.line_blank = true;
        } else if !matches!(b, b' ' | b'\t' | b'\r') {
            self.line_blank = false;
        }
    }

    fn begin(&mut self, b: u8) {
        let (stack, expect, scalar, in_string) = match b {
            b'{' => (vec![b'{'], Expect::Key, false, false),
            b'[' => (vec![b'['], Expect::Value, false, false),
            b'"' => (Vec::new(), Expect::CommaOrClose, false, true),
            _ => (Vec::new(), Expect::CommaOrClose, true, false),
        };
        self.cur = Some(Current {
            start: self.pos,
            buf_start: self.scan,
            stack,
            in_string,
            escape: false,
            string_start: self.pos,
            unclosed_string: None,
            call: None,
            expect,
            broken: false,
            scalar,
        });
        self.consume(b);
    }

    fn step_between(&mut self, b: u8) {
        match (b, self.outer) {
            // `;` ends pretty-view calls (`analytics.track(…);`).
            (b' ' | b'\t' | b'\r' | b'\n' | b',' | b';', _) => self.consume(b),
            (b'[', Outer::Top) => {
                self.outer = Outer::Array;
                self.array_open = self.pos;
                self.consume(b);
            }
            (b']', Outer::Array) => {
                self.outer = Outer::Top;
                self.consume(b);
            }
            (b']' | b'}', _) => {
                self.stray.push(EventError {
                    index: None,
                    line: self.pos.line,
                    column: self.pos.column,
                    message: format!("unexpected {} between events", b as char),
                });
                self.consume(b);
            }
            _ => self.begin(b),
        }
    }

    /// Hands out the current piece, ending just before the scan point.
    fn emit(&mut self, out: &mut Vec<Piece>) {
        if let Some(cur) = self.cur.take() {
            let bytes = trim_end(&self.buf[cur.buf_start..self.scan]).to_vec();
            let piece = self.piece(&cur, bytes, false);
            out.push(piece);
        }
    }

    fn step_in_piece(&mut self, b: u8, out: &mut Vec<Piece>) {
        let outer = self.outer;
        let at_line_start = self.line_blank && b != b'\n' && !matches!(b, b' ' | b'\t' | b'\r');
        let column = self.pos.column;
        let Some(cur) = self.cur.as_mut() else {
            return;
        };
        if let Some((depth, quote)) = cur.call {
            return self.step_in_call(b, depth, quote, at_line_start, column, out);
        }
        if cur.scalar {
            if b == b'(' && pretty::looks_like_call(&self.buf[cur.buf_start..=self.scan]) {
                cur.call = Some((1, 0));
                return self.consume(b);
            }
            // Garbage runs to the end of its line (one error per broken NDJSON line).
            if matches!(b, b'\n' | b',') || (b == b']' && outer == Outer::Array) {
                return self.emit(out);
            }
            return self.consume(b);
        }
        if cur.in_string {
            if cur.escape {
                cur.escape = false;
            } else if b == b'\\' {
                cur.escape = true;
            } else if b == b'"' {
                cur.close_string();
                if cur.stack.is_empty() {
                    self.consume(b);
                    return self.emit(out);
                }
            } else if b == b'\n' {
                // JSON strings cannot hold a raw line break: the string was never closed.
                cur.broken = true;
                cur.in_string = false;
                cur.unclosed_string.get_or_insert(cur.string_start);
                cur.expect = Expect::CommaOrClose;
            }
            return self.consume(b);
        }
        if at_line_start && b == b'{' && column == cur.start.column {
            // A line starting at the piece's own indentation with `{` where no value may go (or
            // after a break) is the next event: the current one was cut short.
            if cur.broken || cur.expect != Expect::Value {
                cur.broken = true;
                self.emit(out);
                return self.begin(b);
            }
        }
        match b {
            b' ' | b'\t' | b'\r' | b'\n' => {}
            b'{' | b'[' => cur.open_bracket(b),
            b'}' | b']' => {
                let open = if b == b'}' { b'{' } else { b'[' };
                match cur.stack.last() {
                    Some(&top) if top == open => {
                        cur.stack.pop();
                    }
                    _ if b == b']' && outer == Outer::Array => {
                        // The array's own `]`: the element before it was never closed.
                        cur.broken = true;
                        return self.emit(out);
                    }
                    _ => {
                        cur.broken = true;
                        cur.stack.pop();
                    }
                }
                cur.expect = Expect::CommaOrClose;
                if cur.stack.is_empty() {
                    self.consume(b);
                    return self.emit(out);
                }
            }
            b'"' => {
                cur.open_string();
                cur.string_start = self.pos;
            }
            b':' => cur.colon(),
            b',' => cur.comma(),
            _ => cur.value_byte(),
        }
        self.consume(b);
    }
}

/// The characters in `bytes` (UTF-8 continuation bytes start none), counted in a byte per
/// 255 bytes so the loop is vector code.
fn columns(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|c| usize::from(c.iter().fold(0u8, |n, &b| n + u8::from(b & 0xC0 != 0x80))))
        .sum()
}

/// Where a string's contents stop: the next quote, backslash or line break. Most strings of
/// an event are a few bytes, for which a plain loop beats `memchr`'s setup; long ones (user
/// agents, URLs) go to `memchr` after the first 32 bytes.
#[inline]
fn string_stop(bytes: &[u8]) -> Option<usize> {
    let head = bytes.len().min(32);
    match bytes[..head]
        .iter()
        .position(|&c| matches!(c, b'"' | b'\\' | b'\n'))
    {
        Some(k) => Some(k),
        None if head == bytes.len() => None,
        None => memchr::memchr3(b'\\', b'"', b'\n', &bytes[head..]).map(|k| head + k),
    }
}

impl Splitter {
    fn step_in_call(
        &mut self,
        b: u8,
        mut depth: usize,
        mut quote: u8,
        at_line_start: bool,
        column: usize,
        out: &mut Vec<Piece>,
    ) {
        let Some(cur) = self.cur.as_mut() else {
            return;
        };
        if quote != 0 {
            if cur.escape {
                cur.escape = false;
            } else if b == b'\\' {
                cur.escape = true;
            } else if b == quote {
                quote = 0;
            } else if b == b'\n' && quote != b'`' {
                cur.broken = true;
                quote = 0;
            }
        } else if at_line_start
            && column <= cur.start.column
            && (b == b'{' || b.is_ascii_alphabetic())
        {
            // A line as far left as the call's own start (its closing `})` aside) is a new
            // event: this call was never closed.
            cur.broken = true;
            self.emit(out);
            return self.begin(b);
        } else {
            match b {
                b'"' | b'\'' | b'`' => quote = b,
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.consume(b);
                        return self.emit(out);
                    }
                }
                _ => {}
            }
        }
        cur.call = Some((depth, quote));
        self.consume(b);
    }
}

/// Segment's HTTP API applies a batch's `context` and `integrations` to all its calls.
fn apply_batch_defaults(event: &mut Value, wrapper: &serde_json::Map<String, Value>) {
    let Some(obj) = event.as_object_mut() else {
        return;
    };
    for key in ["context", "integrations"] {
        let Some(Value::Object(shared)) = wrapper.get(key) else {
            continue;
        };
        match obj.get_mut(key) {
            Some(Value::Object(own)) => {
                for (k, v) in shared {
                    own.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            Some(_) => {}
            None => {
                obj.insert(key.to_string(), Value::Object(shared.clone()));
            }
        }
    }
}

/// Byte offset of the value of `key` in the top-level object `bytes` (valid JSON).
fn top_level_value_offset(bytes: &[u8], key: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let is_key = depth == 1 && bytes.get(start..i) == Some(key);
                let after = bytes.get(i + 1..)?;
                let colon = after.iter().position(|b| !b.is_ascii_whitespace())?;
                if is_key && after[colon] == b':' {
                    let rest = &after[colon + 1..];
                    let value = rest.iter().position(|b| !b.is_ascii_whitespace())?;
                    return Some(i + 1 + colon + 1 + value);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b','))
        .map_or(0, |p| p + 1);
    &bytes[..end]
}

/// Loads events from chunks of bytes as they arrive: a [`Splitter`] plus [`Piece::load_all`],
/// numbering the events across HTTP API batches.
#[derive(Debug, Clone, Default)]
pub struct EventStream {
    splitter: Splitter,
    next_index: usize,
}

impl EventStream {
    /// A stream at the start of a text.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds a chunk; returns the events (or errors) it completed, in order.
    pub fn push(&mut self, chunk: &[u8]) -> Vec<Loaded> {
        let pieces = self.splitter.push(chunk);
        self.load(pieces)
    }

    /// Bytes held back waiting for the rest of an event.
    pub fn buffered(&self) -> usize {
        self.splitter.buffered()
    }

    /// Ends the stream: the last event, if cut off, and errors belonging to no event.
    pub fn finish(&mut self) -> Vec<Loaded> {
        let pieces = self.splitter.finish();
        self.load(pieces)
    }

    fn load(&mut self, pieces: Vec<Piece>) -> Vec<Loaded> {
        let mut out = Vec::new();
        for piece in pieces {
            for mut item in piece.into_loaded() {
                let index = self.next_index;
                self.next_index += 1;
                match &mut item {
                    Loaded::Event { event, warning } => {
                        event.index = index;
                        if let Some(w) = warning {
                            w.index = Some(index);
                        }
                    }
                    Loaded::Error(e) => e.index = Some(index),
                }
                out.push(item);
            }
        }
        out.extend(
            self.splitter
                .take_stray_errors()
                .into_iter()
                .map(Loaded::Error),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// (events loaded, errors as (index, line, column, message fragment)).
    type Expected = (
        usize,
        &'static [(Option<usize>, usize, usize, &'static str)],
    );

    const T: &str = r#"{"type":"track","event":"A"}"#;
    const P: &str = r#"{"type":"page","name":"Home"}"#;

    #[test]
    fn piece_positions_count_characters_across_strings() {
        // Multi-byte characters, escapes and spaces inside strings, fed in small chunks.
        let text = "{\"a\":\"h\u{e9}llo \\\" w\u{f6}rld\"}  {\"b\":\"\u{1F600}\"}\n{\"c\":1}";
        let mut s = Splitter::new();
        let mut pieces = Vec::new();
        for chunk in text.as_bytes().chunks(3) {
            pieces.extend(s.push(chunk));
        }
        pieces.extend(s.finish());
        let starts: Vec<(usize, usize, u64)> = pieces
            .iter()
            .map(|p| (p.start.line, p.start.column, p.start.offset))
            .collect();
        let second = text.find("{\"b").unwrap();
        let third = text.find("{\"c").unwrap();
        let col = |at: usize| text[..at].chars().count() + 1;
        assert_eq!(
            starts,
            vec![
                (1, 1, 0),
                (1, col(second), second as u64),
                (2, 1, third as u64)
            ]
        );
        assert!(pieces.iter().all(|p| !p.broken && !p.unterminated));
    }

    fn cases() -> Vec<(&'static str, String, Expected)> {
        vec![
            ("one object", T.to_string(), (1, &[])),
            (
                "pretty object",
                "{\n  \"type\": \"track\",\n  \"event\": \"A\"\n}\n".to_string(),
                (1, &[]),
            ),
            ("empty text", "  \n\n".to_string(), (0, &[])),
            ("compact array", format!("[{T},{P},{T}]"), (3, &[])),
            (
                "pretty array",
                format!("[\n  {T},\n  {{\n    \"type\": \"page\"\n  }}\n]\n"),
                (2, &[]),
            ),
            ("ndjson", format!("{T}\n{P}\n{T}\n"), (3, &[])),
            (
                "ndjson with CRLF, blank lines and BOM",
                format!("\u{feff}{T}\r\n\r\n{P}\r\n"),
                (2, &[]),
            ),
            (
                "concatenated pretty objects (debugger copies)",
                "{\n  \"type\": \"track\"\n}\n{\n  \"type\": \"page\"\n}".to_string(),
                (2, &[]),
            ),
            (
                "objects separated by commas",
                format!("{T},\n{P},\n"),
                (2, &[]),
            ),
            ("two arrays", format!("[{T}]\n[{P},{T}]"), (3, &[])),
            ("trailing comma in array", format!("[{T},{P},]"), (2, &[])),
            (
                "strings holding brackets and escaped quotes",
                r#"{"type":"track","event":"a\"}{[","x":"\\"}"#.to_string() + "\n" + T,
                (2, &[]),
            ),
            (
                "ndjson line missing its closing brace",
                format!("{T}\n{{\"type\":\"track\",\"event\":\"B\"\n{P}\n"),
                (2, &[(Some(1), 2, 27, "} is missing")]),
            ),
            (
                "ndjson line cut after a comma",
                format!("{T}\n{{\"type\":\"track\",\n{P}\n"),
                (2, &[(Some(1), 2, 15, "} is missing")]),
            ),
            (
                "ndjson line with an unclosed string",
                format!("{{\"type\":\"track\",\"event\":\"B}}\n{P}\n"),
                (1, &[(Some(0), 1, 25, "string is not closed")]),
            ),
            (
                "lone surrogate escape (JSON.parse takes it)",
                format!("{T}\n{{\"type\":\"track\",\"event\":\"A\\ud83d\"}}\n{P}\n"),
                (3, &[]),
            ),
            (
                "lone surrogate escape, then an error: its column in the text",
                format!("{T}\n{{\"type\":\"track\",\"event\":\"A\\ud83d\" x}}\n{P}\n"),
                (2, &[(Some(1), 2, 35, "expected `,` or `}`")]),
            ),
            (
                "number beyond a double",
                format!("{T}\n{{\"type\":\"track\",\"x\":-1e400}}\n{P}\n"),
                (2, &[(Some(1), 2, 26, "beyond the range of a double")]),
            ),
            (
                "ndjson garbage line",
                format!("{T}\nnot json at all\n{P}\n"),
                (2, &[(Some(1), 2, 1, "not JSON")]),
            ),
            (
                "missing comma between properties",
                format!("{T}\n{{\"type\":\"track\" \"event\":\"B\"}}\n{P}"),
                (2, &[(Some(1), 2, 17, "expected `,` or `}`")]),
            ),
            (
                "pretty array, element missing a comma",
                format!(
                    "[\n  {T},\n  {{\n    \"type\": \"track\"\n    \"event\": \"B\"\n  }},\n  {P}\n]"
                ),
                (2, &[(Some(1), 5, 5, "expected")]),
            ),
            (
                "pretty array, element missing its closing brace",
                format!(
                    "[\n  {T},\n  {{\n    \"type\": \"track\",\n    \"event\": \"B\"\n  {P}\n]"
                ),
                (2, &[(Some(1), 5, 16, "} is missing")]),
            ),
            (
                "last array element missing its closing brace",
                format!("[\n  {T},\n  {{\"type\": \"track\",\n]\n"),
                (1, &[(Some(1), 3, 18, "} is missing")]),
            ),
            (
                "array never closed",
                format!("[{T},\n{P}\n"),
                (2, &[(None, 1, 1, "not closed with ]")]),
            ),
            (
                "stray closing bracket",
                format!("{T}\n]\n{P}"),
                (2, &[(None, 2, 1, "unexpected ]")]),
            ),
            (
                "event without type",
                format!("{T}\n{{\"event\":\"x\"}}"),
                (
                    1,
                    &[(
                        Some(1),
                        2,
                        1,
                        "has no \"type\" — Segment events need one of track, page, screen, identify, group, alias",
                    )],
                ),
            ),
            (
                "type not a string",
                r#"{"type":3}"#.to_string(),
                (0, &[(Some(0), 1, 1, "\"type\" is a number")]),
            ),
            (
                "array elements that are not objects",
                format!("[{T}, 42, \"s\", null, [1]]"),
                (
                    1,
                    &[
                        (Some(1), 1, 32, "is a number, not an object"),
                        (Some(2), 1, 36, "is a string"),
                        (Some(3), 1, 41, "is null"),
                        (Some(4), 1, 47, "is an array"),
                    ],
                ),
            ),
            (
                "columns count characters, not bytes",
                "{\"type\":\"track\",\"event\":\"日本語\" x}".to_string(),
                (0, &[(Some(0), 1, 31, "expected")]),
            ),
            (
                "debugger pretty-view calls",
                format!("analytics.track('A', {{\n  x: \"(\",\n}});\n{T}\nanalytics.page()"),
                (3, &[]),
            ),
            (
                "cut off at the end",
                format!("{T}\n{{\"type\":\"page\",\"name\":"),
                (1, &[(Some(1), 2, 22, "ends where a value")]),
            ),
        ]
    }

    fn check(name: &str, got: &LoadResult, expected: &Expected) {
        let (n, errs) = expected;
        assert_eq!(got.events.len(), *n, "{name}: events {:?}", got);
        assert_eq!(
            got.errors.len(),
            errs.len(),
            "{name}: errors {:?}",
            got.errors
        );
        for (e, (index, line, column, fragment)) in got.errors.iter().zip(errs.iter()) {
            assert_eq!(
                (e.index, e.line, e.column),
                (*index, *line, *column),
                "{name}: {e}"
            );
            assert!(e.message.contains(fragment), "{name}: {e}");
        }
    }

    #[test]
    fn loads_every_format_and_locates_errors() {
        for (name, text, expected) in cases() {
            let got = parse_events(&text);
            if std::env::var_os("SHOW_EVENTS").is_some() {
                let errs: Vec<String> = got.errors.iter().map(|e| e.to_string()).collect();
                eprintln!("{name}: {} events, {errs:#?}", got.events.len());
            }
            if std::env::var_os("SHOW_EVENTS").is_none() {
                check(name, &got, &expected);
            }
        }
    }

    /// Feeding the same text in chunks split anywhere (even inside a UTF-8 character or the
    /// BOM) gives exactly what loading it whole gives.
    #[test]
    fn chunked_input_gives_the_same_result() {
        for (name, text, _) in cases() {
            let whole = parse_events(&text);
            let bytes = text.as_bytes();
            for cut in 0..=bytes.len() {
                let got = load_chunks(&[&bytes[..cut], &bytes[cut..]]);
                assert_eq!(got, whole, "{name}: split at {cut}");
            }
            let singles: Vec<&[u8]> = bytes.chunks(1).collect();
            assert_eq!(load_chunks(&singles), whole, "{name}: byte by byte");
        }
    }

    fn load_chunks(chunks: &[&[u8]]) -> LoadResult {
        let mut out = LoadResult::default();
        let mut stream = EventStream::new();
        for c in chunks {
            for item in stream.push(c) {
                out.absorb(item);
            }
        }
        for item in stream.finish() {
            out.absorb(item);
        }
        out.errors.sort_by_key(|e| (e.line, e.column));
        out
    }

    #[test]
    fn events_keep_their_index_and_line() {
        let text = format!("[\n  {T},\n  oops,\n  {P}\n]");
        let got = parse_events(&text);
        let at: Vec<(usize, usize)> = got.events.iter().map(|e| (e.index, e.line)).collect();
        assert_eq!(at, vec![(0, 2), (2, 4)]);
        assert_eq!(got.errors[0].index, Some(1));
        assert_eq!(got.events[1].value["name"], "Home");
    }

    #[test]
    fn debugger_pretty_view_calls_load_with_a_warning() {
        let text = format!(
            "analytics.track(\"Signed Up\", {{\n  plan: \"Pro\",\n  note: 'a (b) {{c}}',\n}});\n{T}\n\
             analytics.identify('u1', {{ email: 'x@y.z' }});analytics.page(\"Home\")\n\
             analytics.track('Broken', {{\n  a: 1,\n\
             analytics.alias('new', 'old')\n\
             analytics.track('E', {{ a: plan }})\n"
        );
        for got in [
            parse_events(&text),
            load_chunks(&text.as_bytes().chunks(3).collect::<Vec<_>>()),
        ] {
            let summary: Vec<(usize, usize, String)> = got
                .events
                .iter()
                .map(|e| (e.index, e.line, e.view().title()))
                .collect();
            assert_eq!(
                summary,
                vec![
                    (0, 1, "track \"Signed Up\"".to_string()),
                    (1, 5, "track \"A\"".to_string()),
                    (2, 6, "identify u1".to_string()),
                    (3, 6, "page \"Home\"".to_string()),
                    (5, 9, "alias new".to_string()),
                ]
            );
            assert_eq!(got.events[0].value["properties"]["note"], "a (b) {c}");
            assert_eq!(got.warnings.len(), 4);
            assert!(got.warnings[0].message.contains("Pretty view"));
            let errs: Vec<(Option<usize>, usize, usize)> = got
                .errors
                .iter()
                .map(|e| (e.index, e.line, e.column))
                .collect();
            assert_eq!(
                errs,
                vec![(Some(4), 8, 7), (Some(6), 10, 27)],
                "{:?}",
                got.errors
            );
            assert!(got.errors[0].message.contains("not closed"));
            assert!(got.errors[1].message.contains("is a variable"));
        }
    }

    #[test]
    fn http_api_batches_expand_into_their_calls() {
        let text = "{\"type\":\"page\"}\n{\"batch\": [\n  {\"type\":\"track\",\"event\":\"A\"},\n  \
                    {\"type\":\"identify\",\"context\":{\"ip\":\"1.1.1.1\"}},\n  {\"event\":\"x\"}\n],\n\
                    \"context\": {\"ip\":\"9.9.9.9\",\"library\":{\"name\":\"http\"}},\n\"integrations\": {\"All\": true}}\n\
                    {\"type\":\"screen\"}\n";
        for got in [
            parse_events(text),
            load_chunks(&text.as_bytes().chunks(7).collect::<Vec<_>>()),
        ] {
            let at: Vec<(usize, usize, &str)> = got
                .events
                .iter()
                .map(|e| (e.index, e.line, e.view().type_str().unwrap()))
                .collect();
            assert_eq!(
                at,
                vec![
                    (0, 1, "page"),
                    (1, 3, "track"),
                    (2, 4, "identify"),
                    (4, 9, "screen")
                ]
            );
            assert_eq!(got.events[1].value["context"]["ip"], "9.9.9.9");
            assert_eq!(got.events[1].value["integrations"]["All"], true);
            assert_eq!(got.events[2].value["context"]["ip"], "1.1.1.1");
            assert_eq!(got.events[2].value["context"]["library"]["name"], "http");
            assert_eq!(got.errors.len(), 1);
            let e = &got.errors[0];
            assert_eq!((e.index, e.line, e.column), (Some(3), 5, 3), "{e}");
            assert!(e.message.contains("has no \"type\""));
        }
        // An object with neither type nor batch is still an error, not an empty batch.
        let got = parse_events("{\"batch\": 3}");
        assert_eq!((got.events.len(), got.errors.len()), (0, 1));
    }

    #[test]
    fn unknown_types_load_with_a_warning() {
        let got = parse_events("{\"type\":\"Track\"}\n{\"type\":\"purchase\"}\n");
        assert_eq!(got.events.len(), 2);
        assert!(got.errors.is_empty());
        assert_eq!(got.warnings.len(), 2);
        assert!(got.warnings[0].message.contains("did you mean \"track\""));
        assert_eq!(got.warnings[1].line, 2);
        assert!(
            got.warnings[1]
                .message
                .contains("unknown type \"purchase\"")
        );
    }

    #[test]
    fn error_display_numbers_events_from_one() {
        let got = parse_events(&format!("{T}\n{T}\n{T}\n{{\"event\":\"x\"}}"));
        assert_eq!(
            got.errors[0].to_string(),
            "event 4 (line 4, column 1): has no \"type\" — Segment events need one of track, \
             page, screen, identify, group, alias"
        );
    }

    #[test]
    fn thousand_ndjson_lines_with_one_broken() {
        let mut text = String::new();
        for i in 0..1000 {
            if i == 500 {
                text.push_str("{\"type\":\"track\",\"event\":\"broken\"\n");
            } else {
                text.push_str(&format!("{{\"type\":\"track\",\"event\":\"e{i}\"}}\n"));
            }
        }
        let got = parse_events(&text);
        assert_eq!(got.events.len(), 999);
        assert_eq!(got.errors.len(), 1);
        assert_eq!(got.errors[0].index, Some(500));
        assert_eq!(got.errors[0].line, 501);
        assert_eq!(got.events[500].index, 501);
        assert_eq!(got.events[500].line, 502);
    }

    #[test]
    fn view_reads_common_fields() {
        let cases: &[(&str, Option<CallType>, Option<&str>, &str)] = &[
            (
                r#"{"type":"track","event":"Order Completed","userId":"u1"}"#,
                Some(CallType::Track),
                Some("Order Completed"),
                "track \"Order Completed\"",
            ),
            (
                r#"{"type":"page","name":"Home"}"#,
                Some(CallType::Page),
                Some("Home"),
                "page \"Home\"",
            ),
            (
                r#"{"type":"screen","name":"Cart"}"#,
                Some(CallType::Screen),
                Some("Cart"),
                "screen \"Cart\"",
            ),
            (
                r#"{"type":"identify","userId":"u1","anonymousId":"a"}"#,
                Some(CallType::Identify),
                None,
                "identify u1",
            ),
            (
                r#"{"type":"identify","anonymousId":"a"}"#,
                Some(CallType::Identify),
                None,
                "identify a",
            ),
            (
                r#"{"type":"group","groupId":"g1","userId":"u1"}"#,
                Some(CallType::Group),
                None,
                "group g1",
            ),
            (
                r#"{"type":"alias","userId":"u2","previousId":"u1"}"#,
                Some(CallType::Alias),
                None,
                "alias u2",
            ),
            (r#"{"type":"other"}"#, None, None, "other"),
            (r#"{"event":"x"}"#, None, None, "(no type)"),
        ];
        for (json, call, name, title) in cases {
            let v: Value = serde_json::from_str(json).unwrap();
            let view = EventView::new(&v);
            assert_eq!(view.call_type(), *call, "{json}");
            assert_eq!(view.event_name(), *name, "{json}");
            assert_eq!(view.title(), *title, "{json}");
        }
        let v: Value = serde_json::from_str(
            r#"{"type":"track","userId":"u","anonymousId":"a","messageId":"m","timestamp":"t","context":{"device":{"id":"d"}}}"#,
        )
        .unwrap();
        let view = EventView::new(&v);
        assert_eq!(
            (
                view.user_id(),
                view.anonymous_id(),
                view.message_id(),
                view.timestamp()
            ),
            (Some("u"), Some("a"), Some("m"), Some("t"))
        );
        assert_eq!(
            view.path(&["context", "device", "id"]),
            Some(&Value::from("d"))
        );
        assert_eq!(view.path(&["context", "os", "name"]), None);
    }
}

#[cfg(test)]
mod fast_scan_tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Every piece and stray error of `text` fed in chunks of the given sizes (cycled).
    fn split(text: &[u8], chunks: &[usize], fast: bool) -> (Vec<Piece>, Vec<EventError>) {
        let mut s = Splitter::new();
        s.fast = fast;
        let mut pieces = Vec::new();
        let mut at = 0;
        for &n in chunks.iter().cycle() {
            if at >= text.len() {
                break;
            }
            let end = (at + n.max(1)).min(text.len());
            pieces.extend(s.push(&text[at..end]));
            at = end;
        }
        pieces.extend(s.finish());
        // A value the splitter parsed is the parse of the piece's text (the byte-by-byte steps
        // parse nothing; pieces compare equal either way).
        for p in &pieces {
            if let Some(v) = &p.parsed.0 {
                assert_eq!(*v, serde_json::from_slice::<Value>(&p.bytes).unwrap());
                assert!(fast);
            }
        }
        (pieces, s.take_stray_errors())
    }

    /// Scanning a line's run in one loop finds exactly what the byte-by-byte steps find: the
    /// same pieces (bytes, start, broken, unclosed string and where it opened, cut off) and
    /// the same stray errors, on real events as NDJSON, as a pretty-printed array and one
    /// after another, each with and without random damage (bytes dropped, quotes, brackets,
    /// backslashes, commas, colons and line breaks put in), read whole or in odd chunks.
    #[test]
    fn one_loop_per_line_agrees_with_byte_steps() {
        let events = [
            include_str!("../../sample-events/track-order-completed-2-products.json"),
            include_str!("../../sample-events/identify-unicode-names.json"),
            include_str!("../../sample-events/page-pricing-chrome-android-client-hints.json"),
            include_str!("../../sample-events/track-nulls-and-empty-strings.json"),
        ];
        let values: Vec<serde_json::Value> = events
            .iter()
            .map(|e| serde_json::from_str(e).unwrap())
            .collect();
        let ndjson: String = values.iter().map(|v| format!("{v}\n")).collect();
        let array = serde_json::to_string_pretty(&values).unwrap();
        let pretty: String = events.iter().map(|e| format!("{e}\n")).collect();
        let specials = b"\"{}[],:\n\\ \t0e\xC3\xA9";
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |m: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % m
        };
        let mut checked = 0;
        let mut broken = 0;
        for base in [&ndjson, &array, &pretty, &format!("[{ndjson}]")] {
            for round in 0..60 {
                let mut text = base.as_bytes().to_vec();
                for _ in 0..(round % 6) {
                    let at = next(text.len());
                    if next(3) == 0 {
                        text.remove(at);
                    } else {
                        text.insert(at, specials[next(specials.len())]);
                    }
                }
                let chunks = [1 + next(4000), 1 + next(7), 1 + next(300)];
                let whole = split(&text, &[usize::MAX], true);
                let slow = split(&text, &chunks, false);
                assert_eq!(
                    whole,
                    slow,
                    "round {round}: {}",
                    String::from_utf8_lossy(&text)
                );
                assert_eq!(split(&text, &chunks, true), slow, "round {round}, chunked");
                broken += usize::from(whole.0.iter().any(|p| p.broken) || !whole.1.is_empty());
                checked += 1;
            }
        }
        assert_eq!(checked, 240);
        // Whole NDJSON lines were taken in one step, with their values.
        let mut s = Splitter::new();
        let mut pieces = s.push(ndjson.as_bytes());
        pieces.extend(s.finish());
        assert_eq!(pieces.len(), values.len());
        assert!(
            pieces
                .iter()
                .zip(&values)
                .all(|(p, v)| p.parsed.0.as_ref() == Some(v))
        );
        // The damage did make broken pieces (the fallbacks were exercised).
        assert!(broken > 100, "{broken}");
    }
}
