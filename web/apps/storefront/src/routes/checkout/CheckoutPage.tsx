/**
 * Checkout, for a signed-in customer (a visitor is sent through sign-in and
 * back here): contact and shipping address (PUT shipping-address lists the
 * options that serve it), the delivery option (PUT shipping-option), the
 * billing address (the shipping one unless said otherwise), payment, and
 * the total as the server priced it. Placing the order sends that total as
 * `expectedTotal` with one Idempotency-Key per attempt, and the button is
 * disabled while it is sent: a double click places one order.
 */
import { zodResolver } from "@hookform/resolvers/zod";
import {
  cartKeys,
  formatMoney,
  useCheckout,
  useRemovePromotion,
  useSetShippingAddress,
  useSetShippingOption,
  type Cart,
} from "@order-service/api";
import { useAuth } from "@order-service/auth";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { useForm } from "react-hook-form";
import { Link, useNavigate } from "react-router";
import { useConfig } from "../../ShopContext";
import { useCartSession } from "../../cart/CartSession";
import { CartTotals } from "../../components/CartTotals";
import { applyServerError, CheckField, Field } from "@order-service/ui";
import { PageHeader } from "../../components/Layout";
import { ProductArt } from "../../components/ProductArt";
import { Empty, ErrorState, ErrorText, Loading, sentence } from "../../components/states";
import { AttemptKeys } from "../../lib/idempotency";
import type { PaymentMethodSource } from "../../payments/methods";
import { PaymentSection } from "../../payments/PaymentSection";
import { AddressFields, AddressText } from "./AddressFields";
import { checkoutProblem, type CheckoutProblem } from "./checkoutErrors";
import {
  checkoutBody,
  checkoutSchema,
  contactSchema,
  SERVER_FIELDS,
  toAddressInput,
  toAddressValues,
  type CheckoutValues,
} from "./schema";

export function Component() {
  const { user, signIn } = useAuth();
  const { cart, isLoading, error, refetch } = useCartSession();
  const [signInError, setSignInError] = useState<string>();
  if (!user) {
    return (
      <>
        <PageHeader title="Checkout" />
        <div className="card narrow">
          <p>Sign in to check out. Your cart comes with you.</p>
          <button
            type="button"
            className="button primary"
            onClick={() => signIn("/checkout").catch((e: unknown) => setSignInError(`Sign-in could not start: ${String(e)}`))}
          >
            Sign in to check out
          </button>
          {signInError && (
            <p className="field-error" role="alert">
              {signInError}
            </p>
          )}
        </div>
      </>
    );
  }
  if (isLoading) return <Loading label="Loading your cart…" />;
  if (error) return <ErrorState title="Your cart could not be loaded." error={error} retry={() => void refetch()} />;
  if (!cart || cart.lines.length === 0) {
    return (
      <>
        <PageHeader title="Checkout" />
        <Empty>
          <p>Your cart is empty, so there is nothing to check out.</p>
          <p>
            <Link to="/" className="button primary">
              Browse the shop
            </Link>
          </p>
        </Empty>
      </>
    );
  }
  return <Checkout cart={cart} />;
}

const CONTACT_AND_SHIPPING = [
  "name",
  "email",
  "phone",
  "shipping.line1",
  "shipping.line2",
  "shipping.city",
  "shipping.region",
  "shipping.postalCode",
  "shipping.country",
] as const;

