//! `clearstone link` on plain CSV files, with the real binary.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::{Command, Output};

const SETTINGS: &str = r#"
id_column = "rec_id"
threshold = 0.5

[[field]]
name = "given_name"
kind = "given_name"

[[field]]
name = "surname"
kind = "family_name"

[[field]]
name = "date_of_birth"
kind = "date"
formats = ["%Y%m%d"]

[[field]]
name = "address"
kind = "address"
columns = ["street_number", "address_1", "address_2"]

[[field]]
name = "suburb"
kind = "town"

[[field]]
name = "postcode"
kind = "postcode"

[[field]]
name = "state"
kind = "region"

[[field]]
name = "soc_sec_id"
kind = "identifier"

[[blocking]]
name = "surname+dob"
keys = ["surname", "date_of_birth"]

[[blocking]]
name = "given sound+dob"
keys = ["given_name:metaphone", "date_of_birth"]

[[blocking]]
name = "postcode+surname"
keys = ["postcode", "surname:prefix2"]

[[blocking]]
name = "id"
keys = ["soc_sec_id"]
"#;

fn link(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_clearstone"))
        .current_dir(dir)
        .arg("link")
        .arg("--settings")
        .arg("person.toml")
        .args(args)
        .output()
        .unwrap()
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

/// Seeded people with known duplicates, and the settings.
fn setup(records: usize) -> (tempfile::TempDir, HashMap<String, String>) {
    let tmp = tempfile::tempdir().unwrap();
    clearstone_demo::write_people_csv(5, records, tmp.path()).unwrap();
    std::fs::write(tmp.path().join("person.toml"), SETTINGS).unwrap();
    let truth = rows(&tmp.path().join("truth.csv"))
        .into_iter()
        .skip(1)
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    (tmp, truth)
}

#[test]
fn deduplicating_one_file_finds_the_known_duplicates() {
    let (tmp, truth) = setup(3000);
    let out = link(
        tmp.path(),
        &[
            "--input",
            "people.csv",
            "--out",
            "pairs.csv",
            "--clusters",
            "clusters.csv",
            "--save-model",
            "model.json",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    // Each rule's count is printed before scoring.
    for rule in ["surname+dob", "given sound+dob", "postcode+surname", "id"] {
        assert!(err.contains(&format!("blocking rule {rule}")), "{err}");
    }
    let pairs = rows(&tmp.path().join("pairs.csv"));
    assert_eq!(
        pairs[0],
        ["left_id", "right_id", "match_weight", "match_probability"]
    );
    let found: Vec<&Vec<String>> = pairs.iter().skip(1).collect();
    assert!(found.iter().all(|p| p[3].parse::<f64>().unwrap() >= 0.5));
    let tp = found
        .iter()
        .filter(|p| truth[&p[0]] == truth[&p[1]])
        .count() as f64;
    let mut per: HashMap<&String, u64> = HashMap::new();
    for p in truth.values() {
        *per.entry(p).or_default() += 1;
    }
    let true_pairs: u64 = per.values().map(|n| n * (n - 1) / 2).sum();
    let (precision, recall) = (tp / found.len() as f64, tp / true_pairs as f64);
    assert!(
        precision > 0.95 && recall > 0.85,
        "precision {precision} recall {recall}"
    );

    // Every record has a cluster; linked records share theirs.
    let clusters: HashMap<String, String> = rows(&tmp.path().join("clusters.csv"))
        .into_iter()
        .skip(1)
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    assert_eq!(clusters.len(), truth.len());
    assert!(found.iter().all(|p| clusters[&p[0]] == clusters[&p[1]]));

    // The saved model scores the same pairs again without training.
    let again = link(
        tmp.path(),
        &[
            "--input",
            "people.csv",
            "--out",
            "again.csv",
            "--model",
            "model.json",
        ],
    );
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("(loaded)"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("again.csv")).unwrap(),
        std::fs::read_to_string(tmp.path().join("pairs.csv")).unwrap()
    );

    // A pair's explanation adds up to the weight written for it.
    let (left, right, weight) = (&found[0][0], &found[0][1], &found[0][2]);
    let explained = link(
        tmp.path(),
        &[
            "--input",
            "people.csv",
            "--out",
            "explained.csv",
            "--model",
            "model.json",
            "--explain",
            left,
            right,
        ],
    );
    assert!(explained.status.success());
    let text = String::from_utf8_lossy(&explained.stdout);
    assert!(
        text.starts_with(&format!("{left} and {right}\nmodel ")),
        "{text}"
    );
    for part in ["prior", "given_name = ", "surname = ", "date_of_birth = "] {
        assert!(text.contains(part), "{text}");
    }
    let total: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("total"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (total - weight.parse::<f64>().unwrap()).abs() < 1e-3,
        "{text}"
    );
    let unknown = link(
        tmp.path(),
        &[
            "--input",
            "people.csv",
            "--out",
            "x.csv",
            "--explain",
            left,
            "no-such-id",
        ],
    );
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no record has the id `no-such-id`"));
}

#[test]
fn linking_two_files_pairs_only_across_them_and_keeps_bad_rows() {
    let (tmp, _) = setup(1000);
    let text = std::fs::read_to_string(tmp.path().join("people.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let header = lines[0];
    let a: Vec<&str> = lines[1..500].to_vec();
    let mut b: Vec<&str> = lines[500..].to_vec();
    b.push("short,row");
    b.push(a[0]); // an id already seen in the first file
    std::fs::write(
        tmp.path().join("a.csv"),
        format!("{header}\n{}\n", a.join("\n")),
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("b.csv"),
        format!("{header}\n{}\n", b.join("\n")),
    )
    .unwrap();
    let out = link(
        tmp.path(),
        &[
            "--input",
            "a.csv",
            "--input",
            "b.csv",
            "--out",
            "pairs.csv",
            "--rejected",
            "rejected.csv",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("2 rows rejected"), "{err}");
    let ids = |rows: &[&str]| -> HashSet<String> {
        rows.iter()
            .map(|r| r.split(',').next().unwrap().to_owned())
            .collect()
    };
    let (in_a, in_b) = (ids(&a), ids(&lines[500..]));
    let pairs = rows(&tmp.path().join("pairs.csv"));
    assert!(pairs.len() > 1);
    assert!(
        pairs
            .iter()
            .skip(1)
            .all(|p| in_a.contains(&p[0]) && in_b.contains(&p[1]))
    );
    let rejected = std::fs::read_to_string(tmp.path().join("rejected.csv")).unwrap();
    assert!(
        rejected.contains("b.csv,503,\"2 columns, the header has 11\""),
        "{rejected}"
    );
    assert!(rejected.contains("appears more than once"), "{rejected}");
}

#[test]
fn bad_settings_and_too_many_pairs_fail_with_a_clear_message() {
    let (tmp, _) = setup(1000);
    std::fs::write(
        tmp.path().join("person.toml"),
        SETTINGS.replace("kind = \"town\"", "kind = \"village\""),
    )
    .unwrap();
    let out = link(tmp.path(), &["--input", "people.csv", "--out", "p.csv"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`person.toml` line") && err.contains("unknown kind `village`"),
        "{err}"
    );

    std::fs::write(
        tmp.path().join("person.toml"),
        SETTINGS.replace("threshold = 0.5", "threshold = 0.5\npairs_max = 10"),
    )
    .unwrap();
    let out = link(tmp.path(), &["--input", "people.csv", "--out", "p.csv"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pairs_max"), "{err}");
    assert!(!tmp.path().join("p.csv").exists());
}

#[test]
fn a_row_whose_fields_are_not_text_is_rejected_with_its_line() {
    let (tmp, _) = setup(300);
    let mut bytes = std::fs::read(tmp.path().join("people.csv")).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let header = text.lines().next().unwrap();
    // A surname of bytes that are not UTF-8, on the file's last line.
    let surname = header.split(',').position(|c| c == "surname").unwrap();
    let mut row: Vec<Vec<u8>> = header.split(',').map(|_| b"x".to_vec()).collect();
    row[0] = b"broken-1".to_vec();
    row[surname] = vec![b'S', 0xff, 0xfe];
    bytes.extend(row.join(&b","[..]));
    bytes.push(b'\n');
    std::fs::write(tmp.path().join("people.csv"), bytes).unwrap();
    let out = link(
        tmp.path(),
        &[
            "--input",
            "people.csv",
            "--out",
            "pairs.csv",
            "--rejected",
            "rejected.csv",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let rejected = std::fs::read_to_string(tmp.path().join("rejected.csv")).unwrap();
    let line = text.lines().count() + 1;
    assert!(
        rejected.contains(&format!(
            "people.csv,{line},column `surname` is not UTF-8 text,"
        )),
        "{rejected}"
    );
}

// issue 16, item 2: a column declared with a separator holds several values,
// and any of them agreeing counts.
#[test]
fn a_field_with_a_separator_reads_several_values() {
    let (tmp, _) = setup(2000);
    let settings = SETTINGS.replace(
        "name = \"surname\"\nkind = \"family_name\"\n",
        "name = \"surname\"\nkind = \"family_name\"\nseparator = \"|\"\n",
    );
    std::fs::write(tmp.path().join("person.toml"), settings).unwrap();
    let people = tmp.path().join("people.csv");
    let text = std::fs::read_to_string(&people).unwrap();
    let first = text.lines().next().unwrap().to_owned();
    let header: Vec<&str> = first.split(',').collect();
    let row = |id: &str, surname: &str| {
        header
            .iter()
            .map(|h| match *h {
                "rec_id" => id,
                "given_name" => "Philippa",
                "surname" => surname,
                "date_of_birth" => "19790402",
                _ => "",
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut text = text;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&format!(
        "{}\n{}\n",
        row("maiden", "Okafor | Brennan"),
        row("married", "Brennan")
    ));
    std::fs::write(&people, text).unwrap();
    let out = link(
        tmp.path(),
        &[
            "--input",
            "people.csv",
            "--out",
            "pairs.csv",
            "--explain",
            "maiden",
            "married",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let explained = String::from_utf8_lossy(&out.stdout);
    assert!(explained.contains("surname = exact"), "{explained}");
    let pairs = std::fs::read_to_string(tmp.path().join("pairs.csv")).unwrap();
    assert!(pairs.contains("maiden,married,"), "{pairs}");
}

// issue 16, item 4: an identifier declared decisive links two records that
// hold it whatever their names, by rule, and the explanation says so.
#[test]
fn a_decisive_identifier_links_by_rule() {
    let (tmp, _) = setup(2000);
    let settings = SETTINGS.replace(
        "name = \"soc_sec_id\"\nkind = \"identifier\"\n",
        "name = \"soc_sec_id\"\nkind = \"identifier\"\ndecisive = true\n",
    );
    std::fs::write(tmp.path().join("person.toml"), settings).unwrap();
    let people = tmp.path().join("people.csv");
    let mut text = std::fs::read_to_string(&people).unwrap();
    let first = text.lines().next().unwrap().to_owned();
    let row = |id: &str, given: &str, surname: &str| {
        first
            .split(',')
            .map(|h| match h {
                "rec_id" => id,
                "given_name" => given,
                "surname" => surname,
                "soc_sec_id" => "ZX 99 88 77 A",
                _ => "",
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&format!(
        "{}\n{}\n",
        row("card", "J", "SMYTH"),
        row("hr", "Wendell", "Okonjo-Smith")
    ));
    std::fs::write(&people, text).unwrap();
    let out = link(
        tmp.path(),
        &[
            "--input",
            "people.csv",
            "--out",
            "pairs.csv",
            "--explain",
            "card",
            "hr",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    let explained = String::from_utf8_lossy(&out.stdout);
    assert!(
        explained.contains("linked by rule `soc_sec_id`"),
        "{explained}"
    );
    let pairs = std::fs::read_to_string(tmp.path().join("pairs.csv")).unwrap();
    assert!(
        pairs
            .lines()
            .any(|l| l.starts_with("card,hr,") && l.ends_with(",1.000000")),
        "{pairs}"
    );
}
