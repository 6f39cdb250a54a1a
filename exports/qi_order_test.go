package exports

import (
	"slices"
	"testing"

	"github.com/ateval/ateval/sharing"
)

// TestQIOrder checks that the hierarchies are in the order the ledger's
// joined records hold the quasi-identifiers (sharing.JoinRecords finds
// the borough by its position there).
func TestQIOrder(t *testing.T) {
	var names []string
	for _, x := range qis() {
		names = append(names, x.name)
	}
	if want := sharing.QINames(); !slices.Equal(names, want) {
		t.Errorf("qis() are in the order %v, sharing.QINames() %v", names, want)
	}
}
