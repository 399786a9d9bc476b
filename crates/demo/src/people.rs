//! The real-world people behind every record, and their families.
//!
//! People are laid out in index segments (staff, practitioners, parents,
//! other adults, children) and every attribute is a pure function of
//! (seed, index). Nothing about a person is stored: any source can rebuild
//! anyone it needs, so memory stays flat at millions of people. The truth
//! file's person ids are scrambled, so the layout shows nowhere.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::DemoError;
use crate::date::Date;
use crate::names::{self, Community, community};
use crate::rng::{Rng, mix};

const TAG_PERSON: u64 = 1;
const TAG_FAMILY: u64 = 2;
const TAG_BLOCK: u64 = 3;
const TAG_STAFF: u64 = 4;

/// "Today" in the fictional world, fixed so output never depends on the clock.
pub fn today() -> Date {
    Date::from_ymd(2025, 6, 30)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Police workforce, by staff ordinal.
    Staff(u32),
    /// Council children's practitioner, by ordinal.
    Practitioner(u32),
    /// A parent of family `family`; `second` is the co-parent.
    Parent {
        family: u32,
        second: bool,
    },
    Adult,
    /// A child known to children's services, by child ordinal.
    Child(u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Officer,
    PoliceStaff,
    Pcso,
}

#[derive(Debug, Clone, Copy)]
pub struct Family {
    pub id: u32,
    pub co_parent: bool,
    pub married: bool,
    pub cohabit: bool,
    pub same_community: bool,
}

#[derive(Debug, Clone)]
pub struct Person {
    pub index: u32,
    pub kind: Kind,
    pub female: bool,
    pub community: u8,
    pub first: &'static str,
    pub middle: Option<&'static str>,
    pub surname: String,
    /// The surname before marriage, which older records still hold.
    pub birth_surname: Option<String>,
    pub dob: Date,
    /// (moved in, address index), oldest first; the last is current.
    pub addresses: Vec<(Date, u32)>,
    /// Ten digits after the trunk `0`.
    pub mobile: String,
    pub email: String,
    /// Propensity for contact with the police: 0 none, 1 some, 2 frequent.
    pub tier: u8,
    pub ethnicity: &'static str,
    pub religion: &'static str,
    pub orientation: &'static str,
    pub disability: bool,
}

impl Person {
    pub fn community(&self) -> &'static Community {
        community(self.community)
    }

    pub fn current_address(&self) -> u32 {
        self.addresses.last().map_or(0, |a| a.1)
    }

    /// The address a system would have recorded on `on`.
    pub fn address_on(&self, on: Date) -> u32 {
        let mut cur = self.addresses.first().map_or(0, |a| a.1);
        for (moved, a) in &self.addresses {
            if *moved <= on {
                cur = *a;
            }
        }
        cur
    }

    pub fn age(&self) -> i32 {
        self.dob.age_on(today())
    }
}

#[derive(Debug, Clone)]
pub struct World {
    pub seed: u64,
    pub n: u32,
    pub n_staff: u32,
    pub n_prac: u32,
    pub n_children: u32,
    pub n_addresses: u32,
}

impl World {
    pub fn new(seed: u64, people: u32) -> Self {
        let n_children = people * 14 / 100;
        Self {
            seed,
            n: people,
            n_staff: (people * 8 / 100).max(16),
            n_prac: (n_children / 30).max(3),
            n_children,
            n_addresses: (people / 2).max(100),
        }
    }

    fn prac_base(&self) -> u32 {
        self.n_staff
    }
    pub fn parent_base(&self) -> u32 {
        self.n_staff + self.n_prac
    }
    fn other_base(&self) -> u32 {
        self.parent_base() + 2 * self.n_children
    }
    pub fn child_base(&self) -> u32 {
        self.n - self.n_children
    }
    /// Adults who are neither staff nor practitioners: the public.
    pub fn public_range(&self) -> (u32, u32) {
        (self.parent_base(), self.child_base())
    }

    /// The id the truth file gives a person: a bijective scramble of the
    /// index, so it reveals nothing about the layout.
    pub fn person_id(&self, index: u32) -> String {
        format!("P{:016x}", mix(u64::from(index) ^ mix(self.seed)))
    }

