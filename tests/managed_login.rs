//! `cognito::managed_login` against the local stand-in of a user pool's OAuth endpoints
//! (`tests/support/oauth_standin.rs`, on 127.0.0.1): discovery; the authorization-code flow with PKCE
//! from the authorize URL to userInfo, refresh, revoke and logout; every failure of it (reused,
//! expired code, wrong verifier, wrong secret, another state, an error callback, a tampered ID token,
//! a nonce mismatch); client authentication by Basic, by post and for a public client; client
//! credentials with the cache (reuse, scopes as key, one request for concurrent callers, replacement
//! before expiry); refresh with rotation through `GetTokensFromRefreshToken`; typed OAuth errors,
//! HTML pages, 5xx with and without retry, oversized bodies and refused connections; and that no
//! secret shows in `Debug` or an error.
#![cfg(feature = "managed-login")]

#[path = "support/oauth_standin.rs"]
mod oauth_standin;

use std::sync::Arc;
use std::time::Duration;

use cognito::managed_login::{
    Call, Callback, ClientAuthMethod, CodeVerifier, Domain, Issuer, ManagedLogin,
    ManagedLoginError, OAuthErrorCode, PendingLogin, Prompt, RefreshMethod,
};
use cognito::{Config, RetryConfig};
use oauth_standin::{Fault, Settings, StandIn};

const CALLBACK: &str = "http://127.0.0.1:3000/callback";

fn config(standin: &StandIn) -> Config {
    Config::builder()
        .region("us-east-1")
        .endpoint_url(standin.base())
        .retry(RetryConfig::standard().with_initial_backoff(Duration::from_millis(1)))
        .build()
}

/// A `ManagedLogin` for the stand-in's app client, with its secret.
fn login(standin: &StandIn) -> ManagedLogin {
    let s = standin.settings();
    let mut builder = ManagedLogin::builder(&s.region, &s.pool_id, &s.client_id)
        .issuer(Issuer::custom(&standin.issuer()).expect("issuer"))
        .domain(Domain::custom(standin.base()).expect("domain"))
        .redirect_uri(CALLBACK)
        .refresh_token_rotation(s.rotation)
        .config(&config(standin));
    if let Some(secret) = &s.client_secret {
        builder = builder.client_secret(secret);
    }
    builder.build().expect("managed login")
}

async fn standin() -> StandIn {
    StandIn::start(Settings::default()).await
}

/// Goes through `/oauth2/authorize` and returns the pending sign-in and the callback.
async fn sign_in(login: &ManagedLogin, scopes: &[&str]) -> (PendingLogin, Callback) {
    let request = login
        .authorize()
        .scopes(scopes.iter().copied())
        .request()
        .expect("authorize request");
    let location = StandIn::sign_in(&request.url).await;
    let (base, query) = location.split_once('?').expect("a query");
    assert_eq!(base, CALLBACK);
    (request.pending, Callback::from_query(query))
}

fn assert_oauth(result: Result<impl std::fmt::Debug, ManagedLoginError>, code: OAuthErrorCode) {
    match result {
        Err(e) => assert_eq!(e.oauth_code(), Some(&code), "{e}"),
        Ok(v) => panic!("expected {code}, got {v:?}"),
    }
}

