//! The local identity provider's browser side: enough OpenID Connect for a
//! web app to sign in with the authorization code flow and PKCE, exactly as
//! it does against Cognito's hosted UI in AWS.
//!
//! - `GET  /local-idp/.well-known/openid-configuration`: discovery;
//! - `GET  /local-idp/authorize`: a sign-in page listing the demo users;
//! - `POST /local-idp/authorize`: the chosen user, answered with a redirect
//!   carrying a one-time `code` and the app's `state`;
//! - `POST /local-idp/token`: the code and its PKCE verifier exchanged for
//!   an ID token and an access token;
//! - `GET  /local-idp/jwks.json`: the public keys;
//! - `GET  /local-idp/logout`: back to the app's post-logout page.
//!
//! Redirect URIs must belong to one of the local web apps' origins, and the
//! client id must be the one the API trusts, as Cognito checks the app
//! client's callback URLs. A code is good once, for a minute, and only with
//! the verifier whose S256 challenge the sign-in started with.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Response, StatusCode};
use sha2::{Digest, Sha256};

use crate::identity::{DemoUser, LocalIdentityProvider, AUDIENCE, DEMO_USERS, ISSUER};

/// How long an authorization code can be exchanged.
const CODE_LIFETIME: Duration = Duration::from_secs(60);
/// How long the tokens it gives are valid.
const TOKEN_LIFETIME_SECONDS: i64 = 3600;

type HttpResponse = Response<Full<Bytes>>;

/// What a sign-in started with, kept until its code is exchanged.
struct Grant {
    user: &'static DemoUser,
    redirect_uri: String,
    code_challenge: String,
    nonce: Option<String>,
    issued: Instant,
}

/// The authorization server's state: the key and the codes not yet used.
pub struct OidcProvider {
    idp: LocalIdentityProvider,
    /// Origins whose pages may receive codes and read token answers.
    web_origins: Vec<String>,
    grants: Mutex<HashMap<String, Grant>>,
}

/// The parameters of an authorization request.
#[derive(Debug, Default)]
struct AuthorizeParams {
    response_type: String,
    client_id: String,
    redirect_uri: String,
    state: String,
    code_challenge: String,
    code_challenge_method: String,
    nonce: Option<String>,
    scope: String,
}

impl AuthorizeParams {
    fn parse(pairs: &HashMap<String, String>) -> Self {
        let get = |k: &str| pairs.get(k).cloned().unwrap_or_default();
        Self {
            response_type: get("response_type"),
            client_id: get("client_id"),
            redirect_uri: get("redirect_uri"),
            state: get("state"),
            code_challenge: get("code_challenge"),
            code_challenge_method: get("code_challenge_method"),
            nonce: pairs.get("nonce").filter(|n| !n.is_empty()).cloned(),
            scope: get("scope"),
        }
    }

    fn as_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![
            ("response_type", self.response_type.clone()),
            ("client_id", self.client_id.clone()),
            ("redirect_uri", self.redirect_uri.clone()),
            ("state", self.state.clone()),
            ("code_challenge", self.code_challenge.clone()),
            ("code_challenge_method", self.code_challenge_method.clone()),
            ("scope", self.scope.clone()),
        ];
        if let Some(nonce) = &self.nonce {
            pairs.push(("nonce", nonce.clone()));
        }
        pairs
    }
}

/// Pairs of an `application/x-www-form-urlencoded` string (a query or a body).
pub fn form_pairs(input: &[u8]) -> HashMap<String, String> {
    form_urlencoded::parse(input).into_owned().collect()
}

