export * from "./audit";
export * from "./knowledge";
export * from "./users";
