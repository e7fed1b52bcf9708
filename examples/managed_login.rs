//! Sign-in through Cognito's managed login: an axum app with `/login` → Cognito → `/callback` → a page
//! with the signed-in user's claims and a logout link.
//!
//! ```sh
//! # Against a local stand-in of Cognito's OAuth endpoints (tests/support/oauth_standin.rs), which
//! # signs "alice" in without a page; open http://127.0.0.1:3000/
//! cargo run --example managed_login --features managed-login
//!
//! # The same, driven by the example itself (GET /login, follows the redirects, prints the page):
//! cargo run --example managed_login --features managed-login -- --once
//!
//! # Against a real user pool with a domain and an app client whose callback URL is
//! # http://127.0.0.1:3000/callback and sign-out URL http://127.0.0.1:3000/:
//! COGNITO_REGION=eu-west-1 COGNITO_USER_POOL_ID=eu-west-1_Example COGNITO_CLIENT_ID=... \
//! COGNITO_CLIENT_SECRET=... COGNITO_DOMAIN=my-prefix \
//!     cargo run --example managed_login --features managed-login
//! ```
//!
//! `COGNITO_DOMAIN` is a domain prefix (`my-prefix`) or a custom domain (`https://auth.example.com`);
//! without it the domain is read from the pool's discovery document. `PORT` changes the port (3000).

#[path = "../tests/support/oauth_standin.rs"]
mod oauth_standin;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{header, Response, StatusCode, Uri};
use axum::routing::get;
use axum::Router;
use cognito::managed_login::{Callback, Domain, Issuer, ManagedLogin, PendingLogin};

/// The app's state: the managed login, and the sign-ins under way by their `state`.
#[derive(Clone)]
struct App {
    login: ManagedLogin,
    pending: Arc<Mutex<HashMap<String, PendingLogin>>>,
    home: String,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000);
    let once = std::env::args().any(|a| a == "--once");
    let listener =
        tokio::net::TcpListener::bind(("127.0.0.1", if once { 0 } else { port })).await?;
    let home = format!("http://{}/", listener.local_addr()?);
    let callback = format!("{home}callback");

    // A real pool when its settings are given, else the local stand-in (kept alive until the end).
    let (login, _standin) = match std::env::var("COGNITO_USER_POOL_ID") {
        Ok(pool_id) => (real_pool(&pool_id, &callback).await?, None),
        Err(_) => {
            let settings = oauth_standin::Settings {
                callback_urls: vec![callback.clone()],
                logout_urls: vec![home.clone()],
                ..oauth_standin::Settings::default()
            };
            let standin = oauth_standin::StandIn::start(settings).await;
            let s = standin.settings();
            let config = cognito::Config::builder()
                .region(s.region.clone())
                .endpoint_url(standin.base())
                .build();
            let login = ManagedLogin::builder(&s.region, &s.pool_id, &s.client_id)
                .issuer(Issuer::custom(&standin.issuer())?)
                .client_secret(s.client_secret.clone().unwrap_or_default())
                .redirect_uri(&callback)
                .config(&config)
                .discover()
                .await?;
            println!("using the local stand-in at {}", standin.base());
            (login, Some(standin))
        }
    };
    println!("issuer {}, domain {}", login.issuer(), login.domain());

    let app = App {
        login,
        pending: Arc::new(Mutex::new(HashMap::new())),
        home: home.clone(),
    };
    let router = Router::new()
        .route("/", get(index))
        .route("/login", get(start_login))
        .route("/callback", get(callback_page))
        .with_state(app);
    let server = tokio::spawn(async move { axum::serve(listener, router).await });

    if once {
        let page = walk_through(&home).await?;
        println!("{page}");
        server.abort();
        return Ok(());
    }
    println!("open {home}");
    server.await??;
    Ok(())
}

