//! Macros the generated code calls for impls that are the same for every item of a kind, so the
//! generated source holds only what differs (names, values, codes).

/// Implements conversions, `Display` and serde for an open enum with an `Unknown(String)` variant.
#[allow(unused_macros)] // which macros a build uses depends on its service features
macro_rules! open_enum {
    ($name:ident { $($variant:ident = $value:literal,)* }) => {
        impl $name {
            /// The value as it appears on the wire.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(v) => v,
                }
            }

            /// Every value this version of the SDK knows, in model order.
            #[inline]
            pub const fn values() -> &'static [&'static str] {
                &[$($value,)*]
            }
        }

        impl From<&str> for $name {
            #[inline]
            fn from(s: &str) -> Self {
                match s {
                    $($value => Self::$variant,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            #[inline]
            fn from(s: String) -> Self {
                match s.as_str() {
                    $($value => Self::$variant,)*
                    _ => Self::Unknown(s),
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            #[inline]
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(s))
            }
        }

        impl AsRef<str> for $name {
            #[inline]
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl std::fmt::Display for $name {
            #[inline]
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

/// Implements `Display` (`Code: message`), `Error`, metadata access and decoding for an exception structure.
///
/// `exception!(Name)` decodes the structure's members with its `Deserialize` impl; `exception!(Name,
/// message)` is for an exception whose only member is `message`, which all such exceptions decode with one
/// shared, non-generic decoder instead (same result, less code in every app).
#[allow(unused_macros)] // which macros a build uses depends on its service features
macro_rules! exception {
    ($name:ident) => {
        crate::exception!(@common $name);

        impl crate::error::Exception for $name {
            #[inline]
            fn decode(meta: crate::error::ErrorMetadata, body: &[u8]) -> Self {
                Self {
                    meta,
                    ..crate::error::decode_members(body)
                }
            }
        }
    };
    ($name:ident, message) => {
        crate::exception!(@common $name);

        impl crate::error::Exception for $name {
            #[inline]
            fn decode(meta: crate::error::ErrorMetadata, body: &[u8]) -> Self {
                Self {
                    message: crate::error::decode_message(body),
                    meta,
                }
            }
        }
    };
    (@common $name:ident) => {
        impl $name {
            /// Code, message, HTTP status and request id of the response.
            #[inline]
            pub fn meta(&self) -> &crate::error::ErrorMetadata {
                &self.meta
            }
        }

        impl std::fmt::Display for $name {
            #[inline]
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

/// Implements a service error enum (an operation's, or the service-wide `Error`): `is_*` predicates on it
/// and on [`crate::Error`] of it, metadata access, `Display`, `Error` and decoding from a response by error
/// code.
///
/// The enum is one layer of an error chain: it displays the exception it holds (`Code: message`) and has
/// no [`source`](std::error::Error::source), so a reporter that walks the chain prints that message once.
#[allow(unused_macros)] // which macros a build uses depends on its service features
macro_rules! service_error {
    ($name:ident { $($variant:ident($($code:literal)|+) => $is:ident,)* }) => {
        impl $name {
            $(
                #[doc = concat!("Whether this is [`", stringify!($variant), "`](Self::", stringify!($variant), ").")]
                #[inline]
                pub fn $is(&self) -> bool {
                    matches!(self, Self::$variant(_))
                }
            )*

            /// Code, message, HTTP status and request id of the response.
            #[inline]
            pub fn meta(&self) -> &crate::error::ErrorMetadata {
                match self {
                    $(Self::$variant(e) => &e.meta,)*
                    Self::Unhandled(e) => e.meta(),
                }
            }

            /// The error code (`UserNotFoundException`).
            #[inline]
            pub fn code(&self) -> Option<&str> {
                self.meta().code()
            }

            /// The error message.
            #[inline]
            pub fn message(&self) -> Option<&str> {
                self.meta().message()
            }

            /// The request id the service gave (`x-amzn-RequestId`), if any.
            #[inline]
            pub fn request_id(&self) -> Option<&str> {
                self.meta().request_id()
            }
        }

        impl crate::Error<$name> {
            $(
                #[doc = concat!("Whether the service answered with [`", stringify!($variant), "`](",
                    stringify!($name), "::", stringify!($variant), ").")]
                #[inline]
                pub fn $is(&self) -> bool {
                    matches!(self, crate::Error::Service($name::$variant(_)))
                }
            )*
        }

        impl crate::error::ServiceError for $name {
            #[inline]
            fn from_response(meta: crate::error::ErrorMetadata, body: &[u8]) -> Self {
                match meta.code() {
                    $($(Some($code))|+ => Self::$variant(crate::error::Exception::decode(meta, body)),)*
                    _ => Self::Unhandled(crate::error::Unhandled::new(meta)),
                }
            }

            #[inline]
            fn meta(&self) -> &crate::error::ErrorMetadata {
                $name::meta(self)
            }
        }

        impl std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    $(Self::$variant(e) => e.fmt(f),)*
                    Self::Unhandled(e) => e.fmt(f),
                }
            }
        }

        // No source: the exception inside is this same layer, which `Display` already shows.
        impl std::error::Error for $name {}
    };
}

/// Implements an operation's error enum: what [`service_error!`] implements, plus the conversions into the
/// service-wide `Error` (`super::Error`, which has a variant of the same name for every exception), so
/// that `?` carries any operation's error into `crate::Error<super::Error>`. An `Unhandled` error whose code
/// is an exception of the service converts into that exception's variant.
#[allow(unused_macros)] // which macros a build uses depends on its service features
macro_rules! operation_error {
    ($name:ident { $($variant:ident($($code:literal)|+) => $is:ident,)* }) => {
        crate::service_error!($name { $($variant($($code)|+) => $is,)* });

        impl From<$name> for super::Error {
            #[inline]
            fn from(e: $name) -> super::Error {
                match e {
                    $($name::$variant(e) => super::Error::$variant(e),)*
                    // A code this operation's model does not list may be an exception of the service:
                    // then it becomes that variant (its members other than the message are unset, the
                    // body being gone).
                    $name::Unhandled(e) => crate::error::reclassify(e),
                }
            }
        }

        impl From<crate::Error<$name>> for crate::Error<super::Error> {
            #[inline]
            fn from(e: crate::Error<$name>) -> crate::Error<super::Error> {
                e.map_service(super::Error::from)
            }
        }
    };
}

/// Implements an `is_*` predicate per exception on a type that wraps a call's error and has
/// `service_error() -> Option<&Error>` (the auth helpers' errors). The generated service module's
/// `errors::exception_predicates!` calls it with the service's list.
#[allow(unused_macros)] // which macros a build uses depends on its service features
macro_rules! service_predicates {
    ($ty:ty { $($variant:ident => $is:ident,)* }) => {
        impl $ty {
            $(
                #[doc = concat!("Whether a call failed with `", stringify!($variant), "`.")]
                #[inline]
                pub fn $is(&self) -> bool {
                    self.service_error().is_some_and(|e| e.$is())
                }
            )*
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
                fn apply_app_client(&mut self, app: &crate::auth::AppClientSecret) {
                    if app.is_for(self.client_id.as_deref()) {
                        app.fill_member(&mut self.$hash, self.username.as_deref());
                    }
                }
            )?

            $(
                #[inline]
                fn apply_app_client(&mut self, app: &crate::auth::AppClientSecret) {
                    if app.is_for(self.client_id.as_deref()) {
                        app.fill_map(&mut self.$map);
                    }
                }
            )?

            $(
                #[inline]
                fn apply_app_client(&mut self, app: &crate::auth::AppClientSecret) {
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
        $(min_page_size: $min:literal,)?
        $(max_page_size: $max:literal,)?
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

            fn page_size(&self) -> Option<i64> {
                None $(.or(self.$limit.map(i64::from)))?
            }

            fn page_size_bounds() -> (Option<i64>, Option<i64>) {
                (None $(.or(Some($min)))?, None $(.or(Some($max)))?)
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

/// Implements `Serialize` and/or `Deserialize` for a generated structure whose members are all `Option`s,
/// as a JSON object keyed by the members' wire names:
///
/// ```text
/// crate::json_struct! {
///     AdminGetUserOutput: deserialize {
///         username = "Username",
///         message = "message" | "Message",
///     }
/// }
/// ```
///
/// The mode is `serialize`, `deserialize` or `serialize, deserialize`. Serializing writes the `Some`
/// members in declaration order and leaves out the `None` ones. Deserializing starts from
/// `Default::default()`, reads each listed key (or one of its `|` aliases) into its member (`null` gives
/// `None`), skips unknown keys and refuses a member given twice. Fields not listed (URI, query and header
/// bindings, an exception's `meta`) are neither written nor read.
#[allow(unused_macros)] // which macros a build uses depends on its service features
macro_rules! json_struct {
    (@ser $name:ident {}) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                serde::ser::SerializeMap::end(s.serialize_map(Some(0))?)
            }
        }
    };
    (@ser $name:ident { $($field:ident = $wire:literal,)+ }) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                let mut map = s.serialize_map(None)?;
                $(
                    if let Some(v) = &self.$field {
                        map.serialize_entry($wire, v)?;
                    }
                )+
                map.end()
            }
        }
    };
    (@de $name:ident { $($field:ident = $wire:literal $(| $alias:literal)*,)* }) => {
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct Fields;

                impl<'de> serde::de::Visitor<'de> for Fields {
                    type Value = $name;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }

                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$name, A::Error> {
                        crate::json_struct!(@visit $name, map { $($field = $wire $(| $alias)*,)* })
                    }
                }

                d.deserialize_map(Fields)
            }
        }
    };
    (@visit $name:ident, $map:ident {}) => {{
        while $map
            .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(<$name as Default>::default())
    }};
    (@visit $name:ident, $map:ident { $($field:ident = $wire:literal $(| $alias:literal)*,)+ }) => {{
        let mut out = <$name as Default>::default();
        // Whether each member was seen, to refuse duplicates (one flag per member, named like it).
        $(let mut $field = false;)+
        while let Some(key) = $map.next_key::<crate::macros::JsonKey<'de>>()? {
            match key.as_str() {
                $(
                    $wire $(| $alias)* => {
                        if std::mem::replace(&mut $field, true) {
                            return Err(serde::de::Error::duplicate_field($wire));
                        }
                        out.$field = $map.next_value()?;
                    }
                )+
                _ => {
                    $map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(out)
    }};
    ($name:ident: serialize { $($field:ident = $wire:literal,)* }) => {
        crate::json_struct!(@ser $name { $($field = $wire,)* });
    };
    ($name:ident: deserialize { $($field:ident = $wire:literal $(| $alias:literal)*,)* }) => {
        crate::json_struct!(@de $name { $($field = $wire $(| $alias)*,)* });
    };
    ($name:ident: serialize, deserialize {
        $($field:ident = $wire:literal $(| $alias:literal)*,)*
    }) => {
        crate::json_struct!(@ser $name { $($field = $wire,)* });
        crate::json_struct!(@de $name { $($field = $wire $(| $alias)*,)* });
    };
}

/// A JSON object key as `json_struct!`'s visitors read it: borrowed from the input when it has no escapes
/// (no allocation), owned otherwise.
pub(crate) enum JsonKey<'de> {
    /// Borrowed from the input.
    Borrowed(&'de str),
    /// Unescaped or handed over by the deserializer.
    Owned(String),
}

impl JsonKey<'_> {
    /// The key.
    pub(crate) fn as_str(&self) -> &str {
        match self {
            JsonKey::Borrowed(s) => s,
            JsonKey::Owned(s) => s,
        }
    }
}