function Checkout({ cart }: { cart: Cart }) {
  const config = useConfig();
  const { user } = useAuth();
  const sub = user?.profile.sub ?? "";
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { setCart, refetch } = useCartSession();

  const defaults: CheckoutValues = {
    name: typeof user?.profile.name === "string" ? user.profile.name : "",
    email: typeof user?.profile.email === "string" ? user.profile.email : "",
    phone: "",
    shipping: toAddressValues(cart.shippingAddress),
    billingSame: true,
    billing: toAddressValues(undefined),
  };
  const form = useForm<CheckoutValues>({ resolver: zodResolver(checkoutSchema), defaultValues: defaults, mode: "onTouched" });
  const { register, formState } = form;
  const errors = formState.errors;
  const billingSame = form.watch("billingSame");

  // The address form stays open until the cart has an address and the contact details are complete.
  const [editingAddress, setEditingAddress] = useState(() => !cart.shippingAddress || !contactSchema.safeParse(defaults).success);
  const setAddress = useSetShippingAddress(cart.cartId, setCart);
  const setOption = useSetShippingOption(cart.cartId, setCart);
  const removePromotion = useRemovePromotion(cart.cartId, setCart);
  const checkout = useCheckout(cart.cartId);

  // The option being chosen shows as chosen while the server prices it.
  const [choosing, setChoosing] = useState<string | null>(null);
  const chosenOption = choosing ?? cart.shippingOption?.optionId;
  const [source, setSource] = useState<PaymentMethodSource | null>(null);
  const [problem, setProblem] = useState<CheckoutProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const submitting = useRef(false);
  const keys = useRef(new AttemptKeys());
  const problemRef = useRef<HTMLDivElement>(null);
  const deliveryRef = useRef<HTMLHeadingElement>(null);
  const ids = { contact: useId(), delivery: useId(), payment: useId(), summary: useId() };

  useEffect(() => {
    if (problem) problemRef.current?.focus();
  }, [problem]);

  async function saveAddress(event: FormEvent) {
    event.preventDefault();
    if (!(await form.trigger([...CONTACT_AND_SHIPPING], { shouldFocus: true }))) return;
    setProblem(null);
    setAddress.mutate(toAddressInput(form.getValues("shipping")), {
      onSuccess: () => {
        setEditingAddress(false);
        // The options this address can be served by come next.
        requestAnimationFrame(() => deliveryRef.current?.focus());
      },
      onError: (error) => void applyServerError(error, form.setError, SERVER_FIELDS),
    });
  }

  const options = cart.shippingOptions;
  const served = Boolean(cart.shippingAddress) && options.length > 0;
  const blockedLines = cart.lines.filter((line) => !line.purchasable);
  const ready = !editingAddress && served && Boolean(cart.shippingOption) && !setOption.isPending && source !== null && blockedLines.length === 0;

  const place = form.handleSubmit(async (values) => {
    if (submitting.current || !source) return;
    submitting.current = true;
    setBusy(true);
    setProblem(null);
    try {
      const token = await source.methodToken({
        name: values.name.trim(),
        email: values.email.trim(),
        phone: values.phone.trim() || null,
        address: values.billingSame ? (cart.shippingAddress ?? null) : toAddressInput(values.billing),
      });
      const body = checkoutBody(values, token, cart.total);
      const accepted = await checkout.mutateAsync({ body, idempotencyKey: keys.current.keyFor(cart.cartId, body) });
      // The cart is now an order: the next add starts a new cart.
      queryClient.setQueryData(cartKeys.current(sub), null);
      void navigate(`/orders/${accepted.orderId}`, { state: { placed: true } });
    } catch (error) {
      if (applyServerError(error, form.setError, SERVER_FIELDS)) {
        const field = (error as { field?: string }).field ?? "";
        if (field.startsWith("customer.") || field.startsWith("shippingAddress.")) setEditingAddress(true);
      }
      const found = checkoutProblem(error);
      if ((error as { code?: string }).code === "idempotency_key_reused") keys.current.reset();
      if (found.next === "edit_address") setEditingAddress(true);
      if (found.refreshCart) void refetch();
      setProblem(found);
    } finally {
      submitting.current = false;
      setBusy(false);
    }
  });

  return (
    <>
      <PageHeader title="Checkout" />
      <div className="checkout-layout">
        <div className="checkout-steps">
          <section className="card step" aria-labelledby={ids.contact}>
            <h2 id={ids.contact}>
              <span className="step-number" aria-hidden="true">
                1
              </span>{" "}
              Contact and shipping address
            </h2>
            {editingAddress ? (
              <form onSubmit={(e) => void saveAddress(e)} noValidate aria-label="Contact and shipping address">
                <div className="form-grid">
                  <Field label="Full name" error={errors.name}>
                    {(props) => <input {...props} {...register("name")} autoComplete="name" />}
                  </Field>
                  <Field label="E-mail" error={errors.email} hint="We send the order confirmation here.">
                    {(props) => <input {...props} {...register("email")} type="email" autoComplete="email" />}
                  </Field>
                  <Field label="Phone (optional)" error={errors.phone} hint="For the carrier, if they need to reach you.">
                    {(props) => <input {...props} {...register("phone")} type="tel" autoComplete="tel" />}
                  </Field>
                </div>
                <AddressFields prefix="shipping" register={register} errors={errors} />
                {setAddress.isError && !(setAddress.error as { field?: string }).field && (
                  <ErrorState title="The address could not be saved." error={setAddress.error} />
                )}
                <div className="form-actions">
                  <button type="submit" className="button primary" disabled={setAddress.isPending}>
                    {setAddress.isPending ? "Saving…" : "Continue to delivery"}
                  </button>
                  {cart.shippingAddress && (
                    <button type="button" className="button" onClick={() => setEditingAddress(false)}>
                      Cancel
                    </button>
                  )}
                </div>
              </form>
            ) : (
              <div className="step-summary">
                <div>
                  <p>
                    <strong>{form.getValues("name")}</strong>
                    <br />
                    {form.getValues("email")}
                    {form.getValues("phone") && (
                      <>
                        <br />
                        {form.getValues("phone")}
                      </>
                    )}
                  </p>
                  {cart.shippingAddress && <AddressText address={cart.shippingAddress} />}
                </div>
                <button type="button" className="button small" onClick={() => setEditingAddress(true)}>
                  Change<span className="visually-hidden"> contact and shipping address</span>
                </button>
              </div>
            )}
          </section>

          <section className="card step" aria-labelledby={ids.delivery}>
            <h2 id={ids.delivery} ref={deliveryRef} tabIndex={-1}>
              <span className="step-number" aria-hidden="true">
                2
              </span>{" "}
              Delivery
            </h2>
            {!cart.shippingAddress ? (
              <p className="muted">Enter your shipping address to see the delivery options.</p>
            ) : options.length === 0 ? (
              <p className="alert alert-warning" role="status">
                We do not deliver to this address yet. Please enter another shipping address.
              </p>
            ) : (
              <fieldset className="delivery-options" aria-busy={setOption.isPending}>
                <legend className="visually-hidden">Delivery option</legend>
                <div className="radio-cards">
                  {options.map((option) => (
                    <label key={option.optionId} className={`radio-card${chosenOption === option.optionId ? " selected" : ""}`}>
                      <input
                        type="radio"
                        name="delivery-option"
                        value={option.optionId}
                        checked={chosenOption === option.optionId}
                        onChange={() => {
                          setProblem(null);
                          setChoosing(option.optionId);
                          setOption.mutate(option.optionId, {
                            onSettled: () => setChoosing(null),
                            onError: () => void refetch(),
                          });
                        }}
                      />
                      <span className="radio-card-title">
                        {option.name} <span className="radio-card-price">{formatMoney(option.price)}</span>
                      </span>
                      <span className="radio-card-hint">{option.carrierService}</span>
                    </label>
                  ))}
                </div>
                {!cart.shippingOption && <p className="hint">Choose how your order is delivered.</p>}
              </fieldset>
            )}
            {setOption.isError && <ErrorState title="The delivery option could not be chosen." error={setOption.error} />}
          </section>

          <section className="card step" aria-labelledby={ids.payment}>
            <h2 id={ids.payment}>
              <span className="step-number" aria-hidden="true">
                3
              </span>{" "}
              Billing and payment
            </h2>
            <form
              onSubmit={(e) => {
                if (busy) {
                  e.preventDefault();
                  return;
                }
                void place(e);
              }}
              noValidate
              aria-label="Billing and payment"
            >
              <CheckField label="Billing address is the same as the shipping address">
                {({ id }) => <input id={id} type="checkbox" {...register("billingSame")} />}
              </CheckField>
              {!billingSame && <AddressFields prefix="billing" register={register} errors={errors} />}
              <PaymentSection payments={config.payments} onSource={setSource} />

              {problem && (
                <div className="alert alert-error checkout-problem" role="alert" tabIndex={-1} ref={problemRef}>
                  <p>
                    <strong>{sentence(problem.message)}</strong>
                  </p>
                  <p>{problem.hint}</p>
                  <ProblemAction
                    problem={problem}
                    onChooseShipping={() => deliveryRef.current?.focus()}
                    onEditAddress={() => setEditingAddress(true)}
                    onRemovePromotion={() => removePromotion.mutate(undefined, { onSuccess: () => setProblem(null) })}
                    removingPromotion={removePromotion.isPending}
                  />
                </div>
              )}
              {blockedLines.length > 0 && (
                <p className="alert alert-warning" role="status">
                  Some items are no longer for sale. <Link to="/cart">Review your cart</Link> to remove them.
                </p>
              )}
              <div className="place-order">
                <button type="submit" className="button primary large block" disabled={!ready || busy}>
                  {busy ? "Placing your order…" : `Place order · ${formatMoney(cart.total)}`}
                </button>
                {!ready && !busy && (
                  <p className="hint">
                    {editingAddress
                      ? "Save your contact details and shipping address first."
                      : !served
                        ? "Enter an address we deliver to."
                        : !cart.shippingOption
                          ? "Choose a delivery option first."
                          : source === null
                            ? "The payment form is loading."
                            : null}
                  </p>
                )}
                <p className="hint">By placing the order you agree to pay {formatMoney(cart.total)}, the total shown.</p>
              </div>
            </form>
          </section>
        </div>

        <aside className="card summary" aria-labelledby={ids.summary}>
          <h2 id={ids.summary}>Order summary</h2>
          <ul className="summary-lines" aria-label="Items">
            {cart.lines.map((line) => (
              <li key={line.sku}>
                <ProductArt sku={line.sku} name={line.name || line.sku} size="small" />
                <span className="summary-line-name">
                  {line.name || line.sku}
                  <span className="muted small"> × {line.quantity}</span>
                </span>
                <span className="summary-line-price">{formatMoney(line.lineTotal)}</span>
              </li>
            ))}
          </ul>
          <CartTotals cart={cart} />
          {cart.promotion && !cart.promotion.applies && (
            <p className="hint" role="status">
              Code {cart.promotion.code} does not apply: {cart.promotion.reason ?? cart.promotion.reasonCode}
            </p>
          )}
          <p className="continue">
            <Link to="/cart">Edit cart</Link>
          </p>
          {checkout.isError && !problem && <ErrorText error={checkout.error} />}
        </aside>
      </div>
    </>
  );
}

function ProblemAction({
  problem,
  onChooseShipping,
  onEditAddress,
  onRemovePromotion,
  removingPromotion,
}: {
  problem: CheckoutProblem;
  onChooseShipping: () => void;
  onEditAddress: () => void;
  onRemovePromotion: () => void;
  removingPromotion: boolean;
}) {
  switch (problem.next) {
    case "choose_shipping":
      return (
        <button type="button" className="button small" onClick={onChooseShipping}>
          Choose delivery again
        </button>
      );
    case "edit_address":
      return (
        <button type="button" className="button small" onClick={onEditAddress}>
          Change the address
        </button>
      );
    case "review_cart":
    case "reload_cart":
      return (
        <Link to="/cart" className="button small">
          Review your cart
        </Link>
      );
    case "remove_promotion":
      return (
        <button type="button" className="button small" onClick={onRemovePromotion} disabled={removingPromotion}>
          Remove the code
        </button>
      );
    default:
      return null;
  }
}
