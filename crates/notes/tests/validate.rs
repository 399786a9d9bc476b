//! Identifier validators against known-good and known-bad values (issue 19,
//! "tests that must exist").
#![allow(clippy::unwrap_used, clippy::panic)]

use clearstone_notes::validate::{email, nhs_number, ni_number, phone, postcode, vehicle_reg};

#[test]
fn nhs_numbers_pass_mod_11_and_placeholders_fail() {
    for (good, normal) in [
        ("9434765919", "943 476 5919"),
        ("943 476 5919", "943 476 5919"),
        ("943-476-5919", "943 476 5919"),
        ("4010232137", "401 023 2137"),
        ("450 557 7104", "450 557 7104"),
        ("485 777 3457", "485 777 3457"),
    ] {
        assert_eq!(nhs_number(good).as_deref(), Some(normal), "{good}");
    }
    for bad in [
        "9434765918",   // wrong check digit
        "1234567890",   // check digit would be 10: never issued
        "1234567891",   // likewise
        "4444444444",   // passes mod 11, but all one digit
        "9999999999",   // likewise
        "943476591",    // nine digits
        "94347659190",  // eleven
        "943 4765 919", // wrong grouping
        "943 476-5919", // mixed separators
        "943A765919",   // a letter
    ] {
        assert_eq!(nhs_number(bad), None, "{bad}");
    }
}

#[test]
fn ni_numbers_follow_the_prefix_and_suffix_rules() {
    for (good, normal) in [
        ("AB123456C", "AB 12 34 56 C"),
        ("ab 12 34 56 c", "AB 12 34 56 C"),
        ("JG103759A", "JG 10 37 59 A"),
        ("ZA123456D", "ZA 12 34 56 D"),
        ("AB123456", "AB 12 34 56"),
    ] {
        assert_eq!(ni_number(good).as_deref(), Some(normal), "{good}");
    }
    for bad in [
        "DA123456A",
        "FA123456A",
        "IA123456A",
        "QQ123456C",
        "UA123456A",
        "VA123456A", // first letter
        "AD123456A",
        "AF123456A",
        "AI123456A",
        "AQ123456A",
        "AU123456A",
        "AV123456A", // second letter
        "AO123456A", // O second
        "BG123456A",
        "GB123456A",
        "KN123456A",
        "NK123456A",
        "NT123456A",
        "TN123456A",
        "ZZ123456A",
        "AB123456E", // suffix past D
        "AB12345C",  // five digits
        "AB1234567C",
        "A1123456C",
    ] {
        assert_eq!(ni_number(bad), None, "{bad}");
    }
}

#[test]
fn vehicle_registrations_in_every_form() {
    for (good, normal) in [
        ("AB12 CDE", "AB12 CDE"),
        ("ab12cde", "AB12 CDE"),
        ("YX71 OKE", "YX71 OKE"),
        ("LB07 SEO", "LB07 SEO"),
        ("A123 BCD", "A123 BCD"),
        ("P7 ABC", "P7 ABC"),
        ("ABC 123D", "ABC 123D"),
        ("ABC 1D", "ABC 1D"),
        ("ABC 123", "ABC 123"),
        ("1234 AB", "1234 AB"),
        ("ABZ 1234", "ABZ 1234"),
    ] {
        assert_eq!(vehicle_reg(good).as_deref(), Some(normal), "{good}");
    }
    for bad in [
        "AB00 CDE", // no age identifier 00
        "AB01 CDE", // 01 was never issued
        "AB45 CDE", // between the March and September ranges
        "QB12 CDE", // Q never in the area code
        "AI12 CDE", "AB12 CQE", // Q never in the random letters
        "I123 BCD", // I never a year letter
        "O123 BCD", "A023 BCD", // leading zero
        "ABC 123U", // U never a year letter
        "ABCD 123", "12345 AB", "AB12 CD", "AB12-CDE",
    ] {
        assert_eq!(vehicle_reg(bad), None, "{bad}");
    }
}

#[test]
fn postcodes_phones_and_emails_through_the_text_crate() {
    assert_eq!(postcode("sw1a1aa").as_deref(), Some("SW1A 1AA"));
    assert_eq!(postcode("NE1 4XY").as_deref(), Some("NE1 4XY"));
    for bad in ["QA1 1AA", "SW1A 1AC", "NE1 4X", "12345"] {
        assert_eq!(postcode(bad), None, "{bad}");
    }
    assert_eq!(phone("07700 900123").as_deref(), Some("+447700900123"));
    assert_eq!(
        phone("+44 (0)161 496 0000").as_deref(),
        Some("+441614960000")
    );
    for bad in ["0770090012", "07700 9001234", "04000 000000", "ext 123"] {
        assert_eq!(phone(bad), None, "{bad}");
    }
    assert_eq!(
        email(" Kelly.Hughes@Example.org ").as_deref(),
        Some("kelly.hughes@example.org")
    );
    for bad in [
        "kelly@",
        "@example.org",
        "kelly hughes@example.org",
        "kelly@example",
    ] {
        assert_eq!(email(bad), None, "{bad}");
    }
}
