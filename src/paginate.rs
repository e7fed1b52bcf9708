//! Pagination: every paginated operation's builder has `into_paginator()`, which gives a [`Paginator`]; its
//! [`send`](Paginator::send) is a stream of pages and [`items`](Paginator::items) a stream of the items in
//! them. The token members come from the model (they differ per operation).

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::client::Handle;
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
    fn page_size(&self) -> Option<i64> {
        None
    }
    /// The smallest and largest page sizes the model allows, where it says.
    fn page_size_bounds() -> (Option<i64>, Option<i64>) {
        (None, None)
    }
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
    /// Sets the page size (the operation's limit member, such as `Limit` or `MaxResults`).
    pub fn page_size(mut self, size: i32) -> Self {
        self.builder.input.set_page_size(size);
        self
    }

    /// A stream of pages. It ends after the last page, or after the first error.
    pub fn send(self) -> PageStream<PageResult<I>> {
        PageStream::new(Pages::<I> {
            handle: self.builder.handle,
            next: Some(self.builder.input),
            pending: None,
            last_token: None,
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

type Pending<I> = Pin<Box<dyn Future<Output = (I, PageResult<I>)> + Send>>;

struct Pages<I: Paginated> {
    handle: Handle,
    next: Option<I>,
    pending: Option<Pending<I>>,
    last_token: Option<String>,
}

// No field is structurally pinned: the pending future is boxed.
impl<I: Paginated> Unpin for Pages<I> {}

impl<I: Paginated> Stream for Pages<I> {
    type Item = PageResult<I>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
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
        if let Ok(output) = &result {
            // Stop on a missing or empty token, and on a token that repeats (a server bug that would
            // otherwise loop forever).
            if let Some(token) = I::next_token(output).filter(|t| !t.is_empty()) {
                if this.last_token.as_deref() != Some(token) {
                    this.last_token = Some(token.to_owned());
                    input.set_token(Some(token.to_owned()));
                    this.next = Some(input);
                }
            }
        }
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
