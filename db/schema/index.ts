export * from "./api-keys";
export * from "./audit";
export * from "./conversations";
export * from "./embeddings";
export * from "./knowledge";
export * from "./models";
export * from "./training";
export * from "./users";
