//! Reports — `reportType` (S), `generatedAt` (S): each run of a scheduled
//! report is kept; the newest answers `GET /admin/reports/...`.

use super::{from_item, s, to_item, unexpected, Store};

impl Store {
    /// Keeps a report of `report_type` generated at `generated_at`.
    pub async fn save_report<T: serde::Serialize>(
        &self,
        report_type: &str,
        generated_at: &str,
        report: &T,
    ) -> anyhow::Result<()> {
        let mut item = to_item(report)?;
        item.insert("reportType".into(), s(report_type));
        item.insert("generatedAt".into(), s(generated_at));
        self.client
            .put_item()
            .table_name(&self.tables.reports)
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| unexpected("saving a report", e))?;
        Ok(())
    }

    /// The newest report of `report_type`, if any was generated.
    pub async fn latest_report<T: serde::de::DeserializeOwned>(
        &self,
        report_type: &str,
    ) -> anyhow::Result<Option<T>> {
        let out = self
            .client
            .query()
            .table_name(&self.tables.reports)
            .key_condition_expression("reportType = :type")
            .expression_attribute_values(":type", s(report_type))
            .scan_index_forward(false)
            .limit(1)
            .send()
            .await
            .map_err(|e| unexpected("reading a report", e))?;
        out.items
            .unwrap_or_default()
            .into_iter()
            .next()
            .map(from_item)
            .transpose()
    }
}
