// A small TypeScript consumer of the types that openapi-typescript generates
// from api/openapi.yaml (`npm run types` runs ./types.mjs, which writes
// ./schema.d.ts, not committed, with integer/int64 typed number | bigint).
// `npm run tsc` type-checks this file with strict settings, which proves
// that the spec yields types other-language tooling can use: if an
// operation, a path, a schema or a status code changes in the spec, this
// file stops compiling.
//
// Keys: GoTo keys are 64-bit integers of up to 19 digits, beyond 2^53, so a
// JavaScript number cannot hold them. Path keys are strings of digits in the
// spec; keys in response bodies (the `Key` schema) arrive as JSON strings or
// JSON numbers. This file never turns a key into a number: it reads bodies
// with exact.ts's parseJson, which keeps long integers as their digits, and
// writes the integer keys of request bodies as bigints with stringifyJson.

import { parseJson, stringifyJson } from "./exact.js";
import type { components, operations, paths } from "./schema.js";

type Schemas = components["schemas"];

/** A key in a response body, as the spec types it: a string or a number (number | bigint for int64). */
export type Key = Schemas["Key"];
/** A key in a path: a string of decimal digits. */
export type PathKey = components["parameters"]["TrainingKey"];
/** The error body GoTo may send with a 4xx or 5xx. */
export type ApiErrorBody = Schemas["Error"];

// ---------------------------------------------------------------------------
// Type helpers over the generated `operations` and `paths`.

type JsonRequestBody<Op> = Op extends {
  requestBody: { content: { "application/json": infer B } };
}
  ? B
  : never;

type JsonResponseBody<Op, Status extends number> = Op extends {
  responses: { [S in Status]: { content: { "application/json": infer B } } };
}
  ? B
  : never;

type PathParams<P extends keyof paths> = paths[P] extends {
  parameters: { path: infer PP extends Readonly<Record<string, PathKey>> };
}
  ? PP
  : never;

type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

// Compile-time proofs that the operations carry the schemas the SDK relies on.
export const typeProofs = {
  scheduleTrainingBody: true satisfies Equal<
    JsonRequestBody<operations["scheduleTraining"]>,
    Schemas["TrainingReqCreate"]
  >,
  scheduleTraining201: true satisfies Equal<
    JsonResponseBody<operations["scheduleTraining"], 201>,
    Key
  >,
  getTraining200: true satisfies Equal<
    JsonResponseBody<operations["getTraining"], 200>,
    Schemas["Training"]
  >,
  registerForTrainingBody: true satisfies Equal<
    JsonRequestBody<operations["registerForTraining"]>,
    Schemas["RegistrantReqCreate"]
  >,
  registerForTraining201: true satisfies Equal<
    JsonResponseBody<operations["registerForTraining"], 201>,
    Schemas["RegistrantCreated"]
  >,
  getRegistrants200: true satisfies Equal<
    JsonResponseBody<operations["getRegistrants"], 200>,
    Schemas["Registrant"][]
  >,
  keyIsStringNumberOrBigint: true satisfies Equal<Key, string | number | bigint>,
  coOrganizerKeysTakeBigint: true satisfies Equal<
    Schemas["TrainingReqCreate"]["organizers"],
    (number | bigint)[] | undefined
  >,
  pathKeyIsString: true satisfies Equal<PathKey, string>,
} as const;

// ---------------------------------------------------------------------------
// Keys.

const DIGITS = /^[0-9]{1,19}$/;
const INT64_MAX = 9223372036854775807n;

/** checkPathKey returns key if it is a decimal int64 (1 to 19 digits, no sign). */
export function checkPathKey(key: string): PathKey {
  if (!DIGITS.test(key) || BigInt(key) > INT64_MAX) {
    throw new RangeError(`not a 64-bit key: ${JSON.stringify(key)}`);
  }
  return key;
}

/**
 * keyToDecimal returns the decimal digits of a key read from a response body.
 * A string key is checked and returned as is. A number key is exact only up
 * to 2^53 - 1: past that a plain JSON.parse has already rounded it, so it is
 * refused rather than passed on wrong (exact.ts's parseJson never produces one).
 */
export function keyToDecimal(key: Key): string {
  if (typeof key === "string") {
    return checkPathKey(key);
  }
  if (typeof key === "bigint") {
    return checkPathKey(key.toString(10));
  }
  if (!Number.isSafeInteger(key) || key < 0) {
    throw new RangeError(
      `key ${String(key)} arrived as an inexact JSON number; parse bodies with parseJson`,
    );
  }
  return key.toString(10);
}

// ---------------------------------------------------------------------------
// A tiny typed client over fetch.