/// The `ManagedLogin` of a real pool, from `COGNITO_*` variables.
async fn real_pool(
    pool_id: &str,
    callback: &str,
) -> Result<ManagedLogin, Box<dyn std::error::Error>> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let region = var("COGNITO_REGION")
        .or_else(|| pool_id.split('_').next().map(str::to_owned))
        .ok_or("set COGNITO_REGION")?;
    let client_id = var("COGNITO_CLIENT_ID").ok_or("set COGNITO_CLIENT_ID")?;
    let mut builder = ManagedLogin::builder(&region, pool_id, client_id).redirect_uri(callback);
    if let Some(secret) = var("COGNITO_CLIENT_SECRET") {
        builder = builder.client_secret(secret);
    }
    Ok(match var("COGNITO_DOMAIN") {
        Some(d) if d.contains('.') => builder.domain(Domain::custom(&d)?).build()?,
        Some(prefix) => builder.domain(Domain::prefix(&prefix, &region)?).build()?,
        None => builder.discover().await?,
    })
}

async fn index() -> Response<Body> {
    html(
        StatusCode::OK,
        r#"<h1>cognito managed login</h1><p><a href="/login">Sign in</a></p>"#.to_owned(),
    )
}

/// `/login`: a fresh state, nonce and PKCE verifier; the browser goes to `/oauth2/authorize`.
async fn start_login(axum::extract::State(app): axum::extract::State<App>) -> Response<Body> {
    let request = match app
        .login
        .authorize()
        .scopes(["openid", "email", "profile"])
        .request()
    {
        Ok(r) => r,
        Err(e) => return html(StatusCode::INTERNAL_SERVER_ERROR, escape(&e.to_string())),
    };
    let state = request.pending.state().to_owned();
    app.pending
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(state, request.pending);
    redirect(&request.url)
}

/// `/callback`: the state is checked, the code exchanged, the ID token verified; then userInfo.
async fn callback_page(
    axum::extract::State(app): axum::extract::State<App>,
    uri: Uri,
) -> Response<Body> {
    let callback = Callback::from_query(uri.query().unwrap_or(""));
    let pending = callback.state.as_deref().and_then(|state| {
        app.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(state)
    });
    let Some(pending) = pending else {
        return html(
            StatusCode::BAD_REQUEST,
            "<p>Unknown or used sign-in. <a href=\"/login\">Sign in again</a></p>".to_owned(),
        );
    };
    let signed_in = match app.login.complete(&pending, &callback).await {
        Ok(s) => s,
        Err(e) => {
            return html(
                StatusCode::BAD_REQUEST,
                format!("<p>Sign-in failed: {}</p>", escape(&e.to_string())),
            )
        }
    };
    let mut rows = String::new();
    if let Some(claims) = &signed_in.id_claims {
        for (name, value) in claims.as_map() {
            rows.push_str(&format!(
                "<tr><td>{}</td><td>{}</td></tr>",
                escape(name),
                escape(&value.to_string())
            ));
        }
    }
    let info = match app.login.user_info(signed_in.tokens.access_token()).await {
        Ok(user) => format!(
            "<p>userInfo: {} &lt;{}&gt;, e-mail verified: {:?}</p>",
            escape(user.username.as_deref().unwrap_or(&user.sub)),
            escape(user.email.as_deref().unwrap_or("")),
            user.email_verified
        ),
        Err(e) => format!("<p>userInfo failed: {}</p>", escape(&e.to_string())),
    };
    let logout = app.login.logout_url(&app.home);
    html(
        StatusCode::OK,
        format!(
            "<h1>Signed in</h1>{info}<table>{rows}</table><p><a href=\"{}\">Sign out</a></p>",
            escape(&logout)
        ),
    )
}

/// What a browser does: `/login`, then every redirect, and returns the final page.
async fn walk_through(home: &str) -> Result<String, Box<dyn std::error::Error>> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let mut url = format!("{home}login");
    for _ in 0..5 {
        let response = client.get(&url).send().await?;
        match response.headers().get(header::LOCATION) {
            Some(next) => url = next.to_str()?.to_owned(),
            None => return Ok(response.text().await?),
        }
    }
    Err("too many redirects".into())
}

fn html(status: StatusCode, body: String) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .body(Body::from(format!(
            "<!DOCTYPE html><html><body>{body}</body></html>"
        )))
        .unwrap_or_default()
}

fn redirect(location: &str) -> Response<Body> {
    Response::builder()
        .status(StatusCode::FOUND)
        .header(header::LOCATION, location)
        .body(Body::empty())
        .unwrap_or_default()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
