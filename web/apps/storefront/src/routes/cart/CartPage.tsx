import { formatMoney, useRemoveCartItem, useUpdateCartItem, type Cart, type CartLine } from "@order-service/api";
import { useAuth } from "@order-service/auth";
import { useId, useState } from "react";
import { Link } from "react-router";
import { useCartSession } from "../../cart/CartSession";
import { CartTotals } from "../../components/CartTotals";
import { PageHeader } from "../../components/Layout";
import { ProductArt } from "../../components/ProductArt";
import { Empty, ErrorState, ErrorText, Loading } from "../../components/states";
import { plural } from "../../lib/format";
import { PromotionCode } from "./PromotionCode";

export function Component() {
  const { cart, isLoading, error, refetch } = useCartSession();
  return (
    <>
      <PageHeader title="Your cart" />
      {isLoading ? (
        <Loading label="Loading your cart…" />
      ) : error ? (
        <ErrorState title="Your cart could not be loaded." error={error} retry={() => void refetch()} />
      ) : !cart || cart.lines.length === 0 ? (
        <Empty>
          <p>Your cart is empty.</p>
          <p>
            <Link to="/" className="button primary">
              Browse the shop
            </Link>
          </p>
        </Empty>
      ) : (
        <CartContents cart={cart} />
      )}
    </>
  );
}

function CartContents({ cart }: { cart: Cart }) {
  const { user, signIn } = useAuth();
  const [signInError, setSignInError] = useState<string>();
  const blocked = cart.lines.some((line) => !line.purchasable);
  return (
    <div className="cart-layout">
      <section aria-labelledby="cart-lines-heading" className="cart-lines">
        <h2 id="cart-lines-heading" className="visually-hidden">
          Items
        </h2>
        <ul className="line-list" aria-label="Items in your cart">
          {cart.lines.map((line) => (
            <CartLineRow key={line.sku} cartId={cart.cartId} line={line} />
          ))}
        </ul>
      </section>
      <aside className="card summary" aria-labelledby="summary-heading">
        <h2 id="summary-heading">Summary</h2>
        <p className="muted">{plural(cart.itemCount, "item")}</p>
        <CartTotals cart={cart} />
        <PromotionCode cart={cart} />
        {blocked && (
          <p className="alert alert-warning" role="status">
            Remove the items that are no longer for sale to check out.
          </p>
        )}
        {user ? (
          <Link to="/checkout" className={`button primary block${blocked ? " disabled" : ""}`} aria-disabled={blocked || undefined} onClick={(e) => blocked && e.preventDefault()}>
            Check out
          </Link>
        ) : (
          <>
            <button
              type="button"
              className="button primary block"
              disabled={blocked}
              onClick={() => signIn("/checkout").catch((e: unknown) => setSignInError(`Sign-in could not start: ${String(e)}`))}
            >
              Sign in to check out
            </button>
            <p className="hint">Your cart comes with you when you sign in.</p>
            {signInError && (
              <p className="field-error" role="alert">
                {signInError}
              </p>
            )}
          </>
        )}
        <p className="continue">
          <Link to="/">Continue shopping</Link>
        </p>
      </aside>
    </div>
  );
}

function CartLineRow({ cartId, line }: { cartId: string; line: CartLine }) {
  const { setCart } = useCartSession();
  const update = useUpdateCartItem(cartId, setCart);
  const remove = useRemoveCartItem(cartId, setCart);
  const id = useId();
  const busy = update.isPending || remove.isPending;
  const error = update.error ?? remove.error;
  // Quantities up to 99 a line; never fewer choices than the line already holds.
  const max = Math.max(line.quantity, Math.min(99, Math.max(10, line.available)));
  const short = line.purchasable && line.available < line.quantity;
  return (
    <li className="line" aria-label={line.name || line.sku}>
      <ProductArt sku={line.sku} name={line.name || line.sku} size="small" />
      <div className="line-info">
        <p className="line-name">
          {line.purchasable ? <Link to={`/products/${encodeURIComponent(line.sku)}`}>{line.name}</Link> : line.name || line.sku}
        </p>
        <p className="muted small">
          {formatMoney(line.unitPrice)} each · {line.sku}
        </p>
        {!line.purchasable && <p className="stock stock-out">No longer for sale</p>}
        {short && (
          <p className="stock stock-few">
            Only {line.available} available now{line.available === 0 ? " (on backorder if the product allows it)" : ""}
          </p>
        )}
        {line.discount.amount > 0 && <p className="discount small">−{formatMoney(line.discount)} promotion</p>}
      </div>
      <div className="line-controls">
        {line.purchasable && (
          <>
            <label htmlFor={id} className="visually-hidden">
              Quantity of {line.name}
            </label>
            <select
              id={id}
              className="quantity-select"
              value={line.quantity}
              disabled={busy}
              onChange={(e) => update.mutate({ sku: line.sku, quantity: Number(e.target.value) })}
            >
              {Array.from({ length: max }, (_, i) => i + 1).map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </>
        )}
        <button type="button" className="link-button" disabled={busy} onClick={() => remove.mutate(line.sku)}>
          Remove<span className="visually-hidden"> {line.name || line.sku}</span>
        </button>
      </div>
      <p className="line-total">{formatMoney(line.lineTotal)}</p>
      {error && (
        <p className="field-error line-error" role="alert">
          <ErrorText error={error} />
        </p>
      )}
    </li>
  );
}
