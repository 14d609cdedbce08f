//! The local identity provider: an RS256 key pair, its JWKS, and tokens
//! shaped like Cognito's ID tokens (`sub`, `cognito:groups`, `iss`, `aud`,
//! `exp`). The key lives in `.local/jwt/` so `make token` and `make dev`
//! agree across processes.

use std::path::Path;

use anyhow::Context;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use shared::auth::{JwkSet, JwtSettings, JwtVerifier};

pub const ISSUER: &str = "https://local-idp.order-service.test";
/// The client id of the local web apps (the Cognito app client in AWS),
/// which the API takes as the tokens' audience.
pub const AUDIENCE: &str = "order-service-web";
const KEY_ID: &str = "local-1";

/// A user the local sign-in page offers.
#[derive(Debug)]
pub struct DemoUser {
    pub sub: &'static str,
    pub name: &'static str,
    pub admin: bool,
}

impl DemoUser {
    pub fn email(&self) -> String {
        format!("{}@example.com", self.sub)
    }
}

/// The demo users: two customers and an administrator.
pub const DEMO_USERS: &[DemoUser] = &[
    DemoUser {
        sub: "alice",
        name: "Alice Liddell",
        admin: false,
    },
    DemoUser {
        sub: "bob",
        name: "Bob Marley",
        admin: false,
    },
    DemoUser {
        sub: "root",
        name: "Rosa Root",
        admin: true,
    },
];

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
        serde_json::from_value(value).unwrap_or_default()
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

    /// An ID token for `sub`, in the `admin` group when `admin`, valid for
    /// `ttl` seconds (what `make token` prints).
    pub fn token(&self, sub: &str, admin: bool, ttl: i64) -> anyhow::Result<String> {
        self.sign(id_claims(sub, None, admin, None, ttl))
    }

    /// The ID token the sign-in page gives `user`, shaped like Cognito's.
    pub fn id_token(
        &self,
        user: &DemoUser,
        nonce: Option<&str>,
        ttl: i64,
    ) -> anyhow::Result<String> {
        self.sign(id_claims(user.sub, Some(user.name), user.admin, nonce, ttl))
    }

    /// An access token shaped like Cognito's: no `aud`, the app client in
    /// `client_id`. The API takes ID tokens; apps may ignore this one.
    pub fn access_token(&self, user: &DemoUser, ttl: i64) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let mut claims = serde_json::json!({
            "sub": user.sub,
            "iss": ISSUER,
            "client_id": AUDIENCE,
            "iat": now,
            "exp": now + ttl,
            "token_use": "access",
            "scope": "openid email profile",
            "username": user.sub,
        });
        if user.admin {
            claims["cognito:groups"] = serde_json::json!(["admin"]);
        }
        self.sign(claims)
    }

    /// Signs `claims` as this provider does every token (RS256, its key id).
    pub fn sign(&self, claims: serde_json::Value) -> anyhow::Result<String> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(KEY_ID.to_string());
        let key = EncodingKey::from_rsa_pem(self.pem.as_bytes())?;
        Ok(jsonwebtoken::encode(&header, &claims, &key)?)
    }
}

fn id_claims(
    sub: &str,
    name: Option<&str>,
    admin: bool,
    nonce: Option<&str>,
    ttl: i64,
) -> serde_json::Value {
    let now = chrono::Utc::now().timestamp();
    let mut claims = serde_json::json!({
        "sub": sub,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "auth_time": now,
        "exp": now + ttl,
        "token_use": "id",
        "cognito:username": sub,
        "email": format!("{sub}@example.com"),
        "email_verified": true,
    });
    if let Some(name) = name {
        claims["name"] = serde_json::json!(name);
    }
    if let Some(nonce) = nonce {
        claims["nonce"] = serde_json::json!(nonce);
    }
    if admin {
        claims["cognito:groups"] = serde_json::json!(["admin"]);
    }
    claims
}
