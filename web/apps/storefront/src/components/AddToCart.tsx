import { maxOrderable, type CatalogProduct } from "@order-service/api";
import { useId, useState } from "react";
import { Link } from "react-router";
import { useCartSession } from "../cart/CartSession";
import { ErrorText } from "./states";

/** A quantity and "Add to cart": what the service refuses (stock) is said beside it. */
export function AddToCart({ product, compact = false }: { product: CatalogProduct; compact?: boolean }) {
  const { addItem } = useCartSession();
  const [quantity, setQuantity] = useState(1);
  const [state, setState] = useState<{ kind: "idle" } | { kind: "adding" } | { kind: "added"; quantity: number } | { kind: "error"; error: unknown }>({
    kind: "idle",
  });
  const id = useId();
  const max = maxOrderable(product);
  if (max === 0) {
    return (
      <button type="button" className="button" disabled>
        Sold out
      </button>
    );
  }
  const options = Array.from({ length: Math.min(max, 10) }, (_, i) => i + 1);

  async function add() {
    setState({ kind: "adding" });
    try {
      await addItem(product.sku, quantity);
      setState({ kind: "added", quantity });
    } catch (error) {
      setState({ kind: "error", error });
    }
  }

  return (
    <div className={`add-to-cart${compact ? " compact" : ""}`}>
      <div className="add-to-cart-row">
        <label htmlFor={id} className={compact ? "visually-hidden" : undefined}>
          Quantity{compact ? ` of ${product.name}` : ""}
        </label>
        <select id={id} value={quantity} onChange={(e) => setQuantity(Number(e.target.value))} className="quantity-select">
          {options.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <button
          type="button"
          className="button primary"
          onClick={() => void add()}
          disabled={state.kind === "adding"}
          aria-label={compact ? `Add ${product.name} to cart` : undefined}
        >
          {state.kind === "adding" ? "Adding…" : "Add to cart"}
        </button>
      </div>
      <div aria-live="polite" className="add-to-cart-status">
        {state.kind === "added" && (
          <p className="added">
            Added {state.quantity} to your cart. <Link to="/cart">View cart</Link>
          </p>
        )}
        {state.kind === "error" && (
          <p className="field-error" role="alert">
            <ErrorText error={state.error} />
          </p>
        )}
      </div>
    </div>
  );
}
