import { createCallerFactory, createTRPCRouter } from "@/server/trpc";
import { knowledgeRouter } from "./knowledge";
import { setupRouter } from "./setup";
import { usersRouter } from "./users";

export const appRouter = createTRPCRouter({
  knowledge: knowledgeRouter,
  setup: setupRouter,
  users: usersRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
