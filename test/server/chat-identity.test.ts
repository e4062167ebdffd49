import { describe, expect, it } from "vitest";
import {
  CUSTOMER_COOKIE,
  CUSTOMER_HEADER,
  customerCookieHeader,
  customerFromRequest,
  newCustomerId,
  signCustomerToken,
  verifyCustomerToken,
} from "@/server/chat/identity";

const secret = "a-test-secret-that-is-long-enough-0123456789";

describe("customer identity", () => {
  it("accepts its own signed tokens and nothing else", () => {
    const id = newCustomerId();
    const token = signCustomerToken(id, secret);
    expect(verifyCustomerToken(token, secret)).toEqual({ id });
    expect(verifyCustomerToken(token, `${secret}-other`)).toBeNull();
    expect(verifyCustomerToken(`${newCustomerId()}.${token.split(".")[1]}`, secret)).toBeNull();
    expect(verifyCustomerToken(`${token}x`, secret)).toBeNull();
    expect(verifyCustomerToken(`${token}.extra`, secret)).toBeNull();
    expect(verifyCustomerToken("", secret)).toBeNull();
    expect(verifyCustomerToken(undefined, secret)).toBeNull();
  });

  it("reads the customer from the cookie or, for blocked iframe cookies, the header", () => {
    const token = signCustomerToken("cookie-customer-0001", secret);
    const fromCookie = new Request("http://x/", {
      headers: { cookie: `a=b; ${CUSTOMER_COOKIE}=${encodeURIComponent(token)}` },
    });
    expect(customerFromRequest(fromCookie, secret)).toEqual({ id: "cookie-customer-0001" });
    const fromHeader = new Request("http://x/", { headers: { [CUSTOMER_HEADER]: token } });
    expect(customerFromRequest(fromHeader, secret)).toEqual({ id: "cookie-customer-0001" });
    const forged = new Request("http://x/", {
      headers: { [CUSTOMER_HEADER]: "cookie-customer-0001.forged" },
    });
    expect(customerFromRequest(forged, secret)).toBeNull();
  });

  it("sets a long-lived HttpOnly cookie, cross-site capable only over HTTPS", () => {
    expect(customerCookieHeader("t", true)).toMatch(/HttpOnly.*SameSite=None; Secure; Partitioned/);
    expect(customerCookieHeader("t", false)).toMatch(/HttpOnly.*SameSite=Lax$/);
    expect(customerCookieHeader("t", false)).not.toContain("Secure");
  });
});
