//! An axum service that accepts only valid Cognito access tokens of one app client.
//!
//! ```sh
//! COGNITO_REGION=us-east-1 COGNITO_USER_POOL_ID=us-east-1_Example COGNITO_CLIENT_ID=1example23456789 \
//!     cargo run --example verify_token --features jwt
//! curl -H "Authorization: Bearer $ACCESS_TOKEN" http://127.0.0.1:3000/whoami
//! ```
//!
//! Settings (environment):
//! * `COGNITO_REGION`, `COGNITO_USER_POOL_ID`, `COGNITO_CLIENT_ID` (required);
//! * `COGNITO_JWKS_URL` (optional): where to fetch the keys, e.g.
//!   `http://127.0.0.1:5000/us-east-1_Example/.well-known/jwks.json` for moto (which keeps AWS's
//!   issuer in its tokens);
//! * `LISTEN_ADDR` (optional, default `127.0.0.1:3000`).
//!
//! `GET /whoami` answers 200 with the user's name and groups for a valid access token of the
//! client, 401 with the failed check otherwise (no header, expired, wrong client, ID token instead
//! of an access token, bad signature…), and 503 when the keys cannot be fetched.
//!
//! Without the `jwt` feature the example only says how to run it.

#[cfg(feature = "jwt")]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    app::run().await
}

#[cfg(not(feature = "jwt"))]
fn main() {
    eprintln!(
        "this example needs the `jwt` feature: cargo run --example verify_token --features jwt"
    );
}

#[cfg(feature = "jwt")]
mod app {
    use std::error::Error;

    use axum::extract::State;
    use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
    use axum::response::{IntoResponse, Response};
    use axum::routing::get;
    use axum::Router;
    use cognito::jwt::{Claims, JwtError, JwtVerifier, TokenUse, UserPool};

    /// Reads the settings, fetches the keys and serves `GET /whoami` until killed.
    pub async fn run() -> Result<(), Box<dyn Error>> {
        let region = required_env("COGNITO_REGION")?;
        let pool_id = required_env("COGNITO_USER_POOL_ID")?;
        let client_id = required_env("COGNITO_CLIENT_ID")?;
        let listen = std::env::var("LISTEN_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());

        let mut pool = UserPool::new(region, pool_id)
            .client_id(client_id)
            .token_use(TokenUse::Access);
        if let Ok(url) = std::env::var("COGNITO_JWKS_URL") {
            pool = pool.jwks_url(url);
        }
        let verifier = JwtVerifier::builder().pool(pool).build()?;
        // Fetch the keys now so that the first request does not wait; if that fails, they are
        // fetched on first use.
        if let Err(e) = verifier.hydrate().await {
            eprintln!("warning: {e}");
        }

        let app = Router::new()
            .route("/whoami", get(whoami))
            .with_state(verifier);
        let listener = tokio::net::TcpListener::bind(&listen).await?;
        eprintln!("listening on http://{}", listener.local_addr()?);
        axum::serve(listener, app).await?;
        Ok(())
    }

    fn required_env(name: &str) -> Result<String, String> {
        std::env::var(name).map_err(|_| format!("set {name}"))
    }

    /// `GET /whoami`: who the access token says the caller is.
    async fn whoami(State(verifier): State<JwtVerifier>, headers: HeaderMap) -> Response {
        match authenticate(&verifier, &headers).await {
            Ok(claims) => {
                let name = claims.username().unwrap_or(&claims.sub);
                let body = format!(
                    "hello {name} (sub {}, groups {:?})\n",
                    claims.sub, claims.groups
                );
                (StatusCode::OK, body).into_response()
            }
            Err(response) => response,
        }
    }

    /// The verified claims of the request's `Authorization: Bearer …` token, or the error response.
    async fn authenticate(verifier: &JwtVerifier, headers: &HeaderMap) -> Result<Claims, Response> {
        let token = bearer_token(headers).ok_or_else(|| {
            unauthorized(
                "missing `Authorization: Bearer <access token>` header",
                "Bearer",
            )
        })?;
        verifier.verify(token).await.map_err(|e| match e {
            // Our problem, not the caller's: the keys could not be fetched.
            JwtError::JwksFetch { .. } => {
                eprintln!("JWKS unavailable: {e}");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "cannot check tokens right now\n",
                )
                    .into_response()
            }
            // The message names the failed check; it never contains the token.
            rejected => unauthorized(&rejected.to_string(), "Bearer error=\"invalid_token\""),
        })
    }

    fn bearer_token(headers: &HeaderMap) -> Option<&str> {
        let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
        let (scheme, token) = value.split_once(' ')?;
        let token = token.trim();
        (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
    }

    /// 401 with the reason in the body and an RFC 6750 challenge (`Bearer` alone when no token was
    /// sent, `Bearer error="invalid_token"` when one was refused).
    fn unauthorized(reason: &str, challenge: &'static str) -> Response {
        let mut response = (StatusCode::UNAUTHORIZED, format!("{reason}\n")).into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(challenge),
        );
        response
    }
}
