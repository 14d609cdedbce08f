//! The Order Service library: everything the Lambda functions share.
//!
//! - [`domain`]: money, products, carts, orders and the rules between them.
//!   Plain Rust: no `lambda_*`, no `aws_sdk_*`.
//! - [`store`]: the DynamoDB adapter that keeps the domain's state, translating
//!   conditional-check failures into domain errors.
//! - [`workflow`]: the Step Functions adapter (start executions, task callbacks).
//! - [`api`]: the HTTP handlers behind API Gateway and the one place that turns
//!   errors into status codes.
//! - [`workers`]: the SQS-driven workflow steps.
//! - [`realtime`]: order changes pushed to browsers over the WebSocket API.
//! - [`config`], [`app`], [`telemetry`], [`auth`]: wiring shared by every function.

pub mod analytics;
pub mod api;
pub mod app;
pub mod auth;
pub mod config;
pub mod domain;
pub mod erasure;
pub mod events;
pub mod fulfilment;
mod https;
pub mod inventory;
mod jwks;
pub mod notifications;
pub mod payments;
pub mod pricing;
pub mod realtime;
pub mod secrets;
pub mod store;
pub mod tax;
pub mod telemetry;
pub mod webhooks;
pub mod workers;
pub mod workflow;

pub use app::App;
pub use config::Config;
