import { createCallerFactory, createTRPCRouter } from "@/server/trpc";
import { apiKeysRouter } from "./apiKeys";
import { assistantSettingsRouter } from "./assistantSettings";
import { chatRouter } from "./chat";
import { chatSettingsRouter } from "./chatSettings";
import { conversationsRouter } from "./conversations";
import { knowledgeRouter } from "./knowledge";
import { modelsRouter } from "./models";
import { reviewQueueRouter } from "./reviewQueue";
import { setupRouter } from "./setup";
import { trainingRouter } from "./training";
import { usersRouter } from "./users";

export const appRouter = createTRPCRouter({
  apiKeys: apiKeysRouter,
  assistantSettings: assistantSettingsRouter,
  chat: chatRouter,
  chatSettings: chatSettingsRouter,
  conversations: conversationsRouter,
  reviewQueue: reviewQueueRouter,
  knowledge: knowledgeRouter,
  models: modelsRouter,
  setup: setupRouter,
  training: trainingRouter,
  users: usersRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
