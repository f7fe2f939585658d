package runai_test

import (
	"fmt"

	"github.com/podsecrets/podsecrets/secretspec/runai"
)

// The seed document's own example: runai submit -i ubuntu -e MYUSERNAME=SECRET:my-secret,username
func ExampleParseEnv() {
	ref, plain, err := runai.ParseEnv("MYUSERNAME=SECRET:my-secret,username")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s from secret %s, key %s (%s); plain variable: %t\n", ref.EnvVar, ref.Secret, ref.Key, ref.As, plain != nil)
	// Output:
	// MYUSERNAME from secret my-secret, key username (env); plain variable: false
}

func ExampleParseEnvs() {
	refs, extras, err := runai.ParseEnvs([]string{
		"MYUSERNAME=SECRET:my-secret,username",
		"LOG_LEVEL=debug",
		"MYPASSWORD=SECRET:my-secret,password",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range refs {
		fmt.Printf("ref   %s <- %s/%s (%s)\n", r.EnvVar, r.Secret, r.Key, r.Origin)
	}
	for _, p := range extras.Env { // for inject.WithExtras(extras)
		fmt.Printf("plain %s=%s\n", p.Name, p.Value)
	}
	// Output:
	// ref   MYUSERNAME <- my-secret/username (1st -e flag)
	// ref   MYPASSWORD <- my-secret/password (3rd -e flag)
	// plain LOG_LEVEL=debug
}

func ExampleParseEnvs_errors() {
	_, _, err := runai.ParseEnvs([]string{
		"MYUSERNAME=SECRET:my-secret",
		"PASSWORD",
		"MYUSERNAME=SECRET:my-secret,username,x",
	})
	fmt.Println(err)
	// Output:
	// runai: 4 problems:
	//	- 1st -e flag ("MYUSERNAME"): byte 27: secret reference has no key: expected SECRET:<secret>,<key>
	//	- 2nd -e flag: byte 8: missing '=': expected NAME=VALUE or NAME=SECRET:<secret>,<key>
	//	- 3rd -e flag ("MYUSERNAME"): byte 36: extra ',' in secret reference: expected exactly SECRET:<secret>,<key>
	//	- 3rd -e flag ("MYUSERNAME"): byte 0: variable is already set by the 1st -e flag
}

func Example_clusterWide() {
	ns, err := runai.ProjectNamespace("team-a")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("secrets in %q labelled %s=%s are copied to %s (all of %s)\n",
		runai.ClusterWideNamespace, runai.ClusterWideLabel, runai.ClusterWideLabelValue, ns, runai.ProjectNamespacePattern)
	// Output:
	// secrets in "runai" labelled runai/cluster-wide=true are copied to runai-team-a (all of runai-*)
}
