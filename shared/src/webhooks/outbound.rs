//! Outbound webhooks to the shop's other systems: signatures as the
//! Standard Webhooks specification defines them, the guard that keeps
//! deliveries off loopback, private, link-local and metadata addresses,
//! and the HTTP client that only ever connects to addresses the guard
//! passed (its resolver is the guard, so a name that resolves differently
//! at delivery time than at creation, DNS rebinding, is caught too).

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, Mac};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::connect::dns::Name;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sha2::Sha256;

/// The prefix of a signing secret.
pub const SECRET_PREFIX: &str = "whsec_";
/// How long a delivery may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(15);
/// How long resolving a host may take.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(5);

/// A new signing secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes)))
}

/// `v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, the key being
/// the secret's base64 part decoded.
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> anyhow::Result<String> {
    let key = STANDARD
        .decode(secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret))
        .map_err(|e| anyhow::anyhow!("a signing secret that is not base64: {e}"))?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key)
        .map_err(|e| anyhow::anyhow!("an unusable signing key: {e}"))?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// Why an address may not be delivered to, or `None` when it may.
pub fn refused_address(ip: IpAddr, allow_loopback: bool) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => refused_v4(v4, allow_loopback),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return refused_v4(v4, allow_loopback);
            }
            let segments = v6.segments();
            // NAT64 (64:ff9b::/96) embeds an IPv4 address.
            if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                let v4 = Ipv4Addr::new(
                    (segments[6] >> 8) as u8,
                    segments[6] as u8,
                    (segments[7] >> 8) as u8,
                    segments[7] as u8,
                );
                return refused_v4(v4, allow_loopback);
            }
            if v6.is_loopback() {
                return (!allow_loopback).then_some("a loopback address");
            }
            if v6 == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
                return Some("the instance metadata address");
            }
            if v6.is_unspecified() {
                return Some("the unspecified address");
            }
            if v6.is_multicast() {
                return Some("a multicast address");
            }
            if segments[0] & 0xffc0 == 0xfe80 {
                return Some("a link-local address");
            }
            if segments[0] & 0xfe00 == 0xfc00 {
                return Some("a private (unique local) address");
            }
            // Documentation (2001:db8::/32) and discard (100::/64) prefixes.
            if segments[0] == 0x2001 && segments[1] == 0xdb8 || segments[..4] == [0x100, 0, 0, 0] {
                return Some("a reserved address");
            }
            None
        }
    }
}

fn refused_v4(ip: Ipv4Addr, allow_loopback: bool) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    if ip.is_loopback() {
        return (!allow_loopback).then_some("a loopback address");
    }
    if ip == Ipv4Addr::new(169, 254, 169, 254) || ip == Ipv4Addr::new(169, 254, 170, 2) {
        return Some("the instance metadata address");
    }
    if ip.is_link_local() {
        return Some("a link-local address");
    }
    if ip.is_private() {
        return Some("a private address");
    }
    if a == 100 && (64..128).contains(&b) {
        return Some("a shared (carrier-grade NAT) address");
    }
    if a == 0 || ip.is_unspecified() {
        return Some("the unspecified address");
    }
    if ip.is_multicast() || ip.is_broadcast() || a >= 240 {
        return Some("a multicast or reserved address");
    }
    if (a == 192 && b == 0 && (c == 0 || c == 2))
        || (a == 198 && (b == 18 || b == 19))
        || (a == 198 && b == 51 && c == 100)
        || (a == 203 && b == 0 && c == 113)
    {
        return Some("a reserved address");
    }
    None
}

/// Why a subscription URL cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum UrlRefused {
    #[error("{0}")]
    Invalid(String),
    #[error("the host {host} resolves to {reason} ({ip})")]
    Address {
        host: String,
        ip: IpAddr,
        reason: &'static str,
    },
    #[error("the host {0} does not resolve")]
    Unresolved(String),
}

/// A URL's scheme, host and port, as checked.
#[derive(Clone, Debug)]
pub struct Target {
    pub uri: http::Uri,
    pub host: String,
    pub port: u16,
}

/// Parses a subscription URL: `https` (or `http` to a loopback host when
/// loopback is allowed), no credentials, a host.
pub fn parse_url(url: &str, allow_loopback: bool) -> Result<Target, UrlRefused> {
    let uri: http::Uri = url
        .parse()
        .map_err(|_| UrlRefused::Invalid("the URL is not valid".into()))?;
    let scheme = uri.scheme_str().unwrap_or_default().to_ascii_lowercase();
    let authority = uri
        .authority()
        .ok_or_else(|| UrlRefused::Invalid("the URL has no host".into()))?;
    if authority.as_str().contains('@') {
        return Err(UrlRefused::Invalid(
            "the URL may not carry credentials".into(),
        ));
    }
    let host = authority
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    if host.is_empty() {
        return Err(UrlRefused::Invalid("the URL has no host".into()));
    }
    let port = match (scheme.as_str(), authority.port_u16()) {
        (_, Some(port)) => port,
        ("https", None) => 443,
        ("http", None) => 80,
        _ => 0,
    };
    match scheme.as_str() {
        "https" => {}
        "http" if allow_loopback => {}
        _ => return Err(UrlRefused::Invalid("the URL must use https".into())),
    }
    Ok(Target { uri, host, port })
}

