//! Turning model names into Rust names: `snake_case` fields and methods, `PascalCase` type and enum
//! variant names with acronyms written as words (`MFAOptionType` → `MfaOptionType`), as the official Rust
//! SDK and the API guidelines (C-CASE) name them. Wire names never go through here.

/// Rust keywords that need a raw identifier (`r#type`) when used as a field or method name.
const RAW_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore.
const RESERVED: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Splits a model name into words: `CallbackURLs` → `Callback`, `URLs`; `SMSMfaSettings` → `SMS`, `Mfa`,
/// `Settings`; `ALLOW_USER_SRP_AUTH` → `ALLOW`, `USER`, `SRP`, `AUTH`.
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = part.chars().collect();
        let mut word = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let prev = if i > 0 { Some(chars[i - 1]) } else { None };
            let next = chars.get(i + 1).copied();
            let after = chars.get(i + 2).copied();
            let boundary = match prev {
                None => false,
                Some(p)
                    if c.is_ascii_uppercase() && (p.is_ascii_lowercase() || p.is_ascii_digit()) =>
                {
                    true
                }
                Some(p) if c.is_ascii_uppercase() && p.is_ascii_uppercase() => {
                    // An acronym ends where a capitalised word starts (`SMSMfa`), but a plural `s` stays
                    // with its acronym (`URLs`, `ARNs`).
                    let lower_next = next.is_some_and(|n| n.is_ascii_lowercase());
                    let plural =
                        next == Some('s') && !after.is_some_and(|a| a.is_ascii_lowercase());
                    lower_next && !plural
                }
                _ => false,
            };
            if boundary && !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            word.push(c);
        }
        if !word.is_empty() {
            out.push(word);
        }
    }
    out
}

/// `UserPoolId` → `user_pool_id`, escaped when it is a keyword.
pub fn snake(name: &str) -> String {
    let joined = words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    escape(if joined.is_empty() {
        "value".to_owned()
    } else {
        joined
    })
}

/// `snake` without keyword escaping, for building longer names (`is_user_not_found_exception`).
pub fn snake_plain(name: &str) -> String {
    words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_")
}

/// The words of `name` joined in `PascalCase`, each word capitalised and the rest of it lower case.
fn pascal(name: &str) -> String {
    words(name)
        .iter()
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut cs = lower.chars();
            match cs.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// A model shape or operation name as a Rust type name, acronyms as words: `MFAOptionType` →
/// `MfaOptionType`, `GetCSVHeader` → `GetCsvHeader`, `SMSMfaSettingsType` → `SmsMfaSettingsType`.
/// Names already in that form come back unchanged (`UserType`, `OAuthFlowType`).
pub fn type_name(name: &str) -> String {
    pascal(name)
}

/// An enum value as a variant name: `FORCE_CHANGE_PASSWORD` → `ForceChangePassword`.
pub fn variant(value: &str) -> String {
    let mut out = pascal(value);
    if out.is_empty() {
        out = "Empty".to_owned();
    } else if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "Value");
    }
    if out == "Unknown" || out == "Self_" {
        out.push_str("Value");
    }
    out
}

/// Escapes a snake-case identifier that collides with a keyword.
pub fn escape(ident: String) -> String {
    if RESERVED.contains(&ident.as_str()) {
        ident + "_"
    } else if RAW_KEYWORDS.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else {
        ident
    }
}

/// The identifier without a raw prefix, for use inside strings and longer names.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// Whether `name` can be used as a Rust type name as it is.
pub fn is_type_name(name: &str) -> bool {
    const TAKEN: &[&str] = &[
        "Option", "Result", "String", "Vec", "Box", "Self", "HashMap", "Some", "None", "Ok", "Err",
    ];
    let mut cs = name.chars();
    cs.next().is_some_and(|c| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric())
        && !TAKEN.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_follows_the_official_sdk() {
        assert_eq!(snake("UserPoolId"), "user_pool_id");
        assert_eq!(snake("SMSMfaSettings"), "sms_mfa_settings");
        assert_eq!(snake("CallbackURLs"), "callback_urls");
        assert_eq!(snake("AllowedOAuthFlows"), "allowed_o_auth_flows");
        assert_eq!(snake("MFAOptions"), "mfa_options");
        assert_eq!(snake("ARN"), "arn");
        assert_eq!(snake("IdTokenValidity"), "id_token_validity");
        assert_eq!(snake("message"), "message");
        assert_eq!(snake("Type"), "r#type");
        assert_eq!(snake("Self"), "self_");
        assert_eq!(snake("S3Bucket"), "s3_bucket");
        assert_eq!(snake("AdminGetUser"), "admin_get_user");
    }

    #[test]
    fn variants_are_pascal_case() {
        assert_eq!(variant("FORCE_CHANGE_PASSWORD"), "ForceChangePassword");
        assert_eq!(
            variant("aws.cognito.signin.user.admin"),
            "AwsCognitoSigninUserAdmin"
        );
        assert_eq!(variant("client_credentials"), "ClientCredentials");
        assert_eq!(variant("String"), "String");
        assert_eq!(variant("3DES"), "Value3Des");
        assert_eq!(variant("UNKNOWN"), "UnknownValue");
        assert_eq!(variant(""), "Empty");
    }

    #[test]
    fn type_names_are_checked() {
        assert!(is_type_name("UserType"));
        assert!(!is_type_name("Option"));
        assert!(!is_type_name("lower"));
        assert!(!is_type_name("Has-Dash"));
    }
}
