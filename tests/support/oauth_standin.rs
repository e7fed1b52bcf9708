//! A local stand-in for a user pool's OAuth 2.0 / OIDC endpoints, on 127.0.0.1, behaving as Cognito
//! does where it matters to a client:
//!
//! - `/oauth2/authorize` signs the configured user in at once (no page) and redirects to the callback
//!   with a code, or with `error=…` for a bad request; it records every query it gets.
//! - `/oauth2/token`: codes are single use and expire ([`Settings::code_ttl`], 5 minutes as Cognito by
//!   default); PKCE S256 is checked; a client with a secret must authenticate (HTTP Basic, id and
//!   secret form-urlencoded, or `client_secret_post`); errors are bare `{"error": "..."}` bodies with
//!   status 400; the refresh grant returns no refresh token; client credentials check resource-server
//!   scopes.
//! - `/oauth2/userInfo` sends `email_verified` / `phone_number_verified` as the strings `"true"` /
//!   `"false"`; `/oauth2/revoke` revokes a refresh token and its access tokens; `/logout` takes
//!   `client_id` and `logout_uri`.
//! - `/{pool}/.well-known/openid-configuration` and `/{pool}/.well-known/jwks.json`: the issuer is
//!   `http://127.0.0.1:PORT/{pool}`; tokens are RS256-signed with the committed test key
//!   `tests/data/jwt/key1.pk8.der`.
//! - `POST /` with `X-Amz-Target: AWSCognitoIdentityProviderService.GetTokensFromRefreshToken`: the
//!   user-pools API call, rotating refresh tokens when [`Settings::rotation`] is on (a reused one is
//!   `RefreshTokenReuseException`).
//!
//! Faults can be queued for the next token-endpoint answers ([`StandIn::push_fault`]), and the ID token
//! tampered with or given another nonce, to show how the client reacts. Nothing here reaches beyond
//! 127.0.0.1.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::{to_bytes, Body};
use axum::http::{header, HeaderMap, Method, Request, Response, StatusCode};
use ring::signature::{RsaKeyPair, RsaPublicKeyComponents};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const B64URL: base64_simd::Base64 = base64_simd::URL_SAFE_NO_PAD;
const KEY_DER: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/jwt/key1.pk8.der"
));
const KID: &str = "standin-key-1";

/// The signed-in user of the stand-in.
#[derive(Clone, Debug)]
pub struct User {
    pub sub: String,
    pub username: String,
    pub email: String,
    pub phone_number: String,
}

/// What the stand-in knows about its user pool and app client.
#[derive(Clone, Debug)]
pub struct Settings {
    pub region: String,
    pub pool_id: String,
    pub client_id: String,
    /// `None`: a public client.
    pub client_secret: Option<String>,
    pub callback_urls: Vec<String>,
    pub logout_urls: Vec<String>,
    /// Resource-server scopes the client may ask for with client credentials.
    pub resource_scopes: Vec<String>,
    pub user: User,
    /// How long a code stays valid (Cognito: 5 minutes).
    pub code_ttl: Duration,
    /// `expires_in` of access and ID tokens, seconds.
    pub token_ttl: i64,
    /// `GetTokensFromRefreshToken` rotates refresh tokens.
    pub rotation: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            region: "us-east-1".to_owned(),
            pool_id: "us-east-1_StandIn1".to_owned(),
            client_id: "standinclient123".to_owned(),
            client_secret: Some("standin-secret-value".to_owned()),
            callback_urls: vec!["http://127.0.0.1:3000/callback".to_owned()],
            logout_urls: vec!["http://127.0.0.1:3000/".to_owned()],
            resource_scopes: vec!["orders/read".to_owned(), "orders/write".to_owned()],
            user: User {
                sub: "7f1c9a2e-0000-4000-8000-00000000a11c".to_owned(),
                username: "alice".to_owned(),
                email: "alice@example.com".to_owned(),
                phone_number: "+15555550100".to_owned(),
            },
            code_ttl: Duration::from_secs(300),
            token_ttl: 3600,
            rotation: false,
        }
    }
}

