//! clearstone data model.
