//! The crime and intelligence records management system: nominal (person)
//! records, incidents, and who was involved in what. Crime systems keep
//! surnames in capitals, take names as given at the roadside, and grow
//! duplicate nominals.

use crate::DemoError;
use crate::date::Date;
use crate::noise;
use crate::out::{Bad, Faults};
use crate::people::{Kind, Person, today};
use crate::places;
use crate::rng::{Rng, mix};

use super::{Ctx, Nominals, pick_officer, recent, sex_code};

const TAG_NOMINAL: u64 = 0xC41E;
const TAG_INCIDENT: u64 = 0x1AC1;

/// Whether the crime system holds this person, and as what.
fn presence(p: &Person, r: &mut Rng) -> Option<u8> {
    let p_in = match p.tier {
        0 => 0.02,
        1 => 0.6,
        _ => 1.0,
    };
    if !r.chance(p_in) {
        return None;
    }
    let roles: &[u32; 4] = match (p.kind, p.tier) {
        (Kind::Staff(_), _) | (Kind::Practitioner(_), _) => &[5, 50, 45, 0],
        (Kind::Child(_), _) => &[15, 55, 20, 10],
        (_, 2) => &[55, 25, 10, 10],
        (_, 1) => &[20, 40, 25, 15],
        _ => &[0, 40, 40, 20],
    };
    Some([b'S', b'V', b'W', b'O'][r.weighted(roles)])
}

pub fn pnc_id(seed: u64, person: u32) -> String {
    let h = mix(seed ^ 0x9AC ^ u64::from(person));
    let letter = (b'A' + (h % 26) as u8) as char;
    format!(
        "{:02}/{:07}{letter}",
        1 + (h >> 8) % 24,
        (h >> 16) % 10_000_000
    )
}

pub fn persons(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    let header = [
        "nominal_id",
        "surname",
        "forenames",
        "dob",
        "sex",
        "ethnicity",
        "pnc_id",
        "address",
        "postcode",
        "phone",
        "role",
        "warning_markers",
    ];
    let bad = [Bad::Key, Bad::Date, Bad::Enum, Bad::Columns, Bad::Utf8];
    let mut csv = cx.csv("crime_persons.csv", &header, &bad)?;
    let w = cx.w;
    let mut nominals = Nominals::default();
    for i in 0..w.n {
        let mut r = Rng::for_item(cx.seed(), TAG_NOMINAL, u64::from(i));
        let p = w.person(i);
        let Some(role) = presence(&p, &mut r) else {
            continue;
        };
        let copies = if r.chance(0.06) { 2 } else { 1 };
        for copy in 0..copies {
            let ordinal = nominals.len();
            nominals.person.push(i);
            nominals.role.push(role);
            let id = Nominals::id(ordinal);
            let seen = recent(&mut r, 6 * 365).max(p.dob);
            let ad = places::address(cx.seed(), p.address_on(seen));
            let typo = if copy == 1 { 0.25 } else { 0.04 };
            let mut surname = noise::surname(&mut r, &p.surname, typo);
            if r.chance(0.35) {
                surname = surname.to_uppercase();
            }
            let mut forenames = noise::first_name(&mut r, p.first, 0.15, typo);
            if let Some(m) = p.middle
                && r.chance(0.5)
            {
                forenames = format!("{forenames} {m}");
            }
            let missing = if role == b'W' { 0.15 } else { 0.05 };
            let dob = noise::dob(&mut r, p.dob, missing, 0.03);
            let markers = if role == b'S' && r.chance(0.2) {
                (r.pick(&["VI", "DR", "WE", "VI;DR", "FI", "ES"])).to_string()
            } else {
                String::new()
            };
            let fields = vec![
                id.clone(),
                surname,
                forenames,
                dob.map(Date::iso).unwrap_or_default(),
                if r.chance(0.02) {
                    "U".to_string()
                } else {
                    sex_code(&p).to_string()
                },
                if r.chance(0.15) {
                    "NS".to_string()
                } else {
                    p.ethnicity.to_string()
                },
                if role == b'S' && r.chance(0.6) {
                    pnc_id(cx.seed(), i)
                } else {
                    String::new()
                },
                ad.one_line(),
                noise::postcode(&mut r, &ad.postcode, 0.25),
                if !p.mobile.is_empty() && r.chance(0.5) {
                    noise::phone(&mut r, &p.mobile)
                } else {
                    String::new()
                },
                (role as char).to_string(),
                markers,
            ];
            let faults = Faults {
                key: Some(0),
                date: Some(3),
                enumeration: Some(4),
                latin1: Some(2),
                columns: true,
            };
            if csv.row(&mut cx.truth, fields, faults)? {
                cx.person("crime", "person", &id, i)?;
            }
        }
    }
    // Planted for the shared-phone rule; not among the nominals other
    // systems pick from, so the rest of the data set is unchanged.
    for n in crate::indicators_shared::nominals(w) {
        let p = &n.person;
        let ad = places::address(cx.seed(), p.current_address());
        let fields = vec![
            n.key.clone(),
            p.surname.to_uppercase(),
            p.first.to_string(),
            p.dob.iso(),
            sex_code(p).to_string(),
            p.ethnicity.to_string(),
            String::new(),
            ad.one_line(),
            ad.postcode.clone(),
            n.phone.clone(),
            (n.role as char).to_string(),
            String::new(),
        ];
        // Ground truth must load: planted rows are never broken.
        if csv.row(&mut cx.truth, fields, Faults::default())? {
            cx.person("crime", "person", &n.key, p.index)?;
        }
    }
    cx.nominals = nominals;
    cx.done(csv.finish()?);
    Ok(())
}

