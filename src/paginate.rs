//! Pagination: every paginated operation's builder has `into_paginator()`, which gives a [`Paginator`]; its
//! [`send`](Paginator::send) is a stream of pages and [`items`](Paginator::items) a stream of the items in
//! them. The token members come from the model (they differ per operation).
//!
//! The stream ends after the page that carries no token, or an empty one. A service that hands back the
//! token of an earlier page (the previous one, or any before it: A → B → A) would make the paginator loop
//! forever: the stream returns that page, then ends with an [`Error::Response`] that says which pages
//! carry the same token. A page size
//! outside the range the model allows for the operation's limit member (`Limit` or `MaxResults`, at most
//! 60 for most operations) is refused with an [`Error::InvalidInput`] before any request is sent.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::hash::BuildHasher;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::client::Handle;
use crate::error::{ErrorMetadata, InvalidInput, ResponseError};
use crate::fluent::FluentBuilder;
use crate::operation::Operation;
use crate::Error;

/// An operation whose results come in pages. Implemented by the generated code.
pub trait Paginated: Operation + Clone {
    /// One item of a page.
    type Item: Send + 'static;
    /// Sets the input's pagination token.
    fn set_token(&mut self, token: Option<String>);
    /// The token of the next page, if there is one.
    fn next_token(output: &Self::Output) -> Option<&str>;
    /// The items of a page.
    fn into_items(output: Self::Output) -> Vec<Self::Item>;
    /// Sets the page-size member (does nothing for operations without one).
    fn set_page_size(&mut self, size: i32);
    /// The page-size member's value, if the operation has one and it is set.
    fn page_size(&self) -> Option<i64>;
    /// The smallest and largest page sizes the model allows, where it says.
    fn page_size_bounds() -> (Option<i64>, Option<i64>);
    /// Sets the page size to the model's maximum when the operation requires one and none is set.
    fn ensure_page_size(&mut self) {}
}

impl<I: Paginated> FluentBuilder<I> {
    /// Turns the call into a paginator that follows the pagination token until the last page.
    pub fn into_paginator(mut self) -> Paginator<I> {
        self.input.ensure_page_size();
        Paginator { builder: self }
    }
}

/// Follows an operation's pagination token. See the [module docs](self).
#[derive(Clone, Debug)]
#[must_use = "a paginator does nothing until its stream is polled"]
pub struct Paginator<I> {
    builder: FluentBuilder<I>,
}

type PageResult<I> = Result<<I as Operation>::Output, Error<<I as Operation>::Error>>;
type ItemResult<I> = Result<<I as Paginated>::Item, Error<<I as Operation>::Error>>;

impl<I: Paginated> Paginator<I> {
    /// Sets the page size (the operation's limit member, such as `Limit` or `MaxResults`). A size outside
    /// the range the model allows makes the stream's first element an [`Error::InvalidInput`], and nothing
    /// is sent.
    pub fn page_size(mut self, size: i32) -> Self {
        self.builder.input.set_page_size(size);
        self
    }

    /// A stream of pages. It ends after the last page, or after the first error.
    pub fn send(self) -> PageStream<PageResult<I>> {
        let refused = page_size_error::<I>(&self.builder.input);
        PageStream::new(Pages::<I> {
            handle: self.builder.handle,
            next: refused.is_none().then_some(self.builder.input),
            pending: None,
            failure: refused.map(Error::InvalidInput),
            seen: HashMap::new(),
            hasher: RandomState::new(),
            pages: 0,
        })
    }

    /// A stream of the items of every page. It ends after the last item, or after the first error.
    pub fn items(self) -> PageStream<ItemResult<I>> {
        PageStream::new(Items::<I> {
            pages: self.send(),
            buffer: VecDeque::new(),
            done: false,
        })
    }
}

/// Why the input's page size cannot be sent, if it is outside the model's range.
fn page_size_error<I: Paginated>(input: &I) -> Option<InvalidInput> {
    let size = input.page_size()?;
    let (min, max) = I::page_size_bounds();
    let range = match (min, max) {
        (Some(min), Some(max)) => format!("{min} to {max}"),
        (Some(min), None) => format!("at least {min}"),
        (None, Some(max)) => format!("at most {max}"),
        (None, None) => return None,
    };
    if min.is_some_and(|min| size < min) || max.is_some_and(|max| size > max) {
        return Some(InvalidInput {
            operation: I::NAME,
            message: format!(
                "the page size {size} is outside the range the model allows ({range})"
            ),
        });
    }
    None
}

