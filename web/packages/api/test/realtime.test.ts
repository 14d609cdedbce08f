import { QueryClient } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import {
  ApiError,
  applyOrderMessage,
  backoffDelay,
  DEFAULT_BACKOFF,
  EventIdWindow,
  myOrderKeys,
  OrderEventsConnection,
  orderKeys,
  parseOrderChanged,
  socketUrl,
  type OrderChangedMessage,
  type RealtimeStatus,
  type SocketLike,
} from "../src";

/** A WebSocket stand-in the test opens, feeds and closes by hand. */
class FakeSocket implements SocketLike {
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  closed = false;
  constructor(readonly url: string) {}
  open() {
    this.onopen?.({});
  }
  send(message: unknown) {
    this.onmessage?.({ data: typeof message === "string" ? message : JSON.stringify(message) });
  }
  drop(code = 1006) {
    this.onclose?.({ code });
  }
  close() {
    this.closed = true;
  }
}

/** Timers the test advances itself. */
class FakeClock {
  now = 0;
  private timers: { at: number; callback: () => void; id: number }[] = [];
  private nextId = 1;
  set = (callback: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.push({ at: this.now + ms, callback, id });
    return id;
  };
  clear = (handle: unknown) => {
    this.timers = this.timers.filter((t) => t.id !== handle);
  };
  /** The delays of the timers waiting now, from now. */
  pending() {
    return this.timers.map((t) => t.at - this.now);
  }
  async advance(ms: number) {
    const until = this.now + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.now = due.at;
      due.callback();
      await flush();
    }
    this.now = until;
  }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

const message = (overrides: Partial<OrderChangedMessage> = {}): OrderChangedMessage => ({
  type: "order.changed",
  eventId: "evt-1",
  orderId: "o-1",
  orderNumber: "ORD-000001",
  status: "PAID",
  previousStatus: "RESERVED",
  changes: ["status"],
  updatedAt: "2026-11-30T10:00:01.000Z",
  ...overrides,
});

function harness(options: { tickets?: () => Promise<{ ticket: string; url: string }>; random?: () => number } = {}) {
  const clock = new FakeClock();
  const sockets: FakeSocket[] = [];
  const received: OrderChangedMessage[] = [];
  const opens: boolean[] = [];
  const statuses: RealtimeStatus[] = [];
  let tickets = 0;
  const connection = new OrderEventsConnection({
    getTicket:
      options.tickets ??
      (async () => {
        tickets += 1;
        return { ticket: `t/${tickets}+`, url: "ws://127.0.0.1:3103" };
      }),
    onMessage: (m) => received.push(m),
    onOpen: (reconnect) => opens.push(reconnect),
    onStatus: (s) => statuses.push(s),
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    random: options.random ?? (() => 0.5),
    setTimer: clock.set,
    clearTimer: clock.clear,
  });
  return { clock, sockets, received, opens, statuses, connection, ticketCount: () => tickets };
}

describe("the backoff", () => {
  it("doubles the ceiling per attempt up to the cap, with full jitter", () => {
    const top = () => 0.999999;
    expect(backoffDelay(0, DEFAULT_BACKOFF, top)).toBe(999);
    expect(backoffDelay(1, DEFAULT_BACKOFF, top)).toBe(1999);
    expect(backoffDelay(4, DEFAULT_BACKOFF, top)).toBe(15999);
    expect(backoffDelay(5, DEFAULT_BACKOFF, top)).toBe(29999);
    expect(backoffDelay(60, DEFAULT_BACKOFF, top)).toBe(29999);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0)).toBe(0);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.5)).toBe(4000);
  });
});

describe("the event window", () => {
  it("answers each event id once and forgets the oldest past its capacity", () => {
    const window = new EventIdWindow(2);
    expect(window.isNew("a")).toBe(true);
    expect(window.isNew("a")).toBe(false);
    expect(window.isNew("b")).toBe(true);
    expect(window.isNew("c")).toBe(true);
    expect(window.isNew("a")).toBe(true);
  });
});

describe("a frame", () => {
  it("is an order change only when it says so", () => {
    expect(parseOrderChanged(JSON.stringify(message()))?.status).toBe("PAID");
    expect(parseOrderChanged("not json")).toBeNull();
    expect(parseOrderChanged(JSON.stringify({ type: "ping" }))).toBeNull();
    expect(parseOrderChanged(new ArrayBuffer(2))).toBeNull();
  });

  it("carries the ticket in the query string, encoded", () => {
    expect(socketUrl({ ticket: "a+b/c", url: "wss://ws.example/prod" })).toBe("wss://ws.example/prod?ticket=a%2Bb%2Fc");
    expect(socketUrl({ ticket: "x", url: "ws://127.0.0.1:3103/?stage=local" })).toBe("ws://127.0.0.1:3103/?stage=local&ticket=x");
  });
});

