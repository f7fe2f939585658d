package integration

import "testing"

// TestAPIServer starts one etcd and one kube-apiserver and runs every case
// against them as a subtest. Run it with:
//
//	cd integration && go test -count=1 -timeout 30m ./...
//
// RunEtcd and StartTestServer need a test's testing.TB for their cleanup,
// which is why they start here and not in TestMain.
func TestAPIServer(t *testing.T) {
	c := startCluster(t)
	for _, tc := range []struct {
		name string
		run  func(*testing.T, *cluster)
	}{
		{"SecretRoundTrip", testSecretRoundTrip},
		{"PodDryRun", testPodDryRun},
		{"EncodeBuilders", testEncodeBuilders},
		{"EncodeSizeLimit", testEncodeSizeLimit},
		{"EncodeServerParity", testEncodeServerParity},
		{"InjectGolden", testInjectGolden},
		{"PropagateEdges", testPropagateEdges},
		{"PropagateController", testPropagateController},
		{"PropagateLeaderElection", testPropagateLeaderElection},
		{"PropagateBulk", testPropagateBulk},
		{"PropagateRecreate", testPropagateRecreate},
		{"Rollout", testRollout},
		{"ExamplePods", testExamplePods},
		{"KonduktorWorkload", testKonduktorWorkload},
		// After ExamplePods: both use namespace runai, which ExamplePods creates.
		{"PropagateMemory", testPropagateMemory},
		{"LeastPrivilegeHarness", testLeastPrivilegeHarness},
		// After ExamplePods and PropagateMemory: it copies into every runai-* namespace.
		{"RunaiDeploy", testRunaiDeploy},
		{"WorkloadsDryRun", testWorkloadsDryRun},
		{"AdmissionWorkloads", testAdmissionWorkloads},
		{"AdmissionPreflight", testAdmissionPreflight},
		{"WebhookLatency", testWebhookLatency},
		// Last: they register webhooks for every pod labelled inject-flyte-secrets=true.
		{"FlyteWebhook", testFlyteWebhook},
		{"FlyteWebhookVault", testFlyteWebhookVault},
		{"FlyteWebhookAWS", testFlyteWebhookAWS},
		{"FlyteWebhookWorkloads", testFlyteWebhookWorkloads},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, c) })
	}
}
