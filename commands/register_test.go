package commands

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// TestOneRegister holds every string the bot can say to one register: "thầy/cô" to
// teachers, "anh/chị" to parents, and no pronoun where the reader's role is unknown.
// The informal "bạn" must not appear in the text of the packages that speak to people.
func TestOneRegister(t *testing.T) {
	for _, dir := range []string{".", "../report", "../reminders", "../leaderboard", "../bot"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, src, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					return true
				}
				for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) }) {
					if w == "bạn" {
						t.Errorf("%s: %q says “bạn”", fset.Position(lit.Pos()), s)
					}
				}
				return true
			})
		}
	}
}
