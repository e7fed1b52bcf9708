//! [`ManagedLogin`]: one app client of one user pool, with its domain, and every flow of the OAuth
//! endpoints.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::cache::{CacheKey, TokenCache};
use super::endpoints::{Discovery, Domain, Endpoints, Issuer};
use super::error::{Call, ManagedLoginError};
use super::http::{OAuthHttp, OAuthRequest, Repeat, SharedTransport};
use super::pkce::{
    authorization_request, AuthorizationRequest, AuthorizeParams, Callback, PendingLogin, Prompt,
};
use super::token::{
    request_tokens, wipe, ClientAuth, ClientAuthMethod, ClientCredentialsToken, TokenAnswer,
};
use super::userinfo::UserInfo;
use crate::auth::{ClientSecret, Tokens};
use crate::config::Config;
use crate::idp::operation::GetTokensFromRefreshTokenError;
use crate::idp::types::AuthenticationResultType;
use crate::jwt::{Claims, JwtVerifier, TokenUse, UserPool};
use crate::retry::{AttemptOutcome, RetryConfig, RetryDecision, RetryKind, RetryState};

/// Settings of a [`ManagedLogin`]; get one from [`ManagedLogin::builder`].
#[must_use]
pub struct ManagedLoginBuilder {
    region: String,
    pool_id: String,
    client_id: String,
    domain: Option<Domain>,
    issuer: Option<Issuer>,
    jwks_url: Option<String>,
    secret: Option<ClientSecret>,
    method: ClientAuthMethod,
    redirect_uri: Option<String>,
    config: Option<Config>,
    rotation: bool,
    margin: Option<Duration>,
    leeway: Option<Duration>,
}

impl fmt::Debug for ManagedLoginBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManagedLoginBuilder")
            .field("region", &self.region)
            .field("pool_id", &self.pool_id)
            .field("client_id", &self.client_id)
            .field("domain", &self.domain)
            .field("issuer", &self.issuer)
            .field("client_secret", &self.secret.as_ref().map(|_| "<redacted>"))
            .field("client_auth", &self.method)
            .field("redirect_uri", &self.redirect_uri)
            .field("refresh_token_rotation", &self.rotation)
            .finish()
    }
}

impl ManagedLoginBuilder {
    /// The user pool's domain: [`Domain::prefix`] or [`Domain::custom`]. Required by
    /// [`build`](Self::build); [`discover`](Self::discover) reads it from the discovery document when
    /// it is not set.
    pub fn domain(mut self, domain: Domain) -> Self {
        self.domain = Some(domain);
        self
    }

    /// Another issuer than `https://cognito-idp.{region}.amazonaws.com/{pool}` (an emulator or a local
    /// stand-in): tokens must carry it in `iss`, and discovery and the JWKS are read from it.
    pub fn issuer(mut self, issuer: Issuer) -> Self {
        self.issuer = Some(issuer);
        self
    }

    /// Reads the signing keys from this URL instead of `{issuer}/.well-known/jwks.json` (`https`, or
    /// `http` to a loopback host).
    pub fn jwks_url(mut self, url: impl Into<String>) -> Self {
        self.jwks_url = Some(url.into());
        self
    }

