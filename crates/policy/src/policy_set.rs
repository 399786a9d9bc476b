//! A loaded, validated set of Cedar policies and the decision it gives.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use cedar_policy::{Authorizer, PolicyId, Schema};
use sha2::{Digest, Sha256};

use crate::load::{self, Forbid};
use crate::request::Session;
use crate::{
    Action, Decision, DecisionCache, DenyReason, PolicyError, Principal, Purpose, Resource,
};

/// The Cedar schema policies are written against.
pub const SCHEMA: &str = include_str!("../policy/schema.cedarschema");

/// The policies shipped with clearstone.
pub const DEFAULT_POLICIES: &str = include_str!("../policy/default.cedar");

/// Cheap to clone: the parsed policies are shared.
#[derive(Clone)]
pub struct PolicySet {
    inner: Arc<Inner>,
}

struct Inner {
    text: String,
    file_name: String,
    sha256: String,
    schema: Schema,
    policies: cedar_policy::PolicySet,
    unmasked: cedar_policy::PolicySet,
    forbids: HashMap<PolicyId, Forbid>,
    authorizer: Authorizer,
}

impl PolicySet {
    /// Parses `text` and validates it against [`SCHEMA`] (strict mode);
    /// `file_name` names it in errors.
    pub fn load(text: &str, file_name: &str) -> Result<Self, PolicyError> {
        let schema = load::schema(SCHEMA)?;
        let loaded = load::load(text, file_name, &schema)?;
        let sha256 = Sha256::digest(text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Self {
            inner: Arc::new(Inner {
                text: text.to_string(),
                file_name: file_name.to_string(),
                sha256,
                schema,
                policies: loaded.policies,
                unmasked: loaded.unmasked,
                forbids: loaded.forbids,
                authorizer: Authorizer::new(),
            }),
        })
    }

    /// [`DEFAULT_POLICIES`], loaded as `default.cedar`.
    pub fn default_policies() -> Result<Self, PolicyError> {
        Self::load(DEFAULT_POLICIES, "default.cedar")
    }

    pub fn text(&self) -> &str {
        &self.inner.text
    }

    pub fn file_name(&self) -> &str {
        &self.inner.file_name
    }

    /// SHA-256 of the policy text, lower-case hex: logged with each
    /// `policy_change`, so an overseer can tell which policies were in force.
    pub fn sha256(&self) -> &str {
        &self.inner.sha256
    }

    /// Decides one request. Builds the principal's and purpose's entities
    /// every time; for many values use [`PolicySet::cache`]. Value-independent
    /// checks (expiry, review) are [`crate::check_purpose`]'s, made once per
    /// session.
    pub fn decide(
        &self,
        principal: &Principal,
        purpose: &Purpose,
        action: Action,
        resource: &Resource,
        reveal: bool,
    ) -> Decision {
        match Session::new(&self.inner.schema, principal, purpose) {
            Ok(session) => self.evaluate(&session, action, resource, reveal),
            Err(_) => Decision::Deny {
                reason: DenyReason::PolicyError,
            },
        }
    }

    /// A memo of decisions for one principal under one purpose.
    pub fn cache(
        &self,
        principal: &Principal,
        purpose: &Purpose,
    ) -> Result<DecisionCache, PolicyError> {
        DecisionCache::new(self, principal, purpose)
    }

    pub(crate) fn session(
        &self,
        principal: &Principal,
        purpose: &Purpose,
    ) -> Result<Session, PolicyError> {
        Session::new(&self.inner.schema, principal, purpose)
    }

    /// Allow if Cedar allows. Otherwise the reasons are the satisfied
    /// forbids: a deny forbid gives its reason; if only `@mask` forbids were
    /// satisfied, the value is masked when the policies without them allow
    /// it. Any evaluation error denies: a forbid that fails to evaluate must
    /// not let a request through.
    pub(crate) fn evaluate(
        &self,
        session: &Session,
        action: Action,
        resource: &Resource,
        reveal: bool,
    ) -> Decision {
        let fail = Decision::Deny {
            reason: DenyReason::PolicyError,
        };
        let inner = &*self.inner;
        let Ok(request) = session.request(action, resource, reveal, None) else {
            return fail;
        };
        let response = inner
            .authorizer
            .is_authorized(&request, &inner.policies, &session.entities);
        if response.diagnostics().errors().next().is_some() {
            return fail;
        }
        if response.decision() == cedar_policy::Decision::Allow {
            return Decision::Allow;
        }
        let mut masked = false;
        let mut reason: Option<DenyReason> = None;
        for id in response.diagnostics().reason() {
            match inner.forbids.get(id) {
                Some(Forbid::Mask) => masked = true,
                Some(Forbid::Deny(r)) => reason = Some(reason.map_or(*r, |s| s.min(*r))),
                // Only forbids can be reasons for a deny.
                None => return fail,
            }
        }
        if let Some(reason) = reason {
            return Decision::Deny { reason };
        }
        if masked {
            let unmasked =
                inner
                    .authorizer
                    .is_authorized(&request, &inner.unmasked, &session.entities);
            if unmasked.diagnostics().errors().next().is_some() {
                return fail;
            }
            if unmasked.decision() == cedar_policy::Decision::Allow {
                return Decision::Mask {
                    category: resource.sensitivity,
                };
            }
        }
        Decision::Deny {
            reason: DenyReason::ActionNotPermitted,
        }
    }

    #[cfg(test)]
    pub(crate) fn schema(&self) -> &Schema {
        &self.inner.schema
    }
}

impl fmt::Debug for PolicySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolicySet")
            .field("file_name", &self.inner.file_name)
            .field("sha256", &self.inner.sha256)
            .finish_non_exhaustive()
    }
}
