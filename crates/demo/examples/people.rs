//! Writes the entity-resolution benchmark's people file and its truth:
//! `people --records 1000000 --seed 7 --out DIR` gives `DIR/people.csv` and
//! `DIR/truth.csv`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: people --records N [--seed S] --out DIR";

fn parse() -> Result<(usize, u64, PathBuf), String> {
    let (mut records, mut seed, mut out) = (None, 1, None);
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--records" => {
                let v = value()?;
                // Underscores as in Rust literals, for readable big numbers.
                records = Some(
                    v.replace('_', "")
                        .parse()
                        .map_err(|_| format!("--records: not a count: {v}"))?,
                );
            }
            "--seed" => {
                let v = value()?;
                seed = v
                    .parse()
                    .map_err(|_| format!("--seed: not a number: {v}"))?;
            }
            "--out" => out = Some(PathBuf::from(value()?)),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    match (records, out) {
        (Some(r), Some(o)) => Ok((r, seed, o)),
        _ => Err(USAGE.into()),
    }
}

fn main() -> ExitCode {
    let (records, seed, out) = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    match clearstone_demo::write_people_csv(seed, records, &out) {
        Ok(w) => {
            eprintln!(
                "{} records of {} people in {} and {} ({:.1} s)",
                w.records,
                w.persons,
                w.people.display(),
                w.truth.display(),
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
