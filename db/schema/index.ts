export * from "./audit";
export * from "./knowledge";
export * from "./models";
export * from "./users";
export * from "./training";
export * from "./api-keys";
export * from "./conversations";
