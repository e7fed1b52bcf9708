//! The AWS shared config and credentials files (`~/.aws/config`, `~/.aws/credentials`).
//!
//! Both files use the INI dialect that AWS tools read:
//! - `[section]` lines, with optional whitespace inside the brackets and an optional comment after them;
//! - `key = value` properties, keys and values trimmed, keys case-sensitive;
//! - comment lines starting with `#` or `;`, and comments after a value when preceded by whitespace
//!   (`region = us-east-1 # home`);
//! - indented lines continue the previous property: when its value is empty they are nested
//!   `key = value` sub-properties (as under `cognito_identity_provider =` in a `[services ...]`
//!   section), otherwise further lines of the value.
//!
//! In the config file, profiles are `[default]` and `[profile NAME]` (`[profile default]` wins over
//! `[default]`) and `[services NAME]` sections hold service-specific settings; in the credentials file
//! every section is a profile. Lines that fit none of these shapes are skipped: parsing never fails.

use std::collections::HashMap;

/// One section's properties.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Section {
    /// `key = value` properties (a key with nested sub-properties has an empty value here).
    pub(crate) properties: HashMap<String, String>,
    /// Nested sub-properties, by parent key.
    pub(crate) sub_properties: HashMap<String, HashMap<String, String>>,
}

impl Section {
    /// The value of `key`, if set and not empty.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.properties
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// The value of the sub-property `key` under `parent`, if set and not empty.
    pub(crate) fn get_sub(&self, parent: &str, key: &str) -> Option<&str> {
        self.sub_properties
            .get(parent)?
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Overlays `other` on `self`: its properties replace those of the same key.
    fn merge(&mut self, other: Section) {
        let Section {
            properties,
            mut sub_properties,
        } = other;
        for (key, value) in properties {
            match sub_properties.remove(&key) {
                Some(subs) => {
                    self.sub_properties.insert(key.clone(), subs);
                }
                None => {
                    self.sub_properties.remove(&key);
                }
            }
            self.properties.insert(key, value);
        }
    }
}

/// The profiles and `[services]` sections of a config file and a credentials file, merged.
#[derive(Clone, Debug, Default)]
pub(crate) struct ProfileSet {
    profiles: HashMap<String, Section>,
    services: HashMap<String, Section>,
}

impl ProfileSet {
    /// Builds the set from the text of the config file and the credentials file, either possibly absent.
    /// For a profile in both, the credentials file's value of a key wins.
    pub(crate) fn parse(config: Option<&str>, credentials: Option<&str>) -> ProfileSet {
        let mut set = ProfileSet::default();
        if let Some(text) = config {
            let sections = parse_ini(text);
            let has_profile_default = sections
                .iter()
                .any(|(name, _)| prefixed_name(name, "profile") == Some("default"));
            for (name, section) in sections {
                if name == "default" {
                    if !has_profile_default {
                        set.merge_profile("default", section);
                    }
                } else if let Some(profile) = prefixed_name(&name, "profile") {
                    set.merge_profile(profile, section);
                } else if let Some(services) = prefixed_name(&name, "services") {
                    set.services
                        .entry(services.to_owned())
                        .or_default()
                        .merge(section);
                }
                // Other sections (`sso-session ...`, a bare `[name]`) hold nothing read here.
            }
        }
        if let Some(text) = credentials {
            for (name, section) in parse_ini(text) {
                set.merge_profile(&name, section);
            }
        }
        set
    }

    fn merge_profile(&mut self, name: &str, section: Section) {
        self.profiles
            .entry(name.to_owned())
            .or_default()
            .merge(section);
    }

    /// The profile `name`, if either file defines it.
    pub(crate) fn profile(&self, name: &str) -> Option<&Section> {
        self.profiles.get(name)
    }

    /// The `[services name]` section, if the config file defines it.
    pub(crate) fn services(&self, name: &str) -> Option<&Section> {
        self.services.get(name)
    }
}

/// For a section named `<prefix><whitespace><name>`, the trimmed name.
fn prefixed_name<'a>(section: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = section.strip_prefix(prefix)?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let name = rest.trim();
    (!name.is_empty()).then_some(name)
}

