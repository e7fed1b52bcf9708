//! Pagination edge cases, over an in-memory transport: an empty token ends the stream, a token that
//! repeats any earlier one ends it with a typed error instead of looping, and a page size outside the
//! model's range is refused before anything is sent.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use cognito::transport::{self, HttpError};
use cognito::{Config, Credentials, Error};

/// An in-memory service that answers from a list of JSON bodies (then fails) and records each request
/// body.
#[derive(Clone, Default)]
struct Pages {
    answers: Arc<Mutex<VecDeque<String>>>,
    bodies: Arc<Mutex<Vec<serde_json::Value>>>,
}

impl Pages {
    fn new(answers: &[&str]) -> Pages {
        Pages {
            answers: Arc::new(Mutex::new(
                answers.iter().map(|a| (*a).to_owned()).collect(),
            )),
            bodies: Arc::default(),
        }
    }

    fn config(&self) -> Config {
        let pages = self.clone();
        let fake = transport::from_fn(move |request: http::Request<Bytes>| {
            let pages = pages.clone();
            async move {
                let body: serde_json::Value = serde_json::from_slice(request.body())
                    .map_err(|e| HttpError::io(e.to_string()))?;
                pages
                    .bodies
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(body);
                let answer = pages
                    .answers
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .pop_front()
                    .ok_or_else(|| {
                        HttpError::connect("no page left: the paginator asked for one too many")
                    })?;
                http::Response::builder()
                    .status(200)
                    .body(Bytes::from(answer))
                    .map_err(|e| HttpError::io(e.to_string()))
            }
        });
        Config::builder()
            .region("us-east-1")
            .credentials(Credentials::new("AKID", "SECRET", None, None, "test"))
            .retry(cognito::RetryConfig::disabled())
            .transport(fake)
            .build()
    }

    /// The `PaginationToken` of every request, in order.
    fn tokens(&self, member: &str) -> Vec<Option<String>> {
        self.bodies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|b| b.get(member).and_then(|t| t.as_str()).map(str::to_owned))
            .collect()
    }
}

fn users_page(names: &[&str], token: Option<&str>) -> String {
    let users: Vec<_> = names
        .iter()
        .map(|n| serde_json::json!({ "Username": n }))
        .collect();
    let mut page = serde_json::json!({ "Users": users });
    if let Some(t) = token {
        page["PaginationToken"] = serde_json::json!(t);
    }
    page.to_string()
}

#[tokio::test]
async fn an_empty_token_ends_the_stream() {
    // On the second page.
    let pages = Pages::new(&[
        &users_page(&["a"], Some("t1")),
        &users_page(&["b"], Some("")),
        &users_page(&["never"], None),
    ]);
    let idp = cognito::idp::Client::new(&pages.config());
    let users = idp
        .list_users()
        .user_pool_id("p")
        .into_paginator()
        .items()
        .try_collect()
        .await
        .expect("two pages");
    let names: Vec<_> = users.iter().filter_map(|u| u.username.as_deref()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(
        pages.tokens("PaginationToken"),
        [None, Some("t1".to_owned())]
    );

    // On the first page.
    let pages = Pages::new(&[&users_page(&["a"], Some("")), &users_page(&["never"], None)]);
    let idp = cognito::idp::Client::new(&pages.config());
    let mut stream = idp.list_users().user_pool_id("p").into_paginator().send();
    assert!(stream.next().await.expect("a page").is_ok());
    assert!(stream.next().await.is_none());
    assert_eq!(pages.tokens("PaginationToken"), [None]);
}

/// Pages that carry `tokens` in turn; returns every element of the page stream and the tokens sent.
async fn follow(tokens: &[&str]) -> (Vec<Result<usize, String>>, Vec<Option<String>>) {
    let answers: Vec<String> = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| users_page(&[&format!("user{i}")], Some(t)))
        .collect();
    let answers: Vec<&str> = answers.iter().map(String::as_str).collect();
    let pages = Pages::new(&answers);
    let idp = cognito::idp::Client::new(&pages.config());
    let mut stream = idp.list_users().user_pool_id("p").into_paginator().send();
    let mut seen = Vec::new();
    while let Some(page) = stream.next().await {
        seen.push(match page {
            Ok(p) => Ok(p.users.map_or(0, |u| u.len())),
            Err(Error::Response(e)) => Err(e.to_string()),
            Err(other) => panic!("unexpected error: {other:?}"),
        });
        assert!(seen.len() <= tokens.len() + 1, "the paginator loops");
    }
    (seen, pages.tokens("PaginationToken"))
}

#[tokio::test]
async fn a_token_repeating_the_previous_one_ends_the_stream_with_an_error() {
    let (seen, sent) = follow(&["A", "A", "B"]).await;
    assert_eq!(
        seen,
        [
            Ok(1),
            Ok(1),
            Err("ListUsers: unreadable response (HTTP 200): page 2 carries the same pagination token as \
                 page 1; the paginator stops instead of requesting the same pages again"
                .to_owned())
        ]
    );
    assert_eq!(sent, [None, Some("A".to_owned())]);
}

