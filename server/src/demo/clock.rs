//! The demo's clock: everything is dated relative to the load, in Paris time (the town's),
//! so the demo tells the same story whenever it is loaded. Days are Paris days counted from
//! 1970-01-01; dates are `YYYY-MM-DD`, as the app stores them.
use app::i18n_texts::paris_offset_hours;

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
pub fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// (year, month, day) to days since 1970-01-01.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub fn iso(days: i64) -> String {
    let (y, m, d) = civil(days);
    format!("{y}-{m:02}-{d:02}")
}

/// The Paris day at `ts`.
fn paris_day(ts: i64) -> i64 {
    (ts + i64::from(paris_offset_hours(ts)) * 3600).div_euclid(86_400)
}

/// `minutes` after midnight, Paris time, on the Paris day `day`.
pub fn paris_at(day: i64, minutes: i64) -> i64 {
    let naive = day * 86_400 + minutes * 60;
    // Clocks change at 01:00 UTC: an hour before the naive time has the right offset.
    naive - i64::from(paris_offset_hours(naive - 3600)) * 3600
}

#[derive(Clone, Copy, Debug)]
pub struct Clock {
    /// The moment of the load.
    pub now: i64,
    /// Its Paris day.
    pub today: i64,
}

impl Clock {
    pub fn new(now: i64) -> Clock {
        Clock { now, today: paris_day(now) }
    }

    /// The Paris date `days` from the load (negative: past).
    pub fn date(&self, days: i64) -> String {
        iso(self.today + days)
    }

    /// `minutes` after midnight, Paris time, `days_ago` days before the load, but never in
    /// the future: what happened then.
    pub fn at(&self, days_ago: i64, minutes: i64) -> i64 {
        self.past(paris_at(self.today - days_ago, minutes))
    }

    /// `minutes` after midnight, Paris time, `day` days from the load, past or future: when
    /// a sitting starts.
    pub fn local(&self, day: i64, minutes: i64) -> i64 {
        paris_at(self.today + day, minutes)
    }

    /// `at`, or a minute before the load if `at` is later: nothing is dated in the future.
    pub fn past(&self, at: i64) -> i64 {
        at.min(self.now - 60)
    }

    /// The first of the month `back` months before the current one, as a Paris day.
    pub fn month_start(&self, back: i64) -> i64 {
        let (y, m, _) = civil(self.today);
        let months = y * 12 + (m - 1) - back;
        days_from_civil(months.div_euclid(12), months.rem_euclid(12) + 1, 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_counted_in_days_from_the_epoch() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(20_000), (2024, 10, 4));
        assert_eq!(civil(-1), (1969, 12, 31));
        for days in [-800, 0, 59, 60, 11_016, 20_000, 20_513, 30_000] {
            let (y, m, d) = civil(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        // 2026-03-31 (Paris), a year and a month back: 2025-02-01.
        let clock = Clock { now: 0, today: days_from_civil(2026, 3, 31) };
        assert_eq!(civil(clock.month_start(0)), (2026, 3, 1));
        assert_eq!(civil(clock.month_start(13)), (2025, 2, 1));
        assert_eq!(clock.date(1), "2026-04-01");
        // 15 June 2026 at 10:30 in Paris is 08:30 UTC.
        assert_eq!(
            paris_at(days_from_civil(2026, 6, 15), 10 * 60 + 30),
            days_from_civil(2026, 6, 15) * 86_400 + 8 * 3600 + 1800
        );
    }

    #[test]
    fn sittings_start_at_half_past_six_in_paris() {
        // 10 December 2026 18:30 in Paris is 17:30 UTC; 10 June is 16:30 UTC.
        assert_eq!(Clock::new(1_796_900_000).local(0, 18 * 60 + 30), 1_796_923_800);
        assert_eq!(Clock::new(1_781_100_000).local(0, 18 * 60 + 30), 1_781_109_000);
        // A year earlier, from the same load.
        let clock = Clock::new(1_796_900_000);
        assert_eq!(clock.local(-365, 18 * 60 + 30), 1_796_923_800 - 365 * 86_400);
    }

    #[test]
    fn nothing_is_dated_in_the_future() {
        let clock = Clock::new(1_796_900_000);
        assert!(clock.at(0, 23 * 60 + 59) < clock.now);
        assert!(clock.at(-3, 0) < clock.now);
        assert!(clock.at(1, 0) < clock.now - 86_400 + 3600);
    }
}
