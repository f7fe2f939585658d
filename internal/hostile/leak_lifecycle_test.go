package hostile_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/preflight"
	"github.com/podsecrets/podsecrets/rollout"
	"github.com/podsecrets/podsecrets/secretspec"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/events"
)

// lifecycleLeakCases drive preflight, the secrets hash and the rollout controller with
// sentinels in the Secrets they read.
func lifecycleLeakCases(t *testing.T) []leakCase {
	S := sentinel
	_, sshEncrypted := sshKeys(t)
	typed := func(name string, typ corev1.SecretType, data map[string]string) *corev1.Secret {
		s := secretWith(name, data)
		s.Namespace, s.Type, s.UID = "team", typ, types.UID("uid-"+name)
		return s
	}
	check := func(s *corev1.Secret, refs ...secretspec.Ref) func(*testing.T, context.Context) leakOut {
		return func(_ *testing.T, ctx context.Context) leakOut {
			errs, warnings := preflight.Check(preflight.FromClient(ctx, fake.NewClientset(s), "team"), refs, field.NewPath("refs"))
			return leakOut{errors: append(errs, warnings...)}
		}
	}
	pull := secretspec.Ref{Secret: "reg", As: secretspec.PullSecret}
	gitSSH := secretspec.Ref{Secret: "ssh", As: secretspec.GitSSH, Items: []corev1.KeyToPath{{Key: "known_hosts", Path: "known_hosts"}}}
	P := "preflight.Check"
	return []leakCase{
		{P, "dockerconfigjson not JSON", true, check(typed("reg", corev1.SecretTypeDockerConfigJson, map[string]string{".dockerconfigjson": `{"auths":{"` + S + `":`}), pull)},
		{P, "dockerconfigjson number where a string goes", true, check(typed("reg", corev1.SecretTypeDockerConfigJson, map[string]string{".dockerconfigjson": `{"auths":{"r":{"auth":` + numSentinel + `}}}`}), pull)},
		{P, "dockerconfigjson auth not user:password", true, check(typed("reg", corev1.SecretTypeDockerConfigJson, map[string]string{".dockerconfigjson": `{"auths":{"r":{"auth":"` + b64(S) + `"}}}`}), pull)},
		{P, "dockercfg not JSON", true, check(typed("reg", corev1.SecretTypeDockercfg, map[string]string{".dockercfg": S}), pull)},
		{P, "pull secret of the wrong type", true, check(typed("reg", corev1.SecretTypeOpaque, map[string]string{".dockerconfigjson": S}), pull)},
		{P, "gitSSH key garbage, known_hosts garbage", true, check(typed("ssh", corev1.SecretTypeSSHAuth, map[string]string{"ssh-privatekey": S, "known_hosts": "github.com " + sentinel2 + "\n"}), gitSSH)},
		{P, "gitSSH PEM block of garbage", true, check(typed("ssh", corev1.SecretTypeSSHAuth, map[string]string{"ssh-privatekey": string(pemBlock("OPENSSH PRIVATE KEY", S))}), gitSSH)},
		{P, "gitSSH key passphrase-protected", true, check(typed("ssh", corev1.SecretTypeSSHAuth, map[string]string{"ssh-privatekey": string(sshEncrypted)}), gitSSH)},
		{P, "env key missing beside secret keys", true, check(typed("db", "", map[string]string{"password": S}), secretspec.Ref{Secret: "db", Key: "token", As: secretspec.Env, EnvVar: "T"})},
		{P, "envFrom invalid names", true, check(typed("db", "", map[string]string{"A=B": S, "C": sentinel2}), secretspec.Ref{Secret: "db", As: secretspec.EnvFrom})},
		{P, "named by Origin: missing key, keys quoted", true, check(typed("db", "", map[string]string{"password": S, "user": sentinel2}),
			secretspec.Ref{Secret: "db", Key: "token", As: secretspec.Env, EnvVar: "T", Origin: "3rd -e flag"},
			secretspec.Ref{Secret: "db", As: secretspec.Mount, MountPath: "/m", Items: []corev1.KeyToPath{{Key: "ca", Path: "ca"}}, Origin: "flyte.secrets/s2"})},
		{P, "pull secret missing, a warning named by Origin", true, check(typed("db", "", map[string]string{"password": S}),
			secretspec.Ref{Secret: "reg", As: secretspec.PullSecret, Origin: "transform.image_pull_secrets[0]"})},
		{P, "pull secret key missing beside other keys, a warning", true, check(typed("reg", corev1.SecretTypeDockerConfigJson, map[string]string{"other": S}), pull)},

		{"inject.SecretsHash", "required key missing, Secret missing", true, func(_ *testing.T, ctx context.Context) leakOut {
			h, err := inject.SecretsHash(preflight.FromClient(ctx, fake.NewClientset(typed("db", "", map[string]string{"password": S})), "team"),
				[]secretspec.Ref{{Secret: "db", Key: "token", As: secretspec.Env, EnvVar: "T"}, {Secret: "gone", As: secretspec.EnvFrom}})
			return leakOut{err: err, texts: map[string]string{"hash": h}}
		}},
		{"inject.SecretsHash", "the hash itself", false, func(_ *testing.T, ctx context.Context) leakOut {
			h, err := inject.SecretsHash(preflight.FromClient(ctx, fake.NewClientset(typed("db", "", map[string]string{"password": S})), "team"),
				[]secretspec.Ref{{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "P"}})
			return leakOut{err: err, texts: map[string]string{"hash": h}}
		}},
		{"inject.ApplyPod", "WithSecretsHash, required Secret missing", true, func(_ *testing.T, ctx context.Context) leakOut {
			pod := &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Env: []corev1.EnvVar{{Name: "X", Value: S}}}}}}
			_, err := inject.ApplyPod(pod, []secretspec.Ref{{Secret: "gone", As: secretspec.EnvFrom}},
				inject.WithSecretsHash(preflight.FromClient(ctx, fake.NewClientset(), "team")))
			return errOut(err)
		}},
		{"rollout.Controller", "rolls, refuses a missing Secret", false, rolloutLeakRun(typed)},
		{"rollout.Controller", "Events and OnRoll: keys changed, Secret re-created", false, rolloutEventLeakRun(typed)},
	}
}

