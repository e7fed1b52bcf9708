//! What the emitters share: Rust type expressions for shapes, and which named shapes need `Serialize`
//! (reachable from an input) or `Deserialize` (reachable from an output or an exception).

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Member, Service, Shape, ShapeKind, Structure};
use crate::names;
use crate::Error;

/// Resolved facts about a service, computed once.
pub struct Context<'a> {
    /// The service.
    pub svc: &'a Service,
    /// Named shapes (structures and enums) reachable from an operation input.
    pub ser: BTreeSet<&'a str>,
    /// Named shapes reachable from an operation output or an exception.
    pub de: BTreeSet<&'a str>,
    /// Exception shapes used by some operation.
    pub exceptions: BTreeSet<&'a str>,
    /// Structures that are an operation's input or output, with the Rust names they get.
    pub io: BTreeMap<&'a str, ()>,
}

/// How a member's Rust type is shaped, for choosing setters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Collection {
    /// A single value.
    Single,
    /// A `Vec` of the item type.
    List(String),
    /// A `HashMap` of key and value types.
    Map(String, String),
}

impl<'a> Context<'a> {
    /// Computes the context; fails on names the generator cannot map.
    pub fn new(svc: &'a Service) -> Result<Context<'a>, Error> {
        let mut ctx = Context {
            svc,
            ser: BTreeSet::new(),
            de: BTreeSet::new(),
            exceptions: BTreeSet::new(),
            io: BTreeMap::new(),
        };
        for op in &svc.operations {
            if let Some(i) = &op.input {
                ctx.io.insert(i, ());
                let mut seen = BTreeSet::new();
                ctx.reach_members(i, &mut seen)?;
                ctx.ser.extend(seen);
            }
            if let Some(o) = &op.output {
                ctx.io.insert(o, ());
                let mut seen = BTreeSet::new();
                ctx.reach_members(o, &mut seen)?;
                ctx.de.extend(seen);
            }
            for e in &op.errors {
                ctx.exceptions.insert(e);
                let mut seen = BTreeSet::new();
                ctx.reach_members(e, &mut seen)?;
                ctx.de.extend(seen);
            }
        }
        // Every named type and exception gets a distinct Rust name (`MFAOptionType` → `MfaOptionType`):
        // two model names that differ only in the case of an acronym would collide.
        let mut rust_names: BTreeMap<String, &str> = BTreeMap::new();
        for name in ctx.ser.iter().chain(&ctx.de).chain(&ctx.exceptions) {
            let rust = names::type_name(name);
            if !names::is_type_name(&rust) {
                return Err(Error::new(format!(
                    "shape name `{name}` cannot be a Rust type name"
                )));
            }
            match rust_names.insert(rust.clone(), name) {
                Some(other) if other != *name => {
                    return Err(Error::new(format!(
                        "shapes `{other}` and `{name}` would both be named `{rust}`"
                    )))
                }
                _ => {}
            }
        }
        let mut operations: BTreeMap<String, &str> = BTreeMap::new();
        for op in &svc.operations {
            if let Some(other) = operations.insert(names::type_name(&op.name), &op.name) {
                return Err(Error::new(format!(
                    "operations `{other}` and `{}` would get the same Rust names",
                    op.name
                )));
            }
        }
        Ok(ctx)
    }

    /// Collects the named shapes reachable from the members of structure `name` (not `name` itself).
    fn reach_members(&self, name: &'a str, seen: &mut BTreeSet<&'a str>) -> Result<(), Error> {
        for m in &self.svc.structure(name)?.members {
            self.reach(&m.target, seen)?;
        }
        Ok(())
    }

    fn reach(&self, name: &'a str, seen: &mut BTreeSet<&'a str>) -> Result<(), Error> {
        let shape = self.svc.shape(name)?;
        match &shape.kind {
            ShapeKind::Structure(_) if seen.insert(name) => self.reach_members(name, seen)?,
            ShapeKind::String(Some(_)) => {
                seen.insert(name);
            }
            ShapeKind::List(item) => self.reach(item, seen)?,
            ShapeKind::Map(k, v) => {
                self.reach(k, seen)?;
                self.reach(v, seen)?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Named shapes to emit in `types`: every structure or enum some operation reaches.
    pub fn named_types(&self) -> Vec<&'a Shape> {
        let all: BTreeSet<&str> = self.ser.union(&self.de).copied().collect();
        all.into_iter()
            .filter_map(|n| self.svc.shapes.get(n))
            .collect()
    }

    /// The Rust type of shape `name`, as written inside the generated service module's submodules;
    /// records the `use` lines it needs.
    pub fn rust_type(&self, name: &str, uses: &mut Vec<&'static str>) -> Result<String, Error> {
        let shape = self.svc.shape(name)?;
        Ok(match &shape.kind {
            ShapeKind::Structure(_) | ShapeKind::String(Some(_)) => {
                uses.push("super::types::*");
                names::type_name(name)
            }
            ShapeKind::String(None) => "String".to_owned(),
            ShapeKind::Integer => "i32".to_owned(),
            ShapeKind::Long => "i64".to_owned(),
            ShapeKind::Boolean => "bool".to_owned(),
            ShapeKind::Double => "f64".to_owned(),
            ShapeKind::Float => "f32".to_owned(),
            ShapeKind::Timestamp => {
                uses.push("crate::primitives::DateTime");
                "DateTime".to_owned()
            }
            ShapeKind::Blob => {
                uses.push("crate::primitives::Blob");
                "Blob".to_owned()
            }
            ShapeKind::Document => {
                uses.push("crate::primitives::Document");
                "Document".to_owned()
            }
            ShapeKind::List(item) => format!("Vec<{}>", self.rust_type(item, uses)?),
            ShapeKind::Map(k, v) => {
                uses.push("std::collections::HashMap");
                format!(
                    "HashMap<{}, {}>",
                    self.rust_type(k, uses)?,
                    self.rust_type(v, uses)?
                )
            }
        })
    }

    /// Whether a member's target is a collection, and of what.
    pub fn collection(
        &self,
        target: &str,
        uses: &mut Vec<&'static str>,
    ) -> Result<Collection, Error> {
        Ok(match &self.svc.shape(target)?.kind {
            ShapeKind::List(item) => Collection::List(self.rust_type(item, uses)?),
            ShapeKind::Map(k, v) => {
                Collection::Map(self.rust_type(k, uses)?, self.rust_type(v, uses)?)
            }
            _ => Collection::Single,
        })
    }

    /// Whether a member's value must be redacted in `Debug`: its target is sensitive, or is a list or map
    /// of something sensitive. (Sensitive structures redact themselves.)
    pub fn member_sensitive(&self, member: &Member) -> Result<bool, Error> {
        self.value_sensitive(&member.target)
    }

    fn value_sensitive(&self, name: &str) -> Result<bool, Error> {
        let shape = self.svc.shape(name)?;
        Ok(match &shape.kind {
            ShapeKind::Structure(_) => false,
            _ if shape.sensitive => true,
            ShapeKind::List(item) => self.value_sensitive(item)?,
            ShapeKind::Map(k, v) => self.value_sensitive(k)? || self.value_sensitive(v)?,
            _ => false,
        })
    }

    /// The Rust type name of a named shape (structure, enum or exception): `MfaOptionType`.
    pub fn type_name(name: &str) -> String {
        names::type_name(name)
    }

    /// The Rust field name of a member.
    pub fn field(member: &Member) -> String {
        names::snake(&member.name)
    }

    /// The structure of `name`.
    pub fn structure(&self, name: &str) -> Result<&'a Structure, Error> {
        self.svc.structure(name)
    }
}