type Pending<I> = Pin<Box<dyn Future<Output = (I, PageResult<I>)> + Send>>;

struct Pages<I: Paginated> {
    handle: Handle,
    next: Option<I>,
    pending: Option<Pending<I>>,
    /// The error that ends the stream at the next poll: a page size the model does not allow (before any
    /// request), or a repeated token (after the page that carried it).
    failure: Option<Error<I::Error>>,
    /// The hash of every token received so far, with the number of the page that carried it (from 1).
    /// Hashes, not the tokens, so that a long listing keeps 16 bytes per page; the hasher is keyed at
    /// random, so that no service can make two different tokens collide on purpose.
    seen: HashMap<u64, usize>,
    hasher: RandomState,
    /// Pages received so far.
    pages: usize,
}

// No field is structurally pinned: the pending future is boxed.
impl<I: Paginated> Unpin for Pages<I> {}

impl<I: Paginated> Stream for Pages<I> {
    type Item = PageResult<I>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some(failure) = this.failure.take() {
            return Poll::Ready(Some(Err(failure)));
        }
        if this.pending.is_none() {
            let Some(input) = this.next.take() else {
                return Poll::Ready(None);
            };
            let handle = this.handle.clone();
            this.pending = Some(Box::pin(async move {
                let result = handle.send(input.clone()).await;
                (input, result)
            }));
        }
        let Some(pending) = this.pending.as_mut() else {
            return Poll::Ready(None);
        };
        let (mut input, result) = match pending.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(r) => r,
        };
        this.pending = None;
        let Ok(output) = &result else {
            return Poll::Ready(Some(result));
        };
        this.pages += 1;
        // A missing or empty token: that was the last page.
        let Some(token) = I::next_token(output).filter(|t| !t.is_empty()) else {
            return Poll::Ready(Some(result));
        };
        let hash = this.hasher.hash_one(token);
        if let Some(&earlier) = this.seen.get(&hash) {
            // The service handed back a token it gave before: following it would loop forever. This page
            // is still returned; the error comes next and ends the stream.
            this.failure = Some(Error::Response(ResponseError {
                operation: I::NAME,
                message: format!(
                    "page {} carries the same pagination token as page {earlier}; the paginator stops \
                     instead of requesting the same pages again",
                    this.pages
                ),
                meta: ErrorMetadata {
                    status: Some(200),
                    ..Default::default()
                },
            }));
            return Poll::Ready(Some(result));
        }
        this.seen.insert(hash, this.pages);
        input.set_token(Some(token.to_owned()));
        this.next = Some(input);
        Poll::Ready(Some(result))
    }
}

struct Items<I: Paginated> {
    pages: PageStream<PageResult<I>>,
    buffer: VecDeque<I::Item>,
    done: bool,
}

impl<I: Paginated> Unpin for Items<I> {}

impl<I: Paginated> Stream for Items<I> {
    type Item = ItemResult<I>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => this.done = true,
                Poll::Ready(Some(Err(e))) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(Some(Ok(page))) => this.buffer.extend(I::into_items(page)),
            }
        }
    }
}

/// A boxed, `Unpin` stream with an inherent [`next`](PageStream::next), so that no extension trait is
/// needed to consume it. It also implements [`futures_core::Stream`].
pub struct PageStream<T> {
    inner: Pin<Box<dyn Stream<Item = T> + Send>>,
}

impl<T> std::fmt::Debug for PageStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PageStream")
    }
}

impl<T> PageStream<T> {
    fn new(stream: impl Stream<Item = T> + Send + 'static) -> PageStream<T> {
        PageStream {
            inner: Box::pin(stream),
        }
    }

    /// The next element, or `None` at the end.
    pub async fn next(&mut self) -> Option<T> {
        std::future::poll_fn(|cx| self.inner.as_mut().poll_next(cx)).await
    }
}

impl<U, E> PageStream<Result<U, E>> {
    /// Collects every element, stopping at the first error.
    pub async fn try_collect(mut self) -> Result<Vec<U>, E> {
        let mut out = Vec::new();
        while let Some(item) = self.next().await {
            out.push(item?);
        }
        Ok(out)
    }
}

impl<T> Stream for PageStream<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.inner.as_mut().poll_next(cx)
    }
}
