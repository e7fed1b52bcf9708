//! [`FluentBuilder`]: what an operation method of a client returns; setters (generated per operation) fill
//! the input, [`send`](FluentBuilder::send) makes the call.

use crate::client::Handle;
use crate::operation::Operation;

/// A call being built: the client plus the operation's input.
///
/// Each operation has its own setters on `FluentBuilder<ThatOperationInput>`; they take `impl Into<T>`.
/// List members get a setter that appends one item and a `set_` setter for the whole list; map members
/// one that inserts an entry.
#[derive(Clone, Debug)]
#[must_use = "a call is made only when `send` is awaited"]
pub struct FluentBuilder<I> {
    pub(crate) handle: Handle,
    pub(crate) input: I,
}

impl Handle {
    /// A fluent builder with a default input (the generated operation methods start here).
    pub(crate) fn builder<I: Default>(&self) -> FluentBuilder<I> {
        FluentBuilder::new(self.clone(), I::default())
    }
}

impl<I> FluentBuilder<I> {
    pub(crate) fn new(handle: Handle, input: I) -> FluentBuilder<I> {
        FluentBuilder { handle, input }
    }

    /// The input as built so far.
    pub fn as_input(&self) -> &I {
        &self.input
    }

    /// The input, by value.
    pub fn into_input(self) -> I {
        self.input
    }

    /// Replaces the whole input (for inputs built with struct-literal syntax).
    pub fn set_input(mut self, input: I) -> Self {
        self.input = input;
        self
    }
}

impl<I: Operation> FluentBuilder<I> {
    /// Sends the call and waits for its result.
    pub async fn send(self) -> Result<I::Output, crate::Error<I::Error>> {
        self.handle.send(self.input).await
    }
}

/// Appends `item` to an optional list member.
pub(crate) fn push<T>(list: &mut Option<Vec<T>>, item: T) {
    list.get_or_insert_with(Vec::new).push(item);
}

/// Inserts an entry into an optional map member.
pub(crate) fn insert<K: std::hash::Hash + Eq, V>(
    map: &mut Option<std::collections::HashMap<K, V>>,
    key: K,
    value: V,
) {
    map.get_or_insert_with(std::collections::HashMap::new)
        .insert(key, value);
}
