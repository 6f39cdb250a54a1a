package importer

import "sync"

// writer runs writes in order on a goroutine of its own, so that checking
// and scoring the next batch (Go's work) overlaps writing this one (the
// database's). At most one batch waits while another is written, so memory
// stays flat. After the first failed write it writes nothing more.
type writer struct {
	jobs chan func() error
	done chan struct{}
	mu   sync.Mutex
	err  error
}

func startWriter() *writer {
	w := &writer{jobs: make(chan func() error, 1), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for job := range w.jobs {
			if w.failed() != nil {
				continue
			}
			if err := job(); err != nil {
				w.mu.Lock()
				w.err = err
				w.mu.Unlock()
			}
		}
	}()
	return w
}

func (w *writer) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// submit queues a write, returning an earlier write's error if there was one.
func (w *writer) submit(job func() error) error {
	if err := w.failed(); err != nil {
		return err
	}
	w.jobs <- job
	return nil
}

// wait lets every queued write finish and returns the first error.
func (w *writer) wait() error {
	close(w.jobs)
	<-w.done
	return w.failed()
}
