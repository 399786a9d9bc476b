//! One child with a case note in `csc`, a note in `pol` that the social
//! workers' purposes do not cover, and a server over them: shared by the
//! note pages' HTTP test and their browser test.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use clearstone_engine::policy::{Purpose, SensitiveBasis};
use clearstone_engine::{ADMIN_PURPOSE, Engine, SessionRequest};
use std::sync::Arc;

use clearstone_engine::note_text::{ChatModel, NotesError, Segment, Transcriber, Transcript};
use clearstone_server::{Models, Timeouts};

use crate::support::{PASSWORD, TestServer, serve_with_models, user};

pub const CHILD: &str = "csc:child:LC1";
pub const NOTE: &str = "csc:note:N1";
/// A note in a dataset no purpose of the social worker covers.
pub const HIDDEN_NOTE: &str = "pol:note:P1";
pub const ABSENT_NOTE: &str = "csc:note:NONE";
/// Words planted only inside special-category sentences.
pub const RELIGION_SENTINEL: &str = "Quillonbeck";
pub const HEALTH_SENTINEL: &str = "Brindlewick";
pub const HEALTH_ONLY: &str = "DPA 2018 sch. 1 para 2 (health or social care), health only";
pub const EXTRA_POLICY: &str = r#"
@id("health_only_purposes")
@mask("special_category")
forbid (principal, action in Action::"reads", resource)
when {
  context.sensitivity == "religious" &&
  context.purpose has sensitive_condition &&
  context.purpose.sensitive_condition == "DPA 2018 sch. 1 para 2 (health or social care), health only"
};
"#;

fn mapping(dataset: &str, name: &str, schema: &str, path: &str, props: &str) -> String {
    format!(
        "version = 1\n[dataset]\nname = \"{dataset}\"\n[source]\nformat = \"{}\"\npath = \"{path}\"\ndate_formats = [\"iso\"]\n[[entities]]\nname = \"{name}\"\nschema = \"{schema}\"\nkeys = [\"id\"]\n{}[entities.properties]\n{props}",
        if path.ends_with(".csv") {
            "csv"
        } else {
            "jsonl"
        },
        if schema == "Child" {
            "subject_category = \"child\"\n"
        } else {
            ""
        }
    )
}

pub const NOTE_PROPS: &str = "reference = { column = \"id\" }\nabout = { entity = \"csc:child\", column = \"child_id\" }\ndate = { column = \"date\" }\ntext = { column = \"text\" }\n";

fn notes_jsonl(id: &str) -> String {
    let text = format!(
        "Home visit to see Amelia Hart at home on 3 March 2025. Amelia said she feels safe at home. \
         The family attend the mosque every Friday and {RELIGION_SENTINEL} goes to madrasa after school. \
         Amelia has been diagnosed with asthma and {HEALTH_SENTINEL} keeps her inhaler at school. \
         Strategy discussion held with police and education."
    );
    format!(
        "{}\n",
        serde_json::json!({"id": id, "child_id": "LC1", "date": "2025-03-05", "text": text})
    )
}

fn purpose(id: &str, roles: &[&str], datasets: &[&str], condition: Option<&str>) -> Purpose {
    Purpose {
        id: id.into(),
        description: "test purpose".into(),
        legal_basis: "Children Act 1989 s.47".into(),
        sensitive: condition.map(|c| SensitiveBasis {
            condition: c.into(),
        }),
        policy_document: "APD-7".into(),
        datasets: datasets.iter().map(|d| d.to_string()).collect(),
        entity_types: ["*".to_string()].into(),
        roles: roles.iter().map(|r| r.to_string()).collect(),
        audit_use: None,
        review_date: "2099-01-01".into(),
        expires: "2099-12-31".into(),
        reviewed_by: Some("dpo".into()),
    }
}

/// A child with one note in `csc`, a note in `pol` the social workers'
/// purposes do not cover, users `sw` and `sw2`, and purposes `plain` (no
/// lawful condition), `health-only` (health but not religion) and
/// `safeguarding` (both).
pub fn start() -> TestServer {
    start_with_models(Models::default())
}

/// A model that summarises by quoting: it cites the sentence saying the
/// child feels safe, and with `invent` adds one no note supports.
pub struct Quoting {
    pub invent: bool,
}

/// The number the prompt gives the sentence holding `words`.
fn numbered(prompt: &str, words: &str) -> Option<String> {
    prompt
        .lines()
        .find(|l| l.contains(words))
        .and_then(|l| l.strip_prefix('['))
        .and_then(|l| l.split(']').next())
        .map(str::to_string)
}

