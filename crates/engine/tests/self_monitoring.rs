//! Self-monitoring (DPA 2018 s.62(4)(b)): looking up one's own record, a
//! colleague in one's own unit, or someone at one's own address raises an
//! alert, whichever read finds them: `show`, search, the graph or an export
//! (see `links/mod.rs` for the data).
#![allow(clippy::unwrap_used, clippy::panic)]

mod links;
mod support;

use clearstone_engine::policy::Principal;
use clearstone_engine::{
    Classification, Engine, ExportFormat, SearchPage, Session, SessionRequest, graph_limits,
};
use links::*;

/// A roster record of a colleague in pat's unit.
const ROSTER: &str = r#"version = 1
[dataset]
name = "roster"
markings = "OFFICIAL-SENSITIVE"
[source]
format = "csv"
path = "roster.csv"
[[entities]]
name = "staff"
schema = "StaffMember"
keys = ["id"]
subject_category = "staff"
[entities.properties]
name = { columns = ["first", "last"], join = " " }
last_name = { column = "last" }
unit = { column = "unit" }
"#;
const ROSTER_CSV: &str = "id,first,last,unit\nR1,Dee,Wolcott,Response\n";
const COLLEAGUE: &str = "roster:staff:R1";

/// pat is Bob (officer 2), works in Response, and lives at Ann's address.
fn pat() -> Principal {
    Principal {
        unit: Some("Response".into()),
        attributes: [("person", OFFICER_2), ("address", "hr:home:1")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..support::user(
            "pat",
            &["analyst"],
            Classification::OfficialSensitive,
            &["PSD"],
        )
    }
}

fn setup() -> (tempfile::TempDir, Engine) {
    let (t, e) = fixture();
    support::admin(&e, "adding a user")
        .put_user(&pat())
        .unwrap();
    let load_session = e.session(req("eng", "load")).unwrap();
    load(
        &load_session,
        &t.path().join("src"),
        ROSTER,
        "roster.csv",
        ROSTER_CSV,
    );
    drop(load_session);
    (t, e)
}

/// pat's open alerts, as (kind, subject hash), in the order raised.
fn alerts(e: &Engine) -> Vec<String> {
    let mut out: Vec<String> = e
        .session(req("eng", "load"))
        .unwrap()
        .alerts(1_000)
        .unwrap()
        .into_iter()
        .filter(|a| a.principal == "pat")
        .map(|a| a.kind)
        .collect();
    out.sort();
    out.dedup();
    out
}

fn pat_session(e: &Engine) -> Session<'_> {
    e.session(SessionRequest {
        // Not a case pat is assigned to.
        case_ref: Some("PSD-999".into()),
        ..req("pat", "pds")
    })
    .unwrap()
}

const ALL_THREE: [&str; 3] = ["own_record", "same_address", "same_unit_colleague"];

#[test]
fn show_raises_each_relationship() {
    let (_t, e) = setup();
    let s = pat_session(&e);
    s.show(OFFICER_2).unwrap();
    assert_eq!(alerts(&e), ["own_record"]);
    s.show(COLLEAGUE).unwrap();
    assert_eq!(alerts(&e), ["own_record", "same_unit_colleague"]);
    s.show(OFFICER_1).unwrap();
    assert_eq!(alerts(&e), ALL_THREE);
}

// issue 14, finding 13
#[test]
fn search_raises_each_relationship_among_its_hits() {
    let (_t, e) = setup();
    let s = pat_session(&e);
    let page = SearchPage {
        offset: 0,
        size: 20,
    };
    s.search("jones", page).unwrap();
    assert_eq!(alerts(&e), ["own_record"]);
    s.search("wolcott", page).unwrap();
    assert_eq!(alerts(&e), ["own_record", "same_unit_colleague"]);
    s.search("smithson", page).unwrap();
    assert_eq!(alerts(&e), ALL_THREE);
}

