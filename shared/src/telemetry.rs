//! Logging set-up for every function: JSON when `AWS_LAMBDA_LOG_FORMAT=JSON`.

/// Installs the tracing subscriber the Lambda runtime recommends.
pub fn init() {
    lambda_runtime::tracing::init_default_subscriber();
}
