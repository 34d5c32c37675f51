// Package api holds the OpenAPI description of the GoToTraining REST API that
// this module generates its client from. Tests and the fake server validate
// against these very bytes, so the spec that generates the client and the
// spec that checks the traffic can never differ.
package api

import _ "embed"

// OpenAPI is the content of api/openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte
