package command

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cli/go-gh/v2/pkg/repository"

	"github.com/gh-hotfix/gh-hotfix/internal/git"
)

func TestResolveCheckout(t *testing.T) {
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	env := []string{"GIT_CONFIG_GLOBAL=" + filepath.Join(root, "gitconfig"), "GIT_CONFIG_NOSYSTEM=1", "GIT_CEILING_DIRECTORIES=" + root}
	clone := func(remotes ...string) string {
		dir, err := os.MkdirTemp(root, "clone-")
		if err != nil {
			t.Fatal(err)
		}
		g := &git.Client{Dir: dir, Env: env}
		if err := g.Mutate(context.Background(), "init", "-q"); err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(remotes); i += 2 {
			if err := g.Mutate(context.Background(), "remote", "add", remotes[i], remotes[i+1]); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	shop := repository.Repository{Host: "github.com", Owner: "acme", Name: "shop"}
	noRepo := errors.New("no repository")
	noGit := errors.New("git is required but was not found")
	tests := []struct {
		name       string
		dir        string
		repoErr    error
		gitErr     error
		wantErr    error
		wantRoot   bool
		wantRemote string
	}{
		{name: "a clone of the repository", dir: clone("origin", "https://github.com/acme/shop.git"), wantRoot: true, wantRemote: "origin"},
		{name: "a fork: upstream points at it", dir: clone("origin", "git@github.com:me/shop.git", "upstream", "git@github.com:acme/shop.git"), wantRoot: true, wantRemote: "upstream"},
		{name: "a clone of another repository", dir: clone("origin", "https://github.com/acme/other.git"), wantRoot: true},
		{name: "not a checkout", dir: root},
		{name: "no repository to work on", dir: clone(), repoErr: noRepo, wantErr: noRepo, wantRoot: true},
		{name: "git missing", dir: root, gitErr: noGit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &Factory{
				Git: func() (*git.Client, error) {
					if tt.gitErr != nil {
						return nil, tt.gitErr
					}
					return &git.Client{Dir: tt.dir, Env: env}, nil
				},
				BaseRepo: func(string) (repository.Repository, error) { return shop, tt.repoErr },
			}
			co, err := ResolveCheckout(context.Background(), f, "")
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if co.GitErr != tt.gitErr {
				t.Errorf("GitErr %v, want %v", co.GitErr, tt.gitErr)
			}
			if got := co.Root != ""; got != tt.wantRoot {
				t.Errorf("Root %q, want one: %v", co.Root, tt.wantRoot)
			}
			if tt.wantRoot && co.Root != tt.dir {
				t.Errorf("Root %q, want %q", co.Root, tt.dir)
			}
			if co.Remote != tt.wantRemote {
				t.Errorf("Remote %q, want %q", co.Remote, tt.wantRemote)
			}
			if co.InClone() != (tt.wantRoot && tt.wantRemote != "") {
				t.Errorf("InClone() = %v", co.InClone())
			}
		})
	}
}
