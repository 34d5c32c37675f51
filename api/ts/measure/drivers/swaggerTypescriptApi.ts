// swagger-typescript-api: an Api class over fetch, with a customFetch option;
// the body goes through a private JSON.stringify formatter.
import { exactFetch } from "../../exact";
import { Api } from "../gen/swagger-typescript-api/api";
import { type Driver, failed, learner, trainingBody } from "./driver";

function api(baseUrl: string, token: string, recipe: boolean) {
  return new Api({
    baseUrl,
    baseApiParams: { headers: { Authorization: `Bearer ${token}` } },
    ...(recipe ? { customFetch: exactFetch() } : {}),
  });
}

async function call<T>(p: Promise<{ status: number; data: T }>): Promise<T> {
  try {
    return (await p).data;
  } catch (e) {
    const r = e as { status?: number; error?: unknown };
    if (typeof r.status === "number") throw failed(r.status, r.error);
    throw e;
  }
}

export const driver: Driver = {
  plug: "new Api({ customFetch: exactFetch() }) (the body goes through a private JSON.stringify: no hook)",
  async register(t, recipe, organizerKey, trainingKey, email) {
    const data = await call(api(t.baseUrl, t.token, recipe).organizers.registerForTraining(organizerKey, trainingKey, learner(email)));
    return data.registrantKey;
  },
  async schedule(t, recipe, organizerKey, co) {
    return call(api(t.baseUrl, t.token, recipe).organizers.scheduleTraining(organizerKey, trainingBody(co) as never));
  },
};
