//! Northshire: a fictional county, its towns, streets and postcodes. An
//! address is a pure function of its index, so any record can name one
//! without a table in memory.

use crate::rng::{Rng, mix};

pub const COUNTY: &str = "Northshire";

/// Town, relative size, and the postcode districts it covers.
#[derive(Debug, Clone, Copy)]
pub struct Town {
    pub name: &'static str,
    pub weight: u32,
}

pub const TOWNS: &[Town] = &[
    Town {
        name: "Hallbridge",
        weight: 30,
    },
    Town {
        name: "Kingsmoor",
        weight: 16,
    },
    Town {
        name: "Carrow",
        weight: 11,
    },
    Town {
        name: "Brackenford",
        weight: 9,
    },
    Town {
        name: "Eastholme",
        weight: 7,
    },
    Town {
        name: "Wexcombe",
        weight: 6,
    },
    Town {
        name: "Thornley Vale",
        weight: 5,
    },
    Town {
        name: "Saltmarsh",
        weight: 4,
    },
    Town {
        name: "Ashby Fenton",
        weight: 4,
    },
    Town {
        name: "Marston Ferrers",
        weight: 3,
    },
    Town {
        name: "Llanfair Isaf",
        weight: 2,
    },
    Town {
        name: "Cold Aston",
        weight: 3,
    },
];

const STEMS: &[&str] = &[
    "High",
    "Church",
    "Station",
    "Mill",
    "Victoria",
    "Albert",
    "Queen",
    "King",
    "Park",
    "Manor",
    "School",
    "North",
    "South",
    "West",
    "Chapel",
    "Green",
    "Windsor",
    "York",
    "Grange",
    "Oak",
    "Beech",
    "Elm",
    "Ash",
    "Willow",
    "Hawthorn",
    "Meadow",
    "Orchard",
    "Springfield",
    "Highfield",
    "Brook",
    "Bridge",
    "Castle",
    "Market",
    "Hill",
    "Moor",
    "Heather",
    "Bracken",
    "Fern",
    "Sycamore",
    "Rowan",
    "Cedar",
    "Laburnum",
    "Lime",
    "Holly",
    "Ivy",
    "Primrose",
    "Bluebell",
    "Foxglove",
    "Kestrel",
    "Heron",
    "Wren",
    "Linnet",
    "Lark",
    "Canal",
    "Wharf",
    "Forge",
    "Tanner",
    "Weaver",
    "Cooper",
    "Fletcher",
    "Coronation",
    "Jubilee",
    "Balmoral",
    "Stanley",
    "Gladstone",
    "Nelson",
    "Wellington",
    "Cromwell",
    "Milton",
    "Shakespeare",
    "Tennyson",
    "Wordsworth",
    "Brontë",
    "Ruskin",
    "Fairfax",
    "Thornhill",
    "Westfield",
    "Eastfield",
    "Longlands",
    "Broadway",
    "Newlands",
    "Riverside",
    "Lakeside",
    "Hillside",
    "Woodside",
    "Fieldhead",
    "Moorside",
    "Saint Mary's",
    "Saint John's",
    "Cae Mawr",
    "Heol Las",
    "Pen y Bryn",
];

const SUFFIXES: &[&str] = &[
    "Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent", "Court", "Gardens",
    "Terrace", "Grove", "Place", "Walk", "View", "Rise",
];

/// Number of postcode districts in the county's fictional `NX` area.
const DISTRICTS: u32 = 24;
/// Letters allowed in the last two places of a postcode (not C I K M O V).
const UNIT_LETTERS: &[u8] = b"ABDEFGHJLNPQRSTUWXYZ";
/// Houses on one street, and per postcode unit.
const HOUSES_PER_STREET: u32 = 36;
const HOUSES_PER_UNIT: u32 = 18;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub index: u32,
    pub uprn: u64,
    pub flat: Option<u32>,
    pub number: u32,
    pub street: String,
    pub town: &'static str,
    pub postcode: String,
}

impl Address {
    pub fn line1(&self) -> String {
        match self.flat {
            Some(f) => format!("Flat {f}, {} {}", self.number, self.street),
            None => format!("{} {}", self.number, self.street),
        }
    }

    /// One line, as most systems that hold a free-text address have it.
    pub fn one_line(&self) -> String {
        format!("{}, {}", self.line1(), self.town)
    }
}

