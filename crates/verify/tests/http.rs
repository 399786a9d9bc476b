//! `--url`: the same checks over plain HTTP/1.1 from a tiny static server.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{flip_byte, grow, log_of, serve, verify};

#[test]
fn a_log_served_over_http_verifies_and_tampering_shows() {
    let t = log_of(600);
    let port = serve(t.dir.clone(), "logs/audit");
    let url = format!("http://127.0.0.1:{port}/logs/audit/");
    let state = t.state();
    let args = |extra: &[&str]| {
        let mut args = vec![
            "--url",
            &url,
            "--key",
            &t.vkey,
            "--state",
            state.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };

    let run = verify(&args(&["--fsck"]));
    assert_eq!(run.code, 0, "{run}");
    assert!(
        run.stdout
            .contains(&format!("http://127.0.0.1:{port}/logs/audit/checkpoint")),
        "{run}"
    );
    assert!(
        run.stdout.contains("fsck: 600 entries in 3 bundles"),
        "{run}"
    );

    let mut log = t.open();
    grow(&mut log, 700);
    drop(log);
    let run = verify(&args(&[]));
    assert_eq!(run.code, 0, "{run}");
    assert!(
        run.stdout
            .contains("consistent with the checkpoint accepted earlier at size 600"),
        "{run}"
    );

    flip_byte(&t.dir.join("tile/entries/001"), 2);
    let run = verify(&args(&["--fsck"]));
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.stderr
            .contains("entry 256: its bytes in bundle `tile/entries/001`"),
        "{run}"
    );

    let wrong = format!("http://127.0.0.1:{port}/elsewhere");
    let run = verify(&[
        "--url",
        &wrong,
        "--key",
        &t.vkey,
        "--state",
        state.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.stderr.contains("elsewhere/checkpoint` does not exist"),
        "{run}"
    );
}

#[test]
fn an_unreachable_server_is_a_clear_failure() {
    let t = log_of(1);
    // Bind and drop to find a port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/audit");
    let run = verify(&[
        "--url",
        &url,
        "--key",
        &t.vkey,
        "--state",
        t.state().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("cannot connect"), "{run}");
}
