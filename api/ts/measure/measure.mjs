// Measures what popular offline OpenAPI-to-TypeScript generators do to a
// 19-digit key of api/openapi.yaml, with and without the recipe of
// api/ts/exact.ts, against the gototraining-fake command (built and started
// here on 127.0.0.1). It prints a Markdown table (the one in api/README.md)
// and the raw results as JSON.
//
// Not part of CI (the generators are heavy). From api/ (after `npm ci`):
//
//	cd ts/measure && npm ci --ignore-scripts --no-audit --no-fund && npm run measure
//
// For each generator: generate a client from the spec, compile it with a
// small driver (drivers/*.ts), then
//   - register a learner: the answer's registrantKey is a JSON number of 19
//     digits; compare what the client hands over with the fake's key;
//   - schedule a training with one co-organizer (a JSON integer in the body):
//     without the recipe the caller passes Number(key), the only thing a
//     `number[]` accepts; with it, BigInt(key); check what the fake received.

import { execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const here = fileURLToPath(new URL(".", import.meta.url));
const repo = fileURLToPath(new URL("../../../", import.meta.url));
const spec = fileURLToPath(new URL("../../openapi.yaml", import.meta.url));
const bin = (name) => join(here, "node_modules", ".bin", name);
const version = async (pkg) =>
  JSON.parse(await readFile(join(here, "node_modules", pkg, "package.json"), "utf8")).version;

/** The generators: how to run each, where its int64 types are, its driver. */
const generators = [
  {
    name: "openapi-typescript + openapi-fetch",
    pkgs: ["openapi-typescript", "openapi-fetch"],
    dir: "openapi-typescript",
    // The project's generator: openapi-typescript with int64 as number | bigint.
    generate: (out) => run(process.execPath, [join(here, "..", "types.mjs"), join(out, "schema.d.ts")]),
    typesFile: "schema.d.ts",
    driver: "openapiFetch",
  },
  {
    name: "openapi-typescript (CLI defaults) + openapi-fetch",
    pkgs: ["openapi-typescript", "openapi-fetch"],
    dir: "openapi-typescript-cli",
    generate: (out) => run(bin("openapi-typescript"), [spec, "-o", join(out, "schema.d.ts")]),
    typesFile: "schema.d.ts",
    driver: "openapiFetch", // same runtime as above; only the types differ
    typesOnly: true,
  },
  {
    name: "@hey-api/openapi-ts (client-fetch)",
    pkgs: ["@hey-api/openapi-ts"],
    dir: "hey-api",
    generate: (out) => run(bin("openapi-ts"), ["-i", spec, "-o", out]),
    typesFile: "types.gen.ts",
    driver: "heyApi",
  },
  {
    name: "orval (fetch client)",
    pkgs: ["orval"],
    dir: "orval",
    generate: () => run(bin("orval"), ["--config", join(here, "orval.config.cjs")]),
    typesFile: "api.ts",
    driver: "orval",
  },
  {
    name: "swagger-typescript-api",
    pkgs: ["swagger-typescript-api"],
    dir: "swagger-typescript-api",
    generate: (out) => run(bin("swagger-typescript-api"), ["generate", "-p", spec, "-o", out, "-n", "api.ts"]),
    typesFile: "api.ts",
    driver: "swaggerTypescriptApi",
  },
  {
    name: "openapi-typescript-codegen (fetch)",
    pkgs: ["openapi-typescript-codegen"],
    dir: "openapi-typescript-codegen",
    generate: (out) => run(bin("openapi"), ["-i", spec, "-o", out, "-c", "fetch", "--useUnionTypes"]),
    typesFile: ["models/KeyNumber.ts", "models/TrainingReqCreate.ts"],
    driver: "openapiTypescriptCodegen",
  },
];

/** int64Types reads how the generated code types KeyNumber and the co-organizer keys of a new training. */
async function int64Types(dir, files) {
  let text = "";
  for (const f of [files].flat()) {
    text += await readFile(join(dir, f), "utf8");
  }
  const keyNumber = /KeyNumber\s*[=:]\s*([^;\n]+);/.exec(text)?.[1]?.trim() ?? "?";
  const organizers = /organizers\?:\s*([^;\n]+);/.exec(text)?.[1]?.trim() ?? "?";
  const cell = (t) => `\`${t.replaceAll("|", "\\|")}\``; // a bare | would split the Markdown cell
  return `${cell(keyNumber)} / ${cell(organizers)}`;
}

// ---------------------------------------------------------------------------
// The fake.

async function startFake(work) {
  const exe = join(work, "gototraining-fake");
  await run("go", ["build", "-o", exe, "./cmd/gototraining-fake"], { cwd: repo });
  const child = spawn(exe, ["-addr", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "ignore"] });
  const line = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no ready line in 30s")), 30_000);
    createInterface({ input: child.stdout }).once("line", (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    child.once("exit", (code) => reject(new Error(`gototraining-fake exited (${code})`)));
  });
  return { child, ready: JSON.parse(line) };
}

async function call(base, token, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text === "" ? undefined : JSON.parse(text); // keys are JSON strings in what this reads
}

// ---------------------------------------------------------------------------
// Cells of the table.

function readCell(got, held) {
  const shown = typeof got === "string" ? `"${got}"` : typeof got === "bigint" ? `${got}n` : String(got);
  if ((typeof got === "string" || typeof got === "bigint") && String(got) === held) return `exact (${typeof got})`;
  // A key whose shortest double form happens to print as its digits (it ends
  // in zeros): exact this time, by luck.
  if (typeof got === "number" && String(got) === held) return `exact by luck (number ${held})`;
  return `**rounded**: ${held} → ${shown}`;
}