impl ChatModel for Quoting {
    fn name(&self) -> String {
        "quoting-model".into()
    }
    fn version(&self) -> String {
        "2".into()
    }
    fn complete(&self, _system: &str, user: &str) -> Result<String, NotesError> {
        let n = numbered(user, "feels safe at home").unwrap_or_else(|| "1".into());
        let mut out = format!("Amelia said she feels safe at home. [{n}]");
        if self.invent {
            out.push_str(&format!(
                "\nAmelia moved to Portugal with her grandmother. [{n}]"
            ));
        }
        Ok(out)
    }
}

/// A transcriber that hears two sentences, whatever the recording.
pub struct Hearing;

pub const HEARD: [&str; 2] = [
    "Amelia showed me her bedroom.",
    "She said she feels safe at home.",
];

impl Transcriber for Hearing {
    fn transcribe(&self, _audio: &std::path::Path) -> Result<Transcript, NotesError> {
        Ok(Transcript {
            segments: vec![
                Segment {
                    start_ms: 0,
                    end_ms: 2_500,
                    text: HEARD[0].into(),
                },
                Segment {
                    start_ms: 2_500,
                    end_ms: 65_000,
                    text: HEARD[1].into(),
                },
            ],
        })
    }
}

/// Both models.
pub fn models(invent: bool) -> Models {
    Models {
        chat: Some(Arc::new(Quoting { invent })),
        transcriber: Some(Arc::new(Hearing)),
    }
}

/// [`start`] with a chat model and a transcriber.
pub fn start_with_models(models: Models) -> TestServer {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("data");
    drop(Engine::init(&dir, None).unwrap());
    let policy = dir.join("policy.cedar");
    let mut text = std::fs::read_to_string(&policy).unwrap();
    text.push_str(EXTRA_POLICY);
    std::fs::write(&policy, text).unwrap();
    let engine = Engine::open(&dir).unwrap();
    engine.bootstrap_admin("admin").unwrap();
    let admin = engine
        .session(SessionRequest {
            principal: "admin".into(),
            purpose: ADMIN_PURPOSE.into(),
            justification: "setting up the note pages test".into(),
            ..SessionRequest::default()
        })
        .unwrap();
    admin.put_user(&user("eng", &["data_engineer"])).unwrap();
    for u in ["sw", "sw2"] {
        admin.put_user(&user(u, &["social_worker"])).unwrap();
        admin.set_password(u, PASSWORD).unwrap();
    }
    for p in [
        purpose("load", &["data_engineer"], &["*"], None),
        purpose("plain", &["social_worker"], &["csc"], None),
        purpose(
            "health-only",
            &["social_worker"],
            &["csc"],
            Some(HEALTH_ONLY),
        ),
        purpose(
            "safeguarding",
            &["social_worker"],
            &["csc"],
            Some("DPA 2018 sch. 1 para 18 (safeguarding of children)"),
        ),
    ] {
        admin.put_purpose(&p).unwrap();
    }
    drop(admin);
    let s = engine
        .session(SessionRequest {
            principal: "eng".into(),
            purpose: "load".into(),
            justification: "loading the note pages test data".into(),
            ..SessionRequest::default()
        })
        .unwrap();
    let src = t.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    for (m, file, body) in [
        (
            mapping(
                "csc",
                "child",
                "Child",
                "children.csv",
                "name = { columns = [\"first\", \"last\"], join = \" \" }\nfirst_name = { column = \"first\" }\nlast_name = { column = \"last\" }\n",
            ),
            "children.csv",
            "id,first,last\nLC1,Amelia,Hart\n".to_string(),
        ),
        (
            mapping("csc", "note", "Note", "notes.jsonl", NOTE_PROPS),
            "notes.jsonl",
            notes_jsonl("N1"),
        ),
        (
            mapping("pol", "note", "Note", "pol.jsonl", NOTE_PROPS),
            "pol.jsonl",
            notes_jsonl("P1"),
        ),
    ] {
        std::fs::write(src.join(file), body).unwrap();
        let path = src.join(format!("{file}.toml"));
        std::fs::write(&path, m).unwrap();
        assert_eq!(
            s.ingest(&path, &mut |_| {}).unwrap().quarantined,
            0,
            "{file}"
        );
    }
    drop(s);
    serve_with_models(engine, t, Timeouts::default(), models)
}
