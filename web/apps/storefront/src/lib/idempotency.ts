/**
 * One Idempotency-Key per checkout attempt. An attempt is a cart and the
 * exact body sent for it (the total shown, the payment method, the buyer):
 * a retry of the same attempt (a double click, a lost answer, a 503) sends
 * the same key, so the service places one order; any change to the cart,
 * its total or the body is a new attempt with a new key (the service
 * refuses a key reused with another body).
 */
export class AttemptKeys {
  private signature: string | undefined;
  private key: string | undefined;

  constructor(private readonly newKey: () => string = () => crypto.randomUUID()) {}

  /** The key for this attempt: the last one while the attempt is the same, a new one otherwise. */
  keyFor(cartId: string, body: unknown): string {
    const signature = JSON.stringify([cartId, body]);
    if (signature !== this.signature || !this.key) {
      this.signature = signature;
      this.key = this.newKey();
    }
    return this.key;
  }

  /** Forget the attempt (the service said the key belongs to another request). */
  reset() {
    this.signature = undefined;
    this.key = undefined;
  }
}
