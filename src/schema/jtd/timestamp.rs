//! RFC 3339 `date-time` checking for the JTD `timestamp` type.
//!
//! The grammar is RFC 3339 section 5.6: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`, with
//! `T` and `Z` also accepted in lower case as the RFC allows. Days are checked against the month
//! and leap years. A seconds value of 60 is accepted only where a leap second can occur, at
//! 23:59:60 in UTC after the offset is applied. Whether that day really had a leap second is not
//! checked, because future leap seconds are announced only months ahead.

/// Returns whether `text` is an RFC 3339 `date-time`.
pub fn is_timestamp(text: &str) -> bool {
    parse(text.as_bytes()).is_some()
}

/// Parses the grammar and returns `Some(())` when every field is in range.
fn parse(bytes: &[u8]) -> Option<()> {
    let mut cursor = Cursor { bytes, position: 0 };

    let year = cursor.digits(4)?;
    cursor.expect(b'-')?;
    let month = cursor.digits(2)?;
    cursor.expect(b'-')?;
    let day = cursor.digits(2)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }

    cursor.expect_either(b'T', b't')?;
    let hour = cursor.digits(2)?;
    cursor.expect(b':')?;
    let minute = cursor.digits(2)?;
    cursor.expect(b':')?;
    let second = cursor.digits(2)?;
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    if cursor.peek() == Some(b'.') {
        cursor.position += 1;
        // The fraction needs at least one digit, and any number of them is allowed.
        cursor.digit()?;
        while cursor.peek().is_some_and(|byte| byte.is_ascii_digit()) {
            cursor.position += 1;
        }
    }

    // The offset in minutes that local time is ahead of UTC.
    let offset = match cursor.next()? {
        b'Z' | b'z' => 0,
        sign @ (b'+' | b'-') => {
            let offset_hour = cursor.digits(2)?;
            cursor.expect(b':')?;
            let offset_minute = cursor.digits(2)?;
            if offset_hour > 23 || offset_minute > 59 {
                return None;
            }
            let minutes = i64::from(offset_hour * 60 + offset_minute);
            if sign == b'+' { minutes } else { -minutes }
        }
        _ => return None,
    };
    if cursor.position != bytes.len() {
        return None;
    }

    if second == 60 {
        let local_minutes = i64::from(hour * 60 + minute);
        let utc_minutes = (local_minutes - offset).rem_euclid(24 * 60);
        if utc_minutes != 23 * 60 + 59 {
            return None;
        }
    }
    Some(())
}

/// Returns the number of days in a month of the proleptic Gregorian calendar.
fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn is_leap_year(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

/// A reading position in the bytes of a timestamp.
struct Cursor<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.position += 1;
        Some(byte)
    }

    fn expect(&mut self, expected: u8) -> Option<()> {
        (self.next()? == expected).then_some(())
    }

    fn expect_either(&mut self, upper: u8, lower: u8) -> Option<()> {
        let byte = self.next()?;
        (byte == upper || byte == lower).then_some(())
    }

    fn digit(&mut self) -> Option<u32> {
        let byte = self.next()?;
        byte.is_ascii_digit().then(|| u32::from(byte - b'0'))
    }

    /// Reads exactly `count` decimal digits as a number.
    fn digits(&mut self, count: usize) -> Option<u32> {
        let mut value = 0;
        for _ in 0..count {
            value = value * 10 + self.digit()?;
        }
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_utc_with_fraction() {
        assert!(is_timestamp("1985-04-12T23:20:50.52Z"));
    }

    #[test]
    fn accepts_numeric_offsets() {
        assert!(is_timestamp("1996-12-19T16:39:57-08:00"));
        assert!(is_timestamp("1937-01-01T12:00:27.87+00:20"));
        assert!(is_timestamp("2024-01-01T00:00:00-00:00"));
    }

    #[test]
    fn accepts_lower_case_separators() {
        assert!(is_timestamp("2024-01-01t00:00:00z"));
    }

    #[test]
    fn accepts_leap_second_at_end_of_utc_day() {
        assert!(is_timestamp("1990-12-31T23:59:60Z"));
        assert!(is_timestamp("1990-12-31T15:59:60-08:00"));
        assert!(is_timestamp("1991-01-01T00:29:60.5+00:30"));
    }

    #[test]
    fn rejects_leap_second_elsewhere_in_day() {
        assert!(!is_timestamp("1990-12-31T23:58:60Z"));
        assert!(!is_timestamp("1990-12-31T23:59:60-08:00"));
    }

    #[test]
    fn checks_days_against_month_and_leap_year() {
        assert!(is_timestamp("2024-02-29T00:00:00Z"));
        assert!(is_timestamp("2000-02-29T00:00:00Z"));
        assert!(!is_timestamp("2023-02-29T00:00:00Z"));
        assert!(!is_timestamp("1900-02-29T00:00:00Z"));
        assert!(!is_timestamp("2024-04-31T00:00:00Z"));
        assert!(!is_timestamp("2024-13-01T00:00:00Z"));
        assert!(!is_timestamp("2024-00-01T00:00:00Z"));
        assert!(!is_timestamp("2024-01-00T00:00:00Z"));
    }

    #[test]
    fn rejects_out_of_range_times() {
        assert!(!is_timestamp("2024-01-01T24:00:00Z"));
        assert!(!is_timestamp("2024-01-01T00:60:00Z"));
        assert!(!is_timestamp("2024-01-01T00:00:61Z"));
        assert!(!is_timestamp("2024-01-01T00:00:00+24:00"));
        assert!(!is_timestamp("2024-01-01T00:00:00+00:60"));
    }

    #[test]
    fn rejects_incomplete_or_extended_syntax() {
        for text in [
            "",
            "foo",
            "2024-01-01",
            "2024-01-01T00:00:00",
            "2024-01-01 00:00:00Z",
            "2024-01-01T00:00Z",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00+0000",
            "2024-01-01T00:00:00Z ",
            "+2024-01-01T00:00:00Z",
            "2024-1-01T00:00:00Z",
            "２０２４-01-01T00:00:00Z",
        ] {
            assert!(!is_timestamp(text), "{text:?} was accepted");
        }
    }
}
