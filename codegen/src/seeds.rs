//! Operation names from the seed documents under `spec/seeds/`: Swagger 2 files that model each call as
//! `GET /?Action=Name`, and a damaged OpenAPI 3 file whose operations survive only as `X-Amz-Target`
//! values. Neither is parsed as YAML (the damaged one can't be); the generator only needs the names.

/// The operation names a seed document mentions, in order of first appearance, without duplicates.
pub fn operations(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |name: &str| {
        if !name.is_empty() && !out.iter().any(|o| o == name) {
            out.push(name.to_owned());
        }
    };
    for line in text.lines() {
        if let Some(rest) = line.trim_start().strip_prefix("/?Action=") {
            add(&ident_prefix(rest.trim_end_matches(':')));
        }
    }
    // `X-Amz-Target` values: `<Prefix>Service.<Operation>`.
    for (i, _) in text.match_indices("Service.") {
        let before = &text[..i];
        let prefix_start = before
            .rfind(|c: char| !c.is_ascii_alphanumeric())
            .map_or(0, |p| p + 1);
        if before[prefix_start..].starts_with("AWSCognito") {
            add(&ident_prefix(&text[i + "Service.".len()..]));
        }
    }
    out
}

fn ident_prefix(s: &str) -> String {
    s.chars().take_while(char::is_ascii_alphanumeric).collect()
}

/// Checks that every seed operation is an operation of some service document, and returns the first
/// missing one with the seed file that names it.
pub fn first_missing<'a>(
    seeds: &'a [(String, Vec<String>)],
    known: &[String],
) -> Option<(&'a str, &'a str)> {
    seeds.iter().find_map(|(file, ops)| {
        ops.iter()
            .find(|op| !known.contains(op))
            .map(|op| (file.as_str(), op.as_str()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swagger_actions_are_found() {
        let yaml =
            "paths:\n  /?Action=AddCustomAttributes:\n    get:\n  /?Action=AdminAddUserToGroup:\n";
        assert_eq!(
            operations(yaml),
            vec!["AddCustomAttributes", "AdminAddUserToGroup"]
        );
    }

    #[test]
    fn damaged_targets_are_found() {
        let text = "enum: - AWSCognitoIdentityProviderService.AdminGetUser X-Amz-Target: \
                    AWSCognitoIdentityProviderService.SignUp description: AWSCognitoIdentityProviderService.SignUp";
        assert_eq!(operations(text), vec!["AdminGetUser", "SignUp"]);
    }

    #[test]
    fn missing_operations_are_named() {
        let seeds = vec![("a.txt".to_owned(), vec!["X".to_owned(), "Y".to_owned()])];
        assert_eq!(
            first_missing(&seeds, &["X".to_owned()]),
            Some(("a.txt", "Y"))
        );
        assert_eq!(
            first_missing(&seeds, &["X".to_owned(), "Y".to_owned()]),
            None
        );
    }
}
