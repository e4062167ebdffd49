import { expect, it } from "vitest";
import { listAudit } from "@/db/queries/audit";
import { DEFAULT_ASSISTANT_TEXTS, getAssistantTexts } from "@/server/assistant/texts";
import { createCaller } from "@/server/routers/_app";
import { createUser } from "@/server/users/service";
import { describeEachDatabase } from "../../helpers/db";

describeEachDatabase("the decline text setting", (useDb) => {
  it("defaults, rejects an empty text with a message, saves with an audit entry", async () => {
    const db = useDb().db;
    const admin = await createUser(
      db,
      { email: "a@example.com", password: "correct-horse-9", role: "admin" },
      null,
    );
    const caller = createCaller({ db, user: { id: admin.id, email: admin.email, name: "", role: "admin" } });
    expect(await caller.assistantSettings.get()).toEqual(DEFAULT_ASSISTANT_TEXTS);
    await expect(caller.assistantSettings.update({ decline: "  " })).rejects.toThrow(
      /at least a short sentence/,
    );
    const decline = "We can't answer that here. Our team is one click away.";
    await caller.assistantSettings.update({ decline: `  ${decline} ` });
    expect(await getAssistantTexts(db)).toEqual({ decline });
    const [entry] = await listAudit(db, { limit: 5, action: "settings.assistant_changed" });
    expect(entry).toMatchObject({ actorId: admin.id, details: { decline } });
  });
});
