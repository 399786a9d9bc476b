//! `clearstone bench serve`: an audited dossier view, a search and a 2-hop
//! expansion through a real `clearstone serve` (its pages and its API), by
//! N concurrent signed-in users on loopback, next to the same acts called
//! on the engine directly in the same run (the limit). Requests per second
//! and p50 / p99 latency for each.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clearstone_engine::{ADMIN_PURPOSE, Engine, SearchPage, SessionRequest, graph_limits};

use crate::bench_http::Conn;

/// Entities the dossier and expansion views cycle through.
const TARGETS: usize = 64;
/// Hops of the expansion measured, as the benchmark asks.
const HOPS: u32 = 2;
/// How long the server may take to start listening.
const START_SECS_MAX: u64 = 120;

pub struct Options {
    pub people: usize,
    pub clients: usize,
    pub seconds: u64,
    pub work_dir: Option<PathBuf>,
}

fn analyst() -> SessionRequest {
    SessionRequest {
        principal: "demo-analyst".into(),
        purpose: "demo".into(),
        justification: "measuring the web server's speed on the demonstration data".into(),
        reason: Some("other".into()),
        ..SessionRequest::default()
    }
}

/// The entities and searches every run cycles through.
struct Targets {
    ids: Vec<String>,
    queries: Vec<String>,
}

fn targets(engine: &Engine) -> Result<Targets> {
    let loader = engine.session(crate::demo::demo_session())?;
    let all = loader.canonical_ids("Person")?;
    drop(loader);
    let step = (all.len() / TARGETS).max(1);
    let ids: Vec<String> = all
        .iter()
        .step_by(step)
        .take(TARGETS)
        .map(|(_, canonical)| canonical.clone())
        .collect();
    if ids.is_empty() {
        bail!("the demo store holds no people to view");
    }
    // Surnames as the analyst sees them: a search someone would type.
    let s = engine.session(analyst())?;
    let mut queries = Vec::new();
    for id in &ids {
        let d = s.dossier(id)?;
        if let Some(last) = d.label.split_whitespace().last() {
            queries.push(last.to_lowercase());
        }
    }
    if queries.is_empty() {
        queries.push("smith".into());
    }
    Ok(Targets { ids, queries })
}

/// Latencies of one measured act, from every client together.
struct Measured {
    name: String,
    done: usize,
    failed: usize,
    secs: f64,
    micros: Vec<u64>,
}

impl Measured {
    fn per_sec(&self) -> f64 {
        self.done as f64 / self.secs.max(1e-9)
    }

    fn percentile_ms(&self, p: usize) -> f64 {
        let i = (self.micros.len() * p / 100).min(self.micros.len().saturating_sub(1));
        self.micros.get(i).map_or(0.0, |us| *us as f64 / 1000.0)
    }

    fn line(&self) -> String {
        format!(
            "  {:<28} {:>9.0} /s   p50 {:>7.2} ms   p99 {:>7.2} ms   {:>8} done{}",
            self.name,
            self.per_sec(),
            self.percentile_ms(50),
            self.percentile_ms(99),
            self.done,
            if self.failed > 0 {
                format!("   {} FAILED", self.failed)
            } else {
                String::new()
            }
        )
    }
}

