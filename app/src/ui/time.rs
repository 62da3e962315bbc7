//! Times as the pages show them: modified times, and "2 minutes ago" in History and Recently
//! deleted.

use crate::i18n::{Lang, Msg};
/// The server's timestamps (UTC) → seconds since the epoch; the date math lives in `model`.
pub use model::time::parse_utc_seconds;

/// `1700000000123456789` ns → `2023-11-14 22:13:20 UTC` (no time-zone database in the wasm).
pub fn format_mtime(mtime_ns: u128) -> String {
    model::time::readable_utc(i64::try_from(mtime_ns / 1_000_000_000).unwrap_or(i64::MAX))
}

/// Seconds since the Unix epoch: the browser's clock in the browser, the system's on the server.
pub fn now_secs() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        (js_sys::Date::now() / 1000.0) as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }
}

/// "just now", "1 minute ago", "3 hours ago", "2 days ago" (a clock running behind the
/// server's gives a negative age: that is "just now" too).
pub fn relative_time(lang: Lang, seconds_ago: i64) -> String {
    let count = |n: i64, one: Msg, many: Msg| {
        if n == 1 {
            lang.text(one).to_owned()
        } else {
            lang.format(many, &[("count", &n.to_string())])
        }
    };
    match seconds_ago {
        s if s < 60 => lang.text(Msg::HistoryJustNow).to_owned(),
        s if s < 3600 => count(s / 60, Msg::HistoryMinuteAgo, Msg::HistoryMinutesAgo),
        s if s < 86_400 => count(s / 3600, Msg::HistoryHourAgo, Msg::HistoryHoursAgo),
        s => count(s / 86_400, Msg::HistoryDayAgo, Msg::HistoryDaysAgo),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_times() {
        assert_eq!(format_mtime(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_mtime(1_700_000_000_123_456_789), "2023-11-14 22:13:20 UTC");
    }

    #[test]
    fn relative_times_in_both_languages() {
        assert_eq!(relative_time(Lang::En, -5), "just now");
        assert_eq!(relative_time(Lang::En, 59), "just now");
        assert_eq!(relative_time(Lang::En, 60), "1 minute ago");
        assert_eq!(relative_time(Lang::En, 150), "2 minutes ago");
        assert_eq!(relative_time(Lang::En, 3600), "1 hour ago");
        assert_eq!(relative_time(Lang::En, 86_400 * 3), "3 days ago");
        assert_eq!(relative_time(Lang::Ko, 150), "2분 전");
        assert_eq!(relative_time(Lang::Ko, 30), "방금 전");
    }
}
