package flyte

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"
)

// ConfigSyntaxError is a configuration that is not YAML or JSON. It never quotes the input.
type ConfigSyntaxError struct {
	// Line is the 1-based line the decoder stopped at, 0 when it did not say.
	Line int
}

// Error says where the decoder stopped, without a package prefix: ParseConfig's error says
// "flyte: " once, before it.
func (e *ConfigSyntaxError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("config: not valid YAML or JSON (line %d)", e.Line)
	}
	return "config: not valid YAML or JSON"
}

// ParseConfig reads Flyte's webhook configuration, YAML or JSON, over DefaultConfig: either a
// whole flytepropeller configuration file, whose top-level key webhook holds the section (its
// other top-level keys are other components' sections and are ignored), or the section's
// content alone. It reads Flyte's keys and spellings: secretManagerType K8s, Vault, AWS, GCP or
// Azure (or Flyte's numbers 1 to 4 and 6; Flyte 2's secretManagerTypes with one entry);
// vaultSecretManager.{role, kvVersion, annotations}, kvVersion written "1", "2", 1, 2,
// KVVersion1 or KVVersion2; awsSecretManager, gcpSecretManager and azureSecretManager
// .{sidecarImage, resources}. Given resources and annotations replace the default's entry of
// the same name and keep the others, as Flyte's configuration loader does. The webhook's
// settings that do not shape a pod (certDir, listenPort, serviceName, …) are accepted and
// ignored. Every other key, and every value of the wrong type, is an error with its path
// ("webhook.vaultSecretManager.kvVersion"); all of them are reported at once and none quotes a
// value. The result passes Config.Validate.
func ParseConfig(data []byte) (Config, error) {
	cfg := DefaultConfig()
	doc, err := yaml.YAMLToJSON(data)
	if err != nil {
		return Config{}, fail(&ConfigSyntaxError{Line: yamlLine(err)})
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return Config{}, fail(&ConfigSyntaxError{})
	}
	root := field.NewPath("webhook")
	top, ok := v.(map[string]any)
	if !ok && v != nil {
		return Config{}, failList(field.ErrorList{field.TypeInvalid(root, field.OmitValueType{}, "the configuration must be an object")})
	}
	section, whole := top, false
	if w, ok := top["webhook"]; ok {
		whole = true
		section = nil
		if w != nil {
			if section, ok = w.(map[string]any); !ok {
				return Config{}, failList(field.ErrorList{field.TypeInvalid(root, field.OmitValueType{}, "must be an object")})
			}
		}
	}
	d := decoder{hint: !whole}
	d.webhook(section, root, &cfg)
	if len(d.errs) == 0 {
		d.errs = cfg.Validate(root)
	}
	if len(d.errs) > 0 {
		return Config{}, failList(d.errs)
	}
	return cfg, nil
}

var yamlLineRE = regexp.MustCompile(`line ([0-9]{1,9})`)

// yamlLine finds the line number in a YAML decoder's message, which itself is never shown.
func yamlLine(err error) int {
	m := yamlLineRE.FindStringSubmatch(err.Error())
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// ignoredWebhookKeys are the keys of Flyte's (1 and 2) webhook section that do not shape a pod.
var ignoredWebhookKeys = map[string]bool{
	"metrics-prefix": true, "certDir": true, "localCert": true, "listenPort": true, "serviceName": true,
	"servicePort": true, "secretName": true, "disableCreateMutatingWebhookConfig": true,
	"namespaceSelector": true, "cacheInvalidationPort": true, "webhookTimeout": true,
	"kubeClientConfig": true, "imageBuilderConfig": true, "embeddedSecretManagerConfig": true,
}

// flyteManagerNumbers are Flyte's numbers of its SecretManagerType enum.
var flyteManagerNumbers = map[string]Manager{"1": ManagerK8s, "2": ManagerAWS, "3": ManagerGCP, "4": ManagerVault, "6": ManagerAzure}

// decoder collects every problem of a configuration.
type decoder struct {
	errs field.ErrorList
	hint bool // the document is the section itself: an unknown key may be another component's section
}

func (d *decoder) add(err *field.Error) { d.errs = append(d.errs, err) }

// object returns v as an object, or nil with an error; null is an empty object.
func (d *decoder) object(v any, p *field.Path) map[string]any {
	if v == nil {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		d.add(field.TypeInvalid(p, field.OmitValueType{}, "must be an object"))
	}
	return m
}

func (d *decoder) str(v any, p *field.Path) (string, bool) {
	s, ok := v.(string)
	if !ok {
		d.add(field.TypeInvalid(p, field.OmitValueType{}, "must be a string"))
	}
	return s, ok
}

// unknownKey reports a key the section does not have, and the keys it has.
func (d *decoder) unknownKey(p *field.Path, known ...string) {
	d.add(field.Invalid(p, field.OmitValueType{}, "unknown key; expected one of "+strings.Join(known, ", ")))
}

func (d *decoder) webhook(m map[string]any, p *field.Path, cfg *Config) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v, kp := m[k], p.Child(k)
		switch k {
		case "secretManagerType":
			if mgr, ok := d.manager(v, kp); ok {
				cfg.SecretManagerType = mgr
			}
		case "secretManagerTypes":
			list, ok := v.([]any)
			switch {
			case !ok:
				d.add(field.TypeInvalid(kp, field.OmitValueType{}, "must be a list"))
			case len(list) > 1:
				d.add(field.TooMany(kp, len(list), 1))
			case len(list) == 1:
				if mgr, ok := d.manager(list[0], kp.Index(0)); ok {
					cfg.SecretManagerType = mgr
				}
			}
		case "secretEnvVarPrefix":
			if s, ok := d.str(v, kp); ok && s != EnvVarPrefix {
				d.add(field.Invalid(kp, field.OmitValueType{}, "podsecrets names secret variables with Flyte 1's prefix "+EnvVarPrefix+" only"))
			}
		case "vaultSecretManager":
			d.vault(d.object(v, kp), kp, &cfg.Vault)
		case "awsSecretManager":
			d.sidecar(d.object(v, kp), kp, &cfg.AWS)
		case "gcpSecretManager":
			d.sidecar(d.object(v, kp), kp, &cfg.GCP)
		case "azureSecretManager":
			d.sidecar(d.object(v, kp), kp, &cfg.Azure)
		default:
			if !ignoredWebhookKeys[k] {
				known := []string{"secretManagerType", "secretManagerTypes", "vaultSecretManager", "awsSecretManager",
					"gcpSecretManager", "azureSecretManager", "or another setting of Flyte's webhook section"}
				if d.hint {
					known[len(known)-1] += " (a whole flytepropeller configuration file needs its webhook: section)"
				}
				d.unknownKey(kp, known...)
			}
		}
	}
}