    pub fn staff_index(&self, k: u32) -> u32 {
        k
    }
    pub fn practitioner_index(&self, j: u32) -> u32 {
        self.prac_base() + j
    }
    pub fn child_index(&self, c: u32) -> u32 {
        self.child_base() + c
    }

    pub fn kind(&self, i: u32) -> Kind {
        if i < self.prac_base() {
            Kind::Staff(i)
        } else if i < self.parent_base() {
            Kind::Practitioner(i - self.prac_base())
        } else if i < self.other_base() {
            let q = i - self.parent_base();
            let f = q / 2;
            let second = q % 2 == 1;
            match self.family(f) {
                Some(fam) if !second || fam.co_parent => Kind::Parent { family: f, second },
                _ => Kind::Adult,
            }
        } else if i < self.child_base() {
            Kind::Adult
        } else {
            Kind::Child(i - self.child_base())
        }
    }

    /// Children come in blocks of three, split into families by a per-block
    /// pattern, so a child's family and a family's children are both O(1).
    fn block_groups(&self, block: u32) -> &'static [u32] {
        const PATTERNS: [&[u32]; 4] = [&[3], &[2, 1], &[1, 2], &[1, 1, 1]];
        let mut r = Rng::for_item(self.seed, TAG_BLOCK, u64::from(block));
        PATTERNS[r.weighted(&[1, 3, 3, 5])]
    }

    /// The family (its first child's ordinal) of child `c`.
    pub fn family_of_child(&self, c: u32) -> u32 {
        let block = c / 3;
        let pos = c % 3;
        let mut start = 0;
        for g in self.block_groups(block) {
            if pos < start + g {
                return block * 3 + start;
            }
            start += g;
        }
        c
    }

    /// Child ordinals of family `f`.
    pub fn family_children(&self, f: u32) -> std::ops::Range<u32> {
        let block = f / 3;
        let pos = f % 3;
        let mut start = 0;
        for g in self.block_groups(block) {
            if start == pos {
                let s = block * 3 + start;
                return s..(s + g).min(self.n_children);
            }
            start += g;
        }
        f..f
    }

    pub fn family(&self, f: u32) -> Option<Family> {
        if f >= self.n_children || self.family_children(f).is_empty() {
            return None;
        }
        let mut r = Rng::for_item(self.seed, TAG_FAMILY, u64::from(f));
        let co_parent = r.chance(0.65);
        Some(Family {
            id: f,
            co_parent,
            married: co_parent && r.chance(0.5),
            cohabit: co_parent && r.chance(0.75),
            same_community: r.chance(0.85),
        })
    }

    pub fn parent_index(&self, f: u32, second: bool) -> u32 {
        self.parent_base() + 2 * f + u32::from(second)
    }

    pub fn staff_role(&self, k: u32) -> Role {
        if k.is_multiple_of(8) {
            return Role::Officer;
        }
        let mut r = Rng::for_item(self.seed, TAG_STAFF, u64::from(k));
        match r.weighted(&[58, 36, 6]) {
            0 => Role::Officer,
            1 => Role::PoliceStaff,
            _ => Role::Pcso,
        }
    }

    /// Staff numbers rise with hiring order, with gaps, and never collide.
    pub fn staff_no(&self, k: u32) -> String {
        let h = mix(self.seed ^ u64::from(k)) % 3;
        format!("{}", 100_000 + 3 * u64::from(k) + h)
    }

    pub fn collar_no(&self, k: u32) -> String {
        let h = mix(self.seed ^ u64::from(k) ^ 0xC0) % 2;
        format!("{}", 1000 + 2 * u64::from(k) + h)
    }

    pub fn rank(&self, k: u32) -> &'static str {
        match k {
            0 => "chief_constable",
            1..=2 if self.n_staff > 200 => "deputy_chief_constable",
            _ if k.is_multiple_of(512) => "chief_inspector",
            _ if k.is_multiple_of(64) => "inspector",
            _ if k.is_multiple_of(8) => "sergeant",
            _ => "constable",
        }
    }

    /// Teams of eight under a sergeant, eight teams under an inspector.
    pub fn line_manager(&self, k: u32) -> Option<u32> {
        if k == 0 {
            None
        } else if k.is_multiple_of(512) {
            Some(0)
        } else if k.is_multiple_of(64) {
            Some(k / 512 * 512)
        } else if k.is_multiple_of(8) {
            Some(k / 64 * 64)
        } else {
            Some(k / 8 * 8)
        }
    }

    pub fn person(&self, i: u32) -> Person {
        let kind = self.kind(i);
        match kind {
            Kind::Parent { family, second } => self.parent(i, family, second),
            Kind::Child(c) => self.child(i, c),
            _ => self.base(i, kind, None, None, None),
        }
    }

    fn parent(&self, i: u32, f: u32, second: bool) -> Person {
        let Some(fam) = self.family(f) else {
            return self.base(i, Kind::Adult, None, None, None);
        };
        let first_kind = Kind::Parent {
            family: f,
            second: false,
        };
        let first = self.base(self.parent_index(f, false), first_kind, None, None, None);
        if !second {
            let mut p = first;
            if fam.married {
                let co = self.co_parent_base(&fam, &p);
                p.birth_surname = Some(std::mem::replace(&mut p.surname, co.surname));
            }
            return p;
        }
        let mut p = self.co_parent_base(&fam, &first);
        if fam.cohabit {
            let (moved, home) = first.addresses.last().copied().unwrap_or((today(), 0));
            p.addresses.retain(|(d, _)| *d < moved);
            p.addresses.push((moved, home));
        }
        p
    }

    fn co_parent_base(&self, fam: &Family, first: &Person) -> Person {
        let idx = self.parent_index(fam.id, true);
        let comm = fam.same_community.then_some(first.community);
        let age = first.age();
        self.base(
            idx,
            Kind::Parent {
                family: fam.id,
                second: true,
            },
            comm,
            Some(!first.female),
            Some((age - 3).max(19)..=(age + 8).min(75)),
        )
    }

    fn child(&self, i: u32, c: u32) -> Person {
        let f = self.family_of_child(c);
        let fam = self.family(f);
        let p1 = self.parent(self.parent_index(f, false), f, false);
        let max_age = (p1.age() - 17).clamp(0, 17);
        let mut p = self.base(
            i,
            Kind::Child(c),
            Some(p1.community),
            None,
            Some(0..=max_age),
        );
        let mut r = Rng::for_item(self.seed, TAG_PERSON ^ 0xC411D, u64::from(i));
        let co = fam
            .filter(|f| f.co_parent)
            .map(|fam| self.co_parent_base(&fam, &p1));
        p.surname = match (&co, r.weighted(&[55, 35, 10])) {
            (Some(co), 1) => co.surname.clone(),
            (Some(co), 2) if co.surname != p1.surname => format!("{}-{}", p1.surname, co.surname),
            _ => p1.surname.clone(),
        };
        // Children live at the family home, and moved with the family.
        p.addresses = p1
            .addresses
            .iter()
            .filter(|(d, _)| *d > p.dob)
            .copied()
            .collect();
        if p.addresses.is_empty() {
            p.addresses.push((p.dob, p1.current_address()));
        } else if let Some(first) = p.addresses.first_mut() {
            first.0 = first.0.max(p.dob);
        }
        if let Some(before) = p1.addresses.iter().rev().find(|(d, _)| *d <= p.dob) {
            p.addresses.insert(0, (p.dob, before.1));
            p.addresses.dedup_by_key(|a| a.1);
        }
        p.mobile.clear();
        p.email.clear();
        if p.age() >= 13 && r.chance(0.6) {
            p.mobile = mobile(&mut r);
        }
        p
    }

    fn base(
        &self,
        i: u32,
        kind: Kind,
        forced_community: Option<u8>,
        forced_female: Option<bool>,
        age_range: Option<std::ops::RangeInclusive<i32>>,
    ) -> Person {
        let mut r = Rng::for_item(self.seed, TAG_PERSON, u64::from(i));
        let drawn_comm = names::pick_community(&mut r);
        let comm_ix = forced_community.unwrap_or(drawn_comm);
        let comm = community(comm_ix);
        let drawn_female = r.chance(match kind {
            Kind::Staff(_) => 0.42,
            Kind::Practitioner(_) => 0.8,
            Kind::Parent { second: false, .. } => 0.8,
            _ => 0.5,
        });
        let female = forced_female.unwrap_or(drawn_female);
        let range = age_range.unwrap_or_else(|| match kind {
            // Senior ranks are older: a team leader has served for years.
            Kind::Staff(k) if k.is_multiple_of(64) => 38..=60,
            Kind::Staff(k) if k.is_multiple_of(8) => 27..=62,
            Kind::Staff(_) => 20..=64,
            Kind::Practitioner(_) => 24..=63,
            Kind::Parent { .. } => 21..=52,
            Kind::Child(_) => 0..=17,
            Kind::Adult => match r.weighted(&[20, 26, 25, 18, 11]) {
                0 => 18..=29,
                1 => 30..=44,
                2 => 45..=59,
                3 => 60..=74,
                _ => 75..=92,
            },
        });
        let age = r.range(i64::from(*range.start()), i64::from(*range.end())) as i32;
        let now = today();
        let dob = now.add_days(-(age * 365 + age / 4) - r.range(1, 364) as i32);
        let first = names::first_name(&mut r, comm, female, dob.year());
        let middle = r
            .chance(0.55)
            .then(|| names::first_name(&mut r, comm, female, dob.year()))
            .filter(|m| *m != first);
        let surname = names::surname(&mut r, comm).to_string();

        let moves = r.count(0.9, 2);
        let mut addresses = Vec::with_capacity(moves as usize + 1);
        let mut moved = now.add_days(-(r.range(120, 3000) as i32));
        for _ in 0..=moves {
            addresses.push((moved, r.below(u64::from(self.n_addresses)) as u32));
            moved = moved.add_days(-(r.range(300, 3500) as i32));
        }
        addresses.reverse();
        if let Some(first) = addresses.first_mut() {
            // The oldest address is where records from long ago put them.
            first.0 = dob.add_days(18 * 365).min(first.0);
        }

        let tier_weights: &[u32] = match kind {
            Kind::Staff(_) => &[94, 6, 0],
            Kind::Practitioner(_) => &[97, 3, 0],
            Kind::Parent { .. } => &[50, 32, 18],
            Kind::Adult => &[76, 18, 6],
            Kind::Child(_) => &[82, 14, 4],
        };
        let tier = r.weighted(tier_weights) as u8;
        let mobile = if r.chance(0.92) {
            mobile(&mut r)
        } else {
            String::new()
        };
        let email = if r.chance(0.8) {
            email(&mut r, first, &surname, dob)
        } else {
            String::new()
        };
        Person {
            index: i,
            kind,
            female,
            community: comm_ix,
            first,
            middle,
            surname,
            birth_surname: None,
            dob,
            addresses,
            mobile,
            email,
            tier,
            ethnicity: names::pick_weighted(&mut r, comm.ethnicity),
            religion: names::pick_weighted(&mut r, comm.religion),
            orientation: names::pick_weighted(
                &mut r,
                &[
                    ("heterosexual", 86),
                    ("gay_or_lesbian", 3),
                    ("bisexual", 2),
                    ("other", 1),
                    ("not_stated", 8),
                ],
            ),
            disability: r.chance(0.08),
        }
    }
}

