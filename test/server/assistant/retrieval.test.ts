/**
 * Hybrid retrieval on both databases with a tiny tuned retriever: rewordings find their pair, the
 * embedding store and the index follow the knowledge, product names restrict the pairs, and the
 * served encoder (onnxruntime) embeds exactly as the trainer's PyTorch model does.
 */
import { eq, sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { createPair, setPairsStatus } from "@/db/queries/knowledge";
import { knowledgeEmbeddings } from "@/db/schema";
import { RetrieverEncoder } from "@/server/assistant/retriever/encoder";
import { DEFAULT_WEIGHTS, Retriever } from "@/server/assistant/retriever/retriever";
import { applyItemToPair } from "@/server/chat/review";
import { createCaller } from "@/server/routers/_app";
import { insertRatedDownAnswer } from "../../helpers/conversations";
import { describeEachDatabase } from "../../helpers/db";
import { createSessionUser } from "../../helpers/users";
import { KNOWLEDGE, tinyRetrieverBundle, trainer } from "./fixtures";

let bundle: string;
beforeAll(async () => {
  bundle = await tinyRetrieverBundle(KNOWLEDGE);
}, 120_000);

it("embeds in onnxruntime exactly as the trainer's PyTorch encoder does", async () => {
  const texts = [
    "I forgot my password",
    "",
    "Ünïcode and emoji 🙂 too",
    "a much longer question ".repeat(20),
  ];
  const encoder = (await RetrieverEncoder.load(`${bundle}/retriever`))!;
  try {
    const served = await encoder.encode(texts);
    const reference = JSON.parse(
      await trainer([
        "retriever-encode",
        "--dir",
        `${bundle}/retriever`,
        "--texts-json",
        JSON.stringify(texts),
      ]),
    ).embeddings as number[][];
    for (const [i, row] of reference.entries())
      for (const [d, x] of row.entries()) expect(Math.abs(served[i]![d]! - x)).toBeLessThan(1e-5);
    const norm = Math.hypot(...served[0]!);
    expect(norm).toBeCloseTo(1, 5);
  } finally {
    await encoder.dispose();
  }
});

describeEachDatabase("hybrid retrieval", (testDb) => {
  const ids = new Map<string, string>();
  beforeAll(async () => {
    for (const p of KNOWLEDGE) {
      const row = await createPair(
        testDb().db,
        { ...p, context: [], tags: [], product: p.product ?? null, status: "approved" },
        null,
      );
      ids.set(p.question, row.id);
    }
  });

  it("ranks a reworded question's pair first (typos and other words included)", async () => {
    const retriever = await Retriever.forBundle(bundle);
    expect(retriever.mode).toBe("hybrid");
    const top = async (q: string) => (await retriever.rank(testDb().db, q)).ranked[0]?.id;
    expect(await top("i forgot the pasword to log in")).toBe(ids.get("How do I reset my password?"));
    expect(await top("how many days for my parcel to get here")).toBe(
      ids.get("How long does delivery take?"),
    );
    expect(await top("stop paying monthly for my plan")).toBe(ids.get("How do I cancel my subscription?"));
    await retriever.dispose();
  });

  it("stores each phrasing's vector once, reuses it in a new process, and follows edits", async () => {
    const db = testDb().db;
    const first = await Retriever.forBundle(bundle);
    const question = "where do I download my bills";
    const before = (await first.rank(db, question)).ranked.map((r) => r.id);
    const stored = async () =>
      Number(
        (
          await db
            .select({ n: sql<number>`count(*)::int` })
            .from(knowledgeEmbeddings)
            .where(eq(knowledgeEmbeddings.encoderId, first.encoder!.id))
        )[0]!.n,
      );
    // Every question and variant, and each pair's answer (customers echo answers' words too).
    const phrasings = KNOWLEDGE.reduce((n, p) => n + 1 + p.variants.length + 1, 0);
    expect(await stored()).toBe(phrasings);

    const second = await Retriever.forBundle(bundle); // as another process would load it
    expect((await second.rank(db, question)).ranked.map((r) => r.id)).toEqual(before);
    expect(await stored()).toBe(phrasings);

    const added = await createPair(
      db,
      {
        question: "Do you ship to Canada?",
        answer: "Yes, to every Canadian province.",
        variants: ["international delivery to canada"],
        context: [],
        product: null,
        tags: [],
        status: "approved",
      },
      null,
    );
    expect((await second.rank(db, "can you deliver to canada")).ranked[0]?.id).toBe(added.id);
    expect(await stored()).toBe(phrasings + 3);
    await setPairsStatus(db, [added.id], "archived", null);
    expect((await second.rank(db, "can you deliver to canada")).ranked.map((r) => r.id)).not.toContain(
      added.id,
    );
    await Promise.all([first.dispose(), second.dispose()]);
  });

  it("grounds a question that names a product only on that product's pairs or general ones", async () => {
    const db = testDb().db;
    const retriever = await Retriever.forBundle(bundle);
    const aurora = KNOWLEDGE.filter((p) => p.product === "Aurora X1").map((p) => ids.get(p.question));
    const borealisBattery = ids.get("What is the battery life of the Borealis Z2?");
    const battery = await retriever.rank(db, "how long does the Borealis Z2 battery last on a charge");
    expect(battery.products).toEqual(["Borealis Z2"]);
    expect(battery.ranked[0]?.id).toBe(borealisBattery);
    // Only the Aurora has a weight pair: a Borealis question must not get it.
    const weight = await retriever.rank(db, "how heavy is the borealis z2");
    for (const r of weight.ranked) expect(aurora).not.toContain(r.id);
    expect(weight.ranked.every((r) => r.product === null || r.product === "Borealis Z2")).toBe(true);
    await retriever.dispose();
  });

  it("ranks lexically when the bundle has no retriever", async () => {
    const retriever = await Retriever.forBundle(null);
    expect(retriever.mode).toBe("lexical");
    const { ranked } = await retriever.rank(testDb().db, "how do I reset my password");
    expect(ranked[0]?.id).toBe(ids.get("How do I reset my password?"));
  });

  it("weighs a customer's question staff attached to a pair below staff's own phrasings, and still finds it asked again", async () => {
    const db = testDb().db;
    const staff = await createSessionUser(db, {
      email: "rank@example.com",
      password: "rank-password-1",
      role: "staff",
    });
    const invoices = ids.get("Where can I find my invoices?")!;
    const customerWords = "the shop never mailed me any paperwork for what i paid";
    await insertRatedDownAnswer(db, customerWords);
    const [item] = (await createCaller({ db, user: staff }).reviewQueue.list({ limit: 5, offset: 0 })).items;
    await applyItemToPair(db, staff.id, {
      itemId: item!.id,
      pairId: invoices,
      mode: "variant",
      text: customerWords,
    });

    const weighted = await Retriever.forBundle(bundle);
    const unweighted = await Retriever.forBundle(bundle, { ...DEFAULT_WEIGHTS, confirmedWeight: 1 });
    const best = async (retriever: Retriever, q: string) => (await retriever.rank(db, q)).ranked[0]!;
    const asked = await best(weighted, customerWords);
    expect([asked.id, asked.matched]).toEqual([invoices, customerWords]);
    expect(asked.score).toBeLessThan((await best(unweighted, customerWords)).score - 0.05);
    // Staff's own variants keep their full weight.
    const curated = await best(weighted, "invoice history");
    expect(curated.score).toBeCloseTo((await best(unweighted, "invoice history")).score, 6);
    await weighted.dispose();
    await unweighted.dispose();
  });
});
