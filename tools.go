//go:build tools

// Package tools pins the versions of the code generators this module runs
// through go generate, so that go.mod records them and every machine
// regenerates byte-identical code.
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
)
