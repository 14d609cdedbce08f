//! The local identity provider: an RS256 key pair, its JWKS, and tokens
//! shaped like Cognito's ID tokens (`sub`, `cognito:groups`, `iss`, `aud`,
//! `exp`). The key lives in `.local/jwt/` so `make token` and `make dev`
//! agree across processes.

use std::path::Path;

use anyhow::Context;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use jsonwebtoken::{jwk::JwkSet, Algorithm, EncodingKey, Header};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use shared::auth::{JwtSettings, JwtVerifier};

pub const ISSUER: &str = "https://local-idp.order-service.test";
pub const AUDIENCE: &str = "local-storefront";
const KEY_ID: &str = "local-1";

/// A signing key and what verifiers need to trust it.
#[derive(Clone)]
pub struct LocalIdentityProvider {
    key: RsaPrivateKey,
    pem: String,
}

impl LocalIdentityProvider {
    /// A fresh key (tests).
    pub fn generate() -> anyhow::Result<Self> {
        let key =
            RsaPrivateKey::new(&mut rand::thread_rng(), 2048).context("generating an RSA key")?;
        let pem = key.to_pkcs1_pem(rsa::pkcs1::LineEnding::LF)?.to_string();
        Ok(Self { key, pem })
    }

    /// The key stored under `dir`, created on first use.
    pub fn load_or_create(dir: &Path) -> anyhow::Result<Self> {
        let path = dir.join("signing-key.pem");
        if let Ok(pem) = std::fs::read_to_string(&path) {
            let key =
                RsaPrivateKey::from_pkcs1_pem(&pem).context("reading the local signing key")?;
            return Ok(Self { key, pem });
        }
        let idp = Self::generate()?;
        std::fs::create_dir_all(dir)?;
        std::fs::write(&path, &idp.pem)?;
        Ok(idp)
    }

    /// The public key set, as Cognito publishes it.
    pub fn jwks(&self) -> JwkSet {
        let public = self.key.to_public_key();
        let value = serde_json::json!({ "keys": [{
            "kty": "RSA",
            "alg": "RS256",
            "use": "sig",
            "kid": KEY_ID,
            "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
            "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
        }]});
        serde_json::from_value(value).unwrap_or(JwkSet { keys: vec![] })
    }

    pub fn settings(jwks_url: &str) -> JwtSettings {
        JwtSettings {
            issuer: ISSUER.to_string(),
            audience: AUDIENCE.to_string(),
            jwks_url: jwks_url.to_string(),
        }
    }

    /// A verifier that trusts this key.
    pub fn verifier(&self) -> JwtVerifier {
        JwtVerifier::with_keys(Self::settings(""), self.jwks())
    }

    /// A token for `sub`, in the `admin` group when `admin`, valid for `ttl` seconds.
    pub fn token(&self, sub: &str, admin: bool, ttl: i64) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let mut claims = serde_json::json!({
            "sub": sub,
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": now,
            "exp": now + ttl,
            "token_use": "id",
            "cognito:username": sub,
            "email": format!("{sub}@example.com"),
        });
        if admin {
            claims["cognito:groups"] = serde_json::json!(["admin"]);
        }
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(KEY_ID.to_string());
        let key = EncodingKey::from_rsa_pem(self.pem.as_bytes())?;
        Ok(jsonwebtoken::encode(&header, &claims, &key)?)
    }
}
