//! Strict loading of the ontology file: every error names file, line and field.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Deserialize;
use toml::Spanned;

use super::{Ends, EntityType, Ontology, PropType, Property};
use crate::Sensitivity;

/// An ontology that cannot be used, with the place that makes it so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OntologyError {
    file: String,
    line: usize,
    field: String,
    message: String,
}

impl OntologyError {
    pub fn file(&self) -> &str {
        &self.file
    }
    pub fn line(&self) -> usize {
        self.line
    }
    pub fn field(&self) -> &str {
        &self.field
    }
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for OntologyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` line {}", self.file, self.line)?;
        if !self.field.is_empty() {
            write!(f, ", `{}`", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for OntologyError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOntology {
    version: u32,
    #[serde(default)]
    types: BTreeMap<String, Spanned<RawType>>,
    #[serde(default)]
    relationships: BTreeMap<String, Spanned<RawType>>,
}

/// Types and relationships share one shape; `source`/`target` are only
/// accepted on relationships (checked after parsing, with a line number).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawType {
    label: Option<String>,
    extends: Option<Spanned<String>>,
    #[serde(rename = "abstract", default)]
    is_abstract: bool,
    #[serde(default)]
    subject_category: bool,
    timeline: Option<Spanned<String>>,
    caption: Option<Spanned<String>>,
    sensitivity: Option<Spanned<String>>,
    source: Option<Spanned<RawEnd>>,
    target: Option<Spanned<RawEnd>>,
    #[serde(default)]
    properties: BTreeMap<String, Spanned<RawProp>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnd {
    property: String,
    range: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProp {
    #[serde(rename = "type")]
    ty: Option<Spanned<String>>,
    sensitivity: Option<Spanned<String>>,
    label: Option<String>,
    values: Option<Spanned<Vec<String>>>,
    range: Option<Spanned<String>>,
    protected: Option<bool>,
}

struct Ctx<'a> {
    text: &'a str,
    file: &'a str,
}

impl Ctx<'_> {
    fn err(
        &self,
        at: usize,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> OntologyError {
        let end = at.min(self.text.len());
        let line = self
            .text
            .get(..end)
            .map_or(1, |s| s.bytes().filter(|b| *b == b'\n').count() + 1);
        OntologyError {
            file: self.file.to_string(),
            line,
            field: field.into(),
            message: message.into(),
        }
    }
}

struct Def<'a> {
    section: &'static str,
    raw: &'a Spanned<RawType>,
}

pub(super) fn load(text: &str, file: &str) -> Result<Ontology, OntologyError> {
    let cx = Ctx { text, file };
    let raw: RawOntology = toml::from_str(text).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        cx.err(at, "", e.message().trim().to_string())
    })?;
    if raw.version != 1 {
        return Err(cx.err(
            0,
            "version",
            format!("unsupported version `{}` (expected 1)", raw.version),
        ));
    }

    let mut defs: BTreeMap<&str, Def<'_>> = BTreeMap::new();
    for (name, t) in &raw.types {
        defs.insert(
            name,
            Def {
                section: "types",
                raw: t,
            },
        );
    }
    for (name, r) in &raw.relationships {
        let at = r.span().start;
        if defs.contains_key(name.as_str()) {
            return Err(cx.err(
                at,
                format!("relationships.{name}"),
                "name already used by an entity type",
            ));
        }
        defs.insert(
            name,
            Def {
                section: "relationships",
                raw: r,
            },
        );
    }

    let mut resolved: BTreeMap<String, EntityType> = BTreeMap::new();
    for name in defs.keys() {
        resolve(&cx, &defs, name, &mut Vec::new(), &mut resolved)?;
    }
    Ok(Ontology { types: resolved })
}

fn resolve(
    cx: &Ctx<'_>,
    defs: &BTreeMap<&str, Def<'_>>,
    name: &str,
    stack: &mut Vec<String>,
    done: &mut BTreeMap<String, EntityType>,
) -> Result<(), OntologyError> {
    if done.contains_key(name) {
        return Ok(());
    }
    let Some(def) = defs.get(name) else {
        return Ok(());
    };
    let raw = def.raw.get_ref();
    let here = format!("{}.{name}", def.section);
    let is_rel = def.section == "relationships";
    stack.push(name.to_string());

    let mut props: BTreeMap<String, Property> = BTreeMap::new();
    let mut ends: Option<Ends> = None;
    let mut parent = None;
    if let Some(ext) = &raw.extends {
        let p = ext.get_ref();
        let field = format!("{here}.extends");
        let Some(pdef) = defs.get(p.as_str()) else {
            return Err(cx.err(
                ext.span().start,
                field,
                format!("`{p}` is not a defined type"),
            ));
        };
        if stack.iter().any(|s| s == p) {
            return Err(cx.err(
                ext.span().start,
                field,
                format!("inheritance cycle through `{p}`"),
            ));
        }
        if pdef.section != def.section {
            return Err(cx.err(
                ext.span().start,
                field,
                format!("`{p}` is a {} entry, not {}", pdef.section, def.section),
            ));
        }
        resolve(cx, defs, p, stack, done)?;
        if let Some(pt) = done.get(p.as_str()) {
            props = pt.properties.clone();
            ends = pt.ends.clone();
        }
        parent = Some(p.clone());
    }

    if !is_rel {
        for (key, v) in [("source", &raw.source), ("target", &raw.target)] {
            if let Some(v) = v {
                return Err(cx.err(
                    v.span().start,
                    format!("{here}.{key}"),
                    "only relationships have a source and a target",
                ));
            }
        }
    }
    if is_rel {
        let mut end_prop =
            |end: &Option<Spanned<RawEnd>>, key: &str| -> Result<Option<String>, OntologyError> {
                let Some(end) = end else { return Ok(None) };
                let e = end.get_ref();
                if !defs.contains_key(e.range.get_ref().as_str()) {
                    return Err(cx.err(
                        e.range.span().start,
                        format!("{here}.{key}.range"),
                        format!("`{}` is not a defined type", e.range.get_ref()),
                    ));
                }
                props.insert(
                    e.property.clone(),
                    Property {
                        name: e.property.clone(),
                        label: e.property.replace('_', " "),
                        ty: PropType::Entity,
                        sensitivity: Sensitivity::Ordinary,
                        values: Vec::new(),
                        range: Some(e.range.get_ref().clone()),
                        protected: false,
                    },
                );
                Ok(Some(e.property.clone()))
            };
        let source = end_prop(&raw.source, "source")?;
        let target = end_prop(&raw.target, "target")?;
        let inherited = ends.take();
        let source = source.or_else(|| inherited.as_ref().map(|e| e.source.clone()));
        let target = target.or_else(|| inherited.as_ref().map(|e| e.target.clone()));
        match (source, target) {
            (Some(source), Some(target)) => ends = Some(Ends { source, target }),
            _ => {
                return Err(cx.err(
                    def.raw.span().start,
                    here.clone(),
                    "a relationship needs a `source` and a `target`",
                ));
            }
        }
        for date in ["start_date", "end_date"] {
            props.entry(date.to_string()).or_insert_with(|| Property {
                name: date.to_string(),
                label: date.replace('_', " "),
                ty: PropType::Date,
                sensitivity: Sensitivity::Ordinary,
                values: Vec::new(),
                range: None,
                protected: false,
            });
        }
    }

    for (pname, rp) in &raw.properties {
        let field = format!("{here}.properties.{pname}");
        let p = property(cx, defs, pname, rp, &field)?;
        if let Some(old) = props.get(pname)
            && (old.ty != p.ty || old.sensitivity != p.sensitivity)
        {
            return Err(cx.err(
                rp.span().start,
                field,
                format!(
                    "redefines an inherited property as {} / {} (was {} / {})",
                    p.ty, p.sensitivity, old.ty, old.sensitivity
                ),
            ));
        }
        props.insert(pname.clone(), p);
    }

    let date_prop =
        |s: &Spanned<String>, key: &str, want: Option<PropType>| -> Result<String, OntologyError> {
            match props.get(s.get_ref()) {
                Some(p) if want.is_none_or(|w| w == p.ty) => Ok(s.get_ref().clone()),
                Some(_) => Err(cx.err(
                    s.span().start,
                    format!("{here}.{key}"),
                    format!("`{}` is not a date property", s.get_ref()),
                )),
                None => Err(cx.err(
                    s.span().start,
                    format!("{here}.{key}"),
                    format!("`{}` is not a property of this type", s.get_ref()),
                )),
            }
        };
    let timeline = raw
        .timeline
        .as_ref()
        .map(|t| date_prop(t, "timeline", Some(PropType::Date)))
        .transpose()?;
    let caption = match &raw.caption {
        Some(c) => date_prop(c, "caption", None)?,
        None => done
            .get(parent.as_deref().unwrap_or(""))
            .map_or_else(|| "name".to_string(), |p| p.caption.clone()),
    };
    let inherited = parent.as_deref().and_then(|p| done.get(p));
    let sensitivity = type_sensitivity(
        cx,
        raw.sensitivity.as_ref(),
        inherited.map(|p| p.sensitivity),
        &here,
    )?;
    let et = EntityType {
        name: name.to_string(),
        label: raw.label.clone().unwrap_or_else(|| name.to_string()),
        is_abstract: raw.is_abstract,
        subject_category: raw.subject_category || inherited.is_some_and(|p| p.subject_category),
        timeline: timeline.or_else(|| inherited.and_then(|p| p.timeline.clone())),
        caption,
        sensitivity,
        ends,
        parent,
        properties: props,
    };
    stack.pop();
    done.insert(name.to_string(), et);
    Ok(())
}

/// A type's own tag, or its parent's. A subtype may tag what its parent
/// left ordinary, but never weaken or change the parent's tag: a record of
/// the subtype is a record of the parent too.
fn type_sensitivity(
    cx: &Ctx<'_>,
    own: Option<&Spanned<String>>,
    inherited: Option<Sensitivity>,
    here: &str,
) -> Result<Sensitivity, OntologyError> {
    let inherited = inherited.unwrap_or(Sensitivity::Ordinary);
    let Some(own) = own else {
        return Ok(inherited);
    };
    let field = format!("{here}.sensitivity");
    let tag = Sensitivity::parse(own.get_ref()).ok_or_else(|| {
        cx.err(
            own.span().start,
            field.clone(),
            format!("unknown sensitivity tag `{}`", own.get_ref()),
        )
    })?;
    if inherited != Sensitivity::Ordinary && tag != inherited {
        return Err(cx.err(
            own.span().start,
            field,
            format!("changes the inherited type sensitivity `{inherited}` to `{tag}`"),
        ));
    }
    Ok(tag)
}

fn property(
    cx: &Ctx<'_>,
    defs: &BTreeMap<&str, Def<'_>>,
    name: &str,
    rp: &Spanned<RawProp>,
    field: &str,
) -> Result<Property, OntologyError> {
    let at = rp.span().start;
    let r = rp.get_ref();
    let Some(ty) = &r.ty else {
        return Err(cx.err(at, field, "missing `type`"));
    };
    let pty = PropType::parse(ty.get_ref()).ok_or_else(|| {
        cx.err(
            ty.span().start,
            format!("{field}.type"),
            format!("unknown type `{}` (name, text, date, identifier, address, postcode, phone, email, number, enum, entity)", ty.get_ref()),
        )
    })?;
    let Some(sens) = &r.sensitivity else {
        return Err(cx.err(at, field, "missing `sensitivity` tag (every property must be tagged; use `ordinary` if none applies)"));
    };
    let sensitivity = Sensitivity::parse(sens.get_ref()).ok_or_else(|| {
        cx.err(
            sens.span().start,
            format!("{field}.sensitivity"),
            format!("unknown sensitivity tag `{}`", sens.get_ref()),
        )
    })?;
    let values = match (&r.values, pty) {
        (Some(v), PropType::Enum) => {
            let set: BTreeSet<&String> = v.get_ref().iter().collect();
            if v.get_ref().is_empty() || set.len() != v.get_ref().len() {
                return Err(cx.err(
                    v.span().start,
                    format!("{field}.values"),
                    "enum values must be non-empty and distinct",
                ));
            }
            v.get_ref().clone()
        }
        (None, PropType::Enum) => {
            return Err(cx.err(at, field, "an `enum` property needs `values`"));
        }
        (Some(v), _) => {
            return Err(cx.err(
                v.span().start,
                format!("{field}.values"),
                "`values` is only for enum properties",
            ));
        }
        (None, _) => Vec::new(),
    };
    let range = match (&r.range, pty) {
        (Some(rg), PropType::Entity) => {
            if !defs.contains_key(rg.get_ref().as_str()) {
                return Err(cx.err(
                    rg.span().start,
                    format!("{field}.range"),
                    format!("`{}` is not a defined type", rg.get_ref()),
                ));
            }
            Some(rg.get_ref().clone())
        }
        (None, PropType::Entity) => {
            return Err(cx.err(at, field, "an `entity` property needs a `range`"));
        }
        (Some(rg), _) => {
            return Err(cx.err(
                rg.span().start,
                format!("{field}.range"),
                "`range` is only for entity properties",
            ));
        }
        (None, _) => None,
    };
    Ok(Property {
        name: name.to_string(),
        label: r.label.clone().unwrap_or_else(|| name.replace('_', " ")),
        ty: pty,
        sensitivity,
        values,
        range,
        protected: r.protected.unwrap_or(false),
    })
}
