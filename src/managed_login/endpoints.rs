//! Where a user pool's OAuth endpoints are: two origins kept apart by their types.
//!
//! - The [`Issuer`], `https://cognito-idp.{region}.amazonaws.com/{userPoolId}`, names the tokens
//!   (`iss`) and serves the discovery document and the JWKS.
//! - The [`Domain`], a prefix domain `https://{prefix}.auth.{region}.amazoncognito.com` or a custom
//!   domain, serves `/oauth2/authorize`, `/oauth2/token`, `/oauth2/userInfo`, `/oauth2/revoke` and
//!   `/logout` ([`Endpoints`]).
//!
//! Neither converts into the other, so an endpoint cannot be built on the issuer's origin, nor a token
//! checked against the domain.

use std::fmt;

use serde_json::{Map, Value};

use super::error::{clip, ManagedLoginError};

/// The issuer of a user pool's tokens, `https://cognito-idp.{region}.amazonaws.com/{userPoolId}`
/// (`amazonaws.com.cn` in China regions), without a trailing `/`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Issuer {
    url: String,
}

impl Issuer {
    /// The issuer of pool `pool_id` in `region`.
    ///
    /// # Errors
    /// [`ManagedLoginError::InvalidConfig`] for a region or pool id that cannot be part of the URL.
    pub fn for_pool(region: &str, pool_id: &str) -> Result<Issuer, ManagedLoginError> {
        check_region(region)?;
        let pool_ok = !pool_id.is_empty()
            && pool_id.len() <= 55
            && pool_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !pool_ok {
            return Err(ManagedLoginError::InvalidConfig(format!(
                "`{}` is not a user pool id",
                clip(pool_id)
            )));
        }
        let domain = if region.starts_with("cn-") {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        };
        Ok(Issuer {
            url: format!("https://cognito-idp.{region}.{domain}/{pool_id}"),
        })
    }

    /// An issuer at another address: an emulator, or a local stand-in. It must be `https`, or `http`
    /// to a loopback host (`localhost`, `127.0.0.0/8`, `[::1]`): the issuer's origin serves the keys
    /// that decide which tokens are genuine.
    ///
    /// # Errors
    /// [`ManagedLoginError::InvalidConfig`] for anything else, or a URL with a query or fragment.
    pub fn custom(url: &str) -> Result<Issuer, ManagedLoginError> {
        let parsed = check_url(url, "issuer")?;
        Ok(Issuer {
            url: parsed.as_str().trim_end_matches('/').to_owned(),
        })
    }

    /// The issuer, as `iss` carries it.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// `{issuer}/.well-known/openid-configuration`.
    pub fn discovery_url(&self) -> String {
        format!("{}/.well-known/openid-configuration", self.url)
    }

    /// `{issuer}/.well-known/jwks.json`.
    pub fn jwks_url(&self) -> String {
        format!("{}/.well-known/jwks.json", self.url)
    }
}

impl fmt::Debug for Issuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Issuer").field(&self.url).finish()
    }
}

impl fmt::Display for Issuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

/// The user pool's domain: the origin of the managed-login pages and OAuth endpoints.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Domain {
    /// `scheme://host[:port]`, no path, no trailing `/`.
    origin: String,
}

impl Domain {
    /// A prefix domain: `https://{prefix}.auth.{region}.amazoncognito.com`. (For a partition whose
    /// prefix domains live elsewhere, use [`Domain::custom`] with the full host name, or discovery.)
    ///
    /// # Errors
    /// [`ManagedLoginError::InvalidConfig`] when `prefix` is not lower-case letters, digits and `-`
    /// (1–63, not at either end), or `region` is not a region name.
    pub fn prefix(prefix: &str, region: &str) -> Result<Domain, ManagedLoginError> {
        check_region(region)?;
        let ok = !prefix.is_empty()
            && prefix.len() <= 63
            && prefix
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !prefix.starts_with('-')
            && !prefix.ends_with('-');
        if !ok {
            return Err(ManagedLoginError::InvalidConfig(format!(
                "`{}` is not a domain prefix (lower-case letters, digits and `-`)",
                clip(prefix)
            )));
        }
        Ok(Domain {
            origin: format!("https://{prefix}.auth.{region}.amazoncognito.com"),
        })
    }

    /// A custom domain such as `https://auth.example.com`, or a bare host name (`https` is assumed).
    /// `http` is accepted for loopback hosts only (a local stand-in). A path is not allowed: the
    /// endpoints are at fixed paths of the origin.
    ///
    /// # Errors
    /// [`ManagedLoginError::InvalidConfig`] for anything else.
    pub fn custom(domain: &str) -> Result<Domain, ManagedLoginError> {
        let with_scheme = if domain.contains("://") {
            domain.to_owned()
        } else {
            format!("https://{domain}")
        };
        let parsed = check_url(&with_scheme, "domain")?;
        if parsed.path() != "/" {
            return Err(ManagedLoginError::InvalidConfig(format!(
                "the domain `{}` has a path; give the origin only",
                clip(domain)
            )));
        }
        Ok(Domain {
            origin: parsed.origin().ascii_serialization(),
        })
    }

