import { customType, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => "bytea" });

/**
 * Retrieval vectors of knowledge phrasings, keyed by the encoder's content hash and the text's
 * hash: they outlive restarts, follow edits (a changed text is a new key) and are shared by every
 * model whose retriever is the same. Vectors are float32, little-endian.
 */
export const knowledgeEmbeddings = pgTable(
  "knowledge_embeddings",
  {
    encoderId: text("encoder_id").notNull(),
    textHash: text("text_hash").notNull(),
    vector: bytea("vector").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.encoderId, t.textHash] })],
);
