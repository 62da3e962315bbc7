//! UTC calendar arithmetic, written once for the store (history timestamps), the server and the
//! browser (which has no time-zone database in the wasm). Whole seconds, proleptic Gregorian
//! calendar, H. Hinnant's `days_from_civil` / `civil_from_days`.

/// Days since 1970-01-01 of a civil date; `None` only where the count would not fit an `i64`.
/// `month` is 1–12 and `day` 1–31; they are not checked against each other (Feb 30 counts on).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> Option<i64> {
    let (month, day) = (i64::from(month), i64::from(day));
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era.checked_mul(146_097)?.checked_add(doe - 719_468)
}

/// The civil date `(year, month, day)` of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Shifted to an era starting on 0000-03-01; `days` near i64::MIN saturates rather than wraps.
    let z = days.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // In range by construction: day 1–31, month 1–12.
    (year, u32::try_from(month).unwrap_or(1), u32::try_from(day).unwrap_or(1))
}

/// A second since the epoch as `YYYY-MM-DD`, `HH:MM:SS`, joined by `separator` and followed by
/// `suffix`.
fn format_utc(secs: i64, separator: &str, suffix: &str) -> String {
    let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    format!("{year:04}-{month:02}-{day:02}{separator}{:02}:{:02}:{:02}{suffix}", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// `2026-11-28T21:06:40Z`: RFC 3339, UTC, whole seconds (what history and trash record).
pub fn rfc3339_utc(secs: i64) -> String {
    format_utc(secs, "T", "Z")
}

/// `2023-11-14 22:13:20 UTC`: the same instant for people to read.
pub fn readable_utc(secs: i64) -> String {
    format_utc(secs, " ", " UTC")
}

/// `2026-11-28T21:06:40Z` (fractional seconds and `+00:00` accepted) → seconds since the epoch.
/// The server writes UTC only; anything else (another offset, a field out of range, a count
/// that does not fit) is `None`.
pub fn parse_utc_seconds(at: &str) -> Option<i64> {
    let rest = at.strip_suffix('Z').or_else(|| at.strip_suffix("+00:00"))?;
    let (date, time) = rest.split_once('T')?;
    let mut date_parts = date.splitn(3, '-');
    let year: i64 = date_parts.next()?.parse().ok()?;
    let month: u32 = date_parts.next()?.parse().ok()?;
    let day: u32 = date_parts.next()?.parse().ok()?;
    let whole = time.split_once('.').map_or(time, |(whole, _)| whole);
    let mut time_parts = whole.splitn(3, ':');
    let hour: i64 = time_parts.next()?.parse().ok()?;
    let minute: i64 = time_parts.next()?.parse().ok()?;
    let second: i64 = time_parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    days_from_civil(year, month, day)?.checked_mul(86_400)?.checked_add(hour * 3600 + minute * 60 + second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_is_utc_whole_seconds() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(1_795_900_000), "2026-11-28T21:06:40Z");
        assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn readable_utc_names_the_zone() {
        assert_eq!(readable_utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(readable_utc(1_700_000_000), "2023-11-14 22:13:20 UTC");
    }

    #[test]
    fn parses_the_servers_timestamps() {
        assert_eq!(parse_utc_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_utc_seconds("2026-11-28T21:06:40Z"), Some(1_795_900_000));
        assert_eq!(parse_utc_seconds("2000-02-29T00:00:00Z"), Some(951_782_400));
        assert_eq!(parse_utc_seconds("2000-02-29T00:00:00.250+00:00"), Some(951_782_400));
        for bad in ["", "2026-11-28 21:06:40Z", "2026-13-01T00:00:00Z", "2026-11-28T21:06:40+09:00", "x-y-zTa:b:cZ"] {
            assert_eq!(parse_utc_seconds(bad), None, "{bad}");
        }
        // A year whose seconds do not fit an i64 is refused, not wrapped.
        assert_eq!(parse_utc_seconds("99999999999999999-01-01T00:00:00Z"), None);
    }

    #[test]
    fn days_and_dates_round_trip() {
        for days in (-800_000..800_000).step_by(997).chain([-1, 0, 1, 59, 60, 365, 10_957, 11_016]) {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(days_from_civil(year, month, day), Some(days), "{year}-{month}-{day}");
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn formatting_and_parsing_agree() {
        for secs in [0, 1, 86_399, 86_400, 951_782_400, 1_700_000_000, 1_795_900_000, 4_102_444_800] {
            assert_eq!(parse_utc_seconds(&rfc3339_utc(secs)), Some(secs));
        }
    }
}