#[tokio::test]
async fn a_token_repeating_any_earlier_one_ends_the_stream_with_an_error() {
    // A → B → A: the previous token differs, the one before does not.
    let (seen, sent) = follow(&["A", "B", "A", "C"]).await;
    assert_eq!(seen.len(), 4, "{seen:?}");
    assert!(seen[..3].iter().all(|p| p == &Ok(1)), "{seen:?}");
    let err = seen[3].as_ref().expect_err("the last element is the error");
    assert!(
        err.contains("page 3 carries the same pagination token as page 1"),
        "{err}"
    );
    assert_eq!(
        sent,
        [None, Some("A".to_owned()), Some("B".to_owned())],
        "no request with a repeated token"
    );

    // Further back: A → B → C → D → B.
    let (seen, sent) = follow(&["A", "B", "C", "D", "B", "E"]).await;
    assert_eq!(seen.len(), 6, "{seen:?}");
    let err = seen[5].as_ref().expect_err("the last element is the error");
    assert!(
        err.contains("page 5 carries the same pagination token as page 2"),
        "{err}"
    );
    assert_eq!(sent.len(), 5);

    // Distinct tokens are all followed.
    let (seen, sent) = follow(&["A", "B", "C", ""]).await;
    assert_eq!(seen, [Ok(1), Ok(1), Ok(1), Ok(1)]);
    assert_eq!(sent.len(), 4);
}

#[tokio::test]
async fn the_items_stream_gives_every_item_then_the_repeated_token_error() {
    let pages = Pages::new(&[
        &users_page(&["a", "b"], Some("A")),
        &users_page(&["c"], Some("B")),
        &users_page(&["d"], Some("A")),
        &users_page(&["never"], None),
    ]);
    let idp = cognito::idp::Client::new(&pages.config());
    let mut items = idp.list_users().user_pool_id("p").into_paginator().items();
    let mut names = Vec::new();
    let mut errors = Vec::new();
    while let Some(item) = items.next().await {
        match item {
            Ok(u) => names.push(u.username.unwrap_or_default()),
            Err(e) => errors.push(e),
        }
    }
    assert_eq!(names, ["a", "b", "c", "d"]);
    assert_eq!(errors.len(), 1);
    assert!(matches!(errors[0], Error::Response(_)), "{:?}", errors[0]);
    assert_eq!(pages.tokens("PaginationToken").len(), 3);
}

#[tokio::test]
async fn a_page_size_outside_the_models_range_is_refused_before_sending() {
    // ListUsers' `Limit` is QueryLimitType: 0 to 60.
    for size in [61, 1000, i32::MAX, -1, i32::MIN] {
        let pages = Pages::new(&[&users_page(&["a"], None)]);
        let idp = cognito::idp::Client::new(&pages.config());
        let mut stream = idp
            .list_users()
            .user_pool_id("p")
            .into_paginator()
            .page_size(size)
            .send();
        let err = stream
            .next()
            .await
            .expect("one element")
            .expect_err("refused");
        assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!(
                "invalid input for ListUsers: the page size {size} is outside the range the model \
                 allows (0 to 60)"
            )
        );
        assert!(stream.next().await.is_none(), "the stream ends");
        assert!(pages.tokens("PaginationToken").is_empty(), "nothing sent");
    }
    // Set on the builder, before `into_paginator`: refused as well.
    let pages = Pages::new(&[&users_page(&["a"], None)]);
    let idp = cognito::idp::Client::new(&pages.config());
    let err = idp
        .list_users()
        .user_pool_id("p")
        .limit(61)
        .into_paginator()
        .items()
        .try_collect()
        .await
        .expect_err("refused");
    assert!(matches!(err, Error::InvalidInput(_)), "{err:?}");
    assert!(pages.tokens("PaginationToken").is_empty(), "nothing sent");

    // The bounds themselves are accepted and sent as they are.
    for size in [0, 60] {
        let pages = Pages::new(&[&users_page(&["a"], None)]);
        let idp = cognito::idp::Client::new(&pages.config());
        let users = idp
            .list_users()
            .user_pool_id("p")
            .into_paginator()
            .page_size(size)
            .items()
            .try_collect()
            .await
            .expect("accepted");
        assert_eq!(users.len(), 1);
        let bodies = pages
            .bodies
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        assert_eq!(
            bodies,
            [serde_json::json!({"UserPoolId": "p", "Limit": size})]
        );
    }
}

#[tokio::test]
async fn each_operation_has_its_own_range() {
    // ListIdentityPools' `MaxResults` is 1 to 60; ListResourceServers' 1 to 50.
    let pages = Pages::new(&[r#"{"IdentityPools":[]}"#]);
    let identity = cognito::identity::Client::new(&pages.config());
    let err = identity
        .list_identity_pools()
        .into_paginator()
        .page_size(0)
        .send()
        .next()
        .await
        .expect("one element")
        .expect_err("0 is below the minimum");
    assert!(
        err.to_string()
            .ends_with("the page size 0 is outside the range the model allows (1 to 60)"),
        "{err}"
    );

    let pages = Pages::new(&[r#"{"ResourceServers":[]}"#, r#"{"ResourceServers":[]}"#]);
    let idp = cognito::idp::Client::new(&pages.config());
    let err = idp
        .list_resource_servers()
        .user_pool_id("p")
        .into_paginator()
        .page_size(51)
        .send()
        .next()
        .await
        .expect("one element")
        .expect_err("51 is above the maximum");
    assert!(err.to_string().ends_with("(1 to 50)"), "{err}");
    let servers = idp
        .list_resource_servers()
        .user_pool_id("p")
        .into_paginator()
        .page_size(50)
        .items()
        .try_collect()
        .await
        .expect("50 is allowed");
    assert!(servers.is_empty());
    assert_eq!(pages.tokens("NextToken"), [None]);
}
