// orval's configuration for measure.mjs: the fetch client, URLs as paths
// (the driver prefixes the fake's base URL). CommonJS: orval 7 reads a
// CommonJS config file.
const path = require("node:path");

module.exports = {
  gototraining: {
    input: { target: path.join(__dirname, "..", "..", "openapi.yaml") },
    output: { target: path.join(__dirname, "gen", "orval", "api.ts"), client: "fetch", baseUrl: "" },
  },
};
