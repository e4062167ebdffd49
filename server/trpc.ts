import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError, z } from "zod";
import type { Db } from "@/db/client";
import type { UserRole } from "@/db/schema";
import type { CustomerIdentity } from "./chat/identity";
import { cleanTexts } from "./text";
import { UserFacingError } from "./users/errors";

export type SessionUser = {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  /** Signed in with a temporary password an admin set: only choosing a new one is allowed. */
  mustChangePassword?: boolean;
};

export interface Context {
  db: Db;
  /** The signed-in staff member or admin, if any. */
  user: SessionUser | null;
  /** The anonymous chat customer (signed cookie), if any; never grants staff access. */
  customer?: CustomerIdentity | null;
}

/** Who may call a procedure; every procedure carries one (see the authorization test). */
export type Access = "public" | "customer" | "staff" | "admin";
export interface Meta {
  access: Access;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const zodError = error.cause instanceof ZodError ? error.cause : null;
      return {
        ...shape,
        // Messages a person can act on; never a stack trace, and never the text of an unexpected
        // error (it may hold SQL and its parameters): that is logged under an id the caller gets.
        message: zodError
          ? (zodError.issues[0]?.message ?? "Invalid input")
          : error.code === "INTERNAL_SERVER_ERROR"
            ? internalErrorMessage(error)
            : shape.message,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          path: shape.data.path,
          fieldErrors: zodError ? z.flattenError(zodError).fieldErrors : undefined,
        },
      };
    },
  });

/** Logs an unexpected error under a short id and says only the id to the caller. */
function internalErrorMessage(error: TRPCError): string {
  const id = crypto.randomUUID().slice(0, 8);
  console.error(`[error ${id}]`, error.cause ?? error);
  return `Something went wrong on our side (error ${id}). Please try again.`;
}

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

const userFacingErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof UserFacingError) {
    const cause = result.error.cause;
    const code = {
      invalid: "BAD_REQUEST",
      conflict: "CONFLICT",
      not_found: "NOT_FOUND",
      forbidden: "FORBIDDEN",
    } as const;
    throw new TRPCError({ code: code[cause.kind], message: cause.message, cause });
  }
  return result;
});

/** Inputs reach procedures with NUL and lone surrogates removed (server/text.ts). */
const cleanInput = t.middleware(({ getRawInput, next }) =>
  next({ getRawInput: async () => cleanTexts(await getRawInput()) }),
);

const base = t.procedure.use(cleanInput).use(userFacingErrors);

export const publicProcedure = base.meta({ access: "public" });

const TEMPORARY_PASSWORD = "Choose a new password first: yours is a temporary one an admin set";

/** Any signed-in user, even one who still has to replace a temporary password (their own account). */
export const accountProcedure = base.meta({ access: "staff" }).use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

export const staffProcedure = base.meta({ access: "staff" }).use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  if (ctx.user.mustChangePassword) throw new TRPCError({ code: "FORBIDDEN", message: TEMPORARY_PASSWORD });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

export const adminProcedure = base.meta({ access: "admin" }).use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  if (ctx.user.mustChangePassword) throw new TRPCError({ code: "FORBIDDEN", message: TEMPORARY_PASSWORD });
  if (ctx.user.role !== "admin")
    throw new TRPCError({ code: "FORBIDDEN", message: "Only admins can do this" });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** Chat customers: identified by their signed cookie, they only ever reach their own conversations. */
export const customerProcedure = base.meta({ access: "customer" }).use(({ ctx, next }) => {
  if (!ctx.customer)
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Your chat session has expired. Reload the page." });
  return next({ ctx: { ...ctx, customer: ctx.customer } });
});
