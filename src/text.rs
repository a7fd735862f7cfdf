//! Numbers written for people, shared by the commands and the app.

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` and the noun that goes with it: `1 request`, `2 requests`, `1,200 requests`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        thousands(n as u64),
        if n == 1 { one } else { many }
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands() {
        for (n, s) in [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (200_000, "200,000"),
            (1_234_567, "1,234,567"),
        ] {
            assert_eq!(super::thousands(n), s);
        }
    }

    #[test]
    fn count() {
        assert_eq!(super::count(0, "event", "events"), "0 events");
        assert_eq!(super::count(1, "event", "events"), "1 event");
        assert_eq!(super::count(1200, "entry", "entries"), "1,200 entries");
    }
}
