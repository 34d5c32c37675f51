package gototraining

import (
	// Time zones are validated with time.LoadLocation before anything is
	// sent. Embedding Go's copy of the IANA database (about 450 KB) makes
	// that work the same in scratch or distroless containers and on
	// machines without a zoneinfo directory, instead of refusing every
	// valid time zone there.
	_ "time/tzdata"
)