/// The town that holds a postcode district.
fn district_town(district: u32) -> &'static str {
    // Hallbridge gets the most districts, as the biggest town would.
    let weights: Vec<u32> = TOWNS.iter().map(|t| t.weight).collect();
    let total: u32 = weights.iter().sum();
    let mut pos = (district * total) / DISTRICTS;
    for t in TOWNS {
        if pos < t.weight {
            return t.name;
        }
        pos -= t.weight;
    }
    TOWNS[0].name
}

fn postcode(unit: u32) -> String {
    let district = unit % DISTRICTS;
    let rest = unit / DISTRICTS;
    let letters = UNIT_LETTERS.len() as u32;
    let per_sector = letters * letters;
    let per_area = per_sector * 10;
    // Spread units over sectors and letters (a bijection within an area),
    // rather than filling 0AA, 0AB, ... in order.
    let spread = (rest % per_area) * 7919 % per_area;
    let sector = spread / per_sector;
    let l = spread % per_sector;
    // Past one area's units (millions of people) spill into a second area.
    let area = if rest / per_area == 0 { "NX" } else { "NQ" };
    let a = UNIT_LETTERS[(l / letters) as usize] as char;
    let b = UNIT_LETTERS[(l % letters) as usize] as char;
    format!("{area}{} {sector}{a}{b}", district + 1)
}

pub fn address(seed: u64, index: u32) -> Address {
    let street_ix = index / HOUSES_PER_STREET;
    let house = index % HOUSES_PER_STREET;
    let mut srng = Rng::for_item(seed, 0x5742, u64::from(street_ix));
    let name = format!(
        "{} {}",
        STEMS[srng.below_usize(STEMS.len())],
        SUFFIXES[srng.zipf(SUFFIXES.len())]
    );
    let first_unit = street_ix * (HOUSES_PER_STREET / HOUSES_PER_UNIT);
    let unit = first_unit + house / HOUSES_PER_UNIT;
    let district = unit % DISTRICTS;
    let flats = srng.chance(0.15);
    let (flat, number) = if flats {
        (Some(house % 12 + 1), house / 12 * 2 + 1)
    } else {
        (None, house + 1)
    };
    Address {
        index,
        // Odd multiplier and xor: a bijection on u32, so UPRNs never collide.
        uprn: 100_000_000_000 + u64::from(index.wrapping_mul(0x9E37_79B1) ^ (mix(seed) as u32)),
        flat,
        number,
        street: name,
        town: district_town(district),
        postcode: postcode(unit),
    }
}

pub const STATIONS: &[&str] = &[
    "Hallbridge Central",
    "Hallbridge North",
    "Kingsmoor",
    "Carrow",
    "Brackenford",
    "Eastholme",
    "Wexcombe",
    "Thornley Vale",
    "Saltmarsh",
    "Force Headquarters, Ashby Fenton",
];

pub const UNITS: &[&str] = &[
    "Response Team A",
    "Response Team B",
    "Response Team C",
    "Response Team D",
    "Neighbourhood Policing",
    "CID",
    "Public Protection Unit",
    "Roads Policing",
    "Custody",
    "Force Control Room",
    "Professional Standards",
    "Intelligence Unit",
    "Economic Crime",
    "Firearms Support",
    "Training",
];

pub const STAFF_UNITS: &[&str] = &[
    "Force Control Room",
    "People Services",
    "Finance",
    "Digital Services",
    "Intelligence Unit",
    "Custody",
    "Front Counter",
    "Criminal Justice Unit",
    "Professional Standards",
    "Estates",
    "Neighbourhood Policing",
];

pub const SCHOOLS: &[&str] = &[
    "Hallbridge Academy",
    "St Mary's Catholic Primary School",
    "Kingsmoor High School",
    "Carrow Community Primary",
    "Brackenford Church of England Primary",
    "Eastholme Academy",
    "Wexcombe Grammar School",
    "Thornley Vale Primary",
    "Saltmarsh Junior School",
    "Ashby Fenton Infant School",
    "Marston Ferrers Free School",
    "Northshire Pupil Referral Unit",
    "Hallbridge Park Primary",
    "Al-Noor Primary School",
    "Moorside Special School",
];

pub const HEALTH_SETTINGS: &[&str] = &[
    "the GP surgery",
    "the health visitor",
    "CAMHS",
    "the school nurse",
    "the dentist",
    "the community paediatrician",
    "Hallbridge General Hospital",
    "the speech and language therapist",
    "the optician",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_stable_and_distinct_postcode_units() {
        let a = address(1, 10);
        assert_eq!(a, address(1, 10));
        assert!(a.postcode.starts_with("NX"));
        let b = address(1, 10 + HOUSES_PER_UNIT);
        assert_ne!(a.postcode, b.postcode);
    }
}