/// Runs `act(client, i)` on `clients` threads for `seconds`, each as fast
/// as it is answered (a closed loop, as a user waits for the page).
fn drive<C: Send>(
    name: &str,
    mut clients: Vec<C>,
    seconds: u64,
    act: impl Fn(&mut C, usize) -> bool + Sync,
) -> Measured {
    let act = &act;
    // One untimed act first: what is built once and then shared (the link
    // graph, the policy memo) is not what a view costs in steady state.
    if let Some(c) = clients.first_mut() {
        act(c, 0);
    }
    let stop = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let per_client: Vec<(Vec<u64>, usize)> = std::thread::scope(|scope| {
        let handles: Vec<_> = clients
            .into_iter()
            .enumerate()
            .map(|(n, mut c)| {
                scope.spawn(move || {
                    let (mut micros, mut failed, mut i) = (Vec::new(), 0, n);
                    while Instant::now() < stop {
                        let t = Instant::now();
                        let ok = act(&mut c, i);
                        micros.push(t.elapsed().as_micros() as u64);
                        failed += usize::from(!ok);
                        i += 1;
                    }
                    (micros, failed)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let secs = started.elapsed().as_secs_f64();
    let failed = per_client.iter().map(|(_, f)| f).sum();
    let mut micros: Vec<u64> = per_client.into_iter().flat_map(|(m, _)| m).collect();
    micros.sort_unstable();
    Measured {
        name: name.to_string(),
        done: micros.len(),
        failed,
        secs,
        micros,
    }
}

fn pick(list: &[String], i: usize) -> &str {
    list.get(i % list.len().max(1)).map_or("", String::as_str)
}

/// Percent-encodes a query-string value.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The same three acts on the engine directly: a session opened per act,
/// as the server opens one per request.
fn engine_runs(engine: &Engine, t: &Targets, clients: usize, secs: u64) -> Vec<Measured> {
    let each = || vec![(); clients];
    let limits = graph_limits();
    vec![
        drive("dossier, engine", each(), secs, |_, i| {
            engine
                .session(analyst())
                .and_then(|s| s.dossier(pick(&t.ids, i)))
                .is_ok()
        }),
        drive("search, engine", each(), secs, |_, i| {
            engine
                .session(analyst())
                .and_then(|s| s.search(pick(&t.queries, i), SearchPage::first(20)))
                .is_ok()
        }),
        drive("expand 2 hops, engine", each(), secs, |_, i| {
            engine
                .session(analyst())
                .and_then(|s| s.graph_expand(pick(&t.ids, i), HOPS, &[], None, &limits))
                .is_ok()
        }),
    ]
}

/// A real `clearstone serve` on the data directory, stopped (SIGTERM, so it
/// signs its log) when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(dir: &Path) -> Result<Server> {
        use std::io::BufRead;
        let exe = std::env::current_exe().context("finding the clearstone binary")?;
        let mut child = Command::new(exe)
            .arg("--data-dir")
            .arg(dir)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .context("starting `clearstone serve`")?;
        let stderr = child.stderr.take().context("the server's error output")?;
        let (tx, rx) = std::sync::mpsc::channel();
        // Read its error output for the address, and keep reading it so a
        // full pipe never blocks the server.
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                if let Some(addr) = line
                    .strip_prefix("serving on http://")
                    .and_then(|rest| rest.split('/').next())
                    .and_then(|a| a.parse::<SocketAddr>().ok())
                {
                    let _ = tx.send(addr);
                } else {
                    eprintln!("server: {line}");
                }
            }
        });
        let Ok(addr) = rx.recv_timeout(Duration::from_secs(START_SECS_MAX)) else {
            let _ = child.kill();
            bail!("`clearstone serve` did not start listening within {START_SECS_MAX} s");
        };
        Ok(Server { child, addr })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let stopped = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        if !stopped {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// A signed-in browser with work started, as the pages and API see one.
fn signed_in(addr: SocketAddr, password: &str) -> Result<Conn> {
    let mut c = Conn::new(addr);
    let a = c.post_json(
        "/api/v1/sign-in",
        &serde_json::json!({"user": "demo-analyst", "password": password}),
    )?;
    if a.status != 200 {
        bail!("signing in was answered {}", a.status);
    }
    let cookie = a
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .context("signing in set no cookie")?
        .to_string();
    let me: serde_json::Value = serde_json::from_slice(&a.body).context("the sign-in answer")?;
    let csrf = me
        .get("csrf")
        .and_then(serde_json::Value::as_str)
        .context("the sign-in answer has no csrf")?
        .to_string();
    c.extra = vec![("Cookie".into(), cookie), ("x-csrf-token".into(), csrf)];
    let w = analyst();
    let a = c.post_json(
        "/api/v1/work",
        &serde_json::json!({"purpose": w.purpose, "reason": w.reason, "justification": w.justification}),
    )?;
    if a.status != 200 {
        bail!("starting work was answered {}", a.status);
    }
    Ok(c)
}

fn http_runs(
    addr: SocketAddr,
    password: &str,
    t: &Targets,
    clients: usize,
    secs: u64,
) -> Result<Vec<Measured>> {
    // Signed in once: argon2id makes each sign-in slow by design.
    let mut signed: Vec<Conn> = (0..clients)
        .map(|_| signed_in(addr, password))
        .collect::<Result<_>>()?;
    let ok = |c: &mut Conn, path: String| c.get(&path).is_ok_and(|a| a.status == 200);
    let id = |i| encode(pick(&t.ids, i));
    let q = |i| encode(pick(&t.queries, i));
    Ok(vec![
        drive("dossier, API", signed.iter_mut().collect(), secs, |c, i| {
            ok(c, format!("/api/v1/dossiers/{}", id(i)))
        }),
        drive(
            "dossier, page",
            signed.iter_mut().collect(),
            secs,
            |c, i| ok(c, format!("/entities/{}", id(i))),
        ),
        drive("search, API", signed.iter_mut().collect(), secs, |c, i| {
            ok(c, format!("/api/v1/search?q={}&size=20", q(i)))
        }),
        drive("search, page", signed.iter_mut().collect(), secs, |c, i| {
            ok(c, format!("/search?q={}", q(i)))
        }),
        drive(
            "expand 2 hops, API",
            signed.iter_mut().collect(),
            secs,
            |c, i| ok(c, format!("/api/v1/graph/{}/expand?hops={HOPS}", id(i))),
        ),
        drive(
            "link chart, page",
            signed.iter_mut().collect(),
            secs,
            |c, i| ok(c, format!("/chart?id={}", id(i))),
        ),
    ])
}

/// The demo's store at `people`, loaded once and reused by later runs.
fn demo_store(work: &Path, people: usize) -> Result<PathBuf> {
    let dir = work.join(format!("serve-{people}"));
    let loaded = dir.join("loaded");
    if !loaded.exists() {
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("cannot clear `{}`", dir.display()))?;
        }
        crate::demo::run(&dir, people, 42, false)?;
        std::fs::write(&loaded, b"")
            .with_context(|| format!("cannot write `{}`", loaded.display()))?;
    }
    Ok(dir)
}

pub fn serve(o: &Options) -> Result<()> {
    if o.clients == 0 || o.seconds == 0 {
        bail!("`--clients` and `--seconds` must be at least 1");
    }
    let work = o
        .work_dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join("clearstone-bench-serve"));
    let dir = demo_store(&work, o.people)?;
    let engine = crate::open(&dir)?;
    let t = targets(&engine)?;
    eprintln!(
        "measuring {} s per act with {} clients on {} people",
        o.seconds, o.clients, o.people
    );
    let direct = engine_runs(&engine, &t, o.clients, o.seconds);
    let password = clearstone_server::random_password();
    engine
        .session(SessionRequest {
            principal: crate::demo::ADMIN.into(),
            purpose: ADMIN_PURPOSE.into(),
            justification: "setting a password for the serve benchmark".into(),
            ..SessionRequest::default()
        })?
        .set_password("demo-analyst", &password)?;
    // One process holds the log: the server opens it once this one is gone.
    drop(engine);
    let server = Server::start(&dir)?;
    let http = http_runs(server.addr, &password, &t, o.clients, o.seconds)?;
    drop(server);

    println!(
        "serve benchmark ({} people, {} clients, {} s each, on loopback)",
        o.people, o.clients, o.seconds
    );
    for m in direct.iter().chain(&http) {
        println!("{}", m.line());
    }
    let find = |name: &str| direct.iter().chain(&http).find(|m| m.name == name);
    if let (Some(page), Some(api), Some(limit)) = (
        find("dossier, page"),
        find("dossier, API"),
        find("dossier, engine"),
    ) {
        println!(
            "  goal: >= 2000 dossier views/s with p99 < 50 ms, HTTP p99 <= 1.5x the engine's: page {:.0}/s p99 {:.2} ms ({:.2}x), API {:.0}/s p99 {:.2} ms ({:.2}x)",
            page.per_sec(),
            page.percentile_ms(99),
            page.percentile_ms(99) / limit.percentile_ms(99).max(1e-9),
            api.per_sec(),
            api.percentile_ms(99),
            api.percentile_ms(99) / limit.percentile_ms(99).max(1e-9),
        );
    }
    let failed: usize = direct.iter().chain(&http).map(|m| m.failed).sum();
    if failed > 0 {
        bail!("{failed} requests failed during the benchmark");
    }
    Ok(())
}
