//! Serde helpers for request bodies, so the server reads JSON as the OpenAPI
//! schemas describe it: `type: integer` is any JSON number without a
//! fractional part (`9` and `9.0` alike), and an optional field that is not
//! nullable is absent or a value, never `null`.

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// The largest integer a JSON number can carry exactly as a double.
const EXACT: f64 = 9_007_199_254_740_992.0;

struct WholeNumber;

impl Visitor<'_> for WholeNumber {
    type Value = i64;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an integer")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        if v.is_finite() && v.fract() == 0.0 && v.abs() <= EXACT {
            Ok(v as i64)
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }
}

/// An integer field (`#[serde(deserialize_with = "whole_number")]`).
pub fn whole_number<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_any(WholeNumber)
}

/// An optional integer field where `null` means absent
/// (`#[serde(default, deserialize_with = "nullable_whole_number")]`).
pub fn nullable_whole_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    struct Nullable;
    impl<'de> Visitor<'de> for Nullable {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an integer or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            whole_number(d).map(Some)
        }
    }
    d.deserialize_option(Nullable)
}

/// An optional field that may be absent but not `null`
/// (`#[serde(default, deserialize_with = "not_null")]`).
pub fn not_null<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Input {
        #[serde(deserialize_with = "whole_number")]
        n: i64,
        #[serde(default, deserialize_with = "not_null")]
        s: Option<String>,
        #[serde(default, deserialize_with = "nullable_whole_number")]
        o: Option<i64>,
    }

    fn parse(json: &str) -> Result<Input, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn integers_may_be_written_with_a_zero_fraction() {
        assert_eq!(parse(r#"{"n": 9}"#).unwrap().n, 9);
        assert_eq!(parse(r#"{"n": 9.0}"#).unwrap().n, 9);
        assert_eq!(parse(r#"{"n": -1e3}"#).unwrap().n, -1000);
        assert!(parse(r#"{"n": 9.5}"#).is_err());
        assert!(parse(r#"{"n": 1e300}"#).is_err());
        assert!(parse(r#"{"n": 18446744073709551615}"#).is_err());
        assert!(parse(r#"{"n": "9"}"#).is_err());
    }

    #[test]
    fn an_optional_field_may_be_absent_but_not_null() {
        assert_eq!(parse(r#"{"n": 1}"#).unwrap().s, None);
        assert_eq!(
            parse(r#"{"n": 1, "s": "x"}"#).unwrap().s.as_deref(),
            Some("x")
        );
        assert!(parse(r#"{"n": 1, "s": null}"#).is_err());
    }

    #[test]
    fn a_nullable_integer_may_be_null_absent_or_whole() {
        assert_eq!(parse(r#"{"n": 1}"#).unwrap().o, None);
        assert_eq!(parse(r#"{"n": 1, "o": null}"#).unwrap().o, None);
        assert_eq!(parse(r#"{"n": 1, "o": 5.0}"#).unwrap().o, Some(5));
        assert!(parse(r#"{"n": 1, "o": 5.5}"#).is_err());
    }
}
