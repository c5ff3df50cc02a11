//! JavaScript numbers as the engine's integers. Integer options cross napi as `f64`, so that
//! 1.5, NaN, -1 for a count or 2**32 are refused with `ERR_INVALID_ARGUMENT` naming the option,
//! where napi's own conversion to `i32`/`u32` would silently truncate or wrap them.
use crate::error::{to_native, Result};
use gpt4all_core::Error;
use std::ops::RangeInclusive;

/// `value` as an integer within `range`, or `ERR_INVALID_ARGUMENT` naming `name`.
pub fn integer(name: &str, value: f64, range: RangeInclusive<i64>) -> Result<i64> {
    whole_number(name, value, range).map_err(|reason| to_native(Error::InvalidArgument { reason }))
}

/// The check itself, free of napi (so that it is testable without a Node.js process).
fn whole_number(name: &str, value: f64, range: RangeInclusive<i64>) -> std::result::Result<i64, String> {
    let whole = value.fract() == 0.0 && (i64::MIN as f64..=i64::MAX as f64).contains(&value);
    if whole && range.contains(&(value as i64)) {
        return Ok(value as i64);
    }
    Err(format!("{name} must be an integer from {} to {}, got {value}", range.start(), range.end()))
}

/// An optional integer option: `None` stays `None` (the engine's default applies).
pub fn optional(name: &str, value: Option<f64>, range: RangeInclusive<i64>) -> Result<Option<i64>> {
    value.map(|v| integer(name, v, range)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_whole_numbers_in_range_only() {
        assert_eq!(whole_number("n", 3.0, 0..=5), Ok(3));
        assert_eq!(whole_number("n", -1.0, -1..=5), Ok(-1));
        for bad in [1.5, f64::NAN, f64::INFINITY, -1.0, 6.0, 1e300] {
            let reason = whole_number("n", bad, 0..=5).unwrap_err();
            assert!(reason.starts_with("n must be an integer from 0 to 5"), "{reason}");
        }
    }
}
