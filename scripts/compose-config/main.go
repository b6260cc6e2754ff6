// compose-config loads a compose file with compose-go, the library `docker compose` itself uses, and
// prints the resolved project as JSON, or the error `docker compose config` would report. It lets the
// tests validate docker-compose.yml on a machine without Docker's compose plugin.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	opts, err := cli.NewProjectOptions(os.Args[1:], cli.WithOsEnv, cli.WithWorkingDirectory("."), cli.WithName("warden"))
	if err == nil {
		var out []byte
		project, loadErr := opts.LoadProject(context.Background())
		if err = loadErr; err == nil {
			if out, err = project.MarshalJSON(); err == nil {
				_, err = os.Stdout.Write(out)
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
