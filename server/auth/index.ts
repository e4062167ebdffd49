import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { findUserById } from "@/db/queries/users";
import type { UserRole } from "@/db/schema";
import { getDatabase } from "@/server/db";
import { authSecret } from "./secret";
import { signInWithPassword } from "./sign-in";

declare module "next-auth" {
  interface Session {
    user: { id: string; role: UserRole } & DefaultSession["user"];
  }
  interface User {
    role?: UserRole;
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
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  pages: { signIn: "/login" },
  providers: [
    Credentials({
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      async authorize(raw) {
        const parsed = credentialsInput.safeParse(raw);
        if (!parsed.success) throw new InvalidCredentials();
        const { db } = await getDatabase();
        const result = await signInWithPassword(db, parsed.data.email, parsed.data.password);
        if (!result.ok)
          throw result.reason === "throttled" ? new TooManyAttempts() : new InvalidCredentials();
        return result.user;
      },
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user?.id) {
        token.sub = user.id;
        token.role = user.role;
        return token;
      }
      // Re-read the account on every request so a disabled user is signed out at once
      // and a role change takes effect without signing in again.
      if (!token.sub) return null;
      const { db } = await getDatabase();
      const current = await findUserById(db, token.sub);
      if (!current || current.disabledAt !== null) return null;
      token.role = current.role;
      token.email = current.email;
      token.name = current.name;
      return token;
    },
    session({ session, token }) {
      session.user.id = token.sub ?? "";
      session.user.role = token.role as UserRole;
      return session;
    },
  },
}));
