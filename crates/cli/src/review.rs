//! `clearstone review | judgements | explain`: pairs shown so that a person
//! can check the model's reasons, each comparison with the values it
//! compared, and decisions taken with a reason.

use std::io::{BufRead, Write};

use anyhow::Result;
use clearstone_engine::{Agreement, Compared, FieldValues, Judgement, ReviewItem, Session};
use clearstone_resolve::Explanation;

/// What an empty side shows: no value, so no evidence either way.
const MISSING: &str = "missing";

fn shown(values: &[String]) -> String {
    if values.is_empty() {
        MISSING.to_owned()
    } else {
        values.join(" / ")
    }
}

fn level_text(c: &Compared) -> String {
    match c.agreement {
        Agreement::Missing => "missing (no evidence)".to_owned(),
        _ => c.label.to_owned(),
    }
}

/// Each comparison with its level, weight and both sides' values, one line
/// per field it read, between the prior and the total.
pub fn comparisons_text(x: &Explanation, compared: &[Compared], left: &str, right: &str) -> String {
    let mut out = format!(
        "  {:<14} {:<26} {:>8}  {:<14} {:<32} {}\n",
        "comparison", "level", "weight", "field", left, right
    );
    out.push_str(&format!(
        "  {:<14} {:<26} {:>8.3}\n",
        "prior", "", x.prior_weight
    ));
    for c in compared {
        let head = format!(
            "{} {:<14} {:<26} {:>+8.3}",
            c.agreement.mark(),
            c.comparison,
            level_text(c),
            c.weight
        );
        let blank = " ".repeat(head.chars().count());
        let mut fields = c.fields.iter();
        match fields.next() {
            Some(f) => out.push_str(&format!("{head}  {}\n", field_text(f))),
            None => out.push_str(&format!("{head}\n")),
        }
        for f in fields {
            out.push_str(&format!("{blank}  {}\n", field_text(f)));
        }
    }
    if x.household != 0.0 {
        out.push_str(&format!(
            "  {:<14} {:<26} {:>+8.3}\n",
            "household", "family and home count once", x.household
        ));
    }
    if x.names_alone != 0.0 {
        out.push_str(&format!(
            "  {:<14} {:<26} {:>+8.3}\n",
            "names alone", "never link", x.names_alone
        ));
    }
    out.push_str(&format!(
        "  {:<14} {:<26} {:>8.3}  probability {:.4}, model {}\n",
        "total", "", x.total, x.probability, x.model_version
    ));
    out
}

fn field_text(f: &FieldValues) -> String {
    format!("{:<14} {:<32} {}", f.field, shown(&f.left), shown(&f.right))
}

/// The properties no comparison reads, for context; they carry no mark,
/// since the model drew nothing from them.
fn others_text(others: &[FieldValues]) -> String {
    if others.is_empty() {
        return String::new();
    }
    let mut out = String::from("other details, not compared:\n");
    for f in others {
        out.push_str(&format!("  {}\n", field_text(f)));
    }
    out
}

fn item_text(n: usize, of: usize, item: &ReviewItem) -> String {
    format!(
        "\npair {n} of {of}: probability {:.3}\n{}{}",
        item.pair.probability,
        comparisons_text(
            &item.explanation,
            &item.compared,
            &item.pair.left_id,
            &item.pair.right_id
        ),
        others_text(&item.others)
    )
}

/// Shows each queued pair and asks y (same), n (not same), u (unsure),
/// s (skip) or q (quit); a verdict needs a reason, asked for again until
/// one is given. The end of input ends the review as `q` does.
pub fn review(s: &Session<'_>, schema: &str, limit: usize) -> Result<()> {
    let stdin = std::io::stdin();
    review_with(s, schema, limit, &mut stdin.lock(), &mut std::io::stdout())
}