fn respond(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> HttpResponse {
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .header("cache-control", "no-store")
        .body(Full::new(body.into()))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

fn json(status: StatusCode, value: serde_json::Value) -> HttpResponse {
    respond(status, "application/json", value.to_string())
}

/// An OAuth error answer from the token endpoint (RFC 6749 §5.2).
fn token_error(code: &str, description: &str) -> HttpResponse {
    json(
        StatusCode::BAD_REQUEST,
        serde_json::json!({ "error": code, "error_description": description }),
    )
}

fn redirect(location: &str) -> HttpResponse {
    Response::builder()
        .status(StatusCode::FOUND)
        .header("location", location)
        .header("cache-control", "no-store")
        .body(Full::new(Bytes::new()))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        query.append_pair(k, v);
    }
    let separator = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{separator}{}", query.finish())
}

/// The origin (`scheme://host[:port]`) of an absolute URL.
fn origin_of(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let scheme_len = url.len() - rest.len();
    Some(&url[..scheme_len + end])
}

const SIGN_IN_PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Order Service (local identity provider)</title>
<style>
  body { font-family: system-ui, sans-serif; background: #f4f5f7; color: #1d2330; margin: 0; }
  main { max-width: 28rem; margin: 4rem auto; background: #fff; border-radius: 8px;
         padding: 2rem; box-shadow: 0 1px 3px rgba(0,0,0,.15); }
  h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
  p { color: #4a5263; }
  ul { list-style: none; padding: 0; margin: 1.5rem 0 0; }
  li + li { margin-top: .75rem; }
  button { width: 100%; text-align: left; padding: .8rem 1rem; border: 1px solid #c5cad3;
           border-radius: 6px; background: #fff; font: inherit; cursor: pointer; }
  button:hover, button:focus { border-color: #2453c7; outline: 2px solid #2453c7; outline-offset: 1px; }
  .role { display: block; color: #4a5263; font-size: .9rem; }
  .error { color: #a11d1d; }
</style>
</head>
<body>
<main>
{% if error %}
  <h1>Sign-in refused</h1>
  <p class="error" role="alert">{{ error }}</p>
{% else %}
  <h1>Sign in</h1>
  <p>The local identity provider of the Order Service. Choose a demo user; in AWS this page is Cognito's hosted UI.</p>
  <ul>
  {% for user in users %}
    <li>
      <form method="post" action="authorize">
        {% for pair in params %}<input type="hidden" name="{{ pair[0] }}" value="{{ pair[1] }}">{% endfor %}
        <input type="hidden" name="user" value="{{ user.sub }}">
        <button type="submit" aria-label="Sign in as {{ user.sub }} ({{ user.role }})">
          <strong>{{ user.name }}</strong> · {{ user.sub }}
          <span class="role">{{ user.role }}, {{ user.email }}</span>
        </button>
      </form>
    </li>
  {% endfor %}
  </ul>
{% endif %}
</main>
</body>
</html>
"#;

impl OidcProvider {
    pub fn new(idp: LocalIdentityProvider, web_origins: Vec<String>) -> Self {
        Self {
            idp,
            web_origins,
            grants: Mutex::new(HashMap::new()),
        }
    }

    /// Whether `origin` is one of the local web apps.
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.web_origins.iter().any(|o| o == origin)
    }

    fn allows_redirect(&self, uri: &str) -> bool {
        origin_of(uri).is_some_and(|o| self.allows_origin(o))
    }

    /// Answers a request under `/local-idp/`; `base` is the URL the browser
    /// reached the gateway at, `query` and `body` the raw form data.
    pub fn handle(
        &self,
        method: &hyper::Method,
        path: &str,
        base: &str,
        query: &[u8],
        body: &[u8],
    ) -> HttpResponse {
        use hyper::Method;
        match (method, path) {
            (&Method::GET, "/local-idp/.well-known/openid-configuration") => {
                json(StatusCode::OK, self.discovery(base))
            }
            (&Method::GET, "/local-idp/jwks.json") => json(
                StatusCode::OK,
                serde_json::to_value(self.idp.jwks()).unwrap_or_default(),
            ),
            (&Method::GET, "/local-idp/authorize") => self.sign_in_page(&form_pairs(query)),
            (&Method::POST, "/local-idp/authorize") => self.authorize(&form_pairs(body)),
            (&Method::POST, "/local-idp/token") => self.token(&form_pairs(body)),
            (&Method::GET, "/local-idp/logout") => self.logout(&form_pairs(query)),
            _ => json(
                StatusCode::NOT_FOUND,
                serde_json::json!({ "message": "Not Found" }),
            ),
        }
    }

    fn discovery(&self, base: &str) -> serde_json::Value {
        let at = |p: &str| format!("{base}/local-idp/{p}");
        serde_json::json!({
            "issuer": ISSUER,
            "authorization_endpoint": at("authorize"),
            "token_endpoint": at("token"),
            "jwks_uri": at("jwks.json"),
            "end_session_endpoint": at("logout"),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["none"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email", "name", "cognito:groups", "cognito:username"],
        })
    }

    fn page(
        &self,
        status: StatusCode,
        error: Option<&str>,
        params: &AuthorizeParams,
    ) -> HttpResponse {
        let mut env = minijinja::Environment::new();
        let rendered = env
            .add_template("sign-in.html", SIGN_IN_PAGE)
            .and_then(|_| env.get_template("sign-in.html"))
            .and_then(|t| {
                t.render(minijinja::context! {
                    error => error,
                    params => params.as_pairs(),
                    users => DEMO_USERS.iter().map(|u| minijinja::context! {
                        sub => u.sub,
                        name => u.name,
                        email => u.email(),
                        role => if u.admin { "administrator" } else { "customer" },
                    }).collect::<Vec<_>>(),
                })
            });
        match rendered {
            Ok(html) => respond(status, "text/html; charset=utf-8", html),
            Err(e) => respond(
                StatusCode::INTERNAL_SERVER_ERROR,
                "text/plain; charset=utf-8",
                format!("rendering the sign-in page: {e}"),
            ),
        }
    }

    /// Why an authorization request cannot go on, shown on the page itself:
    /// a request with a bad client or redirect URI must not be redirected.
    fn refuse(&self, params: &AuthorizeParams) -> Option<&'static str> {
        if params.client_id != AUDIENCE {
            return Some(
                "This application (client_id) is not registered with the identity provider.",
            );
        }
        if !self.allows_redirect(&params.redirect_uri) {
            return Some(
                "The redirect_uri is not one of the application's registered callback URLs.",
            );
        }
        if params.response_type != "code" {
            return Some("Only the authorization code flow (response_type=code) is supported.");
        }
        if params.code_challenge.is_empty() || params.code_challenge_method != "S256" {
            return Some("PKCE is required: send code_challenge with code_challenge_method=S256.");
        }
        if !params.scope.split(' ').any(|s| s == "openid") {
            return Some("The openid scope is required.");
        }
        None
    }

    fn sign_in_page(&self, query: &HashMap<String, String>) -> HttpResponse {
        let params = AuthorizeParams::parse(query);
        match self.refuse(&params) {
            Some(reason) => self.page(StatusCode::BAD_REQUEST, Some(reason), &params),
            None => self.page(StatusCode::OK, None, &params),
        }
    }

    fn authorize(&self, form: &HashMap<String, String>) -> HttpResponse {
        let params = AuthorizeParams::parse(form);
        if let Some(reason) = self.refuse(&params) {
            return self.page(StatusCode::BAD_REQUEST, Some(reason), &params);
        }
        let Some(user) = form
            .get("user")
            .and_then(|sub| DEMO_USERS.iter().find(|u| u.sub == sub))
        else {
            return self.page(
                StatusCode::BAD_REQUEST,
                Some("Choose one of the demo users."),
                &params,
            );
        };
        let code = URL_SAFE_NO_PAD.encode(uuid::Uuid::new_v4().as_bytes());
        if let Ok(mut grants) = self.grants.lock() {
            grants.retain(|_, g| g.issued.elapsed() < CODE_LIFETIME);
            grants.insert(
                code.clone(),
                Grant {
                    user,
                    redirect_uri: params.redirect_uri.clone(),
                    code_challenge: params.code_challenge.clone(),
                    nonce: params.nonce.clone(),
                    issued: Instant::now(),
                },
            );
        }
        redirect(&with_query(
            &params.redirect_uri,
            &[("code", &code), ("state", &params.state)],
        ))
    }

    fn token(&self, form: &HashMap<String, String>) -> HttpResponse {
        let get = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
        if get("grant_type") != "authorization_code" {
            return token_error(
                "unsupported_grant_type",
                "only authorization_code is supported",
            );
        }
        if get("client_id") != AUDIENCE {
            return token_error("invalid_client", "unknown client_id");
        }
        // A code is removed when it is looked up, so it works once.
        let grant = self
            .grants
            .lock()
            .ok()
            .and_then(|mut grants| grants.remove(get("code")));
        let Some(grant) = grant.filter(|g| g.issued.elapsed() < CODE_LIFETIME) else {
            return token_error("invalid_grant", "the code is unknown, used or expired");
        };
        if grant.redirect_uri != get("redirect_uri") {
            return token_error(
                "invalid_grant",
                "redirect_uri differs from the authorization request's",
            );
        }
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(get("code_verifier").as_bytes()));
        if challenge != grant.code_challenge {
            return token_error(
                "invalid_grant",
                "code_verifier does not match the code_challenge",
            );
        }
        let tokens = self
            .idp
            .id_token(grant.user, grant.nonce.as_deref(), TOKEN_LIFETIME_SECONDS)
            .and_then(|id| {
                Ok((
                    id,
                    self.idp.access_token(grant.user, TOKEN_LIFETIME_SECONDS)?,
                ))
            });
        match tokens {
            Ok((id_token, access_token)) => json(
                StatusCode::OK,
                serde_json::json!({
                    "id_token": id_token,
                    "access_token": access_token,
                    "token_type": "Bearer",
                    "expires_in": TOKEN_LIFETIME_SECONDS,
                    "scope": "openid email profile",
                }),
            ),
            Err(e) => json(
                StatusCode::INTERNAL_SERVER_ERROR,
                serde_json::json!({ "error": "server_error", "error_description": format!("{e:#}") }),
            ),
        }
    }

    fn logout(&self, query: &HashMap<String, String>) -> HttpResponse {
        match query.get("post_logout_redirect_uri") {
            Some(uri) if self.allows_redirect(uri) => match query.get("state") {
                Some(state) => redirect(&with_query(uri, &[("state", state)])),
                None => redirect(uri),
            },
            _ => respond(
                StatusCode::OK,
                "text/html; charset=utf-8",
                "<!doctype html><html lang=\"en\"><head><title>Signed out</title></head>\
                 <body><main><h1>Signed out</h1></main></body></html>",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_of_a_url_is_its_scheme_host_and_port() {
        assert_eq!(
            origin_of("http://127.0.0.1:3001/auth/callback?x=1"),
            Some("http://127.0.0.1:3001")
        );
        assert_eq!(
            origin_of("https://shop.example"),
            Some("https://shop.example")
        );
        assert_eq!(origin_of("javascript:alert(1)"), None);
    }

    #[test]
    fn a_query_is_appended_with_the_right_separator() {
        assert_eq!(
            with_query("http://a/cb", &[("code", "x y"), ("state", "s")]),
            "http://a/cb?code=x+y&state=s"
        );
        assert_eq!(
            with_query("http://a/cb?k=v", &[("code", "c")]),
            "http://a/cb?k=v&code=c"
        );
    }
}
