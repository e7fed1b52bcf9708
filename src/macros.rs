//! Macros the generated code calls for impls that are the same for every item of a kind, so the
//! generated source holds only what differs (names, values, codes).

/// Implements conversions, `Display` and serde for an open enum with an `Unknown(String)` variant.
#[allow(unused_macros)] // which macros a build uses depends on its service features
macro_rules! open_enum {
    ($name:ident { $($variant:ident = $value:literal,)* }) => {
        impl $name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(v) => v,
                }
            }

            /// Every value this version of the SDK knows, in model order.
            pub const fn values() -> &'static [&'static str] {
                &[$($value,)*]
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($value => Self::$variant,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match s.as_str() {
                    $($value => Self::$variant,)*
                    _ => Self::Unknown(s),
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(s))
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                Ok(Self::from(&*s))
            }
        }
    };
}

/// Implements `Display` (`Code: message`), `Error` and metadata access for an exception structure.
#[allow(unused_macros)] // which macros a build uses depends on its service features
macro_rules! exception {
    ($name:ident) => {
        impl $name {
            /// Code, message, HTTP status and request id of the response.
            pub fn meta(&self) -> &crate::error::ErrorMetadata {
                &self.meta
            }
        }

        impl crate::error::Exception for $name {
            fn set_meta(&mut self, meta: crate::error::ErrorMetadata) {
                self.meta = meta;
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                if self.meta.code().is_some() {
                    self.meta.fmt(f)
                } else {
                    f.write_str(stringify!($name))
                }
            }
        }

        impl std::error::Error for $name {}
    };
}

/// Implements the per-operation error enum: `is_*` predicates, metadata access, `Display`, `Error` and
/// decoding from a response by error code.
#[allow(unused_macros)] // which macros a build uses depends on its service features
macro_rules! operation_error {
    ($name:ident { $($variant:ident($($code:literal)|+) => $is:ident,)* }) => {
        impl $name {
            $(
                #[doc = concat!("Whether this is [`", stringify!($variant), "`](Self::", stringify!($variant), ").")]
                pub fn $is(&self) -> bool {
                    matches!(self, Self::$variant(_))
                }
            )*

            /// Code, message, HTTP status and request id of the response.
            pub fn meta(&self) -> &crate::error::ErrorMetadata {
                match self {
                    $(Self::$variant(e) => &e.meta,)*
                    Self::Unhandled(e) => e.meta(),
                }
            }

            /// The error code (`UserNotFoundException`).
            pub fn code(&self) -> Option<&str> {
                self.meta().code()
            }

            /// The error message.
            pub fn message(&self) -> Option<&str> {
                self.meta().message()
            }
        }

        impl crate::error::ServiceError for $name {
            #[inline]
            fn from_response(meta: crate::error::ErrorMetadata, body: &[u8]) -> Self {
                match meta.code() {
                    $($(Some($code))|+ => Self::$variant(crate::error::decode_exception(meta, body)),)*
                    _ => Self::Unhandled(crate::error::Unhandled::new(meta)),
                }
            }

            fn meta(&self) -> &crate::error::ErrorMetadata {
                $name::meta(self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    $(Self::$variant(e) => e.fmt(f),)*
                    Self::Unhandled(e) => e.fmt(f),
                }
            }
        }

        impl std::error::Error for $name {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                match self {
                    $(Self::$variant(e) => Some(e),)*
                    Self::Unhandled(e) => Some(e),
                }
            }
        }
    };
}