describe("the connection", () => {
  it("opens with a ticket and delivers each change once", async () => {
    const h = harness();
    h.connection.start();
    await flush();
    expect(h.sockets).toHaveLength(1);
    expect(h.sockets[0]!.url).toBe("ws://127.0.0.1:3103?ticket=t%2F1%2B");
    h.sockets[0]!.open();
    expect(h.connection.status).toBe("live");
    expect(h.opens).toEqual([false]);
    h.sockets[0]!.send(message());
    h.sockets[0]!.send(message());
    h.sockets[0]!.send(message({ eventId: "evt-2", status: "AWAITING_FULFILMENT" }));
    h.sockets[0]!.send("garbage");
    expect(h.received.map((m) => m.eventId)).toEqual(["evt-1", "evt-2"]);
  });

  it("reconnects after a drop with a fresh ticket, backing off more each time, and says it reconnected", async () => {
    const h = harness({ random: () => 0.999 });
    h.connection.start();
    await flush();
    h.sockets[0]!.open();
    h.sockets[0]!.drop();
    expect(h.connection.status).toBe("reconnecting");
    expect(h.clock.pending()).toEqual([999]);
    await h.clock.advance(999);
    expect(h.sockets).toHaveLength(2);
    expect(h.sockets[1]!.url).toContain("ticket=t%2F2%2B");
    // Refused at once, twice: the waits grow.
    h.sockets[1]!.drop();
    expect(h.clock.pending()).toEqual([1998]);
    await h.clock.advance(1998);
    h.sockets[2]!.drop();
    expect(h.clock.pending()).toEqual([3996]);
    await h.clock.advance(3996);
    h.sockets[3]!.open();
    expect(h.opens).toEqual([false, true]);
    expect(h.ticketCount()).toBe(4);
  });

  it("resets the backoff only after a connection stayed up", async () => {
    const h = harness({ random: () => 0.999 });
    h.connection.start();
    await flush();
    h.sockets[0]!.drop();
    await h.clock.advance(999);
    h.sockets[1]!.drop();
    await h.clock.advance(1998);
    // Open but dropped before it is stable: the next wait keeps growing.
    h.sockets[2]!.open();
    await h.clock.advance(DEFAULT_BACKOFF.stableMs - 1);
    h.sockets[2]!.drop();
    expect(h.clock.pending()).toEqual([3996]);
    await h.clock.advance(3996);
    // Stable this time: the next loss starts from the first wait again.
    h.sockets[3]!.open();
    await h.clock.advance(DEFAULT_BACKOFF.stableMs);
    h.sockets[3]!.drop();
    expect(h.clock.pending()).toEqual([999]);
  });

  it("never waits more than the cap", async () => {
    const h = harness({ random: () => 0.999, tickets: () => Promise.reject(new ApiError({ status: 0, code: "network", message: "down" })) });
    h.connection.start();
    await flush();
    const waits: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const [wait] = h.clock.pending();
      waits.push(wait!);
      await h.clock.advance(wait!);
    }
    expect(Math.max(...waits)).toBeLessThanOrEqual(DEFAULT_BACKOFF.capMs);
    expect(waits.at(-1)).toBe(29970);
  });

  it("gives up when the ticket is refused for good (signed out, not an administrator)", async () => {
    const h = harness({ tickets: () => Promise.reject(new ApiError({ status: 403, code: "forbidden", message: "this needs the admin group" })) });
    h.connection.start();
    await flush();
    expect(h.connection.status).toBe("stopped");
    expect(h.clock.pending()).toEqual([]);
  });

  it("closes the socket and schedules nothing once stopped", async () => {
    const h = harness();
    h.connection.start();
    await flush();
    h.sockets[0]!.open();
    h.connection.stop();
    expect(h.sockets[0]!.closed).toBe(true);
    h.sockets[0]!.drop();
    h.sockets[0]!.send(message());
    expect(h.received).toEqual([]);
    expect(h.clock.pending()).toEqual([]);
    expect(h.statuses.at(-1)).toBe("stopped");
  });
});

describe("a message in the caches", () => {
  const order = { orderId: "o-1", orderNumber: "ORD-000001", status: "AWAITING_FULFILMENT", updatedAt: "2026-11-30T10:00:00.000Z", shipment: null };

  it("updates the customer's order and lists at once and marks them stale", () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(myOrderKeys.detail("o-1"), order);
    queryClient.setQueryData(myOrderKeys.list({ limit: 10 }), { items: [order, { ...order, orderId: "o-2" }], nextCursor: null });
    const shipment = { carrier: "Local Carrier", trackingNumber: "LC1", trackingUrl: "http://x/LC1", shippedAt: "2026-11-30T10:00:05.000Z" };
    applyOrderMessage(queryClient, "customer", message({ status: "SHIPPED", updatedAt: "2026-11-30T10:00:05.000Z", shipment }));
    expect(queryClient.getQueryData<typeof order>(myOrderKeys.detail("o-1"))).toMatchObject({ status: "SHIPPED", shipment });
    const page = queryClient.getQueryData<{ items: (typeof order)[] }>(myOrderKeys.list({ limit: 10 }));
    expect(page?.items.map((o) => o.status)).toEqual(["SHIPPED", "AWAITING_FULFILMENT"]);
    expect(queryClient.getQueryState(myOrderKeys.detail("o-1"))?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(myOrderKeys.list({ limit: 10 }))?.isInvalidated).toBe(true);
  });

  it("keeps a newer status than a late message's", () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(orderKeys.detail("o-1"), { ...order, status: "SHIPPED", updatedAt: "2026-11-30T10:00:09.000Z" });
    applyOrderMessage(queryClient, "admin", message({ status: "PAID", updatedAt: "2026-11-30T10:00:01.000Z" }));
    expect(queryClient.getQueryData<typeof order>(orderKeys.detail("o-1"))?.status).toBe("SHIPPED");
  });
});
