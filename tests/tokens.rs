//! The token verifier that guards the routes where signing in is optional
//! (carts, the real-time tickets): RS256 by the identity provider's key,
//! for this issuer and audience, unexpired, and nothing else. Each forged
//! or wrong token is refused, and a good one is accepted, so the refusals
//! are the checks and not a verifier that refuses everything.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use hmac::{Hmac, Mac};
use local::identity::{LocalIdentityProvider, AUDIENCE, ISSUER};
use serde_json::{json, Value};
use shared::auth::TokenError;

fn claims(overrides: Value) -> Value {
    let now = chrono::Utc::now().timestamp();
    let mut claims =
        json!({"sub": "alice", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 300});
    for (k, v) in overrides.as_object().unwrap() {
        if v.is_null() {
            claims.as_object_mut().unwrap().remove(k);
        } else {
            claims[k] = v.clone();
        }
    }
    claims
}

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(v.to_string())
}

/// A token with `header` and `claims`, signed with HMAC-SHA256 under `secret`.
fn hmac_token(header: Value, claims: &Value, secret: &[u8]) -> String {
    let signed = format!("{}.{}", b64(&header), b64(claims));
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
    mac.update(signed.as_bytes());
    format!(
        "{signed}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

async fn refused(idp: &LocalIdentityProvider, token: &str) -> TokenError {
    match idp.verifier().verify(token).await {
        Ok(claims) => panic!("accepted {claims:?}"),
        Err(e) => e,
    }
}

#[tokio::test]
async fn a_token_from_the_identity_provider_is_accepted() {
    let idp = LocalIdentityProvider::generate().unwrap();
    let token = idp.sign(claims(json!({}))).unwrap();
    let identity = idp.verifier().identity(&token).await.unwrap();
    assert_eq!(identity.sub, "alice");
    // An audience list that names this client is for it too.
    let token = idp
        .sign(claims(json!({"aud": ["another-client", AUDIENCE]})))
        .unwrap();
    assert!(idp.verifier().verify(&token).await.is_ok());
}

#[tokio::test]
async fn forged_tokens_are_refused() {
    let idp = LocalIdentityProvider::generate().unwrap();
    let good = idp.sign(claims(json!({}))).unwrap();
    let [header, payload, signature]: [&str; 3] =
        good.split('.').collect::<Vec<_>>().try_into().unwrap();

    // alg "none", with and without a signature.
    let none = json!({"alg": "none", "typ": "JWT", "kid": "local-1"});
    for token in [
        format!("{}.{payload}.", b64(&none)),
        format!("{}.{payload}.{signature}", b64(&none)),
    ] {
        assert!(matches!(
            refused(&idp, &token).await,
            TokenError::Invalid(_)
        ));
    }
    // HS256 with the public key as the HMAC secret (the key-confusion attack).
    let jwk = &idp.jwks().keys[0];
    let public = URL_SAFE_NO_PAD.decode(jwk.n.as_deref().unwrap()).unwrap();
    let hs = json!({"alg": "HS256", "typ": "JWT", "kid": "local-1"});
    for secret in [public.as_slice(), jwk.n.as_deref().unwrap().as_bytes()] {
        let token = hmac_token(hs.clone(), &claims(json!({})), secret);
        assert!(matches!(
            refused(&idp, &token).await,
            TokenError::Invalid(_)
        ));
    }
    // A changed payload under the original signature.
    let admin = b64(&claims(json!({"cognito:groups": ["admin"]})));
    let tampered = format!("{header}.{admin}.{signature}");
    assert!(matches!(
        refused(&idp, &tampered).await,
        TokenError::Invalid(_)
    ));
    // Signed by another key that claims the same key id (another user pool).
    let other = LocalIdentityProvider::generate().unwrap();
    let token = other.sign(claims(json!({}))).unwrap();
    assert!(matches!(
        refused(&idp, &token).await,
        TokenError::Invalid(_)
    ));
    // A key id the set does not have.
    let unknown = json!({"alg": "RS256", "typ": "JWT", "kid": "someone-else"});
    let token = format!("{}.{payload}.{signature}", b64(&unknown));
    assert!(matches!(
        refused(&idp, &token).await,
        TokenError::UnknownKey
    ));
    // Not a token at all.
    for token in ["", "a.b", "a.b.c.d", &format!("{header}.{payload}.!!")] {
        assert!(matches!(refused(&idp, token).await, TokenError::Invalid(_)));
    }
}

#[tokio::test]
async fn tokens_for_someone_else_or_out_of_date_are_refused() {
    let idp = LocalIdentityProvider::generate().unwrap();
    let now = chrono::Utc::now().timestamp();
    for overrides in [
        json!({"iss": "https://cognito-idp.eu-west-1.amazonaws.com/another-pool"}),
        json!({"iss": null}),
        json!({"aud": "another-client"}),
        json!({"aud": ["another-client"]}),
        json!({"aud": null}),
        json!({"exp": now - 1}),
        json!({"exp": null}),
        json!({"exp": "tomorrow"}),
        json!({"nbf": now + 600}),
        json!({"sub": null}),
    ] {
        let token = idp.sign(claims(overrides.clone())).unwrap();
        let error = refused(&idp, &token).await;
        assert!(
            matches!(error, TokenError::Invalid(_)),
            "{overrides}: {error:?}"
        );
    }
}