// rolloutLeakRun runs a rollout Controller over Secrets holding sentinels until it has rolled
// one Deployment and refused another whose Secret is missing; its log lines are checked.
func rolloutLeakRun(typed func(string, corev1.SecretType, map[string]string) *corev1.Secret) func(*testing.T, context.Context) leakOut {
	return func(t *testing.T, ctx context.Context) leakOut {
		db := typed("db", "", map[string]string{"password": sentinel, "other": sentinel2})
		deployment := func(name, secret string) *appsv1.Deployment {
			d := &appsv1.Deployment{}
			d.Name, d.Namespace, d.Labels = name, "team", map[string]string{rollout.LabelOptIn: "true"}
			d.Spec.Template.Spec.Containers = []corev1.Container{{Name: "c", EnvFrom: []corev1.EnvFromSource{{
				SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: secret}}}}}}
			return d
		}
		c := fake.NewClientset(db, deployment("app", "db"), deployment("broken", "gone"))
		ctrl, err := rollout.NewController(c, rollout.Config{Debounce: time.Millisecond})
		if err != nil {
			return errOut(err)
		}
		ctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- ctrl.Run(ctx) }()
		rolled := func() bool {
			d, err := c.AppsV1().Deployments("team").Get(ctx, "app", metav1.GetOptions{})
			return err == nil && d.Spec.Template.Annotations[inject.AnnotationSecretsHash] != ""
		}
		for i := 0; i < 1000 && !rolled(); i++ {
			if i%50 == 0 { // after the baseline, each change rolls
				db.Data["password"] = []byte(sentinel + strconv.Itoa(i))
				if _, err := c.CoreV1().Secrets("team").Update(ctx, db, metav1.UpdateOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
		if !rolled() {
			t.Error("the controller did not roll: the case tests little")
		}
		cancel()
		return errOut(<-done)
	}
}

// rolloutEventLeakRun runs a rollout Controller with a recorder and an OnRoll hook over a
// Secret whose keys, named after nothing secret, change and which is then re-created, its
// values sentinels: every Event and every Roll the hook receives is checked.
func rolloutEventLeakRun(typed func(string, corev1.SecretType, map[string]string) *corev1.Secret) func(*testing.T, context.Context) leakOut {
	return func(t *testing.T, ctx context.Context) leakOut {
		db := typed("db", "", map[string]string{"password": sentinel, "token": sentinel2})
		d := &appsv1.Deployment{}
		d.Name, d.Namespace, d.Labels = "app", "team", map[string]string{rollout.LabelOptIn: "true"}
		d.Spec.Template.Spec.Containers = []corev1.Container{{Name: "c", EnvFrom: []corev1.EnvFromSource{{
			SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "db"}}}}}}
		d.Spec.Template.Annotations = map[string]string{inject.AnnotationSecretsHash: "stale"}
		c := fake.NewClientset(db, d)
		rec := events.NewFakeRecorder(1000)
		out := leakOut{texts: map[string]string{}}
		var mu sync.Mutex
		ctrl, err := rollout.NewController(c, rollout.Config{Debounce: time.Millisecond, Events: rec,
			OnRoll: func(_ context.Context, r rollout.Roll) {
				mu.Lock()
				defer mu.Unlock()
				out.texts[fmt.Sprintf("OnRoll %d %%+v", len(out.texts))] = fmt.Sprintf("%+v %#v", r, r)
			}})
		if err != nil {
			return errOut(err)
		}
		ctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- ctrl.Run(ctx) }()
		rolls := 0
		next := func() bool { // waits (not a timed assertion) for the next Event
			select {
			case e := <-rec.Events:
				mu.Lock()
				out.texts[fmt.Sprintf("Event %d", len(out.texts))] = e
				mu.Unlock()
				rolls++
				return true
			case <-time.After(10 * time.Second):
				return false
			}
		}
		if !next() { // the stale stamp
			t.Error("no Event for the stale stamp: the case tests little")
		}
		// Changes until one is seen (the fake clientset drops changes made before it watches).
		for i := 0; rolls < 2 && i < 100; i++ {
			db.Data["password"] = []byte(sentinel + strconv.Itoa(i))
			db.Data["new-key"] = []byte(sentinel2)
			if _, err := c.CoreV1().Secrets("team").Update(ctx, db, metav1.UpdateOptions{}); err != nil {
				t.Fatal(err)
			}
			next()
		}
		// Re-created: a new UID.
		if err := c.CoreV1().Secrets("team").Delete(ctx, "db", metav1.DeleteOptions{}); err != nil {
			t.Fatal(err)
		}
		db.UID, db.ResourceVersion = "uid-db-2", ""
		if _, err := c.CoreV1().Secrets("team").Create(ctx, db, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		if !next() || rolls < 3 {
			t.Errorf("%d Events, want 3 (stale stamp, keys changed, re-created): the case tests little", rolls)
		}
		cancel()
		err = <-done
		mu.Lock()
		defer mu.Unlock()
		out.err = err
		return out
	}
}
