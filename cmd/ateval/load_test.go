package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ateval/ateval"
	"github.com/ateval/ateval/internal/benchutil"
	"github.com/ateval/ateval/storage"
	"github.com/ateval/ateval/storage/auth"
	"github.com/ateval/ateval/storage/storagetest"
)

// writeWorld is a borough of enrolled residents with no assessments yet,
// practitioners to record them, and the slots (resident, instrument,
// timepoint) the writers fill, each at most once.
type writeWorld struct {
	dsn       string
	residents []int64
	// writers are the practitioners' emails; every one's password is
	// loadPassword.
	writers []string
}

const loadPassword = "load-test-password"

// loadBoroughs are the boroughs a write world may be made in: Camden, or
// Barnet, which the sample (the LOTI boroughs) does not hold, for a world
// that a sample is imported into alongside.
var loadBoroughs = map[string]string{"camden": "Camden,E09000007", "barnet": "Barnet,E09000003"}

// loadInstruments are filled with valid answers by answersFor.
var loadInstruments = []string{"swemwbs", "ons4", "ucla3", "short-fes-i"}
var loadTimepoints = []string{"baseline", "w6", "m3", "m6", "m12"}

// newWriteWorld makes a write world in the borough (a key of
// loadBoroughs) with the residents and writers asked for. The writers'
// passwords are hashed on every core at once.
func newWriteWorld(t *testing.T, dsn, borough string, residents, writers int) *writeWorld {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	fmt.Fprintf(&b, "borough,name,gss_code\n%s,%s\n", borough, loadBoroughs[borough])
	os.WriteFile(filepath.Join(dir, "boroughs.csv"), []byte(b.String()), 0o600)
	b.Reset()
	b.WriteString("borough,resident_ref,year_of_birth,sex,ethnic_group,living_alone,primary_support_reason,registered_on,group,enrolled_on\n")
	for i := 0; i < residents; i++ {
		fmt.Fprintf(&b, "%s,LOAD-%05d,1940,female,white,true,physical,2025-01-06,intervention,2025-02-01\n", borough, i)
	}
	os.WriteFile(filepath.Join(dir, "residents.csv"), []byte(b.String()), 0o600)
	if code, _, errs := runCLI(t, "import", "--db", dsn, filepath.Join(dir, "boroughs.csv"), filepath.Join(dir, "residents.csv")); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	ctx := ateval.SystemContext(context.Background())
	db, err := storage.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sqlDB, _ := db.SQL()
	var boroughID int64
	if err := sqlDB.QueryRow("SELECT id FROM boroughs WHERE slug = $1", borough).Scan(&boroughID); err != nil {
		t.Fatal(err)
	}
	w := &writeWorld{dsn: dsn}
	errs := make(chan error, writers)
	for i := 0; i < writers; i++ {
		w.writers = append(w.writers, fmt.Sprintf("writer%d@%s.example", i, borough))
		go func(email string) {
			errs <- auth.New(db).CreateUser(ctx, &ateval.User{Email: email, Role: ateval.RolePractitioner, BoroughID: boroughID}, loadPassword)
		}(w.writers[i])
	}
	for i := 0; i < writers; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	rows, err := sqlDB.Query("SELECT id FROM residents WHERE borough_id = $1 ORDER BY id", boroughID)
	if err != nil {
		t.Fatal(err)
	}
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

// login signs in through the API; it returns the token, or the status
// and body of a refusal. With retryBusy it is a client that honours 503's
// Retry-After, trying up to five times. It never calls the test's
// methods, so it may run on a goroutine of its own.
func login(client *http.Client, base, email string, retryBusy bool) (token string, refusal error) {
	for try := 1; ; try++ {
		body, _ := json.Marshal(map[string]string{"email": email, "password": loadPassword})
		resp, err := client.Post(base+"api/v1/login", "application/json", bytes.NewReader(body))
		if err != nil {
			return "", err
		}
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		resp.Body.Close()
		var r struct{ Token string }
		json.Unmarshal(b.Bytes(), &r)
		if resp.StatusCode == 200 && r.Token != "" {
			return r.Token, nil
		}
		wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		if !retryBusy || resp.StatusCode != http.StatusServiceUnavailable || wait < 1 || try == 10 {
			return "", fmt.Errorf("%d %s", resp.StatusCode, b.String())
		}
		time.Sleep(time.Duration(wait) * time.Second)
	}
}

type ack struct {
	resident              int64
	instrument, timepoint string
}

// signIn signs in every email at once, all from one address (the test's,
// as a borough's team behind one proxy), and returns their tokens. Every
// sign-in must succeed: signing in at once once refused most of them as
// "too many failed attempts", and then everyone else from the address.
// With retryBusy, a 503 is tried again after its Retry-After.
func signIn(t *testing.T, base string, emails []string, retryBusy bool) []string {
	t.Helper()
	tokens := make([]string, len(emails))
	refusals := make([]error, len(emails))
	client := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: len(emails)}}
	var wg sync.WaitGroup
	for i, email := range emails {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tokens[i], refusals[i] = login(client, base, email, retryBusy)
		}()
	}
	wg.Wait()
	refused := 0
	for _, err := range refusals {
		if err != nil {
			if refused == 0 {
				t.Errorf("first refusal: %v", err)
			}
			refused++
		}
	}
	if refused > 0 {
		t.Fatalf("%d of %d sign-ins at once from one address refused, want none", refused, len(emails))
	}
	return tokens
}

