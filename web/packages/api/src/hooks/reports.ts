/** Reports: sales, products, customers (JSON or CSV) and the low-stock report. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { unwrap, type ApiClient, type OperationJson, type OperationQuery } from "../client";
import { useApiClient } from "../context";
import { queryKeysFactory } from "./keys";

export type SalesReport = OperationJson<"getSalesReport">;
export type ProductsReport = OperationJson<"getProductsReport">;
export type CustomersReport = OperationJson<"getCustomersReport">;
export type LowStockReport = OperationJson<"getLowStockReport">;
export type SalesQuery = OperationQuery<"getSalesReport">;
export type RangeQuery = OperationQuery<"getCustomersReport">;

export const reportKeys = queryKeysFactory("reports");

export function useSalesReport(query: SalesQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: reportKeys.detail("sales", query),
    queryFn: () => unwrap(client.GET("/admin/reports/sales", { params: { query } })) as Promise<SalesReport>,
  });
}

export function useProductsReport(query: OperationQuery<"getProductsReport">) {
  const client = useApiClient();
  return useQuery({
    queryKey: reportKeys.detail("products", query),
    queryFn: () => unwrap(client.GET("/admin/reports/products", { params: { query } })) as Promise<ProductsReport>,
  });
}

export function useCustomersReport(query: RangeQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: reportKeys.detail("customers", query),
    queryFn: () => unwrap(client.GET("/admin/reports/customers", { params: { query } })) as Promise<CustomersReport>,
  });
}

export function useLowStockReport() {
  const client = useApiClient();
  return useQuery({
    queryKey: reportKeys.detail("low-stock"),
    queryFn: () => unwrap(client.GET("/admin/reports/low-stock")),
    retry: false,
  });
}

export function useRunLowStockReport() {
  const client = useApiClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(client.POST("/admin/reports/low-stock")),
    onSuccess: (report) => {
      queryClient.setQueryData(reportKeys.detail("low-stock"), report);
      return queryClient.invalidateQueries({ queryKey: reportKeys.detail("low-stock") });
    },
  });
}

export type CsvReport = "sales" | "products" | "customers";

/** A report as CSV (the API answers CSV for `Accept: text/csv`). */
export async function fetchReportCsv(client: ApiClient, report: CsvReport, query: RangeQuery & SalesQuery): Promise<string> {
  const init = { params: { query }, headers: { Accept: "text/csv" }, parseAs: "text" as const };
  const request =
    report === "sales"
      ? client.GET("/admin/reports/sales", init)
      : report === "products"
        ? client.GET("/admin/reports/products", { ...init, params: { query: { from: query.from, to: query.to } } })
        : client.GET("/admin/reports/customers", { ...init, params: { query: { from: query.from, to: query.to } } });
  return (await unwrap(request as Promise<{ data?: unknown; error?: unknown; response: Response }>)) as string;
}

export function useReportCsv(report: CsvReport) {
  const client = useApiClient();
  return useMutation({ mutationFn: (query: RangeQuery & SalesQuery) => fetchReportCsv(client, report, query) });
}
