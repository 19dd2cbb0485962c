package markup

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// producers are the packages whose strings end up in storage.Message.Text.
var producers = []string{"commands", "reminders", "leaderboard", "report"}

// notMessages are files of the producers whose strings are not message text.
var notMessages = map[string]string{
	"leaderboard/workbook.go": "Excel formulas and page-header codes",
}

// machinery are the pieces with which escapers and splitters handle the markup itself.
var machinery = map[string]bool{"<": true, "</": true, "&": true, "&<>": true}

// TestProducersWriteOnlyTheMarkup reads every string literal of the packages that write
// message texts and checks each one that holds a tag or an entity against the markup, so a
// tag no channel renders (or Zalo would show raw) cannot creep in.
func TestProducersWriteOnlyTheMarkup(t *testing.T) {
	checked := 0
	for _, dir := range producers {
		files, err := filepath.Glob(filepath.Join("..", dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Fatalf("no Go files in ../%s", dir)
		}
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") || notMessages[dir+"/"+filepath.Base(path)] != "" {
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
				if err != nil || !strings.ContainsAny(s, "<&") || machinery[s] {
					return true
				}
				checked++
				if err := CheckFragment(s); err != nil {
					t.Errorf("%s: %q: %v", fset.Position(lit.Pos()), s, err)
				}
				return true
			})
		}
	}
	if checked < 50 {
		t.Errorf("only %d string literals with markup found: are the producers still at ../%v?", checked, producers)
	}
	t.Logf("%d string literals with markup checked", checked)
}
