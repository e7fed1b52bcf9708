//! Which service is called, and at which URL.
//!
//! Every client resolves its endpoint from a [`Config`]: an endpoint URL override (per service, then
//! global) wins; otherwise the URL is the service's regional AWS endpoint,
//! `https://{prefix}[-fips].{region}.amazonaws.com` (`amazonaws.com.cn` in the China regions).

use crate::config::{validate_endpoint_url, validate_region, Config};
use crate::error::ConfigError;
pub use crate::service::ServiceId;

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

/// Whether `host` (as in a URL: IPv6 in brackets) is `localhost`, an address of 127.0.0.0/8 or `::1`.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
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
            ("HTTPS://Example.COM", "https://example.com"),
            (
                "http://LOCALHOST:4566/a%20b/",
                "http://localhost:4566/a%20b",
            ),
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
