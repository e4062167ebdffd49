import { beforeAll, expect, it } from "vitest";
import { listConfirmedQuestions } from "@/db/queries/feedback";
import { createPair, getPair } from "@/db/queries/knowledge";
import { createCaller } from "@/server/routers/_app";
import type { SessionUser } from "@/server/trpc";
import { insertRatedDownAnswer } from "../helpers/conversations";
import { describeEachDatabase } from "../helpers/db";
import { createSessionUser } from "../helpers/users";

const pairs = [
  {
    question: "How do I get a refund?",
    answer: "Refunds go back to your card within 5 days of our receiving the parcel.",
  },
  {
    question: "Where is my parcel?",
    answer: "Track the parcel from Orders, then Track, with the number in your email.",
  },
  {
    question: "How do I change my delivery address?",
    answer: "Change the address under Account, then Addresses, before the order ships.",
  },
];

describeEachDatabase("review queue for volume", (useDb) => {
  let staff: SessionUser;
  const ids: string[] = [];

  beforeAll(async () => {
    const db = useDb().db;
    staff = await createSessionUser(db, {
      email: "queue@example.com",
      password: "queue-password-1",
      role: "staff",
    });
    for (const p of pairs) {
      const row = await createPair(
        db,
        { ...p, variants: [], context: [], product: null, tags: [], status: "approved" },
        staff.id,
      );
      ids.push(row.id);
    }
  });

  it("pages through the queue and filters it by kind and by the customer's words", async () => {
    const db = useDb().db;
    for (let i = 0; i < 7; i++) await insertRatedDownAnswer(db, `parcel question number ${i}`);
    await insertRatedDownAnswer(db, "refund please", "Refunds go back to your card within 5 days.");
    const reviewer = createCaller({ db, user: staff });
    const first = await reviewer.reviewQueue.list({ limit: 3, offset: 0 });
    const second = await reviewer.reviewQueue.list({ limit: 3, offset: 3 });
    const third = await reviewer.reviewQueue.list({ limit: 3, offset: 6 });
    expect([first.total, first.open]).toEqual([8, 8]);
    const seen = [...first.items, ...second.items, ...third.items].map((i) => i.id);
    expect(new Set(seen).size).toBe(8);
    expect(third.items).toHaveLength(2);

    const parcels = await reviewer.reviewQueue.list({ search: "PARCEL question", limit: 50, offset: 0 });
    expect(parcels.total).toBe(7);
    expect(parcels.open).toBe(8);
    const corrections = await reviewer.reviewQueue.list({ kinds: ["correction"], limit: 50, offset: 0 });
    expect(corrections.items.map((i) => i.question)).toEqual(["refund please"]);
    // Words of the correction find it too; LIKE's wildcards are taken literally.
    expect((await reviewer.reviewQueue.list({ search: "5 days", limit: 50, offset: 0 })).total).toBe(1);
    expect((await reviewer.reviewQueue.list({ search: "%", limit: 50, offset: 0 })).total).toBe(0);
    await expect(reviewer.reviewQueue.list({ search: "x".repeat(201), limit: 5, offset: 0 })).rejects.toThrow(
      /at most 200 characters/,
    );
  });

  it("ranks pairs with customer retrieval, shows whole answers and picks the pair a correction names", async () => {
    const db = useDb().db;
    const reviewer = createCaller({ db, user: staff });
    const { pairs: found, suggested } = await reviewer.reviewQueue.suggestPairs({
      text: "my money back?",
      correction: "Refunds go back to your card within 5 days.",
    });
    expect(suggested).toBe(ids[0]);
    expect(found[0]).toMatchObject({ id: ids[0], answer: pairs[0]!.answer, status: "approved" });
    const reworded = await reviewer.reviewQueue.suggestPairs({ text: "wheres my parcel" });
    expect(reworded.pairs[0]?.id).toBe(ids[1]);
    // A correction that says nothing a pair says suggests none.
    expect(
      (await reviewer.reviewQueue.suggestPairs({ text: "parcel", correction: "Call us." })).suggested,
    ).toBeNull();
  });

  it("adds many similar questions to one pair at once, or dismisses them, all or nothing", async () => {
    const db = useDb().db;
    const reviewer = createCaller({ db, user: staff });
    const search = async (q: string) =>
      (await reviewer.reviewQueue.list({ search: q, limit: 50, offset: 0 })).items.map((i) => i.id);
    const parcelItems = await search("parcel question");
    expect(parcelItems.length).toBe(7);

    const done = await reviewer.reviewQueue.applyManyToPair({
      itemIds: parcelItems.slice(0, 4),
      pairId: ids[1]!,
    });
    expect(done.added).toBe(4);
    expect((await getPair(db, ids[1]!))?.variants).toHaveLength(4);
    expect((await listConfirmedQuestions(db, 50)).filter((c) => c.pairId === ids[1])).toHaveLength(4);

    // One item already handled: the batch is refused and nothing else changes.
    await expect(
      reviewer.reviewQueue.applyManyToPair({ itemIds: [parcelItems[4]!, parcelItems[0]!], pairId: ids[1]! }),
    ).rejects.toThrow(/already handled/);
    expect((await getPair(db, ids[1]!))?.variants).toHaveLength(4);
    expect(await search("parcel question")).toHaveLength(3);

    expect(await reviewer.reviewQueue.dismissMany({ itemIds: parcelItems.slice(4) })).toEqual({
      dismissed: 3,
    });
    expect(await search("parcel question")).toHaveLength(0);
    await expect(reviewer.reviewQueue.dismissMany({ itemIds: [] })).rejects.toThrow(/Select the items first/);
  });
});
