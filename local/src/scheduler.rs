//! The EventBridge schedules of `template.yaml`, fired locally: each
//! scheduled function runs on its `rate(...)` (a `cron(...)` expression runs
//! daily here), and [`run_job`] runs one on demand, the same way.

use std::time::Duration;

use anyhow::{anyhow, bail};
use shared::App;

/// The scheduled jobs the project has, by binary name.
pub const JOBS: &[&str] = &["low-stock-report", "start-stranded-orders"];

/// Runs the job `binary` once, as an EventBridge invocation would.
pub async fn run_job(binary: &str, app: &App) -> anyhow::Result<serde_json::Value> {
    crate::metering::invocation(binary, job(binary, app)).await
}

async fn job(binary: &str, app: &App) -> anyhow::Result<serde_json::Value> {
    match binary {
        "low-stock-report" => {
            let report = shared::inventory::low_stock_report(app).await?;
            Ok(serde_json::to_value(report)?)
        }
        "start-stranded-orders" => {
            let sweep = shared::workflow::start_stranded_orders(app).await?;
            Ok(serde_json::to_value(sweep)?)
        }
        other => bail!("no scheduled job is named {other}"),
    }
}

/// How often a schedule expression fires.
pub fn interval(expression: &str) -> anyhow::Result<Duration> {
    let expression = expression.trim();
    if expression.starts_with("cron(") {
        return Ok(Duration::from_secs(24 * 3600));
    }
    let inner = expression
        .strip_prefix("rate(")
        .and_then(|e| e.strip_suffix(')'))
        .ok_or_else(|| anyhow!("unsupported schedule expression {expression}"))?;
    let (value, unit) = inner
        .split_once(' ')
        .ok_or_else(|| anyhow!("unsupported schedule expression {expression}"))?;
    let value: u64 = value.parse()?;
    let seconds = match unit.trim_end_matches('s') {
        "minute" => 60,
        "hour" => 3600,
        "day" => 24 * 3600,
        _ => bail!("unsupported schedule unit in {expression}"),
    };
    Ok(Duration::from_secs(value * seconds))
}

/// Fires `binary` every `every`, logging each run.
pub fn spawn(binary: String, app: App, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut timer = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        loop {
            timer.tick().await;
            match run_job(&binary, &app).await {
                Ok(_) => tracing::info!(job = %binary, "scheduled job ran"),
                Err(e) => tracing::error!(job = %binary, error = ?e, "scheduled job failed"),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_understood() {
        assert_eq!(
            interval("rate(1 day)").unwrap(),
            Duration::from_secs(86_400)
        );
        assert_eq!(
            interval("rate(5 minutes)").unwrap(),
            Duration::from_secs(300)
        );
        assert!(interval("every tuesday").is_err());
    }
}
