package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"sync/atomic"
	"time"
)

// Environment variables that ask a command (the report) to profile itself,
// for measuring it as users run it (BENCHMARKS.md): a CPU profile, a heap
// profile written at the end, and the Go heap's peak printed to stderr.
const (
	envCPUProfile = "ATEVAL_CPUPROFILE"
	envMemProfile = "ATEVAL_MEMPROFILE"
	envMemStats   = "ATEVAL_MEMSTATS"
)

// startProfiles starts what env asks for and returns the function that
// stops it and writes the results. With nothing asked for it does nothing.
func startProfiles(env *cliEnv) (stop func()) {
	var stops []func()
	if path := env.Getenv(envCPUProfile); path != "" {
		f, err := os.Create(path)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
		} else {
			fmt.Fprintf(env.Stderr, "%s: %v\n", envCPUProfile, err)
		}
	}
	if env.Getenv(envMemStats) != "" {
		var peak atomic.Uint64
		done, stopped := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(stopped)
			s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
			t := time.NewTicker(5 * time.Millisecond)
			defer t.Stop()
			for {
				metrics.Read(s)
				if v := s[0].Value.Uint64(); v > peak.Load() {
					peak.Store(v)
				}
				select {
				case <-done:
					return
				case <-t.C:
				}
			}
		}()
		stops = append(stops, func() {
			close(done)
			<-stopped
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			fmt.Fprintf(env.Stderr, "memstats: peak Go heap %.0f MB (live and unswept objects, sampled every 5 ms); heap from the OS %.0f MB; total allocated %.0f MB in %d allocations; %d GCs\n",
				float64(peak.Load())/(1<<20), float64(m.HeapSys)/(1<<20), float64(m.TotalAlloc)/(1<<20), m.Mallocs, m.NumGC)
		})
	}
	if path := env.Getenv(envMemProfile); path != "" {
		stops = append(stops, func() {
			f, err := os.Create(path)
			if err == nil {
				err = pprof.Lookup("allocs").WriteTo(f, 0)
				f.Close()
			}
			if err != nil {
				fmt.Fprintf(env.Stderr, "%s: %v\n", envMemProfile, err)
			}
		})
	}
	return func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
}
