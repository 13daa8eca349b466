// Command greeter serves the greeting API.
package main

import (
	"log"

	"example.com/greeter/internal/server"
)

func main() {
	log.Fatal(server.Run())
}