/// Implements [`Operation`](crate::operation::Operation) for an AWS JSON 1.1 operation's input.
#[allow(unused_macros)] // which macros a build uses depends on its service features
macro_rules! json_operation {
    ($input:ident => $output:ident, $error:ident {
        name: $name:literal,
        target: $target:literal,
        signed: $signed:literal,
        required: [$($field:ident = $member:literal),*],
        $(secret_hash: $hash:ident,)?
        $(secret_hash_in: $map:ident,)?
        $(client_secret: $secret:ident,)?
    }) => {
        impl crate::operation::Operation for $input {
            type Output = $output;
            type Error = $error;
            type Client = super::Client;
            const NAME: &'static str = $name;
            const SIGNED: bool = $signed;

            #[inline]
            fn missing_member(&self) -> Option<&'static str> {
                $(if self.$field.is_none() {
                    return Some($member);
                })*
                None
            }

            #[inline]
            fn request(&self) -> Result<crate::operation::Request, String> {
                crate::operation::Request::json($target, self)
            }

            $(
                #[inline]
                fn apply_app_client(&mut self, app: &crate::auth::AppClient) {
                    if app.is_for(self.client_id.as_deref()) {
                        app.fill_member(&mut self.$hash, self.username.as_deref());
                    }
                }
            )?

            $(
                #[inline]
                fn apply_app_client(&mut self, app: &crate::auth::AppClient) {
                    if app.is_for(self.client_id.as_deref()) {
                        app.fill_map(&mut self.$map);
                    }
                }
            )?

            $(
                #[inline]
                fn apply_app_client(&mut self, app: &crate::auth::AppClient) {
                    if app.is_for(self.client_id.as_deref()) {
                        app.fill_secret(&mut self.$secret);
                    }
                }
            )?

            #[inline]
            fn decode(body: &[u8]) -> Result<$output, serde_json::Error> {
                crate::operation::decode_json(body)
            }
        }
    };
}

/// Implements [`Operation`](crate::operation::Operation) for a REST-JSON operation's input: URI labels, query
/// parameters and headers from the members the model binds there, the rest as the JSON body.
#[allow(unused_macros)] // which macros a build uses depends on its service features
macro_rules! rest_operation {
    ($input:ident => $output:ident, $error:ident {
        name: $name:literal,
        method: $method:literal,
        path: $path:literal,
        signed: $signed:literal,
        body: $body:literal,
        labels: [$($label:ident = $label_name:literal),*],
        query: [$($query:ident = $query_name:literal),*],
        headers: [$($header:ident = $header_name:literal),*],
        required: [$($field:ident = $member:literal),*],
    }) => {
        impl crate::operation::Operation for $input {
            type Output = $output;
            type Error = $error;
            type Client = super::Client;
            const NAME: &'static str = $name;
            const SIGNED: bool = $signed;

            #[inline]
            fn missing_member(&self) -> Option<&'static str> {
                $(if self.$field.is_none() {
                    return Some($member);
                })*
                None
            }

            #[inline]
            fn request(&self) -> Result<crate::operation::Request, String> {
                let r = crate::operation::Request::rest($method, $path);
                $(let r = r.label($label_name, $label_name, self.$label.as_deref());)*
                $(let r = r.query($query_name, self.$query.as_ref());)*
                $(let r = r.header($header_name, self.$header.as_ref());)*
                let r = if $body { r.json_body(self) } else { r };
                r.build()
            }

            #[inline]
            fn decode(body: &[u8]) -> Result<$output, serde_json::Error> {
                crate::operation::decode_json(body)
            }
        }
    };
}

/// Implements [`Paginated`](crate::paginate::Paginated) for a paginated operation's input.
#[allow(unused_macros)] // which macros a build uses depends on its service features
macro_rules! paginated {
    ($input:ident => $output:ident {
        input_token: $in_token:ident,
        output_token: $out_token:ident,
        items: $items:ident: $item:ty,
        $(limit: $limit:ident: $limit_ty:ty,)?
        $(default_page_size: $dlimit:ident = $default:literal,)?
    }) => {
        impl crate::paginate::Paginated for $input {
            type Item = $item;

            fn set_token(&mut self, token: Option<String>) {
                self.$in_token = token;
            }

            fn next_token(output: &$output) -> Option<&str> {
                output.$out_token.as_deref()
            }

            fn into_items(output: $output) -> Vec<$item> {
                output.$items.unwrap_or_default()
            }

            fn set_page_size(&mut self, _size: i32) {
                $(self.$limit = Some(<$limit_ty>::from(_size));)?
            }

            $(
                fn ensure_page_size(&mut self) {
                    if self.$dlimit.is_none() {
                        self.set_page_size($default);
                    }
                }
            )?
        }
    };
}

pub(crate) use {exception, json_operation, open_enum, operation_error, paginated, rest_operation};
