//! Properties that must hold for every input.
#![allow(clippy::unwrap_used, clippy::panic)]

use clearstone_text::similarity::levenshtein_within;
use clearstone_text::{Date, Postcode, fold};
use proptest::prelude::*;

const FIRST: &str = "ABCDEFGHIJKLMNOPRSTUWYZ";
const SECOND: &str = "ABCDEFGHKLMNOPQRSTUVWXY";
const THIRD: &str = "ABCDEFGHJKPSTUW";
const FOURTH: &str = "ABEHMNPRVWXY";
const INWARD: &str = "ABDEFGHJLNPQRSTUWXYZ";

fn letter(set: &'static str) -> impl Strategy<Value = char> {
    prop::sample::select(set.chars().collect::<Vec<_>>())
}

fn digit() -> impl Strategy<Value = char> {
    prop::char::range('0', '9')
}

/// Postcodes in every valid shape, written compactly.
fn postcode() -> impl Strategy<Value = String> {
    let outward = prop_oneof![
        (letter(FIRST), digit()).prop_map(|(a, n)| format!("{a}{n}")),
        (letter(FIRST), digit(), digit()).prop_map(|(a, n, m)| format!("{a}{n}{m}")),
        (letter(FIRST), digit(), letter(THIRD)).prop_map(|(a, n, x)| format!("{a}{n}{x}")),
        (letter(FIRST), letter(SECOND), digit()).prop_map(|(a, b, n)| format!("{a}{b}{n}")),
        (letter(FIRST), letter(SECOND), digit(), digit())
            .prop_map(|(a, b, n, m)| format!("{a}{b}{n}{m}")),
        (letter(FIRST), letter(SECOND), digit(), letter(FOURTH))
            .prop_map(|(a, b, n, x)| format!("{a}{b}{n}{x}")),
    ];
    (outward, digit(), letter(INWARD), letter(INWARD))
        .prop_map(|(o, n, x, y)| format!("{o}{n}{x}{y}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn fold_is_idempotent(s in any::<String>()) {
        let once = fold(&s);
        prop_assert_eq!(fold(&once), once);
    }

    #[test]
    fn fold_output_has_no_stray_spaces(s in any::<String>()) {
        let folded = fold(&s);
        prop_assert!(!folded.starts_with(' ') && !folded.ends_with(' '));
        prop_assert!(!folded.contains("  "));
    }

    #[test]
    fn date_round_trips_through_days(days in -719_162_i64..=2_932_896) {
        let date = Date::from_days(days).unwrap();
        prop_assert_eq!(date.days_since_epoch(), days);
        prop_assert_eq!(Date::from_days(date.days_since_epoch()).unwrap(), date);
    }

    #[test]
    fn valid_dates_round_trip(year in 1_i32..=9999, month in 1_u8..=12, day in 1_u8..=31) {
        if let Ok(date) = Date::new(year, month, day) {
            prop_assert_eq!(Date::from_days(date.days_since_epoch()).unwrap(), date);
            prop_assert_eq!(Date::parse_iso(&date.to_string()).unwrap(), date);
        }
    }

    #[test]
    fn postcode_display_round_trips(compact in postcode(), lower in any::<bool>()) {
        let written = if lower { compact.to_lowercase() } else { compact.clone() };
        let parsed = Postcode::parse(&written).unwrap();
        let shown = parsed.to_string();
        prop_assert_eq!(shown.replace(' ', ""), compact);
        prop_assert_eq!(Postcode::parse(&shown).unwrap(), parsed);
    }

    #[test]
    fn levenshtein_within_agrees_with_full_distance(
        a in "[a-dé]{0,8}",
        b in "[a-dé]{0,8}",
        k in 0_usize..5,
    ) {
        prop_assert_eq!(levenshtein_within(&a, &b, k), strsim::levenshtein(&a, &b) <= k);
    }
}
