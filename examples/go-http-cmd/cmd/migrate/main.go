// Command migrate prepares the greeting store (a one-off task, not the service).
package main

import "fmt"

func main() {
	fmt.Println("nothing to migrate")
}
