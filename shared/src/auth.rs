//! Who is calling: identity from the verified JWT claims that API Gateway's
//! JWT authorizer puts in the request context, and a verifier for the routes
//! where signing in is optional (carts), which API Gateway leaves public.

use std::collections::HashMap;
use std::sync::Arc;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde::{Deserialize, Serialize};

/// The caller, as established by a verified token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub sub: String,
    pub groups: Vec<String>,
}

impl Identity {
    /// Whether the caller is in the `admin` group.
    pub fn is_admin(&self) -> bool {
        self.groups.iter().any(|g| g == "admin")
    }

    /// Reads the identity from API Gateway's flattened claims, where arrays
    /// such as `cognito:groups` arrive as a string like `[admin customers]`.
    pub fn from_claims(claims: &HashMap<String, String>) -> Option<Self> {
        let sub = claims.get("sub").filter(|s| !s.is_empty())?.clone();
        let groups = claims
            .get("cognito:groups")
            .map(|raw| parse_groups(raw))
            .unwrap_or_default();
        Some(Self { sub, groups })
    }
}

fn parse_groups(raw: &str) -> Vec<String> {
    let trimmed = raw.trim();
    if let Ok(list) = serde_json::from_str::<Vec<String>>(trimmed) {
        return list;
    }
    trimmed
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|g| !g.is_empty())
        .map(str::to_string)
        .collect()
}

/// Flattens verified JWT claims the way API Gateway's JWT authorizer does:
/// strings stay, arrays become `[a b]`, other values their JSON text.
pub fn flatten_claims(
    claims: &serde_json::Map<String, serde_json::Value>,
) -> HashMap<String, String> {
    claims
        .iter()
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(items) => format!(
                    "[{}]",
                    items
                        .iter()
                        .map(|i| i
                            .as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| i.to_string()))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect()
}

/// Where tokens come from and whom they are for.
#[derive(Clone, Debug)]
pub struct JwtSettings {
    pub issuer: String,
    pub audience: String,
    pub jwks_url: String,
}

/// A JSON Web Key Set: the keys an identity provider signs tokens with.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct JwkSet {
    pub keys: Vec<Jwk>,
}

/// One key of a [`JwkSet`]; only RSA keys are used.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Jwk {
    pub kty: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    #[serde(rename = "use", default, skip_serializing_if = "Option::is_none")]
    pub key_use: Option<String>,
    /// The RSA modulus and exponent, base64url big-endian.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
}

impl JwkSet {
    /// The key named `kid`.
    pub fn find(&self, kid: &str) -> Option<&Jwk> {
        self.keys.iter().find(|k| k.kid.as_deref() == Some(kid))
    }
}

