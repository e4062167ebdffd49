/**
 * Messages that try to change the bot's instructions, read its prompt or make it play another
 * role are declined before retrieval: no stored answer is a fitting reply to them.
 */
const ATTACKS: RegExp[] = [
  /\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|rules|prompts?|guidelines|directives|programming|everything (above|before))\b/i,
  /\b(system|hidden|initial|original|secret)\s+(prompt|instructions?|message|rules)\b/i,
  /\b(reveal|show|print|repeat|output|tell me|what (are|is|were))\b.{0,30}\b(your|the)\s+(prompt|instructions?|rules|configuration|guidelines)\b/i,
  /\b(print|repeat|output)\b.{0,30}\b(text|everything|words)\b.{0,20}\b(above|before|preceding)\b/i,
  /\b(developer|god|jailbreak|dan|unrestricted|unfiltered)\s+mode\b/i,
  /\b(you are|you're|act as|pretend (to be|you are)|roleplay as|from now on you)\b.{0,40}\b(dan|unfiltered|unrestricted|no (rules|limits|restrictions)|evil|jailbroken)\b/i,
  /^\s*(\[?\s*(system|admin|developer)\s*\]?\s*:|<\/?\s*(system|user|assistant)\s*>|<\|im_start\|>)/im,
  /<\|im_(start|end)\|>|<\/?(system|assistant)>/i,
];

export function isPromptAttack(text: string): boolean {
  return ATTACKS.some((re) => re.test(text));
}
