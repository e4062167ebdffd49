import { expect, it } from "vitest";
import { createConversation, insertMessage } from "@/db/queries/conversations";
import { getPair } from "@/db/queries/knowledge";
import { listUnansweredQuestions } from "@/db/queries/unanswered";
import { createCaller } from "@/server/routers/_app";
import { createUser } from "@/server/users/service";
import { describeEachDatabase } from "../helpers/db";

describeEachDatabase("unanswered questions", (useDb) => {
  it("groups declined and clarified questions by their words, most asked first, and drafts a pair from one", async () => {
    const db = useDb().db;
    const exchange = async (question: string, grounding: "answer" | "clarify" | "decline") => {
      const c = await createConversation(db, { customerId: `c-${Math.random()}`, channel: "chat" });
      await insertMessage(db, { conversationId: c.id, role: "user", content: question });
      await insertMessage(db, {
        conversationId: c.id,
        role: "assistant",
        content: "…",
        grounding,
        groundingScore: 0.1,
      });
    };
    await exchange("Do you deliver to the Moon?", "decline");
    await exchange("do you deliver to the moon", "decline");
    await exchange("Delivering to the moon, do you?", "clarify");
    await exchange("Can I pay with seashells?", "decline");
    await exchange("How do I reset my password?", "answer");

    const groups = await listUnansweredQuestions(db, { limit: 10 });
    expect(groups.map((g) => [g.count, g.declined, g.clarified])).toEqual([
      [3, 2, 1],
      [1, 1, 0],
    ]);
    expect(groups[0]!.example).toBe("Delivering to the moon, do you?");
    expect(groups.flatMap((g) => g.example)).not.toContain("How do I reset my password?");

    const staff = await createUser(
      db,
      { email: "s@example.com", password: "correct-horse-9", role: "staff" },
      null,
    );
    const caller = createCaller({ db, user: { id: staff.id, email: staff.email, name: "", role: "staff" } });
    const { id } = await caller.conversations.draftFromUnanswered({ question: groups[1]!.example });
    expect(await getPair(db, id)).toMatchObject({
      question: "Can I pay with seashells?",
      status: "draft",
      answer: "",
    });
    await expect(caller.conversations.draftFromUnanswered({ question: "  " })).rejects.toThrow(
      /question is empty/,
    );
  });
});
