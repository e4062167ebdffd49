/** The part of jstat (a CommonJS module that ships no types) that Tunedesk uses. */
declare module "jstat" {
  const jstat: {
    jStat: {
      /** The regularised incomplete beta function I_x(a, b): the Beta(a, b) distribution's CDF at x. */
      ibeta(x: number, a: number, b: number): number;
    };
  };
  export default jstat;
}
