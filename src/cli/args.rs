//! A small argument parser: `--flag`, `--key value`, `--key=value` and positionals.

use std::collections::BTreeMap;

/// Parsed command-line arguments of one subcommand.
#[derive(Debug, Default)]
pub struct Args {
    pub flags: Vec<String>,
    pub values: BTreeMap<String, String>,
    pub positionals: Vec<String>,
}

impl Args {
    /// Parses `args`; `with_value` lists the options that take a value (without `--`).
    pub fn parse(args: &[String], with_value: &[&str]) -> Result<Args, String> {
        let mut out = Args::default();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if let Some(name) = a.strip_prefix("--") {
                if let Some((k, v)) = name.split_once('=') {
                    out.values.insert(k.to_string(), v.to_string());
                } else if with_value.contains(&name) {
                    let v = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
                    out.values.insert(name.to_string(), v.clone());
                } else {
                    out.flags.push(name.to_string());
                }
            } else {
                out.positionals.push(a.clone());
            }
        }
        Ok(out)
    }

    /// [`Args::parse`] refusing any option other than `with_value` and `flags` (a mistyped
    /// option would otherwise be ignored without a word).
    pub fn parse_known(
        args: &[String],
        with_value: &[&str],
        flags: &[&str],
    ) -> Result<Args, String> {
        let a = Args::parse(args, with_value)?;
        let unknown = a
            .flags
            .iter()
            .find(|f| !flags.contains(&f.as_str()))
            .or_else(|| a.values.keys().find(|k| !with_value.contains(&k.as_str())));
        match unknown {
            Some(name) => Err(format!("unknown option --{name}")),
            None => Ok(a),
        }
    }

    pub fn flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f == name)
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_flags_values_and_positionals() {
        let raw: Vec<String> = ["--fql", "type = \"track\"", "--json", "a.json", "--port=9"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let a = Args::parse(&raw, &["fql", "port"]).unwrap();
        assert_eq!(a.value("fql"), Some("type = \"track\""));
        assert_eq!(a.value("port"), Some("9"));
        assert!(a.flag("json"));
        assert_eq!(a.positionals, vec!["a.json".to_string()]);
        assert!(Args::parse(&["--fql".to_string()], &["fql"]).is_err());
        // Only the options named are taken, with or without a value.
        assert!(Args::parse_known(&raw, &["fql", "port"], &["json"]).is_ok());
        for (known_values, known_flags, unknown) in [
            (&["fql", "port"][..], &[][..], "--json"),
            (&["fql"][..], &["json"][..], "--port"),
        ] {
            let e = Args::parse_known(&raw, known_values, known_flags).unwrap_err();
            assert_eq!(e, format!("unknown option {unknown}"));
        }
    }
}
