// What every generator's driver does, so that measure.mjs can compare them.

/** Where the fake listens, and its token. */
export interface Target {
  baseUrl: string;
  token: string;
}

/** The body of scheduleTraining that every driver sends, with one co-organizer key. */
export function trainingBody(co: number | bigint) {
  return {
    name: "Measured",
    description: "What a generated client does to a 19-digit key",
    timeZone: "UTC",
    times: [{ startDate: "2027-06-01T09:00:00Z", endDate: "2027-06-01T10:00:00Z" }],
    organizers: [co],
  };
}

export function learner(email: string) {
  return { email, givenName: "Measured", surname: "Learner" };
}

/**
 * A driver calls one generated client. recipe: plug api/ts/exact.ts in where
 * the client lets one (its fetch, its body serializer), else leave it out.
 * Both methods throw on an answer that is not 2xx, with the status and body.
 */
export interface Driver {
  /** registerForTraining; returns registrantKey as the client hands it over. */
  register(t: Target, recipe: boolean, organizerKey: string, trainingKey: string, email: string): Promise<unknown>;
  /** scheduleTraining with one co-organizer key, as the caller could pass it; returns the new key. */
  schedule(t: Target, recipe: boolean, organizerKey: string, co: number | bigint): Promise<unknown>;
  /** Where the recipe plugs in, in words, for the table. */
  plug: string;
}

/** failed is the error of a non-2xx answer. */
export function failed(status: number, body: unknown): Error {
  return new Error(`HTTP ${String(status)} ${typeof body === "string" ? body : JSON.stringify(body)}`);
}

/** withGlobalFetch runs fn with globalThis.fetch replaced, for clients that only call the global fetch. */
export async function withGlobalFetch<T>(replacement: typeof fetch, fn: () => Promise<T>): Promise<T> {
  const saved = globalThis.fetch;
  globalThis.fetch = replacement;
  try {
    return await fn();
  } finally {
    globalThis.fetch = saved;
  }
}
