package inject

import (
	"errors"
	"math/rand"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/podsecrets/podsecrets/secretspec"
)

// hashGetter serves Secrets from a map; a nil entry is a forbidden read.
type hashGetter map[string]*corev1.Secret

func (g hashGetter) Get(name string) (*corev1.Secret, error) {
	s, ok := g[name]
	switch {
	case !ok:
		return nil, apierrors.NewNotFound(schema.GroupResource{Resource: "secrets"}, name)
	case s == nil:
		return nil, apierrors.NewForbidden(schema.GroupResource{Resource: "secrets"}, name, errors.New("no"))
	}
	return s, nil
}

func (g hashGetter) clone() hashGetter {
	out := hashGetter{}
	for k, v := range g {
		out[k] = v.DeepCopy()
	}
	return out
}

func mustHash(t *testing.T, g secretspec.SecretGetter, refs []secretspec.Ref) string {
	t.Helper()
	h, err := SecretsHash(g, refs)
	if err != nil {
		t.Fatalf("SecretsHash: %v", err)
	}
	return h
}

// genWorld makes every generated Secret with every key a generated ref can read.
func genWorld(c chooser) hashGetter {
	g := hashGetter{}
	for _, name := range genSecrets {
		s := &corev1.Secret{Data: map[string][]byte{}}
		s.Name, s.UID = name, types.UID("uid-"+name)
		for _, k := range append(genKeys, "ssh-privatekey", "id_rsa", "known_hosts", "unrelated") {
			s.Data[k] = []byte(k + "-value-" + string(rune('a'+c.intn(26))))
		}
		g[name] = s
	}
	return g
}

// readsKey is the oracle: whether ref r reads key of its Secret, as the doc of SecretsHash says.
func readsKey(r secretspec.Ref, key string) bool {
	r = r.Normalize()
	switch r.As {
	case secretspec.Env:
		return r.Key == key
	case secretspec.EnvFrom, secretspec.PullSecret:
		return true
	case secretspec.Mount:
		if r.Key == "" && len(r.Items) == 0 {
			return true
		}
		if r.Key == key {
			return true
		}
		for _, it := range r.Items {
			if it.Key == key {
				return true
			}
		}
	case secretspec.GitSSH:
		if r.Key == key {
			return true
		}
		for _, it := range r.Items {
			if it.Path == secretspec.KnownHostsKey && it.Key == key {
				return true
			}
		}
	}
	return false
}

func anyReads(refs []secretspec.Ref, secret, key string) bool {
	for _, r := range refs {
		if r.Secret == secret && readsKey(r, key) {
			return true
		}
	}
	return false
}

func names(refs []secretspec.Ref, secret string) bool {
	for _, r := range refs {
		if r.Secret == secret {
			return true
		}
	}
	return false
}

