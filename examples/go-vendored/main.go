// Command quotes serves a quote of the day from a vendored module.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"time"

	"example.com/quote"
)

var addr = flag.String("addr", ":8080", "listen address")

func main() {
	flag.Parse()
	http.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	http.HandleFunc("GET /", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, quote.Of(time.Now().YearDay()))
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