impl<'de> serde::Deserialize<'de> for JsonKey<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> serde::de::Visitor<'de> for KeyVisitor {
            type Value = JsonKey<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a member name")
            }

            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                v: &'de str,
            ) -> Result<JsonKey<'de>, E> {
                Ok(JsonKey::Borrowed(v))
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<JsonKey<'de>, E> {
                Ok(JsonKey::Owned(v.to_owned()))
            }

            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<JsonKey<'de>, E> {
                Ok(JsonKey::Owned(v))
            }
        }

        d.deserialize_identifier(KeyVisitor)
    }
}

pub(crate) use {
    exception, json_operation, json_struct, open_enum, operation_error, paginated, rest_operation,
    service_error, service_predicates,
};

#[cfg(test)]
mod tests {
    use super::JsonKey;

    #[derive(Clone, Debug, Default, PartialEq)]
    struct Thing {
        name: Option<String>,
        r#type: Option<i32>,
        tags: Option<Vec<String>>,
        /// Bound to the URI: not listed, so never in the body.
        path: Option<String>,
    }

    crate::json_struct! {
        Thing: serialize, deserialize {
            name = "Name",
            r#type = "Type",
            tags = "Tags",
        }
    }

    #[derive(Debug, Default)]
    struct Failure {
        message: Option<String>,
        meta: Option<u8>,
    }

