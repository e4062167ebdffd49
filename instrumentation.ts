/** Runs once when the Next.js server starts: migrate the database and start background services. */
export async function register() {
  // NEXT_RUNTIME is set by Next.js itself; the database only exists in the Node.js runtime.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { bootServer } = await import("./server/boot");
  await bootServer();
  // The embedded default starts with a demo knowledge base; PostgreSQL only gets it on request.
  const { env } = await import("./server/env");
  if (!env().DATABASE_URL) {
    const { getDatabase } = await import("./server/db");
    const { seedDemoOnFirstStart } = await import("./server/knowledge/demo");
    if (await seedDemoOnFirstStart((await getDatabase()).db))
      console.log("[tunedesk] demo knowledge base loaded");
  }
}
