// Package cli is gh hotfix's dispatcher: it builds the dependencies, picks the subcommand from
// the arguments, shows help and the version, and turns the command's error into the exit code
// and the message the user sees.
package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/pflag"

	"github.com/gh-hotfix/gh-hotfix/internal/build"
	"github.com/gh-hotfix/gh-hotfix/internal/cli/command"
	"github.com/gh-hotfix/gh-hotfix/internal/cmd/backport"
	"github.com/gh-hotfix/gh-hotfix/internal/cmd/create"
	"github.com/gh-hotfix/gh-hotfix/internal/cmd/doctor"
	"github.com/gh-hotfix/gh-hotfix/internal/cmd/initcmd"
	"github.com/gh-hotfix/gh-hotfix/internal/cmd/revert"
	"github.com/gh-hotfix/gh-hotfix/internal/cmd/ship"
	"github.com/gh-hotfix/gh-hotfix/internal/cmd/status"
	"github.com/gh-hotfix/gh-hotfix/internal/iostreams"
)

// Factory holds the dependencies handed to commands; see [command.Factory].
type Factory = command.Factory

// commands returns the subcommands, in the order help lists them.
func commands(f *Factory) []*command.Command {
	return []*command.Command{
		create.NewCmdCreate(f, nil),
		ship.NewCmdShip(f, nil),
		revert.NewCmdRevert(f, nil),
		backport.NewCmdBackport(f, nil),
		status.NewCmdStatus(f, nil),
		doctor.NewCmdDoctor(f, nil),
		initcmd.NewCmdInit(f, nil),
	}
}

// Main runs gh hotfix with the process's arguments and streams and returns the exit code.
// SIGINT and SIGTERM cancel the command's context; a second signal ends the process at once.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // restore the default handling, so that a second Ctrl-C kills
	}()
	return Run(ctx, os.Args[1:], newFactory(ctx, iostreams.System()))
}

// Run runs gh hotfix with args (without the program name) and returns the exit code: 0 on
// success, 1 on failure, 2 when cancelled, 4 when authentication is missing. Help, the
// version and flag errors need none of the factory's lazy dependencies.
func Run(ctx context.Context, args []string, f *Factory) int {
	ios := f.IOStreams
	cmds := commands(f)

	rootFlags := command.NewFlagSet("gh hotfix")
	showHelp := rootFlags.Bool("help", false, "Show help for command")
	showVersion := rootFlags.Bool("version", false, "Show gh-hotfix version")
	rootFlags.SetInterspersed(false) // flags after the command name are the command's
	err := rootFlags.Parse(args)
	switch {
	case errors.Is(err, pflag.ErrHelp) || (err == nil && *showHelp): // -h is ErrHelp
		printRootHelp(ios, cmds, rootFlags)
		return exitOK
	case err != nil:
		printError(ios.ErrOut, err)
		printRootUsage(ios.ErrOut, cmds)
		return exitError
	case *showVersion:
		printVersion(ios)
		return exitOK
	}
	rest := rootFlags.Args()
	if len(rest) == 0 {
		printRootHelp(ios, cmds, rootFlags)
		return exitOK
	}

	name, cmdArgs := rest[0], rest[1:]
	switch name {
	case "help":
		if len(cmdArgs) == 0 {
			printRootHelp(ios, cmds, rootFlags)
			return exitOK
		}
		cmd := findCommand(cmds, cmdArgs[0])
		if cmd == nil {
			printUnknownCommand(ios.ErrOut, cmds, cmdArgs[0])
			return exitError
		}
		printCommandHelp(ios, cmd)
		return exitOK
	case "version":
		printVersion(ios)
		return exitOK
	}

	cmd := findCommand(cmds, name)
	if cmd == nil {
		printUnknownCommand(ios.ErrOut, cmds, name)
		return exitError
	}
	err = cmd.Execute(ctx, cmdArgs)
	if errors.Is(err, pflag.ErrHelp) {
		printCommandHelp(ios, cmd)
		return exitOK
	}
	return handleError(ctx, ios, cmd, err)
}

func findCommand(cmds []*command.Command, name string) *command.Command {
	for _, c := range cmds {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func printVersion(ios *iostreams.IOStreams) {
	if build.Date == "" {
		fmt.Fprintf(ios.Out, "gh-hotfix version %s\n", build.Version)
		return
	}
	fmt.Fprintf(ios.Out, "gh-hotfix version %s (%s)\n", build.Version, build.Date)
}
