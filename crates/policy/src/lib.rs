//! clearstone's access policy: principals, purposes, the Cedar policies that
//! decide each request, and what a decision means for a value (allow, mask,
//! deny). Pure: callers pass policy text in; nothing here reads files.
//!
//! The engine checks a session once with [`check_purpose`] (expiry, review,
//! roles), then decides every value it returns through a [`DecisionCache`]
//! built from a [`PolicySet`]. [`reference::decide`] restates the default
//! policies in plain Rust, as the oracle for tests.

mod action;
mod cache;
mod decision;
mod error;
mod load;
mod policy_set;
mod principal;
mod purpose;
pub mod reference;
mod request;
mod resource;

pub use action::Action;
pub use cache::{CACHE_ENTRIES_MAX, DecisionCache};
pub use decision::{Decision, DenyReason, masked_placeholder};
pub use error::{PolicyError, Problem};
pub use policy_set::{DEFAULT_POLICIES, PolicySet, SCHEMA};
pub use principal::{Principal, PrincipalKind};
pub use purpose::{AuditUse, COVERS_ALL, Purpose, SensitiveBasis, check_purpose};
pub use resource::Resource;
