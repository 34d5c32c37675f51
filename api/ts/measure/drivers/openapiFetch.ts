// openapi-typescript types (api/ts/types.mjs: int64 as number | bigint) and openapi-fetch.
import createClient from "openapi-fetch";

import { exactClientOptions } from "../../exact";
import type { paths } from "../gen/openapi-typescript/schema";
import { type Driver, failed, learner, trainingBody } from "./driver";

function client(baseUrl: string, token: string, recipe: boolean) {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` }, ...(recipe ? exactClientOptions() : {}) });
}

export const driver: Driver = {
  plug: "createClient({ ...exactClientOptions() }): fetch and bodySerializer",
  async register(t, recipe, organizerKey, trainingKey, email) {
    const r = await client(t.baseUrl, t.token, recipe).POST("/organizers/{organizerKey}/trainings/{trainingKey}/registrants", {
      params: { path: { organizerKey, trainingKey } },
      body: learner(email),
    });
    if (r.data === undefined) throw failed(r.response.status, r.error);
    return r.data.registrantKey;
  },
  async schedule(t, recipe, organizerKey, co) {
    const r = await client(t.baseUrl, t.token, recipe).POST("/organizers/{organizerKey}/trainings", {
      params: { path: { organizerKey } },
      body: trainingBody(co),
    });
    if (r.data === undefined) throw failed(r.response.status, r.error);
    return r.data;
  },
};
