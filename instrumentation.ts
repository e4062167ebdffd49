/** Runs once when the Next.js server starts: migrate the database before the first request. */
export async function register() {
  // NEXT_RUNTIME is set by Next.js itself; the database only exists in the Node.js runtime.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getDatabase } = await import("./server/db");
  const { kind } = await getDatabase();
  console.log(`[tunedesk] database ready (${kind})`);
}
