//! `clearstone serve`, `token`, `user set-password` and `user enrol`: the
//! web application's commands. Accounts and tokens live in the engine.

use std::io::{BufRead, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clearstone_engine::{ADMIN_PURPOSE, SessionRequest};
use clearstone_server::{Listen, Timeouts};

use crate::args::{ServeArgs, SessionArgs, TokenAction};
use crate::{open, request};

pub fn serve(dir: &Path, a: &ServeArgs) -> Result<()> {
    let listen = Listen {
        addr: a.listen,
        tls: a.tls_cert.clone().zip(a.tls_key.clone()),
        insecure_http: a.insecure_http,
    };
    // Before the data directory is opened: a refused address loads nothing.
    listen.check()?;
    let timeouts = Timeouts {
        idle: Duration::from_secs(a.idle_minutes.saturating_mul(60)),
        absolute: Duration::from_secs(a.absolute_hours.saturating_mul(3600)),
    };
    let engine = Arc::new(open(dir)?);
    let scheme = if listen.tls.is_some() {
        "https"
    } else {
        "http"
    };
    let models = crate::model_endpoints::from_env();
    clearstone_server::run_with_models(engine, &listen, timeouts, models, |addr| {
        eprintln!("serving on {scheme}://{addr}/ (ctrl-c stops)");
    })
}

/// Gives the demo users fresh passwords, prints them and serves.
pub fn serve_demo(dir: &Path, addr: SocketAddr) -> Result<()> {
    let engine = open(dir)?;
    let admin = engine.session(SessionRequest {
        principal: crate::demo::ADMIN.into(),
        purpose: ADMIN_PURPOSE.into(),
        justification: "setting the demonstration users' passwords".into(),
        ..SessionRequest::default()
    })?;
    let mut lines = Vec::new();
    for user in ["demo-analyst", "demo-loader", "demo-dpo"] {
        let password = clearstone_server::random_password();
        admin.set_password(user, &password)?;
        lines.push(format!("  {user:<14} {password}"));
    }
    drop(admin);
    let listen = Listen {
        addr,
        tls: None,
        insecure_http: false,
    };
    println!(
        "\nDemo sign-ins (new passwords each run):\n{}",
        lines.join("\n")
    );
    let models = crate::model_endpoints::from_env();
    clearstone_server::run_with_models(
        Arc::new(engine),
        &listen,
        Timeouts::default(),
        models,
        |a| {
            println!("serving the demo on http://{a}/ (ctrl-c stops)");
        },
    )
}

/// A password from standard input: typed at a terminal, or piped.
fn read_password() -> Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!(
            "new password (at least {} characters): ",
            clearstone_engine::PASSWORD_CHARS_MIN
        );
        std::io::stderr().flush().ok();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        bail!("no password on standard input");
    }
    Ok(password)
}

pub fn set_password(dir: &Path, id: &str, session: &SessionArgs) -> Result<()> {
    let password = read_password()?;
    open(dir)?
        .session(request(session))?
        .set_password(id, &password)?;
    println!("password set for `{id}`");
    Ok(())
}

pub fn enrol(dir: &Path, id: &str, base_url: &str, session: &SessionArgs) -> Result<()> {
    let secret = open(dir)?.session(request(session))?.issue_enrolment(id)?;
    println!(
        "enrolment link for `{id}` (one use, {} hours):\n{}/enrol#{secret}",
        clearstone_engine::ENROLMENT_HOURS,
        base_url.trim_end_matches('/')
    );
    Ok(())
}

pub fn token(dir: &Path, action: TokenAction) -> Result<()> {
    match action {
        TokenAction::Issue {
            for_user,
            for_purpose,
            for_justification,
            for_reason,
            for_case,
            days,
            session,
        } => {
            let own = request(&session);
            let wanted = SessionRequest {
                principal: for_user.unwrap_or_else(|| own.principal.clone()),
                purpose: for_purpose.unwrap_or_else(|| own.purpose.clone()),
                justification: for_justification.unwrap_or_else(|| own.justification.clone()),
                reason: for_reason.or_else(|| own.reason.clone()),
                case_ref: for_case.or_else(|| own.case_ref.clone()),
                break_glass: false,
                token: None,
            };
            let token = open(dir)?.session(own)?.issue_token(&wanted, days)?;
            println!("{token}");
            eprintln!(
                "shown once: only its hash is kept. send it as `Authorization: Bearer <token>`"
            );
        }
        TokenAction::Revoke { id, session } => {
            open(dir)?.session(request(&session))?.revoke_token(&id)?;
            println!("revoked token `{id}`");
        }
        TokenAction::List { session } => {
            for t in open(dir)?.session(request(&session))?.tokens()? {
                println!(
                    "{}  {} / {}  issued {}  expires {}{}",
                    t.id,
                    t.principal,
                    t.purpose,
                    t.created_at,
                    t.expires_at,
                    t.revoked_at
                        .map(|r| format!("  revoked {r}"))
                        .unwrap_or_default()
                );
            }
        }
    }
    Ok(())
}
