//! clearstone's web server. Like the CLI it never touches the store: every
//! handler works through an engine `Session`.

pub mod pages;
