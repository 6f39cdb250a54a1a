package reports_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ateval/ateval/reports"
	"github.com/ateval/ateval/reports/summary"
)

// failing is the tempting Source, except that one follow-up's change
// summaries fail, slowly; it counts the queries still running.
type failing struct {
	tempting
	running atomic.Int64
}

var errQuery = errors.New("the database went away")

func (s *failing) ChangeSummaries(ctx context.Context, f summary.Filter, instrument, score, tp string) ([]summary.Change, error) {
	s.running.Add(1)
	defer s.running.Add(-1)
	if instrument == "ons4" && score == "satisfied" && tp == "m3" {
		return nil, errQuery
	}
	select {
	case <-time.After(10 * time.Millisecond):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s.tempting.ChangeSummaries(ctx, f, instrument, score, tp)
}

// TestBuildQueryFails checks that a failed summary query fails the build
// with its own error, and that the queries asked for ahead of their use
// are stopped: none is still running once Build has returned.
func TestBuildQueryFails(t *testing.T) {
	src := &failing{}
	_, err := reports.Build(context.Background(), src, reports.Options{})
	if !errors.Is(err, errQuery) {
		t.Fatalf("Build: %v, want %v", err, errQuery)
	}
	if n := src.running.Load(); n != 0 {
		t.Errorf("%d queries still running after Build returned", n)
	}
}
