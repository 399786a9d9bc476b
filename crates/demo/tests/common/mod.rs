//! Small independent readers for the generated files, so the tests check the
//! output against docs/mapping.md rather than against the generator's own code.
#![allow(clippy::unwrap_used, clippy::panic, dead_code)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;

pub const ONTOLOGY: &str = include_str!("../../../model/ontology/default.toml");

pub fn generate(seed: u64, people: usize) -> (tempfile::TempDir, clearstone_demo::Generated) {
    let dir = tempfile::tempdir().unwrap();
    let g =
        clearstone_demo::generate(&clearstone_demo::Options { seed, people }, dir.path()).unwrap();
    (dir, g)
}

/// One record of a source file: values by column (CSV header, JSON path,
/// Parquet column), with what is wrong at the byte level.
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub line: u64,
    pub values: HashMap<String, String>,
    pub columns: usize,
    pub utf8: bool,
    pub json_ok: bool,
}

impl Record {
    pub fn get(&self, col: &str) -> &str {
        self.values.get(col).map_or("", |s| s.as_str())
    }
}

pub struct Source {
    pub header: Vec<String>,
    pub records: Vec<Record>,
}

fn split_csv(line: &str, delim: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    cur.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == '"' {
            quoted = true;
        } else if c == delim {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out
}

pub fn read_csv(path: &Path, delim: char) -> Source {
    let mut bytes = std::fs::read(path).unwrap();
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    let mut lines = bytes.split(|b| *b == b'\n');
    let header = split_csv(std::str::from_utf8(lines.next().unwrap()).unwrap(), delim);
    let mut records = Vec::new();
    for (i, raw) in lines.enumerate() {
        if raw.is_empty() {
            continue;
        }
        let utf8 = std::str::from_utf8(raw).is_ok();
        let text = String::from_utf8_lossy(raw);
        let fields = split_csv(&text, delim);
        let values = header.iter().cloned().zip(fields.iter().cloned()).collect();
        records.push(Record {
            line: i as u64 + 2,
            values,
            columns: fields.len(),
            utf8,
            json_ok: true,
        });
    }
    Source { header, records }
}

fn flatten(prefix: &str, v: &serde_json::Value, out: &mut HashMap<String, String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        serde_json::Value::Null => {}
        serde_json::Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

pub fn read_jsonl(path: &Path) -> Source {
    let text = std::fs::read_to_string(path).unwrap();
    let mut records = Vec::new();
    let mut header = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        let mut values = HashMap::new();
        let parsed = serde_json::from_str::<serde_json::Value>(line);
        let json_ok = parsed.is_ok();
        if let Ok(v) = &parsed {
            flatten("", v, &mut values);
            header.extend(values.keys().cloned());
        }
        records.push(Record {
            line: i as u64 + 1,
            values,
            columns: 0,
            utf8: true,
            json_ok,
        });
    }
    Source {
        header: header.into_iter().collect(),
        records,
    }
}

pub fn read_parquet(path: &Path) -> Source {
    let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    let header: Vec<String> = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    let mut records = Vec::new();
    for (i, row) in reader.get_row_iter(None).unwrap().enumerate() {
        let row = row.unwrap();
        let mut values = HashMap::new();
        for (name, field) in row.get_column_iter() {
            let v = match field {
                Field::Null => continue,
                Field::Str(s) => s.clone(),
                Field::Double(d) => d.to_string(),
                Field::Int(n) => n.to_string(),
                other => other.to_string(),
            };
            values.insert(name.clone(), v);
        }
        records.push(Record {
            line: i as u64 + 1,
            values,
            columns: header.len(),
            utf8: true,
            json_ok: true,
        });
    }
    Source { header, records }
}

/// A mapping file, parsed as plain TOML.
pub struct Mapping {
    pub path: PathBuf,
    pub dataset: String,
    pub format: String,
    pub source_path: String,
    pub delimiter: char,
    pub date_formats: Vec<String>,
    /// Values the source writes for "none" (`[source] missing`).
    pub missing: Vec<String>,
    pub entities: Vec<toml::Table>,
}

fn strings(v: Option<&toml::Value>) -> Vec<String> {
    v.and_then(|d| d.as_array())
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

/// Reads a generated mapping.
pub fn read_mapping(path: &Path) -> Mapping {
    let text = std::fs::read_to_string(path).unwrap();
    let t: toml::Table = text.parse().unwrap();
    let ds = t["dataset"].as_table().unwrap();
    let src = t["source"].as_table().unwrap();
    Mapping {
        path: path.to_path_buf(),
        dataset: ds["name"].as_str().unwrap().to_string(),
        format: src["format"].as_str().unwrap().to_string(),
        source_path: src["path"].as_str().unwrap().to_string(),
        delimiter: src
            .get("delimiter")
            .and_then(|d| d.as_str())
            .and_then(|d| d.chars().next())
            .unwrap_or(','),
        date_formats: strings(src.get("date_formats")),
        missing: strings(src.get("missing")),
        entities: t["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_table().unwrap().clone())
            .collect(),
    }
}

impl Mapping {
    /// Whether `value` stands for no value in property mapping `v`, whose
    /// own `missing` list replaces the source's.
    pub fn is_missing(&self, v: &toml::Table, value: &str) -> bool {
        let own = v.get("missing").map(|m| strings(Some(m)));
        let list = own.as_ref().unwrap_or(&self.missing);
        let value = value.trim();
        value.is_empty() || list.iter().any(|m| m.eq_ignore_ascii_case(value))
    }

    pub fn read_source(&self) -> Source {
        let p = self.path.parent().unwrap().join(&self.source_path);
        match self.format.as_str() {
            "csv" => read_csv(&p, self.delimiter),
            "jsonl" => read_jsonl(&p),
            "parquet" => read_parquet(&p),
            f => panic!("unknown format {f}"),
        }
    }

    pub fn keys(e: &toml::Table) -> Vec<String> {
        e["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap().to_string())
            .collect()
    }

    pub fn props(e: &toml::Table) -> toml::Table {
        e.get("properties")
            .and_then(|p| p.as_table())
            .cloned()
            .unwrap_or_default()
    }

    /// Columns a property value reads.
    pub fn columns(v: &toml::Table) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(c) = v.get("column").and_then(|c| c.as_str()) {
            out.push(c.to_string());
        }
        if let Some(cs) = v.get("columns").and_then(|c| c.as_array()) {
            out.extend(cs.iter().map(|c| c.as_str().unwrap().to_string()));
        }
        out
    }
}

#[derive(Debug, Clone)]
pub struct Prop {
    pub ty: String,
    pub values: Vec<String>,
}

/// The default ontology, flattened: every type's own and inherited properties.
pub struct Ontology {
    pub types: BTreeMap<String, BTreeMap<String, Prop>>,
    pub parents: BTreeMap<String, String>,
}

impl Ontology {
    pub fn load() -> Self {
        let t: toml::Table = ONTOLOGY.parse().unwrap();
        let mut raw: BTreeMap<String, (Option<String>, BTreeMap<String, Prop>)> = BTreeMap::new();
        for section in ["types", "relationships"] {
            let Some(s) = t.get(section).and_then(|s| s.as_table()) else {
                continue;
            };
            for (name, def) in s {
                let def = def.as_table().unwrap();
                let mut props = BTreeMap::new();
                if let Some(p) = def.get("properties").and_then(|p| p.as_table()) {
                    for (pn, pv) in p {
                        let pv = pv.as_table().unwrap();
                        props.insert(
                            pn.clone(),
                            Prop {
                                ty: pv["type"].as_str().unwrap().to_string(),
                                values: pv
                                    .get("values")
                                    .and_then(|v| v.as_array())
                                    .map(|a| {
                                        a.iter().map(|v| v.as_str().unwrap().to_string()).collect()
                                    })
                                    .unwrap_or_default(),
                            },
                        );
                    }
                }
                if section == "relationships" {
                    for end in ["source", "target"] {
                        let e = def[end].as_table().unwrap();
                        props.insert(
                            e["property"].as_str().unwrap().to_string(),
                            Prop {
                                ty: "entity".into(),
                                values: vec![],
                            },
                        );
                    }
                    for d in ["start_date", "end_date"] {
                        props.insert(
                            d.into(),
                            Prop {
                                ty: "date".into(),
                                values: vec![],
                            },
                        );
                    }
                }
                let parent = def
                    .get("extends")
                    .and_then(|e| e.as_str())
                    .map(String::from);
                raw.insert(name.clone(), (parent, props));
            }
        }
        let mut types = BTreeMap::new();
        let mut parents = BTreeMap::new();
        for name in raw.keys() {
            let mut chain = vec![name.clone()];
            while let Some((Some(p), _)) = raw.get(chain.last().unwrap()) {
                chain.push(p.clone());
            }
            let mut props = BTreeMap::new();
            for n in chain.iter().rev() {
                props.extend(raw[n].1.clone());
            }
            if let Some((Some(p), _)) = raw.get(name) {
                parents.insert(name.clone(), p.clone());
            }
            types.insert(name.clone(), props);
        }
        Self { types, parents }
    }

    pub fn is_a(&self, ty: &str, ancestor: &str) -> bool {
        let mut cur = Some(ty.to_string());
        while let Some(c) = cur {
            if c == ancestor {
                return true;
            }
            cur = self.parents.get(&c).cloned();
        }
        false
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn valid(y: i32, m: u32, d: u32) -> Option<(i32, u32, u32)> {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    ((1..=12).contains(&m) && d >= 1 && d <= days[(m - 1) as usize] && y > 1800)
        .then_some((y, m, d))
}

/// Parses a date with one of the `date_formats` the mappings use.
pub fn parse_date(s: &str, formats: &[String]) -> Option<(i32, u32, u32)> {
    let s = s.trim();
    for f in formats {
        let parts: Option<(i32, u32, u32)> = match f.as_str() {
            "iso" | "%Y-%m-%d" => {
                let p: Vec<&str> = s.split('-').collect();
                (p.len() == 3 && p[0].len() == 4)
                    .then(|| Some((p[0].parse().ok()?, p[1].parse().ok()?, p[2].parse().ok()?)))
                    .flatten()
            }
            "%d/%m/%Y" => {
                let p: Vec<&str> = s.split('/').collect();
                (p.len() == 3 && p[2].len() == 4)
                    .then(|| Some((p[2].parse().ok()?, p[1].parse().ok()?, p[0].parse().ok()?)))
                    .flatten()
            }
            "%d-%b-%Y" => {
                let p: Vec<&str> = s.split('-').collect();
                (p.len() == 3 && p[2].len() == 4)
                    .then(|| {
                        let m = MONTHS.iter().position(|m| *m == p[1])? as u32 + 1;
                        Some((p[2].parse().ok()?, m, p[0].parse().ok()?))
                    })
                    .flatten()
            }
            "%Y%m%d" => (s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| {
                    Some((
                        s[..4].parse().ok()?,
                        s[4..6].parse().ok()?,
                        s[6..].parse().ok()?,
                    ))
                })
                .flatten(),
            // Month precision: day 0, which no full date has.
            "%B %Y" => {
                let month_year = || {
                    let (month, year) = s.split_once(' ')?;
                    let m = MONTHS.iter().position(|x| month.get(..3) == Some(*x))?;
                    Some((year.parse().ok()?, m as u32 + 1, 0))
                };
                if let Some(d) = month_year() {
                    return Some(d);
                }
                None
            }
            other => panic!("test does not know date format {other}"),
        };
        if let Some((y, m, d)) = parts
            && let Some(ok) = valid(y, m, d)
        {
            return Some(ok);
        }
    }
    None
}

/// `file,line,column,reason` rows of bad_rows.csv.
pub fn bad_rows(path: &Path) -> BTreeMap<(String, u64), (String, String)> {
    let src = read_csv(path, ',');
    src.records
        .iter()
        .map(|r| {
            (
                (r.get("file").to_string(), r.get("line").parse().unwrap()),
                (r.get("column").to_string(), r.get("reason").to_string()),
            )
        })
        .collect()
}

pub fn truth(path: &Path) -> BTreeMap<String, String> {
    let src = read_csv(path, ',');
    src.records
        .iter()
        .map(|r| {
            (
                r.get("entity_id").to_string(),
                r.get("person_id").to_string(),
            )
        })
        .collect()
}