// repeat is n copies of s.
func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// burstResult is what a burst of writes was answered.
type burstResult struct {
	acks []ack // the writes acknowledged (201)
	// latencies are of every answer, acknowledged or busy.
	latencies []time.Duration
	// busy counts the answers 503 "unavailable" with a Retry-After: the
	// database's lock was held past the server's lock timeout, and
	// nothing was written.
	busy int
	// failures are the answers that were neither, with their status,
	// Retry-After and body.
	failures []string
}

// burst runs one writer per token, recording assessments into fresh slots
// until stop closes, counting acknowledgements in acked as they come. A
// dropped connection (the crash test) counts as nothing. It never calls
// the test's methods, so it may run on a goroutine of its own.
func burst(w *writeWorld, base string, tokens []string, stop <-chan struct{}, acked *atomic.Int64) (res burstResult) {
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
				var answer bytes.Buffer
				if err == nil {
					answer.ReadFrom(resp.Body)
				}
				mu.Lock()
				switch {
				case err != nil:
					// The server went away mid-request (the crash test): not acknowledged.
				case resp.StatusCode == http.StatusCreated:
					res.acks = append(res.acks, ack{rid, instrument, tp})
					res.latencies = append(res.latencies, took)
					if acked != nil {
						acked.Add(1)
					}
				case resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "" &&
					strings.Contains(answer.String(), `"code":"unavailable"`):
					res.busy++
					res.latencies = append(res.latencies, took)
				default:
					res.failures = append(res.failures, fmt.Sprintf("%d (Retry-After %q) %s", resp.StatusCode, resp.Header.Get("Retry-After"), answer.String()))
				}
				mu.Unlock()
				if resp != nil {
					resp.Body.Close()
				}
			}
		}()
	}
	wg.Wait()
	return res
}

// storedSlots reads the natural key of every assessment stored for the
// world's residents.
func (w *writeWorld) storedSlots(t *testing.T) map[ack]bool {
	t.Helper()
	ours := map[int64]bool{}
	for _, id := range w.residents {
		ours[id] = true
	}
	db, err := storage.Open(context.Background(), w.dsn)
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
		if ours[a.resident] {
			out[a] = true
		}
	}
	return out
}

// checkAcks fails the test unless every acknowledged write is stored, and
// nothing else of the world's.
func (w *writeWorld) checkAcks(t *testing.T, acks []ack) {
	t.Helper()
	stored := w.storedSlots(t)
	lost := 0
	for _, a := range acks {
		if !stored[a] {
			lost++
		}
	}
	if lost > 0 || len(stored) != len(acks) {
		t.Errorf("%d acknowledged writes, %d stored, %d acknowledged but lost", len(acks), len(stored), lost)
	}
}

// loadSeconds is how long the load test writes: 60 s unless
// ATEVAL_LOAD_SECONDS says otherwise.
func loadSeconds() time.Duration {
	if n, err := strconv.Atoi(os.Getenv("ATEVAL_LOAD_SECONDS")); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	return 60 * time.Second
}