func (d *decoder) manager(v any, p *field.Path) (Manager, bool) {
	var name string
	switch x := v.(type) {
	case string:
		name = x
	case json.Number:
		if mgr, ok := flyteManagerNumbers[x.String()]; ok {
			return mgr, true
		}
	}
	if slices.Contains(managers, name) {
		return Manager(name), true
	}
	msg := "supported values: " + fmt.Sprintf("%q", managers)
	switch name {
	case "Global":
		msg = "the global secrets are always tried first; name the manager that serves the other requests (" + msg + ")"
	case "Embedded":
		msg = "Flyte 2's embedded secret manager is not supported (" + msg + ")"
	}
	d.add(field.Invalid(p, field.OmitValueType{}, msg))
	return "", false
}

func (d *decoder) vault(m map[string]any, p *field.Path, c *VaultConfig) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v, kp := m[k], p.Child(k)
		switch k {
		case "role":
			if s, ok := d.str(v, kp); ok {
				c.Role = s
			}
		case "kvVersion":
			switch x := v.(type) {
			case string:
				switch x {
				case "1", "KVVersion1":
					c.KVVersion = 1
					continue
				case "2", "KVVersion2":
					c.KVVersion = 2
					continue
				}
			case json.Number:
				switch x.String() {
				case "1", "2":
					c.KVVersion, _ = strconv.Atoi(x.String())
					continue
				}
			}
			d.add(field.Invalid(kp, field.OmitValueType{}, `supported values: "1", "2" (also 1, 2, KVVersion1, KVVersion2)`))
		case "annotations":
			am := d.object(v, kp)
			if len(am) > 0 {
				c.Annotations = maps.Clone(c.Annotations)
				if c.Annotations == nil {
					c.Annotations = map[string]string{}
				}
			}
			for _, ak := range slices.Sorted(maps.Keys(am)) {
				if s, ok := d.str(am[ak], kp.Key(ak)); ok {
					c.Annotations[ak] = s
				}
			}
		default:
			d.unknownKey(kp, "annotations", "kvVersion", "role")
		}
	}
}

func (d *decoder) sidecar(m map[string]any, p *field.Path, c *SidecarConfig) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v, kp := m[k], p.Child(k)
		switch k {
		case "sidecarImage":
			if s, ok := d.str(v, kp); ok {
				c.SidecarImage = s
			}
		case "resources":
			d.resources(d.object(v, kp), kp, &c.Resources)
		default:
			d.unknownKey(kp, "resources", "sidecarImage")
		}
	}
}

func (d *decoder) resources(m map[string]any, p *field.Path, r *corev1.ResourceRequirements) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v, kp := m[k], p.Child(k)
		switch k {
		case "limits":
			r.Limits = d.resourceList(d.object(v, kp), kp, r.Limits)
		case "requests":
			r.Requests = d.resourceList(d.object(v, kp), kp, r.Requests)
		case "claims":
			list, ok := v.([]any)
			if !ok && v != nil {
				d.add(field.TypeInvalid(kp, field.OmitValueType{}, "must be a list of {name, request}"))
			}
			r.Claims = nil
			for i, e := range list {
				ep := kp.Index(i)
				var claim corev1.ResourceClaim
				cm := d.object(e, ep)
				for _, ck := range slices.Sorted(maps.Keys(cm)) {
					cv := cm[ck]
					switch ck {
					case "name":
						claim.Name, _ = d.str(cv, ep.Child(ck))
					case "request":
						claim.Request, _ = d.str(cv, ep.Child(ck))
					default:
						d.unknownKey(ep.Child(ck), "name", "request")
					}
				}
				r.Claims = append(r.Claims, claim)
			}
		default:
			d.unknownKey(kp, "claims", "limits", "requests")
		}
	}
}

// resourceList sets each quantity of m over a copy of base.
func (d *decoder) resourceList(m map[string]any, p *field.Path, base corev1.ResourceList) corev1.ResourceList {
	if len(m) == 0 {
		return base
	}
	out := base.DeepCopy()
	if out == nil {
		out = corev1.ResourceList{}
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		var text string
		switch x := m[k].(type) {
		case string:
			text = x
		case json.Number:
			text = x.String()
		default:
			d.add(field.TypeInvalid(p.Key(k), field.OmitValueType{}, "must be a quantity such as 200m or 500Mi"))
			continue
		}
		q, err := resource.ParseQuantity(text)
		if err != nil {
			d.add(field.Invalid(p.Key(k), field.OmitValueType{}, "must be a quantity such as 200m or 500Mi"))
			continue
		}
		out[corev1.ResourceName(k)] = q
	}
	return out
}