/// A misbehaviour for the next token-endpoint answer.
#[derive(Clone, Debug)]
pub enum Fault {
    /// An HTML error page with this status.
    Html(u16),
    /// This status and body, as JSON.
    Json(u16, String),
    /// Wait this long, then answer normally (the request is processed: a code is used up).
    Delay(Duration),
}

struct Code {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    nonce: Option<String>,
    scopes: Vec<String>,
    expires: Instant,
}

struct Refresh {
    scopes: Vec<String>,
    revoked: bool,
}

#[derive(Default)]
struct State {
    codes: HashMap<String, Code>,
    refresh_tokens: HashMap<String, Refresh>,
    /// Access token → the refresh token it came with, if any.
    access_tokens: HashMap<String, Option<String>>,
    revoked_access: HashSet<String>,
    grants: HashMap<String, usize>,
    faults: VecDeque<Fault>,
    authorize_queries: Vec<HashMap<String, String>>,
    /// How each request to the token and revoke endpoints authenticated.
    auth_methods: Vec<&'static str>,
    nonce_override: Option<String>,
    tamper_id_token: bool,
    counter: u64,
}

struct Shared {
    settings: Settings,
    base: String,
    key: RsaKeyPair,
    state: Mutex<State>,
}

/// A running stand-in; stopped when dropped.
pub struct StandIn {
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl StandIn {
    /// Starts the stand-in on 127.0.0.1 with an OS-chosen port.
    pub async fn start(settings: Settings) -> StandIn {
        StandIn::start_on(settings, 0).await
    }

    /// Starts the stand-in on 127.0.0.1:`port` (0: any).
    pub async fn start_on(settings: Settings, port: u16) -> StandIn {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("bind 127.0.0.1");
        let address = listener.local_addr().expect("local address");
        let shared = Arc::new(Shared {
            settings,
            base: format!("http://{address}"),
            key: RsaKeyPair::from_pkcs8(KEY_DER).expect("the test key is PKCS#8 RSA"),
            state: Mutex::new(State::default()),
        });
        let handler_state = shared.clone();
        let router = axum::Router::new().fallback(move |request: Request<Body>| {
            let shared = handler_state.clone();
            async move { handle(&shared, request).await }
        });
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        StandIn { shared, task }
    }

    /// `http://127.0.0.1:PORT`: the domain, and the user-pools API endpoint.
    pub fn base(&self) -> &str {
        &self.shared.base
    }

    /// `http://127.0.0.1:PORT/{pool}`: the issuer.
    pub fn issuer(&self) -> String {
        format!("{}/{}", self.shared.base, self.shared.settings.pool_id)
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.shared.settings
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.shared.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Token requests received for `grant` (`authorization_code`, `client_credentials`,
    /// `refresh_token`, or `GetTokensFromRefreshToken`).
    pub fn token_requests(&self, grant: &str) -> usize {
        self.state().grants.get(grant).copied().unwrap_or(0)
    }

    /// Answers the next token-endpoint request with `fault` instead.
    pub fn push_fault(&self, fault: Fault) {
        self.state().faults.push_back(fault);
    }

    /// Puts this nonce into the next ID tokens instead of the one asked for.
    pub fn override_nonce(&self, nonce: Option<&str>) {
        self.state().nonce_override = nonce.map(str::to_owned);
    }

    /// Changes the payload of the next ID tokens after signing them.
    pub fn tamper_id_tokens(&self, tamper: bool) {
        self.state().tamper_id_token = tamper;
    }

    /// How each request to the token and revoke endpoints authenticated: `client_secret_basic`,
    /// `client_secret_post` or `none`.
    pub fn auth_methods(&self) -> Vec<&'static str> {
        self.state().auth_methods.clone()
    }

    /// The queries `/oauth2/authorize` received.
    pub fn authorize_queries(&self) -> Vec<HashMap<String, String>> {
        self.state().authorize_queries.clone()
    }

    /// Opens `authorize_url` as a browser would, and returns where the stand-in redirects (the
    /// callback URL with `code` and `state`, or `error`).
    pub async fn sign_in(authorize_url: &str) -> String {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("reqwest client");
        let response = client
            .get(authorize_url)
            .send()
            .await
            .expect("GET /oauth2/authorize");
        assert_eq!(response.status().as_u16(), 302, "authorize redirects");
        response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .expect("a Location header")
            .to_owned()
    }
}

// ------------------------------------------------------------------------------------------------
// Requests
// ------------------------------------------------------------------------------------------------

async fn handle(shared: &Shared, request: Request<Body>) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let body = match to_bytes(body, 64 * 1024).await {
        Ok(b) => b,
        Err(_) => return oauth_error(400, "invalid_request", None),
    };
    let path = parts.uri.path().to_owned();
    let query: HashMap<String, String> = form(parts.uri.query().unwrap_or("").as_bytes());
    let pool = &shared.settings.pool_id;
    if parts.method == Method::POST && path == "/oauth2/token" {
        let delay = {
            let mut state = shared.state.lock().unwrap_or_else(|p| p.into_inner());
            match state.faults.front() {
                Some(Fault::Delay(d)) => {
                    let d = *d;
                    state.faults.pop_front();
                    Some(d)
                }
                _ => None,
            }
        };
        if let Some(delay) = delay {
            let response = token(shared, &parts.headers, &body);
            tokio::time::sleep(delay).await;
            return response;
        }
    }
    match (&parts.method, path.as_str()) {
        (&Method::GET, "/oauth2/authorize") => authorize(shared, query),
        (&Method::POST, "/oauth2/token") => token(shared, &parts.headers, &body),
        (&Method::GET, "/oauth2/userInfo") => userinfo(shared, &parts.headers),
        (&Method::POST, "/oauth2/revoke") => revoke(shared, &parts.headers, &body),
        (&Method::GET, "/logout") => logout(shared, &query),
        (&Method::POST, "/") => json_api(shared, &parts.headers, &body),
        (&Method::GET, p) if p == format!("/{pool}/.well-known/openid-configuration") => {
            json_response(200, discovery(shared))
        }
        (&Method::GET, p) if p == format!("/{pool}/.well-known/jwks.json") => {
            json_response(200, jwks(&shared.key))
        }
        _ => html(404, "Not found"),
    }
}

fn form(bytes: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(bytes) {
        out.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    out
}

fn authorize(shared: &Shared, query: HashMap<String, String>) -> Response<Body> {
    let settings = &shared.settings;
    let mut state = shared.state.lock().unwrap_or_else(|p| p.into_inner());
    state.authorize_queries.push(query.clone());
    let get = |k: &str| query.get(k).map(String::as_str);
    if get("client_id") != Some(settings.client_id.as_str()) {
        return html(
            400,
            "An error was encountered with the requested page: invalid client_id",
        );
    }
    let Some(redirect_uri) =
        get("redirect_uri").filter(|r| settings.callback_urls.iter().any(|c| c == r))
    else {
        return html(400, "redirect_mismatch");
    };
    let back = |params: &[(&str, &str)]| {
        let mut url = url::form_urlencoded::Serializer::for_suffix(
            format!("{redirect_uri}?"),
            redirect_uri.len() + 1,
        );
        for (k, v) in params {
            url.append_pair(k, v);
        }
        redirect(&url.finish())
    };
    let client_state = get("state").unwrap_or("");
    if get("response_type") != Some("code") {
        return back(&[
            ("error", "unsupported_response_type"),
            ("state", client_state),
        ]);
    }
    if get("code_challenge_method") != Some("S256") || get("code_challenge").is_none() {
        return back(&[
            ("error", "invalid_request"),
            ("error_description", "code_challenge_method must be S256"),
            ("state", client_state),
        ]);
    }
    let scopes: Vec<String> = get("scope")
        .unwrap_or("openid")
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let code = random_id(&mut state, "code");
    state.codes.insert(
        code.clone(),
        Code {
            client_id: settings.client_id.clone(),
            redirect_uri: redirect_uri.to_owned(),
            challenge: get("code_challenge").unwrap_or("").to_owned(),
            nonce: get("nonce").map(str::to_owned),
            scopes,
            expires: Instant::now() + settings.code_ttl,
        },
    );
    back(&[("code", &code), ("state", client_state)])
}

/// Whether the client authenticated as the app client (Basic, or id and secret in the body; only the
/// id for a public client). A failure is answered with `invalid_client`.
fn authenticate(shared: &Shared, headers: &HeaderMap, params: &HashMap<String, String>) -> bool {
    let settings = &shared.settings;
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .map(|encoded| {
            let decoded = base64_simd::STANDARD
                .decode_to_vec(encoded.trim())
                .unwrap_or_default();
            let text = String::from_utf8(decoded).unwrap_or_default();
            let (id, secret) = text.split_once(':').unwrap_or((&text, ""));
            let decode = |s: &str| {
                url::form_urlencoded::parse(format!("x={s}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default()
            };
            (decode(id), decode(secret))
        });
    let method = match (&basic, params.contains_key("client_secret")) {
        (Some(_), _) => "client_secret_basic",
        (None, true) => "client_secret_post",
        (None, false) => "none",
    };
    shared
        .state
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .auth_methods
        .push(method);
    let (id, secret) = match basic {
        Some((id, secret)) => (id, Some(secret)),
        None => (
            params.get("client_id").cloned().unwrap_or_default(),
            params.get("client_secret").cloned(),
        ),
    };
    id == settings.client_id
        && match (&settings.client_secret, secret) {
            (Some(expected), Some(given)) => *expected == given,
            (None, None) => true,
            _ => false,
        }
}

fn token(shared: &Shared, headers: &HeaderMap, body: &[u8]) -> Response<Body> {
    let params = form(body);
    let grant = params.get("grant_type").cloned().unwrap_or_default();
    {
        let mut state = shared.state.lock().unwrap_or_else(|p| p.into_inner());
        *state.grants.entry(grant.clone()).or_default() += 1;
        if let Some(fault) = state.faults.pop_front() {
            match fault {
                Fault::Html(status) => return html(status, "<h1>Something went wrong</h1>"),
                Fault::Json(status, body) => return raw_json(status, body),
                Fault::Delay(_) => {}
            }
        }
    }
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return oauth_error(400, "invalid_request", None);
    }
    if !authenticate(shared, headers, &params) {
        return oauth_error(400, "invalid_client", None);
    }
    match grant.as_str() {
        "authorization_code" => authorization_code(shared, &params),
        "client_credentials" => client_credentials(shared, &params),
        "refresh_token" => refresh(shared, &params),
        "" => oauth_error(400, "invalid_request", None),
        _ => oauth_error(400, "unsupported_grant_type", None),
    }
}

fn authorization_code(shared: &Shared, params: &HashMap<String, String>) -> Response<Body> {
    let mut state = shared.state.lock().unwrap_or_else(|p| p.into_inner());
    let Some(code) = params.get("code").and_then(|c| state.codes.remove(c)) else {
        return oauth_error(400, "invalid_grant", None);
    };
    if Instant::now() >= code.expires {
        return oauth_error(400, "invalid_grant", None);
    }
    if params.get("redirect_uri") != Some(&code.redirect_uri)
        || code.client_id != shared.settings.client_id
    {
        return oauth_error(400, "invalid_grant", None);
    }
    let verifier = params
        .get("code_verifier")
        .map(String::as_str)
        .unwrap_or("");
    if B64URL.encode_to_string(Sha256::digest(verifier.as_bytes())) != code.challenge {
        return oauth_error(400, "invalid_grant", None);
    }
    let refresh = random_id(&mut state, "refresh");
    state.refresh_tokens.insert(
        refresh.clone(),
        Refresh {
            scopes: code.scopes.clone(),
            revoked: false,
        },
    );
    let mut answer = user_tokens(
        shared,
        &mut state,
        &code.scopes,
        code.nonce.as_deref(),
        Some(&refresh),
    );
    answer["refresh_token"] = refresh.into();
    json_response(200, answer)
}

fn client_credentials(shared: &Shared, params: &HashMap<String, String>) -> Response<Body> {
    let settings = &shared.settings;
    if settings.client_secret.is_none() {
        return oauth_error(400, "unauthorized_client", None);
    }
    let asked: Vec<String> = params
        .get("scope")
        .map(|s| s.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    if asked.iter().any(|s| !settings.resource_scopes.contains(s)) {
        return oauth_error(400, "invalid_scope", None);
    }
    let scopes = if asked.is_empty() {
        settings.resource_scopes.clone()
    } else {
        asked
    };
    let mut state = shared.state.lock().unwrap_or_else(|p| p.into_inner());
    let now = now();
    let jti = random_id(&mut state, "jti");
    let access = sign(
        &shared.key,
        &json!({
            "sub": settings.client_id,
            "token_use": "access",
            "scope": scopes.join(" "),
            "auth_time": now,
            "iss": format!("{}/{}", shared.base, settings.pool_id),
            "exp": now + settings.token_ttl,
            "iat": now,
            "version": 2,
            "jti": jti,
            "client_id": settings.client_id,
        }),
    );
    state.access_tokens.insert(access.clone(), None);
    json_response(
        200,
        json!({"access_token": access, "expires_in": settings.token_ttl, "token_type": "Bearer"}),
    )
}

fn refresh(shared: &Shared, params: &HashMap<String, String>) -> Response<Body> {
    let mut state = shared.state.lock().unwrap_or_else(|p| p.into_inner());
    let token = params.get("refresh_token").cloned().unwrap_or_default();
    let scopes = match state.refresh_tokens.get(&token) {
        Some(r) if !r.revoked => r.scopes.clone(),
        _ => return oauth_error(400, "invalid_grant", None),
    };
    // As Cognito: new ID and access tokens, no new refresh token.
    json_response(
        200,
        user_tokens(shared, &mut state, &scopes, None, Some(&token)),
    )
}

/// ID (with `openid`) and access tokens of the user.
fn user_tokens(
    shared: &Shared,
    state: &mut State,
    scopes: &[String],
    nonce: Option<&str>,
    refresh: Option<&str>,
) -> Value {
    let settings = &shared.settings;
    let now = now();
    let issuer = format!("{}/{}", shared.base, settings.pool_id);
    let jti = random_id(state, "jti");
    let access = sign(
        &shared.key,
        &json!({
            "sub": settings.user.sub,
            "iss": issuer,
            "client_id": settings.client_id,
            "origin_jti": jti,
            "token_use": "access",
            "scope": scopes.join(" "),
            "auth_time": now,
            "exp": now + settings.token_ttl,
            "iat": now,
            "jti": jti,
            "username": settings.user.username,
        }),
    );
    state
        .access_tokens
        .insert(access.clone(), refresh.map(str::to_owned));
    let mut answer = json!({
        "access_token": access,
        "expires_in": settings.token_ttl,
        "token_type": "Bearer",
    });
    if scopes.iter().any(|s| s == "openid") {
        let mut claims = json!({
            "sub": settings.user.sub,
            "email_verified": true,
            "iss": issuer,
            "cognito:username": settings.user.username,
            "origin_jti": jti,
            "aud": settings.client_id,
            "event_id": random_id(state, "event"),
            "token_use": "id",
            "auth_time": now,
            "exp": now + settings.token_ttl,
            "iat": now,
            "jti": random_id(state, "jti"),
            "email": settings.user.email,
        });
        if let Some(nonce) = state.nonce_override.as_deref().or(nonce) {
            claims["nonce"] = nonce.into();
        }
        let mut id = sign(&shared.key, &claims);
        if state.tamper_id_token {
            // Same header and signature, another payload: `sub` of someone else.
            claims["sub"] = "someone-else".into();
            let mut parts: Vec<String> = id.split('.').map(str::to_owned).collect();
            parts[1] = B64URL.encode_to_string(claims.to_string());
            id = parts.join(".");
        }
        answer["id_token"] = id.into();
    }
    answer
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned)
}

fn userinfo(shared: &Shared, headers: &HeaderMap) -> Response<Body> {
    let state = shared.state.lock().unwrap_or_else(|p| p.into_inner());
    let valid = bearer(headers).is_some_and(|t| {
        state.access_tokens.contains_key(&t) && !state.revoked_access.contains(&t)
    });
    if !valid {
        return oauth_error(401, "invalid_token", Some("Access token is expired, disabled, or deleted, or the user has globally signed out."));
    }
    let user = &shared.settings.user;
    // Cognito's quirk: the *_verified booleans as strings.
    json_response(
        200,
        json!({
            "sub": user.sub,
            "email_verified": "true",
            "phone_number_verified": "false",
            "phone_number": user.phone_number,
            "email": user.email,
            "username": user.username,
            "custom:tenant": "acme",
        }),
    )
}

fn revoke(shared: &Shared, headers: &HeaderMap, body: &[u8]) -> Response<Body> {
    let params = form(body);
    if !authenticate(shared, headers, &params) {
        return oauth_error(400, "invalid_client", None);
    }
    let Some(token) = params.get("token") else {
        return oauth_error(400, "invalid_request", None);
    };
    let mut state = shared.state.lock().unwrap_or_else(|p| p.into_inner());
    if state.access_tokens.contains_key(token) {
        return oauth_error(400, "unsupported_token_type", None);
    }
    if let Some(refresh) = state.refresh_tokens.get_mut(token) {
        refresh.revoked = true;
        let revoked: Vec<String> = state
            .access_tokens
            .iter()
            .filter(|(_, r)| r.as_deref() == Some(token.as_str()))
            .map(|(a, _)| a.clone())
            .collect();
        state.revoked_access.extend(revoked);
    }
    Response::builder()
        .status(200)
        .body(Body::empty())
        .unwrap_or_default()
}

fn logout(shared: &Shared, query: &HashMap<String, String>) -> Response<Body> {
    let settings = &shared.settings;
    let client_ok = query.get("client_id") == Some(&settings.client_id);
    match query.get("logout_uri") {
        Some(uri) if client_ok && settings.logout_urls.contains(uri) => redirect(uri),
        _ => html(
            400,
            "<h1>An error was encountered with the requested page.</h1>",
        ),
    }
}

/// The user-pools API: `GetTokensFromRefreshToken` only.
fn json_api(shared: &Shared, headers: &HeaderMap, body: &[u8]) -> Response<Body> {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let error = |code: &str, message: &str| {
        raw_json(400, json!({"__type": code, "message": message}).to_string())
    };
    if target != "AWSCognitoIdentityProviderService.GetTokensFromRefreshToken" {
        return error("UnknownOperationException", "not in the stand-in");
    }
    let input: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let settings = &shared.settings;
    let mut state = shared.state.lock().unwrap_or_else(|p| p.into_inner());
    *state
        .grants
        .entry("GetTokensFromRefreshToken".to_owned())
        .or_default() += 1;
    if input["ClientId"].as_str() != Some(settings.client_id.as_str())
        || input["ClientSecret"].as_str() != settings.client_secret.as_deref()
    {
        return error(
            "NotAuthorizedException",
            "Unable to verify secret hash for client",
        );
    }
    let token = input["RefreshToken"].as_str().unwrap_or("").to_owned();
    let scopes = match state.refresh_tokens.get(&token) {
        Some(r) if !r.revoked => r.scopes.clone(),
        Some(_) if settings.rotation => {
            return error(
                "RefreshTokenReuseException",
                "Refresh token has been reused",
            )
        }
        _ => return error("NotAuthorizedException", "Invalid Refresh Token"),
    };
    let new_refresh = if settings.rotation {
        if let Some(old) = state.refresh_tokens.get_mut(&token) {
            old.revoked = true;
        }
        let fresh = random_id(&mut state, "refresh");
        state.refresh_tokens.insert(
            fresh.clone(),
            Refresh {
                scopes: scopes.clone(),
                revoked: false,
            },
        );
        Some(fresh)
    } else {
        None
    };
    let tokens = user_tokens(
        shared,
        &mut state,
        &scopes,
        None,
        Some(new_refresh.as_deref().unwrap_or(&token)),
    );
    let mut result = json!({
        "AccessToken": tokens["access_token"],
        "ExpiresIn": tokens["expires_in"],
        "TokenType": "Bearer",
        "IdToken": tokens["id_token"],
    });
    if let Some(fresh) = new_refresh {
        result["RefreshToken"] = fresh.into();
    }
    let mut response = raw_json(200, json!({"AuthenticationResult": result}).to_string());
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/x-amz-json-1.1"),
    );
    response
}

fn discovery(shared: &Shared) -> Value {
    let base = &shared.base;
    let issuer = format!("{base}/{}", shared.settings.pool_id);
    json!({
        "authorization_endpoint": format!("{base}/oauth2/authorize"),
        "id_token_signing_alg_values_supported": ["RS256"],
        "issuer": issuer,
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "response_types_supported": ["code", "token"],
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "subject_types_supported": ["public"],
        "token_endpoint": format!("{base}/oauth2/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "userinfo_endpoint": format!("{base}/oauth2/userInfo"),
    })
}

// ------------------------------------------------------------------------------------------------
// Tokens and answers
// ------------------------------------------------------------------------------------------------

fn jwks(key: &RsaKeyPair) -> Value {
    let public = RsaPublicKeyComponents::<Vec<u8>>::from(key.public());
    json!({"keys": [{
        "alg": "RS256",
        "e": B64URL.encode_to_string(&public.e),
        "kid": KID,
        "kty": "RSA",
        "n": B64URL.encode_to_string(&public.n),
        "use": "sig",
    }]})
}

fn sign(key: &RsaKeyPair, payload: &Value) -> String {
    let header = json!({"kid": KID, "alg": "RS256"});
    let input = format!(
        "{}.{}",
        B64URL.encode_to_string(header.to_string()),
        B64URL.encode_to_string(payload.to_string())
    );
    let mut signature = vec![0; key.public().modulus_len()];
    key.sign(
        &ring::signature::RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        input.as_bytes(),
        &mut signature,
    )
    .expect("RS256 signing");
    format!("{input}.{}", B64URL.encode_to_string(&signature))
}

fn random_id(state: &mut State, kind: &str) -> String {
    state.counter += 1;
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("random bytes");
    format!(
        "{kind}-{}-{}",
        state.counter,
        B64URL.encode_to_string(bytes)
    )
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn oauth_error(status: u16, code: &str, description: Option<&str>) -> Response<Body> {
    let mut body = json!({ "error": code });
    if let Some(d) = description {
        body["error_description"] = d.into();
    }
    json_response(status, body)
}

fn json_response(status: u16, body: Value) -> Response<Body> {
    raw_json(status, body.to_string())
}

fn raw_json(status: u16, body: String) -> Response<Body> {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header(header::CONTENT_TYPE, "application/json;charset=UTF-8")
        .body(Body::from(body))
        .unwrap_or_default()
}

fn html(status: u16, text: &str) -> Response<Body> {
    Response::builder()
        .status(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header(header::CONTENT_TYPE, "text/html;charset=UTF-8")
        .body(Body::from(format!(
            "<!DOCTYPE html><html><head><title>Error</title></head><body>{text}</body></html>"
        )))
        .unwrap_or_default()
}

fn redirect(location: &str) -> Response<Body> {
    Response::builder()
        .status(302)
        .header(header::LOCATION, location)
        .body(Body::empty())
        .unwrap_or_default()
}
