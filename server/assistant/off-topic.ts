/**
 * Messages no company's knowledge answers (general knowledge, chit-chat, other tasks, hostile and
 * prompt-injection attempts), written for Tunedesk. Three stable parts that never change: half
 * teaches each run's retriever what to keep away from, a quarter sets the lowest answer threshold
 * calibration may choose, and a quarter only measures the decline (the run's report), so what it
 * reports was never used to set it.
 */

import { stableFraction } from "@/server/training/split";
import data from "./off-topic-questions.json";

const questions: string[] = data.questions;
const part = (from: number, to: number) =>
  questions.filter((q) => {
    const f = stableFraction(`offtopic:${q}`);
    return f >= from && f < to;
  });

export const OFF_TOPIC_FOR_TUNING = part(0, 0.5);
export const OFF_TOPIC_FOR_THRESHOLD = part(0.5, 0.75);
export const OFF_TOPIC_FOR_MEASURING = part(0.75, 1);
