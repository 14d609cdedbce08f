//! The clients and settings a function builds once at cold start and
//! borrows into every invocation.

use aws_config::{BehaviorVersion, SdkConfig};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};

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

/// Loads the SDK configuration with the project's single HTTPS stack
/// (hyper 1 + rustls on ring). `AWS_ENDPOINT_URL` points it at the emulator.
pub async fn sdk_config() -> SdkConfig {
    sdk_loader().load().await
}

/// The SDK configuration loader with the project's HTTPS client; the local
/// runner adds the emulator's endpoint and dummy credentials to it.
pub fn sdk_loader() -> aws_config::ConfigLoader {
    let http_client = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .build_https();
    aws_config::defaults(BehaviorVersion::latest()).http_client(http_client)
}

impl App {
    /// Builds the clients from the environment; call once in `main`.
    pub async fn from_env() -> anyhow::Result<Self> {
        let config = Config::from_env();
        let sdk = sdk_config().await;
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
