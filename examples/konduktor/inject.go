package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec/konduktor"
)

// task is the part of a Konduktor task this example uses.
type task struct {
	Name      string `json:"name"`
	NumNodes  int    `json:"num_nodes"`
	Resources struct {
		ImageID string `json:"image_id"`
	} `json:"resources"`
	Run  string            `json:"run"`
	Envs map[string]string `json:"envs"`
}

// injectWorkload prints what a task runs as, with the owner's secrets: a Pod, the Indexed Job
// of one replicated job, or the JobSet `konduktor launch` submits.
func injectWorkload(ctx context.Context, env cli.Env, args []string) error {
	var c common
	var envFlags cli.StringList
	fs := cli.NewFlagSet(env, "inject")
	file := fs.String("f", "", "Konduktor task YAML (required)")
	kind := fs.String("kind", kindPod, "what to print: pod, job (an Indexed Job, one pod per node) or jobset (what konduktor launch submits)")
	nodes := fs.Int("num-nodes", 0, "number of nodes, one pod each (default: the task's num_nodes, else 1)")
	fs.Var(&envFlags, "env", "KEY=VALUE over the task's envs, as konduktor launch --env (repeatable)")
	client, owner, pos, err := c.setup(env, fs, args)
	if err != nil {
		return err
	}
	if *file == "" || len(pos) > 0 {
		return cli.Usagef("inject: want -f task.yaml and no arguments")
	}
	t, err := readTask(*file)
	if err != nil {
		return err
	}
	if *nodes == 0 {
		*nodes = max(t.NumNodes, 1)
	}
	if *nodes < 1 {
		return cli.Usagef("inject: --num-nodes %d: want at least 1", *nodes)
	}
	taskEnv, err := taskVariables(t.Envs, envFlags)
	if err != nil {
		return err
	}
	secrets, err := konduktorSecrets(ctx, client, c.namespace, owner)
	if err != nil {
		return err
	}
	refs, extras, err := konduktor.Refs(secrets, owner, "")
	if err != nil {
		return fmt.Errorf("inject: %s", libMessage(err))
	}
	extras.Env = withTaskEnv(extras.Env, taskEnv)
	pod := taskPod(t, c.namespace, owner, *nodes)
	// Konduktor's precedence: the template's env < env secrets < the task's env.
	opts := []inject.Option{inject.WithConflictPolicy(inject.ConflictOverride), inject.WithExtras(extras)}
	var out runtime.Object
	switch *kind {
	case kindPod:
		out, err = inject.ApplyObject(pod, refs, opts...)
	case kindJob:
		out, err = inject.ApplyObject(indexedJob(pod, *nodes), refs, opts...)
	case kindJobSet:
		var js runtime.Object
		if js, err = jobSet(pod, *nodes); err == nil {
			out, err = inject.ApplyObject(js, refs, opts...)
		}
	default:
		err = cli.Usagef("inject: --kind %q: want %s, %s or %s", *kind, kindPod, kindJob, kindJobSet)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "# %d secret reference(s) of %s:\n", len(refs), owner)
	for _, r := range refs {
		fmt.Fprintf(env.Stdout, "#   %s: %s\n", r.Origin, r)
	}
	return cli.PrintYAML(env.Stdout, out)
}

// readTask reads a task file.
func readTask(file string) (task, error) {
	var t task
	data, err := os.ReadFile(file)
	if err != nil {
		return t, err
	}
	if err := yaml.UnmarshalStrict(data, &t); err != nil {
		// The decoder's message may quote the file, which may hold secrets in envs.
		return t, fmt.Errorf("%s: not a task this example understands (name, num_nodes, resources.image_id, run, envs)", file)
	}
	if t.Name == "" || t.Resources.ImageID == "" {
		return t, fmt.Errorf("%s: name and resources.image_id are required", file)
	}
	return t, nil
}

// taskVariables is the task's envs, sorted by name (a YAML map has no order to keep), with the
// --env flags over them.
func taskVariables(envs map[string]string, flags []string) ([]corev1.EnvVar, error) {
	vars := make(map[string]string, len(envs)+len(flags))
	for k, v := range envs {
		vars[k] = v
	}
	for i, kv := range flags {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, cli.Usagef("inject: --env #%d is not KEY=VALUE", i+1)
		}
		vars[k] = v
	}
	out := make([]corev1.EnvVar, 0, len(vars))
	for k, v := range vars {
		out = append(out, corev1.EnvVar{Name: k, Value: v})
	}
	slices.SortFunc(out, func(a, b corev1.EnvVar) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// withTaskEnv appends the task's variables to the Extras' own: a task variable of the same name
// (KONDUKTOR_DEFAULT_SECRETS) takes the place of the Extras' one, since one Extras holds a name
// once and the task's env wins.
func withTaskEnv(own, task []corev1.EnvVar) []corev1.EnvVar {
	out := slices.Clone(own)
	for _, v := range task {
		if i := slices.IndexFunc(out, func(e corev1.EnvVar) bool { return e.Name == v.Name }); i >= 0 {
			out[i] = v
			continue
		}
		out = append(out, v)
	}
	return out
}

// taskPod is the pod of one node of the task, as Konduktor's template makes it (the parts this
// example needs): the task container konduktor.MainContainer running the task's run script,
// with some of the template's variables, which env secrets and the task's env override.
func taskPod(t task, namespace, owner string, nodes int) *corev1.Pod {
	return &corev1.Pod{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{
			Name:      t.Name,
			Namespace: namespace,
			Labels:    map[string]string{"trainy.ai/user": owner},
		},
		Spec: corev1.PodSpec{
			RestartPolicy: corev1.RestartPolicyNever,
			Containers: []corev1.Container{{
				Name:    konduktor.MainContainer,
				Image:   t.Resources.ImageID,
				Command: []string{"bash", "-c"},
				Args:    []string{t.Run},
				Env: []corev1.EnvVar{
					{Name: "PYTHONUNBUFFERED", Value: "0"},
					{Name: "NUM_NODES", Value: strconv.Itoa(nodes)},
				},
			}},
		},
	}
}
