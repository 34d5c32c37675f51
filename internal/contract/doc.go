// Package contract holds the contract test of api/openapi.yaml: every
// operation, sent through the generated client in gen/, against a Prism mock
// of the same spec. The test is behind the "contract" build tag because it
// needs Node and the npm tooling in api/node_modules; run it with
// `make contract`.
package contract
