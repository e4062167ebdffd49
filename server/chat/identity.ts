/**
 * Anonymous customer identity: a random id signed with an HMAC of the app secret, kept in a cookie
 * (and echoed by the chat client in a header, for widgets on sites whose browsers block the
 * iframe's third-party cookie). Customers can only reach their own conversations through it.
 */
import crypto from "node:crypto";
import { parseCookie } from "cookie";
import { authSecret } from "@/server/auth/secret";

export const CUSTOMER_COOKIE = "tunedesk_customer";
export const CUSTOMER_HEADER = "x-tunedesk-customer";
/** A year: a returning customer finds their conversation again. */
export const CUSTOMER_COOKIE_MAX_AGE_S = 365 * 24 * 60 * 60;

export interface CustomerIdentity {
  id: string;
}

function signingKey(secret: string): string {
  // A key of its own, so a customer token can never be confused with another signed value.
  return crypto.createHmac("sha256", secret).update("tunedesk customer identity v1").digest("hex");
}

function signature(id: string, secret: string): string {
  return crypto.createHmac("sha256", signingKey(secret)).update(id).digest("base64url");
}

export function newCustomerId(): string {
  return crypto.randomBytes(16).toString("base64url");
}

export function signCustomerToken(id: string, secret = authSecret()): string {
  return `${id}.${signature(id, secret)}`;
}

/** The customer of a token, or null when it is missing, malformed or not signed by this app. */
export function verifyCustomerToken(
  token: string | null | undefined,
  secret = authSecret(),
): CustomerIdentity | null {
  if (!token) return null;
  const [id, sig, ...rest] = token.split(".");
  if (!id || !sig || rest.length > 0 || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) return null;
  const expected = new TextEncoder().encode(signature(id, secret));
  const given = new TextEncoder().encode(sig);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  return { id };
}

/** A cookie's value; a malformed header or value is no cookie (never an error). */
function cookieValue(header: string | null, name: string): string | undefined {
  return header ? parseCookie(header)[name] : undefined;
}

/** The customer a request comes from: the signed cookie first, then the header. */
export function customerFromRequest(req: Request, secret = authSecret()): CustomerIdentity | null {
  return (
    verifyCustomerToken(cookieValue(req.headers.get("cookie"), CUSTOMER_COOKIE), secret) ??
    verifyCustomerToken(req.headers.get(CUSTOMER_HEADER), secret)
  );
}

/**
 * The Set-Cookie header for a customer token. SameSite=None (+ Secure, Partitioned) on HTTPS so
 * the widget's iframe on another site keeps it; Lax on plain HTTP, where None is not allowed.
 */
export function customerCookieHeader(token: string, secure: boolean): string {
  const base = `${CUSTOMER_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; Max-Age=${CUSTOMER_COOKIE_MAX_AGE_S}`;
  return secure ? `${base}; SameSite=None; Secure; Partitioned` : `${base}; SameSite=Lax`;
}