    /// The app client's secret. It is sent with `client_secret_basic` unless
    /// [`client_auth`](Self::client_auth) says otherwise, and never shows in `Debug`, logs or errors.
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.secret = Some(ClientSecret::new(secret));
        self
    }

    /// How the client authenticates when it has a secret (default
    /// [`ClientAuthMethod::ClientSecretBasic`]). Without a secret, the method is always `none`.
    pub fn client_auth(mut self, method: ClientAuthMethod) -> Self {
        self.method = method;
        self
    }

    /// The default redirect URI of authorization requests (one of the app client's callback URLs).
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(uri.into());
        self
    }

    /// Sends through this configuration's transport, with its timeouts, retry settings,
    /// response-size limit, app name and (for `GetTokensFromRefreshToken`) endpoint. Default: a
    /// configuration of the pool's region with the defaults.
    pub fn config(mut self, config: &Config) -> Self {
        self.config = Some(config.clone());
        self
    }

    /// Whether the app client rotates refresh tokens (its `RefreshTokenRotation` is `ENABLED`): then
    /// [`ManagedLogin::refresh`] uses `GetTokensFromRefreshToken` and keeps the new refresh token.
    pub fn refresh_token_rotation(mut self, enabled: bool) -> Self {
        self.rotation = enabled;
        self
    }

    /// How long before expiry a cached client-credentials token is replaced (default
    /// [`DEFAULT_REFRESH_MARGIN`](super::cache::DEFAULT_REFRESH_MARGIN), 60 s; never more than half the
    /// token's lifetime).
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = Some(margin);
        self
    }

    /// Clock leeway for the ID token's `exp`, `iat` and `nbf` (default
    /// [`jwt::DEFAULT_LEEWAY`](crate::jwt::DEFAULT_LEEWAY)).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = Some(leeway);
        self
    }

    /// Makes the `ManagedLogin` with the domain set by [`domain`](Self::domain). Nothing is fetched.
    ///
    /// # Errors
    /// [`ManagedLoginError::InvalidConfig`] without a domain, or with an invalid region, pool id,
    /// client id, redirect URI or JWKS URL.
    pub fn build(mut self) -> Result<ManagedLogin, ManagedLoginError> {
        let issuer = self.resolved_issuer()?;
        let domain = self.domain.take().ok_or_else(|| {
            ManagedLoginError::InvalidConfig(
                "no domain: set ManagedLoginBuilder::domain, or use discover()".to_owned(),
            )
        })?;
        let jwks = self.jwks_url.take().unwrap_or_else(|| issuer.jwks_url());
        self.finish(issuer, domain, jwks)
    }

    /// Reads `{issuer}/.well-known/openid-configuration` and makes the `ManagedLogin` from it: the
    /// domain (unless [`domain`](Self::domain) set one), and the JWKS URL (unless
    /// [`jwks_url`](Self::jwks_url) set one). The document must name this issuer, and all its
    /// endpoints one domain.
    ///
    /// # Errors
    /// As [`build`](Self::build); [`ManagedLoginError::Discovery`] for an unusable document (a pool
    /// without a domain has no `authorization_endpoint`), and the errors of a request.
    pub async fn discover(mut self) -> Result<ManagedLogin, ManagedLoginError> {
        let issuer = self.resolved_issuer()?;
        let config = self.resolved_config();
        let http = OAuthHttp::new(&config);
        let request = OAuthRequest {
            method: http::Method::GET,
            url: issuer.discovery_url(),
            headers: Vec::new(),
            body: bytes::Bytes::new(),
        };
        let response = http.send(Call::Discovery, Repeat::Safe, &request).await?;
        if !(200..300).contains(&response.status) {
            return Err(response.error(Call::Discovery));
        }
        let found = Discovery::parse(&response.body, &issuer)?;
        let domain = self.domain.take().unwrap_or(found.domain);
        let jwks = self.jwks_url.take().unwrap_or(found.jwks_uri);
        self.finish(issuer, domain, jwks)
    }

    fn resolved_issuer(&self) -> Result<Issuer, ManagedLoginError> {
        match &self.issuer {
            Some(issuer) => Ok(issuer.clone()),
            None => Issuer::for_pool(&self.region, &self.pool_id),
        }
    }

    fn resolved_config(&self) -> Config {
        self.config
            .clone()
            .unwrap_or_else(|| Config::builder().region(self.region.clone()).build())
    }

    fn finish(
        self,
        issuer: Issuer,
        domain: Domain,
        jwks_url: String,
    ) -> Result<ManagedLogin, ManagedLoginError> {
        let client_ok = !self.client_id.is_empty()
            && self.client_id.len() <= 128
            && self
                .client_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '+');
        if !client_ok {
            return Err(ManagedLoginError::InvalidConfig(format!(
                "`{}` is not an app client id",
                super::error::clip(&self.client_id)
            )));
        }
        if let Some(uri) = &self.redirect_uri {
            url::Url::parse(uri).map_err(|e| {
                ManagedLoginError::InvalidConfig(format!(
                    "the redirect URI `{}` is not a URL: {e}",
                    super::error::clip(uri)
                ))
            })?;
        }
        let config = self.resolved_config();
        let transport = config
            .transport()
            .map_err(|e| ManagedLoginError::InvalidConfig(crate::error::chain(&e)))?;
        let mut verifier = JwtVerifier::builder()
            .pool(
                UserPool::new(self.region.clone(), self.pool_id.clone())
                    .issuer(issuer.as_str())
                    .jwks_url(jwks_url)
                    .client_id(self.client_id.clone())
                    .token_use(TokenUse::Id),
            )
            .transport(SharedTransport(Arc::clone(transport)));
        if let Some(leeway) = self.leeway {
            verifier = verifier.leeway(leeway);
        }
        let verifier = verifier
            .build()
            .map_err(|e| ManagedLoginError::InvalidConfig(e.to_string()))?;
        // GetTokensFromRefreshToken: retried here by its own rules, not by the client's.
        let rotation_config = config.to_builder().retry(RetryConfig::disabled()).build();
        Ok(ManagedLogin {
            inner: Arc::new(Inner {
                endpoints: domain.endpoints(),
                issuer,
                domain,
                auth: ClientAuth::new(self.client_id, self.secret, self.method),
                redirect_uri: self.redirect_uri,
                http: OAuthHttp::new(&config),
                idp: crate::idp::Client::new(&rotation_config),
                verifier,
                cache: TokenCache::new(self.margin),
                rotation: self.rotation,
            }),
        })
    }
}

