package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progress draws one self-rewriting line on a terminal: bytes for a
// download, done/total for a bulk command. When w is not a terminal it
// draws nothing, so scripts and logs get no carriage returns on stderr.
type progress struct {
	w     io.Writer
	on    bool
	label string
	total int

	mu    sync.Mutex
	n     int64
	last  time.Time
	drawn bool
}

func newProgress(w io.Writer, label string) *progress {
	return &progress{w: w, on: isTerminal(w), label: label}
}

// Write counts bytes passing through (for io.TeeReader).
func (p *progress) Write(b []byte) (int, error) {
	p.add(int64(len(b)))
	return len(b), nil
}

func (p *progress) add(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n += n
	if !p.on {
		return
	}
	if now := time.Now(); now.Sub(p.last) >= 100*time.Millisecond {
		p.last = now
		p.draw()
	}
}

func (p *progress) draw() {
	var text string
	if p.total > 0 {
		const width = 30
		filled := int(p.n) * width / p.total
		text = fmt.Sprintf("%s [%s%s] %d/%d", p.label, strings.Repeat("#", filled), strings.Repeat(".", width-filled), p.n, p.total)
	} else {
		text = fmt.Sprintf("%s %s", p.label, sizeText(p.n))
	}
	fmt.Fprintf(p.w, "\r%s\x1b[K", text)
	p.drawn = true
}

// finish draws the final state and ends the line.
func (p *progress) finish() {
	if !p.on || (p.n == 0 && p.total == 0) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.draw()
	fmt.Fprintln(p.w)
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
