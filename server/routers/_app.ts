import { createCallerFactory, createTRPCRouter } from "@/server/trpc";
import { setupRouter } from "./setup";
import { usersRouter } from "./users";

export const appRouter = createTRPCRouter({
  setup: setupRouter,
  users: usersRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