// TestManyWriters is the load test: 100 practitioners sign in at once from
// one address, and one of them 30 times more at once, every sign-in
// succeeding; then the 100 record assessments through the API against a
// real server process for 60 s, on SQLite and on PostgreSQL. No answer
// may be an error, and every acknowledged write must be stored, and
// nothing else. p50 and p99 latencies are logged (go test -v) for
// BENCHMARKS.md.
func TestManyWriters(t *testing.T) {
	if testing.Short() {
		t.Skip("a 60-second load test")
	}
	bin := buildBinary(t)
	for _, d := range storagetest.DSNs(t) {
		t.Run(d.Name, func(t *testing.T) {
			w := newWriteWorld(t, d.URL, "camden", 4000, 100)
			_, base := startServer(t, bin, "serve", "--db", d.URL, "--addr", "127.0.0.1:0")
			start := time.Now()
			tokens := signIn(t, base, w.writers, false)
			signedIn := time.Since(start)
			signIn(t, base, repeat(w.writers[0], 30), false)
			stop := make(chan struct{})
			time.AfterFunc(loadSeconds(), func() { close(stop) })
			res := burst(w, base, tokens, stop, nil)
			if len(res.failures) > 0 || res.busy > 0 {
				t.Errorf("%d of %d writes failed, %d busy; first: %v", len(res.failures), len(res.failures)+len(res.acks)+res.busy, res.busy, res.failures)
			}
			w.checkAcks(t, res.acks)
			t.Logf("%s: 100 sign-ins at once in %s; %d writes in %s by 100 clients (%.0f/s); latency p50 %s, p99 %s",
				d.Name, signedIn.Round(time.Millisecond), len(res.acks), loadSeconds(), float64(len(res.acks))/loadSeconds().Seconds(),
				benchutil.Percentile(res.latencies, 0.50).Round(time.Millisecond/10), benchutil.Percentile(res.latencies, 0.99).Round(time.Millisecond/10))
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
	w := newWriteWorld(t, dsn, "camden", 2000, 20)
	cmd, base := startServer(t, bin, "serve", "--db", dsn, "--addr", "127.0.0.1:0")
	tokens := signIn(t, base, w.writers, false)
	stop := make(chan struct{})
	var acks []ack
	var acked atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		acks = burst(w, base, tokens, stop, &acked).acks
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
	stored := w.storedSlots(t)
	for _, a := range acks {
		if !stored[a] {
			t.Errorf("acknowledged write %+v is lost", a)
		}
	}
	t.Logf("%d writes acknowledged before SIGKILL, %d stored after restart", len(acks), len(stored))
}

var heldRE = regexp.MustCompile(`held the database's write lock for ([0-9.]+m?s)`)

// TestImportWhileServing imports a sample into the database a server is
// writing to, as an operator might in working hours, with 20 practitioners
// recording assessments throughout. On SQLite the import holds the write
// lock for longer than the server's lock timeout (0.25 s here), so writes
// that cannot wait any longer must answer 503 "unavailable" with
// Retry-After, having written nothing: never 500, nor any other answer;
// and no write may wait much past the timeout (the harness saw 500s, and
// a write that took 17.3 s against a 10 s timeout). On PostgreSQL the import
// and the writes need not wait for each other. Either way the import lands
// whole, every acknowledged write is stored, and nothing else.
func TestImportWhileServing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and imports a sample under load")
	}
	bin := buildBinary(t)
	sample := t.TempDir()
	if code, _, errs := runCLI(t, "sample", "--out", sample, "--seed", "11", "--residents", "8000"); code != 0 {
		t.Fatalf("sample: %s", errs)
	}
	const lockTimeout = 250 * time.Millisecond
	for _, d := range storagetest.DSNs(t) {
		t.Run(d.Name, func(t *testing.T) {
			w := newWriteWorld(t, d.URL, "barnet", 2000, 20)
			_, base := startServer(t, bin, "serve", "--db", d.URL, "--addr", "127.0.0.1:0", "--lock-timeout", lockTimeout.String())
			// With so short a lock timeout, 20 sign-ins at once on a busy
			// machine (three writes each, each synced) may be answered
			// busy: a client tries again after Retry-After.
			tokens := signIn(t, base, w.writers, true)
			stop := make(chan struct{})
			var acked atomic.Int64
			var res burstResult
			done := make(chan struct{})
			go func() {
				defer close(done)
				res = burst(w, base, tokens, stop, &acked)
			}()
			deadline := time.Now().Add(2 * time.Minute)
			for acked.Load() < 100 && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}

			imp := exec.Command(bin, append([]string{"import", "--db", d.URL}, csvFiles(t, sample)...)...)
			var stderr bytes.Buffer
			imp.Stderr = &stderr
			importErr := imp.Run()
			time.Sleep(2 * lockTimeout) // the writes go on after it
			close(stop)
			<-done

			if importErr != nil {
				t.Fatalf("the import: %v\n%s", importErr, stderr.String())
			}
			if got := status(t, d.URL); got.Residents != 8000+2000 {
				t.Errorf("after the import %d residents, want 10000", got.Residents)
			}
			if len(res.failures) > 0 {
				t.Errorf("%d of %d writes answered neither 201 nor 503 with Retry-After; first: %s",
					len(res.failures), len(res.failures)+len(res.acks)+res.busy, res.failures[0])
			}
			w.checkAcks(t, res.acks)
			slowest := slices.Max(res.latencies)
			if d.Name == "sqlite" {
				m := heldRE.FindStringSubmatch(stderr.String())
				if m == nil {
					t.Fatalf("the import did not say how long it held the write lock:\n%s", stderr.String())
				}
				held, _ := time.ParseDuration(m[1])
				if held < 3*lockTimeout {
					t.Fatalf("the import held the write lock for only %s, too short to test waiting for it; import a larger sample", held)
				}
				if res.busy == 0 {
					t.Errorf("the import held the write lock for %s, %d lock timeouts, and no write was answered 503", held, held/lockTimeout)
				}
				// A write waits for the lock once, from when it asks (a
				// session's bookkeeping does not wait), so never much
				// longer than the timeout; then it writes, with fsync.
				if slowest > 2*lockTimeout+2*time.Second {
					t.Errorf("the slowest write took %s, with a lock timeout of %s", slowest, lockTimeout)
				}
				t.Logf("the import held the write lock for %s", held)
			}
			t.Logf("%s: %d writes acknowledged and %d answered 503 while an 8,000-resident sample was imported; latency p50 %s, p99 %s, slowest %s",
				d.Name, len(res.acks), res.busy, benchutil.Percentile(res.latencies, 0.50).Round(time.Millisecond/10),
				benchutil.Percentile(res.latencies, 0.99).Round(time.Millisecond/10), slowest.Round(time.Millisecond))
		})
	}
}