/// Parses INI text into its sections, in file order, section names trimmed. A section that appears
/// twice appears twice. Malformed lines are skipped.
pub(crate) fn parse_ini(text: &str) -> Vec<(String, Section)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sections: Vec<(String, Section)> = Vec::new();
    // Whether lines currently belong to the last section of `sections` (false before the first section
    // and after a malformed section header, whose properties are dropped).
    let mut in_section = false;
    // The key of the last property, which indented lines continue.
    let mut last_key: Option<String> = None;

    for line in text.lines() {
        let body = line.trim_start();
        if body.is_empty() || body.starts_with('#') || body.starts_with(';') {
            continue;
        }
        let section = match sections.last_mut() {
            Some((_, section)) if in_section => Some(section),
            _ => None,
        };

        if line.starts_with(char::is_whitespace) {
            // A continuation of the previous property.
            let (Some(section), Some(key)) = (section, last_key.as_ref()) else {
                continue;
            };
            let content = strip_comment(body, true).trim();
            if content.is_empty() {
                continue;
            }
            let Some(value) = section.properties.get_mut(key) else {
                continue;
            };
            if value.is_empty() {
                if let Some((sub_key, sub_value)) = content.split_once('=') {
                    let sub_key = sub_key.trim();
                    if !sub_key.is_empty() {
                        section
                            .sub_properties
                            .entry(key.clone())
                            .or_default()
                            .insert(sub_key.to_owned(), sub_value.trim().to_owned());
                    }
                }
            } else {
                value.push('\n');
                value.push_str(content);
            }
            continue;
        }

        if body.starts_with('[') {
            last_key = None;
            match section_name(body) {
                Some(name) => {
                    sections.push((name.to_owned(), Section::default()));
                    in_section = true;
                }
                None => in_section = false,
            }
            continue;
        }

        // A property.
        last_key = None;
        let Some(section) = section else {
            continue;
        };
        let Some((key, value)) = strip_comment(body, true).split_once('=') else {
            continue;
        };
        let key = key.trim();
        if key.is_empty() {
            continue;
        }
        section.sub_properties.remove(key);
        section
            .properties
            .insert(key.to_owned(), value.trim().to_owned());
        last_key = Some(key.to_owned());
    }
    sections
}

/// The trimmed name of a `[ name ]` line, which may end with a comment; `None` when malformed.
fn section_name(line: &str) -> Option<&str> {
    let line = strip_comment(line, false).trim_end();
    let name = line.strip_prefix('[')?.strip_suffix(']')?.trim();
    let valid = !name.is_empty() && !name.contains(['[', ']']);
    valid.then_some(name)
}

