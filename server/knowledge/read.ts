import type { Db } from "@/db/client";
import { listPairSourceConversations } from "@/db/queries/feedback";
import { getPair } from "@/db/queries/knowledge";
import { UserFacingError } from "@/server/users/errors";

/** A pair as the editor shows it, with the customer conversations it came from (review queue). */
export async function getPairForEditor(db: Db, id: string) {
  const pair = await getPair(db, id);
  if (!pair) throw new UserFacingError("This knowledge pair no longer exists", "not_found");
  const { questionHash: _q, answerHash: _a, ...rest } = pair;
  const conversations = await listPairSourceConversations(db, id);
  return { ...rest, conversations };
}
