import { useOrderLabel } from "@order-service/api";
import { FormError } from "../../components/states";
import { printPdf, saveFile } from "../../lib/download";

/** Download or print a shipped order's label (a PDF from the API). */
export function LabelActions({ orderId, orderNumber }: { orderId: string; orderNumber: string }) {
  const label = useOrderLabel(orderId);
  return (
    <div className="stack-right">
      <div className="row">
        <button
          type="button"
          className="button"
          disabled={label.isPending}
          onClick={() => label.mutate(undefined, { onSuccess: (pdf) => saveFile(pdf, `label-${orderNumber}.pdf`, "application/pdf") })}
        >
          Download label
        </button>
        <button type="button" className="button" disabled={label.isPending} onClick={() => label.mutate(undefined, { onSuccess: printPdf })}>
          Print label
        </button>
      </div>
      <FormError error={label.error} />
    </div>
  );
}
