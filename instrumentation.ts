/** Runs once when the Next.js server starts: migrate the database and start background services. */
export async function register() {
  // NEXT_RUNTIME is set by Next.js itself; the database only exists in the Node.js runtime.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { bootServer } = await import("./server/boot");
  await bootServer();
}