    crate::json_struct! {
        Failure: deserialize {
            message = "message" | "Message",
        }
    }

    #[derive(Debug, Default, PartialEq)]
    struct Nothing {}

    crate::json_struct! {
        Nothing: serialize, deserialize {}
    }

    fn thing(json: &str) -> Result<Thing, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn serialize_writes_present_members_in_order() {
        let t = Thing {
            tags: Some(vec!["a".into()]),
            name: Some("n".into()),
            path: Some("p".into()),
            r#type: None,
        };
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"Name":"n","Tags":["a"]}"#
        );
        assert_eq!(serde_json::to_string(&Thing::default()).unwrap(), "{}");
        assert_eq!(serde_json::to_string(&Nothing {}).unwrap(), "{}");
        let v = serde_json::to_value(&t).unwrap();
        assert_eq!(v, serde_json::json!({"Name": "n", "Tags": ["a"]}));
    }

    #[test]
    fn deserialize_reads_wire_names_and_skips_the_rest() {
        let t =
            thing(r#"{"Type":3,"Unknown":{"x":[1,{"y":null}]},"Name":"n","Tags":null,"path":"p"}"#)
                .unwrap();
        assert_eq!(
            t,
            Thing {
                name: Some("n".into()),
                r#type: Some(3),
                ..Thing::default()
            }
        );
        // An escaped key is unescaped before matching.
        assert_eq!(
            thing(r#"{"N\u0061me":"e"}"#).unwrap().name.as_deref(),
            Some("e")
        );
        // From a `Value` too (owned keys).
        let v = serde_json::json!({"Name": "v", "Other": 1});
        let t: Thing = serde_json::from_value(v).unwrap();
        assert_eq!(t.name.as_deref(), Some("v"));
        assert_eq!(t.path, None);
        assert_eq!(
            serde_json::from_str::<Nothing>(r#"{"a":[{}]}"#).unwrap(),
            Nothing {}
        );
    }

    #[test]
    fn deserialize_refuses_what_the_derive_refused() {
        let dup = thing(r#"{"Name":null,"Name":"b"}"#).unwrap_err();
        assert!(dup.starts_with("duplicate field `Name`"), "{dup}");
        let wrong = thing(r#"{"Type":"3"}"#).unwrap_err();
        assert!(wrong.starts_with("invalid type: string \"3\""), "{wrong}");
        let not_object = thing("true").unwrap_err();
        assert!(not_object.contains("expected struct Thing"), "{not_object}");
        assert!(thing(r#"{"Name":"a""#).is_err());
    }

    #[test]
    fn aliases_are_one_member() {
        for json in [r#"{"message":"m"}"#, r#"{"Message":"m"}"#] {
            let f: Failure = serde_json::from_str(json).unwrap();
            assert_eq!(f.message.as_deref(), Some("m"));
            assert_eq!(f.meta, None);
        }
        let both = serde_json::from_str::<Failure>(r#"{"message":"a","Message":"b"}"#);
        assert!(both
            .unwrap_err()
            .to_string()
            .starts_with("duplicate field `message`"));
    }

    #[test]
    fn keys_are_borrowed_unless_escaped() {
        let plain: JsonKey<'_> = serde_json::from_str(r#""Name""#).unwrap();
        assert!(matches!(plain, JsonKey::Borrowed("Name")));
        let escaped: JsonKey<'_> = serde_json::from_str(r#""N\u0061me""#).unwrap();
        assert!(matches!(&escaped, JsonKey::Owned(s) if s == "Name"));
        assert_eq!(escaped.as_str(), "Name");
    }
}