#[tokio::test]
async fn discovery_reads_the_domain_from_the_issuer() {
    let standin = standin().await;
    let s = standin.settings();
    let login = ManagedLogin::builder(&s.region, &s.pool_id, &s.client_id)
        .issuer(Issuer::custom(&standin.issuer()).expect("issuer"))
        .config(&config(&standin))
        .redirect_uri(CALLBACK)
        .discover()
        .await
        .expect("discovery");
    assert_eq!(login.domain().as_str(), standin.base());
    assert_eq!(login.issuer().as_str(), standin.issuer());
    assert_eq!(
        login.endpoints().token(),
        format!("{}/oauth2/token", standin.base())
    );
    assert_ne!(login.domain().as_str(), login.issuer().as_str());

    // Another issuer than the document names: refused.
    let wrong = ManagedLogin::builder(&s.region, "us-east-1_Other", &s.client_id)
        .issuer(Issuer::custom(&format!("{}/us-east-1_Other", standin.base())).expect("issuer"))
        .config(&config(&standin))
        .discover()
        .await;
    assert!(
        matches!(
            wrong,
            Err(ManagedLoginError::UnexpectedResponse { status: 404, .. })
        ),
        "{wrong:?}"
    );

    // No domain and no discovery: a clear error.
    let none = ManagedLogin::builder(&s.region, &s.pool_id, &s.client_id).build();
    assert!(matches!(none, Err(ManagedLoginError::InvalidConfig(_))));
}

#[tokio::test]
async fn authorization_code_flow_from_authorize_to_logout() {
    let standin = standin().await;
    let login = login(&standin);
    let request = login
        .authorize()
        .scopes(["openid", "email", "profile"])
        .identity_provider("COGNITO")
        .idp_identifier("example.com")
        .lang("fr")
        .prompt(Prompt::Login)
        .request()
        .expect("request");
    let location = StandIn::sign_in(&request.url).await;
    let sent = standin
        .authorize_queries()
        .pop()
        .expect("authorize was called");
    assert_eq!(sent["response_type"], "code");
    assert_eq!(sent["code_challenge_method"], "S256");
    assert_eq!(
        sent["code_challenge"],
        request.pending.verifier().challenge()
    );
    assert_eq!(sent["scope"], "openid email profile");
    assert_eq!(sent["identity_provider"], "COGNITO");
    assert_eq!(sent["idp_identifier"], "example.com");
    assert_eq!(sent["lang"], "fr");
    assert_eq!(sent["prompt"], "login");
    assert_eq!(sent["nonce"], request.pending.nonce());
    assert!(!sent.contains_key("code_verifier"));

    let callback = Callback::from_query(location.split_once('?').expect("query").1);
    let signed_in = login
        .complete(&request.pending, &callback)
        .await
        .expect("sign-in");
    let claims = signed_in.id_claims.expect("ID token claims");
    assert_eq!(claims.sub, standin.settings().user.sub);
    assert_eq!(claims.email.as_deref(), Some("alice@example.com"));
    assert_eq!(
        claims.get("nonce").and_then(|v| v.as_str()),
        Some(request.pending.nonce())
    );
    let tokens = signed_in.tokens;
    let refresh_token = tokens.refresh_token().expect("a refresh token").to_owned();
    assert!(!format!("{tokens:?}").contains(tokens.access_token()));

    // userInfo: string booleans read as booleans.
    let user = login
        .user_info(tokens.access_token())
        .await
        .expect("userInfo");
    assert_eq!(user.sub, standin.settings().user.sub);
    assert_eq!(user.username.as_deref(), Some("alice"));
    assert_eq!(user.email_verified, Some(true));
    assert_eq!(user.phone_number_verified, Some(false));
    assert_eq!(
        user.get("custom:tenant").and_then(|v| v.as_str()),
        Some("acme")
    );

    // Refresh by the token endpoint: no new refresh token, the old one kept.
    let refreshed = login.refresh(&refresh_token).await.expect("refresh");
    assert_eq!(refreshed.method, RefreshMethod::TokenEndpoint);
    assert!(!refreshed.rotated);
    assert_eq!(
        refreshed.tokens.refresh_token(),
        Some(refresh_token.as_str())
    );
    assert_ne!(refreshed.tokens.access_token(), tokens.access_token());
    assert!(refreshed.id_claims.is_some());

    // Revoke: the refresh token and its access tokens stop working.
    login.revoke(&refresh_token).await.expect("revoke");
    assert_oauth(
        login.user_info(tokens.access_token()).await,
        OAuthErrorCode::InvalidToken,
    );
    assert_oauth(
        login.refresh(&refresh_token).await,
        OAuthErrorCode::InvalidGrant,
    );
    // An access token is not what /oauth2/revoke takes.
    assert_oauth(
        login.revoke(refreshed.tokens.access_token()).await,
        OAuthErrorCode::UnsupportedTokenType,
    );

    // Logout: client_id and logout_uri.
    let logout = login.logout_url("http://127.0.0.1:3000/");
    assert_eq!(
        logout,
        format!(
            "{}/logout?client_id={}&logout_uri=http%3A%2F%2F127.0.0.1%3A3000%2F",
            standin.base(),
            standin.settings().client_id
        )
    );
    let url = url::Url::parse(&logout).expect("url");
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query["client_id"], standin.settings().client_id);
    assert_eq!(query["logout_uri"], "http://127.0.0.1:3000/");
    assert!(!query.contains_key("post_logout_redirect_uri"));
    assert_eq!(StandIn::sign_in(&logout).await, "http://127.0.0.1:3000/");
}

