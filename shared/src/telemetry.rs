//! Logging set-up for every function: JSON when `AWS_LAMBDA_LOG_FORMAT=JSON`.

use lambda_runtime::tracing::subscriber::filter::LevelFilter;

/// Installs the subscriber the Lambda runtime's `init_default_subscriber`
/// would, with one difference: the level is a single level, from
/// `AWS_LAMBDA_LOG_LEVEL` (Lambda's logging controls), else `RUST_LOG`,
/// else INFO. No per-module directives: they need `EnvFilter`, whose
/// regular expression engine was a twentieth of every function's code.
pub fn init() {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let level = level(
        var("AWS_LAMBDA_LOG_LEVEL")
            .or_else(|| var("RUST_LOG"))
            .as_deref(),
    );
    let subscriber = lambda_runtime::tracing::subscriber::fmt()
        .with_target(false)
        .without_time()
        .with_max_level(level);
    let json = var("AWS_LAMBDA_LOG_FORMAT").is_some_and(|f| f.eq_ignore_ascii_case("json"));
    let _ = if json {
        subscriber.json().try_init()
    } else {
        subscriber.try_init()
    };
}

/// Installs a subscriber that writes every line, as JSON, to `writer`: the
/// project's own crates at DEBUG and every other crate at INFO. The test
/// suite keeps what it writes, to scan it for personal data.
pub fn init_json_to<W>(writer: W)
where
    W: for<'w> lambda_runtime::tracing::subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    use lambda_runtime::tracing::subscriber::filter::Targets;
    use lambda_runtime::tracing::subscriber::layer::SubscriberExt;
    use lambda_runtime::tracing::subscriber::util::SubscriberInitExt;
    let targets = Targets::new()
        .with_default(LevelFilter::INFO)
        .with_target("shared", LevelFilter::DEBUG)
        .with_target("local", LevelFilter::DEBUG)
        .with_target("functions", LevelFilter::DEBUG)
        .with_target("tests", LevelFilter::DEBUG);
    let _ = lambda_runtime::tracing::subscriber::registry()
        .with(
            lambda_runtime::tracing::subscriber::fmt::layer()
                .json()
                .with_writer(writer),
        )
        .with(targets)
        .try_init();
}

/// The level named by `setting` (any case), INFO when it names none.
fn level(setting: Option<&str>) -> LevelFilter {
    setting
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(LevelFilter::INFO)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_level_is_lambdas_setting_or_info() {
        assert_eq!(level(Some("error")), LevelFilter::ERROR);
        assert_eq!(level(Some("DEBUG")), LevelFilter::DEBUG);
        assert_eq!(level(None), LevelFilter::INFO);
        assert_eq!(level(Some("shared=debug,info")), LevelFilter::INFO);
    }
}
