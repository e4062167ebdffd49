import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { revokeSession } from "@/db/queries/sessions";
import type { UserRole } from "@/db/schema";
import { getDatabase } from "@/server/db";
import { cleanTexts } from "@/server/text";
import { authSecret } from "./secret";
import { SESSION_LIFETIME_S, sessionToken } from "./session";
import { signInClient, signInWithPassword } from "./sign-in";

declare module "next-auth" {
  interface Session {
    user: { id: string; role: UserRole; mustChangePassword: boolean } & DefaultSession["user"];
  }
  interface User {
    role?: UserRole;
    passwordChangeRequired?: boolean;
  }
}

/** The `code` reaches the sign-in form, which turns it into a message. */
class InvalidCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}
class TooManyAttempts extends CredentialsSignin {
  code = "too_many_attempts";
}

const credentialsInput = z.object({ email: z.string().max(254), password: z.string().max(200) });

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: authSecret(),
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_LIFETIME_S },
  pages: { signIn: "/login" },
  events: {
    async signOut(message) {
      const sid = "token" in message ? message.token?.sid : undefined;
      if (typeof sid === "string") await revokeSession((await getDatabase()).db, sid);
    },
  },
  providers: [
    Credentials({
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      async authorize(raw, request) {
        const parsed = credentialsInput.safeParse(cleanTexts(raw));
        if (!parsed.success) throw new InvalidCredentials();
        const { db } = await getDatabase();
        const result = await signInWithPassword(
          db,
          parsed.data.email,
          parsed.data.password,
          signInClient(request),
        );
        if (!result.ok)
          throw result.reason === "throttled" ? new TooManyAttempts() : new InvalidCredentials();
        return result.user;
      },
    }),
  ],
  callbacks: {
    jwt: async (params) => sessionToken((await getDatabase()).db, params),
    session({ session, token }) {
      session.user.id = token.sub ?? "";
      session.user.role = token.role as UserRole;
      session.user.mustChangePassword = token.mustChangePassword === true;
      return session;
    },
  },
}));
