// openapi-typescript-codegen (deprecated by its authors for @hey-api/openapi-ts,
// still widely installed): static services over the global fetch.
import { exactFetch } from "../../exact";
import { ApiError, OpenAPI, RegistrantsService, TrainingsService } from "../gen/openapi-typescript-codegen";
import { type Driver, failed, learner, trainingBody, withGlobalFetch } from "./driver";

async function call<T>(baseUrl: string, token: string, recipe: boolean, fn: () => Promise<T>): Promise<T> {
  OpenAPI.BASE = baseUrl;
  OpenAPI.TOKEN = token;
  try {
    return await withGlobalFetch(recipe ? exactFetch(globalThis.fetch) : globalThis.fetch, fn);
  } catch (e) {
    if (e instanceof ApiError) throw failed(e.status, e.body);
    throw e;
  }
}

export const driver: Driver = {
  plug: "globalThis.fetch = exactFetch(fetch) (the body is JSON.stringify'd in core/request.ts: no hook)",
  async register(t, recipe, organizerKey, trainingKey, email) {
    const data = await call(t.baseUrl, t.token, recipe, () =>
      RegistrantsService.registerForTraining(organizerKey, trainingKey, learner(email)),
    );
    return data.registrantKey;
  },
  async schedule(t, recipe, organizerKey, co) {
    return call(t.baseUrl, t.token, recipe, () => TrainingsService.scheduleTraining(organizerKey, trainingBody(co) as never));
  },
};
