//! Segment source debugger's "Pretty view": an approximate recreation of the call that sent the
//! event, e.g. `analytics.track("Signed Up", { plan: "Pro" });` (analytics.js) or
//! `analytics.track({ userId: "u1", event: "Signed Up" })` (server libraries). People copy it by
//! mistake instead of the "Raw view" JSON; we turn it into a minimal event (no context, ids or
//! timestamps) and say so.
//!
//! Arguments are JavaScript literals: JSON plus unquoted keys, single-quoted and template
//! strings, trailing commas, comments, `undefined` and `new Date("…")`.

use serde_json::{Map, Value};

/// The call methods that map to Segment call types.
const METHODS: [&str; 6] = ["track", "page", "screen", "identify", "group", "alias"];

/// Whether `text` starts like a debugger pretty-view call (`something.track(`).
pub(super) fn looks_like_call(text: &[u8]) -> bool {
    let Some(open) = text.iter().position(|&b| b == b'(') else {
        return false;
    };
    let head = text[..open].trim_ascii();
    let Some(dot) = head.iter().rposition(|&b| b == b'.') else {
        return false;
    };
    let receiver = &head[..dot];
    let method = &head[dot + 1..];
    !receiver.is_empty()
        && receiver
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$' | b'.'))
        && METHODS.iter().any(|m| m.as_bytes() == method)
}

/// Parses one call into an event, or says why it cannot, with a byte offset into `text`.
pub(super) fn parse_call(text: &str) -> Result<Value, (usize, String)> {
    let open = text
        .find('(')
        .ok_or((0, "expected a call like analytics.track(…)".to_string()))?;
    let head = text[..open].trim();
    let method = head.rsplit('.').next().unwrap_or(head);
    let mut p = Parser {
        s: text.as_bytes(),
        i: open,
    };
    let mut args = Vec::new();
    p.list(b')', |p| {
        args.push(p.value()?);
        Ok(())
    })?;
    p.skip_ws()?;
    p.eat(b';');
    p.skip_ws()?;
    if p.i < p.s.len() {
        return Err((p.i, "unexpected text after the call".to_string()));
    }
    Ok(build_event(method, args))
}

