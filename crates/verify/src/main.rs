//! `clearstone-verify`: the overseer's check of a clearstone audit log, with
//! nothing but the log's public key. It depends on the merkle crate alone so
//! that it can be read, built and trusted apart from clearstone itself.

mod args;
mod checkpoints;
mod fsck;
mod http;
mod outcome;
mod receipt;
mod source;
mod state;

use std::process::ExitCode;

use clearstone_merkle::{Checkpoint, OpenedCheckpoint};

use crate::args::{Args, Parsed, USAGE};
use crate::checkpoints::{Conflict, Fork, check_tiles_root, compare, cosigned};
use crate::outcome::{EXIT_OK, Failure, failed};
use crate::source::{LogSource, TileCache};

fn main() -> ExitCode {
    let code = match args::parse(std::env::args().skip(1)) {
        Ok(Parsed::Help) => {
            print!("{USAGE}");
            EXIT_OK
        }
        Ok(Parsed::Run(args)) => match run(&args) {
            Ok(()) => EXIT_OK,
            Err(failure) => {
                eprintln!("{failure}");
                failure.exit_code()
            }
        },
        Err(failure) => {
            eprintln!("{failure}");
            eprintln!("see `clearstone-verify --help`");
            failure.exit_code()
        }
    };
    ExitCode::from(code)
}

fn run(args: &Args) -> Result<(), Failure> {
    let mut log = None;
    if let Some(source) = &args.source {
        let source = LogSource::new(source)?;
        let current = check_log(args, &source)?;
        log = Some((source, current));
    }
    if let Some((receipt_path, entry_path)) = &args.receipt {
        let (receipt, verified) = receipt::verify(args, receipt_path, entry_path)?;
        println!(
            "ok: receipt `{}`: entry `{}` is entry {} of `{}` at size {}, root `{}`",
            receipt_path.display(),
            entry_path.display(),
            verified.index,
            verified.checkpoint.origin(),
            verified.checkpoint.size(),
            verified.checkpoint.root().to_base64()
        );
        // With the log at hand, the receipt's checkpoint must also be one the
        // log still stands by; without it, one the checkpoint accepted
        // earlier does not contradict.
        let Some((source, current)) = &log else {
            return against_state(args, receipt_path, &receipt);
        };
        let earlier = Checkpoint::open_note(
            receipt.checkpoint().clone(),
            &args.origin,
            &args.key,
            &args.witnesses,
        )
        .map_err(|e| failed(format!("receipt checkpoint: {e}")))?;
        let cache = TileCache::new(source);
        match compare(
            &earlier.checkpoint,
            "the receipt's checkpoint",
            &current.checkpoint,
            &cache,
        ) {
            Ok(line) => println!("ok: the log is {line}"),
            Err(conflict) => {
                return Err(conflict_failure(args, source, &earlier, current, conflict));
            }
        }
    }
    Ok(())
}

/// A receipt checked without the log, held against the checkpoint accepted
/// earlier: the log signing two roots for one size is a fork even when the
/// log itself is out of reach (a receipt a data subject was handed). Sizes
/// that differ need the log's tiles to compare, so they pass here.
fn against_state(
    args: &Args,
    receipt_path: &std::path::Path,
    receipt: &clearstone_merkle::Receipt,
) -> Result<(), Failure> {
    let Some(earlier) = state::load(&args.state, args)? else {
        return Ok(());
    };
    let now = Checkpoint::open_note(
        receipt.checkpoint().clone(),
        &args.origin,
        &args.key,
        &args.witnesses,
    )
    .map_err(|e| failed(format!("receipt checkpoint: {e}")))?;
    let size = now.checkpoint.size();
    if size != earlier.checkpoint.size() {
        return Ok(());
    }
    if now.checkpoint.root() == earlier.checkpoint.root() {
        println!("ok: the receipt's checkpoint is the one accepted earlier at size {size}");
        return Ok(());
    }
    let fork = Fork {
        reason: format!(
            "two signed checkpoints for size {size} have different roots: `{}` in the checkpoint accepted earlier, `{}` in the receipt",
            earlier.checkpoint.root().to_base64(),
            now.checkpoint.root().to_base64()
        ),
        proof: None,
    };
    let place = format!("receipt `{}`", receipt_path.display());
    Err(fork_failure(args, &place, &earlier, &now, &fork))
}

