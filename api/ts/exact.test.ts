// Unit checks of exact.ts; lifecycle.test.ts checks it against the fake.

import assert from "node:assert/strict";
import { test } from "node:test";

import { exactFetch, keyString, parseJson, stringifyJson } from "./exact.js";

const KEY = "2121396992126760705"; // JSON.parse reads it as 2121396992126760700

test("parseJson keeps integers beyond 2^53 - 1 as digits, everything else as JSON.parse", () => {
  const text = `{"registrantKey":${KEY},"n":42,"max":9007199254740991,"f":1.5,"neg":-7,"s":"${KEY}","a":[${KEY},null,true]}`;
  assert.deepEqual(parseJson(text), {
    registrantKey: KEY,
    n: 42,
    max: 9007199254740991,
    f: 1.5,
    neg: -7,
    s: KEY,
    a: [KEY, null, true],
  });
  assert.notEqual(String((JSON.parse(text) as { registrantKey: number }).registrantKey), KEY);
});

test("stringifyJson writes a bigint as its digits and refuses a rounded number", () => {
  assert.equal(stringifyJson({ organizers: [BigInt(KEY)], n: 1 }), `{"organizers":[${KEY}],"n":1}`);
  assert.throws(() => stringifyJson({ organizers: [Number(KEY)] }), RangeError);
  assert.throws(() => stringifyJson(undefined), TypeError);
  assert.equal(stringifyJson({ max: Number.MAX_SAFE_INTEGER, f: 0.1 }), `{"max":9007199254740991,"f":0.1}`);
});

test("keyString gives the digits of a 64-bit key, and refuses what is not one", () => {
  assert.equal(keyString(KEY), KEY);
  assert.equal(keyString(BigInt(KEY)), KEY);
  assert.equal(keyString(42), "42");
  assert.equal(keyString("9223372036854775807"), "9223372036854775807");
  for (const bad of [Number(KEY), "9223372036854775808", "12345678901234567890", "-1", "1e3", "", -1, 1.5, -1n]) {
    assert.throws(() => keyString(bad), RangeError, String(bad));
  }
});

test("exactFetch rewrites JSON bodies only", async () => {
  const answers: Record<string, Response> = {
    "/json": new Response(`{"registrantKey":${KEY}}`, { status: 201, headers: { "Content-Type": "application/json; charset=utf-8" } }),
    "/text": new Response(`${KEY}`, { headers: { "Content-Type": "text/plain" } }),
    "/empty": new Response("", { status: 404, headers: { "Content-Type": "application/json" } }),
  };
  const inner: typeof fetch = async (input) => answers[String(input)] ?? new Response(null, { status: 500 });
  const f = exactFetch(inner);
  const json = await f("/json");
  assert.equal(json.status, 201);
  assert.deepEqual(await json.json(), { registrantKey: KEY });
  assert.equal(await (await f("/text")).text(), KEY);
  const empty = await f("/empty");
  assert.equal(empty.status, 404);
  assert.equal(await empty.text(), "");
});
