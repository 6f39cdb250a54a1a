package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ateval/ateval/internal/benchutil"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/storagetest"
)

// writeWorld is a borough of enrolled residents with no assessments yet, a
// practitioner to record them, and the slots (resident, instrument,
// timepoint) the writers fill, each at most once.
type writeWorld struct {
	dsn       string
	residents []int64
}

// loadInstruments are filled with valid answers by answersFor.
var loadInstruments = []string{"swemwbs", "ons4", "ucla3", "short-fes-i"}
var loadTimepoints = []string{"baseline", "w6", "m3", "m6", "m12"}

func newWriteWorld(t *testing.T, dsn string, residents int) *writeWorld {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("borough,name,gss_code\ncamden,Camden,E09000007\n")
	os.WriteFile(filepath.Join(dir, "boroughs.csv"), []byte(b.String()), 0o600)
	b.Reset()
	b.WriteString("borough,resident_ref,year_of_birth,sex,ethnic_group,living_alone,primary_support_reason,registered_on,group,enrolled_on\n")
	for i := 0; i < residents; i++ {
		fmt.Fprintf(&b, "camden,LOAD-%05d,1940,female,white,true,physical,2025-01-06,intervention,2025-02-01\n", i)
	}
	os.WriteFile(filepath.Join(dir, "residents.csv"), []byte(b.String()), 0o600)
	if code, _, errs := runCLI(t, "import", "--db", dsn, filepath.Join(dir, "boroughs.csv"), filepath.Join(dir, "residents.csv")); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	var out, errb bytes.Buffer
	env := &cliEnv{Stdin: strings.NewReader("load-test-password\n"), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	if code := run(context.Background(), env, []string{"user", "add", "--db", dsn, "--email", "writer@camden.example", "--role", "practitioner", "--borough", "camden"}); code != 0 {
		t.Fatalf("user add: %s", errb.String())
	}
	db, err := storage.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sqlDB, _ := db.SQL()
	rows, err := sqlDB.Query("SELECT id FROM residents ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	w := &writeWorld{dsn: dsn}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		w.residents = append(w.residents, id)
	}
	rows.Close()
	return w
}

// slot n is a distinct (resident, instrument, timepoint).
func (w *writeWorld) slot(n int64) (resident int64, instrument, timepoint string, ok bool) {
	per := int64(len(loadInstruments) * len(loadTimepoints))
	r := n / per
	if r >= int64(len(w.residents)) {
		return 0, "", "", false
	}
	rest := n % per
	return w.residents[r], loadInstruments[rest/int64(len(loadTimepoints))], loadTimepoints[rest%int64(len(loadTimepoints))], true
}

func answersFor(instrument string, n int64) []map[string]any {
	item := func(id string, v int64) map[string]any { return map[string]any{"item": id, "value": v} }
	var out []map[string]any
	switch instrument {
	case "swemwbs":
		for i := 1; i <= 7; i++ {
			out = append(out, item("swemwbs_"+strconv.Itoa(i), 1+(n+int64(i))%5))
		}
	case "ons4":
		for i, id := range []string{"ons4_satisfied", "ons4_worthwhile", "ons4_happy", "ons4_anxious"} {
			out = append(out, item(id, (n+int64(i))%11))
		}
	case "ucla3":
		for i := 1; i <= 3; i++ {
			out = append(out, item("ucla3_"+strconv.Itoa(i), 1+(n+int64(i))%3))
		}
	case "short-fes-i":
		for i := 1; i <= 7; i++ {
			out = append(out, item("short_fes_i_"+strconv.Itoa(i), 1+(n+int64(i))%4))
		}
	}
	return out
}

func login(t testing.TB, base string) string {
	body, _ := json.Marshal(map[string]string{"email": "writer@camden.example", "password": "load-test-password"})
	resp, err := http.Post(base+"api/v1/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&r)
	if resp.StatusCode != 200 || r.Token == "" {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	return r.Token
}

type ack struct {
	resident              int64
	instrument, timepoint string
}

// signIn starts n sessions, one per client, on the test's goroutine.
func signIn(t *testing.T, base string, n int) []string {
	t.Helper()
	tokens := make([]string, n)
	for i := range tokens {
		tokens[i] = login(t, base)
	}
	return tokens
}

// burst runs one writer per token, recording assessments into fresh slots
// until stop closes, counting acknowledgements in acked as they come. It
// returns the writes the server acknowledged (201), their latencies, and
// any answer that was neither 201 nor a dropped connection. It never calls
// the test's methods, so it may run on a goroutine of its own.
func burst(w *writeWorld, base string, tokens []string, stop <-chan struct{}, acked *atomic.Int64) (acks []ack, latencies []time.Duration, failures []string) {
	var next atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	today := time.Now().UTC().Format("2006-01-02")
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: len(tokens)}}
	for _, token := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				n := next.Add(1) - 1
				rid, instrument, tp, ok := w.slot(n)
				if !ok {
					return
				}
				body, _ := json.Marshal(map[string]any{"instrument": instrument, "timepoint": tp, "assessed_on": today,
					"respondent": "resident", "answers": answersFor(instrument, n)})
				req, _ := http.NewRequest("POST", fmt.Sprintf("%sapi/v1/residents/%d/assessments", base, rid), bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				start := time.Now()
				resp, err := client.Do(req)
				took := time.Since(start)
				mu.Lock()
				switch {
				case err != nil:
					// The server went away mid-request (the crash test): not acknowledged.
				case resp.StatusCode == http.StatusCreated:
					acks = append(acks, ack{rid, instrument, tp})
					latencies = append(latencies, took)
					if acked != nil {
						acked.Add(1)
					}
				default:
					var b bytes.Buffer
					b.ReadFrom(resp.Body)
					failures = append(failures, fmt.Sprintf("%d %s", resp.StatusCode, b.String()))
				}
				mu.Unlock()
				if resp != nil {
					resp.Body.Close()
				}
			}
		}()
	}
	wg.Wait()
	return acks, latencies, failures
}

