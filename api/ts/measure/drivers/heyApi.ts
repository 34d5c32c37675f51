// @hey-api/openapi-ts, its default fetch client (@hey-api/client-fetch, generated in).
import { exactFetch, stringifyJson } from "../../exact";
import { createClient, createConfig } from "../gen/hey-api/client";
import { registerForTraining, scheduleTraining } from "../gen/hey-api/sdk.gen";
import { type Driver, failed, learner, trainingBody } from "./driver";

function client(baseUrl: string, token: string, recipe: boolean) {
  return createClient(
    createConfig({
      baseUrl,
      headers: { Authorization: `Bearer ${token}` },
      ...(recipe ? { fetch: exactFetch(), bodySerializer: stringifyJson } : {}),
    }),
  );
}

export const driver: Driver = {
  plug: "createClient(createConfig({ fetch: exactFetch(), bodySerializer: stringifyJson }))",
  async register(t, recipe, organizerKey, trainingKey, email) {
    const r = await registerForTraining({
      client: client(t.baseUrl, t.token, recipe),
      path: { organizerKey, trainingKey },
      body: learner(email),
    });
    if (r.data === undefined) throw failed(r.response.status, r.error);
    return r.data.registrantKey;
  },
  async schedule(t, recipe, organizerKey, co) {
    const r = await scheduleTraining({
      client: client(t.baseUrl, t.token, recipe),
      path: { organizerKey },
      // The generated type is number[]: a bigint needs a cast.
      body: trainingBody(co) as never,
    });
    if (r.data === undefined) throw failed(r.response.status, r.error);
    return r.data;
  },
};
