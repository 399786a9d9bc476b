//! A request the server refused before it reached any act of a session (a
//! body, query or path that does not parse, a failed CSRF check, a bad
//! parameter), or a command whose id does not parse: still one event, as
//! every refused attempt is. The event names the route as the server's
//! table spells it, or the command, and the error's code, never what was
//! sent.

use clearstone_model::Timestamp;
use clearstone_store::Event;

use crate::{Engine, EngineError, Operation, Session};

/// The methods a route may be named with; any other is logged as `other`.
const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// The longest route or code logged as it is.
const NAME_CHARS_MAX: usize = 128;

fn controlled(text: &str, allowed: impl Fn(char) -> bool) -> bool {
    !text.is_empty() && text.len() <= NAME_CHARS_MAX && text.chars().all(allowed)
}

/// The event's query for a request: its method and route's template, or
/// placeholders where they are not the server's own words.
fn request_query(method: &str, route: &str) -> String {
    let method = METHODS
        .iter()
        .find(|m| m.eq_ignore_ascii_case(method))
        .copied()
        .unwrap_or("other");
    let route_ok = route.starts_with('/')
        && controlled(route, |c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || "/{}*-_.".contains(c)
        });
    let route = if route_ok { route } else { "a route" };
    format!("request {method} {route}")
}

fn error_code(code: &str) -> &str {
    match controlled(code, |c| c.is_ascii_lowercase() || c == '_') {
        true => code,
        false => "refused",
    }
}

impl Engine {
    /// Logs a request refused for a signed-in user who has not started
    /// work (a forged CSRF token, an act asked before a purpose was
    /// chosen): there is no purpose to log it under, so it names none.
    pub fn refuse_unstarted_request(
        &self,
        principal: &str,
        method: &str,
        route: &str,
        code: &str,
    ) -> Result<(), EngineError> {
        let principal = match crate::registers::is_register_id(principal) {
            true => principal,
            false => "anonymous",
        };
        self.append_event(&mut Event {
            at: Timestamp::now(),
            operation: Operation::Refused.as_str().into(),
            principal: principal.into(),
            query: request_query(method, route),
            outcome: error_code(code).into(),
            ..Event::default()
        })?;
        Ok(())
    }
}

impl Session<'_> {
    /// Logs a request refused before any act ran: `route` is the route's
    /// template (`/api/v1/records/{id}`), not the address asked, and `code`
    /// the error's code. Anything else in their place is logged as a
    /// placeholder, so no text a person typed reaches the log.
    pub fn refuse_request(&self, method: &str, route: &str, code: &str) -> Result<(), EngineError> {
        self.record(
            Operation::Refused,
            &request_query(method, route),
            &[],
            None,
            error_code(code),
        )
    }

    /// Logs a command refused before its act ran (an id that is not a
    /// number): `command` is the command's own words (`audit receipt`).
    pub fn refuse_command(&self, command: &str, code: &str) -> Result<(), EngineError> {
        let command_ok = controlled(command, |c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || " -".contains(c)
        });
        let command = if command_ok { command } else { "a command" };
        self.record(
            Operation::Refused,
            &format!("command {command}"),
            &[],
            None,
            error_code(code),
        )
    }
}