struct Inner {
    issuer: Issuer,
    domain: Domain,
    endpoints: Endpoints,
    auth: ClientAuth,
    redirect_uri: Option<String>,
    http: OAuthHttp,
    idp: crate::idp::Client,
    verifier: JwtVerifier,
    cache: TokenCache,
    rotation: bool,
}

/// One app client of a user pool and its managed-login domain: the authorization-code flow with PKCE,
/// client credentials with a token cache, refresh, userInfo, revocation and the logout URL.
///
/// Cheap to clone (clones share the token cache and the JWKS cache). `Debug` never shows the secret.
///
/// ```no_run
/// use cognito::managed_login::{Callback, Domain, ManagedLogin};
///
/// # async fn demo(query_of_the_callback: &str) -> Result<(), Box<dyn std::error::Error>> {
/// let login = ManagedLogin::builder("eu-west-1", "eu-west-1_Example", "1example23456789")
///     .domain(Domain::prefix("my-app", "eu-west-1")?)
///     .client_secret("…")
///     .redirect_uri("https://app.example.com/callback")
///     .build()?;
///
/// // GET /login: send the browser to Cognito, keep `pending` (keyed by its state) until the callback.
/// let request = login.authorize().scopes(["openid", "email"]).request()?;
/// let (url, pending) = (request.url, request.pending);
///
/// // GET /callback?code=…&state=…: the state is checked, the code exchanged, the ID token verified.
/// let signed_in = login.complete(&pending, &Callback::from_query(query_of_the_callback)).await?;
/// let user = login.user_info(signed_in.tokens.access_token()).await?;
/// println!("{} <{:?}> verified: {:?}", user.sub, user.email, user.email_verified);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ManagedLogin {
    inner: Arc<Inner>,
}

impl fmt::Debug for ManagedLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        f.debug_struct("ManagedLogin")
            .field("issuer", &inner.issuer)
            .field("domain", &inner.domain)
            .field("auth", &inner.auth)
            .field("redirect_uri", &inner.redirect_uri)
            .field("refresh_token_rotation", &inner.rotation)
            .field("cache", &inner.cache)
            .finish()
    }
}

