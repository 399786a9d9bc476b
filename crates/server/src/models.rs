//! The models a council runs beside the server, as configured at start:
//! a chat model for machine-written summaries and a transcriber for
//! recorded visits. Either may be absent, and the pages then say so.

use std::sync::Arc;

use clearstone_engine::note_text::{ChatModel, Transcriber};

use crate::AppState;

#[derive(Clone, Default)]
pub struct Models {
    pub chat: Option<Arc<dyn ChatModel + Send + Sync>>,
    pub transcriber: Option<Arc<dyn Transcriber + Send + Sync>>,
}

impl AppState {
    /// The server with these models.
    #[must_use]
    pub fn with_models(mut self, models: Models) -> Self {
        self.models = models;
        self
    }
}