fn review_with(
    s: &Session<'_>,
    schema: &str,
    limit: usize,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<()> {
    let queue = s.review_queue(schema, limit)?;
    if queue.is_empty() {
        writeln!(
            out,
            "nothing to review: no undecided {schema} pairs in the review band"
        )?;
        return Ok(());
    }
    let mut decided = 0;
    for (n, item) in queue.iter().enumerate() {
        write!(out, "{}", item_text(n + 1, queue.len(), item))?;
        let verdict = loop {
            let Some(line) = ask(
                input,
                out,
                "same person? [y]es / [n]o / [u]nsure / [s]kip / [q]uit: ",
            )?
            else {
                return finish(out, decided);
            };
            match line.trim() {
                "y" => break Some("same"),
                "n" => break Some("not_same"),
                "u" => break Some("unsure"),
                "s" => break None,
                "q" => return finish(out, decided),
                _ => writeln!(out, "answer y, n, u, s or q")?,
            }
        };
        let Some(verdict) = verdict else { continue };
        let why = loop {
            let Some(line) = ask(input, out, "why: ")? else {
                writeln!(out)?;
                return finish(out, decided);
            };
            let line = line.trim().to_owned();
            if !line.is_empty() {
                break line;
            }
            writeln!(
                out,
                "a judgement needs a reason: say why (or end the input to stop)"
            )?;
        };
        let j = s.judge(&item.pair.left_id, &item.pair.right_id, verdict, &why)?;
        writeln!(out, "recorded judgement {}", j.id)?;
        decided += 1;
    }
    finish(out, decided)
}

/// Prompts and reads one line; `None` at the end of input.
fn ask(input: &mut dyn BufRead, out: &mut dyn Write, prompt: &str) -> Result<Option<String>> {
    write!(out, "{prompt}")?;
    out.flush()?;
    let mut line = String::new();
    if input.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    Ok(Some(line))
}

fn finish(out: &mut dyn Write, decided: usize) -> Result<()> {
    writeln!(out, "{decided} judgements recorded")?;
    Ok(())
}

pub fn judgement_line(j: &Judgement) -> String {
    let mut line = format!(
        "#{} {} {} {} by `{}` at {}: {}",
        j.id, j.left_id, j.verdict, j.right_id, j.principal, j.at, j.why
    );
    if let Some(p) = j.probability {
        line.push_str(&format!(" (model said {p:.3})"));
    }
    if let Some(at) = j.withdrawn_at {
        line.push_str(&format!(
            " — withdrawn by `{}` at {at}: {}",
            j.withdrawn_by.as_deref().unwrap_or(""),
            j.withdrawn_why.as_deref().unwrap_or("")
        ));
    }
    line
}

/// The judgements, one a line, or a line saying there are none.
pub fn judgements_text(list: &[Judgement], schema: &str, withdrawn: bool) -> String {
    if list.is_empty() {
        let which = if withdrawn { "" } else { " standing" };
        return format!("no{which} judgements on {schema} pairs\n");
    }
    list.iter().map(|j| judgement_line(j) + "\n").collect()
}

/// Each comparison's values as JSON, in the explanation's order.
fn compared_json(compared: &[Compared]) -> serde_json::Value {
    let side = |v: &[String]| serde_json::json!(v);
    serde_json::Value::Array(
        compared
            .iter()
            .map(|c| {
                serde_json::json!({
                    "comparison": c.comparison,
                    "agreement": match c.agreement {
                        Agreement::Missing => "missing",
                        Agreement::Agrees => "agrees",
                        Agreement::Partly => "partly",
                        Agreement::Disagrees => "disagrees",
                    },
                    "fields": c.fields.iter().map(|f| serde_json::json!({
                        "field": f.field, "left": side(&f.left), "right": side(&f.right),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

/// `clearstone explain`: the waterfall with what each part compared; as
/// JSON, the waterfall's object with `left`, `right` and `compared` added.
pub fn explain(s: &Session<'_>, left: &str, right: &str, json: bool) -> Result<()> {
    let x = s.explain_compared(left, right)?;
    if json {
        let mut obj: serde_json::Value = serde_json::from_str(&x.explanation.to_json())?;
        if let Some(map) = obj.as_object_mut() {
            map.insert("left".into(), x.left_id.clone().into());
            map.insert("right".into(), x.right_id.clone().into());
            map.insert("compared".into(), compared_json(&x.compared));
        }
        println!("{obj}");
        return Ok(());
    }
    print!(
        "{}",
        comparisons_text(&x.explanation, &x.compared, &x.left_id, &x.right_id)
    );
    Ok(())
}