#[tokio::test]
async fn a_code_is_single_use() {
    let standin = standin().await;
    let login = login(&standin);
    let (pending, callback) = sign_in(&login, &["openid"]).await;
    login
        .complete(&pending, &callback)
        .await
        .expect("first use");
    // client_secret_basic by default.
    assert_eq!(standin.auth_methods(), ["client_secret_basic"]);
    assert_oauth(
        login.complete(&pending, &callback).await,
        OAuthErrorCode::InvalidGrant,
    );
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let standin = StandIn::start(Settings {
        code_ttl: Duration::ZERO,
        ..Settings::default()
    })
    .await;
    let login = login(&standin);
    let (pending, callback) = sign_in(&login, &["openid"]).await;
    assert_oauth(
        login.complete(&pending, &callback).await,
        OAuthErrorCode::InvalidGrant,
    );
}

#[tokio::test]
async fn a_wrong_verifier_is_refused() {
    let standin = standin().await;
    let login = login(&standin);
    let (pending, callback) = sign_in(&login, &["openid"]).await;
    let forged = PendingLogin::from_parts(
        pending.state(),
        pending.nonce(),
        CodeVerifier::random().expect("verifier"),
        pending.redirect_uri(),
        true,
    );
    assert_oauth(
        login.complete(&forged, &callback).await,
        OAuthErrorCode::InvalidGrant,
    );
    // The code was consumed by the failed attempt, as Cognito does.
    assert_oauth(
        login.complete(&pending, &callback).await,
        OAuthErrorCode::InvalidGrant,
    );
}

#[tokio::test]
async fn a_wrong_secret_is_invalid_client_and_never_shown() {
    let standin = standin().await;
    let s = standin.settings();
    let secret = "the-wrong-secret-9f8e7d";
    for method in [
        ClientAuthMethod::ClientSecretBasic,
        ClientAuthMethod::ClientSecretPost,
    ] {
        let wrong = ManagedLogin::builder(&s.region, &s.pool_id, &s.client_id)
            .issuer(Issuer::custom(&standin.issuer()).expect("issuer"))
            .domain(Domain::custom(standin.base()).expect("domain"))
            .client_secret(secret)
            .client_auth(method)
            .redirect_uri(CALLBACK)
            .config(&config(&standin))
            .build()
            .expect("login");
        assert!(!format!("{wrong:?}").contains(secret));
        let (pending, callback) = sign_in(&wrong, &["openid"]).await;
        let error = wrong
            .complete(&pending, &callback)
            .await
            .expect_err("wrong secret");
        assert_eq!(error.oauth_code(), Some(&OAuthErrorCode::InvalidClient));
        assert!(!error.to_string().contains(secret));
        assert!(!format!("{error:?}").contains(secret));
        let m2m = wrong
            .client_credentials(["orders/read"])
            .await
            .expect_err("wrong secret");
        assert_eq!(m2m.oauth_code(), Some(&OAuthErrorCode::InvalidClient));
        assert!(!format!("{m2m:?} {m2m}").contains(secret));
    }
}

