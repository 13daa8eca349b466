// Package quote returns short quotes (a stand-in for a third-party module, vendored with
// `go mod vendor` so the build needs no module download).
package quote

var quotes = []string{
	"Clear is better than clever.",
	"A little copying is better than a little dependency.",
	"Don't communicate by sharing memory, share memory by communicating.",
}

// Of returns the quote for day n.
func Of(n int) string {
	if n < 0 {
		n = -n
	}
	return quotes[n%len(quotes)]
}
