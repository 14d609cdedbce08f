/**
 * The real-time connection to the WebSocket API that pushes order changes.
 *
 * Browsers cannot set headers on a WebSocket, so each connection starts with
 * a short-lived, single-use ticket from `POST /realtime/tickets` and opens
 * `url?ticket=…`. Every text frame is an `OrderChangedMessage`. The stream
 * delivers at least once, so messages are deduplicated on `eventId`; changes
 * made while the socket was away are not replayed, so every (re)connection
 * tells its owner to refetch what it shows (`onOpen`).
 *
 * A lost connection is retried with exponential backoff and full jitter
 * (capped, reset once a connection has stayed up a while), each attempt with
 * a fresh ticket. This module knows nothing of React or TanStack Query:
 * `hooks/realtime.ts` wires it to the caches.
 */
import { ApiError, isApiError } from "./errors";
import type { components } from "./generated/openapi";

export type OrderChangedMessage = components["schemas"]["OrderChangedMessage"];
export type RealtimeTicket = components["schemas"]["RealtimeTicket"];
export type RealtimeScope = NonNullable<components["schemas"]["RealtimeTicketRequest"]["scope"]>;

/** Where the connection is: `live` once open; `stopped` after stop() or a refusal no retry can fix. */
export type RealtimeStatus = "idle" | "connecting" | "live" | "reconnecting" | "stopped";

/** The part of the browser's WebSocket this client uses (a test passes a fake). */
export interface SocketLike {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason?: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  close(code?: number, reason?: string): void;
}
export type SocketFactory = (url: string) => SocketLike;

export interface BackoffPolicy {
  /** The first retry waits up to this long. */
  baseMs: number;
  /** No retry waits longer than this. */
  capMs: number;
  /** A connection open this long counts as stable: the next loss starts again from `baseMs`. */
  stableMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 30_000, stableMs: 10_000 };

/**
 * The wait before retry number `attempt` (0 for the first): "full jitter",
 * a uniformly random time up to `min(cap, base × 2^attempt)`, so that many
 * pages that lost the gateway together do not come back together.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

/** Remembers the last `capacity` event ids: `isNew` answers false for one seen before. */
export class EventIdWindow {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity = 500) {}

  isNew(eventId: string): boolean {
    if (this.ids.has(eventId)) return false;
    this.ids.add(eventId);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
    return true;
  }
}

/** The message in a text frame, or null for anything that is not an order change. */
export function parseOrderChanged(data: unknown): OrderChangedMessage | null {
  if (typeof data !== "string") return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const message = value as Partial<OrderChangedMessage>;
  if (
    message.type !== "order.changed" ||
    typeof message.eventId !== "string" ||
    typeof message.orderId !== "string" ||
    typeof message.status !== "string" ||
    typeof message.updatedAt !== "string"
  ) {
    return null;
  }
  return message as OrderChangedMessage;
}

/** The URL to open: the ticket in the query string, since a browser cannot send it as a header. */
export function socketUrl(ticket: Pick<RealtimeTicket, "ticket" | "url">): string {
  const separator = ticket.url.includes("?") ? "&" : "?";
  return `${ticket.url}${separator}ticket=${encodeURIComponent(ticket.ticket)}`;
}

/** A refusal of the ticket that asking again cannot change (signed out, not an administrator). */
function isFinalRefusal(error: unknown): boolean {
  return isApiError(error) && (error.status === 401 || error.status === 403);
}

export interface OrderEventsOptions {
  /** A fresh ticket (POST /realtime/tickets), asked for before every connection attempt. */
  getTicket: () => Promise<Pick<RealtimeTicket, "ticket" | "url">>;
  /** A new order change (each eventId once). */
  onMessage: (message: OrderChangedMessage) => void;
  /** The socket opened: refetch what is shown, since nothing missed is replayed. `reconnect` is false the first time. */
  onOpen?: (reconnect: boolean) => void;
  onStatus?: (status: RealtimeStatus, detail?: unknown) => void;
  createSocket?: SocketFactory;
  backoff?: BackoffPolicy;
  random?: () => number;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  now?: () => number;
}

