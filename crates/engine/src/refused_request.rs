//! A request the server refused before it reached any act of a session (a
//! body, query or path that does not parse, a failed CSRF check, a bad
//! parameter), or a command whose id does not parse: still one event, as
//! every refused attempt is. The event names the route as the server's
//! table spells it, or the command, and the error's code, never what was
//! sent.

use crate::{EngineError, Operation, Session};

/// The methods a route may be named with; any other is logged as `other`.
const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/// The longest route or code logged as it is.
const NAME_CHARS_MAX: usize = 128;

fn controlled(text: &str, allowed: impl Fn(char) -> bool) -> bool {
    !text.is_empty() && text.len() <= NAME_CHARS_MAX && text.chars().all(allowed)
}

impl Session<'_> {
    /// Logs a request refused before any act ran: `route` is the route's
    /// template (`/api/v1/records/{id}`), not the address asked, and `code`
    /// the error's code. Anything else in their place is logged as a
    /// placeholder, so no text a person typed reaches the log.
    pub fn refuse_request(&self, method: &str, route: &str, code: &str) -> Result<(), EngineError> {
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
        let code_ok = controlled(code, |c| c.is_ascii_lowercase() || c == '_');
        let code = if code_ok { code } else { "refused" };
        self.record(
            Operation::Refused,
            &format!("request {method} {route}"),
            &[],
            None,
            code,
        )
    }

    /// Logs a command refused before its act ran (an id that is not a
    /// number): `command` is the command's own words (`audit receipt`).
    pub fn refuse_command(&self, command: &str, code: &str) -> Result<(), EngineError> {
        let command_ok = controlled(command, |c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || " -".contains(c)
        });
        let command = if command_ok { command } else { "a command" };
        let code_ok = controlled(code, |c| c.is_ascii_lowercase() || c == '_');
        let code = if code_ok { code } else { "refused" };
        self.record(
            Operation::Refused,
            &format!("command {command}"),
            &[],
            None,
            code,
        )
    }
}
