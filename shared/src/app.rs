//! The clients and settings a function builds once at cold start and
//! borrows into every invocation.

use anyhow::Context;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_dynamodb::config::{
    Credentials, Region, SharedAsyncSleep, SharedCredentialsProvider, SharedHttpClient,
};

use crate::{auth::JwtVerifier, config::Config};

/// Shared state of a function: SDK clients and configuration.
#[derive(Clone)]
pub struct App {
    pub config: Config,
    pub dynamo: aws_sdk_dynamodb::Client,
    pub sfn: aws_sdk_sfn::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub ses: aws_sdk_sesv2::Client,
    pub secrets: aws_sdk_secretsmanager::Client,
    pub payments: crate::payments::PaymentGateway,
    pub carrier: crate::fulfilment::Carrier,
    pub tax: crate::tax::TaxService,
    /// Verifies optional bearer tokens on routes API Gateway leaves public.
    pub jwt: Option<JwtVerifier>,
}

/// A function's SDK configuration, from the environment Lambda gives it:
/// `AWS_REGION` and the execution role's credentials (`AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), plus `AWS_ENDPOINT_URL`
/// when set (the cold-start bench points it at the emulator).
///
/// No provider chain is consulted or linked (profiles, SSO, STS, instance
/// metadata): a function has its credentials in the environment, and the
/// chain's code was a tenth of every package (`docs/performance.md`).
pub fn sdk_config() -> anyhow::Result<SdkConfig> {
    sdk_config_from(|name| std::env::var(name).ok())
}

/// [`sdk_config`] from `var` in place of the environment.
pub fn sdk_config_from(var: impl Fn(&str) -> Option<String>) -> anyhow::Result<SdkConfig> {
    let var = |name: &str| var(name).filter(|v| !v.is_empty());
    let region = var("AWS_REGION")
        .or_else(|| var("AWS_DEFAULT_REGION"))
        .context("AWS_REGION is not set")?;
    let credentials = Credentials::new(
        var("AWS_ACCESS_KEY_ID").context("AWS_ACCESS_KEY_ID is not set")?,
        var("AWS_SECRET_ACCESS_KEY").context("AWS_SECRET_ACCESS_KEY is not set")?,
        var("AWS_SESSION_TOKEN"),
        None,
        "environment",
    );
    let mut builder = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region))
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .http_client(http_client())
        .sleep_impl(SharedAsyncSleep::new(
            aws_smithy_async::rt::sleep::TokioSleep::new(),
        ))
        .time_source(aws_smithy_async::time::SharedTimeSource::default())
        .retry_config(aws_config::retry::RetryConfig::standard());
    if let Some(endpoint) = var("AWS_ENDPOINT_URL") {
        builder = builder.endpoint_url(endpoint);
    }
    Ok(builder.build())
}

/// The SDK configuration loader (provider chains included) with the
/// project's HTTP client, for the local runner and the tests, which add
/// the emulator's endpoint and dummy credentials to it.
pub fn sdk_loader() -> aws_config::ConfigLoader {
    aws_config::defaults(BehaviorVersion::latest()).http_client(http_client())
}

/// The SDK's HTTP client: the project's one hyper + rustls stack
/// ([`crate::https::SdkHttpClient`]); the local cost meter wraps it.
pub fn http_client() -> SharedHttpClient {
    SharedHttpClient::new(crate::https::SdkHttpClient::default())
}

impl App {
    /// Builds the clients from the environment; call once in `main`.
    pub async fn from_env() -> anyhow::Result<Self> {
        let config = Config::from_env();
        let sdk = sdk_config()?;
        Self::new(config, &sdk)
    }

