import type { Db } from "@/db/client";
import { getPair, type Pair } from "@/db/queries/knowledge";
import { UserFacingError } from "@/server/users/errors";

/** A pair as the editor shows it. */
export async function getPairForEditor(
  db: Db,
  id: string,
): Promise<Omit<Pair, "questionHash" | "answerHash">> {
  const pair = await getPair(db, id);
  if (!pair) throw new UserFacingError("This knowledge pair no longer exists", "not_found");
  const { questionHash: _q, answerHash: _a, ...rest } = pair;
  return rest;
}