function errorCell(err) {
  const msg = String(err?.message ?? err);
  const rounded = /organizers\[0\]: ([0-9]+) is not an organizer/.exec(msg);
  if (rounded) return `**rounded**: sent ${rounded[1]}, fake answers 400`;
  return `**fails**: ${err?.name ?? "Error"}: ${msg.slice(0, 80)}`;
}

// ---------------------------------------------------------------------------

async function main() {
  await rm(join(here, "gen"), { recursive: true, force: true });
  await rm(join(here, "out"), { recursive: true, force: true });
  const results = [];
  for (const g of generators) {
    const out = join(here, "gen", g.dir);
    await mkdir(out, { recursive: true });
    const versions = await Promise.all(g.pkgs.map(async (p) => `${p} ${await version(p)}`));
    const r = { name: g.name, versions: versions.join(", "), driver: g.driver, typesOnly: g.typesOnly ?? false };
    const t0 = Date.now();
    try {
      await g.generate(out);
      r.generateMs = Date.now() - t0;
      r.types = await int64Types(out, g.typesFile);
    } catch (e) {
      r.generateError = String(e?.stderr || e?.message || e).split("\n").slice(0, 3).join(" ");
    }
    results.push(r);
  }

  // Compile every generated client with its driver; type errors are reported, not fatal.
  let tscOut = "";
  try {
    await run(bin("tsc"), ["-p", join(here, "tsconfig.json")]);
  } catch (e) {
    tscOut = String(e.stdout ?? "");
    console.error(`tsc reported errors (the code is emitted anyway):\n${tscOut}`);
  }
  for (const r of results) {
    const dir = generators.find((g) => g.name === r.name).dir;
    const errors = tscOut.split("\n").filter((l) => l.startsWith(`gen/${dir}/`));
    const codes = [...new Set(errors.map((l) => /error (TS[0-9]+)/.exec(l)?.[1]).filter(Boolean))];
    r.tscErrors = errors.length === 0 ? "0" : `${errors.length} (${codes.join(", ")})`;
  }
  await writeFile(join(here, "out", "package.json"), '{ "type": "commonjs" }\n');
  const require = createRequire(join(here, "out", "measure", "drivers", "x.js"));

  const work = await mkdtemp(join(tmpdir(), "gototraining-measure-"));
  const { child, ready } = await startFake(work);
  const target = { baseUrl: ready.base_url, token: ready.token };
  const api = (m, p, b) => call(ready.base_url, ready.token, m, p, b);
  const control = (m, p, b) => call(ready.control_url, ready.token, m, p, b);
  const org = ready.organizer_key;
  try {
    for (const r of results) {
      if (r.generateError !== undefined || r.typesOnly) continue;
      const { driver } = require(`./${r.driver}.js`);
      r.plug = driver.plug;
      for (const recipe of [false, true]) {
        const mode = recipe ? "recipe" : "plain";
        // A training to register into, scheduled over plain HTTP (its key is a JSON string).
        const tk = await api("POST", `/organizers/${org}/trainings`, {
          name: `${r.name} ${mode}`,
          description: "",
          timeZone: "UTC",
          times: [{ startDate: "2027-06-01T09:00:00Z", endDate: "2027-06-01T10:00:00Z" }],
        });
        try {
          const got = await driver.register(target, recipe, org, tk, `${mode}@example.com`);
          const held = (await control("GET", `/trainings/${tk}`)).registrants[0].registrantKey;
          r[`read_${mode}`] = readCell(got, held);
        } catch (e) {
          r[`read_${mode}`] = errorCell(e);
        }
        const { organizerKey: co } = await control("POST", "/organizers", {
          email: `co-${mode}-${r.driver}@example.com`,
          givenName: "Co",
          surname: "Organizer",
        });
        try {
          const key = await driver.schedule(target, recipe, org, recipe ? BigInt(co) : Number(co));
          const held = await control("GET", `/trainings/${String(key)}`);
          r[`send_${mode}`] = held.organizers.includes(co) ? "exact" : `**wrong**: fake holds ${held.organizers.join(", ")}`;
        } catch (e) {
          r[`send_${mode}`] = errorCell(e);
        }
      }
    }
  } finally {
    child.kill("SIGTERM");
    await rm(work, { recursive: true, force: true });
  }

  console.log(`Measured on Node ${process.version} with the fake's random 19-digit keys.\n`);
  console.log("| generator (versions) | int64 types: `KeyNumber` / co-organizer keys | registrantKey read, plain | registrantKey read, with recipe | co-organizer key sent, plain (`Number(key)`) | co-organizer key sent, with recipe (`BigInt(key)`) | recipe plugged in by | tsc errors in the generated code (ts/measure/tsconfig.json, not strict) |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const r of results) {
    const name = `${r.name} (${r.versions})`;
    if (r.generateError !== undefined) {
      console.log(`| ${name} | cannot run: ${r.generateError} | | | | | | |`);
    } else if (r.typesOnly) {
      console.log(`| ${name} | ${r.types} | as above (same runtime, other types) | as above | as above | as above, after a cast: \`number[]\` refuses a bigint | as above | ${r.tscErrors} |`);
    } else {
      console.log(`| ${name} | ${r.types} | ${r.read_plain} | ${r.read_recipe} | ${r.send_plain} | ${r.send_recipe} | ${r.plug} | ${r.tscErrors} |`);
    }
  }
  console.log(`\n${JSON.stringify(results, null, 2)}`);
}

await main();
