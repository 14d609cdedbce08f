import { useApplyPromotion, useRemovePromotion, type Cart } from "@order-service/api";
import { useId, useState, type FormEvent } from "react";
import { ErrorText } from "../../components/states";
import { useCartSession } from "../../cart/CartSession";

/** A promotion code field: the server says whether it applies, and why not. */
export function PromotionCode({ cart }: { cart: Cart }) {
  const { setCart } = useCartSession();
  const apply = useApplyPromotion(cart.cartId, setCart);
  const remove = useRemovePromotion(cart.cartId, setCart);
  const [code, setCode] = useState("");
  const id = useId();
  const errorId = `${id}-error`;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!code.trim()) return;
    apply.mutate(code.trim(), { onSuccess: () => setCode("") });
  }

  const promotion = cart.promotion;
  return (
    <section className="promotion" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="small-heading">
        Promotion code
      </h2>
      {promotion && (
        <div className={`promotion-applied ${promotion.applies ? "ok" : "not-ok"}`}>
          <p>
            <code className="promo-code">{promotion.code}</code> {promotion.description}
            {promotion.applies ? (
              <span className="muted"> — applied</span>
            ) : (
              <span role="status" className="promotion-reason">
                {" "}
                — does not apply: {promotion.reason ?? promotion.reasonCode}
              </span>
            )}
          </p>
          <button type="button" className="link-button" onClick={() => remove.mutate()} disabled={remove.isPending}>
            Remove code
          </button>
          {remove.isError && (
            <p className="field-error" role="alert">
              <ErrorText error={remove.error} />
            </p>
          )}
        </div>
      )}
      <form onSubmit={submit} className="inline-form" noValidate>
        <label htmlFor={id} className="visually-hidden">
          Promotion code
        </label>
        <input
          id={id}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          placeholder="Enter a code"
          autoComplete="off"
          maxLength={40}
          aria-invalid={apply.isError}
          aria-describedby={apply.isError ? errorId : undefined}
        />
        <button type="submit" className="button" disabled={apply.isPending || !code.trim()}>
          {apply.isPending ? "Applying…" : "Apply"}
        </button>
      </form>
      {apply.isError && (
        <p id={errorId} className="field-error" role="alert">
          <ErrorText error={apply.error} />
        </p>
      )}
    </section>
  );
}
