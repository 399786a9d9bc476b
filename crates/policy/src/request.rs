//! Translation into Cedar: the entities for one principal working under one
//! purpose (built once), and the request for one value (built per decision).

use std::collections::{BTreeSet, HashSet};

use cedar_policy::{
    Context, Entities, Entity, EntityId, EntityTypeName, EntityUid, Request, RestrictedExpression,
    Schema,
};
use clearstone_model::Classification;

use crate::error::one_line;
use crate::purpose::COVERS_ALL;
use crate::{Action, PolicyError, Principal, Purpose, Resource};

/// The classification as the schema's `Long`: higher is more protected.
pub(crate) fn rank(c: Classification) -> i64 {
    match c {
        Classification::Official => 0,
        Classification::OfficialSensitive => 1,
        Classification::Secret => 2,
        Classification::TopSecret => 3,
    }
}

/// Everything about a (principal, purpose) pair that does not change from
/// one value to the next.
pub(crate) struct Session {
    principal: EntityUid,
    purpose: EntityUid,
    actions: Vec<EntityUid>,
    dataset_type: EntityTypeName,
    entity_type: EntityTypeName,
    pub entities: Entities,
}

fn type_name(name: &str) -> Result<EntityTypeName, PolicyError> {
    name.parse().map_err(|e: cedar_policy::ParseErrors| {
        PolicyError::Schema(format!(
            "entity type `{name}`: {}",
            one_line(&e.to_string())
        ))
    })
}

fn uid(ty: &EntityTypeName, id: &str) -> EntityUid {
    EntityUid::from_type_name_and_id(ty.clone(), EntityId::new(id))
}

fn strings<'a>(items: impl IntoIterator<Item = &'a String>) -> RestrictedExpression {
    RestrictedExpression::new_set(
        items
            .into_iter()
            .map(|s| RestrictedExpression::new_string(s.clone())),
    )
}

/// The names in a purpose's set other than the [`COVERS_ALL`] wildcard,
/// which becomes its own flag.
fn named(set: &BTreeSet<String>) -> impl Iterator<Item = &str> {
    set.iter().map(String::as_str).filter(|s| *s != COVERS_ALL)
}

fn uids<'a>(ty: &EntityTypeName, ids: impl IntoIterator<Item = &'a str>) -> RestrictedExpression {
    RestrictedExpression::new_set(
        ids.into_iter()
            .map(|id| RestrictedExpression::new_entity_uid(uid(ty, id))),
    )
}

impl Session {
    pub fn new(
        schema: &Schema,
        principal: &Principal,
        purpose: &Purpose,
    ) -> Result<Self, PolicyError> {
        let user_type = type_name("User")?;
        let role_type = type_name("Role")?;
        let purpose_type = type_name("Purpose")?;
        let action_type = type_name("Action")?;
        let dataset_type = type_name("Dataset")?;
        let entity_type = type_name("EntityType")?;
        let entity_error = |id: &str, e: &dyn std::fmt::Display| PolicyError::Entities {
            id: id.to_string(),
            message: one_line(&e.to_string()),
        };

        let mut user_attrs = vec![
            (
                "kind".to_string(),
                RestrictedExpression::new_string(principal.kind.as_str().into()),
            ),
            (
                "clearance".to_string(),
                RestrictedExpression::new_long(rank(principal.clearance)),
            ),
            ("caveats".to_string(), strings(&principal.caveats)),
            (
                "disabled".to_string(),
                RestrictedExpression::new_bool(principal.disabled),
            ),
        ];
        if let Some(unit) = &principal.unit {
            user_attrs.push((
                "unit".to_string(),
                RestrictedExpression::new_string(unit.clone()),
            ));
        }
        let tags = principal
            .attributes
            .iter()
            .map(|(k, v)| (k.clone(), RestrictedExpression::new_string(v.clone())));
        let user = Entity::new_with_tags(
            uid(&user_type, &principal.id),
            user_attrs,
            principal.roles.iter().map(|r| uid(&role_type, r)),
            tags,
        )
        .map_err(|e| entity_error(&principal.id, &e))?;

        let covers_all = |set: &BTreeSet<String>| set.contains(COVERS_ALL);
        let mut purpose_attrs = vec![
            (
                "all_datasets".to_string(),
                RestrictedExpression::new_bool(covers_all(&purpose.datasets)),
            ),
            (
                "datasets".to_string(),
                uids(&dataset_type, named(&purpose.datasets)),
            ),
            (
                "all_entity_types".to_string(),
                RestrictedExpression::new_bool(covers_all(&purpose.entity_types)),
            ),
            (
                "entity_types".to_string(),
                uids(&entity_type, named(&purpose.entity_types)),
            ),
            (
                "roles".to_string(),
                uids(&role_type, purpose.roles.iter().map(String::as_str)),
            ),
            (
                "legal_basis".to_string(),
                RestrictedExpression::new_string(purpose.legal_basis.clone()),
            ),
            (
                "sensitive".to_string(),
                RestrictedExpression::new_bool(purpose.allows_sensitive()),
            ),
        ];
        if let Some(basis) = &purpose.sensitive {
            purpose_attrs.push((
                "sensitive_condition".to_string(),
                RestrictedExpression::new_string(basis.condition.clone()),
            ));
        }
        if let Some(use_) = purpose.audit_use {
            purpose_attrs.push((
                "audit_use".to_string(),
                RestrictedExpression::new_string(use_.as_str().into()),
            ));
        }
        let purpose_entity = Entity::new(
            uid(&purpose_type, &purpose.id),
            purpose_attrs.into_iter().collect(),
            HashSet::new(),
        )
        .map_err(|e| entity_error(&purpose.id, &e))?;

        let roles = principal
            .roles
            .iter()
            .chain(&purpose.roles)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|r| Entity::new_no_attrs(uid(&role_type, r), HashSet::new()));
        // With the schema, Cedar checks every attribute's type and adds the
        // action entities (and so the `reads` / `scoped` groups).
        let entities = Entities::from_entities(
            [user, purpose_entity].into_iter().chain(roles),
            Some(schema),
        )
        .map_err(|e| entity_error(&principal.id, &e))?;

