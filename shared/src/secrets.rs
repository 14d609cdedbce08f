//! Secrets (the gateway's API key, webhook signing secrets) are read from
//! AWS Secrets Manager when the function's environment names an ARN
//! (`<NAME>_ARN`, which is how `template.yaml` configures them), or taken
//! from the environment variable `<NAME>` itself (handy for a one-off local
//! run). A Secrets Manager value is fetched once per container, at first
//! use, so functions that never need it never pay for it.
//!
//! The value never appears in `Debug` output or in logs.

use std::fmt;
use std::sync::Arc;

use anyhow::Context;
use tokio::sync::OnceCell;

/// Where a secret comes from.
#[derive(Clone)]
enum Source {
    Inline(String),
    SecretsManager(String),
}

/// A secret, resolved lazily and cached for the life of the container.
#[derive(Clone)]
pub struct Secret {
    name: &'static str,
    source: Source,
    value: Arc<OnceCell<String>>,
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let from = match &self.source {
            Source::Inline(_) => "environment".to_string(),
            Source::SecretsManager(arn) => arn.clone(),
        };
        write!(f, "Secret({} from {from}, value redacted)", self.name)
    }
}

impl Secret {
    /// The secret called `name`: from Secrets Manager if `<name>_ARN` is
    /// set, else the value of `<name>`; `None` when neither is set.
    pub fn from_lookup(
        name: &'static str,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Option<Self> {
        let non_empty = |key: &str| lookup(key).filter(|v| !v.trim().is_empty());
        let source = match non_empty(&format!("{name}_ARN")) {
            Some(arn) => Source::SecretsManager(arn),
            None => Source::Inline(non_empty(name)?),
        };
        Some(Self {
            name,
            source,
            value: Arc::new(OnceCell::new()),
        })
    }

    /// A secret with a known value (tests, local tools).
    pub fn inline(name: &'static str, value: impl Into<String>) -> Self {
        Self {
            name,
            source: Source::Inline(value.into()),
            value: Arc::new(OnceCell::new()),
        }
    }

    /// The variable the secret is configured by.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The secret's value, fetched from Secrets Manager on first use.
    pub async fn value(&self, client: &aws_sdk_secretsmanager::Client) -> anyhow::Result<&str> {
        let value = self
            .value
            .get_or_try_init(|| async {
                match &self.source {
                    Source::Inline(v) => Ok(v.clone()),
                    Source::SecretsManager(arn) => {
                        let output = client
                            .get_secret_value()
                            .secret_id(arn)
                            .send()
                            .await
                            .with_context(|| {
                                format!("reading {} from Secrets Manager", self.name)
                            })?;
                        output
                            .secret_string()
                            .map(|s| s.trim().to_string())
                            .filter(|s| !s.is_empty())
                            .with_context(|| format!("the secret {} has no value set", self.name))
                    }
                }
            })
            .await?;
        Ok(value.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arn_wins_over_an_inline_value_and_debug_never_shows_the_value() {
        let env = |k: &str| match k {
            "KEY" => Some("sk_test_visible".to_string()),
            "KEY_ARN" => Some("arn:aws:secretsmanager:us-east-1:1:secret:key".to_string()),
            "EMPTY" => Some(" ".to_string()),
            _ => None,
        };
        let secret = Secret::from_lookup("KEY", env).unwrap();
        assert!(matches!(secret.source, Source::SecretsManager(_)));
        assert!(Secret::from_lookup("EMPTY", env).is_none());
        assert!(Secret::from_lookup("MISSING", env).is_none());
        let inline =
            Secret::from_lookup("KEY", |k| (k == "KEY").then(|| "sk_test_visible".into())).unwrap();
        assert!(!format!("{inline:?}").contains("sk_test_visible"));
    }
}