/// Cuts `line` at the first `#` or `;` that starts a comment: any one, or with `need_whitespace` only
/// one preceded by whitespace.
fn strip_comment(line: &str, need_whitespace: bool) -> &str {
    let mut previous_is_space = false;
    for (i, c) in line.char_indices() {
        if (c == '#' || c == ';') && (!need_whitespace || previous_is_space) {
            return &line[..i];
        }
        previous_is_space = c.is_whitespace();
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn basic_sections_and_properties() {
        let text = "\u{feff}# leading comment\n\
                    ; another\n\
                    [default]\n\
                    region=us-east-1\n\
                    \n\
                    output = json   \n\
                    [  profile   dev  ]   # trailing comment\n\
                    region = eu-west-1 # inline comment\n\
                    endpoint_url = http://localhost:9229/#not-a-comment\n\
                    Key = Case ; comment\n\
                    key = lower\n\
                    empty =\n\
                    eq = a=b\r\n\
                    [profile dev];comment\n\
                    extra = 1\n";
        let sections = parse_ini(text);
        let names: Vec<&str> = sections.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["default", "profile   dev", "profile dev"]);
        assert_eq!(
            sections[0].1.properties,
            props(&[("region", "us-east-1"), ("output", "json")])
        );
        assert_eq!(
            sections[1].1.properties,
            props(&[
                ("region", "eu-west-1"),
                ("endpoint_url", "http://localhost:9229/#not-a-comment"),
                ("Key", "Case"),
                ("key", "lower"),
                ("empty", ""),
                ("eq", "a=b"),
            ])
        );
        assert_eq!(sections[1].1.get("empty"), None);
        assert_eq!(sections[1].1.get("Key"), Some("Case"));
        assert_eq!(sections[1].1.get("KEY"), None);
    }

    #[test]
    fn continuation_lines_and_sub_properties() {
        let text = "[services local]\n\
                    cognito_identity_provider =\n\
                    \x20 endpoint_url = http://127.0.0.1:9229\n\
                    \t# indented comment\n\
                    \x20 other = x ; note\n\
                    \x20 no-equals-sign\n\
                    cognito_identity=\n\
                    \x20   endpoint_url=http://127.0.0.1:5000\n\
                    multi = first\n\
                    \x20  second\n\
                    \x20  third # c\n\
                    after = 1\n";
        let sections = parse_ini(text);
        assert_eq!(sections.len(), 1);
        let s = &sections[0].1;
        assert_eq!(
            s.get_sub("cognito_identity_provider", "endpoint_url"),
            Some("http://127.0.0.1:9229")
        );
        assert_eq!(s.get_sub("cognito_identity_provider", "other"), Some("x"));
        assert_eq!(
            s.get_sub("cognito_identity", "endpoint_url"),
            Some("http://127.0.0.1:5000")
        );
        assert_eq!(s.get("multi"), Some("first\nsecond\nthird"));
        assert_eq!(s.get("after"), Some("1"));
        assert_eq!(s.get("cognito_identity_provider"), None);
    }

    #[test]
    fn junk_never_panics() {
        let inputs = [
            "",
            "\n\n\n",
            "[",
            "]",
            "[]",
            "[ ]",
            "[[x]]",
            "[a] junk",
            "=",
            " = ",
            "key = value",
            "  indented before any section",
            "[x]\n=value\n  = sub\n   \n",
            "[x]\n  orphan continuation\nk\n  after key without equals",
            "[x]\nk=\n  =\n  ==\n  a==b\n",
            "\u{feff}",
            "\u{feff}[x]\u{feff}\na=\u{feff}",
            "[é]\nñ = ü # ☃\n  ☃ = ☃",
            "\r\n\r[x]\r\nk=v\r",
            "[x]\n;\n#\n; ;\nk = ;\nj = #\n",
            "\0\0[\0]\n\0=\0",
            "[x\n[y]\nk=v",
        ];
        for input in inputs {
            let _ = parse_ini(input);
            let _ = ProfileSet::parse(Some(input), Some(input));
        }
        // Every prefix of a realistic file, cut at any char boundary.
        let text = "[profile a] ; c\nregion = x # y\ns3 =\n  max = 1\n[services s]\nk =\n  endpoint_url = http://h\n";
        for (i, _) in text.char_indices() {
            let _ = parse_ini(&text[..i]);
        }
        let sections = parse_ini("[x]\nk=\n  a==b\n");
        assert_eq!(sections[0].1.get_sub("k", "a"), Some("=b"));
        let sections = parse_ini("[x\n[y]\nk=v");
        assert_eq!(sections.len(), 1);
        assert_eq!(sections[0].0, "y");
        assert_eq!(sections[0].1.get("k"), Some("v"));
    }

    #[test]
    fn properties_under_malformed_section_are_dropped() {
        let sections = parse_ini("[ok]\na = 1\n[bad] junk\nb = 2\n[ok]\nc = 3\n");
        assert_eq!(sections.len(), 2);
        assert_eq!(sections[0].1.properties, props(&[("a", "1")]));
        assert_eq!(sections[1].1.properties, props(&[("c", "3")]));
    }

    #[test]
    fn config_file_profile_naming() {
        let config = "[default]\nregion = from-default\n\
                      [profile default]\nregion = from-profile-default\n\
                      [profile dev]\nregion = dev-1\n\
                      [profiledev]\nregion = wrong\n\
                      [staging]\nregion = not-a-profile-in-config\n\
                      [services svc]\ncognito_sync =\n  endpoint_url = http://sync\n\
                      [sso-session s]\nsso_region = x\n";
        let set = ProfileSet::parse(Some(config), None);
        assert_eq!(
            set.profile("default").and_then(|p| p.get("region")),
            Some("from-profile-default")
        );
        assert_eq!(
            set.profile("dev").and_then(|p| p.get("region")),
            Some("dev-1")
        );
        assert!(set.profile("profiledev").is_none());
        assert!(set.profile("staging").is_none());
        assert!(set.profile("s").is_none());
        assert_eq!(
            set.services("svc")
                .and_then(|s| s.get_sub("cognito_sync", "endpoint_url")),
            Some("http://sync")
        );

        // Without `[profile default]`, `[default]` counts.
        let set = ProfileSet::parse(Some("[default]\nregion = r\n"), None);
        assert_eq!(
            set.profile("default").and_then(|p| p.get("region")),
            Some("r")
        );
    }

    #[test]
    fn credentials_file_wins_per_key() {
        let config = "[profile dev]\nregion = dev-1\naws_access_key_id = CONFIG\n\
                      [profile dev]\noutput = json\n";
        let credentials = "[dev]\naws_access_key_id = CREDS\naws_secret_access_key = S\n\
                           [default]\naws_access_key_id = D\n";
        let set = ProfileSet::parse(Some(config), Some(credentials));
        let dev = set.profile("dev").unwrap();
        assert_eq!(dev.get("region"), Some("dev-1"));
        assert_eq!(dev.get("output"), Some("json"));
        assert_eq!(dev.get("aws_access_key_id"), Some("CREDS"));
        assert_eq!(dev.get("aws_secret_access_key"), Some("S"));
        assert_eq!(
            set.profile("default")
                .and_then(|p| p.get("aws_access_key_id")),
            Some("D")
        );
        // An empty section still defines the profile.
        let set = ProfileSet::parse(None, Some("[empty]\n"));
        assert!(set.profile("empty").is_some());
    }
}