#[tokio::test]
async fn client_secret_post_and_public_clients_sign_in() {
    let standin = standin().await;
    let s = standin.settings();
    let post = ManagedLogin::builder(&s.region, &s.pool_id, &s.client_id)
        .issuer(Issuer::custom(&standin.issuer()).expect("issuer"))
        .domain(Domain::custom(standin.base()).expect("domain"))
        .client_secret(s.client_secret.clone().expect("secret"))
        .client_auth(ClientAuthMethod::ClientSecretPost)
        .redirect_uri(CALLBACK)
        .config(&config(&standin))
        .build()
        .expect("login");
    assert_eq!(post.client_auth(), ClientAuthMethod::ClientSecretPost);
    let (pending, callback) = sign_in(&post, &["openid"]).await;
    post.complete(&pending, &callback)
        .await
        .expect("client_secret_post");
    assert_eq!(standin.auth_methods(), ["client_secret_post"]);

    let public = StandIn::start(Settings {
        client_secret: None,
        ..Settings::default()
    })
    .await;
    let login = login(&public);
    assert_eq!(login.client_auth(), ClientAuthMethod::None);
    let (pending, callback) = sign_in(&login, &["openid", "email"]).await;
    login
        .complete(&pending, &callback)
        .await
        .expect("public client");
    assert_eq!(public.auth_methods(), ["none"]);
    // Client credentials need a secret: refused before any request.
    assert!(matches!(
        login.client_credentials(["orders/read"]).await,
        Err(ManagedLoginError::Shared(e)) if matches!(*e, ManagedLoginError::InvalidConfig(_))
    ));
    assert_eq!(public.token_requests("client_credentials"), 0);
}

