//! Civil dates as day numbers, with the handful of formats the fictional
//! systems use.

/// Days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub i32);

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl Date {
    /// Howard Hinnant's days_from_civil.
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Self {
        let y = if m <= 2 { y - 1 } else { y };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let mp = (m as i32 + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d as i32 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Self(era * 146_097 + doe - 719_468)
    }

    pub fn ymd(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (if m <= 2 { y + 1 } else { y }, m, d)
    }

    pub fn add_days(self, n: i32) -> Self {
        Self(self.0 + n)
    }

    pub fn year(self) -> i32 {
        self.ymd().0
    }

    /// Whole years from `self` to `on`.
    pub fn age_on(self, on: Date) -> i32 {
        let (y1, m1, d1) = self.ymd();
        let (y2, m2, d2) = on.ymd();
        let mut a = y2 - y1;
        if (m2, d2) < (m1, d1) {
            a -= 1;
        }
        a
    }

    /// The same day with day and month swapped, when that is still a date.
    pub fn swapped(self) -> Option<Self> {
        let (y, m, d) = self.ymd();
        (d <= 12 && d != m).then(|| Self::from_ymd(y, d, m))
    }

    pub fn iso(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// `%d/%m/%Y`
    pub fn dmy(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{d:02}/{m:02}/{y:04}")
    }

    /// `%d-%b-%Y`
    pub fn d_mon_y(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{d:02}-{}-{y:04}", MONTHS[(m as usize + 11) % 12])
    }

    /// `%Y%m%d`
    pub fn compact(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{y:04}{m:02}{d:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for d in [-800_000, -1, 0, 1, 10_000, 20_000, 60_000] {
            let (y, m, dd) = Date(d).ymd();
            assert_eq!(Date::from_ymd(y, m, dd), Date(d));
        }
        assert_eq!(Date::from_ymd(2024, 2, 29).iso(), "2024-02-29");
        assert_eq!(Date::from_ymd(1970, 1, 1), Date(0));
        assert_eq!(Date::from_ymd(2025, 3, 7).d_mon_y(), "07-Mar-2025");
        assert_eq!(
            Date::from_ymd(2025, 3, 7).swapped(),
            Some(Date::from_ymd(2025, 7, 3))
        );
    }
}