    /// The origin, `https://host[:port]`.
    pub fn as_str(&self) -> &str {
        &self.origin
    }

    /// The endpoints on this domain.
    pub fn endpoints(&self) -> Endpoints {
        let at = |path: &str| format!("{}{path}", self.origin);
        Endpoints {
            authorize: at("/oauth2/authorize"),
            token: at("/oauth2/token"),
            userinfo: at("/oauth2/userInfo"),
            revoke: at("/oauth2/revoke"),
            logout: at("/logout"),
        }
    }
}

impl fmt::Debug for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Domain").field(&self.origin).finish()
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origin)
    }
}

/// The endpoints of a [`Domain`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    authorize: String,
    token: String,
    userinfo: String,
    revoke: String,
    logout: String,
}

impl Endpoints {
    /// `/oauth2/authorize`.
    pub fn authorize(&self) -> &str {
        &self.authorize
    }
    /// `/oauth2/token`.
    pub fn token(&self) -> &str {
        &self.token
    }
    /// `/oauth2/userInfo`.
    pub fn userinfo(&self) -> &str {
        &self.userinfo
    }
    /// `/oauth2/revoke`.
    pub fn revoke(&self) -> &str {
        &self.revoke
    }
    /// `/logout`.
    pub fn logout(&self) -> &str {
        &self.logout
    }
}

/// What a user pool's discovery document (`{issuer}/.well-known/openid-configuration`) says, checked:
/// the issuer is the expected one and every endpoint lives on one domain.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Discovery {
    /// `issuer`.
    pub issuer: Issuer,
    /// The origin of `authorization_endpoint`, `token_endpoint` and `userinfo_endpoint`.
    pub domain: Domain,
    /// `jwks_uri`.
    pub jwks_uri: String,
    /// `scopes_supported`.
    pub scopes_supported: Vec<String>,
    /// `token_endpoint_auth_methods_supported`.
    pub token_endpoint_auth_methods_supported: Vec<String>,
}

impl Discovery {
    /// Reads and checks a discovery document against the `expected` issuer.
    pub(crate) fn parse(body: &[u8], expected: &Issuer) -> Result<Discovery, ManagedLoginError> {
        let bad = |reason: String| ManagedLoginError::Discovery(reason);
        let doc: Map<String, Value> = serde_json::from_slice(body)
            .map_err(|e| bad(format!("the document is not a JSON object: {e}")))?;
        let text = |name: &str| -> Result<Option<&str>, ManagedLoginError> {
            match doc.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.as_str())),
                Some(_) => Err(bad(format!("`{name}` is not a string"))),
            }
        };
        let list = |name: &str| -> Vec<String> {
            match doc.get(name) {
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            }
        };
        let issuer = text("issuer")?.ok_or_else(|| bad("no `issuer`".to_owned()))?;
        if issuer.trim_end_matches('/') != expected.as_str() {
            return Err(bad(format!(
                "the document names the issuer `{}`, not `{}`",
                clip(issuer),
                expected
            )));
        }
        let authorize = text("authorization_endpoint")?.ok_or_else(|| {
            bad("no `authorization_endpoint`: the user pool has no domain".to_owned())
        })?;
        let domain = endpoint_domain(authorize, "/oauth2/authorize")?;
        for (name, path) in [
            ("token_endpoint", "/oauth2/token"),
            ("userinfo_endpoint", "/oauth2/userInfo"),
            ("revocation_endpoint", "/oauth2/revoke"),
            ("end_session_endpoint", "/logout"),
        ] {
            if let Some(url) = text(name)? {
                if endpoint_domain(url, path)? != domain {
                    return Err(bad(format!(
                        "`{name}` ({}) is not on the domain of the authorization endpoint ({domain})",
                        clip(url)
                    )));
                }
            }
        }
        let jwks_uri = text("jwks_uri")?
            .map(str::to_owned)
            .unwrap_or_else(|| expected.jwks_url());
        Ok(Discovery {
            issuer: expected.clone(),
            domain,
            jwks_uri,
            scopes_supported: list("scopes_supported"),
            token_endpoint_auth_methods_supported: list("token_endpoint_auth_methods_supported"),
        })
    }
}

/// The domain of an endpoint URL that must end in `path`.
fn endpoint_domain(url: &str, path: &str) -> Result<Domain, ManagedLoginError> {
    let parsed = check_url(url, "endpoint").map_err(|e| match e {
        ManagedLoginError::InvalidConfig(reason) => ManagedLoginError::Discovery(reason),
        other => other,
    })?;
    if !parsed.path().eq_ignore_ascii_case(path) {
        return Err(ManagedLoginError::Discovery(format!(
            "the endpoint `{}` is not at `{path}` of its domain",
            clip(url)
        )));
    }
    Ok(Domain {
        origin: parsed.origin().ascii_serialization(),
    })
}

