import { sql } from "drizzle-orm";
import { beforeEach, expect, it } from "vitest";
import { countAllPairs, listApprovedPairsForTraining } from "@/db/queries/knowledge";
import { listPairs } from "@/db/queries/knowledge-search";
import { exportKnowledge } from "@/server/knowledge/export";
import { importKnowledge } from "@/server/knowledge/import";
import { describeEachDatabase } from "../helpers/db";

/** The bytes in small chunks, so lines and multi-byte characters straddle chunk boundaries. */
async function* chunks(content: string | Uint8Array, size = 7): AsyncGenerator<Uint8Array> {
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const jsonl = (...values: unknown[]) =>
  values.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join("\n");
const chat = (...turns: [string, string][]) => ({
  messages: turns.map(([role, content]) => ({ role, content })),
});

describeEachDatabase("knowledge import and export", (testDb) => {
  const run = (content: string | Uint8Array, mode: "preview" | "commit", fileName = "pairs.jsonl") =>
    importKnowledge(testDb().db, chunks(content), { format: "auto", fileName, mode, actorId: null });

  beforeEach(async () => {
    await testDb().db.execute(sql`delete from knowledge_pairs`);
  });

  it("imports OpenAI chat lines: system prompt and earlier turns become context, consecutive paraphrases become variants", async () => {
    const file = jsonl(
      chat(
        ["system", "You are Fjordlight support."],
        ["user", "Does the Beacon lamp need Wi‑Fi?"],
        ["assistant", "No, it works over Bluetooth."],
      ),
      chat(
        ["system", "You are Fjordlight support."],
        ["user", "beacon without wifi?"],
        ["assistant", "No, it works over Bluetooth."],
      ),
      chat(
        ["user", "My order is late"],
        ["assistant", "Sorry! What is your order number?"],
        ["user", "It is 1234"],
        ["assistant", "Thanks, it ships today."],
      ),
      "",
    );
    const preview = await run(file, "preview");
    expect(preview).toMatchObject({
      format: "openai",
      records: 2,
      counts: { create: 2, merge: 0, skip: 0 },
      errorCount: 0,
      committed: false,
    });
    expect(await countAllPairs(testDb().db)).toBe(0);
    expect(await run(file, "commit")).toMatchObject({ committed: true });
    const pairs = await listPairs(testDb().db, { filter: {}, sort: "created_desc", limit: 10 });
    expect(pairs.items.map((p) => p.question).sort()).toEqual([
      "Does the Beacon lamp need Wi‑Fi?",
      "It is 1234",
    ]);
    const exported = await collect(exportKnowledge(testDb().db, "openai", {}));
    const lines = exported
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toContainEqual(
      chat(
        ["system", "You are Fjordlight support."],
        ["user", "beacon without wifi?"],
        ["assistant", "No, it works over Bluetooth."],
      ),
    );
    expect(lines).toContainEqual(
      chat(
        ["user", "My order is late"],
        ["assistant", "Sorry! What is your order number?"],
        ["user", "It is 1234"],
        ["assistant", "Thanks, it ships today."],
      ),
    );
  });

  it("previews creates, merges and exact-duplicate skips against the database and within the file", async () => {
    const first = jsonl({
      question: "Can I return a tent?",
      answer: "Yes, within 30 days.",
      product: "Ridgeline Tent",
      tags: ["returns"],
    });
    await run(first, "commit");
    const second = jsonl(
      { question: "can I  return a tent?", answer: "Yes, within 30 days." },
      { question: "Can I return a tent?", answer: "Yes, within 30 days.", variants: ["tent refund"] },
      { question: "Can I return a tent?", answer: "No." },
      { question: "How heavy is the tent?", answer: "2.1 kg." },
      { question: "How heavy is the tent?", answer: "2.1 kg." },
    );
    const preview = await run(second, "preview");
    expect(preview.counts).toEqual({ create: 2, merge: 1, skip: 2 });
    expect(preview.samples.skip.map((s) => s.note)).toEqual([
      "exact duplicate of an existing pair",
      "same question and answer as line 4",
    ]);
    expect(preview.samples.create[0]?.note).toMatch(/different answer/);
    await run(second, "commit");
    expect(await countAllPairs(testDb().db)).toBe(3);
    const merged = await listPairs(testDb().db, {
      filter: { q: "tent refund" },
      sort: "relevance",
      limit: 5,
    });
    expect(merged.items[0]).toMatchObject({ question: "Can I return a tent?", variantCount: 1, version: 2 });
  });

  it("cleans NUL characters out of imported text instead of failing the commit", async () => {
    const file = jsonl({
      question: "Is it\u0000 waterproof?",
      answer: "Yes\u0000, to 10 m.",
      status: "approved",
    });
    expect(await run(file, "preview")).toMatchObject({ errors: [], counts: { create: 1 } });
    expect(await run(file, "commit")).toMatchObject({ committed: true, counts: { create: 1 } });
    const [pair] = await listApprovedPairsForTraining(testDb().db);
    expect(pair).toMatchObject({ question: "Is it waterproof?", answer: "Yes, to 10 m." });
  });

  it("reads CSV with a header, quoted commas and multi-line cells, and reports the right line numbers", async () => {
    const csv = [
      "Question,Answer,Variants,Product,Tags",
      'How do I pair the Beacon?,"Open the app, tap Add, hold the button.","pair beacon\nbeacon pairing",Beacon Lamp,"setup, bluetooth"',
      "Where is my order?,,,Store,",
      "Is it dimmable?,Yes.,,Beacon Lamp,",
    ].join("\r\n");
    const preview = await run(csv, "commit", "pairs.csv");
    expect(preview.committed).toBe(false);
    expect(preview.errors).toEqual([{ line: 4, field: "answer", message: '"answer" is empty' }]);
    expect(await countAllPairs(testDb().db)).toBe(0);
    const fixed = csv.replace("Where is my order?,,", "Where is my order?,Check your email for tracking.,");
    expect(await run(fixed, "commit", "pairs.csv")).toMatchObject({
      format: "csv",
      committed: true,
      counts: { create: 3 },
    });
    const [pair] = (
      await listPairs(testDb().db, { filter: { q: "pair beacon" }, sort: "relevance", limit: 1 })
    ).items;
    expect(pair).toMatchObject({
      answerPreview: "Open the app, tap Add, hold the button.",
      variantCount: 2,
      tags: ["setup", "bluetooth"],
    });
  });

  const badInputs: [
    string,
    string | Uint8Array,
    string,
    { line: number; field?: string; message: RegExp },
  ][] = [
    [
      "oversized field",
      jsonl({ question: "ok?", answer: "fine" }, { question: "big?", answer: "x".repeat(8001) }),
      "a.jsonl",
      { line: 2, field: "answer", message: /"answer" is 8,001 characters long; the limit is 8,000/ },
    ],
    [
      "invalid UTF-8",
      new Uint8Array([
        ...new TextEncoder().encode('{"question":"a?","answer":"b"}\n{"question":"caf'),
        0xe9,
        ...new TextEncoder().encode('?","answer":"b"}\n'),
      ]),
      "a.jsonl",
      { line: 2, message: /not valid UTF-8/ },
    ],
    [
      "CSV with a missing column",
      "question,product\nWhat?,Lamp\n",
      "a.csv",
      { line: 1, field: "answer", message: /missing the "answer" column/ },
    ],
    [
      "JSONL line that is not JSON",
      jsonl({ question: "a?", answer: "b" }, "{question: a?}"),
      "a.jsonl",
      { line: 2, message: /not valid JSON/ },
    ],
    [
      "role that is not user/assistant/system",
      jsonl(chat(["user", "hi"], ["assistant", "hello"]), chat(["customer", "hi"], ["assistant", "hello"])),
      "a.jsonl",
      {
        line: 2,
        field: "messages[0].role",
        message: /"messages\[0\].role" is "customer"; expected system, user or assistant/,
      },
    ],
    [
      "last turn not the assistant's",
      jsonl(chat(["user", "hi"], ["user", "hello"])),
      "a.jsonl",
      { line: 1, field: "messages[1].role", message: /assistant's answer/ },
    ],
    [
      "unknown status",
      jsonl({ question: "a?", answer: "b", status: "live" }),
      "a.jsonl",
      { line: 1, field: "status", message: /expected draft, approved or archived/ },
    ],
  ];

  it.each(badInputs)(
    "refuses %s with a clear message and imports nothing",
    async (_label, content, fileName, expected) => {
      const result = await run(content, "commit", fileName);
      expect(result.committed).toBe(false);
      expect(result.errors[0]).toMatchObject({
        ...expected,
        message: expect.stringMatching(expected.message),
      });
      expect(await countAllPairs(testDb().db)).toBe(0);
    },
  );

  it("round-trips: export then import gives back the same pairs, in every format", async () => {
    const source = jsonl(
      {
        question: "Does the Trailhead stove work at altitude?",
        answer: "Yes, up to 4,000 m.",
        variants: ["stove altitude", "high altitude cooking"],
        product: "Trailhead Stove",
        tags: ["product-info", "outdoor"],
        status: "approved",
      },
      {
        question: 'Quotes "and" commas, ok?',
        answer: 'Line one\nline two, with "quotes".',
        variants: [],
        product: null,
        tags: [],
      },
      {
        question: "Follow-up?",
        answer: "Sure.",
        context: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Hi" },
          { role: "assistant", content: "Hello!" },
        ],
      },
    );
    await run(source, "commit");
    const snapshot = async (fields: string[]) => {
      const rows = await testDb().db.execute(
        sql`select question, answer, variants, product, tags, status, context from knowledge_pairs order by question`,
      );
      return (rows as unknown as { rows: Record<string, unknown>[] }).rows.map((r) =>
        Object.fromEntries(fields.map((f) => [f, r[f]])),
      );
    };
    const all = ["question", "answer", "variants", "product", "tags", "status", "context"];
    const before = await snapshot(all);
    for (const [format, fileName, fields] of [
      ["jsonl", "x.jsonl", all],
      ["csv", "x.csv", all],
      ["openai", "x.jsonl", ["question", "answer", "variants", "context"]],
    ] as const) {
      const file = await collect(exportKnowledge(testDb().db, format, {}));
      await testDb().db.execute(sql`delete from knowledge_pairs`);
      const result = await run(file, "commit", fileName);
      expect(result, format).toMatchObject({ committed: true, errorCount: 0 });
      expect(await snapshot([...fields]), format).toEqual(
        before.map((r) => Object.fromEntries(fields.map((f) => [f, r[f]]))),
      );
      await testDb().db.execute(sql`delete from knowledge_pairs`);
      await run(source, "commit");
    }
  });

  it("exports the training view: approved pairs only, one OpenAI line per question and variant", async () => {
    await run(
      jsonl(
        { question: "Approved?", answer: "Yes.", variants: ["ok?", "fine?"], status: "approved" },
        { question: "Draft?", answer: "Not yet." },
      ),
      "commit",
    );
    const lines = (await collect(exportKnowledge(testDb().db, "training", {})))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.messages[0].content)).toEqual(["Approved?", "ok?", "fine?"]);
    expect(lines.every((l) => l.messages[1].content === "Yes.")).toBe(true);
    expect((await listApprovedPairsForTraining(testDb().db)).map((p) => p.variants)).toEqual([
      ["ok?", "fine?"],
    ]);
  });
});

async function collect(stream: AsyncIterable<string>): Promise<string> {
  let out = "";
  for await (const chunk of stream) out += chunk;
  return out;
}
