// exact.ts: JSON for the GoToTraining API without losing a digit of a key.
// Copy this file, or import it; it needs lossless-json (npm, MIT, no
// dependencies) and nothing else.
//
// GoTo's keys are 64-bit integers of 19 digits; a JavaScript number holds
// integers exactly only up to 2^53 - 1. GoTo sends some keys as JSON numbers
// (the registrantKey of a new registration, recordingId, the trainingKey of
// a recordings list), which JSON.parse rounds (2121396992126760705 becomes
// 2121396992126760700), and it reads co-organizer keys as JSON integers,
// which JSON.stringify cannot write from a number that holds them. So:
//
//  - parseJson reads an integer beyond 2^53 - 1 as the string of its digits.
//    The spec types keys in responses as string or number, so the result is
//    still a valid key; every other value reads as JSON.parse reads it.
//  - stringifyJson writes a bigint as a JSON integer of the same digits, and
//    refuses a number that is an integer beyond 2^53 - 1 (it was rounded
//    before it got here) instead of sending a wrong key.
//  - exactFetch wraps fetch so that JSON response bodies reach the client
//    already rewritten by parseJson; exactClientOptions plugs both halves
//    into openapi-fetch's createClient.
//
// With openapi-fetch:
//
//	const client = createClient<paths>({ baseUrl, headers, ...exactClientOptions() });
//	await client.POST("/organizers/{organizerKey}/trainings", {
//		params: { path: { organizerKey } },
//		body: { ..., organizers: [BigInt("7014338517301284865")] },
//	});
//
// (ts/types.mjs generates the types with int64 as number | bigint, so that
// the line above type-checks.)

import { isInteger, isSafeNumber, parse, stringify } from "lossless-json";

/** A key as a response may carry it, or as a caller may hold it. */
export type AnyKey = string | number | bigint;

const DIGITS = /^[0-9]{1,19}$/;
const INT64_MAX = 9223372036854775807n;

/**
 * keyString returns the decimal digits of a key, checked to be a 64-bit key
 * (1 to 19 digits, no sign, at most 2^63 - 1). A number beyond 2^53 - 1 is
 * refused: it has been rounded already, and its digits are not the key.
 */
export function keyString(key: AnyKey): string {
  let digits: string;
  if (typeof key === "number") {
    if (!Number.isSafeInteger(key)) {
      throw new RangeError(`key ${String(key)} is not exact in a JavaScript number; read bodies with parseJson`);
    }
    digits = key.toString(10);
  } else {
    digits = typeof key === "bigint" ? key.toString(10) : key;
  }
  if (!DIGITS.test(digits) || BigInt(digits) > INT64_MAX) {
    throw new RangeError(`not a 64-bit key: ${JSON.stringify(digits)}`);
  }
  return digits;
}

/** parseNumber keeps an integer literal beyond 2^53 - 1 as its digits. */
function parseNumber(literal: string): number | string {
  if (isInteger(literal) && !isSafeNumber(literal)) {
    return literal;
  }
  return Number(literal);
}

/**
 * parseJson is JSON.parse, except that an integer beyond 2^53 - 1 is read as
 * the string of its digits, exactly.
 */
export function parseJson(text: string): unknown {
  return parse(text, null, parseNumber);
}

/** stringifyJson's replacer: a rounded integer must never be sent. */
function refuseRounded(name: string, value: unknown): unknown {
  if (typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value)) {
    throw new RangeError(
      `${name === "" ? "the body" : JSON.stringify(name)} is ${String(value)}, an integer beyond 2^53 - 1 that a number has rounded; pass it as a bigint`,
    );
  }
  return value;
}

/**
 * stringifyJson is JSON.stringify, except that a bigint is written as a JSON
 * integer of its digits, and an integer number beyond 2^53 - 1 (already
 * rounded) throws a RangeError rather than being sent.
 */
export function stringifyJson(value: unknown): string {
  const text = stringify(value, refuseRounded);
  if (text === undefined) {
    throw new TypeError("stringifyJson: the value has no JSON form");
  }
  return text;
}

function isJson(contentType: string | null): boolean {
  const media = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return media === "application/json" || media.endsWith("+json");
}

/**
 * exactFetch returns a fetch whose JSON response bodies have been read with
 * parseJson and written back with JSON.stringify, so that a client calling
 * response.json() gets integers beyond 2^53 - 1 as exact decimal strings.
 * Other responses (empty bodies, redirects, other media types) pass as they
 * are. Any client that takes a custom fetch can use it.
 */
export function exactFetch(inner: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    if (!isJson(response.headers.get("Content-Type"))) {
      return response;
    }
    const text = await response.text();
    const headers = new Headers(response.headers);
    if (text.trim() === "") {
      return new Response(text, { status: response.status, statusText: response.statusText, headers });
    }
    headers.delete("Content-Length"); // the body changes length
    const body = JSON.stringify(parseJson(text));
    return new Response(body, { status: response.status, statusText: response.statusText, headers });
  };
}

/**
 * exactClientOptions are the options of openapi-fetch's createClient (and
 * of any client with the same fetch and bodySerializer options) that make
 * both directions exact.
 */
export function exactClientOptions(inner: typeof fetch = globalThis.fetch): {
  fetch: typeof fetch;
  bodySerializer: (body: unknown) => string;
} {
  return { fetch: exactFetch(inner), bodySerializer: stringifyJson };
}