fn mobile(r: &mut Rng) -> String {
    format!("7{}{:08}", r.range(4, 9), r.below(100_000_000))
}

fn email(r: &mut Rng, first: &str, surname: &str, dob: Date) -> String {
    const PROVIDERS: &[&str] = &[
        "gmail.com",
        "hotmail.co.uk",
        "outlook.com",
        "yahoo.co.uk",
        "btinternet.com",
        "icloud.com",
        "live.co.uk",
        "sky.com",
    ];
    let f = ascii_lower(first);
    let s = ascii_lower(surname);
    let provider = PROVIDERS[r.zipf(PROVIDERS.len())];
    let yy = dob.year() % 100;
    match r.below(5) {
        0 => format!("{f}.{s}@{provider}"),
        1 => format!("{f}{s}{yy:02}@{provider}"),
        2 => format!("{}{s}@{provider}", f.chars().next().unwrap_or('x')),
        3 => format!("{f}_{s}{}@{provider}", r.below(100)),
        _ => format!("{s}.{f}{}@{provider}", r.below(10)),
    }
}

/// Lower-case ASCII letters only, as mail providers allow.
pub fn ascii_lower(s: &str) -> String {
    crate::noise::strip_diacritics(s)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

// A flat file of people for benchmarking entity resolution: the people above,
// each written once and about one in five again, one to three times, as other
// systems would have recorded them. The columns are FEBRL's, so one set of
// linkage settings serves this file and the FEBRL data sets alike.

/// Header of the benchmark file.
pub const PEOPLE_CSV_HEADER: &str = "rec_id,given_name,surname,street_number,address_1,address_2,suburb,postcode,state,date_of_birth,soc_sec_id";

const TAG_RECORD: u64 = 5;
const TAG_ORDER: u64 = 6;
const TAG_CHOSEN: u64 = 7;
const TAG_RENAME: u64 = 8;

/// Duplicated people come in groups of ten holding fifteen extra records:
/// six people once more, three twice more and one three times more, so one
/// person in five has duplicates and the layout needs no table.
const DUP_SLOTS: [(u64, u64); 15] = [
    (0, 1),
    (1, 1),
    (2, 1),
    (3, 1),
    (4, 1),
    (5, 1),
    (6, 1),
    (6, 2),
    (7, 1),
    (7, 2),
    (8, 1),
    (8, 2),
    (9, 1),
    (9, 2),
    (9, 3),
];

/// A mapping that loads the file [`write_people_csv`] writes, for tests and
/// benchmarks that resolve people through a data directory.
pub const PEOPLE_MAPPING: &str = include_str!("../mappings/people.toml");

/// What [`write_people_csv`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeopleCsv {
    /// `people.csv`, with [`PEOPLE_CSV_HEADER`].
    pub people: PathBuf,
    /// `truth.csv`: `rec_id,person_id`, one row per record, in file order.
    pub truth: PathBuf,
    pub records: u64,
    /// Distinct real people behind the records.
    pub persons: u64,
}

