import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { createPair, listApprovedPairsForTraining } from "@/db/queries/knowledge";
import { applyItemToPair } from "@/server/chat/review";
import { createCaller } from "@/server/routers/_app";
import { continuableRetriever, retrieverTrainingGroups } from "@/server/training/retriever-tuning";
import { insertRatedDownAnswer } from "../helpers/conversations";
import { describeEachDatabase } from "../helpers/db";
import { createSessionUser } from "../helpers/users";

function retrieverDir(dir: string, meta: Record<string, unknown>): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "retriever.json"), JSON.stringify(meta));
  return dir;
}

it("continues from production's retriever only when it descends from today's general base", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "tunedesk-continue-"));
  const general = retrieverDir(path.join(root, "retriever-base"), {
    kind: "general",
    created_at: "2026-12-03T09:38:22Z",
  });
  const same = path.join(root, "same");
  retrieverDir(path.join(same, "retriever"), { kind: "tuned", general_base: "2026-12-03T09:38:22Z" });
  const older = path.join(root, "older");
  retrieverDir(path.join(older, "retriever"), { kind: "tuned", general_base: "2026-11-01T00:00:00Z" });
  const scratch = path.join(root, "scratch");
  retrieverDir(path.join(scratch, "retriever"), { kind: "tuned", general_base: null });

  expect(continuableRetriever(same, general)).toBe(path.join(same, "retriever"));
  // A rebuilt general base starts runs afresh; so does a production model tuned without one.
  expect(continuableRetriever(older, general)).toBeNull();
  expect(continuableRetriever(scratch, general)).toBeNull();
  // Without a general base, a production retriever tuned from scratch is continued.
  expect(continuableRetriever(scratch, null)).toBe(path.join(scratch, "retriever"));
  // A bundle without a retriever (older bundles) is no starting point.
  expect(continuableRetriever(path.join(root, "none"), general)).toBeNull();
});

describeEachDatabase("what the retriever is tuned on", (useDb) => {
  it("keeps customers' confirmed questions out of the encoder's tuning, and staff-written variants in", async () => {
    const db = useDb().db;
    const staff = await createSessionUser(db, {
      email: "tuning@example.com",
      password: "tuning-password-1",
      role: "staff",
    });
    const pair = await createPair(
      db,
      {
        question: "How do I get a refund?",
        answer: "Refunds go back to your card within 5 days of our receiving the parcel.",
        variants: ["Can I have my money back?"],
        context: [],
        product: null,
        tags: [],
        status: "approved",
      },
      staff.id,
    );
    await insertRatedDownAnswer(db, "my parcel came broken, what now");
    const [item] = (await createCaller({ db, user: staff }).reviewQueue.list({ limit: 10, offset: 0 })).items;
    await applyItemToPair(db, staff.id, {
      itemId: item!.id,
      pairId: pair.id,
      mode: "variant",
      text: "my parcel came broken, what now",
    });
    const [current] = await listApprovedPairsForTraining(db);
    expect(current!.variants).toContain("my parcel came broken, what now");

    const [group] = await retrieverTrainingGroups(db, [{ ...current!, pairId: current!.id }]);
    expect(group!.texts).toEqual(["How do I get a refund?", "Can I have my money back?"]);
    expect(group!.answer).toBe(current!.answer);
  });
});
