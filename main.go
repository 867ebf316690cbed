// Command gh-hotfix is the `gh hotfix` extension of the GitHub CLI.
package main

import (
	"os"

	"github.com/gh-hotfix/gh-hotfix/internal/cli"
)

func main() {
	os.Exit(cli.Main())
}