/// Why a token was refused.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the token is refused: {0}")]
    Invalid(&'static str),
    #[error("the token was signed with an unknown key")]
    UnknownKey,
    #[error("the signing keys could not be loaded")]
    KeysUnavailable(#[source] anyhow::Error),
}

/// Verifies RS256 tokens against a JWKS, issuer, audience and expiry, as
/// API Gateway's JWT authorizer does.
#[derive(Clone)]
pub struct JwtVerifier {
    settings: JwtSettings,
    keys: Arc<tokio::sync::RwLock<Option<JwkSet>>>,
}

impl JwtVerifier {
    /// A verifier that loads the key set from `settings.jwks_url` when first needed.
    pub fn new(settings: JwtSettings) -> Self {
        Self {
            settings,
            keys: Arc::new(tokio::sync::RwLock::new(None)),
        }
    }

    /// A verifier with a key set already in hand (local runner, tests).
    pub fn with_keys(settings: JwtSettings, keys: JwkSet) -> Self {
        Self {
            settings,
            keys: Arc::new(tokio::sync::RwLock::new(Some(keys))),
        }
    }

    pub fn settings(&self) -> &JwtSettings {
        &self.settings
    }

    async fn key_set(&self) -> Result<JwkSet, TokenError> {
        if let Some(keys) = self.keys.read().await.as_ref() {
            return Ok(keys.clone());
        }
        let fetched = crate::jwks::fetch(&self.settings.jwks_url)
            .await
            .map_err(TokenError::KeysUnavailable)?;
        *self.keys.write().await = Some(fetched.clone());
        Ok(fetched)
    }

    /// Verifies a compact JWT and returns its claims: an RS256 signature
    /// by a key of the set (by `kid`; the first key when the token names
    /// none), the issuer and audience, and an expiry (`exp`) not yet
    /// passed, with no leeway; a token not yet valid (`nbf`) is refused
    /// too. Every other algorithm (`none`, HMAC, EC) is refused before any
    /// key is looked at. The signature is checked with ring, which rustls
    /// already links, rather than with a second RSA implementation.
    pub async fn verify(
        &self,
        token: &str,
    ) -> Result<serde_json::Map<String, serde_json::Value>, TokenError> {
        use TokenError::Invalid;
        let Some((signed, signature)) = token.rsplit_once('.') else {
            return Err(Invalid("not a compact JWS"));
        };
        let Some((header, payload)) = signed.split_once('.').filter(|(_, p)| !p.contains('.'))
        else {
            return Err(Invalid("not a compact JWS"));
        };
        let header: TokenHeader =
            serde_json::from_slice(&b64(header)?).map_err(|_| Invalid("malformed header"))?;
        if header.alg != "RS256" {
            return Err(Invalid("algorithm other than RS256"));
        }
        let keys = self.key_set().await?;
        let jwk = match header.kid.as_deref() {
            Some(kid) => keys.find(kid),
            None => keys.keys.first(),
        }
        .ok_or(TokenError::UnknownKey)?;
        if jwk.kty != "RSA" || jwk.alg.as_deref().is_some_and(|a| a != "RS256") {
            return Err(Invalid("the key is not an RS256 key"));
        }
        let (Some(n), Some(e)) = (jwk.n.as_deref(), jwk.e.as_deref()) else {
            return Err(Invalid("the key has no modulus or exponent"));
        };
        let (n, e) = (b64(n)?, b64(e)?);
        ring::signature::RsaPublicKeyComponents { n: &n, e: &e }
            .verify(
                &ring::signature::RSA_PKCS1_2048_8192_SHA256,
                signed.as_bytes(),
                &b64(signature)?,
            )
            .map_err(|_| Invalid("bad signature"))?;
        let claims: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&b64(payload)?).map_err(|_| Invalid("malformed claims"))?;
        self.validate(&claims, chrono::Utc::now().timestamp())?;
        Ok(claims)
    }

    /// The claims' issuer, audience, subject and validity period at `now`.
    fn validate(
        &self,
        claims: &serde_json::Map<String, serde_json::Value>,
        now: i64,
    ) -> Result<(), TokenError> {
        use TokenError::Invalid;
        let time = |name: &str| {
            claims
                .get(name)
                .map(|v| v.as_f64().ok_or(Invalid("a time is not a number")))
        };
        let exp = time("exp").ok_or(Invalid("no expiry"))??;
        if exp < now as f64 {
            return Err(Invalid("expired"));
        }
        if let Some(nbf) = time("nbf").transpose()? {
            if nbf > now as f64 {
                return Err(Invalid("not yet valid"));
            }
        }
        if claims.get("iss").and_then(|v| v.as_str()) != Some(self.settings.issuer.as_str()) {
            return Err(Invalid("wrong issuer"));
        }
        if !claims.get("sub").is_some_and(|v| v.is_string()) {
            return Err(Invalid("no subject"));
        }
        let audience = self.settings.audience.as_str();
        let for_us = match claims.get("aud") {
            Some(serde_json::Value::String(a)) => a == audience,
            Some(serde_json::Value::Array(a)) => a.iter().any(|a| a.as_str() == Some(audience)),
            _ => false,
        };
        if !for_us {
            return Err(Invalid("wrong audience"));
        }
        Ok(())
    }

    /// Verifies a token and returns the caller's identity.
    pub async fn identity(&self, token: &str) -> Result<Identity, TokenError> {
        let claims = self.verify(token).await?;
        Identity::from_claims(&flatten_claims(&claims))
            .ok_or(TokenError::Invalid("no identity in the claims"))
    }
}

/// The part of a JWT header the verifier reads.
#[derive(Deserialize)]
struct TokenHeader {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
}

/// Base64url without padding, as JWTs are encoded.
fn b64(part: &str) -> Result<Vec<u8>, TokenError> {
    URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| TokenError::Invalid("not base64url"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_read_from_api_gateway_flattened_claims() {
        let mut claims = HashMap::new();
        claims.insert("sub".to_string(), "u1".to_string());
        claims.insert(
            "cognito:groups".to_string(),
            "[admin customers]".to_string(),
        );
        let id = Identity::from_claims(&claims).unwrap();
        assert!(id.is_admin());
        assert_eq!(id.groups, vec!["admin", "customers"]);
    }

    #[test]
    fn a_caller_without_the_admin_group_is_not_an_admin() {
        let mut claims = HashMap::new();
        claims.insert("sub".to_string(), "u1".to_string());
        claims.insert("cognito:groups".to_string(), "[administrators]".to_string());
        assert!(!Identity::from_claims(&claims).unwrap().is_admin());
    }
}