        Ok(Self {
            principal: uid(&user_type, &principal.id),
            purpose: uid(&purpose_type, &purpose.id),
            actions: Action::ALL
                .iter()
                .map(|a| uid(&action_type, a.as_str()))
                .collect(),
            dataset_type,
            entity_type,
            entities,
        })
    }

    /// The request for one value. `schema` is for tests, which check that
    /// the context matches the schema; the hot path passes `None`, because
    /// the shapes are fixed by this function.
    pub fn request(
        &self,
        action: Action,
        resource: &Resource,
        reveal: bool,
        schema: Option<&Schema>,
    ) -> Result<Request, String> {
        let ancestors = std::iter::once(resource.schema.as_str())
            .chain(resource.schema_ancestors.iter().map(String::as_str));
        let context = Context::from_pairs([
            (
                "purpose".to_string(),
                RestrictedExpression::new_entity_uid(self.purpose.clone()),
            ),
            (
                "entity_type".to_string(),
                RestrictedExpression::new_entity_uid(uid(&self.entity_type, &resource.schema)),
            ),
            ("ancestors".to_string(), uids(&self.entity_type, ancestors)),
            (
                "sensitivity".to_string(),
                RestrictedExpression::new_string(resource.sensitivity.as_str().into()),
            ),
            (
                "special".to_string(),
                RestrictedExpression::new_bool(resource.sensitivity.is_special()),
            ),
            (
                "type_sensitivity".to_string(),
                RestrictedExpression::new_string(resource.type_sensitivity.as_str().into()),
            ),
            (
                "type_special".to_string(),
                RestrictedExpression::new_bool(resource.type_sensitivity.is_special()),
            ),
            (
                "classification".to_string(),
                RestrictedExpression::new_long(rank(resource.markings.classification)),
            ),
            ("caveats".to_string(), strings(&resource.markings.caveats)),
            ("reveal".to_string(), RestrictedExpression::new_bool(reveal)),
        ])
        .map_err(|e| one_line(&e.to_string()))?;
        let action = self
            .actions
            .get(action.index())
            .cloned()
            .ok_or_else(|| format!("no entity for action `{action}`"))?;
        Request::new(
            self.principal.clone(),
            action,
            uid(&self.dataset_type, &resource.dataset),
            context,
            schema,
        )
        .map_err(|e| one_line(&e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::{BTreeMap, BTreeSet};

    use clearstone_model::{Markings, Sensitivity};

    use super::*;
    use crate::{AuditUse, PolicySet, PrincipalKind, SensitiveBasis};

    /// The hot path skips Cedar's request validation; this checks, for every
    /// action and sensitivity, that what it builds would pass it.
    #[test]
    fn requests_match_the_schema() {
        let policies = PolicySet::default_policies().unwrap();
        let set = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<BTreeSet<_>>();
        let principal = Principal {
            id: "u1".into(),
            display_name: "U".into(),
            kind: PrincipalKind::Service,
            roles: set(&["analyst"]),
            unit: Some("PSD".into()),
            clearance: Classification::Secret,
            caveats: set(&["HR"]),
            attributes: BTreeMap::from([("force".to_string(), "northshire".to_string())]),
            disabled: false,
        };
        let purpose = Purpose {
            id: "p1".into(),
            description: String::new(),
            legal_basis: "basis".into(),
            sensitive: Some(SensitiveBasis {
                condition: "consent".into(),
            }),
            policy_document: "doc".into(),
            datasets: set(&["*", "hr"]),
            entity_types: set(&["Person"]),
            roles: set(&["analyst"]),
            audit_use: Some(AuditUse::SelfMonitoring),
            review_date: "2030-01-01".into(),
            expires: "2030-01-01".into(),
            reviewed_by: None,
        };
        let session = Session::new(policies.schema(), &principal, &purpose).unwrap();
        for action in Action::ALL {
            for sensitivity in Sensitivity::ALL {
                let resource = Resource {
                    dataset: "hr".into(),
                    schema: "Officer".into(),
                    schema_ancestors: vec!["Person".into()],
                    sensitivity,
                    type_sensitivity: sensitivity,
                    markings: "SECRET:HR".parse::<Markings>().unwrap(),
                };
                let checked = session.request(action, &resource, true, Some(policies.schema()));
                assert!(checked.is_ok(), "{action} {sensitivity}: {checked:?}");
            }
        }
    }

    #[test]
    fn ranks_follow_classification_order() {
        let all = [
            Classification::Official,
            Classification::OfficialSensitive,
            Classification::Secret,
            Classification::TopSecret,
        ];
        let ranks: Vec<i64> = all.iter().map(|c| rank(*c)).collect();
        assert_eq!(ranks, [0, 1, 2, 3]);
    }
}
