import {
  formatMoney,
  parseMoneyInput,
  SHOP_CURRENCY_MESSAGE,
  toShopCurrency,
  useRefundOrder,
  type AdminOrder,
  type Money,
} from "@order-service/api";
import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { applyServerError, Field } from "@order-service/ui";
import { FormError } from "../../components/states";

/** What can still be refunded: what was captured less what was refunded already. */
export function remainingRefundable(order: AdminOrder): Money {
  const currency = order.total.currency;
  const captured = order.payment && order.payment.status !== "DECLINED" ? order.payment.amount.amount : order.total.amount;
  const refundedByRecords = (order.refunds ?? []).reduce((sum, r) => sum + r.amount.amount, 0);
  const refunded = Math.max(order.payment?.refunded?.amount ?? 0, refundedByRecords);
  return { amount: Math.max(0, captured - refunded), currency };
}

export function refundSchema(remaining: Money) {
  return z.object({
    amount: z
      .string()
      .trim()
      .min(1, "Enter an amount")
      .refine((v) => parseMoneyInput(v, remaining.currency) !== null, "Enter an amount like 12.50")
      .refine((v) => (parseMoneyInput(v, remaining.currency) ?? 0) > 0, "The amount must be more than zero")
      .refine(
        (v) => (parseMoneyInput(v, remaining.currency) ?? 0) <= remaining.amount,
        `At most ${formatMoney(remaining)} remains to refund`,
      ),
    reason: z.string().trim().min(1, "Say why").max(500, "At most 500 characters"),
  });
}

type RefundValues = z.infer<ReturnType<typeof refundSchema>>;

/**
 * A refund without a return. One Idempotency-Key is kept for an attempt (the
 * same amount and reason), so sending again after a lost answer or a 503
 * refunds once; changing the amount or reason starts a new attempt.
 */
export function RefundForm({ order, remaining }: { order: AdminOrder; remaining: Money }) {
  const refund = useRefundOrder(order.orderId);
  const [attempt, setAttempt] = useState<{ body: string; key: string } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const form = useForm<RefundValues>({
    resolver: zodResolver(refundSchema(remaining)),
    defaultValues: { amount: "", reason: "" },
  });

  const submit = form.handleSubmit((values) => {
    const amount = parseMoneyInput(values.amount, remaining.currency);
    const currency = toShopCurrency(remaining.currency);
    if (amount === null) return;
    if (!currency) {
      // The service refunds only in the shop's currency; an order in another cannot be refunded here.
      form.setError("amount", { type: "currency", message: SHOP_CURRENCY_MESSAGE });
      return;
    }
    const body = { amount: { amount, currency }, reason: values.reason };
    const fingerprint = JSON.stringify(body);
    const current = attempt?.body === fingerprint ? attempt : { body: fingerprint, key: crypto.randomUUID() };
    setAttempt(current);
    setDone(null);
    refund.mutate(
      { body, idempotencyKey: current.key },
      {
        onSuccess: (result) => {
          setAttempt(null);
          form.reset();
          setDone(`Refunded ${formatMoney(result.amount)}.`);
        },
        onError: (error) => {
          applyServerError(error, form.setError, { amount: "amount", "amount.amount": "amount", reason: "reason" });
        },
      },
    );
  });

  return (
    <form className="stack refund-form" onSubmit={submit} aria-labelledby="refund-heading" noValidate>
      <h3 id="refund-heading">Refund an amount</h3>
      <p className="muted">{formatMoney(remaining)} remains refundable.</p>
      <Field label={`Amount (${remaining.currency})`} error={form.formState.errors.amount}>
        {(props) => <input {...props} inputMode="decimal" autoComplete="off" {...form.register("amount")} />}
      </Field>
      <Field label="Reason" error={form.formState.errors.reason}>
        {(props) => <input {...props} maxLength={500} {...form.register("reason")} />}
      </Field>
      <FormError error={refund.isError && !form.formState.errors.amount ? refund.error : null} />
      {done && (
        <p role="status" className="alert alert-success">
          {done}
        </p>
      )}
      <div>
        <button type="submit" className="button primary" disabled={refund.isPending}>
          {refund.isPending ? "Refunding…" : "Refund"}
        </button>
      </div>
    </form>
  );
}
