import type { ChatMessage } from "@/server/inference";

/** A knowledge pair shown to the model as reference material. */
export interface ReferencePair {
  question: string;
  answer: string;
}

const INSTRUCTIONS =
  "You are the customer support assistant. Answer the customer's question briefly and accurately.";

/**
 * The conversation the model sees, for serving and for training data alike: instructions plus any
 * retrieved reference pairs as the system turn, then the earlier turns and the question.
 * Training uses the same function, so the model learns to use references the way it gets them.
 */
export function supportMessages(params: {
  question: string;
  history?: ChatMessage[];
  references?: ReferencePair[];
}): ChatMessage[] {
  const references = params.references ?? [];
  const system =
    references.length === 0
      ? INSTRUCTIONS
      : `${INSTRUCTIONS} Use the reference answers below when they fit.\n\n${references
          .map((r) => `Q: ${r.question}\nA: ${r.answer}`)
          .join("\n\n")}`;
  return [
    { role: "system", content: system },
    ...(params.history ?? []),
    { role: "user", content: params.question },
  ];
}
