import path from "node:path";
import { parseArgs } from "node:util";
import { findUserWithHashByEmail } from "@/db/queries/users";
import { userRoles } from "@/db/schema";
import { getDatabase } from "./db";
import { env } from "./env";
import { loadDemoKnowledge } from "./knowledge/demo";
import { buildRetrieverBase } from "./training/retriever-base";
import { retrieverBaseDir } from "./training/retriever-tuning";
import { UserFacingError } from "./users/errors";
import { createUser, resetUserPassword } from "./users/service";

const usage = `Usage: npm run tunedesk -- <command> [options]

Commands:
  db:migrate                         apply pending database migrations
  user:create --email E --password P [--role ${userRoles.join("|")}] [--name N]
                                     create a staff or admin account
  user:reset-password --email E      give an account a temporary password (printed once) that only
                                     lets its owner choose a new one: recovery when no admin can
                                     sign in
  seed:demo [--yes]                  load the Fernhollow Gear demo knowledge base (82 approved pairs);
                                     on PostgreSQL (DATABASE_URL set) only with --yes
  retriever:build [--datasets DIR] [--minutes M] [--out DIR] [--exclude SET,…]
                                     pre-train the general retriever base from ../shared/datasets
                                     (default 80 minutes on 2 CPU cores) into <data dir>/retriever-base;
                                     benchmarks build theirs without the set they ask (--exclude)`;

type Command = (args: string[]) => Promise<void>;

const commands: Record<string, Command> = {
  async "db:migrate"() {
    const { kind } = await getDatabase();
    console.log(`Migrations applied (${kind}).`);
  },

  async "user:create"(args) {
    const { values } = parseArgs({
      args,
      options: {
        email: { type: "string" },
        password: { type: "string" },
        role: { type: "string", default: "staff" },
        name: { type: "string", default: "" },
      },
      strict: true,
    });
    const { db } = await getDatabase();
    const user = await createUser(
      db,
      {
        email: values.email ?? "",
        password: values.password ?? "",
        role: values.role as (typeof userRoles)[number],
        name: values.name,
      },
      null,
    );
    console.log(`Created ${user.role} ${user.email} (${user.id}).`);
  },

  async "user:reset-password"(args) {
    const { values } = parseArgs({ args, options: { email: { type: "string" } }, strict: true });
    const { db } = await getDatabase();
    const user = await findUserWithHashByEmail(db, values.email ?? "");
    if (!user)
      throw new UserFacingError(`No account has the email ${values.email ?? "(none given)"}`, "not_found");
    const { temporaryPassword } = await resetUserPassword(db, user.id, null);
    console.log(`Temporary password for ${user.email}: ${temporaryPassword}`);
    console.log("It only lets them choose a new password at their next sign-in.");
  },

  async "seed:demo"(args) {
    const { values } = parseArgs({
      args,
      options: { yes: { type: "boolean", default: false } },
      strict: true,
    });
    // Demo pairs would be trained on; never put them in a production database by accident.
    if (env().DATABASE_URL && !values.yes) {
      throw new UserFacingError(
        "DATABASE_URL points at a PostgreSQL database. Re-run with --yes to load the demo pairs into it.",
      );
    }
    const { db, kind } = await getDatabase();
    const { created, skipped } = await loadDemoKnowledge(db);
    console.log(
      `Demo knowledge base loaded (${kind}): ${created} pairs created, ${skipped} already present.`,
    );
  },

  async "retriever:build"(args) {
    const { values } = parseArgs({
      args,
      options: {
        datasets: { type: "string", default: "../shared/datasets" },
        minutes: { type: "string", default: "80" },
        out: { type: "string" },
        exclude: { type: "string", default: "" },
      },
      strict: true,
    });
    const minutes = Number(values.minutes);
    if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60)
      throw new UserFacingError("--minutes must be a number of minutes above 0");
    await buildRetrieverBase({
      datasets: path.resolve(values.datasets ?? "../shared/datasets"),
      out: values.out ? path.resolve(values.out) : retrieverBaseDir(env().TUNEDESK_DATA_DIR),
      exclude: (values.exclude ?? "").split(",").filter(Boolean),
      minutes,
      python: env().TUNEDESK_PYTHON,
    });
  },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.error(name ? `Unknown command: ${name}\n\n${usage}` : usage);
    return 2;
  }
  try {
    await command(rest);
    return 0;
  } catch (err) {
    if (err instanceof UserFacingError || (err instanceof TypeError && "code" in err)) {
      console.error(`Error: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    const database = await getDatabase().catch(() => null);
    await database?.close();
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
