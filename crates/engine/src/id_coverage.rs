//! A record's id begins with its dataset (`model::ids::entity_id`), so a
//! record of a dataset the purpose does not cover is hidden whatever it
//! holds. Reads by id stop there, before the store: a hidden record then
//! costs what an absent one does, and how long a lookup takes cannot tell
//! them apart.

use clearstone_model::dataset_of;

use crate::Session;

impl Session<'_> {
    /// Whether `entity_id` names a dataset this session's purpose cannot
    /// cover, so reading it could only find what the gate would hide.
    pub(crate) fn outside_purpose(&self, entity_id: &str) -> bool {
        if self.break_glass.is_some()
            || self
                .purpose
                .datasets
                .contains(clearstone_policy::COVERS_ALL)
        {
            return false;
        }
        dataset_of(entity_id).is_some_and(|d| !self.purpose.datasets.contains(d))
    }
}
