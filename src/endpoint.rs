//! Which service is called, and at which URL.
//!
//! Every client resolves its endpoint from a [`Config`]: an endpoint URL override (per service, then
//! global) wins; otherwise the URL is the service's regional AWS endpoint,
//! `https://{prefix}[-fips].{region}.amazonaws.com` (`amazonaws.com.cn` in the China regions).

use std::fmt;

use crate::config::{Config, ConfigError};

/// One of the three Cognito services this crate talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServiceId {
    /// Cognito user pools (`cognito-idp`, "Cognito Identity Provider").
    CognitoIdp,
    /// Cognito identity pools (`cognito-identity`, "Cognito Identity").
    CognitoIdentity,
    /// Cognito Sync (`cognito-sync`).
    CognitoSync,
}

impl ServiceId {
    /// Every service, in a stable order.
    pub(crate) const ALL: &'static [ServiceId] = &[
        ServiceId::CognitoIdp,
        ServiceId::CognitoIdentity,
        ServiceId::CognitoSync,
    ];

    /// The first label of the service's host name: `cognito-idp`, `cognito-identity` or `cognito-sync`.
    pub const fn endpoint_prefix(self) -> &'static str {
        match self {
            ServiceId::CognitoIdp => "cognito-idp",
            ServiceId::CognitoIdentity => "cognito-identity",
            ServiceId::CognitoSync => "cognito-sync",
        }
    }

    /// The service name used in SigV4 signatures (the credential scope).
    pub const fn signing_name(self) -> &'static str {
        match self {
            ServiceId::CognitoIdp => "cognito-idp",
            ServiceId::CognitoIdentity => "cognito-identity",
            ServiceId::CognitoSync => "cognito-sync",
        }
    }

    /// The suffix of the service-specific endpoint variable, as in
    /// `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`.
    ///
    /// Lower-cased, the same name is the service's key in a `[services ...]` section of the shared
    /// config file (`cognito_identity_provider`).
    pub const fn env_suffix(self) -> &'static str {
        match self {
            ServiceId::CognitoIdp => "COGNITO_IDENTITY_PROVIDER",
            ServiceId::CognitoIdentity => "COGNITO_IDENTITY",
            ServiceId::CognitoSync => "COGNITO_SYNC",
        }
    }
}

impl fmt::Display for ServiceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.endpoint_prefix())
    }
}

/// Where to send a service's requests, and the region to sign them for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ResolvedEndpoint {
    /// Scheme, host, optional port and optional path prefix; never a trailing `/`.
    pub url: String,
    /// The SigV4 signing region.
    pub region: String,
}

/// The region used for signing when an endpoint override is set but no region is (local emulators
/// accept any region).
const OVERRIDE_DEFAULT_REGION: &str = "us-east-1";

/// Resolves the endpoint of `service` under `config`.
///
/// An endpoint override (per service, then global) wins; its region is the configured one, or
/// `us-east-1` when none is. Otherwise the URL is built from the region, which must then be set.
pub(crate) fn resolve(
    config: &Config,
    service: ServiceId,
) -> Result<ResolvedEndpoint, ConfigError> {
    if let Some(url) = config.endpoint_url_for(service) {
        let url = validate_endpoint_url(url)?;
        let region = match config.region() {
            Some(region) => {
                validate_region(region)?;
                region.to_owned()
            }
            None => OVERRIDE_DEFAULT_REGION.to_owned(),
        };
        return Ok(ResolvedEndpoint { url, region });
    }
    let region = config
        .region()
        .ok_or(ConfigError::MissingRegion { service })?;
    validate_region(region)?;
    let dns_suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    let fips = if config.use_fips() { "-fips" } else { "" };
    Ok(ResolvedEndpoint {
        url: format!(
            "https://{}{fips}.{region}.{dns_suffix}",
            service.endpoint_prefix()
        ),
        region: region.to_owned(),
    })
}

/// Checks that `region` can safely go into a host name and a credential scope: ASCII letters, digits and
/// `-`, not at either end, at most 63 characters.
pub(crate) fn validate_region(region: &str) -> Result<(), ConfigError> {
    let valid = !region.is_empty()
        && region.len() <= 63
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if valid {
        Ok(())
    } else {
        Err(ConfigError::InvalidRegion {
            region: region.to_owned(),
        })
    }
}

