import { z } from "zod";

/**
 * Every setting Tunedesk reads from the environment, validated once.
 * Nothing else in the code base reads process.env.
 */
const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must start with postgres:// or postgresql://")
    .optional(),
  TUNEDESK_DATA_DIR: z.string().min(1).default(".tunedesk"),
  AUTH_SECRET: z
    .string()
    .min(32, "AUTH_SECRET must be at least 32 characters (try: openssl rand -base64 33)")
    .optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  TUNEDESK_PYTHON: z.string().min(1).default("/usr/bin/python3"),
  TUNEDESK_HUB_URL: z.url({ error: "TUNEDESK_HUB_URL must be a URL" }).default("https://huggingface.co"),
  HF_TOKEN: z.string().min(1).optional(),
  TUNEDESK_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  TUNEDESK_SERVE_THREADS: z.coerce
    .number({ error: "TUNEDESK_SERVE_THREADS must be a number of CPU threads" })
    .int()
    .min(1)
    .max(256)
    .default(2),
  TUNEDESK_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "TUNEDESK_SMTP_URL must look like smtp://user:password@host:587 (or smtps://)")
    .optional(),
  TUNEDESK_MAIL_FROM: z.string().min(3).default("Tunedesk <no-reply@localhost>"),
  TUNEDESK_PUBLIC_URL: z
    .url({ error: "TUNEDESK_PUBLIC_URL must be the site's address, like https://support.example.com" })
    .optional(),
  TUNEDESK_SERVE_PRECISION: z
    .enum(["fp32", "int8", "int4"], { error: "TUNEDESK_SERVE_PRECISION must be fp32, int8 or int4" })
    .default("fp32"),
});

export type Env = z.infer<typeof envSchema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid environment configuration:\n${problems}`);
  }
  return result.data;
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
