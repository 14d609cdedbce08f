/**
 * A webhook receiver inside the test: Node's `http` on 127.0.0.1 (a random
 * port) that records every request and answers 200. The local stack allows
 * plain-http loopback URLs (`WEBHOOKS_ALLOW_LOOPBACK=true`); in AWS a
 * subscription must be https to a public address.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export type ReceivedRequest = { method: string; path: string; headers: IncomingHttpHeaders; body: string; at: number };

export type Receiver = {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  received: ReceivedRequest[];
  close: () => Promise<void>;
};

export async function startReceiver(): Promise<Receiver> {
  const received: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
      });
      response.writeHead(200, { "content-type": "text/plain" });
      response.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/** A header's single value. */
export function header(request: ReceivedRequest, name: string): string {
  const value = request.headers[name];
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
}

/**
 * The Standard Webhooks signature by `secret` (`whsec_` and the key in
 * base64): `v1,` and the base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`.
 */
export function expectedSignature(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

/** Whether one of the space-separated `v1,<base64>` entries of `webhook-signature` is `secret`'s, compared in constant time. */
export function signedBy(request: ReceivedRequest, secret: string): boolean {
  const expected = Buffer.from(
    expectedSignature(secret, header(request, "webhook-id"), header(request, "webhook-timestamp"), request.body),
  );
  return header(request, "webhook-signature")
    .split(" ")
    .map((entry) => Buffer.from(entry))
    .some((entry) => entry.length === expected.length && timingSafeEqual(entry, expected));
}
