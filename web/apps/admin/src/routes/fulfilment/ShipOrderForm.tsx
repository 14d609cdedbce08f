import { useShipOrder, type AdminOrder, type ShipOrderRequest } from "@order-service/api";
import { zodResolver } from "@hookform/resolvers/zod";
import { useId } from "react";
import { useForm, useWatch } from "react-hook-form";
import { z } from "zod";
import { applyServerError, CheckField, Field } from "@order-service/ui";
import { FormError } from "../../components/states";

/** The contract's ShipOrderRequest patterns. */
const TRACKING_NUMBER = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
const TRACKING_URL = /^https?:\/\/[A-Za-z0-9][A-Za-z0-9.-]*(:[0-9]{1,5})?([/?]([A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*)?$/;

/**
 * The shop's carrier (an empty body: it books the shipment and prints the
 * label), or another carrier the parcel was handed to, with all three of its
 * name, tracking number and tracking page (422 `incomplete_tracking` otherwise).
 */
export const shipSchema = z
  .object({ otherCarrier: z.boolean(), carrier: z.string(), trackingNumber: z.string(), trackingUrl: z.string() })
  .superRefine((v, ctx) => {
    if (!v.otherCarrier) return;
    const issue = (path: "carrier" | "trackingNumber" | "trackingUrl", message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (!v.carrier.trim()) issue("carrier", "Enter the carrier's name");
    else if (v.carrier.length > 100) issue("carrier", "At most 100 characters");
    if (!TRACKING_NUMBER.test(v.trackingNumber.trim())) issue("trackingNumber", "1 to 64 letters, digits and hyphens, starting with a letter or digit");
    const url = v.trackingUrl.trim();
    if (!url) issue("trackingUrl", "Enter the page where the customer follows the parcel");
    else if (url.length > 2048 || !TRACKING_URL.test(url)) issue("trackingUrl", "An http(s) address, like https://track.example/1Z999");
  })
  .transform((v): ShipOrderRequest =>
    v.otherCarrier ? { carrier: v.carrier.trim(), trackingNumber: v.trackingNumber.trim(), trackingUrl: v.trackingUrl.trim() } : {},
  );

type ShipValues = z.input<typeof shipSchema>;

/** Ships an order AWAITING_FULFILMENT, with the shop's carrier or another one. */
export function ShipOrderForm({ order, onShipped }: { order: AdminOrder; onShipped?: (order: AdminOrder) => void }) {
  const ship = useShipOrder(order.orderId);
  const id = useId();
  const form = useForm<ShipValues, unknown, ShipOrderRequest>({
    resolver: zodResolver(shipSchema),
    defaultValues: { otherCarrier: false, carrier: "", trackingNumber: "", trackingUrl: "" },
  });
  const other = useWatch({ control: form.control, name: "otherCarrier" });
  const errors = form.formState.errors;
  const submit = form.handleSubmit((body) =>
    ship.mutate(body, {
      onSuccess: (shipped) => onShipped?.(shipped),
      onError: (e) => applyServerError(e, form.setError, { carrier: "carrier", trackingNumber: "trackingNumber", trackingUrl: "trackingUrl" }),
    }),
  );
  return (
    <form className="stack ship-form" onSubmit={submit} noValidate aria-label={`Ship ${order.orderNumber}`}>
      <CheckField label="Handed to another carrier">
        {(props) => <input type="checkbox" {...props} aria-controls={`${id}-other`} {...form.register("otherCarrier")} />}
      </CheckField>
      <div id={`${id}-other`} hidden={!other}>
        {other && (
          <div className="row">
            <Field label="Carrier" error={errors.carrier}>
              {(props) => <input {...props} maxLength={100} autoComplete="off" {...form.register("carrier")} />}
            </Field>
            <Field label="Tracking number" error={errors.trackingNumber}>
              {(props) => <input {...props} maxLength={64} autoComplete="off" spellCheck={false} {...form.register("trackingNumber")} />}
            </Field>
            <Field label="Tracking page" error={errors.trackingUrl} hint="Linked in the customer's e-mail.">
              {(props) => <input {...props} type="url" maxLength={2048} autoComplete="off" spellCheck={false} {...form.register("trackingUrl")} />}
            </Field>
          </div>
        )}
      </div>
      {!other && <p className="hint">The shop's carrier books the parcel; its label is then ready to print on the order.</p>}
      {Object.keys(errors).length === 0 && <FormError error={ship.error} />}
      <div>
        <button type="submit" className="button primary" disabled={ship.isPending}>
          {ship.isPending ? "Shipping…" : other ? "Ship with this carrier" : "Ship"}
        </button>
      </div>
    </form>
  );
}
