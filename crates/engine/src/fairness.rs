//! The arithmetic of the fairness reports, as pure functions: selection
//! rates with Wilson score intervals, impact ratios (the four-fifths rule)
//! with Katz log intervals, age bands and small-cell suppression. The
//! reports that read people through the gate are in `fairness_report.rs`.

/// A cell (a count of people) under this is not published: a small count
/// beside a unit or a group can name the person it counts.
pub const PUBLISHED_CELL_MIN: u64 = 10;

/// A group's selection rate under this share of the highest group's is an
/// adverse impact (the four-fifths rule of the US Uniform Guidelines,
/// 29 CFR 1607.4(D), used as a screening figure here too).
pub const FOUR_FIFTHS: f64 = 0.8;

/// The normal quantile for two-sided 95% intervals.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// How many people of one group a rule flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCount {
    pub group: String,
    pub flagged: u64,
    pub people: u64,
}

/// A two-sided interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// One group's figures against the group with the highest selection rate.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupImpact {
    pub group: String,
    pub flagged: u64,
    pub people: u64,
    /// `flagged / people`.
    pub rate: f64,
    /// Wilson score interval of the rate.
    pub rate_interval: Interval,
    /// This group's rate over the highest group's (1.0 for that group).
    pub ratio: f64,
    /// Katz log interval of the ratio.
    pub ratio_interval: Interval,
    /// Whether the ratio is under [`FOUR_FIFTHS`].
    pub adverse: bool,
}

/// The Wilson score interval for `k` successes in `n` trials: unlike the
/// normal approximation it stays inside [0, 1] and behaves at 0 and `n`.
pub fn wilson(k: u64, n: u64, z: f64) -> Interval {
    if n == 0 {
        return Interval {
            low: 0.0,
            high: 1.0,
        };
    }
    let n = n as f64;
    let p = k as f64 / n;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Interval {
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    }
}

/// The ratio of two rates `a/n1` over `c/n2` with the Katz log interval:
/// `exp(ln(RR) ± z·sqrt(1/a − 1/n1 + 1/c − 1/n2))`. A zero count makes the
/// logarithm undefined, so then every cell of the 2×2 table gets 0.5
/// (Haldane–Anscombe) for the interval; the ratio itself stays exact.
pub fn rate_ratio(a: u64, n1: u64, c: u64, n2: u64, z: f64) -> (f64, Interval) {
    let rate = |k: u64, n: u64| if n == 0 { 0.0 } else { k as f64 / n as f64 };
    let (r1, r2) = (rate(a, n1), rate(c, n2));
    let ratio = if r2 > 0.0 { r1 / r2 } else { 0.0 };
    if n1 == 0 || n2 == 0 {
        return (
            ratio,
            Interval {
                low: 0.0,
                high: f64::INFINITY,
            },
        );
    }
    let (a, n1, c, n2) = if a == 0 || c == 0 {
        (
            a as f64 + 0.5,
            n1 as f64 + 1.0,
            c as f64 + 0.5,
            n2 as f64 + 1.0,
        )
    } else {
        (a as f64, n1 as f64, c as f64, n2 as f64)
    };
    let log_ratio = ((a / n1) / (c / n2)).ln();
    let se = (1.0 / a - 1.0 / n1 + 1.0 / c - 1.0 / n2).max(0.0).sqrt();
    (
        ratio,
        Interval {
            low: (log_ratio - z * se).exp(),
            high: (log_ratio + z * se).exp(),
        },
    )
}

