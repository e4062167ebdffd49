import { describe, expect, it } from "vitest";
import { parseEnv } from "@/server/env";

describe("environment", () => {
  it("defaults to the embedded database with no configuration", () => {
    const env = parseEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.TUNEDESK_DATA_DIR).toBe(".tunedesk");
    expect(env.PORT).toBe(3000);
    expect(env.TUNEDESK_SERVE_THREADS).toBe(2);
    expect(env.TUNEDESK_SERVE_PRECISION).toBe("fp32");
  });

  it("names each bad value", () => {
    const bad = () => parseEnv({ DATABASE_URL: "mysql://x", PORT: "99999", AUTH_SECRET: "short" });
    expect(bad).toThrowError(/DATABASE_URL: DATABASE_URL must start with postgres:\/\//);
    expect(bad).toThrowError(/PORT: Too big/);
    expect(bad).toThrowError(/AUTH_SECRET: AUTH_SECRET must be at least 32 characters/);
    const serving = () => parseEnv({ TUNEDESK_SERVE_THREADS: "two", TUNEDESK_SERVE_PRECISION: "fp16" });
    expect(serving).toThrowError(/TUNEDESK_SERVE_THREADS: TUNEDESK_SERVE_THREADS must be a number/);
    expect(serving).toThrowError(
      /TUNEDESK_SERVE_PRECISION: TUNEDESK_SERVE_PRECISION must be fp32, int8 or int4/,
    );
    expect(parseEnv({ TUNEDESK_SERVE_THREADS: "8" }).TUNEDESK_SERVE_THREADS).toBe(8);
  });
});