// storedSlots reads every stored assessment's natural key.
func storedSlots(t *testing.T, dsn string) map[ack]bool {
	t.Helper()
	db, err := storage.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.IntegrityCheck(context.Background()); err != nil {
		t.Errorf("integrity: %v", err)
	}
	sqlDB, _ := db.SQL()
	rows, err := sqlDB.Query("SELECT resident_id, instrument, timepoint FROM assessments")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[ack]bool{}
	for rows.Next() {
		var a ack
		rows.Scan(&a.resident, &a.instrument, &a.timepoint)
		out[a] = true
	}
	return out
}

// loadSeconds is how long the load test writes: 60 s unless
// ATEVAL_LOAD_SECONDS says otherwise.
func loadSeconds() time.Duration {
	if n, err := strconv.Atoi(os.Getenv("ATEVAL_LOAD_SECONDS")); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	return 60 * time.Second
}

// TestManyWriters is the load test: 100 clients, each signed in with its
// own session, record assessments through the API against a real server
// process for 60 s, on SQLite and on PostgreSQL. No answer may be an
// error, and every acknowledged write must be stored, and nothing else.
// p50 and p99 latencies are logged (go test -v) for BENCHMARKS.md.
func TestManyWriters(t *testing.T) {
	if testing.Short() {
		t.Skip("a 60-second load test")
	}
	bin := buildBinary(t)
	for _, d := range storagetest.DSNs(t) {
		t.Run(d.Name, func(t *testing.T) {
			w := newWriteWorld(t, d.URL, 4000)
			_, base := startServer(t, bin, "serve", "--db", d.URL, "--addr", "127.0.0.1:0")
			stop := make(chan struct{})
			tokens := signIn(t, base, 100)
			time.AfterFunc(loadSeconds(), func() { close(stop) })
			acks, lat, failures := burst(w, base, tokens, stop, nil)
			if len(failures) > 0 {
				t.Errorf("%d of %d writes failed; first: %s", len(failures), len(failures)+len(acks), failures[0])
			}
			stored := storedSlots(t, d.URL)
			lost := 0
			for _, a := range acks {
				if !stored[a] {
					lost++
				}
			}
			if lost > 0 || len(stored) != len(acks) {
				t.Errorf("%d acknowledged writes, %d stored, %d acknowledged but lost", len(acks), len(stored), lost)
			}
			t.Logf("%s: %d writes in %s by 100 clients (%.0f/s); latency p50 %s, p99 %s",
				d.Name, len(acks), loadSeconds(), float64(len(acks))/loadSeconds().Seconds(),
				benchutil.Percentile(lat, 0.50).Round(time.Millisecond/10), benchutil.Percentile(lat, 0.99).Round(time.Millisecond/10))
		})
	}
}

// TestWritesSurviveSIGKILL kills the server with SIGKILL in the middle of a
// burst of assessment writes; after a restart the database passes its
// integrity check and every write that was acknowledged is there.
func TestWritesSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := buildBinary(t)
	dsn := filepath.Join(t.TempDir(), "crash.db")
	w := newWriteWorld(t, dsn, 2000)
	cmd, base := startServer(t, bin, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	tokens := signIn(t, base, 20)
	stop := make(chan struct{})
	var acks []ack
	var acked atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		acks, _, _ = burst(w, base, tokens, stop, &acked)
	}()
	// Kill once writes are flowing, however slow the machine.
	deadline := time.Now().Add(2 * time.Minute)
	for acked.Load() < 200 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	close(stop)
	<-done
	if len(acks) == 0 {
		t.Fatal("no write was acknowledged before the kill")
	}
	// Restart on the same file, as an operator would, and check.
	_, base = startServer(t, bin, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	if code, _ := get(t, base+"healthz"); code != 200 {
		t.Errorf("after restart /healthz = %d", code)
	}
	stored := storedSlots(t, dsn)
	for _, a := range acks {
		if !stored[a] {
			t.Errorf("acknowledged write %+v is lost", a)
		}
	}
	t.Logf("%d writes acknowledged before SIGKILL, %d stored after restart", len(acks), len(stored))
}
