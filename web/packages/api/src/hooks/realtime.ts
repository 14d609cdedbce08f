/**
 * `useOrderEvents`: live order changes for whatever a page shows. Every
 * component that calls it shares one connection per query client and scope;
 * the connection opens with the first and closes when the last unmounts.
 * A message updates the order's cached detail and list rows at once (when it
 * is newer than what they hold) and invalidates them, so the page refetches
 * the rest (status history, tracking); every (re)connection invalidates the
 * orders, since nothing missed while away is replayed.
 */
import { useQueryClient, type QueryClient } from "@tanstack/react-query";
import { useEffect, useSyncExternalStore } from "react";
import { unwrap, type ApiClient } from "../client";
import { useApiClient } from "../context";
import {
  OrderEventsConnection,
  type OrderChangedMessage,
  type OrderEventsOptions,
  type RealtimeScope,
  type RealtimeStatus,
} from "../realtime";
import { myOrderKeys } from "./myOrders";
import { orderKeys } from "./orders";

type Listener = () => void;

/** The query keys an order change touches, per scope: the admin's orders or the customer's own. */
function keysFor(scope: RealtimeScope) {
  return scope === "admin"
    ? { root: orderKeys.all, lists: orderKeys.lists(), detail: (id: string) => ["orders", "detail", id] as const, extra: (_id: string) => [] as (readonly unknown[])[] }
    : {
        root: myOrderKeys.all,
        lists: myOrderKeys.lists(),
        detail: (id: string) => ["my-orders", "detail", id] as const,
        extra: (id: string) => [myOrderKeys.tracking(id)] as (readonly unknown[])[],
      };
}

type OrderLike = { orderId: string; status: string; updatedAt: string; shipment?: unknown };

/** Whether the message is newer than the cached order (the stream may deliver an older change late). */
export function isNewer(message: Pick<OrderChangedMessage, "updatedAt">, order: Pick<OrderLike, "updatedAt">): boolean {
  return Date.parse(message.updatedAt) > Date.parse(order.updatedAt);
}

/** The cached order with what the message says of it, when the message is newer. */
export function applyOrderChange<T extends OrderLike>(order: T, message: OrderChangedMessage): T {
  if (order.orderId !== message.orderId || !isNewer(message, order)) return order;
  return {
    ...order,
    status: message.status,
    updatedAt: message.updatedAt,
    ...(message.shipment ? { shipment: message.shipment } : {}),
  };
}

/** Writes a message into the caches of `scope`, then marks them stale so the page refetches the rest. */
export function applyOrderMessage(queryClient: QueryClient, scope: RealtimeScope, message: OrderChangedMessage) {
  const keys = keysFor(scope);
  queryClient.setQueriesData<OrderLike>({ queryKey: keys.detail(message.orderId) }, (order) =>
    order ? applyOrderChange(order, message) : order,
  );
  queryClient.setQueriesData<{ items: OrderLike[] }>({ queryKey: keys.lists }, (page) =>
    page && Array.isArray(page.items) ? { ...page, items: page.items.map((order) => applyOrderChange(order, message)) } : page,
  );
  void queryClient.invalidateQueries({ queryKey: keys.detail(message.orderId) });
  void queryClient.invalidateQueries({ queryKey: keys.lists });
  for (const key of keys.extra(message.orderId)) void queryClient.invalidateQueries({ queryKey: key });
}

/** One shared connection with the components that use it. */
class SharedConnection {
  private users = 0;
  private closeTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly messageListeners = new Set<(message: OrderChangedMessage) => void>();
  readonly connection: OrderEventsConnection;
  status: RealtimeStatus = "idle";

  constructor(queryClient: QueryClient, client: ApiClient, scope: RealtimeScope, overrides: Partial<OrderEventsOptions> = {}) {
    const keys = keysFor(scope);
    this.connection = new OrderEventsConnection({
      getTicket: () => unwrap(client.POST("/realtime/tickets", { body: { scope } })),
      onMessage: (message) => {
        applyOrderMessage(queryClient, scope, message);
        for (const listener of this.messageListeners) listener(message);
      },
      onOpen: () => void queryClient.invalidateQueries({ queryKey: keys.root }),
      onStatus: (status) => {
        this.status = status;
        for (const listener of this.listeners) listener();
      },
      ...overrides,
    });
  }

  subscribe = (listener: Listener) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  onMessage(listener: (message: OrderChangedMessage) => void) {
    this.messageListeners.add(listener);
    return () => void this.messageListeners.delete(listener);
  }

  retain() {
    this.users += 1;
    if (this.closeTimer) {
      clearTimeout(this.closeTimer);
      this.closeTimer = null;
    }
    if (this.users === 1 && this.status !== "live" && this.status !== "connecting" && this.status !== "reconnecting") {
      this.connection.start();
    }
  }

  release() {
    this.users = Math.max(0, this.users - 1);
    if (this.users > 0 || this.closeTimer) return;
    // A moment's grace, so going from one page that needs it to the next keeps the socket.
    this.closeTimer = setTimeout(() => {
      this.closeTimer = null;
      if (this.users === 0) this.connection.stop();
    }, 1_000);
  }
}

const shared = new WeakMap<QueryClient, WeakMap<ApiClient, Map<RealtimeScope, SharedConnection>>>();

function sharedConnection(queryClient: QueryClient, client: ApiClient, scope: RealtimeScope): SharedConnection {
  let byClient = shared.get(queryClient);
  if (!byClient) shared.set(queryClient, (byClient = new WeakMap()));
  let byScope = byClient.get(client);
  if (!byScope) byClient.set(client, (byScope = new Map()));
  let connection = byScope.get(scope);
  if (!connection) byScope.set(scope, (connection = new SharedConnection(queryClient, client, scope)));
  return connection;
}

export interface UseOrderEventsOptions {
  /** `customer` (the storefront: the caller's own orders) or `admin` (every order). */
  scope: RealtimeScope;
  /** False while signed out: no ticket can be had. */
  enabled?: boolean;
  /** Called for each new change, after the caches are updated. */
  onMessage?: (message: OrderChangedMessage) => void;
}

/** Keeps the order caches of `scope` live while the calling component is mounted; answers the connection's status. */
export function useOrderEvents({ scope, enabled = true, onMessage }: UseOrderEventsOptions): RealtimeStatus {
  const queryClient = useQueryClient();
  const client = useApiClient();
  const connection = sharedConnection(queryClient, client, scope);
  useEffect(() => {
    if (!enabled) return;
    connection.retain();
    return () => connection.release();
  }, [connection, enabled]);
  useEffect(() => {
    if (!enabled || !onMessage) return;
    return connection.onMessage(onMessage);
  }, [connection, enabled, onMessage]);
  const status = useSyncExternalStore(connection.subscribe, () => connection.status);
  return enabled ? status : "idle";
}