/// What a completed sign-in yields: the tokens, and the verified claims of the ID token.
#[derive(Debug)]
#[non_exhaustive]
pub struct SignedIn {
    /// ID, access and refresh tokens (`Debug` does not show them).
    pub tokens: Tokens,
    /// The ID token's claims, verified (signature, issuer, audience, expiry, nonce); `None` when the
    /// `openid` scope was not asked for (no ID token).
    pub id_claims: Option<Claims>,
}

/// Which request a [`ManagedLogin::refresh`] made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RefreshMethod {
    /// `/oauth2/token` with `grant_type=refresh_token` (no rotation).
    TokenEndpoint,
    /// `GetTokensFromRefreshToken` (the app client rotates refresh tokens).
    GetTokensFromRefreshToken,
}

/// The result of a refresh.
#[derive(Debug)]
#[non_exhaustive]
pub struct Refreshed {
    /// The new tokens. Their refresh token is the new one when the refresh rotated it, else the one
    /// refreshed with (the token endpoint's refresh grant returns none).
    pub tokens: Tokens,
    /// The new ID token's verified claims, when one came back.
    pub id_claims: Option<Claims>,
    /// Which request was made.
    pub method: RefreshMethod,
    /// Whether the answer carried a new refresh token (the old one is then no longer valid, or soon).
    pub rotated: bool,
}

/// An authorization request being put together; see [`ManagedLogin::authorize`].
#[derive(Debug)]
#[must_use]
pub struct Authorize<'a> {
    login: &'a ManagedLogin,
    params: AuthorizeParams,
}

impl Authorize<'_> {
    /// The scopes (`openid`, `email`, `phone`, `profile`, `aws.cognito.signin.user.admin`, or
    /// resource-server scopes `{identifier}/{scope}`). With `openid`, an ID token is required and
    /// verified.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.params.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The redirect URI for this request (default: the builder's).
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.params.redirect_uri = Some(uri.into());
        self
    }

    /// `identity_provider`: go straight to this provider (`COGNITO`, `Google`, a SAML or OIDC
    /// provider's name), skipping the managed-login page.
    pub fn identity_provider(mut self, name: impl Into<String>) -> Self {
        self.params.identity_provider = Some(name.into());
        self
    }

    /// `idp_identifier`: choose the provider by one of its identifiers (e.g. an e-mail domain).
    pub fn idp_identifier(mut self, identifier: impl Into<String>) -> Self {
        self.params.idp_identifier = Some(identifier.into());
        self
    }

    /// `lang`: the language of the managed-login pages (`en`, `fr`, `de`, `ja`, …).
    pub fn lang(mut self, lang: impl Into<String>) -> Self {
        self.params.lang = Some(lang.into());
        self
    }

    /// `prompt`.
    pub fn prompt(mut self, prompt: Prompt) -> Self {
        self.params.prompt = Some(prompt);
        self
    }

    /// The URL, with a fresh state, nonce and PKCE verifier, and what to keep until the callback.
    ///
    /// # Errors
    /// [`ManagedLoginError::InvalidConfig`] without a redirect URI or with a scope holding
    /// whitespace; [`ManagedLoginError::Random`] if the system's random source fails.
    pub fn request(self) -> Result<AuthorizationRequest, ManagedLoginError> {
        let inner = &*self.login.inner;
        let redirect_uri = self
            .params
            .redirect_uri
            .as_deref()
            .or(inner.redirect_uri.as_deref())
            .ok_or_else(|| {
                ManagedLoginError::InvalidConfig(
                    "no redirect URI: set it on the builder or the request".to_owned(),
                )
            })?;
        authorization_request(
            &inner.endpoints,
            &inner.auth.client_id,
            redirect_uri,
            &self.params,
        )
    }
}