/// A seeded bijection on `0..n`: a Feistel network over the next even power
/// of two, walking the cycle until it lands inside the range.
#[derive(Debug, Clone, Copy)]
struct Shuffle {
    n: u64,
    half_bits: u32,
    key: u64,
}

impl Shuffle {
    fn new(n: u64, key: u64) -> Self {
        let bits = 64 - n.max(2).saturating_sub(1).leading_zeros();
        Self {
            n,
            half_bits: bits.div_ceil(2).max(1),
            key,
        }
    }

    fn apply(&self, mut x: u64) -> u64 {
        let mask = (1u64 << self.half_bits) - 1;
        loop {
            let (mut l, mut r) = (x >> self.half_bits, x & mask);
            for round in 0..4u64 {
                let f = mix(self.key ^ mix(r ^ (round << 56))) & mask;
                (l, r) = (r, l ^ f);
            }
            x = (l << self.half_bits) | r;
            if x < self.n {
                return x;
            }
        }
    }
}

/// Writes `people.csv` and `truth.csv` with `records` rows into `dir`
/// (created if missing), one record at a time.
///
/// # Errors
/// [`DemoError::Scale`] when `records` is outside
/// [`crate::PEOPLE_MIN`]..=[`crate::PEOPLE_MAX`]; [`DemoError::Io`] when a
/// file cannot be written.
pub fn write_people_csv(seed: u64, records: usize, dir: &Path) -> Result<PeopleCsv, DemoError> {
    if !(crate::PEOPLE_MIN..=crate::PEOPLE_MAX).contains(&records) {
        return Err(DemoError::Scale(records));
    }
    std::fs::create_dir_all(dir).map_err(|e| crate::out::io(dir, e))?;
    let n = records as u64;
    // 13 records for every 10 people: 10 originals and 3 duplicates.
    let persons = (n * 10).div_ceil(13);
    let world = World::new(
        seed,
        u32::try_from(persons).map_err(|_| DemoError::Scale(records))?,
    );
    let order = Shuffle::new(n, mix(seed ^ TAG_ORDER));
    let chosen = Shuffle::new(persons, mix(seed ^ TAG_CHOSEN));

    let people_path = dir.join("people.csv");
    let truth_path = dir.join("truth.csv");
    let mut people = BufWriter::with_capacity(1 << 20, crate::out::create(&people_path)?);
    let mut truth = BufWriter::with_capacity(1 << 20, crate::out::create(&truth_path)?);
    let err_p = |e| crate::out::io(&people_path, e);
    let err_t = |e| crate::out::io(&truth_path, e);
    writeln!(people, "{PEOPLE_CSV_HEADER}").map_err(err_p)?;
    writeln!(truth, "rec_id,person_id").map_err(err_t)?;
    let mut line = String::with_capacity(256);
    for pos in 0..n {
        // Records come in a scrambled order, so row order says nothing about
        // who is who.
        let ordinal = order.apply(pos);
        let (person, copy) = if ordinal < persons {
            (ordinal, 0)
        } else {
            let q = ordinal - persons;
            let (j, copy) = DUP_SLOTS[(q % 15) as usize];
            (q / 15 * 10 + j, copy)
        };
        // Which people have duplicates must not depend on where they sit in
        // the world's layout (staff first, children last).
        let index = chosen.apply(person) as u32;
        let p = world.person(index);
        line.clear();
        record_line(&world, &p, copy, &mut line);
        writeln!(people, "rec-{pos},{line}").map_err(err_p)?;
        writeln!(truth, "rec-{pos},{}", world.person_id(index)).map_err(err_t)?;
    }
    people.flush().map_err(err_p)?;
    truth.flush().map_err(err_t)?;
    Ok(PeopleCsv {
        people: people_path,
        truth: truth_path,
        records: n,
        persons,
    })
}

