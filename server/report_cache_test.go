package server

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ateval/ateval/reports"
)

// TestReportCache builds one report per key at a time, shows progress
// while it runs, serves it until it expires, and builds a failed one
// again.
func TestReportCache(t *testing.T) {
	release := make(chan struct{})
	var builds atomic.Int32
	var fail atomic.Bool
	c := newReportCache(func(ctx context.Context, opt reports.Options) (*reports.Report, error) {
		builds.Add(1)
		opt.Progress(1, 4)
		<-release
		if fail.Load() {
			return nil, errors.New("database gone")
		}
		return &reports.Report{FrameworkVersion: "test"}, nil
	})
	var clock sync.Mutex
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	c.now = func() time.Time { clock.Lock(); defer clock.Unlock(); return now }
	advance := func(d time.Duration) { clock.Lock(); now = now.Add(d); clock.Unlock() }

	j := mustJob(t, c, "a")
	if j2 := mustJob(t, c, "a"); j2 != j {
		t.Fatal("a second request for the same report started another build")
	}
	if j.wait(context.Background(), 10*time.Millisecond) {
		t.Fatal("the build finished before it was released")
	}
	deadline := time.Now().Add(5 * time.Second)
	for j.progress(c.now()).Steps != 1 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if p := j.progress(c.now()); p.Steps != 1 || p.Of != 4 || p.Percent != 25 || p.Waiting {
		t.Errorf("progress %+v, want 1 of 4 steps, 25%%", p)
	}
	close(release)
	if !j.wait(context.Background(), 5*time.Second) {
		t.Fatal("the build did not finish")
	}
	if r, err := j.result(); err != nil || r.FrameworkVersion != "test" {
		t.Fatalf("result %v, %v", r, err)
	}
	advance(5 * time.Minute)
	if mustJob(t, c, "a") != j {
		t.Error("the report was built again within its time to live")
	}
	advance(10 * time.Minute)
	j3 := mustJob(t, c, "a")
	if j3 == j {
		t.Fatal("an expired report was served")
	}
	j3.wait(context.Background(), 5*time.Second)
	fail.Store(true)
	advance(time.Hour)
	j4 := mustJob(t, c, "a")
	j4.wait(context.Background(), 5*time.Second)
	if _, err := j4.result(); err == nil {
		t.Fatal("the failing build gave no error")
	}
	fail.Store(false)
	j5 := mustJob(t, c, "a")
	if j5 == j4 {
		t.Error("a failed build was kept rather than tried again")
	}
	j5.wait(context.Background(), 5*time.Second)
	if builds.Load() < 4 {
		t.Errorf("%d builds, want at least 4", builds.Load())
	}
}

func mustJob(t *testing.T, c *reportCache, key string) *reportJob {
	t.Helper()
	j, err := c.job(key, reports.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// TestReportCacheFull refuses a new report while every place in the
// cache holds one still being built, and takes it once one finishes.
func TestReportCacheFull(t *testing.T) {
	release := make(chan struct{})
	c := newReportCache(func(ctx context.Context, opt reports.Options) (*reports.Report, error) {
		<-release
		return &reports.Report{}, nil
	})
	c.max = 3
	var jobs []*reportJob
	for _, k := range []string{"a", "b", "c"} {
		jobs = append(jobs, mustJob(t, c, k))
	}
	if _, err := c.job("d", reports.Options{}); err != errReportsBusy {
		t.Fatalf("a fourth report while three are building: %v, want errReportsBusy", err)
	}
	close(release)
	for _, j := range jobs {
		j.wait(context.Background(), 5*time.Second)
	}
	if _, err := c.job("d", reports.Options{}); err != nil {
		t.Errorf("a fourth report once the others are built: %v", err)
	}
}