struct Offence {
    category: &'static str,
    text: &'static str,
    code: &'static str,
    summary: &'static str,
}

const OFFENCES: &[(u32, Offence)] = &[
    (
        14,
        Offence {
            category: "VIO",
            text: "Common assault",
            code: "105A/1",
            summary: "Victim reports being pushed and punched during an argument outside licensed premises.",
        },
    ),
    (
        8,
        Offence {
            category: "VIO",
            text: "Assault occasioning actual bodily harm",
            code: "8N/1",
            summary: "Victim attended hospital with facial injuries after an assault in the street.",
        },
    ),
    (
        10,
        Offence {
            category: "THF",
            text: "Theft from a shop",
            code: "46/1",
            summary: "Suspect seen on CCTV leaving the store with unpaid goods.",
        },
    ),
    (
        7,
        Offence {
            category: "BUR",
            text: "Burglary - residential",
            code: "28E/1",
            summary: "Rear door forced while occupants were at work; jewellery and a laptop taken.",
        },
    ),
    (
        6,
        Offence {
            category: "VEH",
            text: "Theft from a motor vehicle",
            code: "45/1",
            summary: "Vehicle window smashed overnight and tools taken.",
        },
    ),
    (
        7,
        Offence {
            category: "CDA",
            text: "Criminal damage to a dwelling",
            code: "58A/1",
            summary: "Window of the address broken by a thrown object.",
        },
    ),
    (
        6,
        Offence {
            category: "DRG",
            text: "Possession of a controlled drug - Class B",
            code: "92D/1",
            summary: "Suspect stopped and searched; small quantity of cannabis found.",
        },
    ),
    (
        2,
        Offence {
            category: "DRG",
            text: "Possession with intent to supply - Class A",
            code: "92A/6",
            summary: "Wraps of a white powder and cash found during a warrant.",
        },
    ),
    (
        5,
        Offence {
            category: "PUB",
            text: "Public order - causing harassment, alarm or distress",
            code: "125/54",
            summary: "Suspect shouting abuse at staff and customers.",
        },
    ),
    (
        4,
        Offence {
            category: "FRD",
            text: "Fraud by false representation",
            code: "53A/1",
            summary: "Victim's bank card used for online purchases without consent.",
        },
    ),
    (
        2,
        Offence {
            category: "ROB",
            text: "Robbery of personal property",
            code: "34B/1",
            summary: "Victim's phone taken by force by two males on a cycle path.",
        },
    ),
    (
        2,
        Offence {
            category: "WPN",
            text: "Possession of a bladed article in a public place",
            code: "10D/1",
            summary: "Knife found during a stop and search.",
        },
    ),
    (
        6,
        Offence {
            category: "WEL",
            text: "",
            code: "",
            summary: "Caller concerned for the welfare of a neighbour not seen for several days.",
        },
    ),
    (
        4,
        Offence {
            category: "MIS",
            text: "",
            code: "",
            summary: "Young person reported missing after not returning home from school.",
        },
    ),
    (
        7,
        Offence {
            category: "ASB",
            text: "",
            code: "",
            summary: "Group of youths reported causing a nuisance near the shops.",
        },
    ),
    (
        4,
        Offence {
            category: "RTC",
            text: "",
            code: "",
            summary: "Two-vehicle collision at a junction; minor injuries.",
        },
    ),
];

const DOMESTIC: Offence = Offence {
    category: "DOM",
    text: "Domestic incident",
    code: "",
    summary: "Neighbours reported shouting at the address; officers attended and spoke with both adults.",
};

pub fn incident_ref(k: u32) -> String {
    format!("CR{:08}", 20_000_000 + u64::from(k) * 7)
}

