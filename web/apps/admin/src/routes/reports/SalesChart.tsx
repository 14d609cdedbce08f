import { formatMoney, type SalesReport } from "@order-service/api";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** Revenue per period as bars; the same figures are in the table beside it. */
export default function SalesChart({ report }: { report: SalesReport }) {
  const currency = report.currency;
  const data = report.periods.map((p) => ({ period: p.period, revenue: p.revenue.amount, orders: p.orders }));
  const money = (amount: number) => formatMoney({ amount, currency });
  return (
    <ResponsiveContainer width="100%" height={280}>
      <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 16 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="period" tick={{ fontSize: 12 }} />
        <YAxis tickFormatter={money} width={90} tick={{ fontSize: 12 }} />
        <Tooltip formatter={(value) => [money(Number(value)), "Revenue"]} />
        <Bar dataKey="revenue" name="Revenue" fill="#2453c7" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