const browserSocket: SocketFactory = (url) => new WebSocket(url) as unknown as SocketLike;

/** One connection that keeps itself open until stop(). */
export class OrderEventsConnection {
  private readonly options: Required<Omit<OrderEventsOptions, "onOpen" | "onStatus">> &
    Pick<OrderEventsOptions, "onOpen" | "onStatus">;
  private readonly seen = new EventIdWindow();
  private socket: SocketLike | null = null;
  private timer: unknown = null;
  private stableTimer: unknown = null;
  private attempt = 0;
  private opened = 0;
  private running = false;
  /** Bumped by every start/stop and connection, so the answer of an older attempt is ignored. */
  private generation = 0;
  private current: RealtimeStatus = "idle";

  constructor(options: OrderEventsOptions) {
    this.options = {
      createSocket: browserSocket,
      backoff: DEFAULT_BACKOFF,
      random: Math.random,
      setTimer: (callback, ms) => setTimeout(callback, ms),
      clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
      now: () => Date.now(),
      ...options,
    };
  }

  get status(): RealtimeStatus {
    return this.current;
  }

  /** Retries made since the last stable connection (what the next wait is computed from). */
  get attempts(): number {
    return this.attempt;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    void this.connect();
  }

  stop(): void {
    this.running = false;
    this.generation += 1;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onerror = socket.onclose = null;
      socket.close(1000, "no longer needed");
    }
    this.setStatus("stopped");
  }

  private setStatus(status: RealtimeStatus, detail?: unknown) {
    if (status === this.current && detail === undefined) return;
    this.current = status;
    this.options.onStatus?.(status, detail);
  }

  private clearTimers() {
    if (this.timer !== null) this.options.clearTimer(this.timer);
    if (this.stableTimer !== null) this.options.clearTimer(this.stableTimer);
    this.timer = null;
    this.stableTimer = null;
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    this.setStatus(this.opened > 0 || this.attempt > 0 ? "reconnecting" : "connecting");
    let ticket: Pick<RealtimeTicket, "ticket" | "url">;
    try {
      ticket = await this.options.getTicket();
    } catch (error) {
      if (generation !== this.generation || !this.running) return;
      if (isFinalRefusal(error)) {
        this.running = false;
        this.setStatus("stopped", error);
        return;
      }
      this.scheduleRetry(error);
      return;
    }
    if (generation !== this.generation || !this.running) return;

    let socket: SocketLike;
    try {
      socket = this.options.createSocket(socketUrl(ticket));
    } catch (error) {
      this.scheduleRetry(error);
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (generation !== this.generation) return;
      const reconnect = this.opened > 0;
      this.opened += 1;
      this.setStatus("live");
      // Only a connection that stays up resets the backoff: a gateway that
      // accepts and drops at once must not be hammered.
      this.stableTimer = this.options.setTimer(() => {
        this.stableTimer = null;
        this.attempt = 0;
      }, this.options.backoff.stableMs);
      this.options.onOpen?.(reconnect);
    };
    socket.onmessage = (event) => {
      if (generation !== this.generation) return;
      const message = parseOrderChanged(event.data);
      if (message && this.seen.isNew(message.eventId)) this.options.onMessage(message);
    };
    socket.onerror = () => {
      // A close event follows; the retry is scheduled there.
    };
    socket.onclose = (event) => {
      if (generation !== this.generation) return;
      this.socket = null;
      if (this.stableTimer !== null) {
        this.options.clearTimer(this.stableTimer);
        this.stableTimer = null;
      }
      if (this.running) this.scheduleRetry(new ApiError({ status: 0, code: "network", message: `the connection closed (${event.code})` }));
    };
  }

  private scheduleRetry(cause: unknown) {
    if (!this.running) return;
    const delay = backoffDelay(this.attempt, this.options.backoff, this.options.random);
    this.attempt += 1;
    this.setStatus("reconnecting", cause);
    this.timer = this.options.setTimer(() => {
      this.timer = null;
      if (this.running) void this.connect();
    }, delay);
  }
}
