//! `make token SUB=alice [ADMIN=1]`: prints a JWT for the local stack on
//! stdout and nothing else.

use local::identity::LocalIdentityProvider;
use local::project_root;

fn main() -> anyhow::Result<()> {
    let sub = std::env::var("SUB")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "alice".into());
    let admin = matches!(
        std::env::var("ADMIN").as_deref(),
        Ok("1") | Ok("true") | Ok("yes")
    );
    let ttl = std::env::var("TTL")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(12 * 3600);
    let idp = LocalIdentityProvider::load_or_create(&project_root()?.join(".local/jwt"))?;
    println!("{}", idp.token(&sub, admin, ttl)?);
    Ok(())
}