// TestSecretsHashProperties: over generated refs and Secrets, the hash changes iff data the refs
// consume changes; keys nobody reads, ref order and map order never change it.
func TestSecretsHashProperties(t *testing.T) {
	var changed, unchanged int
	for seed := int64(0); seed < 1500; seed++ {
		c := randChooser{rand.New(rand.NewSource(seed))}
		refs := genRefs(c, false)
		world := genWorld(c)
		h := mustHash(t, world, refs)
		if again := mustHash(t, world, refs); again != h {
			t.Fatalf("seed %d: two hashes of the same input differ", seed)
		}
		shuffled := append([]secretspec.Ref(nil), refs...)
		rand.New(rand.NewSource(seed)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := mustHash(t, world, shuffled); got != h {
			t.Fatalf("seed %d: the order of the refs changes the hash", seed)
		}

		secret := pick(c, genSecrets...)
		var key string
		edited := world.clone()
		switch c.intn(4) {
		case 0: // change one value
			key = pick(c, append(genKeys, "ssh-privatekey", "id_rsa", "known_hosts", "unrelated")...)
			edited[secret].Data[key] = append(edited[secret].Data[key], '!')
		case 1: // add a key
			key = "new-key"
			edited[secret].Data[key] = []byte("v")
		case 2: // remove a key nobody requires, or that an optional ref reads
			key = "unrelated"
			delete(edited[secret].Data, key)
		case 3: // the Secret is created again: a new UID
			edited[secret].UID = "uid-new"
		}
		want := anyReads(refs, secret, key)
		if key == "" {
			want = names(refs, secret)
		}
		got := mustHash(t, edited, refs) != h
		if got != want {
			t.Fatalf("seed %d: changing Secret %q key %q: hash changed = %v, want %v (refs %v)", seed, secret, key, got, want, refs)
		}
		if got {
			changed++
		} else {
			unchanged++
		}
	}
	if changed < 100 || unchanged < 100 {
		t.Errorf("lopsided generator: %d changed, %d unchanged", changed, unchanged)
	}
}

func TestSecretsHashOptionalAndErrors(t *testing.T) {
	db := &corev1.Secret{Data: map[string][]byte{"password": []byte("p")}}
	db.Name, db.UID = "db", "u1"
	world := hashGetter{"db": db, "locked": nil}
	opt := []secretspec.Ref{{Secret: "later", Key: "k", As: secretspec.Env, EnvVar: "K", Optional: true},
		{Secret: "db", Key: "token", As: secretspec.Env, EnvVar: "T", Optional: true}}
	before := mustHash(t, world, opt)
	later := &corev1.Secret{Data: map[string][]byte{"k": []byte("v")}}
	later.Name = "later"
	withLater := world.clone()
	withLater["later"] = later
	if mustHash(t, withLater, opt) == before {
		t.Error("an optional Secret appearing does not change the hash")
	}
	withToken := world.clone()
	withToken["db"].Data["token"] = []byte("t")
	if mustHash(t, withToken, opt) == before {
		t.Error("an optional key appearing does not change the hash")
	}

	_, err := SecretsHash(world, []secretspec.Ref{
		{Secret: "db", Key: "token", As: secretspec.Env, EnvVar: "T"},
		{Secret: "gone", As: secretspec.EnvFrom},
		{Secret: "locked", As: secretspec.EnvFrom, Optional: true},
	})
	want := `inject: secrets hash: [required key "token" of Secret "db" is missing, required Secret "gone" does not exist, reading Secret "locked": secrets "locked" is forbidden: no]`
	if err == nil || err.Error() != want {
		t.Errorf("error:\n got %v\nwant %s", err, want)
	}
	if _, err := SecretsHash(nil, nil); err == nil {
		t.Error("nil getter: no error")
	}
}

func TestWithSecretsHash(t *testing.T) {
	db := &corev1.Secret{Data: map[string][]byte{"password": []byte("p"), "user": []byte("u")}}
	db.Name, db.UID = "db", "u1"
	world := hashGetter{"db": db}
	refs := []secretspec.Ref{{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "P"}}
	pod := &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c",
		Env: []corev1.EnvVar{usedEnv("U", "db", "user", nil)}}}}}
	pod.Annotations = map[string]string{"keep": "me"}
	before := pod.DeepCopy()

	out, err := ApplyPod(pod, refs, WithSecretsHash(world))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, pod); diff != "" {
		t.Errorf("ApplyPod modified its pod:\n%s", diff)
	}
	// What the pod consumes after Apply: the ref's key and the pod's own.
	want := mustHash(t, world, Uses(&out.Spec))
	if diff := cmp.Diff(map[string]string{"keep": "me", AnnotationSecretsHash: want}, out.Annotations); diff != "" {
		t.Errorf("annotations (-want +got):\n%s", diff)
	}
	if want == mustHash(t, world, refs) {
		t.Error("the hash ignores the pod's own secretKeyRef")
	}
	again, err := ApplyPod(out, refs, WithSecretsHash(world))
	if err != nil || !cmp.Equal(again, out) {
		t.Errorf("ApplyPod twice differs: %v\n%s", err, cmp.Diff(out, again))
	}

	tmpl := &corev1.PodTemplateSpec{Spec: pod.Spec}
	outT, err := ApplyTemplate(tmpl, refs, WithSecretsHash(world))
	if err != nil {
		t.Fatal(err)
	}
	if got := outT.Annotations[AnnotationSecretsHash]; got != want {
		t.Errorf("template annotation %q, want the pod's %q", got, want)
	}
	if tmpl.Annotations != nil {
		t.Error("ApplyTemplate modified its template's annotations")
	}

	if _, err := Apply(&pod.Spec, refs, WithSecretsHash(world)); err == nil || !strings.Contains(err.Error(), "needs a pod or a pod template") {
		t.Errorf("Apply with WithSecretsHash: %v, want the pod-or-template error", err)
	}
	_, err = ApplyPod(pod, []secretspec.Ref{{Secret: "gone", As: secretspec.EnvFrom}}, WithSecretsHash(world))
	if err == nil || !strings.Contains(err.Error(), `WithSecretsHash: inject: secrets hash: required Secret "gone" does not exist`) {
		t.Errorf("missing Secret: %v", err)
	}
	if out, err := ApplyPod(pod, refs); err != nil || out.Annotations[AnnotationSecretsHash] != "" {
		t.Errorf("without the option: %v, annotations %v", err, out.Annotations)
	}
}
