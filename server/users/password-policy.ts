/**
 * What a password must be: long enough, and not guessable. Strength is zxcvbn's estimate (common
 * passwords, English words and names, keyboard walks, repeats, l33t), with the account's own email
 * and name counted as known words.
 */
import { type FeedbackType, ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as english from "@zxcvbn-ts/language-en";

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;
/** zxcvbn's 0–4 scale; 3 is "safely unguessable: moderate protection from offline attacks". */
export const PASSWORD_MIN_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;
function strengthEstimator(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    translations: english.translations,
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...english.dictionary },
    useLevenshteinDistance: true,
  });
  return estimator;
}

/** The words of an email and a name that a guesser would try first. */
function personalWords(personal: string[]): string[] {
  return personal.flatMap((s) => [s, ...s.toLowerCase().split(/[^a-z0-9]+/)]).filter((w) => w.length >= 3);
}

function advice(feedback: FeedbackType): string {
  const parts = [feedback.warning, ...feedback.suggestions].filter((s): s is string => Boolean(s));
  return parts.length ? ` ${parts.join(" ")}` : "";
}

/** Null when the password is acceptable, else a message saying what to change. */
export function passwordProblem(password: string, personal: string[] = []): string | null {
  if (password.length < PASSWORD_MIN_LENGTH)
    return `Password must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH)
    return `Password must be at most ${PASSWORD_MAX_LENGTH} characters`;
  // zxcvbn's cost grows with length; past 64 characters a password is long enough on its own.
  const result = strengthEstimator().check(password.slice(0, 64), personalWords(personal));
  if (result.score >= PASSWORD_MIN_SCORE) return null;
  return `This password is too easy to guess.${advice(result.feedback) || " Add a few more uncommon words."}`;
}