/// Resolves a host and checks every address it has: one refused address
/// refuses the host (a resolver may answer any of them next time).
pub async fn vetted_addresses(
    host: &str,
    port: u16,
    allow_loopback: bool,
) -> Result<Vec<SocketAddr>, UrlRefused> {
    let addresses: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((host, port)))
            .await
            .map_err(|_| UrlRefused::Unresolved(host.to_string()))?
            .map_err(|_| UrlRefused::Unresolved(host.to_string()))?
            .collect(),
    };
    if addresses.is_empty() {
        return Err(UrlRefused::Unresolved(host.to_string()));
    }
    for address in &addresses {
        if let Some(reason) = refused_address(address.ip(), allow_loopback) {
            return Err(UrlRefused::Address {
                host: host.to_string(),
                ip: address.ip(),
                reason,
            });
        }
    }
    Ok(addresses)
}

/// Checks a subscription URL as a delivery would: its form, then every
/// address its host resolves to; plain `http` only to loopback.
pub async fn check_url(url: &str, allow_loopback: bool) -> Result<Target, UrlRefused> {
    let target = parse_url(url, allow_loopback)?;
    let addresses = vetted_addresses(&target.host, target.port, allow_loopback).await?;
    let https = target.uri.scheme_str() == Some("https");
    if !https && !addresses.iter().all(|a| a.ip().is_loopback()) {
        return Err(UrlRefused::Invalid("the URL must use https".into()));
    }
    Ok(target)
}

/// The connector's resolver: resolves with the system and refuses any
/// address the guard refuses, so what was checked is what is connected to.
#[derive(Clone)]
struct GuardedResolver {
    allow_loopback: bool,
}

impl tower_service::Service<Name> for GuardedResolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = std::io::Error;
    type Future =
        Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send + 'static>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let allow_loopback = self.allow_loopback;
        Box::pin(async move {
            // The connector puts the URL's port on each address.
            vetted_addresses(name.as_str(), 0, allow_loopback)
                .await
                .map(Vec::into_iter)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::PermissionDenied, e))
        })
    }
}

/// What a receiver answered, or why it did not.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub status_code: Option<u16>,
    pub error: Option<String>,
    pub duration_ms: u64,
}

impl Outcome {
    pub fn succeeded(&self) -> bool {
        self.status_code.is_some_and(|c| (200..300).contains(&c))
    }
}

/// The signed request for one attempt.
pub struct SignedRequest<'a> {
    pub url: &'a str,
    pub id: &'a str,
    pub timestamp: i64,
    pub body: &'a [u8],
    /// Every secret in force: deliveries are signed by each.
    pub secrets: Vec<&'a str>,
}

/// POSTs one delivery; never follows redirects (a 3xx is a failure).
pub async fn send(request: SignedRequest<'_>, allow_loopback: bool) -> Outcome {
    let started = Instant::now();
    let result = async {
        let target = parse_url(request.url, allow_loopback).map_err(|e| e.to_string())?;
        // An IP literal never reaches the resolver: check it here.
        if let Ok(ip) = target.host.parse::<IpAddr>() {
            if let Some(reason) = refused_address(ip, allow_loopback) {
                return Err(format!("refused: {} is {reason}", ip));
            }
        }
        let mut signatures = Vec::new();
        for secret in &request.secrets {
            signatures.push(
                signature(secret, request.id, request.timestamp, request.body)
                    .map_err(|e| e.to_string())?,
            );
        }
        let mut http = HttpConnector::new_with_resolver(GuardedResolver { allow_loopback });
        http.enforce_http(false);
        http.set_connect_timeout(Some(Duration::from_secs(5)));
        let connector = crate::https::wrap(http);
        let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build(connector);
        let http_request = http::Request::post(target.uri.clone())
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(http::header::USER_AGENT, "order-service-webhooks/1")
            .header("webhook-id", request.id)
            .header("webhook-timestamp", request.timestamp.to_string())
            .header("webhook-signature", signatures.join(" "))
            .body(Full::new(Bytes::copy_from_slice(request.body)))
            .map_err(|e| e.to_string())?;
        let response = tokio::time::timeout(TIMEOUT, client.request(http_request))
            .await
            .map_err(|_| "timed out".to_string())?
            .map_err(|e| {
                let mut message = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(cause) = source {
                    message = format!("{message}: {cause}");
                    source = cause.source();
                }
                message
            })?;
        let status = response.status().as_u16();
        // Read (and drop) a little of the answer so the connection closes
        // cleanly; what the receiver says is not kept.
        let _ = tokio::time::timeout(Duration::from_secs(2), response.into_body().collect()).await;
        Ok::<u16, String>(status)
    }
    .await;
    let duration_ms = started.elapsed().as_millis() as u64;
    match result {
        Ok(status) => Outcome {
            status_code: Some(status),
            error: None,
            duration_ms,
        },
        Err(error) => Outcome {
            status_code: None,
            error: Some(error.chars().take(300).collect()),
            duration_ms,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_link_local_and_metadata_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "169.254.1.1",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00:ec2::254",
            "fc00::1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(refused_address(ip, false).is_some(), "{ip}");
        }
        for ip in ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"] {
            let ip: IpAddr = ip.parse().unwrap();
            assert_eq!(refused_address(ip, false), None, "{ip}");
        }
        assert_eq!(refused_address("127.0.0.1".parse().unwrap(), true), None);
        assert!(refused_address("10.0.0.1".parse().unwrap(), true).is_some());
    }

    #[test]
    fn urls_must_be_https_without_credentials() {
        assert!(parse_url("http://hooks.example.com/x", false).is_err());
        assert!(parse_url("https://user:pw@hooks.example.com/x", false).is_err());
        assert!(parse_url("ftp://hooks.example.com/x", true).is_err());
        let target = parse_url("https://Hooks.Example.com:8443/x", false).unwrap();
        assert_eq!(
            (target.host.as_str(), target.port),
            ("hooks.example.com", 8443)
        );
    }

    #[test]
    fn signatures_follow_the_standard_webhooks_example() {
        // The specification's own example.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap(),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }
}
