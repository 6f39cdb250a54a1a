package server

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/reports"
	"github.com/ateval/ateval/storage/auth"
)

// TestReportQueueIsFairPerUser has a commissioner ask for many filter
// sets at once, through the real router: two are taken and the rest
// answered 429 saying so, on the page and in the API. An evaluator's
// report is then queued, not refused, and is built as soon as one of the
// commissioner's builds ends, while the commissioner's other builds, and
// one asked for since, are still held.
func TestReportQueueIsFairPerUser(t *testing.T) {
	w := newWorld(t)
	comm, _ := w.session("commissioner", auth.CookieSession)
	commAPI, _ := w.session("commissioner", auth.BearerSession)
	eval, _ := w.session("evaluator", auth.CookieSession)
	rh := w.srv.reports
	rh.pageWait = 10 * time.Millisecond
	// The commissioner's builds (device categories com-*) wait to be
	// released; the evaluator's are built at once, on the real database.
	var mu sync.Mutex
	gates, released := map[string]chan struct{}{}, map[string]bool{}
	gate := func(cat string) chan struct{} {
		mu.Lock()
		defer mu.Unlock()
		if gates[cat] == nil {
			gates[cat] = make(chan struct{})
		}
		return gates[cat]
	}
	release := func(cat string) {
		g := gate(cat)
		mu.Lock()
		defer mu.Unlock()
		if !released[cat] {
			released[cat] = true
			close(g)
		}
	}
	build := rh.cache.build
	rh.cache.build = func(ctx context.Context, opt reports.Options) (*reports.Report, error) {
		if cat := opt.Filter.DeviceCategory; strings.HasPrefix(cat, "com-") {
			<-gate(cat)
		}
		return build(ctx, opt)
	}
	defer func() {
		for _, c := range []string{"com-1", "com-2", "com-3", "com-4", "com-5"} {
			release(c)
		}
	}()

	for i, cat := range []string{"com-1", "com-2", "com-3", "com-4"} {
		rec := w.do(request{path: "/reports?device_category=" + cat, cookie: comm})
		body := rec.Body.String()
		if i < 2 {
			if rec.Code != ok || rec.Header().Get("Refresh") == "" {
				t.Fatalf("the commissioner's report %d: %d, want 200 while it is built", i+1, rec.Code)
			}
			continue
		}
		if rec.Code != 429 || !strings.Contains(body, "You already have 2 reports being prepared; wait for them to finish") {
			t.Errorf("the commissioner's report %d with two under way: %d, want 429 saying so\n%.500s", i+1, rec.Code, body)
		}
	}
	rec := w.do(request{path: "/api/v1/reports?device_category=com-5", bearer: commAPI})
	if code, msg := apiError(t, rec); rec.Code != 429 || code != ateval.ERATELIMITED || !strings.HasPrefix(msg, "You already have 2 reports being prepared") {
		t.Errorf("results.json of a fifth filter set: %d %s %q, want 429", rec.Code, code, msg)
	}
	// The evaluator's report waits for a worker, and is not refused.
	rec = w.do(request{path: "/reports?device_category=eval-1", cookie: eval})
	if rec.Code != ok || !strings.Contains(rec.Body.String(), "Waiting for another report to finish first") {
		t.Fatalf("the evaluator's report while the commissioner's two are built: %d\n%.500s", rec.Code, rec.Body.String())
	}
	// One of the commissioner's builds ends; the commissioner asks for
	// another at once, but the evaluator's is built first.
	release("com-1")
	rec = w.reportPage("/reports?device_category=com-1", comm)
	if rec.Code != ok {
		t.Fatalf("the commissioner's first report: %d", rec.Code)
	}
	if rec := w.do(request{path: "/reports?device_category=com-3", cookie: comm}); rec.Code != ok {
		t.Errorf("the commissioner's third report once the first is built: %d, want it queued", rec.Code)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		rec := w.do(request{path: "/reports?device_category=eval-1", cookie: eval})
		if rec.Code != ok {
			t.Fatalf("the evaluator's report: %d", rec.Code)
		}
		if rec.Header().Get("Refresh") == "" {
			break // built, while the commissioner's second and third are held
		}
		if time.Now().After(deadline) {
			t.Fatal("the evaluator's report was not built while the commissioner's held their places")
		}
	}
}
