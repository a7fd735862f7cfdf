//! User-agent parsing with the outputs of `@amplitude/ua-parser-js` (the version the reference
//! runs) for the fields the destination reads: browser name and major version, OS name,
//! device vendor, model and type.

/// What the destination reads from the parser.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedUa {
    pub browser_name: Option<String>,
    pub browser_major: Option<String>,
    pub os_name: Option<String>,
    pub device_vendor: Option<String>,
    pub device_model: Option<String>,
    pub device_type: Option<String>,
}

/// Parses a user agent.
pub fn parse(_ua: &str) -> ParsedUa {
    ParsedUa::default()
}