/// A UK National Insurance number, unique per person: an affine bijection
/// of the index onto 400 prefixes of six digits, so no two people share one.
fn ni_number(seed: u64, index: u32) -> String {
    const PREFIX: &[u8] = b"ABCEGHJKLMNPRSTWXYZ";
    const SPACE: u64 = 19 * 19 * 1_000_000;
    let n = (u64::from(index) * 2_654_435_761 + mix(seed) % SPACE) % SPACE;
    let (prefix, digits) = (n / 1_000_000, n % 1_000_000);
    let a = PREFIX[(prefix / 19) as usize] as char;
    let b = PREFIX[(prefix % 19) as usize] as char;
    let suffix = b"ABCD"[(mix(seed ^ u64::from(index)) % 4) as usize] as char;
    format!("{a}{b}{digits:06}{suffix}")
}

/// Swaps two neighbouring digits, the commonest slip in keying a number.
fn transpose_digits(r: &mut Rng, s: &str) -> String {
    let mut cs: Vec<char> = s.chars().collect();
    let at: Vec<usize> = (1..cs.len())
        .filter(|&i| cs[i].is_ascii_digit() && cs[i - 1].is_ascii_digit() && cs[i] != cs[i - 1])
        .collect();
    if !at.is_empty() {
        let i = at[r.below_usize(at.len())];
        cs.swap(i - 1, i);
    }
    cs.into_iter().collect()
}

