package flyte

import (
	"testing"
	"testing/fstest"
)

func TestGlobalSecrets(t *testing.T) {
	env := map[string]string{"FLYTE_SECRET_DB_PASS": "from-env", "FLYTE_SECRET_EMPTY_K": ""}
	lookupEnv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	files := fstest.MapFS{
		"db/pass":      {Data: []byte("from-file")},
		"db/cert":      {Data: []byte("line\n")},
		"Db/Cert":      {Data: []byte("case kept")},
		"dir/sub/file": {Data: []byte("x")},
	}
	tests := []struct {
		name       string
		env        func(string) (string, bool)
		files      fstest.MapFS
		group, key string
		want       string
		wantOK     bool
	}{
		{name: "env first, group and key upper-cased", env: lookupEnv, files: files, group: "db", key: "pass", want: "from-env", wantOK: true},
		{name: "env upper-cases mixed case", env: lookupEnv, group: "Db", key: "Pass", want: "from-env", wantOK: true},
		{name: "an empty variable is found", env: lookupEnv, group: "empty", key: "k", want: "", wantOK: true},
		{name: "file as spelled, content unchanged", env: lookupEnv, files: files, group: "db", key: "cert", want: "line\n", wantOK: true},
		{name: "file names keep their case", files: files, group: "Db", key: "Cert", want: "case kept", wantOK: true},
		{name: "a directory is not a secret", files: files, group: "dir", key: "sub"},
		{name: "missing", env: lookupEnv, files: files, group: "db", key: "nope"},
		{name: "no way out of the directory", files: files, group: "..", key: "db/pass"},
		{name: "no absolute path", files: files, group: "/db", key: "pass"},
		{name: "no empty group", env: lookupEnv, files: files, group: "", key: "pass"},
		{name: "no empty key", env: lookupEnv, files: files, group: "db", key: ""},
		{name: "nothing to read", group: "db", key: "pass"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lookup func(string, string) (string, bool)
			if tt.files == nil {
				lookup = GlobalSecrets(tt.env, nil)
			} else {
				lookup = GlobalSecrets(tt.env, tt.files)
			}
			got, ok := lookup(tt.group, tt.key)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("lookup(%q, %q) = %q, %t; want %q, %t", tt.group, tt.key, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