fn build_event(method: &str, args: Vec<Value>) -> Value {
    let mut ev = Map::new();
    ev.insert("type".into(), Value::from(method));
    let mut args: Vec<Value> = args.into_iter().filter(|a| !a.is_null()).collect();
    // Server libraries take one object holding the whole message.
    if let [Value::Object(obj)] = args.as_slice()
        && [
            "userId",
            "anonymousId",
            "event",
            "name",
            "traits",
            "properties",
            "groupId",
            "previousId",
        ]
        .iter()
        .any(|k| obj.contains_key(*k))
    {
        for (k, v) in obj {
            ev.insert(k.clone(), v.clone());
        }
        return Value::Object(ev);
    }
    // analytics.js signatures: leading strings are positional ids/names, then an object of
    // properties/traits, then an options object.
    let strings: Vec<Value> = args
        .iter()
        .take_while(|a| !a.is_object())
        .cloned()
        .collect();
    args.drain(..strings.len());
    let names: &[&str] = match (method, strings.len()) {
        ("track", _) => &["event"],
        ("page" | "screen", 1) => &["name"],
        ("page" | "screen", _) => &["category", "name"],
        ("identify", _) => &["userId"],
        ("group", _) => &["groupId"],
        ("alias", _) => &["userId", "previousId"],
        _ => &[],
    };
    for (k, v) in names.iter().zip(strings) {
        ev.insert((*k).to_string(), v);
    }
    let mut objects = args.into_iter();
    if let Some(first) = objects.next() {
        let key = match method {
            "identify" | "group" => "traits",
            _ => "properties",
        };
        ev.insert(key.into(), first);
    }
    if let Some(Value::Object(options)) = objects.next() {
        for k in [
            "anonymousId",
            "userId",
            "timestamp",
            "context",
            "integrations",
        ] {
            if let Some(v) = options.get(k) {
                ev.entry(k.to_string()).or_insert_with(|| v.clone());
            }
        }
    }
    Value::Object(ev)
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

type Res<T> = Result<T, (usize, String)>;

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn err<T>(&self, msg: &str) -> Res<T> {
        if self.i >= self.s.len() {
            return Err((
                self.i,
                "the call is not closed — a ) or } is missing".to_string(),
            ));
        }
        Err((self.i, msg.to_string()))
    }

    fn skip_ws(&mut self) -> Res<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.i += 1,
                Some(b'/') if self.s.get(self.i + 1) == Some(&b'/') => {
                    while self.peek().is_some_and(|b| b != b'\n') {
                        self.i += 1;
                    }
                }
                Some(b'/') if self.s.get(self.i + 1) == Some(&b'*') => {
                    let rest = &self.s[self.i + 2..];
                    match rest.windows(2).position(|w| w == b"*/") {
                        Some(p) => self.i += p + 4,
                        None => return self.err("comment not closed"),
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn value(&mut self) -> Res<Value> {
        self.skip_ws()?;
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(q @ (b'"' | b'\'' | b'`')) => self.string(q).map(Value::String),
            Some(b'-' | b'+' | b'.' | b'0'..=b'9') => self.number(),
            Some(b) if b.is_ascii_alphabetic() || b == b'_' || b == b'$' => {
                let word = self.ident();
                match word.as_str() {
                    "true" => Ok(Value::Bool(true)),
                    "false" => Ok(Value::Bool(false)),
                    "null" | "undefined" => Ok(Value::Null),
                    "new" => {
                        self.skip_ws()?;
                        let class = self.ident();
                        self.skip_ws()?;
                        if class != "Date" || !self.eat(b'(') {
                            return self.err("only new Date(…) is understood here");
                        }
                        let v = self.value()?;
                        self.skip_ws()?;
                        if !self.eat(b')') {
                            return self.err("expected ) after the date");
                        }
                        Ok(v)
                    }
                    _ => Err((
                        self.i - word.len(),
                        format!("`{word}` is a variable; paste the event's values instead"),
                    )),
                }
            }
            Some(_) => self.err("expected a value"),
            None => self.err("expected a value"),
        }
    }

    fn ident(&mut self) -> String {
        let start = self.i;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80)
        {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.i]).into_owned()
    }

    fn object(&mut self) -> Res<Value> {
        let mut map = Map::new();
        self.list(b'}', |p| {
            let key = match p.peek() {
                Some(q @ (b'"' | b'\'' | b'`')) => p.string(q)?,
                Some(b'0'..=b'9') => match p.number()? {
                    Value::Number(n) => n.to_string(),
                    _ => return p.err("expected a key"),
                },
                Some(b) if b.is_ascii_alphabetic() || b == b'_' || b == b'$' || b >= 0x80 => {
                    p.ident()
                }
                _ => return p.err("expected a key or }"),
            };
            p.skip_ws()?;
            if !p.eat(b':') {
                return p.err("expected : after the key");
            }
            let start = p.i;
            let v = p.value()?;
            // `undefined` members disappear, as JSON.stringify would drop them.
            if p.s[start..p.i].trim_ascii() != b"undefined" {
                map.insert(key, v);
            }
            Ok(())
        })?;
        Ok(Value::Object(map))
    }

    fn array(&mut self) -> Res<Value> {
        let mut items = Vec::new();
        self.list(b']', |p| {
            items.push(p.value()?);
            Ok(())
        })?;
        Ok(Value::Array(items))
    }

    /// Reads `item, item, …close` (trailing comma allowed) after the opening bracket.
    fn list(&mut self, close: u8, mut item: impl FnMut(&mut Self) -> Res<()>) -> Res<()> {
        self.i += 1;
        loop {
            self.skip_ws()?;
            if self.eat(close) {
                return Ok(());
            }
            item(self)?;
            self.skip_ws()?;
            if self.eat(close) {
                return Ok(());
            }
            if !self.eat(b',') {
                return self.err(&format!("expected , or {}", close as char));
            }
        }
    }

    fn string(&mut self, quote: u8) -> Res<String> {
        let start = self.i;
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(b) = self.peek() else {
                return Err((start, "string not closed".to_string()));
            };
            self.i += 1;
            match b {
                _ if b == quote => break,
                b'\n' if quote != b'`' => {
                    return Err((start, "string not closed before the end of the line".into()));
                }
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return self.err("string not closed");
                    };
                    self.i += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'r' => out.push(b'\r'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'0' => out.push(0),
                        b'u' => {
                            let c = self.unicode_escape()?;
                            let mut buf = [0; 4];
                            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        }
                        other => out.push(other),
                    }
                }
                _ => out.push(b),
            }
        }
        String::from_utf8(out).map_err(|_| (start, "string is not valid UTF-8".to_string()))
    }

    fn hex4(&mut self) -> Res<u32> {
        let digits = self.s.get(self.i..self.i + 4).unwrap_or_default();
        let text = std::str::from_utf8(digits).unwrap_or("");
        let v = u32::from_str_radix(text, 16).or_else(|_| self.err("bad \\u escape"))?;
        self.i += 4;
        Ok(v)
    }

    fn unicode_escape(&mut self) -> Res<char> {
        let hi = self.hex4()?;
        if (0xD800..0xDC00).contains(&hi) && self.s.get(self.i..self.i + 2) == Some(b"\\u") {
            let save = self.i;
            self.i += 2;
            let lo = self.hex4()?;
            if (0xDC00..0xE000).contains(&lo) {
                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                return Ok(char::from_u32(c).unwrap_or('\u{FFFD}'));
            }
            self.i = save;
        }
        // A lone surrogate is kept as its stand-in, as JavaScript keeps it.
        Ok(crate::engine::js::utf16::unit_char(hi as u16))
    }

    fn number(&mut self) -> Res<Value> {
        let start = self.i;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.' | b'_'))
        {
            self.i += 1;
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("");
        let text = text.strip_prefix('+').unwrap_or(text).replace('_', "");
        let json = match text.as_str() {
            t if t.starts_with('.') => format!("0{t}"),
            t if t.starts_with("-.") => format!("-0{}", &t[1..]),
            t if t.ends_with('.') => format!("{t}0"),
            t => t.to_string(),
        };
        serde_json::from_str::<Value>(&json)
            .ok()
            .filter(Value::is_number)
            .ok_or((start, format!("`{text}` is not a number")))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn calls_become_events() {
        let cases: &[(&str, Value)] = &[
            (
                "analytics.track(\"Signed Up\", {\n  plan: 'Pro',\n  trial_days: 14,\n});",
                json!({"type": "track", "event": "Signed Up", "properties": {"plan": "Pro", "trial_days": 14}}),
            ),
            (
                "analytics.track('Clicked')",
                json!({"type": "track", "event": "Clicked"}),
            ),
            (
                "analytics.page('Docs', 'Setup', { path: '/docs/setup' })",
                json!({"type": "page", "category": "Docs", "name": "Setup", "properties": {"path": "/docs/setup"}}),
            ),
            ("analytics.page()", json!({"type": "page"})),
            (
                "analytics.screen(\"Home\")",
                json!({"type": "screen", "name": "Home"}),
            ),
            (
                "analytics.identify('u1', { email: \"a@b.c\", \"first name\": `Jo`, age: -3.5e1 })",
                json!({"type": "identify", "userId": "u1", "traits": {"email": "a@b.c", "first name": "Jo", "age": -35.0}}),
            ),
            (
                "analytics.identify({ plan: 'pro' })",
                json!({"type": "identify", "traits": {"plan": "pro"}}),
            ),
            (
                "analytics.group('g1', { employees: 10 })",
                json!({"type": "group", "groupId": "g1", "traits": {"employees": 10}}),
            ),
            (
                "analytics.alias('new', 'old')",
                json!({"type": "alias", "userId": "new", "previousId": "old"}),
            ),
            (
                "analytics.track({ userId: 'u1', event: 'Renewed', properties: { n: 1 }, timestamp: new Date('2024-03-15T00:00:00Z') })",
                json!({"type": "track", "userId": "u1", "event": "Renewed", "properties": {"n": 1}, "timestamp": "2024-03-15T00:00:00Z"}),
            ),
            (
                "window.analytics.track('E', { a: undefined, b: null, c: [1, 'x',], d: .5 }, { context: { ip: '1.2.3.4' }, integrations: { All: false } })",
                json!({"type": "track", "event": "E", "properties": {"b": null, "c": [1, "x"], "d": 0.5}, "context": {"ip": "1.2.3.4"}, "integrations": {"All": false}}),
            ),
            (
                "analytics.track('E', /* note */ { // comment\n emoji: '\\u00e9\\ud83d\\ude00 😀' })",
                json!({"type": "track", "event": "E", "properties": {"emoji": "é😀 😀"}}),
            ),
        ];
        for (text, expected) in cases {
            assert!(looks_like_call(text.as_bytes()), "{text}");
            assert_eq!(parse_call(text).as_ref(), Ok(expected), "{text}");
        }
    }

    #[test]
    fn errors_point_at_the_problem() {
        let cases: &[(&str, usize, &str)] = &[
            ("analytics.track('E', { a: 1 b: 2 })", 28, "expected , or }"),
            ("analytics.track('E', { a: plan })", 26, "is a variable"),
            ("analytics.track('E', { a: 'x })", 26, "not closed"),
            ("analytics.track('E') extra", 21, "unexpected text"),
        ];
        for (text, at, fragment) in cases {
            let (i, msg) = parse_call(text).unwrap_err();
            assert_eq!(i, *at, "{text}: {msg}");
            assert!(msg.contains(fragment), "{text}: {msg}");
        }
        for text in [
            "analytics.send('x')",
            "track('x')",
            "hello world",
            "a.b.c(1)",
        ] {
            assert!(!looks_like_call(text.as_bytes()), "{text}");
        }
    }
}