/// The first name a child goes by: parents do not give a child the name of
/// a parent or of an older sibling, which the world's independent draws
/// sometimes do, and which would make family members indistinguishable.
fn family_first(w: &World, p: &Person) -> &'static str {
    let Kind::Child(c) = p.kind else {
        return p.first;
    };
    let f = w.family_of_child(c);
    let mut taken = vec![w.person(w.parent_index(f, false)).first];
    if w.family(f).is_some_and(|fam| fam.co_parent) {
        taken.push(w.person(w.parent_index(f, true)).first);
    }
    for s in w.family_children(f).take_while(|s| *s < c) {
        taken.push(family_first(w, &w.person(w.child_index(s))));
    }
    if !taken.contains(&p.first) {
        return p.first;
    }
    let mut r = Rng::for_item(w.seed, TAG_RENAME, u64::from(p.index));
    for _ in 0..32 {
        let n = names::first_name(&mut r, p.community(), p.female, p.dob.year());
        if !taken.contains(&n) {
            return n;
        }
    }
    p.first
}

/// One record of person `p` after the record id: copy 0 is the person as a
/// careful system holds them, later copies as other systems do, with the
/// errors those make.
fn record_line(w: &World, p: &Person, copy: u64, out: &mut String) {
    use std::fmt::Write as _;

    let mut r = Rng::for_item(w.seed, TAG_RECORD, (u64::from(p.index) << 2) | copy);
    let dup = copy > 0;
    let first = family_first(w, p);
    let missing = |r: &mut Rng, original: f64, duplicate: f64| {
        r.chance(if dup { duplicate } else { original })
    };

    let given = if missing(&mut r, 0.01, 0.03) {
        String::new()
    } else if dup && r.chance(0.02) && p.middle.is_some() {
        // Known by the middle name.
        p.middle.unwrap_or(first).to_string()
    } else if dup {
        crate::noise::first_name(&mut r, first, 0.15, 0.08)
    } else {
        first.to_string()
    };

    let surname = if missing(&mut r, 0.005, 0.02) {
        String::new()
    } else if dup {
        let held = match &p.birth_surname {
            Some(birth) if r.chance(0.5) => birth.as_str(),
            _ => p.surname.as_str(),
        };
        crate::noise::surname(&mut r, held, 0.08)
    } else {
        p.surname.clone()
    };

    // A duplicate may come from before a move, or after one the original
    // has not caught up with.
    let address_ix = if dup && r.chance(0.2) {
        let earlier: Vec<u32> = p
            .addresses
            .iter()
            .map(|a| a.1)
            .filter(|a| *a != p.current_address())
            .collect();
        if earlier.is_empty() || r.chance(0.3) {
            r.below(u64::from(w.n_addresses)) as u32
        } else {
            earlier[r.below_usize(earlier.len())]
        }
    } else {
        p.current_address()
    };
    let a = crate::places::address(w.seed, address_ix);
    let number = if missing(&mut r, 0.01, 0.05) {
        String::new()
    } else {
        a.number.to_string()
    };
    let street = if dup && r.chance(0.05) {
        crate::noise::typo(&mut r, &a.street)
    } else if missing(&mut r, 0.005, 0.03) {
        String::new()
    } else {
        a.street.clone()
    };
    let flat = match a.flat {
        Some(f) if !missing(&mut r, 0.05, 0.3) => format!("Flat {f}"),
        _ => String::new(),
    };
    let town = if missing(&mut r, 0.01, 0.04) {
        ""
    } else {
        a.town
    };
    let postcode = if missing(&mut r, 0.01, 0.05) {
        String::new()
    } else if dup && r.chance(0.02) {
        crate::noise::typo(&mut r, &a.postcode)
    } else {
        crate::noise::postcode(&mut r, &a.postcode, if dup { 0.1 } else { 0.02 })
    };
    let county = if missing(&mut r, 0.02, 0.1) {
        ""
    } else {
        crate::places::COUNTY
    };

    let dob = if dup {
        crate::noise::dob(&mut r, p.dob, 0.04, 0.1)
    } else {
        crate::noise::dob(&mut r, p.dob, 0.01, 0.0)
    };
    let dob = dob.map(Date::compact).unwrap_or_default();

    // Children have no number yet; many systems never ask for it.
    let ni = if p.age() < 16 || missing(&mut r, 0.15, 0.3) {
        String::new()
    } else if dup && r.chance(0.03) {
        transpose_digits(&mut r, &ni_number(w.seed, p.index))
    } else {
        ni_number(w.seed, p.index)
    };

    let f = |s: &str| crate::out::csv_field(s, b',').into_owned();
    let _ = write!(
        out,
        "{},{},{number},{},{},{},{},{},{dob},{ni}",
        f(&given),
        f(&surname),
        f(&street),
        f(&flat),
        f(town),
        f(&postcode),
        f(county),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_are_consistent() {
        let w = World::new(9, 3000);
        for c in 0..w.n_children {
            let f = w.family_of_child(c);
            assert!(w.family_children(f).contains(&c), "child {c} family {f}");
            assert!(w.family(f).is_some());
            let child = w.person(w.child_index(c));
            let parent = w.person(w.parent_index(f, false));
            assert!(child.age() <= 17);
            assert!(
                parent.age() >= child.age() + 16,
                "{} {}",
                parent.age(),
                child.age()
            );
            assert_eq!(child.current_address(), parent.current_address());
        }
    }

    #[test]
    fn people_are_pure_functions_of_the_seed() {
        let w = World::new(3, 1000);
        let a = w.person(500);
        let b = w.person(500);
        assert_eq!((a.first, &a.surname), (b.first, &b.surname));
        assert_eq!(a.dob, b.dob);
        assert_ne!(w.person_id(1), w.person_id(2));
    }
}