    /// Builds the clients from an explicit configuration (tests, local
    /// runner). Fails on a configuration no function can work with, such
    /// as an unknown payment gateway.
    pub fn new(config: Config, sdk: &SdkConfig) -> anyhow::Result<Self> {
        use crate::payments::{stripe::StripeGateway, PaymentGateway};
        let jwt = config.jwt.clone().map(JwtVerifier::new);
        let secrets = aws_sdk_secretsmanager::Client::new(sdk);
        let payments = match config.payment_gateway.as_str() {
            "sandbox" => PaymentGateway::Sandbox(Default::default()),
            "stripe" => {
                let key = config.stripe_secret_key.clone().ok_or_else(|| {
                    anyhow::anyhow!(
                        "PAYMENT_GATEWAY=stripe needs STRIPE_SECRET_KEY_ARN or STRIPE_SECRET_KEY"
                    )
                })?;
                PaymentGateway::Stripe(StripeGateway::new(
                    config.stripe_api_base.clone(),
                    key,
                    secrets.clone(),
                ))
            }
            other => anyhow::bail!("PAYMENT_GATEWAY={other}: expected sandbox or stripe"),
        };
        Ok(Self {
            dynamo: aws_sdk_dynamodb::Client::new(sdk),
            sfn: aws_sdk_sfn::Client::new(sdk),
            sqs: aws_sdk_sqs::Client::new(sdk),
            ses: aws_sdk_sesv2::Client::new(sdk),
            secrets,
            payments,
            carrier: crate::fulfilment::Carrier::Local(Default::default()),
            tax: crate::tax::TaxService::default(),
            config,
            jwt,
        })
    }

    /// The DynamoDB store over this function's tables.
    pub fn store(&self) -> crate::store::Store {
        crate::store::Store::new(self.dynamo.clone(), self.config.tables.clone())
    }

    /// The shop settings as saved now (read on each use: an administrator
    /// may change them at any time).
    pub async fn settings(&self) -> anyhow::Result<crate::domain::settings::ShopSettings> {
        self.store()
            .get_settings(self.config.default_fulfilment_mode)
            .await
    }

    /// Uses `payments` (tests share one sandbox across functions to read its ledger).
    pub fn with_payments(mut self, payments: crate::payments::PaymentGateway) -> Self {
        self.payments = payments;
        self
    }

    /// Replaces the token verifier (the local runner and tests use a local key).
    pub fn with_jwt(mut self, jwt: JwtVerifier) -> Self {
        self.jwt = Some(jwt);
        self
    }
}

/// A scheduled function's whole `main`: each EventBridge invocation runs
/// `job` once and answers what it returns.
pub async fn run_scheduled<T: serde::Serialize>(
    job: impl AsyncFn(&App) -> anyhow::Result<T>,
) -> Result<(), lambda_runtime::Error> {
    crate::telemetry::init();
    let app = App::from_env().await?;
    let (app, job) = (&app, &job);
    lambda_runtime::run(lambda_runtime::service_fn(
        move |_event: lambda_runtime::LambdaEvent<serde_json::Value>| async move {
            let answer = job(app)
                .await
                .map_err(|e| lambda_runtime::Error::from(format!("{e:#}")))?;
            Ok::<_, lambda_runtime::Error>(serde_json::to_value(answer)?)
        },
    ))
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn a_functions_sdk_configuration_comes_from_lambdas_environment() {
        let sdk = sdk_config_from(env(&[
            ("AWS_REGION", "eu-west-1"),
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("AWS_SESSION_TOKEN", "token"),
        ]))
        .unwrap();
        assert_eq!(sdk.region().map(|r| r.as_ref()), Some("eu-west-1"));
        assert!(sdk.credentials_provider().is_some());
        assert!(sdk.http_client().is_some() && sdk.sleep_impl().is_some());
        assert_eq!(sdk.endpoint_url(), None);

        let local = sdk_config_from(env(&[
            ("AWS_DEFAULT_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
        ]))
        .unwrap();
        assert_eq!(local.endpoint_url(), Some("http://127.0.0.1:5000"));
    }

    #[test]
    fn a_missing_region_or_credential_is_named() {
        let error = sdk_config_from(env(&[("AWS_ACCESS_KEY_ID", "AKID")])).unwrap_err();
        assert!(error.to_string().contains("AWS_REGION"), "{error}");
        let error = sdk_config_from(env(&[
            ("AWS_REGION", "eu-west-1"),
            ("AWS_ACCESS_KEY_ID", "AKID"),
        ]))
        .unwrap_err();
        assert!(
            error.to_string().contains("AWS_SECRET_ACCESS_KEY"),
            "{error}"
        );
    }
}