/// Each group's rate and impact ratio against the group with the highest
/// rate (groups with no people take no part). Ratios are computed for every
/// group, small or not: the activation check needs them all; publication
/// suppresses small cells afterwards ([`published`]).
pub fn impacts(groups: &[GroupCount]) -> Vec<GroupImpact> {
    let rate = |g: &GroupCount| g.flagged as f64 / g.people as f64;
    let top = groups
        .iter()
        .filter(|g| g.people > 0)
        .max_by(|a, b| rate(a).total_cmp(&rate(b)));
    groups
        .iter()
        .filter(|g| g.people > 0)
        .map(|g| {
            let (ratio, ratio_interval) = match top {
                Some(t) if t.flagged > 0 => {
                    rate_ratio(g.flagged, g.people, t.flagged, t.people, Z_95)
                }
                // Nobody flagged: every group is treated alike.
                _ => (
                    1.0,
                    Interval {
                        low: 1.0,
                        high: 1.0,
                    },
                ),
            };
            GroupImpact {
                group: g.group.clone(),
                flagged: g.flagged,
                people: g.people,
                rate: rate(g),
                rate_interval: wilson(g.flagged, g.people, Z_95),
                ratio,
                ratio_interval,
                adverse: ratio < FOUR_FIFTHS,
            }
        })
        .collect()
}

/// Whether any group's impact ratio is under four-fifths.
pub fn any_adverse(impacts: &[GroupImpact]) -> bool {
    impacts.iter().any(|i| i.adverse)
}

/// Whether a count may be published: zero (nobody to name) or at least
/// [`PUBLISHED_CELL_MIN`].
pub fn publishable(count: u64) -> bool {
    count == 0 || count >= PUBLISHED_CELL_MIN
}

/// A group's figures as published: `None` for each figure that a small
/// cell would give away (a rate from a small count gives the count back).
#[derive(Debug, Clone, PartialEq)]
pub struct PublishedImpact {
    pub group: String,
    pub flagged: Option<u64>,
    pub people: Option<u64>,
    pub rate: Option<f64>,
    pub rate_interval: Option<Interval>,
    pub ratio: Option<f64>,
    pub ratio_interval: Option<Interval>,
    pub adverse: Option<bool>,
}

/// `impacts` with small cells suppressed. A group of fewer than
/// [`PUBLISHED_CELL_MIN`] people shows nothing; a small flagged count hides
/// the count and everything computed from it. The groups of a table add up
/// to totals that are published (or shown whole in another table), so a
/// column with one cell suppressed would give it back by subtraction: the
/// smallest other cell of that column is suppressed with it.
pub fn published(impacts: &[GroupImpact]) -> Vec<PublishedImpact> {
    let mut people_ok: Vec<bool> = impacts
        .iter()
        .map(|i| i.people >= PUBLISHED_CELL_MIN)
        .collect();
    complement(&mut people_ok, &|k| impacts.get(k).map_or(0, |i| i.people));
    let mut flagged_ok: Vec<bool> = impacts
        .iter()
        .zip(&people_ok)
        .map(|(i, ok)| *ok && publishable(i.flagged))
        .collect();
    complement(&mut flagged_ok, &|k| {
        impacts.get(k).map_or(0, |i| i.flagged)
    });
    // A ratio is a rate over the reference group's rate, so a ratio beside
    // a published rate gives the reference rate back: ratios are shown only
    // when the reference group's own figures are.
    let reference_shown = impacts
        .iter()
        .zip(&flagged_ok)
        .any(|(i, ok)| (i.ratio - 1.0).abs() < f64::EPSILON && *ok);
    impacts
        .iter()
        .zip(people_ok.iter().zip(&flagged_ok))
        .map(|(i, (people_ok, flagged_ok))| {
            let (people_ok, flagged_ok) = (*people_ok, *flagged_ok);
            let ratio_ok = flagged_ok && reference_shown;
            PublishedImpact {
                group: i.group.clone(),
                flagged: flagged_ok.then_some(i.flagged),
                people: people_ok.then_some(i.people),
                rate: flagged_ok.then_some(i.rate),
                rate_interval: flagged_ok.then_some(i.rate_interval),
                ratio: ratio_ok.then_some(i.ratio),
                ratio_interval: ratio_ok.then_some(i.ratio_interval),
                adverse: ratio_ok.then_some(i.adverse),
            }
        })
        .collect()
}

