import { eq } from "drizzle-orm";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "@/db/client";
import { baseModels, datasetSnapshots, models, trainingMetrics, trainingRuns } from "@/db/schema";
import {
  completeFirstRunSetup,
  launchBrowser,
  type RunningApp,
  signIn,
  startApp,
  trpcMutation,
  trpcQuery,
} from "./harness";

const admin = { name: "Ada Admin", email: "ada@example.com", password: "ada-password-123" };
const staff = { name: "Sam Staff", email: "sam@example.com", password: "sam-password-123" };

const pairs: [question: string, answer: string][] = [
  ["How do I reset my password?", "Open Settings, choose Security and click Reset password."],
  ["Where can I download my invoice?", "Invoices are under Billing, in the Invoices tab."],
  ["Can I change my plan later?", "Yes, switch plans any time under Billing; we prorate the difference."],
  ["How do I add a team member?", "Go to Team, click Invite and enter their email address."],
  ["Do you offer refunds?", "We refund any payment made in the last 30 days; write to support."],
  ["How do I export my data?", "Under Settings, Data, click Export to get a ZIP of everything."],
  ["Is there a mobile app?", "Yes, search for Tunedesk in the App Store or Google Play."],
  ["How do I delete my account?", "Under Settings, Account, click Delete account and confirm."],
];

// Server round trips under a loaded machine (the worker trains in this process) can take seconds.
const patiently = { timeout: 30_000 };

