/**
 * Messages no company's knowledge answers (general knowledge, chit-chat, other tasks, hostile and
 * prompt-injection attempts), written for Tunedesk. Half teach each run's retriever what to keep
 * away from, the other half calibrate and measure the decline; the halves never change.
 */

import { stableFraction } from "@/server/training/split";
import data from "./off-topic-questions.json";

const questions: string[] = data.questions;

export const OFF_TOPIC_FOR_TUNING = questions.filter((q) => stableFraction(`offtopic:${q}`) < 0.5);
export const OFF_TOPIC_FOR_CALIBRATION = questions.filter((q) => stableFraction(`offtopic:${q}`) >= 0.5);