#[tokio::test]
async fn a_callback_of_another_sign_in_is_refused_before_any_request() {
    let standin = standin().await;
    let login = login(&standin);
    let (_, callback) = sign_in(&login, &["openid"]).await;
    let (other, _) = sign_in(&login, &["openid"]).await;
    assert!(matches!(
        login.complete(&other, &callback).await,
        Err(ManagedLoginError::StateMismatch)
    ));
    let denied = Callback::from_query(&format!(
        "error=access_denied&error_description=User+cancelled&state={}",
        other.state()
    ));
    match login.complete(&other, &denied).await {
        Err(ManagedLoginError::Authorization(e)) => {
            assert_eq!(e.code, OAuthErrorCode::AccessDenied);
            assert_eq!(e.description.as_deref(), Some("User cancelled"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(standin.token_requests("authorization_code"), 0);
}

#[tokio::test]
async fn a_tampered_id_token_is_refused() {
    let standin = standin().await;
    let login = login(&standin);
    standin.tamper_id_tokens(true);
    let (pending, callback) = sign_in(&login, &["openid"]).await;
    match login.complete(&pending, &callback).await {
        Err(ManagedLoginError::IdToken(cognito::jwt::JwtError::InvalidSignature)) => {}
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_id_token_with_another_nonce_is_refused() {
    let standin = standin().await;
    let login = login(&standin);
    standin.override_nonce(Some("a-nonce-of-another-sign-in"));
    let (pending, callback) = sign_in(&login, &["openid"]).await;
    assert!(matches!(
        login.complete(&pending, &callback).await,
        Err(ManagedLoginError::NonceMismatch)
    ));
}

#[tokio::test]
async fn client_credentials_are_cached_by_scopes() {
    let standin = standin().await;
    let login = login(&standin);
    let first = login
        .client_credentials(["orders/read", "orders/write"])
        .await
        .expect("token");
    let second = login
        .client_credentials(["orders/write", "orders/read"])
        .await
        .expect("token");
    assert!(
        Arc::ptr_eq(&first, &second),
        "the second call reuses the token"
    );
    assert_eq!(standin.token_requests("client_credentials"), 1);
    assert_eq!(first.scope(), None);
    assert!(!format!("{first:?}").contains(first.access_token()));

    let read_only = login
        .client_credentials(["orders/read"])
        .await
        .expect("token");
    assert_ne!(read_only.access_token(), first.access_token());
    assert_eq!(standin.token_requests("client_credentials"), 2);

    login.invalidate_client_credentials(["orders/read"]).await;
    login
        .client_credentials(["orders/read"])
        .await
        .expect("token");
    assert_eq!(standin.token_requests("client_credentials"), 3);

    // The token is what the resource server expects: an access token of this client with the scope.
    let verifier = cognito::jwt::JwtVerifier::builder()
        .pool(
            cognito::jwt::UserPool::new("us-east-1", &standin.settings().pool_id)
                .issuer(standin.issuer())
                .jwks_url(format!("{}/.well-known/jwks.json", standin.issuer()))
                .client_id(&standin.settings().client_id)
                .token_use(cognito::jwt::TokenUse::Access)
                .require_all_scopes(["orders/read"]),
        )
        .build()
        .expect("verifier");
    verifier
        .verify(first.access_token())
        .await
        .expect("valid access token");

    assert_oauth(
        login.client_credentials(["payments/refund"]).await,
        OAuthErrorCode::InvalidScope,
    );
}

#[tokio::test]
async fn concurrent_callers_cause_one_token_request() {
    let standin = standin().await;
    let login = login(&standin);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..32 {
        let login = login.clone();
        tasks.spawn(async move { login.client_credentials(["orders/read"]).await });
    }
    let mut tokens = Vec::new();
    while let Some(result) = tasks.join_next().await {
        tokens.push(result.expect("task").expect("token"));
    }
    assert_eq!(tokens.len(), 32);
    assert!(tokens.iter().all(|t| Arc::ptr_eq(t, &tokens[0])));
    assert_eq!(standin.token_requests("client_credentials"), 1);
}

#[tokio::test]
async fn a_token_at_its_expiry_is_replaced() {
    // Tokens that expire at once (`expires_in: 0`) are never handed out twice. (A token is replaced
    // 60 s before its expiry, or after half its lifetime when that is shorter; Cognito's shortest is
    // 5 minutes.)
    let standin = StandIn::start(Settings {
        token_ttl: 0,
        ..Settings::default()
    })
    .await;
    let login = login(&standin);
    let a = login
        .client_credentials(["orders/read"])
        .await
        .expect("token");
    let b = login
        .client_credentials(["orders/read"])
        .await
        .expect("token");
    assert_ne!(a.access_token(), b.access_token());
    assert_eq!(standin.token_requests("client_credentials"), 2);
}

#[tokio::test]
async fn refresh_with_rotation_uses_get_tokens_from_refresh_token() {
    let standin = StandIn::start(Settings {
        rotation: true,
        ..Settings::default()
    })
    .await;
    let login = login(&standin);
    let (pending, callback) = sign_in(&login, &["openid", "email"]).await;
    let signed_in = login.complete(&pending, &callback).await.expect("sign-in");
    let old = signed_in
        .tokens
        .refresh_token()
        .expect("refresh")
        .to_owned();
    let refreshed = login.refresh(&old).await.expect("refresh");
    assert_eq!(refreshed.method, RefreshMethod::GetTokensFromRefreshToken);
    assert!(refreshed.rotated);
    let new = refreshed.tokens.refresh_token().expect("new refresh token");
    assert_ne!(new, old);
    assert!(refreshed.id_claims.is_some());
    assert_eq!(standin.token_requests("refresh_token"), 0);
    assert_eq!(standin.token_requests("GetTokensFromRefreshToken"), 1);

    // The rotated-out token is refused, and that is not retried.
    match login.refresh(&old).await {
        Err(ManagedLoginError::Rotation(e)) => {
            use cognito::idp::operation::GetTokensFromRefreshTokenError as E;
            assert!(
                matches!(
                    *e,
                    cognito::Error::Service(E::RefreshTokenReuseException(_))
                ),
                "{e:?}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(standin.token_requests("GetTokensFromRefreshToken"), 2);
    login.refresh(new).await.expect("the new one works");
}

#[tokio::test]
async fn bare_oauth_errors_become_typed_codes() {
    let standin = standin().await;
    let login = login(&standin);
    for (body, code) in [
        (
            r#"{"error":"invalid_request"}"#,
            OAuthErrorCode::InvalidRequest,
        ),
        (
            r#"{"error":"unauthorized_client"}"#,
            OAuthErrorCode::UnauthorizedClient,
        ),
        (
            r#"{"error":"unsupported_grant_type"}"#,
            OAuthErrorCode::UnsupportedGrantType,
        ),
        (r#"{"error":"invalid_scope"}"#, OAuthErrorCode::InvalidScope),
        (r#"{"error":"invalid_grant"}"#, OAuthErrorCode::InvalidGrant),
        (
            r#"{"error":"invalid_client"}"#,
            OAuthErrorCode::InvalidClient,
        ),
        (
            r#"{"error":"slow_down","error_description":"later"}"#,
            OAuthErrorCode::Other("slow_down".to_owned()),
        ),
    ] {
        standin.push_fault(Fault::Json(400, body.to_owned()));
        let error = login
            .client_credentials_uncached(&["orders/read".to_owned()])
            .await
            .expect_err(body);
        match &error {
            ManagedLoginError::OAuth { call, error } => {
                assert_eq!(*call, Call::ClientCredentials);
                assert_eq!(error.code, code);
                assert_eq!(error.status, Some(400));
            }
            other => panic!("{other:?}"),
        }
    }
    standin.push_fault(Fault::Json(
        400,
        r#"{"error":"slow_down","error_description":"later"}"#.into(),
    ));
    let e = login
        .client_credentials_uncached(&[])
        .await
        .expect_err("error");
    assert_eq!(
        e.to_string(),
        "token (client_credentials): slow_down (later) [HTTP 400]"
    );
}

#[tokio::test]
async fn html_pages_and_odd_bodies_are_clear_errors() {
    let standin = standin().await;
    let login = login(&standin);
    standin.push_fault(Fault::Html(200));
    let e = login
        .client_credentials_uncached(&[])
        .await
        .expect_err("html");
    assert!(
        matches!(&e, ManagedLoginError::UnexpectedResponse { status: 200, reason, .. } if reason.contains("HTML")),
        "{e}"
    );
    standin.push_fault(Fault::Html(400));
    let e = login
        .client_credentials_uncached(&[])
        .await
        .expect_err("html");
    assert!(
        matches!(
            &e,
            ManagedLoginError::UnexpectedResponse { status: 400, .. }
        ),
        "{e}"
    );
    assert!(
        !e.to_string().contains("Something went wrong"),
        "bodies are not quoted: {e}"
    );
    for body in [
        r#"{"access_token": 12}"#,
        "[]",
        "not json",
        r#"{"token_type":"Bearer"}"#,
    ] {
        standin.push_fault(Fault::Json(200, body.to_owned()));
        let e = login
            .client_credentials_uncached(&[])
            .await
            .expect_err(body);
        assert!(
            matches!(e, ManagedLoginError::UnexpectedResponse { .. }),
            "{body}: {e}"
        );
    }
    standin.push_fault(Fault::Json(
        200,
        format!(r#"{{"access_token":"{}"}}"#, "a".repeat(300_000)),
    ));
    let e = login
        .client_credentials_uncached(&[])
        .await
        .expect_err("too big");
    assert!(e.to_string().contains("larger than the limit"), "{e}");
}

#[tokio::test]
async fn server_errors_are_retried_only_for_repeatable_grants() {
    let standin = standin().await;
    let login = login(&standin);
    // Client credentials: safe to repeat, so a 503 is retried and the call succeeds.
    standin.push_fault(Fault::Html(503));
    login
        .client_credentials(["orders/read"])
        .await
        .expect("retried");
    assert_eq!(standin.token_requests("client_credentials"), 2);

    // An authorization code: a 5xx may have consumed it, so it is not sent again.
    let (pending, callback) = sign_in(&login, &["openid"]).await;
    standin.push_fault(Fault::Html(503));
    match login.complete(&pending, &callback).await {
        Err(ManagedLoginError::ServerError { call, status, .. }) => {
            assert_eq!(call, Call::AuthorizationCode);
            assert_eq!(status, 503);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(standin.token_requests("authorization_code"), 1);

    // Throttled: refused unprocessed, so even a code is sent again.
    let (pending, callback) = sign_in(&login, &["openid"]).await;
    standin.push_fault(Fault::Json(429, r#"{"error":"slow_down"}"#.into()));
    login
        .complete(&pending, &callback)
        .await
        .expect("retried after 429");
    assert_eq!(standin.token_requests("authorization_code"), 3);

    // Retries used up: the last 5xx comes back.
    for _ in 0..3 {
        standin.push_fault(Fault::Html(500));
    }
    let e = login
        .client_credentials_uncached(&[])
        .await
        .expect_err("5xx");
    assert!(
        matches!(e, ManagedLoginError::ServerError { status: 500, .. }),
        "{e}"
    );
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_that_never_reached_the_server() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let closed = format!("http://{}", listener.local_addr().expect("address"));
    drop(listener);
    let login = ManagedLogin::builder("us-east-1", "us-east-1_Closed", "client1")
        .issuer(Issuer::custom(&format!("{closed}/us-east-1_Closed")).expect("issuer"))
        .domain(Domain::custom(&closed).expect("domain"))
        .client_secret("s")
        .config(
            &Config::builder()
                .region("us-east-1")
                .retry(RetryConfig::disabled())
                .build(),
        )
        .build()
        .expect("login");
    match login.client_credentials_uncached(&[]).await {
        Err(ManagedLoginError::Transport { source, .. }) => {
            assert!(!source.may_have_reached_server())
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        login.user_info("token").await,
        Err(ManagedLoginError::Transport {
            call: Call::UserInfo,
            ..
        })
    ));
}

#[tokio::test]
async fn a_lost_answer_is_retried_for_client_credentials_but_not_for_a_code() {
    let standin = standin().await;
    let s = standin.settings();
    let slow = Config::builder()
        .region("us-east-1")
        .endpoint_url(standin.base())
        .timeouts(cognito::Timeouts::default().with_attempt(Duration::from_millis(300)))
        .retry(RetryConfig::standard().with_initial_backoff(Duration::from_millis(1)))
        .build();
    let login = ManagedLogin::builder(&s.region, &s.pool_id, &s.client_id)
        .issuer(Issuer::custom(&standin.issuer()).expect("issuer"))
        .domain(Domain::custom(standin.base()).expect("domain"))
        .client_secret(s.client_secret.clone().expect("secret"))
        .redirect_uri(CALLBACK)
        .config(&slow)
        .build()
        .expect("login");

    // The first answer never arrives in time; client credentials are asked for again.
    standin.push_fault(Fault::Delay(Duration::from_secs(5)));
    login
        .client_credentials(["orders/read"])
        .await
        .expect("retried after the attempt timeout");
    assert_eq!(standin.token_requests("client_credentials"), 2);

    // The code was used by the request whose answer was lost: not sent again.
    let (pending, callback) = sign_in(&login, &["openid"]).await;
    standin.push_fault(Fault::Delay(Duration::from_secs(5)));
    match login.complete(&pending, &callback).await {
        Err(ManagedLoginError::Timeout { call, attempts, .. }) => {
            assert_eq!(call, Call::AuthorizationCode);
            assert_eq!(attempts, 1);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(standin.token_requests("authorization_code"), 1);
}