fn check_region(region: &str) -> Result<(), ManagedLoginError> {
    crate::config::validate_region(region).map_err(|_| {
        ManagedLoginError::InvalidConfig(format!("`{}` is not a region", clip(region)))
    })
}

/// An absolute `https` URL, or `http` to a loopback host; no user information, query or fragment.
fn check_url(url: &str, what: &str) -> Result<url::Url, ManagedLoginError> {
    let invalid = |reason: &str| {
        ManagedLoginError::InvalidConfig(format!("{what} `{}`: {reason}", clip(url)))
    };
    let parsed = url::Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
    let host = parsed
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| invalid("no host"))?;
    match parsed.scheme() {
        "https" => {}
        "http" if crate::endpoint::is_loopback_host(host) => {}
        "http" => return Err(invalid("plain http is allowed to a loopback host only")),
        _ => return Err(invalid("the scheme must be https")),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid("user information is not allowed"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("a query or fragment is not allowed"));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_and_domain_live_on_different_origins() {
        let issuer = Issuer::for_pool("eu-west-1", "eu-west-1_AbC123").expect("issuer");
        assert_eq!(
            issuer.as_str(),
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"
        );
        assert_eq!(
            issuer.discovery_url(),
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/openid-configuration"
        );
        let domain = Domain::prefix("my-app", "eu-west-1").expect("domain");
        let endpoints = domain.endpoints();
        assert_eq!(
            endpoints.token(),
            "https://my-app.auth.eu-west-1.amazoncognito.com/oauth2/token"
        );
        assert_eq!(
            endpoints.userinfo(),
            "https://my-app.auth.eu-west-1.amazoncognito.com/oauth2/userInfo"
        );
        assert_eq!(
            endpoints.logout(),
            "https://my-app.auth.eu-west-1.amazoncognito.com/logout"
        );
        assert_eq!(
            Issuer::for_pool("cn-north-1", "cn-north-1_X")
                .expect("issuer")
                .as_str(),
            "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_X"
        );
    }

    #[test]
    fn bad_settings_are_refused() {
        assert!(Domain::prefix("My_App", "eu-west-1").is_err());
        assert!(Domain::prefix("-x", "eu-west-1").is_err());
        assert!(Domain::prefix("x", "eu west").is_err());
        assert!(Issuer::for_pool("eu-west-1", "pool/../x").is_err());
        assert!(Domain::custom("http://auth.example.com").is_err());
        assert!(Domain::custom("https://auth.example.com/base").is_err());
        assert!(Domain::custom("https://user:pw@auth.example.com").is_err());
        assert!(Domain::custom("ftp://auth.example.com").is_err());
        assert_eq!(
            Domain::custom("auth.example.com")
                .expect("bare host")
                .as_str(),
            "https://auth.example.com"
        );
        assert_eq!(
            Domain::custom("http://127.0.0.1:8080/")
                .expect("loopback")
                .as_str(),
            "http://127.0.0.1:8080"
        );
        assert!(Issuer::custom("http://10.0.0.1/pool").is_err());
        assert!(Issuer::custom("http://[::1]:9/pool").is_ok());
    }

    #[test]
    fn discovery_is_checked() {
        let issuer = Issuer::for_pool("us-east-1", "us-east-1_X").expect("issuer");
        let doc = serde_json::json!({
            "issuer": issuer.as_str(),
            "authorization_endpoint": "https://x.auth.us-east-1.amazoncognito.com/oauth2/authorize",
            "token_endpoint": "https://x.auth.us-east-1.amazoncognito.com/oauth2/token",
            "userinfo_endpoint": "https://x.auth.us-east-1.amazoncognito.com/oauth2/userInfo",
            "jwks_uri": format!("{}/.well-known/jwks.json", issuer.as_str()),
            "scopes_supported": ["openid", "email"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        });
        let found = Discovery::parse(doc.to_string().as_bytes(), &issuer).expect("valid");
        assert_eq!(
            found.domain.as_str(),
            "https://x.auth.us-east-1.amazoncognito.com"
        );
        assert_eq!(found.scopes_supported, ["openid", "email"]);

        let mut other_issuer = doc.clone();
        other_issuer["issuer"] = "https://evil.example/pool".into();
        let mut split = doc.clone();
        split["token_endpoint"] = "https://elsewhere.example/oauth2/token".into();
        let mut no_domain = doc.clone();
        no_domain
            .as_object_mut()
            .map(|m| m.remove("authorization_endpoint"));
        for (bad, why) in [
            (other_issuer, "another issuer"),
            (split, "two origins"),
            (no_domain, "no domain"),
            (serde_json::json!([1]), "not an object"),
        ] {
            assert!(
                matches!(
                    Discovery::parse(bad.to_string().as_bytes(), &issuer),
                    Err(ManagedLoginError::Discovery(_))
                ),
                "{why}"
            );
        }
        assert!(Discovery::parse(b"<html>", &issuer).is_err());
    }
}