describe("training and models console in the browser", () => {
  let app: RunningApp;
  let browser: Browser;
  let adminPage: Page;

  beforeAll(async () => {
    // The embedded default runs the training worker in this app process.
    [app, browser] = await Promise.all([
      startApp({ env: { TUNEDESK_PYTHON: "/usr/bin/python3" } }),
      launchBrowser(),
    ]);
    adminPage = await (await browser.newContext()).newPage();
    await completeFirstRunSetup(adminPage, app.url, admin);

    const ids: string[] = [];
    for (const [question, answer] of pairs) {
      const pair = await trpcMutation(adminPage.request, app.url, "knowledge.create", {
        question,
        answer,
        variants: [`${question.replace(/\?$/, "")} please?`],
      });
      ids.push(pair.id);
    }
    await trpcMutation(adminPage.request, app.url, "knowledge.approve", { ids, decision: "approve_anyway" });
    await trpcMutation(adminPage.request, app.url, "users.create", { ...staff, role: "staff" });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("Bases page lists the starter and explains it; a non-model directory is refused with the reason", async () => {
    await adminPage.goto(`${app.url}/console/models`);
    await adminPage.getByRole("link", { name: "Base models" }).click();
    await adminPage.waitForURL(/\/console\/models\/bases$/);
    await adminPage.getByTestId("base-list").getByText("Starter (trained from scratch)").waitFor();
    await expect(adminPage.getByTestId("starter-explanation").textContent()).resolves.toContain(
      "pretrained base answers noticeably better",
    );

    const form = adminPage.getByRole("form", { name: "Register a base model" });
    await form.getByLabel("Name").fill("Not a model");
    await form.getByLabel("Directory path (absolute)").fill(app.dataDir);
    await form.getByRole("button", { name: "Register" }).click();
    await expect(form.getByRole("alert").textContent()).resolves.toContain("config.json is missing");

    await form.getByLabel("Directory path (absolute)").fill("relative/dir");
    await form.getByRole("button", { name: "Register" }).click();
    await expect
      .poll(() => form.getByRole("alert").textContent(), patiently)
      .toContain("Give the model directory as an absolute path");
    expect(await adminPage.getByTestId("base-list").getByText("Not a model").count()).toBe(0);
  });

  it("Train shows the preview before starting; starting opens the run page, which goes from queued to running", async () => {
    await adminPage.goto(`${app.url}/console/training`);
    const form = adminPage.getByRole("form", { name: "Train a model" });
    await expect(form.getByLabel("Base model").inputValue()).resolves.not.toBe("");
    // The starter's defaults: full training from scratch.
    await expect(form.getByLabel("Method").inputValue()).resolves.toBe("full");
    // The embedded default starts with the demo knowledge base: count what is approved now.
    const approved: number = await trpcQuery(adminPage.request, app.url, "knowledge.count", {
      filter: { status: ["approved"] },
    });
    expect(approved).toBeGreaterThanOrEqual(pairs.length);
    await expect
      .poll(() => form.getByTestId("preview-pairs").textContent(), patiently)
      .toBe(approved.toLocaleString("en-US"));
    const numbers = async (testId: string) =>
      ((await form.getByTestId(testId).textContent()) ?? "")
        .match(/[\d,]+/g)!
        .map((n) => Number(n.replace(/,/g, "")));
    // Every pair trains; some variants are held out to ask the model in other words.
    const [heldOut] = await numbers("preview-split");
    expect(heldOut).toBeGreaterThanOrEqual(1);
    const [trainExamples] = await numbers("preview-examples");
    expect(trainExamples).toBeGreaterThan(approved);
    expect(
      Number((await form.getByTestId("preview-tokens").textContent())?.replace(/[^0-9]/g, "")),
    ).toBeGreaterThan(0);
    // A range, from a guess before any run has been measured on this host.
    await expect(form.getByTestId("preview-duration").textContent()).resolves.toMatch(/^\d.* – \d/);

    // A bad value is explained, and the preview follows a valid change.
    await form.getByLabel("Epochs").fill("0");
    await expect
      .poll(() => form.getByRole("alert").textContent(), patiently)
      .toContain("At least 0.1 epochs");
    expect(await form.getByRole("button", { name: "Start training" }).isDisabled()).toBe(true);
    await form.getByLabel("Epochs").fill("1");
    await expect
      .poll(() => form.getByRole("button", { name: "Start training" }).isEnabled(), patiently)
      .toBe(true);

    await form.getByRole("button", { name: "Start training" }).click();
    await adminPage.waitForURL(/\/console\/training\/[0-9a-f-]{36}$/);
    const view = adminPage.getByTestId("run-view");
    await view.waitFor();
    await expect
      .poll(() => view.getByTestId("status-badge").first().textContent(), { timeout: 30_000 })
      .toBe("running");
    // The estimate from the Train page stays on the run page, as a range.
    await expect(view.getByTestId("run-expected").textContent()).resolves.toMatch(/^\d.* – \d/);
    await expect
      .poll(() => view.getByTestId("run-phase").textContent(), { timeout: 30_000 })
      .not.toBe("Waiting for a worker");
  });

  it("staff see the runs but not the Train form; the admin cancels the run and the page says so", async () => {
    const staffPage = await (await browser.newContext()).newPage();
    await signIn(staffPage, app.url, staff.email, staff.password);
    await staffPage.waitForURL(/\/console\//);
    await staffPage.goto(`${app.url}/console/training`);
    await staffPage.getByTestId("run-list").waitFor();
    expect(await staffPage.getByRole("form", { name: "Train a model" }).count()).toBe(0);
    await staffPage.getByRole("link", { name: "Open run" }).first().click();
    await staffPage.getByTestId("run-view").waitFor();
    expect(await staffPage.getByRole("button", { name: "Cancel run" }).count()).toBe(0);

    adminPage.once("dialog", (dialog) => void dialog.accept());
    await adminPage.getByRole("button", { name: "Cancel run" }).click();
    const view = adminPage.getByTestId("run-view");
    await expect
      .poll(() => view.getByTestId("status-badge").first().textContent(), { timeout: 60_000 })
      .toBe("cancelled");
    await expect(view.getByTestId("run-error").textContent()).resolves.not.toBe("");
  });
});

/** An evaluation report where the candidate's held-out token F1 is `f1`. */
function evaluationReport(f1: number) {
  const questions = [
    {
      pairId: "p1",
      question: "Can I return worn boots?",
      reference: "Yes, within 30 days with the receipt.",
    },
  ];
  return {
    questions,
    models: ["candidate", "production", "base"].map((label) => ({
      label,
      modelId: null,
      scores: {
        tokenF1: label === "candidate" ? f1 : 0.1,
        rougeL: 0.2,
        stoppedShare: 1,
        repetition: 0,
        meanAnswerWords: 8,
        meanLatencyMs: 500,
        questions: 1,
      },
      answers: [`${label}: returns within 30 days`],
    })),
  };
}

// Models as the worker registers them, written straight into PostgreSQL: training one takes minutes
// (the lead's loop test does that); here the pages and the promotion gate are under test.
describe("models console in the browser [seeded models]", () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  const seeded: Record<"retired" | "production" | "candidate", { modelId: string; runId: string }> =
    {} as never;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startApp({ database: "postgres" }), launchBrowser()]);
    const { db, close } = await openDatabase({ kind: "postgres", url: app.databaseUrl!, maxConnections: 1 });
    try {
      const [base] = await db
        .insert(baseModels)
        .values({ name: "Seeded base", kind: "local", path: app.dataDir, summary: { parameters: 1_200_000 } })
        .returning();
      const [snapshot] = await db
        .insert(datasetSnapshots)
        .values({ sha256: "c0ffee".repeat(10), pairCount: 10, trainPairCount: 9, heldOutPairCount: 1 })
        .returning();
      // Production scores 0.5 on held-out questions; the candidate scores worse.
      for (const [status, f1] of [
        ["retired", 0.4],
        ["production", 0.5],
        ["candidate", 0.3],
      ] as const) {
        const [run] = await db
          .insert(trainingRuns)
          .values({
            baseModelId: base!.id,
            snapshotId: snapshot!.id,
            status: "succeeded",
            settings: { method: "full", epochs: 3, learningRate: 0.001 },
            progress: { phase: "registering", step: 4, totalSteps: 4, device: "cpu", precision: "fp32" },
            logTail: ["Evaluating candidate on 1 held-out questions"],
            startedAt: new Date(Date.now() - 60_000),
            finishedAt: new Date(),
          })
          .returning();
        await db
          .insert(trainingMetrics)
          .values([
            ...[1, 2, 3, 4].map((step) => ({ runId: run!.id, step, kind: "train" as const, loss: 4 / step })),
            { runId: run!.id, step: 4, kind: "eval" as const, loss: 1.5 },
          ]);
        const [model] = await db
          .insert(models)
          .values({
            name: `Seeded ${status}`,
            status,
            bundlePath: app.dataDir,
            baseModelId: base!.id,
            trainingRunId: run!.id,
            metrics: {
              val_loss: 1.5,
              steps: 4,
              decoders: {
                fp32: { greedyIdentical: 1, maxLogitDiff: 0.000002 },
                int8: { greedyIdentical: 0.94, maxLogitDiff: 0.05 },
                int4: { greedyIdentical: 0.81, maxLogitDiff: 0.4 },
              },
              retriever: {
                base: "general",
                steps: 300,
                seconds: 12,
                calibration: {
                  answerAt: 0.163,
                  offTopicWeight: 0.5,
                  clarifyMargin: 0.01,
                  source: "calibrated",
                  offTopicFloor: 0.163,
                  measured: {
                    inScopeQuestions: 65,
                    offTopicQuestions: 84,
                    inScopeAnswered: 0.89,
                    inScopeDeclined: 0.06,
                    inScopeRight: 0.54,
                    offTopicDeclined: 0.869,
                  },
                  note: "threshold raised from 0.098 to decline 90% of the off-topic messages set aside for it",
                },
              },
            },
            evaluation: evaluationReport(f1),
            promotedAt: status === "candidate" ? null : new Date(),
          })
          .returning();
        await db.update(trainingRuns).set({ modelId: model!.id }).where(eq(trainingRuns.id, run!.id));
        seeded[status] = { modelId: model!.id, runId: run!.id };
      }
    } finally {
      await close();
    }
    page = await (await browser.newContext()).newPage();
    await completeFirstRunSetup(page, app.url, admin);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("a finished run shows its loss, evaluation and a link to the model", async () => {
    await page.goto(`${app.url}/console/training/${seeded.candidate.runId}`);
    await expect
      .poll(() => page.getByTestId("loss-summary").textContent(), patiently)
      .toBe("train loss 1.000 at step 4 · eval loss 1.500 at step 4");
    await page
      .getByTestId("evaluation-table-held-out")
      .getByRole("rowheader", { name: "candidate" })
      .waitFor();
    await page.getByRole("link", { name: "Open the model" }).click();
    await page.waitForURL(new RegExp(`/console/models/${seeded.candidate.modelId}$`));
  });

  it("a worse candidate needs a reason to be promoted; a retired model can be rolled back to", async () => {
    await page.goto(`${app.url}/console/models`);
    const list = page.getByTestId("model-list");
    await list.getByRole("link", { name: "Seeded candidate" }).click();
    const view = page.getByTestId("model-view");
    await view.getByText("worse than production (token F1 0.300 vs 0.500)").waitFor();
    // Each decoder's check against the trained weights, and the one this server answers with.
    const decoders = view.getByTestId("decoders");
    expect(await decoders.getByRole("row", { name: /int4/ }).textContent()).toContain("81");
    expect(await decoders.getByRole("row", { name: /fp32/ }).textContent()).toContain("yes");
    expect(await decoders.getByRole("row", { name: /int8/ }).textContent()).not.toContain("yes");
    // The run's grounding decision: its threshold, what it declines and why it was raised.
    const calibration = await view.getByTestId("retriever-calibration").textContent();
    expect(calibration).toContain("calibrated on 65 held-out phrasings");
    expect(calibration).toContain("declines 86.9 % of 84 off-topic messages");
    expect(calibration).toContain("threshold raised from 0.098");

    const promote = page.getByRole("form", { name: "Promote" });
    await promote.getByRole("button", { name: "Promote anyway" }).click();
    await expect
      .poll(() => promote.getByTestId("promote-error").textContent(), patiently)
      .toContain("Give a reason to promote it anyway");
    expect(await view.getByTestId("status-badge").first().textContent()).toBe("candidate");
    await promote.getByLabel("Reason for promoting it anyway").fill("Its tone fits our customers better");
    await promote.getByRole("button", { name: "Promote anyway" }).click();
    await expect
      .poll(() => view.getByTestId("status-badge").first().textContent(), patiently)
      .toBe("production");
    // The seeded "bundle" is no model: the promotion stands and the page says serving failed, and why.
    await expect(view.getByTestId("serving-error").textContent()).resolves.toContain(
      "serving could not load it",
    );

    await page.goto(`${app.url}/console/models/${seeded.retired.modelId}`);
    await page.getByRole("button", { name: "Roll back to this model" }).click();
    await expect
      .poll(() => page.getByTestId("model-view").getByTestId("status-badge").first().textContent(), patiently)
      .toBe("production");
    await page.goto(`${app.url}/console/models`);
    await page.getByTestId("model-list").waitFor();
    const badges = await page.getByTestId("model-list").getByTestId("status-badge").allTextContents();
    expect(badges.sort()).toEqual(["production", "retired", "retired"]);
  });
});
