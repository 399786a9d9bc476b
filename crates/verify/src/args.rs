//! The command line, parsed by hand to keep the verifier's dependencies to
//! the merkle crate alone.

use std::path::PathBuf;

use clearstone_merkle::VerifierKey;

use crate::outcome::{Failure, usage};

pub const USAGE: &str = "\
clearstone-verify: check a clearstone audit log with only its public key

usage:
  clearstone-verify --key VKEY (--log DIR | --url http://HOST:PORT/PREFIX) [options]
  clearstone-verify --key VKEY --receipt FILE --entry FILE [options]

  --key VKEY         the log's verifier key (name+keyid+base64), or a file holding it
  --log DIR          a log directory (C2SP tlog-tiles: checkpoint, tile/...)
  --url URL          the same served over plain HTTP/1.1; https is not supported
                     (fetch such a log with another tool and use --log)
  --origin ORIGIN    the log's origin line (default: the key's name)
  --witness VKEY     a witness cosigner key (or a file); repeat for each witness
  --quorum N         witness cosignatures required (default: every --witness)
  --state FILE       the last checkpoint accepted, kept between runs
                     (default ./clearstone-verify.state)
  --evidence FILE    where two contradicting signed checkpoints are appended
                     (default: the state file's path + .evidence)
  --fsck             recompute the whole tree from the entry bundles
  --receipt FILE     a c2sp.org/tlog-proof receipt to verify, with --entry
  --entry FILE       the exact bytes of the entry the receipt is for

exit status: 0 ok, 1 usage error, 2 verification failed, 3 fork (evidence written)
";

pub enum Source {
    Dir(PathBuf),
    Url(String),
}

pub struct Args {
    pub key: VerifierKey,
    pub origin: String,
    pub witnesses: Vec<VerifierKey>,
    pub quorum: usize,
    pub source: Option<Source>,
    pub state: PathBuf,
    pub evidence: PathBuf,
    pub fsck: bool,
    pub receipt: Option<(PathBuf, PathBuf)>,
}

pub enum Parsed {
    Run(Box<Args>),
    Help,
}

/// A verifier key given inline, or the first line of a file holding one.
fn parse_key(flag: &str, value: &str) -> Result<VerifierKey, Failure> {
    match VerifierKey::parse(value) {
        Ok(key) => Ok(key),
        Err(inline) => {
            let path = std::path::Path::new(value);
            if !path.is_file() {
                return Err(usage(format!("{flag} `{value}`: {inline}")));
            }
            let text = std::fs::read_to_string(path)
                .map_err(|e| usage(format!("{flag}: cannot read `{value}`: {e}")))?;
            VerifierKey::parse(text.trim())
                .map_err(|e| usage(format!("{flag}: file `{value}`: {e}")))
        }
    }
}

pub fn parse(argv: impl IntoIterator<Item = String>) -> Result<Parsed, Failure> {
    let mut key = None;
    let mut origin = None;
    let mut witnesses = Vec::new();
    let mut quorum = None;
    let mut log = None;
    let mut url = None;
    let mut state = None;
    let mut evidence = None;
    let mut fsck = false;
    let mut receipt = None;
    let mut entry = None;

    let mut argv = argv.into_iter();
    while let Some(flag) = argv.next() {
        let mut value = || {
            argv.next()
                .ok_or_else(|| usage(format!("`{flag}` needs a value")))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--fsck" => fsck = true,
            "--key" => key = Some(parse_key("--key", &value()?)?),
            "--witness" => witnesses.push(parse_key("--witness", &value()?)?),
            "--origin" => origin = Some(value()?),
            "--quorum" => {
                let text = value()?;
                quorum = Some(
                    text.parse::<usize>()
                        .map_err(|_| usage(format!("--quorum `{text}` is not a whole number")))?,
                );
            }
            "--log" => log = Some(PathBuf::from(value()?)),
            "--url" => url = Some(value()?),
            "--state" => state = Some(PathBuf::from(value()?)),
            "--evidence" => evidence = Some(PathBuf::from(value()?)),
            "--receipt" => receipt = Some(PathBuf::from(value()?)),
            "--entry" => entry = Some(PathBuf::from(value()?)),
            other => return Err(usage(format!("unknown argument `{other}` (see --help)"))),
        }
    }

    let key = key.ok_or_else(|| usage("--key is required (the log's verifier key)"))?;
    let source = match (log, url) {
        (Some(_), Some(_)) => return Err(usage("give --log or --url, not both")),
        (Some(dir), None) => Some(Source::Dir(dir)),
        (None, Some(url)) => Some(Source::Url(url)),
        (None, None) => None,
    };
    let receipt = match (receipt, entry) {
        (Some(r), Some(e)) => Some((r, e)),
        (None, None) => None,
        (Some(_), None) => return Err(usage("--receipt needs --entry FILE")),
        (None, Some(_)) => return Err(usage("--entry needs --receipt FILE")),
    };
    if source.is_none() && receipt.is_none() {
        return Err(usage(
            "nothing to check: give --log DIR, --url URL or --receipt FILE",
        ));
    }
    if fsck && source.is_none() {
        return Err(usage("--fsck needs --log DIR or --url URL"));
    }
    let quorum = quorum.unwrap_or(witnesses.len());
    if quorum > witnesses.len() {
        return Err(usage(format!(
            "--quorum {quorum} is more than the {} --witness keys given",
            witnesses.len()
        )));
    }
    let origin = origin.unwrap_or_else(|| key.name().to_owned());
    let state = state.unwrap_or_else(|| PathBuf::from("clearstone-verify.state"));
    let evidence = evidence.unwrap_or_else(|| {
        let mut path = state.clone().into_os_string();
        path.push(".evidence");
        PathBuf::from(path)
    });
    Ok(Parsed::Run(Box::new(Args {
        key,
        origin,
        witnesses,
        quorum,
        source,
        state,
        evidence,
        fsck,
        receipt,
    })))
}
