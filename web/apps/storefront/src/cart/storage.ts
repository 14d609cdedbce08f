/**
 * The id of a visitor's anonymous cart, kept in localStorage so that it
 * survives reloads and new tabs. It is the only cart state the browser
 * keeps: a signed-in customer's cart is the server's "current cart".
 */
const KEY = "order-service.storefront.cartId";
const listeners = new Set<() => void>();

function emit() {
  for (const listener of listeners) listener();
}

export function readAnonymousCartId(): string | null {
  try {
    return window.localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function rememberAnonymousCartId(cartId: string) {
  try {
    window.localStorage.setItem(KEY, cartId);
  } catch {
    // Storage refused (private mode, quota): the cart lasts as long as the page.
  }
  emit();
}

export function forgetAnonymousCartId() {
  try {
    window.localStorage.removeItem(KEY);
  } catch {
    // Nothing stored.
  }
  emit();
}

/** For useSyncExternalStore: changes made here, and in other tabs. */
export function subscribeAnonymousCartId(listener: () => void) {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key === KEY || event.key === null) listener();
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}
