import { z } from "zod";
import { userRoles } from "@/db/schema";

export const emailInput = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "Email is too long (254 characters at most)")
  .pipe(z.email({ error: "Enter a valid email address, like name@example.com" }));

export const passwordInput = z
  .string()
  .min(10, "Password must be at least 10 characters")
  .max(200, "Password must be at most 200 characters");

export const roleInput = z.enum(userRoles, { error: `Role must be one of: ${userRoles.join(", ")}` });

export const nameInput = z.string().trim().max(100, "Name must be at most 100 characters").default("");

export const newUserInput = z.object({
  email: emailInput,
  name: nameInput,
  password: passwordInput,
  role: roleInput,
});
export type NewUserInput = z.input<typeof newUserInput>;

export const firstAdminInput = newUserInput.omit({ role: true });
