//! Who is calling: identity from the verified JWT claims that API Gateway's
//! JWT authorizer puts in the request context, and a verifier for the routes
//! where signing in is optional (carts), which API Gateway leaves public.

use std::collections::HashMap;
use std::sync::Arc;

use jsonwebtoken::{decode, decode_header, jwk::JwkSet, Algorithm, DecodingKey, Validation};

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

/// Why a token was refused.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("the token is malformed or its signature, issuer, audience or expiry is invalid")]
    Invalid(#[source] jsonwebtoken::errors::Error),
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

    /// Verifies a compact JWT and returns its claims.
    pub async fn verify(
        &self,
        token: &str,
    ) -> Result<serde_json::Map<String, serde_json::Value>, TokenError> {
        let header = decode_header(token).map_err(TokenError::Invalid)?;
        let keys = self.key_set().await?;
        let jwk = match header.kid.as_deref() {
            Some(kid) => keys.find(kid),
            None => keys.keys.first(),
        }
        .ok_or(TokenError::UnknownKey)?;
        let key = DecodingKey::from_jwk(jwk).map_err(TokenError::Invalid)?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[self.settings.issuer.as_str()]);
        validation.set_audience(&[self.settings.audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
        validation.leeway = 0;
        let data = decode::<serde_json::Map<String, serde_json::Value>>(token, &key, &validation)
            .map_err(TokenError::Invalid)?;
        Ok(data.claims)
    }

    /// Verifies a token and returns the caller's identity.
    pub async fn identity(&self, token: &str) -> Result<Identity, TokenError> {
        let claims = self.verify(token).await?;
        Identity::from_claims(&flatten_claims(&claims)).ok_or_else(|| {
            TokenError::Invalid(jsonwebtoken::errors::ErrorKind::InvalidToken.into())
        })
    }
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