impl ManagedLogin {
    /// Settings for app client `client_id` of pool `pool_id` in `region`.
    pub fn builder(
        region: impl Into<String>,
        pool_id: impl Into<String>,
        client_id: impl Into<String>,
    ) -> ManagedLoginBuilder {
        ManagedLoginBuilder {
            region: region.into(),
            pool_id: pool_id.into(),
            client_id: client_id.into(),
            domain: None,
            issuer: None,
            jwks_url: None,
            secret: None,
            method: ClientAuthMethod::default(),
            redirect_uri: None,
            config: None,
            rotation: false,
            margin: None,
            leeway: None,
        }
    }

    /// The issuer of the pool's tokens.
    pub fn issuer(&self) -> &Issuer {
        &self.inner.issuer
    }

    /// The pool's domain.
    pub fn domain(&self) -> &Domain {
        &self.inner.domain
    }

    /// The endpoints on the domain.
    pub fn endpoints(&self) -> &Endpoints {
        &self.inner.endpoints
    }

    /// The app client id.
    pub fn client_id(&self) -> &str {
        &self.inner.auth.client_id
    }

    /// How the client authenticates to the token and revoke endpoints.
    pub fn client_auth(&self) -> ClientAuthMethod {
        self.inner.auth.method()
    }

    /// The verifier of this client's ID tokens (shares its JWKS cache).
    pub fn id_token_verifier(&self) -> &JwtVerifier {
        &self.inner.verifier
    }