/// Signature, quorum, tiles, consistency with the state, optional fsck; the
/// state is updated only when all of them pass.
fn check_log(args: &Args, source: &LogSource) -> Result<OpenedCheckpoint, Failure> {
    let where_ = source.locate("checkpoint");
    let bytes = source.checkpoint().map_err(failed)?;
    let opened = checkpoints::open(&bytes, args, &format!("checkpoint `{where_}`"))?;
    let checkpoint = &opened.checkpoint;
    println!(
        "ok: checkpoint `{where_}` is signed by `{}+{:08x}`: size {}, root `{}`",
        args.key.name(),
        args.key.key_id(),
        checkpoint.size(),
        checkpoint.root().to_base64()
    );
    if !args.witnesses.is_empty() {
        println!(
            "ok: {} of {} witnesses cosigned (quorum {})",
            cosigned(&opened.signatures, args),
            args.witnesses.len(),
            args.quorum
        );
    }

    let cache = TileCache::new(source);
    let earlier = state::load(&args.state, args)?;
    let against_earlier = |earlier: &OpenedCheckpoint| {
        compare(
            &earlier.checkpoint,
            "the checkpoint accepted earlier",
            checkpoint,
            &cache,
        )
        .map_err(|conflict| conflict_failure(args, source, earlier, &opened, conflict))
    };
    // A log that went back is reported as such, before its tiles (which
    // may well not match the smaller checkpoint) are looked at.
    let went_back = earlier
        .as_ref()
        .filter(|e| e.checkpoint.size() > checkpoint.size());
    if let Some(earlier) = went_back {
        against_earlier(earlier)?;
    }
    check_tiles_root(&cache, checkpoint)?;
    println!("ok: the tiles hash to the signed root");
    match &earlier {
        Some(earlier) => println!("ok: {}", against_earlier(earlier)?),
        None => println!(
            "ok: no earlier checkpoint in `{}`; this one is the reference from now on",
            args.state.display()
        ),
    }

    if args.fsck {
        let counts = fsck::fsck(source, checkpoint)?;
        println!(
            "ok: fsck: {} entries in {} bundles hash to their tiles, {} tiles agree, the root is the signed one",
            counts.entries, counts.bundles, counts.tiles
        );
    }

    let unchanged = earlier
        .as_ref()
        .is_some_and(|e| e.note.to_string() == opened.note.to_string());
    if !unchanged {
        state::save(&args.state, &opened.note.to_string())?;
        println!(
            "ok: state `{}` now holds size {}",
            args.state.display(),
            checkpoint.size()
        );
    }
    Ok(opened)
}

/// Turns a conflict into the run's failure; a fork is first written down.
fn conflict_failure(
    args: &Args,
    source: &LogSource,
    earlier: &OpenedCheckpoint,
    now: &OpenedCheckpoint,
    conflict: Conflict,
) -> Failure {
    match conflict {
        Conflict::Failed(msg) => failed(msg),
        Conflict::Fork(fork) => fork_failure(args, &source.locate(""), earlier, now, &fork),
    }
}

/// `place` names where the contradicting checkpoint came from.
fn fork_failure(
    args: &Args,
    place: &str,
    earlier: &OpenedCheckpoint,
    now: &OpenedCheckpoint,
    fork: &Fork,
) -> Failure {
    match state::write_evidence(&args.evidence, args, place, earlier, now, fork) {
        Ok(()) => Failure::Fork(format!(
            "{}; both signed checkpoints are appended to `{}`",
            fork.reason,
            args.evidence.display()
        )),
        Err(e) => Failure::Fork(format!(
            "{}; and the evidence could not be kept: {e}",
            fork.reason
        )),
    }
}
