import { beforeAll, expect, it } from "vitest";
import { createCaller } from "@/server/routers/_app";
import type { SessionUser } from "@/server/trpc";
import { describeEachDatabase } from "../helpers/db";
import { createSessionUser } from "../helpers/users";

describeEachDatabase("knowledge router", (testDb) => {
  let staff: SessionUser;
  const asStaff = () => createCaller({ db: testDb().db, user: staff });
  const base: { variants: string[]; context: never[]; product: string | null; tags: string[] } = {
    variants: [],
    context: [],
    product: null,
    tags: [],
  };

  beforeAll(async () => {
    staff = await createSessionUser(testDb().db, {
      email: "kim@example.com",
      password: "kim-password-1",
      role: "staff",
      name: "Kim",
    });
  });

  it("creates a pair with variants, edits it, keeps every version with a diff, and restores one", async () => {
    const api = asStaff();
    const created = await api.knowledge.create({
      ...base,
      question: "  How do I reset my Lumen hub password? ",
      answer: "Hold the reset button for 10 seconds.",
      variants: ["forgot hub password", "Forgot hub password", "reset hub login", ""],
      product: "Lumen Hub",
      tags: ["account"],
    });
    expect(created).toMatchObject({
      question: "How do I reset my Lumen hub password?",
      variants: ["forgot hub password", "reset hub login"],
      status: "draft",
      source: "manual",
      version: 1,
      updatedByName: "Kim",
    });
    const edited = await api.knowledge.update({
      ...base,
      id: created.id,
      expectedVersion: 1,
      question: created.question,
      answer: "Hold the reset button for 15 seconds until the light blinks.",
      variants: ["forgot hub password"],
      product: "Lumen Hub",
      tags: ["account", "setup"],
    });
    expect(edited.version).toBe(2);
    await expect(
      api.knowledge.update({ ...base, id: created.id, expectedVersion: 1, question: "x?", answer: "y" }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/Someone else changed/) });

    const history = await api.knowledge.getHistory({ id: created.id });
    expect(history.map((h) => h.version)).toEqual([2, 1]);
    expect(history[0]?.change).toBe("edited");
    expect(history[0]?.diff.variants).toEqual({ added: [], removed: ["reset hub login"] });
    expect(history[0]?.diff.tags).toEqual({ added: ["setup"], removed: [] });
    const answerParts = history[0]?.diff.answer ?? [];
    expect(answerParts.filter((p) => p.removed).map((p) => p.value.trim())).toContain("10");
    expect(
      answerParts
        .filter((p) => p.added)
        .map((p) => p.value)
        .join(""),
    ).toContain("15");

    const restored = await api.knowledge.restoreVersion({ id: created.id, version: 1 });
    expect(restored).toMatchObject({
      version: 3,
      answer: "Hold the reset button for 10 seconds.",
      tags: ["account"],
    });
    expect((await api.knowledge.getHistory({ id: created.id }))[0]?.change).toBe("restored version 1");
  });

  it("refuses bad content with a message naming the field, and writes nothing", async () => {
    const api = asStaff();
    const before = await api.knowledge.count({});
    await expect(api.knowledge.create({ ...base, question: "   ", answer: "a" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringMatching(/"question" is empty/),
    });
    await expect(
      api.knowledge.create({ ...base, question: "q?", answer: "a".repeat(8001) }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/"answer" is 8,001 characters long; the limit is 8,000/),
    });
    await expect(
      api.knowledge.create({ ...base, question: "q?", answer: "a", tags: ["bad,tag!"] }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/tag "bad,tag!" may only use/),
    });
    await expect(
      api.knowledge.create({
        ...base,
        question: "q?",
        answer: "a",
        context: [{ role: "bot", content: "hi" }],
      }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/"context\[0\].role" is "bot"; expected system, user or assistant/),
    });
    expect(await api.knowledge.count({})).toBe(before);
  });

  it("searches full text over questions, variants and answers, tolerates typos, filters and pages by keyset", async () => {
    const api = asStaff();
    const mk = (question: string, answer: string, extra: Partial<typeof base> = {}) =>
      api.knowledge.create({ ...base, question, answer, ...extra });
    const tent = await mk("Is the Ridgeline tent waterproof?", "Yes, it has a 3000 mm hydrostatic head.", {
      variants: ["will my tent leak in rain"],
      product: "Ridgeline Tent",
      tags: ["product-info"],
    });
    await mk("How long does shipping take?", "Orders ship within two business days.", { product: "Store" });
    await mk("Can I pay with PayPal?", "We accept cards and PayPal at checkout.", {
      product: "Store",
      tags: ["billing"],
    });

    const byAnswer = await api.knowledge.list({ filter: { q: "hydrostatic" } });
    expect(byAnswer.items.map((i) => i.id)).toEqual([tent.id]);
    const byVariant = await api.knowledge.list({ filter: { q: "leak" } });
    expect(byVariant.items.map((i) => i.id)).toEqual([tent.id]);
    const typo = await api.knowledge.list({ filter: { q: "ridgelne tnet waterprof" }, sort: "relevance" });
    expect(typo.items[0]?.id).toBe(tent.id);
    const stemmed = await api.knowledge.list({ filter: { q: "shipping" } });
    expect(stemmed.items[0]?.question).toBe("How long does shipping take?");

    expect((await api.knowledge.list({ filter: { product: "Store" } })).items).toHaveLength(2);
    expect((await api.knowledge.list({ filter: { tag: "billing" } })).items.map((i) => i.question)).toEqual([
      "Can I pay with PayPal?",
    ]);
    expect(
      (await api.knowledge.list({ filter: { changedSince: new Date(Date.now() + 60_000) } })).items,
    ).toEqual([]);
    expect((await api.knowledge.list({ filter: { source: "feedback" } })).items).toEqual([]);

    for (const sort of ["updated_desc", "updated_asc", "created_desc", "question_asc"] as const) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.knowledge.list({ sort, limit: 2, cursor });
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe(await api.knowledge.count({}));
    }
  });

  it("warns about a very similar question while typing", async () => {
    const api = asStaff();
    const similar = await api.knowledge.findSimilar({ question: "Is the Ridgeline tent watrproof" });
    expect(similar[0]?.question).toBe("Is the Ridgeline tent waterproof?");
    expect(await api.knowledge.findSimilar({ question: "completely unrelated words here" })).toEqual([]);
  });

  it("bulk approves, archives and tags; approving a conflicting pair asks for a decision", async () => {
    const api = asStaff();
    const a = await api.knowledge.create({
      ...base,
      question: "What is the warranty on the Lumen Hub?",
      answer: "Two years.",
      product: "Lumen Hub",
    });
    const b = await api.knowledge.create({
      ...base,
      question: "What's the warranty for the Lumen Hub?",
      answer: "One year only.",
      product: "Lumen Hub",
    });
    const draftNoAnswer = await api.knowledge.create({
      ...base,
      question: "Does the hub work offline?",
      answer: "",
    });
    await expect(api.knowledge.approve({ ids: [draftNoAnswer.id] })).rejects.toMatchObject({
      message: expect.stringMatching(/has no answer yet/),
    });

    expect(await api.knowledge.approve({ ids: [a.id] })).toMatchObject({ approved: [a.id], conflicts: [] });
    const asked = await api.knowledge.approve({ ids: [b.id] });
    expect(asked.approved).toEqual([]);
    expect(asked.conflicts[0]?.conflictsWith.map((c) => c.id)).toEqual([a.id]);
    expect((await api.knowledge.get({ id: b.id })).status).toBe("draft");
    expect(await api.knowledge.approve({ ids: [b.id], decision: "archive_others" })).toMatchObject({
      approved: [b.id],
      archived: [a.id],
    });
    expect((await api.knowledge.get({ id: a.id })).status).toBe("archived");

    const tagged = await api.knowledge.addTag({ ids: [a.id, b.id], tag: "warranty" });
    expect(tagged.changed.sort()).toEqual([a.id, b.id].sort());
    expect((await api.knowledge.addTag({ ids: [a.id], tag: "warranty" })).changed).toEqual([]);
    expect((await api.knowledge.removeTag({ ids: [a.id], tag: "warranty" })).changed).toEqual([a.id]);
    expect((await api.knowledge.setStatus({ ids: [b.id], status: "archived" })).changed).toEqual([b.id]);
    const history = await api.knowledge.getHistory({ id: b.id });
    expect(history.map((h) => h.change)).toEqual(["archived", 'tagged "warranty"', "approved", "created"]);
  });

  it("reports data health with counts that link to the rows", async () => {
    const api = asStaff();
    await api.knowledge.create({
      ...base,
      question: "How do I return an item?",
      answer: "Use the returns portal.",
    });
    await api.knowledge.create({ ...base, question: "how do I return items", answer: "Email us." });
    const approvedNoProduct = await api.knowledge.create({
      ...base,
      question: "Where are you based?",
      answer: "Oslo.",
    });
    await api.knowledge.approve({ ids: [approvedNoProduct.id] });
    await api.knowledge.create({ ...base, question: "Long one?", answer: "x".repeat(2500) });

    const health = await api.knowledge.getHealth();
    expect(health.conflict).toBeGreaterThanOrEqual(2);
    expect(health.near_duplicate).toBeGreaterThanOrEqual(2);
    expect(health.empty_field).toBe(1);
    expect(health.overlong_field).toBe(1);
    expect(health.approved_without_product).toBe(1);
    const conflictRows = await api.knowledge.list({ filter: { health: "conflict" } });
    expect(conflictRows.items.map((i) => i.question)).toEqual(
      expect.arrayContaining(["How do I return an item?", "how do I return items"]),
    );
    expect(
      (await api.knowledge.list({ filter: { health: "approved_without_product" } })).items.map((i) => i.id),
    ).toEqual([approvedNoProduct.id]);
    expect(await api.knowledge.count({ filter: { health: "empty_field" } })).toBe(1);
  });

  it("answers NOT_FOUND for an unknown pair", async () => {
    await expect(
      asStaff().knowledge.get({ id: "00000000-0000-4000-8000-000000000000" }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});