export interface ClientOptions {
  /** For example https://api.getgo.com/G2T/rest, or a Prism mock. */
  readonly baseUrl: string;
  readonly accessToken: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody | undefined,
  ) {
    super(`GoToTraining API: HTTP ${String(status)} ${body?.int_err_code ?? body?.errorCode ?? ""}`);
    this.name = "ApiError";
  }
}

function buildPath<P extends keyof paths>(template: P, params: PathParams<P>): string {
  const values: Readonly<Record<string, PathKey | undefined>> = params;
  return template.replace(/\{([A-Za-z]+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) {
      throw new Error(`missing path parameter ${name} for ${template}`);
    }
    return encodeURIComponent(checkPathKey(value));
  });
}

async function send(
  opts: ClientOptions,
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  want: number,
  body?: string,
): Promise<unknown> {
  const headers: Record<string, string> = {
    Accept: "application/json",
    Authorization: `Bearer ${opts.accessToken}`,
  };
  const init: RequestInit = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = body;
  }
  const res = await fetch(`${opts.baseUrl}${path}`, init);
  const text = await res.text();
  if (res.status !== want) {
    let errBody: ApiErrorBody | undefined;
    try {
      errBody = parseJson(text) as ApiErrorBody;
    } catch {
      errBody = undefined;
    }
    throw new ApiError(res.status, errBody);
  }
  return text === "" ? undefined : parseJson(text);
}

/** What scheduleTraining takes: the spec's body, with co-organizer keys as digits. */
export type ScheduleTrainingInput = Omit<Schemas["TrainingReqCreate"], "organizers"> & {
  readonly organizers?: readonly PathKey[];
};

/** scheduleTraining schedules a training and returns the new training's key. */
export async function scheduleTraining(
  opts: ClientOptions,
  organizerKey: PathKey,
  input: ScheduleTrainingInput,
): Promise<string> {
  const { organizers, ...rest } = input;
  const spec: JsonRequestBody<operations["scheduleTraining"]> =
    organizers === undefined ? rest : { ...rest, organizers: organizers.map((k) => BigInt(checkPathKey(k))) };
  const body = stringifyJson(spec);
  const path = buildPath("/organizers/{organizerKey}/trainings", { organizerKey });
  const key = (await send(opts, "POST", path, 201, body)) as JsonResponseBody<
    operations["scheduleTraining"],
    201
  >;
  return keyToDecimal(key);
}

/** getTraining returns one training. */
export async function getTraining(
  opts: ClientOptions,
  organizerKey: PathKey,
  trainingKey: PathKey,
): Promise<JsonResponseBody<operations["getTraining"], 200>> {
  const path = buildPath("/organizers/{organizerKey}/trainings/{trainingKey}", {
    organizerKey,
    trainingKey,
  });
  return (await send(opts, "GET", path, 200)) as JsonResponseBody<operations["getTraining"], 200>;
}

/** registerForTraining registers one learner; the key in the answer is normalized to digits. */
export async function registerForTraining(
  opts: ClientOptions,
  organizerKey: PathKey,
  trainingKey: PathKey,
  learner: JsonRequestBody<operations["registerForTraining"]>,
): Promise<Schemas["RegistrantCreated"] & { readonly registrantKey: string }> {
  const path = buildPath("/organizers/{organizerKey}/trainings/{trainingKey}/registrants", {
    organizerKey,
    trainingKey,
  });
  const created = (await send(opts, "POST", path, 201, JSON.stringify(learner))) as JsonResponseBody<
    operations["registerForTraining"],
    201
  >;
  return { ...created, registrantKey: keyToDecimal(created.registrantKey) };
}

/** getRegistrants lists the registrants of a training. */
export async function getRegistrants(
  opts: ClientOptions,
  organizerKey: PathKey,
  trainingKey: PathKey,
): Promise<JsonResponseBody<operations["getRegistrants"], 200>> {
  const path = buildPath("/organizers/{organizerKey}/trainings/{trainingKey}/registrants", {
    organizerKey,
    trainingKey,
  });
  return (await send(opts, "GET", path, 200)) as JsonResponseBody<operations["getRegistrants"], 200>;
}

/** approvedEmails uses the response types: the registrants whose status is APPROVED. */
export function approvedEmails(registrants: readonly Schemas["Registrant"][]): Map<string, string> {
  const byKey = new Map<string, string>();
  for (const r of registrants) {
    if (r.status === "APPROVED") {
      byKey.set(keyToDecimal(r.registrantKey), r.email);
    }
  }
  return byKey;
}

/** describeTraining uses the Training type: its key, name and sessions in one line. */
export function describeTraining(t: Schemas["Training"]): string {
  const first = t.times[0];
  const start = first === undefined ? "no session" : `first session ${first.startDate}`;
  return `${keyToDecimal(t.trainingKey)} ${t.name} (${String(t.times.length)} sessions, ${start})`;
}
