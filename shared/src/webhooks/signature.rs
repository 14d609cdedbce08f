//! Webhook signatures in Stripe's scheme: a header
//! `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, accepted
//! within a tolerance of the current time. Used for the payment gateway's
//! and the carrier's webhooks.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How old (or how far in the future) a signature's timestamp may be.
pub const TOLERANCE_SECONDS: i64 = 300;

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature header is missing or malformed")]
    Malformed,
    #[error("the signature's timestamp is outside the tolerance")]
    Stale,
    #[error("no signature matches the body")]
    Mismatch,
}

/// The MAC of `"<timestamp>.<body>"` under `secret`.
fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Result<Hmac<Sha256>, SignatureError> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| SignatureError::Malformed)?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(mac)
}

/// The header value for `body` signed with `secret` at `timestamp`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> Result<String, SignatureError> {
    let digest = mac(secret, timestamp, body)?.finalize().into_bytes();
    Ok(format!("t={timestamp},v1={}", hex::encode(digest)))
}

/// Verifies a signature header against the raw body, in constant time.
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", v)) => {
                signatures.push(hex::decode(v).map_err(|_| SignatureError::Malformed)?)
            }
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > TOLERANCE_SECONDS {
        return Err(SignatureError::Stale);
    }
    for signature in signatures {
        if mac(secret, timestamp, body)?
            .verify_slice(&signature)
            .is_ok()
        {
            return Ok(());
        }
    }
    Err(SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_body_verifies_and_tampering_a_wrong_secret_or_age_does_not() {
        let body = br#"{"id":"evt_1"}"#;
        let header = sign("whsec_a", 1_000, body).unwrap();
        assert_eq!(verify("whsec_a", &header, body, 1_100), Ok(()));
        assert_eq!(
            verify("whsec_a", &header, br#"{"id":"evt_2"}"#, 1_100),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("whsec_b", &header, body, 1_100),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("whsec_a", &header, body, 1_000 + 301),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify("whsec_a", "v1=00", body, 1_000),
            Err(SignatureError::Malformed)
        );
    }
}
