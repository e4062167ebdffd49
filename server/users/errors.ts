/** A problem with what a person asked for, phrased so they can fix it. */
export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly kind: "invalid" | "conflict" | "not_found" | "forbidden" = "invalid",
    readonly field?: string,
  ) {
    super(message);
    this.name = "UserFacingError";
  }
}