/// When exactly one cell of a column is suppressed, also suppresses the
/// smallest shown one (`value` gives each cell's count), so that no total
/// gives a suppressed cell back.
fn complement(shown: &mut [bool], value: &dyn Fn(usize) -> u64) {
    if shown.iter().filter(|ok| !**ok).count() != 1 {
        return;
    }
    let smallest = shown
        .iter()
        .enumerate()
        .filter(|(_, ok)| **ok)
        .min_by_key(|(k, _)| value(*k))
        .map(|(k, _)| k);
    if let Some(cell) = smallest.and_then(|k| shown.get_mut(k)) {
        *cell = false;
    }
}

/// The age band of someone born on `birth` (`YYYY-MM-DD`) on `on`, in the
/// bands workforce equality reports use; `not_known` for a date that does
/// not read.
pub fn age_band(birth: &str, on: &str) -> &'static str {
    let parts = |d: &str| -> Option<(i32, u32, u32)> {
        let mut it = d.get(..10)?.split('-');
        let y = it.next()?.parse().ok()?;
        let m = it.next()?.parse().ok()?;
        let day = it.next()?.parse().ok()?;
        Some((y, m, day))
    };
    let (Some((by, bm, bd)), Some((y, m, d))) = (parts(birth), parts(on)) else {
        return "not_known";
    };
    let mut age = y - by;
    if (m, d) < (bm, bd) {
        age -= 1;
    }
    match age {
        a if a < 0 => "not_known",
        0..=24 => "under_25",
        25..=34 => "25_34",
        35..=44 => "35_44",
        45..=54 => "45_54",
        _ => "55_and_over",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-4
    }

    fn g(group: &str, flagged: u64, people: u64) -> GroupCount {
        GroupCount {
            group: group.into(),
            flagged,
            people,
        }
    }

    // Hand computation, Wilson for 12 of 80 at z = 1.96:
    // p = 0.15, z²/n = 0.048020, centre = (0.15 + 0.024010) / 1.048020
    // = 0.166039; half = 1.959964 / 1.048020 · sqrt(0.0015938 + 0.0001501)
    // = 1.870150 · 0.041760 = 0.078097 → [0.0879, 0.2441].
    #[test]
    fn wilson_matches_a_hand_computation() {
        let i = wilson(12, 80, Z_95);
        assert!(close(i.low, 0.0879), "{i:?}");
        assert!(close(i.high, 0.2441), "{i:?}");
        let none = wilson(0, 50, Z_95);
        assert_eq!(none.low, 0.0);
        assert!(close(none.high, 0.0714), "{none:?}");
    }

    // issue 18, item 5. Hand computation: group A 30 of 100 (0.30), group
    // B 12 of 80 (0.15); B's ratio 0.15 / 0.30 = 0.5; Katz se =
    // sqrt(1/12 − 1/80 + 1/30 − 1/100) = sqrt(0.093750) = 0.306186;
    // exp(ln 0.5 ± 1.96·0.306186) = [0.2740, 0.9124].
    #[test]
    fn impact_ratios_and_katz_intervals_match_a_hand_computation() {
        let out = impacts(&[g("A", 30, 100), g("B", 12, 80)]);
        let a = out.iter().find(|i| i.group == "A").unwrap();
        let b = out.iter().find(|i| i.group == "B").unwrap();
        assert!(close(a.ratio, 1.0) && !a.adverse);
        assert!(close(b.rate, 0.15));
        assert!(close(b.ratio, 0.5) && b.adverse);
        assert!(
            close(b.ratio_interval.low, 0.2740),
            "{:?}",
            b.ratio_interval
        );
        assert!(
            close(b.ratio_interval.high, 0.9124),
            "{:?}",
            b.ratio_interval
        );
        assert!(any_adverse(&out));
    }

    #[test]
    fn four_fifths_is_the_line() {
        // 40 of 100 against 50 of 100: exactly 0.8 is not adverse.
        let out = impacts(&[g("A", 50, 100), g("B", 40, 100)]);
        assert!(!any_adverse(&out));
        let out = impacts(&[g("A", 50, 100), g("B", 39, 100)]);
        assert!(any_adverse(&out));
    }

    #[test]
    fn a_zero_count_gets_an_interval_from_the_half_correction() {
        // Hand: (0.5/51)/(20.5/101) = 0.048302; se = sqrt(2 − 1/51 +
        // 1/20.5 − 1/101) = 1.421011; upper 0.048302 · exp(1.96 · se) = 0.7826.
        let out = impacts(&[g("A", 20, 100), g("B", 0, 50)]);
        let b = out.iter().find(|i| i.group == "B").unwrap();
        assert_eq!(b.ratio, 0.0);
        assert!(
            close(b.ratio_interval.high, 0.7826),
            "{:?}",
            b.ratio_interval
        );
    }

    #[test]
    fn small_cells_are_suppressed_with_what_gives_them_away() {
        // D is the smallest shown group: suppressed with C (see below).
        let out = published(&impacts(&[
            g("A", 30, 100),
            g("B", 4, 80),
            g("C", 0, 6),
            g("D", 15, 50),
        ]));
        let b = out.iter().find(|i| i.group == "B").unwrap();
        assert_eq!(b.people, Some(80));
        assert_eq!((b.flagged, b.rate, b.ratio), (None, None, None));
        let c = out.iter().find(|i| i.group == "C").unwrap();
        assert_eq!((c.people, c.flagged), (None, None));
        let a = out.iter().find(|i| i.group == "A").unwrap();
        assert_eq!(a.flagged, Some(30));
    }

    // A suppressed reference group: its rate would come back as a shown
    // group's rate over its ratio (5 of 8 from 0.2 / 0.32), so no ratio is
    // shown, while the rates of groups large enough still are.
    #[test]
    fn ratios_are_not_shown_when_the_reference_group_is_suppressed() {
        // C is suppressed with A, so that no total gives A back.
        let out = published(&impacts(&[g("A", 5, 8), g("B", 20, 100), g("C", 2, 50)]));
        let b = out.iter().find(|i| i.group == "B").unwrap();
        assert_eq!(b.rate, Some(0.2));
        assert_eq!((b.ratio, b.ratio_interval, b.adverse), (None, None, None));
    }

    // issue 18, item 5: with one cell of a column suppressed, the totals
    // (people 190, flagged 40) would give it back by subtraction; the
    // smallest other cell of each column is suppressed with it.
    #[test]
    fn no_suppressed_cell_comes_back_by_subtraction_from_the_totals() {
        let groups = [g("A", 25, 100), g("B", 10, 60), g("C", 4, 25), g("D", 1, 5)];
        let out = published(&impacts(&groups));
        let people: Vec<Option<u64>> = out.iter().map(|p| p.people).collect();
        let flagged: Vec<Option<u64>> = out.iter().map(|p| p.flagged).collect();
        for (figure, column) in [("people", people), ("flagged", flagged)] {
            let hidden = column.iter().filter(|c| c.is_none()).count();
            assert!(hidden != 1, "one {figure} cell hidden: {out:?}");
        }
        let d = out.iter().find(|i| i.group == "D").unwrap();
        assert_eq!((d.people, d.flagged), (None, None));
        // The next smallest people cell goes with D's, and with it C's
        // flagged count (already small); A and B stay shown.
        let c = out.iter().find(|i| i.group == "C").unwrap();
        assert_eq!((c.people, c.flagged), (None, None));
        let b = out.iter().find(|i| i.group == "B").unwrap();
        assert_eq!((b.people, b.flagged), (Some(60), Some(10)));
    }

    #[test]
    fn age_bands_count_birthdays() {
        assert_eq!(age_band("2001-06-30", "2026-06-29"), "under_25");
        assert_eq!(age_band("2001-06-30", "2026-06-30"), "25_34");
        assert_eq!(age_band("1960-01-01", "2026-06-30"), "55_and_over");
        assert_eq!(age_band("unknown", "2026-06-30"), "not_known");
    }
}