pub fn incidents(cx: &mut Ctx<'_>) -> Result<(), DemoError> {
    let header = [
        "incident_ref",
        "reported",
        "occurred",
        "category",
        "offence",
        "offence_code",
        "location",
        "postcode",
        "beat",
        "oic_staff_no",
        "status",
        "domestic",
        "summary",
    ];
    let bad = [Bad::Key, Bad::Date, Bad::Enum, Bad::Columns];
    let seed = cx.seed();
    let mut inc = cx.csv("crime_incidents.csv", &header, &bad)?;
    let bad_links = [Bad::Key, Bad::Enum, Bad::Columns];
    let link_header = ["incident_ref", "nominal_id", "role"];
    let mut links = cx.csv("crime_involvements.csv", &link_header, &bad_links)?;
    let w = cx.w;
    let n_incidents = (cx.nominals.len() * 3 / 4).max(10);
    let weights: Vec<u32> = OFFENCES.iter().map(|(w, _)| *w).collect();
    for k in 0..n_incidents {
        let mut r = Rng::for_item(seed, TAG_INCIDENT, u64::from(k));
        let occurred = recent(&mut r, 6 * 365);
        let reported = occurred.add_days(r.count(0.5, 30) as i32).min(today());
        let mut involved: Vec<(u32, &str)> = Vec::new();
        let mut location = None;
        let domestic = w.n_children > 0 && r.chance(0.15);
        let offence = if domestic {
            // A family known to children's services: parents and children
            // turn up together in police records.
            let c = r.below(u64::from(w.n_children)) as u32;
            let f = w.family_of_child(c);
            let p1 = w.parent_index(f, false);
            let p2 = w.parent_index(f, true);
            let co = w.family(f).is_some_and(|fam| fam.co_parent);
            let add = |idx: u32, role: &'static str, inv: &mut Vec<(u32, &str)>| {
                if let Some(n) = cx.nominals.of_person(idx) {
                    inv.push((n, role));
                }
            };
            add(p1, "VIC", &mut involved);
            if co {
                add(p2, "SUS", &mut involved);
            }
            add(w.child_index(c), "WIT", &mut involved);
            location = Some(w.person(p1).address_on(occurred));
            if r.chance(0.5) {
                &DOMESTIC
            } else {
                &OFFENCES[0].1
            }
        } else {
            &OFFENCES[r.weighted(&weights)].1
        };
        if involved.is_empty() {
            let roles: &[(u8, &str)] = if offence.code.is_empty() {
                &[(b'W', "RP"), (b'O', "OTH")]
            } else {
                &[(b'S', "SUS"), (b'V', "VIC"), (b'W', "WIT")]
            };
            for (code, role) in roles {
                if (*code == b'W' || *code == b'O') && !r.chance(0.6) {
                    continue;
                }
                if let Some(n) = cx.nominals.pick_role(&mut r, *code)
                    && !involved.iter().any(|(m, _)| *m == n)
                {
                    involved.push((n, role));
                }
            }
        }
        let loc = location.unwrap_or_else(|| {
            involved
                .iter()
                .find(|(_, role)| *role == "VIC")
                .and_then(|(n, _)| cx.nominals.person.get(*n as usize))
                .map_or_else(
                    || r.below(u64::from(w.n_addresses)) as u32,
                    |pi| w.person(*pi).address_on(occurred),
                )
        });
        let ad = places::address(seed, loc);
        let status = if offence.code.is_empty() {
            "NFA"
        } else if occurred > today().add_days(-60) {
            r.pick(&["OPEN", "UI", "UI"])
        } else {
            r.pick(&["CHG", "CAU", "CR", "NFA", "NFA", "FILED", "FILED"])
        };
        let rf = incident_ref(k);
        let fields = vec![
            rf.clone(),
            reported.iso(),
            occurred.iso(),
            offence.category.to_string(),
            offence.text.to_string(),
            offence.code.to_string(),
            ad.one_line(),
            noise::postcode(&mut r, &ad.postcode, 0.1),
            format!("{}{:02}", &ad.town[..2].to_uppercase(), r.range(1, 12)),
            w.staff_no(pick_officer(w, &mut r)),
            status.to_string(),
            if domestic { "Y" } else { "N" }.to_string(),
            offence.summary.to_string(),
        ];
        let faults = Faults {
            key: Some(0),
            date: Some(1),
            enumeration: Some(3),
            latin1: None,
            columns: true,
        };
        inc.row(&mut cx.truth, fields, faults)?;
        for (n, role) in involved {
            let fields = vec![rf.clone(), Nominals::id(n), role.to_string()];
            let faults = Faults {
                key: Some(1),
                date: None,
                enumeration: Some(2),
                latin1: None,
                columns: true,
            };
            links.row(&mut cx.truth, fields, faults)?;
        }
    }
    cx.done(inc.finish()?);
    cx.done(links.finish()?);
    Ok(())
}
