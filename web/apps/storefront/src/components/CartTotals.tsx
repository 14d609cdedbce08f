import { formatMoney, type Cart } from "@order-service/api";

/**
 * The cart's figures exactly as the server priced them: subtotal, the
 * promotion's discount, shipping (once chosen), tax (once the address is
 * known; "included" when prices include it) and the total.
 */
export function CartTotals({ cart }: { cart: Cart }) {
  const hasAddress = Boolean(cart.shippingAddress);
  return (
    <dl className="totals" aria-label="Order total">
      <dt>Subtotal</dt>
      <dd>{formatMoney(cart.subtotal)}</dd>
      {cart.discount.amount > 0 && (
        <>
          <dt>
            Discount{cart.promotion && <code className="promo-code">{cart.promotion.code}</code>}
          </dt>
          <dd className="discount">−{formatMoney(cart.discount)}</dd>
        </>
      )}
      <dt>Shipping{cart.shippingOption && <span className="totals-note">{cart.shippingOption.name}</span>}</dt>
      <dd>{cart.shippingOption ? formatMoney(cart.shipping) : <span className="muted">Chosen at checkout</span>}</dd>
      <dt>{cart.taxIncluded ? "Tax (included)" : "Tax"}</dt>
      <dd>{hasAddress ? formatMoney(cart.tax) : <span className="muted">{cart.taxIncluded ? "Included" : "Calculated at checkout"}</span>}</dd>
      <dt className="total">Total</dt>
      <dd className="total">{formatMoney(cart.total)}</dd>
    </dl>
  );
}