    /// Starts an authorization request (authorization code with PKCE S256).
    pub fn authorize(&self) -> Authorize<'_> {
        Authorize {
            login: self,
            params: AuthorizeParams::default(),
        }
    }

    /// Completes a sign-in from the callback: refuses a callback with an error or another `state`,
    /// exchanges the code with the PKCE verifier, and verifies the ID token (signature, issuer,
    /// audience, expiry) and its `nonce`.
    ///
    /// The code is single use: this request is not sent again once it may have reached Cognito.
    ///
    /// # Errors
    /// [`ManagedLoginError::Authorization`], [`StateMismatch`](ManagedLoginError::StateMismatch),
    /// [`MissingCode`](ManagedLoginError::MissingCode); the token endpoint's OAuth errors (a reused
    /// or expired code, a wrong verifier or secret: `invalid_grant`, `invalid_client`, …);
    /// [`IdToken`](ManagedLoginError::IdToken), [`NonceMismatch`](ManagedLoginError::NonceMismatch),
    /// [`MissingIdToken`](ManagedLoginError::MissingIdToken); transport errors and timeouts.
    pub async fn complete(
        &self,
        pending: &PendingLogin,
        callback: &Callback,
    ) -> Result<SignedIn, ManagedLoginError> {
        let code = callback.code_for(pending)?;
        let inner = &*self.inner;
        let answer = request_tokens(
            &inner.http,
            inner.endpoints.token(),
            &inner.auth,
            Call::AuthorizationCode,
            Repeat::OnlyIfUnprocessed,
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", pending.redirect_uri()),
                ("code_verifier", pending.verifier().expose()),
            ],
        )
        .await?;
        let id_claims = match &answer.id_token {
            Some(id_token) => Some(
                self.verify_id_token(id_token, Some(pending.nonce()))
                    .await?,
            ),
            None if pending.openid() => return Err(ManagedLoginError::MissingIdToken),
            None => None,
        };
        Ok(SignedIn {
            tokens: tokens(&answer, None, Call::AuthorizationCode)?,
            id_claims,
        })
    }

    /// Verifies an ID token of this app client; with `nonce`, its `nonce` claim must be that value.
    ///
    /// # Errors
    /// [`ManagedLoginError::IdToken`] or [`ManagedLoginError::NonceMismatch`].
    pub async fn verify_id_token(
        &self,
        id_token: &str,
        nonce: Option<&str>,
    ) -> Result<Claims, ManagedLoginError> {
        let claims = self
            .inner
            .verifier
            .verify(id_token)
            .await
            .map_err(ManagedLoginError::IdToken)?;
        if let Some(expected) = nonce {
            let found = claims.get("nonce").and_then(|v| v.as_str()).unwrap_or("");
            let same = found.len() == expected.len()
                && ctutils::CtEq::ct_eq(found.as_bytes(), expected.as_bytes()).to_bool();
            if !same {
                return Err(ManagedLoginError::NonceMismatch);
            }
        }
        Ok(claims)
    }

    /// An access token for `scopes` (resource-server scopes `{identifier}/{scope}`; none for all the
    /// client's) from the client-credentials grant, **cached**: the same token is handed out until
    /// shortly before it expires (see [`ManagedLoginBuilder::token_refresh_margin`]); then one caller
    /// fetches a new one while the others wait for it. The app client needs a secret.
    ///
    /// # Errors
    /// The token endpoint's OAuth errors (`invalid_scope`, `unauthorized_client`, `invalid_client`,
    /// …), transport errors and timeouts, as [`ManagedLoginError::Shared`]: the caller that made the
    /// request and those that waited for it get the same error (see
    /// [`ManagedLoginError::oauth_code`], which looks through it).
    pub async fn client_credentials<I, S>(
        &self,
        scopes: I,
    ) -> Result<Arc<ClientCredentialsToken>, ManagedLoginError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let scopes: Vec<String> = scopes.into_iter().map(Into::into).collect();
        let key = CacheKey::new(&self.inner.auth.client_id, &scopes);
        self.inner
            .cache
            .get(&key, || self.client_credentials_uncached(key.scopes()))
            .await
    }

    /// Forgets the cached client-credentials token of `scopes` (e.g. after an API refused it).
    pub async fn invalidate_client_credentials<I, S>(&self, scopes: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let scopes: Vec<String> = scopes.into_iter().map(Into::into).collect();
        let key = CacheKey::new(&self.inner.auth.client_id, &scopes);
        self.inner.cache.invalidate(&key).await;
    }

    /// A new client-credentials token, bypassing the cache (each call is a billed request). Safe to
    /// repeat, so it is retried as any idempotent call.
    ///
    /// # Errors
    /// As [`client_credentials`](Self::client_credentials), never `Shared`.
    pub async fn client_credentials_uncached(
        &self,
        scopes: &[String],
    ) -> Result<ClientCredentialsToken, ManagedLoginError> {
        let inner = &*self.inner;
        if !inner.auth.has_secret() {
            return Err(ManagedLoginError::InvalidConfig(
                "the client-credentials grant needs an app client with a secret".to_owned(),
            ));
        }
        let scope = scopes.join(" ");
        let mut form = vec![("grant_type", "client_credentials")];
        if !scope.is_empty() {
            form.push(("scope", &scope));
        }
        let answer = request_tokens(
            &inner.http,
            inner.endpoints.token(),
            &inner.auth,
            Call::ClientCredentials,
            Repeat::Safe,
            &form,
        )
        .await?;
        Ok(ClientCredentialsToken::from_answer(&answer))
    }

    /// New tokens from a refresh token, by the request the app client allows: the token endpoint's
    /// `refresh_token` grant (Cognito returns no new refresh token there, so `refresh_token` is kept),
    /// or, when the client rotates refresh tokens ([`ManagedLoginBuilder::refresh_token_rotation`]),
    /// `GetTokensFromRefreshToken` (which returns the new refresh token). [`Refreshed::method`] says
    /// which. A new ID token is verified (without a nonce: a refresh has none).
    ///
    /// A refresh without rotation is retried as any idempotent call; one with rotation is sent again
    /// only when it certainly did not reach Cognito or was throttled, as the first attempt may have
    /// invalidated the token.
    ///
    /// # Errors
    /// `invalid_grant` for a refresh token that is expired or revoked;
    /// [`ManagedLoginError::Rotation`] for `GetTokensFromRefreshToken`'s errors (e.g.
    /// `RefreshTokenReuseException`); [`ManagedLoginError::IdToken`].
    pub async fn refresh(&self, refresh_token: &str) -> Result<Refreshed, ManagedLoginError> {
        let inner = &*self.inner;
        if inner.rotation {
            return self.refresh_with_rotation(refresh_token).await;
        }
        let answer = request_tokens(
            &inner.http,
            inner.endpoints.token(),
            &inner.auth,
            Call::RefreshToken,
            Repeat::Safe,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ],
        )
        .await?;
        let id_claims = match &answer.id_token {
            Some(id) => Some(self.verify_id_token(id, None).await?),
            None => None,
        };
        Ok(Refreshed {
            rotated: answer.refresh_token.is_some(),
            tokens: tokens(&answer, Some(refresh_token), Call::RefreshToken)?,
            id_claims,
            method: RefreshMethod::TokenEndpoint,
        })
    }

    async fn refresh_with_rotation(
        &self,
        refresh_token: &str,
    ) -> Result<Refreshed, ManagedLoginError> {
        let inner = &*self.inner;
        let mut retry = RetryState::new(inner.http.config().retry());
        let output = loop {
            retry.before_attempt().await;
            let mut builder = inner
                .idp
                .get_tokens_from_refresh_token()
                .client_id(inner.auth.client_id.clone())
                .refresh_token(refresh_token.to_owned());
            if let Some(secret) = inner.auth.secret() {
                builder = builder.client_secret(secret.expose().to_owned());
            }
            let issued = SystemTime::now();
            let result = builder.send().await;
            let outcome = match &result {
                Ok(_) => AttemptOutcome::Success,
                Err(e) => rotation_outcome(e),
            };
            match retry.after_attempt(outcome) {
                RetryDecision::Done => {
                    break result
                        .map(|out| (out, issued))
                        .map_err(|e| ManagedLoginError::Rotation(Box::new(e)))?
                }
                RetryDecision::RetryAfter(delay) => tokio::time::sleep(delay).await,
            }
        };
        let (output, issued) = output;
        let mut result: AuthenticationResultType =
            output
                .authentication_result
                .ok_or_else(|| ManagedLoginError::UnexpectedResponse {
                    call: Call::GetTokensFromRefreshToken,
                    status: 200,
                    content_type: None,
                    length: 0,
                    reason: "no AuthenticationResult".to_owned(),
                })?;
        let rotated = result.refresh_token.is_some();
        if !rotated {
            result.refresh_token = Some(refresh_token.to_owned());
        }
        let tokens = Tokens::from_result(&result, issued);
        wipe_result(&mut result);
        let tokens = tokens.ok_or_else(|| no_access_token(Call::GetTokensFromRefreshToken))?;
        let id_claims = match tokens.id_token() {
            Some(id) => Some(self.verify_id_token(id, None).await?),
            None => None,
        };
        Ok(Refreshed {
            tokens,
            id_claims,
            method: RefreshMethod::GetTokensFromRefreshToken,
            rotated,
        })
    }

    /// The signed-in user's attributes from `/oauth2/userInfo`, for an access token with the
    /// `openid` scope.
    ///
    /// # Errors
    /// `invalid_token` for an expired or revoked token; the errors of a request.
    pub async fn user_info(&self, access_token: &str) -> Result<UserInfo, ManagedLoginError> {
        let mut bearer =
            http::HeaderValue::from_str(&format!("Bearer {access_token}")).map_err(|_| {
                ManagedLoginError::InvalidConfig("the access token cannot go into a header".into())
            })?;
        bearer.set_sensitive(true);
        let request = OAuthRequest {
            method: http::Method::GET,
            url: self.inner.endpoints.userinfo().to_owned(),
            headers: vec![(http::header::AUTHORIZATION, bearer)],
            body: bytes::Bytes::new(),
        };
        let response = self
            .inner
            .http
            .send(Call::UserInfo, Repeat::Safe, &request)
            .await?;
        let map = response.json_object(Call::UserInfo)?;
        UserInfo::from_map(map).map_err(|reason| response.unexpected(Call::UserInfo, reason))
    }

    /// Revokes a refresh token, and the access tokens issued with it, at `/oauth2/revoke`.
    ///
    /// # Errors
    /// The endpoint's OAuth errors (`unsupported_token_type`, `invalid_client`, …) and the errors of
    /// a request.
    pub async fn revoke(&self, refresh_token: &str) -> Result<(), ManagedLoginError> {
        let inner = &*self.inner;
        let mut request = inner
            .auth
            .form_request(inner.endpoints.revoke(), &[("token", refresh_token)])?;
        let sent = inner.http.send(Call::Revoke, Repeat::Safe, &request).await;
        wipe(&mut request);
        let response = sent?;
        if (200..300).contains(&response.status) {
            Ok(())
        } else {
            Err(response.error(Call::Revoke))
        }
    }

    /// The `/logout` URL that ends the managed-login session and sends the browser to `logout_uri`
    /// (one of the app client's sign-out URLs). Cognito takes `client_id` and `logout_uri`, not
    /// OIDC's `post_logout_redirect_uri`.
    pub fn logout_url(&self, logout_uri: &str) -> String {
        let base = format!("{}?", self.inner.endpoints.logout());
        let start = base.len();
        let mut url = url::form_urlencoded::Serializer::for_suffix(base, start);
        url.append_pair("client_id", &self.inner.auth.client_id)
            .append_pair("logout_uri", logout_uri);
        url.finish()
    }
}

