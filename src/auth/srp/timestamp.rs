//! The `TIMESTAMP` of a password claim: `EEE MMM d HH:mm:ss UTC yyyy` in UTC with English names and the
//! day of the month not zero-padded, e.g. `Thu Feb 29 09:05:03 UTC 2024` (Java's
//! `SimpleDateFormat` pattern, as amazon-cognito-identity-js's `DateHelper` writes it).

use std::time::{SystemTime, UNIX_EPOCH};

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Formats `now` as Cognito's `TIMESTAMP` (`EEE MMM d HH:mm:ss UTC yyyy`, e.g.
/// `Sun Mar 3 01:00:00 UTC 2024`). Fractions of a second are dropped (rounded towards the past); times
/// before 1970 work too.
pub fn cognito_timestamp(now: SystemTime) -> String {
    let seconds: i64 = match now.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => {
            let before = before.duration();
            let whole = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
            // Round towards the past: 0.5 s before the epoch is 23:59:59 of the day before.
            whole
                .saturating_neg()
                .saturating_sub(i64::from(before.subsec_nanos() > 0))
        }
    };
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    // 1970-01-01 was a Thursday.
    let weekday = WEEKDAYS[usize::try_from((days + 4).rem_euclid(7)).unwrap_or(0)];
    let month_name = MONTHS[usize::try_from(month - 1).unwrap_or(0)];
    format!(
        "{weekday} {month_name} {day} {:02}:{:02}:{:02} UTC {year}",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60,
    )
}

/// The proleptic Gregorian (year, month 1–12, day 1–31) of `days` since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, in 400-year eras that start on March 1st).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097); // [0, 146096]
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365; // [0, 399]
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100); // [0, 365]
    let shifted_month = (5 * day_of_year + 2) / 153; // [0, 11], March = 0
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(unix: i64) -> String {
        let t = if unix >= 0 {
            UNIX_EPOCH + Duration::from_secs(unix.unsigned_abs())
        } else {
            UNIX_EPOCH - Duration::from_secs(unix.unsigned_abs())
        };
        cognito_timestamp(t)
    }

    // Expected strings from Python's datetime (strftime with the day unpadded).
    #[test]
    fn days_one_to_nine_are_not_padded() {
        for (unix, expected) in [
            (1717225503, "Sat Jun 1 07:05:03 UTC 2024"),
            (1717311903, "Sun Jun 2 07:05:03 UTC 2024"),
            (1717398303, "Mon Jun 3 07:05:03 UTC 2024"),
            (1717484703, "Tue Jun 4 07:05:03 UTC 2024"),
            (1717571103, "Wed Jun 5 07:05:03 UTC 2024"),
            (1717657503, "Thu Jun 6 07:05:03 UTC 2024"),
            (1717743903, "Fri Jun 7 07:05:03 UTC 2024"),
            (1717830303, "Sat Jun 8 07:05:03 UTC 2024"),
            (1717916703, "Sun Jun 9 07:05:03 UTC 2024"),
            (1718003103, "Mon Jun 10 07:05:03 UTC 2024"),
        ] {
            assert_eq!(at(unix), expected);
        }
    }

    #[test]
    fn leap_days() {
        assert_eq!(at(1709210096), "Thu Feb 29 12:34:56 UTC 2024");
        assert_eq!(at(951782400), "Tue Feb 29 00:00:00 UTC 2000");
        assert_eq!(at(1582934400), "Sat Feb 29 00:00:00 UTC 2020");
        // 2100 is not a leap year: Feb 28 is followed by Mar 1.
        assert_eq!(at(4107542400), "Mon Mar 1 00:00:00 UTC 2100");
        assert_eq!(at(4107542400 - 1), "Sun Feb 28 23:59:59 UTC 2100");
    }

    #[test]
    fn edges() {
        assert_eq!(at(0), "Thu Jan 1 00:00:00 UTC 1970");
        assert_eq!(at(-1), "Wed Dec 31 23:59:59 UTC 1969");
        assert_eq!(at(-2208988800), "Mon Jan 1 00:00:00 UTC 1900");
        assert_eq!(at(1704067200), "Mon Jan 1 00:00:00 UTC 2024");
        assert_eq!(at(1735689599), "Tue Dec 31 23:59:59 UTC 2024");
        assert_eq!(at(253402300799), "Fri Dec 31 23:59:59 UTC 9999");
    }

    #[test]
    fn fractions_round_towards_the_past() {
        let t = UNIX_EPOCH + Duration::new(1709427600, 999_999_999);
        assert_eq!(cognito_timestamp(t), "Sun Mar 3 01:00:00 UTC 2024");
        let t = UNIX_EPOCH - Duration::from_millis(500);
        assert_eq!(cognito_timestamp(t), "Wed Dec 31 23:59:59 UTC 1969");
    }

    #[test]
    fn every_day_of_four_centuries_round_trips() {
        // days_from_civil, the inverse, checks civil_from_days over a whole 400-year cycle and more.
        fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
            let y = if m <= 2 { y - 1 } else { y };
            let era = y.div_euclid(400);
            let yoe = y - era * 400;
            let mp = (m + 9) % 12;
            let doy = (153 * mp + 2) / 5 + d - 1;
            let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
            era * 146_097 + doe - 719_468
        }
        let mut previous = civil_from_days(-200_000);
        for days in -199_999..=200_000 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
            assert!((1..=12).contains(&m) && (1..=31).contains(&d));
            assert!(d == previous.2 + 1 || d == 1, "{days}");
            previous = (y, m, d);
        }
    }
}
