// orval, its fetch client: the generated functions call the global fetch,
// JSON.stringify the body themselves and JSON.parse the answer's text.
import { exactFetch } from "../../exact";
import { registerForTraining, scheduleTraining } from "../gen/orval/api";
import { type Driver, failed, learner, trainingBody, withGlobalFetch } from "./driver";

/** The generated URLs are paths (baseUrl ''): prefix them, and plug the recipe into the global fetch. */
function globalFetch(baseUrl: string, recipe: boolean): typeof fetch {
  const saved = globalThis.fetch;
  const prefixed: typeof fetch = (input, init) =>
    saved(typeof input === "string" && input.startsWith("/") ? baseUrl + input : input, init);
  return recipe ? exactFetch(prefixed) : prefixed;
}

export const driver: Driver = {
  plug: "globalThis.fetch = exactFetch(fetch) (the body is JSON.stringify'd in generated code: no hook)",
  async register(t, recipe, organizerKey, trainingKey, email) {
    const r = await withGlobalFetch(globalFetch(t.baseUrl, recipe), () =>
      registerForTraining(organizerKey, trainingKey, learner(email), { headers: { Authorization: `Bearer ${t.token}` } }),
    );
    if (r.status !== 201) throw failed(r.status, r.data);
    return (r.data as { registrantKey: unknown }).registrantKey;
  },
  async schedule(t, recipe, organizerKey, co) {
    const r = await withGlobalFetch(globalFetch(t.baseUrl, recipe), () =>
      scheduleTraining(organizerKey, trainingBody(co) as never, { headers: { Authorization: `Bearer ${t.token}` } }),
    );
    if (r.status !== 201) throw failed(r.status, r.data);
    return r.data;
  },
};