// issue 14, finding 13
#[test]
fn the_graph_raises_each_relationship_among_its_nodes() {
    let (_t, e) = setup();
    let s = pat_session(&e);
    // Ann's neighbours are her homes and complaints: she is pat's co-resident.
    s.graph_neighbours(OFFICER_1).unwrap();
    assert_eq!(alerts(&e), ["same_address"]);
    s.graph_expand(OFFICER_2, 1, &[], None, &graph_limits())
        .unwrap();
    assert_eq!(alerts(&e), ["own_record", "same_address"]);
    s.graph_neighbours(COLLEAGUE).unwrap();
    assert_eq!(alerts(&e), ALL_THREE);
}

// issue 14, finding 13
#[test]
fn an_export_raises_each_relationship_it_discloses() {
    let (_t, e) = setup();
    let s = pat_session(&e);
    support::exported(&s, ExportFormat::Csv, "IOPC");
    assert_eq!(alerts(&e), ALL_THREE);
    let flagged = e
        .session(req("eng", "load"))
        .unwrap()
        .events(1_000)
        .unwrap()
        .into_iter()
        .filter(|ev| ev.principal == "pat" && ev.operation == "disclose")
        .all(|ev| ev.flags.iter().any(|f| f == "self_monitoring"));
    assert!(flagged, "the disclosure is flagged");
}

/// lee, a PSD lead with no record, unit or address of their own here.
fn lee(e: &Engine) -> Session<'_> {
    support::admin(e, "adding a case lead")
        .put_user(&support::user(
            "lee",
            &["analyst"],
            Classification::OfficialSensitive,
            &["PSD"],
        ))
        .unwrap();
    e.session(req("lee", "pds")).unwrap()
}

// issue 18, item 4: the case store, not a user attribute, says who is
// assigned; the grant covers what the case links, and ends with membership.
#[test]
fn a_case_grants_its_team_what_it_links_and_withdraws_it_with_membership() {
    let (_t, e) = setup();
    let lead = lee(&e);
    lead.create_case(Some("PSD-999"), "Response team conduct assessment")
        .unwrap();
    lead.case_link("PSD-999", "subject", OFFICER_1).unwrap();
    lead.case_link("PSD-999", "entity", COLLEAGUE).unwrap();
    lead.case_add_member("PSD-999", "pat").unwrap();
    let s = pat_session(&e);
    s.show(OFFICER_1).unwrap();
    s.show(COLLEAGUE).unwrap();
    assert_eq!(alerts(&e), Vec::<String>::new());
    // Not linked: still one's own record.
    s.show(OFFICER_2).unwrap();
    assert_eq!(alerts(&e), ["own_record"]);
    drop(s);
    // Off the team, the next session has no grant, and the case is not theirs to read.
    lead.case_remove_member("PSD-999", "pat").unwrap();
    let s = pat_session(&e);
    s.show(COLLEAGUE).unwrap();
    assert_eq!(alerts(&e), ["own_record", "same_unit_colleague"]);
    assert_eq!(s.case("PSD-999").unwrap_err().code(), "not_found");
}

// issue 18, "tests that must exist": case access is withdrawn with the
// case: once it is closed, its team reads as if it had never been linked.
#[test]
fn closing_a_case_withdraws_what_it_granted() {
    let (_t, e) = setup();
    let lead = lee(&e);
    lead.create_case(Some("PSD-999"), "Response team conduct assessment")
        .unwrap();
    lead.case_link("PSD-999", "entity", COLLEAGUE).unwrap();
    lead.case_add_member("PSD-999", "pat").unwrap();
    let s = pat_session(&e);
    s.show(COLLEAGUE).unwrap();
    assert_eq!(alerts(&e), Vec::<String>::new());
    drop(s);
    lead.case_decide(
        "PSD-999",
        "closed",
        "assessment complete, no case to answer",
    )
    .unwrap();
    let s = pat_session(&e);
    s.show(COLLEAGUE).unwrap();
    assert_eq!(alerts(&e), ["same_unit_colleague"]);
}

#[test]
fn a_user_attribute_no_longer_assigns_a_case() {
    let (_t, e) = setup();
    let mut p = pat();
    p.attributes.insert("cases".into(), "PSD-999".into());
    support::admin(&e, "assigning a case").put_user(&p).unwrap();
    pat_session(&e).show(COLLEAGUE).unwrap();
    assert_eq!(alerts(&e), ["same_unit_colleague"]);
}
