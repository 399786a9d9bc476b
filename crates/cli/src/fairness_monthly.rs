//! `clearstone fairness monthly`: the monthly outcome report of the active
//! rules as text or JSON (docs/fairness.md).

use clearstone_engine::{MONTHLY_STAGES, MonthlyReport};

use crate::casework::{group_line, shown, table_json};

pub fn monthly_text(r: &MonthlyReport) -> String {
    let mut out = format!(
        "alert → referral → action by group, {} to {}, rules: {}; {} people (cells under 10 shown as <10)\n\
         each stage's rate is of the people in the stage before; Wilson 95% intervals; impact ratio against the highest group with Katz log 95% intervals\n",
        r.from,
        r.to,
        if r.rules.is_empty() {
            "none active".to_string()
        } else {
            r.rules.join(", ")
        },
        shown(r.people),
    );
    for m in &r.months {
        out.push_str(&format!(
            "\n{}: {} alerted, {} referred, {} actioned\n",
            m.month,
            shown(m.alerted),
            shown(m.referred),
            shown(m.actioned)
        ));
        for stage in &m.stages {
            let about = MONTHLY_STAGES
                .iter()
                .find(|(s, _)| *s == stage.stage)
                .map_or("", |(_, a)| a);
            for t in &stage.tables {
                out.push_str(&format!(
                    "{} {} ({about}){}\n  {:<20} {:>7} {:>7} {:>7} {:<18} {:>6} {:<18}\n",
                    stage.stage,
                    t.dimension,
                    if t.adverse {
                        " — a ratio under four-fifths"
                    } else {
                        ""
                    },
                    "group",
                    "among",
                    "in",
                    "rate",
                    "interval",
                    "ratio",
                    "interval"
                ));
                for g in &t.groups {
                    out.push_str(&group_line(g));
                }
            }
        }
    }
    out
}

pub fn monthly_json(r: &MonthlyReport) -> serde_json::Value {
    serde_json::json!({
        "from": r.from,
        "to": r.to,
        "rules": r.rules,
        "people": r.people,
        "months": r.months.iter().map(|m| serde_json::json!({
            "month": m.month,
            "alerted": m.alerted,
            "referred": m.referred,
            "actioned": m.actioned,
            "stages": m.stages.iter().map(|s| serde_json::json!({
                "stage": s.stage,
                "tables": s.tables.iter().map(table_json).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}
