package browsertest

import (
	"context"
	"strconv"
	"testing"

	"github.com/ateval/ateval"
)

// deviceID returns the catalogue id of the device with the code.
func deviceID(t *testing.T, site *Site, code string) string {
	t.Helper()
	ds, err := site.DB.View(ateval.SystemContext(context.Background())).Devices()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Code == code {
			return strconv.FormatInt(d.ID, 10)
		}
	}
	t.Fatalf("no device %s", code)
	return ""
}