/// Checks an endpoint URL override and returns it normalised: surrounding whitespace and trailing `/`
/// removed.
///
/// The URL must be absolute with an `http` or `https` scheme and a host; a port and a path prefix are
/// allowed; user information, a query and a fragment are not.
pub(crate) fn validate_endpoint_url(url: &str) -> Result<String, ConfigError> {
    let invalid = |reason: String| ConfigError::InvalidEndpoint {
        url: url.to_owned(),
        reason,
    };
    let trimmed = url.trim();
    if trimmed.contains('#') {
        return Err(invalid("a fragment (`#...`) is not allowed".to_owned()));
    }
    let uri: http::Uri = trimmed
        .parse()
        .map_err(|e: http::uri::InvalidUri| invalid(format!("not a valid URL: {e}")))?;
    match uri.scheme_str() {
        Some(scheme)
            if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") => {}
        Some(scheme) => {
            return Err(invalid(format!(
                "the scheme must be http or https, not `{scheme}`"
            )))
        }
        None => {
            return Err(invalid(
                "the scheme is missing (expected http:// or https://)".to_owned(),
            ))
        }
    }
    let authority = uri
        .authority()
        .ok_or_else(|| invalid("the host is missing".to_owned()))?;
    if authority.as_str().contains('@') {
        return Err(invalid(
            "user information (`user@host`) is not allowed".to_owned(),
        ));
    }
    if authority.host().is_empty() {
        return Err(invalid("the host is missing".to_owned()));
    }
    // The text after the host's `:`, if any (`http::Uri` silently drops a port it can't parse).
    let host_and_port = authority.as_str();
    let port = match host_and_port.rfind(']') {
        Some(end) => host_and_port[end..].strip_prefix("]:"),
        None => host_and_port.split_once(':').map(|(_, port)| port),
    };
    if let Some(port) = port {
        if !port.bytes().all(|b| b.is_ascii_digit()) || port.parse::<u16>().is_err() {
            return Err(invalid(
                "the port is not a number from 0 to 65535".to_owned(),
            ));
        }
    }
    if uri.query().is_some() {
        return Err(invalid("a query string (`?...`) is not allowed".to_owned()));
    }
    Ok(trimmed.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(region: Option<&str>, endpoint: Option<&str>, fips: bool) -> Config {
        let mut builder = Config::builder().use_fips(fips);
        if let Some(region) = region {
            builder = builder.region(region);
        }
        if let Some(endpoint) = endpoint {
            builder = builder.endpoint_url(endpoint);
        }
        builder.build()
    }

    fn resolved(url: &str, region: &str) -> ResolvedEndpoint {
        ResolvedEndpoint {
            url: url.to_owned(),
            region: region.to_owned(),
        }
    }

    #[test]
    fn service_names() {
        assert_eq!(ServiceId::CognitoIdp.endpoint_prefix(), "cognito-idp");
        assert_eq!(
            ServiceId::CognitoIdentity.endpoint_prefix(),
            "cognito-identity"
        );
        assert_eq!(ServiceId::CognitoSync.endpoint_prefix(), "cognito-sync");
        for &service in ServiceId::ALL {
            assert_eq!(service.signing_name(), service.endpoint_prefix());
            assert_eq!(service.to_string(), service.endpoint_prefix());
        }
        assert_eq!(
            ServiceId::CognitoIdp.env_suffix(),
            "COGNITO_IDENTITY_PROVIDER"
        );
        assert_eq!(ServiceId::CognitoIdentity.env_suffix(), "COGNITO_IDENTITY");
        assert_eq!(ServiceId::CognitoSync.env_suffix(), "COGNITO_SYNC");
    }

    #[test]
    fn regional_endpoints() {
        let c = config(Some("eu-west-1"), None, false);
        assert_eq!(
            resolve(&c, ServiceId::CognitoIdp).unwrap(),
            resolved("https://cognito-idp.eu-west-1.amazonaws.com", "eu-west-1")
        );
        assert_eq!(
            resolve(&c, ServiceId::CognitoIdentity).unwrap(),
            resolved(
                "https://cognito-identity.eu-west-1.amazonaws.com",
                "eu-west-1"
            )
        );
        assert_eq!(
            resolve(&c, ServiceId::CognitoSync).unwrap(),
            resolved("https://cognito-sync.eu-west-1.amazonaws.com", "eu-west-1")
        );
    }

    #[test]
    fn china_and_fips_endpoints() {
        let c = config(Some("cn-north-1"), None, false);
        assert_eq!(
            resolve(&c, ServiceId::CognitoIdentity).unwrap().url,
            "https://cognito-identity.cn-north-1.amazonaws.com.cn"
        );
        let c = config(Some("us-east-1"), None, true);
        assert_eq!(
            resolve(&c, ServiceId::CognitoIdp).unwrap(),
            resolved(
                "https://cognito-idp-fips.us-east-1.amazonaws.com",
                "us-east-1"
            )
        );
        let c = config(Some("us-gov-west-1"), None, true);
        assert_eq!(
            resolve(&c, ServiceId::CognitoIdentity).unwrap().url,
            "https://cognito-identity-fips.us-gov-west-1.amazonaws.com"
        );
    }

    #[test]
    fn missing_region() {
        let c = config(None, None, false);
        let err = resolve(&c, ServiceId::CognitoSync).unwrap_err();
        assert!(
            matches!(
                err,
                ConfigError::MissingRegion {
                    service: ServiceId::CognitoSync
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("cognito-sync"), "{err}");
    }

    #[test]
    fn override_wins_and_keeps_region() {
        let c = config(Some("eu-central-1"), Some("http://127.0.0.1:9229/"), true);
        assert_eq!(
            resolve(&c, ServiceId::CognitoIdp).unwrap(),
            resolved("http://127.0.0.1:9229", "eu-central-1")
        );
    }

    #[test]
    fn override_without_region_signs_for_us_east_1() {
        let c = config(None, Some("https://localhost:4566/prefix//"), false);
        assert_eq!(
            resolve(&c, ServiceId::CognitoIdentity).unwrap(),
            resolved("https://localhost:4566/prefix", "us-east-1")
        );
    }

    #[test]
    fn per_service_override_beats_global() {
        let c = Config::builder()
            .region("us-west-2")
            .endpoint_url("http://global:1")
            .service_endpoint_url(ServiceId::CognitoIdp, "http://idp:2")
            .build();
        assert_eq!(
            resolve(&c, ServiceId::CognitoIdp).unwrap().url,
            "http://idp:2"
        );
        assert_eq!(
            resolve(&c, ServiceId::CognitoIdentity).unwrap().url,
            "http://global:1"
        );
        let c = Config::builder()
            .region("us-west-2")
            .service_endpoint_url(ServiceId::CognitoSync, "http://sync:3")
            .build();
        assert_eq!(
            resolve(&c, ServiceId::CognitoSync).unwrap().url,
            "http://sync:3"
        );
        assert_eq!(
            resolve(&c, ServiceId::CognitoIdp).unwrap().url,
            "https://cognito-idp.us-west-2.amazonaws.com"
        );
    }

    #[test]
    fn bad_regions_are_rejected() {
        for region in [
            "",
            "-us-east-1",
            "us-east-1-",
            "us-east-1.evil.com",
            "us-east-1/x",
            "us east 1",
            "us-east-1\n",
            "evil.com#",
            "us-east-1@x",
            "ünïcode",
            &"a".repeat(64),
        ] {
            let c = config(Some(region), None, false);
            let err = resolve(&c, ServiceId::CognitoIdp).unwrap_err();
            assert!(
                matches!(err, ConfigError::InvalidRegion { .. }),
                "{region:?}: {err:?}"
            );
            // Also rejected as a signing region under an override.
            let c = config(Some(region), Some("http://localhost:1"), false);
            assert!(resolve(&c, ServiceId::CognitoIdp).is_err(), "{region:?}");
        }
        for region in ["us-east-1", "ap-southeast-4", "local", "X1"] {
            assert!(validate_region(region).is_ok(), "{region}");
        }
    }

    #[test]
    fn endpoint_urls_are_validated() {
        for (url, want) in [
            ("http://localhost:9229", "http://localhost:9229"),
            ("http://localhost:9229/", "http://localhost:9229"),
            ("  https://example.com/  ", "https://example.com"),
            ("https://example.com/a/b/", "https://example.com/a/b"),
            ("http://[::1]:8080/", "http://[::1]:8080"),
            ("HTTPS://Example.COM", "HTTPS://Example.COM"),
        ] {
            assert_eq!(validate_endpoint_url(url).unwrap(), want, "{url}");
        }
        for url in [
            "",
            "/",
            "localhost:9229",
            "localhost",
            "ftp://example.com",
            "file:///etc/passwd",
            "http://",
            "http:///path",
            "http://:80",
            "http://user:pass@example.com",
            "http://example.com/?x=1",
            "http://example.com/#frag",
            "http://example.com:99999",
            "http://example.com:",
            "http://example.com:8o",
            "http://exa mple.com",
            "http://example.com\n/x",
        ] {
            let err = validate_endpoint_url(url).unwrap_err();
            match &err {
                ConfigError::InvalidEndpoint { url: got, reason } => {
                    assert_eq!(got, url);
                    assert!(!reason.is_empty());
                }
                other => panic!("{url:?}: {other:?}"),
            }
        }
        let c = config(Some("us-east-1"), Some("ftp://x"), false);
        assert!(matches!(
            resolve(&c, ServiceId::CognitoIdp),
            Err(ConfigError::InvalidEndpoint { .. })
        ));
    }
}