/// The retry policy of `GetTokensFromRefreshToken` with rotation: only what certainly was not
/// processed (no connection made, or throttled).
fn rotation_outcome(e: &crate::Error<GetTokensFromRefreshTokenError>) -> AttemptOutcome {
    match e {
        crate::Error::Transport(t) if !t.may_have_reached_server() => {
            AttemptOutcome::Retryable(RetryKind::Transport)
        }
        crate::Error::Timeout(t) if t.kind() == crate::error::TimeoutKind::Connect => {
            AttemptOutcome::Retryable(RetryKind::Timeout)
        }
        crate::Error::Service(GetTokensFromRefreshTokenError::TooManyRequestsException(_)) => {
            AttemptOutcome::Retryable(RetryKind::Throttling)
        }
        _ => AttemptOutcome::NotRetryable,
    }
}

/// The crate's [`Tokens`] from a token answer, keeping `refresh_token` when the answer has none.
fn tokens(
    answer: &TokenAnswer,
    refresh_token: Option<&str>,
    call: Call,
) -> Result<Tokens, ManagedLoginError> {
    let mut result = AuthenticationResultType {
        access_token: Some(answer.access_token.clone()),
        expires_in: Some(
            answer
                .expires_in
                .map_or(3600, |s| i32::try_from(s).unwrap_or(i32::MAX)),
        ),
        token_type: answer.token_type.clone(),
        refresh_token: answer
            .refresh_token
            .clone()
            .or_else(|| refresh_token.map(str::to_owned)),
        id_token: answer.id_token.clone(),
        ..AuthenticationResultType::default()
    };
    let tokens = Tokens::from_result(&result, answer.issued_at);
    wipe_result(&mut result);
    tokens.ok_or_else(|| no_access_token(call))
}

fn no_access_token(call: Call) -> ManagedLoginError {
    ManagedLoginError::UnexpectedResponse {
        call,
        status: 200,
        content_type: None,
        length: 0,
        reason: "no access token".to_owned(),
    }
}

/// Wipes the token copies of an `AuthenticationResult` once `Tokens` holds them.
fn wipe_result(result: &mut AuthenticationResultType) {
    use zeroize::Zeroize;
    result.access_token.zeroize();
    result.id_token.zeroize();
    result.refresh_token.zeroize();
}
